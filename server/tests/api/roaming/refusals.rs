//! What each side of a roaming login refuses, and audits (漫游登录的拒绝).
//!
//! As the visited platform, 京 is sent crafted assertions by a fake home
//! platform (晋, on 京's trust list, run by the test): forged, tampered,
//! expired, too long, for another platform, from an issuer not trusted,
//! under an unknown key or an algorithm not the key's, for another browser,
//! replayed, for another person. 晋 and 京 sign with SM2 (SM3), 冀 with
//! Ed25519.
//! The home platform's side is in `exchange.rs`.

use crate::helpers::{new_client, Backend, TestApp};
use crate::roaming::{get, location, param, peer_entry, spawn_pair_with, urlencode, Pair};
use app::domain::jws::{self, Alg};
use app::domain::roaming::{
    random_token, Assertion, Refusal, RoamingPerson, ASSERTION_MAX_SECS, TYP_ASSERTION, TYP_REQUEST,
};
use app::ports::{Clock, CredentialKeys};
use axum::routing::post;
use server::signing::{KeyRing, KeySource};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

/// A platform's key ring made in memory, for a province.
pub(super) fn ring_of(province: &str) -> KeyRing {
    ring_signing_with(province, Alg::EdDsa)
}

pub(super) fn ring_signing_with(province: &str, alg: Alg) -> KeyRing {
    let text = server::profile::DEVELOPMENT_PROFILE.replace('冀', province);
    let profile = server::profile::parse(province, &text).unwrap();
    KeyRing::load(&profile, &KeySource::Memory(alg), None).unwrap()
}

/// 晋, the fake home platform, and a stranger's key that 晋 never published.
pub(super) fn shanxi() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| ring_signing_with("晋", Alg::Sm2Sm3))
}

pub(super) fn signed<T: serde::Serialize>(ring: &KeyRing, typ: &str, claims: &T) -> String {
    let input = jws::signing_input(ring.current_alg(), typ, &ring.current_kid(), claims);
    jws::assemble(&input, &ring.sign(input.as_bytes()))
}

/// What the fake home answers to its next token request: a status and a body.
pub(super) type Answers = Arc<Mutex<VecDeque<(u16, String)>>>;

pub(super) struct Fake {
    pub(super) pair: Pair,
    pub(super) answers: Answers,
}

pub(super) async fn spawn_with_fake_home(backend: Backend) -> Fake {
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
        &key.key,
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

pub(super) fn assertion(app: &TestApp, nonce: &str) -> Assertion {
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
pub(super) async fn start(app: &TestApp) -> (String, String, String) {
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
pub(super) async fn back(app: &TestApp, cookie: Option<&str>, state: &str) -> String {
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
    let stranger = ring_signing_with("晋", Alg::Sm2Sm3);
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
                parts[1] = jws::signing_input(Alg::Sm2Sm3, TYP_ASSERTION, "x", &changed)
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
                let input = jws::signing_input(
                    Alg::Sm2Sm3,
                    TYP_ASSERTION,
                    "jin-unknown",
                    &assertion(app, n),
                );
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
        (
            Refusal::NotYetValid,
            Box::new(|app, n| {
                // Issued five minutes ahead: past the minute of skew.
                let a = assertion(app, n);
                let early = Assertion {
                    iat: a.iat + 300,
                    exp: a.iat + 300 + ASSERTION_MAX_SECS,
                    ..a
                };
                signed(shanxi(), TYP_ASSERTION, &early)
            }),
        ),
        (
            Refusal::Algorithm,
            Box::new(|app, n| {
                // 晋's SM2 key, its header claiming Ed25519.
                let keys = shanxi();
                let input = jws::signing_input(
                    Alg::EdDsa,
                    TYP_ASSERTION,
                    &keys.current_kid(),
                    &assertion(app, n),
                );
                jws::assemble(&input, &keys.sign(input.as_bytes()))
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

    // The roaming account disabled here (by this platform's supervisor):
    // 晋's genuine word does not open it.
    sqlx::query(
        "UPDATE accounts SET disabled_at = 1 WHERE id IN (SELECT account_id FROM roaming_accounts)",
    )
    .execute(&bj.platform.store.pool)
    .await
    .unwrap();
    let (cookie, state, nonce) = start(bj).await;
    let disabled = Assertion {
        sub: "903".into(),
        ..assertion(bj, &nonce)
    };
    answer(200, signed(shanxi(), TYP_ASSERTION, &disabled));
    assert_eq!(
        back(bj, Some(&cookie), &state).await,
        refused_with(Refusal::Disabled)
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
        "not_yet_valid",
        "disabled",
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

both_backends!(start = crate::roaming::refusals::spawn_with_fake_home;
    the_visited_platform_refuses_every_bad_assertion,
);
