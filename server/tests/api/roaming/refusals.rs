//! What each side of a roaming login refuses, and audits (漫游登录的拒绝).
//!
//! As the visited platform, 京 is sent crafted assertions by a fake home
//! platform (晋, on 京's trust list, run by the test): forged, tampered,
//! expired, too long, for another platform, from an issuer not trusted,
//! under an unknown key, for another browser, replayed. As the home
//! platform, 冀 is sent crafted token requests: malformed, from a platform
//! it does not trust, for another platform, late, replayed, with a code
//! used, expired or never granted.

use crate::helpers::{logged_in, new_client, Backend, TestApp};
use crate::roaming::{get, grant, location, param, peer_entry, spawn_pair_with, urlencode, Pair};
use app::domain::jws;
use app::domain::roaming::{
    random_token, Assertion, Refusal, RoamingPerson, TokenRequest, ASSERTION_MAX_SECS,
    TYP_ASSERTION, TYP_REQUEST,
};
use app::ports::{Clock, CredentialKeys};
use axum::routing::post;
use server::signing::{KeyRing, KeySource};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

/// A platform's key ring made in memory, for a province.
fn ring_of(province: &str) -> KeyRing {
    let text = server::profile::DEVELOPMENT_PROFILE.replace('冀', province);
    let profile = server::profile::parse(province, &text).unwrap();
    KeyRing::load(&profile, &KeySource::Memory, None).unwrap()
}

/// 晋, the fake home platform, and a stranger's key that 晋 never published.
fn shanxi() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| ring_of("晋"))
}

fn signed<T: serde::Serialize>(ring: &KeyRing, typ: &str, claims: &T) -> String {
    let input = jws::signing_input(typ, &ring.current_kid(), claims);
    jws::assemble(&input, &ring.sign(input.as_bytes()))
}

/// What the fake home answers to its next token request: a status and a body.
type Answers = Arc<Mutex<VecDeque<(u16, String)>>>;

struct Fake {
    pair: Pair,
    answers: Answers,
}

