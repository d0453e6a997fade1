//! What the home platform answers to token requests (漫游身份断言的换取):
//! 冀 is sent crafted requests — malformed, from a platform it does not
//! trust, posing with another key, for another platform, late, replayed,
//! with a code used, expired, never granted or granted to another peer —
//! and answers the genuine one with an assertion 京 can check.

use super::refusals::{ring_of, shanxi, signed};
use crate::helpers::{logged_in, new_client, Backend, TestApp};
use crate::roaming::{grant, location, param, peer_entry, spawn_pair_with, Pair};
use app::domain::jws;
use app::domain::roaming::{
    random_token, Assertion, TokenRequest, ASSERTION_MAX_SECS, TYP_ASSERTION, TYP_REQUEST,
};
use app::ports::{Clock, CredentialKeys};
use server::signing::{KeyRing, KeySource};

/// 京's key ring, read from its key folder.
fn beijing_ring(pair: &Pair) -> KeyRing {
    let text = crate::roaming::beijing_profile();
    let profile = server::profile::parse("beijing", &text).unwrap();
    KeyRing::load(
        &profile,
        &KeySource::Dir {
            path: pair.beijing_keys.clone(),
            generate: None,
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
            &parsed.header,
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
    header: &jws::Header,
    input: &str,
    signature: &[u8],
) -> app::ports::KeyCheck {
    bj.platform
        .ports
        .credential_keys
        .verify("冀", header, input.as_bytes(), signature)
}

/// 冀 and 京, 冀 trusting 晋 (the test's key) too.
async fn spawn_pair_hebei_trusting_shanxi(backend: Backend) -> Pair {
    let key = shanxi().published_keys().remove(0);
    let extra = peer_entry(
        "晋",
        "山西省互联网交通安全综合服务管理平台",
        "http://127.0.0.1:9",
        &key.key,
    );
    spawn_pair_with(backend, "", &extra).await
}

both_backends!(start = crate::roaming::exchange::spawn_pair_hebei_trusting_shanxi;
    the_home_platform_answers_only_its_peers_once,
);