async fn spawn_with_fake_home(backend: Backend) -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let answers: Answers = Arc::default();
    let queue = answers.clone();
    let router = axum::Router::new().route(
        "/roam/token",
        post(move |_body: String| {
            let queue = queue.clone();
            async move {
                let (status, body) = queue
                    .lock()
                    .unwrap()
                    .pop_front()
                    .unwrap_or((500, String::new()));
                (axum::http::StatusCode::from_u16(status).unwrap(), body)
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let key = shanxi().published_keys().remove(0);
    let extra = peer_entry(
        "晋",
        "山西省互联网交通安全综合服务管理平台",
        &base,
        &key.kid,
        &key.x,
    );
    Fake {
        pair: spawn_pair_with(backend, &extra, "").await,
        answers,
    }
}

fn person(id_number: &str) -> RoamingPerson {
    RoamingPerson {
        id_number: id_number.into(),
        name: "郭晋生".into(),
        phone: "13934560001".into(),
        channel: "online".into(),
        kind: "owner_or_driver".into(),
    }
}

fn assertion(app: &TestApp, nonce: &str) -> Assertion {
    let now = app.clock.now_ms() / 1000;
    Assertion {
        iss: "晋".into(),
        aud: "京".into(),
        sub: "901".into(),
        iat: now,
        exp: now + ASSERTION_MAX_SECS,
        jti: random_token(rand::random()),
        nonce: nonce.into(),
        person: person("140105199001011238"),
        vehicles: vec![],
    }
}

/// A browser's start at 京 for 晋: (the state cookie as `Cookie` sends it,
/// the state, the nonce).
async fn start(app: &TestApp) -> (String, String, String) {
    let client = new_client();
    let res = get(
        &client,
        &format!("{}/roam/start?home={}", app.base, urlencode("晋")),
    )
    .await;
    assert_eq!(res.status(), 303, "{app}");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("roam_state="))
        .expect("the state cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let to = location(&res);
    (cookie, param(&to, "state"), param(&to, "nonce"))
}

/// The return to 京 with a cookie header of our own: where 京 sends the
/// browser (`/account`, or the login page with the refusal).
async fn back(app: &TestApp, cookie: Option<&str>, state: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client.get(format!(
        "{}/roam/callback?code={}&state={state}",
        app.base,
        random_token(rand::random())
    ));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 303, "{app}");
    location(&res)
}

fn refused_with(r: Refusal) -> String {
    format!("/login?roaming={}", r.code())
}

async fn the_visited_platform_refuses_every_bad_assertion(fake: Fake) {
    let bj = &fake.pair.beijing;
    let answer = |status: u16, body: String| fake.answers.lock().unwrap().push_back((status, body));

    // Genuine: in, and the same answer again is a replay.
    let (cookie, state, nonce) = start(bj).await;
    let good = signed(shanxi(), TYP_ASSERTION, &assertion(bj, &nonce));
    answer(200, good.clone());
    assert_eq!(back(bj, Some(&cookie), &state).await, "/account", "{bj}");
    answer(200, good.clone());
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::Replayed)
    );

    // The account of 晋's 901 is that person's: another ID number under
    // the same subject is refused, never merged.
    let (cookie, state, nonce) = start(bj).await;
    let other_person = Assertion {
        person: person("140105199001021233"),
        ..assertion(bj, &nonce)
    };
    answer(200, signed(shanxi(), TYP_ASSERTION, &other_person));
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::IdentityChanged)
    );
    // The same person under a new account at 晋: the roaming account
    // follows it (one account still).
    let (cookie, state, nonce) = start(bj).await;
    let moved = Assertion {
        sub: "903".into(),
        ..assertion(bj, &nonce)
    };
    answer(200, signed(shanxi(), TYP_ASSERTION, &moved));
    assert_eq!(back(bj, Some(&cookie), &state).await, "/account", "{bj}");
    let subject: String = bj
        .scalar(
            "SELECT home_subject FROM roaming_accounts WHERE home_province = $1",
            "晋",
        )
        .await;
    assert_eq!(subject, "903", "{bj}");

    // Each crafted answer to a fresh start.
    let stranger = ring_of("晋");
    type Craft = Box<dyn Fn(&TestApp, &str) -> String>;
    let cases: Vec<(Refusal, Craft)> = vec![
        (
            Refusal::BadSignature,
            Box::new(|app, n| {
                let token = signed(shanxi(), TYP_ASSERTION, &assertion(app, n));
                let mut parts: Vec<String> = token.split('.').map(String::from).collect();
                let changed = Assertion {
                    sub: "1".into(),
                    ..assertion(app, n)
                };
                parts[1] = jws::signing_input(TYP_ASSERTION, "x", &changed)
                    .split('.')
                    .nth(1)
                    .unwrap()
                    .to_string();
                parts.join(".")
            }),
        ),
        (
            Refusal::Expired,
            Box::new(|app, n| {
                let a = assertion(app, n);
                let late = Assertion {
                    iat: a.iat - 400,
                    exp: a.iat - 400 + ASSERTION_MAX_SECS,
                    ..a
                };
                signed(shanxi(), TYP_ASSERTION, &late)
            }),
        ),
        (
            Refusal::Expired,
            Box::new(|app, n| {
                let a = assertion(app, n);
                let long = Assertion {
                    exp: a.iat + 3600,
                    ..a
                };
                signed(shanxi(), TYP_ASSERTION, &long)
            }),
        ),
        (
            Refusal::WrongAudience,
            Box::new(|app, n| {
                let other = Assertion {
                    aud: "冀".into(),
                    ..assertion(app, n)
                };
                signed(shanxi(), TYP_ASSERTION, &other)
            }),
        ),
        (
            Refusal::UnknownIssuer,
            Box::new(|app, n| {
                let other = Assertion {
                    iss: "豫".into(),
                    ..assertion(app, n)
                };
                signed(&ring_of("豫"), TYP_ASSERTION, &other)
            }),
        ),
        (
            Refusal::UnknownKey,
            Box::new(move |app, n| {
                // 晋's name, a key 晋 never published (same kid scheme).
                let input = jws::signing_input(TYP_ASSERTION, "jin-unknown", &assertion(app, n));
                jws::assemble(&input, &stranger.sign(input.as_bytes()))
            }),
        ),
        (
            Refusal::StateMismatch,
            Box::new(|app, _| {
                signed(
                    shanxi(),
                    TYP_ASSERTION,
                    &assertion(app, &random_token(rand::random())),
                )
            }),
        ),
        (Refusal::Malformed, Box::new(|_, _| "not.a.jws".into())),
        (
            Refusal::Malformed,
            Box::new(|app, n| {
                // A token request is not an assertion, even signed by 晋.
                let a = assertion(app, n);
                signed(shanxi(), TYP_REQUEST, &a)
            }),
        ),
    ];
    let mut refused = 2; // the replay and the other person above
    for (expected, craft) in cases {
        let (cookie, state, nonce) = start(bj).await;
        answer(200, craft(bj, &nonce));
        assert_eq!(
            back(bj, Some(&cookie), &state).await,
            refused_with(expected),
            "{bj}: {expected:?}"
        );
        refused += 1;
    }

    // The home platform refuses the code, or does not answer.
    let (cookie, state, _) = start(bj).await;
    answer(410, r#"{"error":"code_refused"}"#.into());
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::CodeRefused)
    );
    let (cookie, state, _) = start(bj).await;
    answer(502, String::new());
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::HomeUnreachable)
    );
    refused += 2;

    // Another browser: no cookie, or another start's.
    let (_, state, _) = start(bj).await;
    assert_eq!(
        back(bj, None, &state).await,
        refused_with(Refusal::StateMismatch)
    );
    let (other_cookie, _, _) = start(bj).await;
    assert_eq!(
        back(bj, Some(&other_cookie), &state).await,
        refused_with(Refusal::StateMismatch)
    );
    // (Without a cookie it names no platform: refused, not recorded.)
    refused += 1;

    // A person with an account of their own here is told to use it.
    sqlx::query(
        "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
         VALUES ('individual', 'online', 'owner_or_driver', '110105198805051235', '钱京生', '13811110000', 'x', 0)",
    )
    .execute(&bj.platform.store.pool)
    .await
    .unwrap();
    let (cookie, state, nonce) = start(bj).await;
    let local = Assertion {
        sub: "902".into(),
        person: person("110105198805051235"),
        ..assertion(bj, &nonce)
    };
    answer(200, signed(shanxi(), TYP_ASSERTION, &local));
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::LocalAccount)
    );
    refused += 1;

    // Every refusal is in the audit log, with its reason; one login went in.
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused'")
            .await,
        refused,
        "{bj}"
    );
    for reason in [
        "identity_changed",
        "replayed",
        "bad_signature",
        "wrong_audience",
        "unknown_issuer",
        "unknown_key",
        "state_mismatch",
        "local_account",
    ] {
        assert!(
            bj.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused' AND detail = 'reason={reason}'"
            ))
            .await
                >= 1,
            "{bj}: {reason}"
        );
    }
    assert_eq!(bj.count("SELECT COUNT(*) FROM roaming_accounts").await, 1);
}

/// 京's key ring, read from its key folder.
fn beijing_ring(pair: &Pair) -> KeyRing {
    let text = crate::roaming::beijing_profile();
    let profile = server::profile::parse("beijing", &text).unwrap();
    KeyRing::load(
        &profile,
        &KeySource::Dir {
            path: pair.beijing_keys.clone(),
            generate: false,
        },
        None,
    )
    .unwrap()
}

fn request(app: &TestApp, code: &str) -> TokenRequest {
    let now = app.clock.now_ms() / 1000;
    TokenRequest {
        iss: "京".into(),
        aud: "冀".into(),
        iat: now,
        exp: now + 60,
        jti: random_token(rand::random()),
        code: code.into(),
    }
}

/// Posts a token request to 冀: (status, body).
async fn exchange(app: &TestApp, body: &str) -> (u16, String) {
    let res = new_client()
        .post(format!("{}/roam/token", app.base))
        .header("content-type", "application/jose")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn error(code: &str) -> String {
    format!(r#"{{"error":"{code}"}}"#)
}

async fn the_home_platform_answers_only_its_peers_once(pair: Pair) {
    let he = &pair.hebei;
    let beijing = beijing_ring(&pair);
    // A code granted to 京, as the browser would carry it.
    let browser = logged_in(he, "Online-registered individual").await;
    let nonce = random_token(rand::random());
    let res = grant(he, &browser, &random_token(rand::random()), &nonce).await;
    let code = param(&location(&res), "code");
    assert_eq!(code.len(), 32, "{he}: {}", location(&res));

    assert_eq!(exchange(he, "garbage").await, (400, error("malformed")));
    // Not a peer of 冀, or claiming to be 京 with another key.
    let from_henan = TokenRequest {
        iss: "豫".into(),
        ..request(he, &code)
    };
    assert_eq!(
        exchange(he, &signed(&ring_of("豫"), TYP_REQUEST, &from_henan)).await,
        (403, error("unknown_issuer"))
    );
    // 晋 is trusted too, but the code was granted to 京.
    let from_shanxi = TokenRequest {
        iss: "晋".into(),
        ..request(he, &code)
    };
    assert_eq!(
        exchange(he, &signed(shanxi(), TYP_REQUEST, &from_shanxi)).await,
        (410, error("code_refused"))
    );
    assert_eq!(
        exchange(
            he,
            &signed(&ring_of("京"), TYP_REQUEST, &request(he, &code))
        )
        .await,
        (403, error("unknown_key"))
    );
    let for_another = TokenRequest {
        aud: "豫".into(),
        ..request(he, &code)
    };
    assert_eq!(
        exchange(he, &signed(&beijing, TYP_REQUEST, &for_another)).await,
        (403, error("wrong_audience"))
    );
    let late = TokenRequest {
        iat: he.clock.now_ms() / 1000 - 300,
        exp: he.clock.now_ms() / 1000 - 240,
        ..request(he, &code)
    };
    assert_eq!(
        exchange(he, &signed(&beijing, TYP_REQUEST, &late)).await,
        (403, error("expired"))
    );
    // Genuine: the assertion, for 京, with the nonce and the person.
    let genuine = signed(&beijing, TYP_REQUEST, &request(he, &code));
    let (status, body) = exchange(he, &genuine).await;
    assert_eq!(status, 200, "{he}: {body}");
    let parsed: jws::Parsed<Assertion> = jws::parse(&body, TYP_ASSERTION, 16_000).unwrap();
    let a = parsed.claims;
    assert_eq!((a.iss.as_str(), a.aud.as_str()), ("冀", "京"));
    assert_eq!(a.nonce, nonce);
    assert_eq!(a.person.id_number, pair.owner.0);
    assert!(a.exp - a.iat <= ASSERTION_MAX_SECS);
    assert!(a
        .vehicles
        .iter()
        .any(|v| v.plate == pair.home_plate && v.own));
    // Checked with the key 冀 publishes, as 京 does.
    assert_eq!(
        beijing_keys_check(
            &pair.beijing,
            &parsed.header.kid,
            &parsed.signing_input,
            &parsed.signature
        ),
        app::ports::KeyCheck::Valid
    );
    // The same request again, or the code in a new one: refused.
    assert_eq!(exchange(he, &genuine).await, (409, error("replayed")));
    assert_eq!(
        exchange(he, &signed(&beijing, TYP_REQUEST, &request(he, &code))).await,
        (410, error("code_refused"))
    );
    // A code unused for a minute is over.
    let res = grant(he, &browser, &random_token(rand::random()), &nonce).await;
    let slow = param(&location(&res), "code");
    he.clock.advance_secs(61);
    assert_eq!(
        exchange(he, &signed(&beijing, TYP_REQUEST, &request(he, &slow))).await,
        (410, error("code_refused"))
    );
    // Refusals audited (the replay, the used code and the late code too);
    // the garbage names no platform and is not recorded.
    assert_eq!(
        he.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused'")
            .await,
        8,
        "{he}"
    );
}

/// 京's key ring (its trust list holding 冀's published key) checks a
/// signature of 冀's.
fn beijing_keys_check(
    bj: &TestApp,
    kid: &str,
    input: &str,
    signature: &[u8],
) -> app::ports::KeyCheck {
    bj.platform
        .ports
        .credential_keys
        .verify("冀", kid, input.as_bytes(), signature)
}

both_backends!(start = crate::roaming::refusals::spawn_with_fake_home;
    the_visited_platform_refuses_every_bad_assertion,
);
/// 冀 and 京, 冀 trusting 晋 (the test's key) too.
async fn spawn_pair_hebei_trusting_shanxi(backend: Backend) -> Pair {
    let key = shanxi().published_keys().remove(0);
    let extra = peer_entry(
        "晋",
        "山西省互联网交通安全综合服务管理平台",
        "http://127.0.0.1:9",
        &key.kid,
        &key.x,
    );
    spawn_pair_with(backend, "", &extra).await
}

both_backends!(start = crate::roaming::refusals::spawn_pair_hebei_trusting_shanxi;
    the_home_platform_answers_only_its_peers_once,
);
