//! Asking a credential's issuer (凭证状态查询): 冀's verification page asks
//! 京, over real HTTP, each signing with its own key (京 SM2, 冀 Ed25519),
//! whether a credential 京 issued still holds. Genuine and checked with
//! 京, the licence's status now as 京's register has it; refused once 京
//! revoked it; not on record when 京 signed it but never recorded it, or
//! recorded it as another kind. On 京's side a request from a platform it
//! does not trust, for another platform, too long or replayed is refused
//! and audited. A peer that cannot be asked is in `issuer_unreachable.rs`.

use super::refusals::ring_of;
use super::{roam, Pair};
use crate::credentials::{genuine, refusal};
use crate::helpers::{logged_in, new_client, TestApp};
use app::domain::credential::{self, Claims, CredentialKind, Facts, PlateFacts, Refusal};
use app::domain::jws;
use app::domain::roaming::credential_status::{
    CredentialStatus, StatusAnswer, StatusRequest, CREDENTIAL_STATUS_PATH, STATUS_MAX_SECS,
    TYP_STATUS, TYP_STATUS_REQUEST,
};
use app::domain::roaming::{random_token, TYP_ASSERTION};
use app::features::credentials::{
    ElectronicLicence, LicenceCode, MyElectronicLicence, RevocationCheck,
};
use app::ports::{Actor, Clock, CredentialKeys, KeyCheck};

const BEIJING_NAME: &str = "北京市互联网交通安全综合服务管理平台";

/// Signs credential claims with a platform's keys, as it would.
pub(super) fn sign_as(keys: &dyn CredentialKeys, claims: &Claims) -> String {
    let input = credential::signing_input(keys.current_alg(), &keys.current_kid(), claims);
    credential::assemble(&input, &keys.sign(input.as_bytes()))
}

pub(super) fn token_of(code: &LicenceCode) -> String {
    code.verify_url.split_once("?c=").unwrap().1.to_string()
}

/// The window-registered person of 冀 roams into 京 and is shown the
/// electronic licence 京 issued them: (their roaming account at 京, the
/// code).
pub(super) async fn beijing_licence(pair: &Pair) -> (i64, LicenceCode) {
    let bj = &pair.beijing;
    let browser = logged_in(&pair.hebei, "Window-registered individual (owner)").await;
    assert_eq!(roam(pair, &browser).await, "/account", "{bj}");
    let me = bj.me(&browser).await.expect("a roaming session at 京");
    let answer = bj
        .call_fn(&browser, MyElectronicLicence {})
        .await
        .unwrap_or_else(|e| panic!("{bj}: the electronic licence: {e}"));
    match serde_json::from_value(answer).unwrap() {
        ElectronicLicence::Shown(code) => (me.account_id, *code),
        other => panic!("{bj}: no electronic licence: {other:?}"),
    }
}

/// The credential's id and the licence number 京 keeps it under.
async fn on_record_at(app: &TestApp, token: &str) -> (String, String) {
    let jti = credential::parse(token).unwrap().claims.jti;
    let (kind, subject): (String, String) =
        sqlx::query_as("SELECT kind, subject FROM credentials WHERE jti = $1")
            .bind(&jti)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap_or_else(|e| panic!("{app}: the credential on record: {e}"));
    assert_eq!(kind, "driving_licence", "{app}");
    (jti, subject)
}

/// The message ids `issuer` sent that `app` has accepted.
async fn seen_from(app: &TestApp, issuer: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM roaming_seen WHERE issuer = '{issuer}'"
    ))
    .await
}

/// The verification page at `app` for `token`, in `lang`.
pub(super) async fn page(app: &TestApp, token: &str, lang: &str) -> String {
    new_client()
        .get(format!("{}{}?c={token}", app.base, credential::VERIFY_PATH))
        .header("cookie", format!("{}={lang}", app::i18n::Lang::COOKIE))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: the verification page: {e}"))
        .text()
        .await
        .unwrap()
}

async fn a_credential_of_beijing_is_checked_with_beijing(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let (account_id, code) = beijing_licence(&pair).await;
    let token = token_of(&code);
    assert_eq!(credential::parse(&token).unwrap().header.alg, "SM2SM3");
    let (jti, number) = on_record_at(bj, &token).await;
    let status_there: String = bj
        .scalar(
            "SELECT status FROM driving_licences WHERE id_number = $1",
            &number,
        )
        .await;
    let seen = seen_from(bj, "冀").await;

    // Genuine at 冀, checked with 京: the licence's status now is 京's.
    let v = genuine(he, &token).await;
    assert_eq!(v.revocation, RevocationCheck::IssuerAnswered, "{he}");
    assert_eq!(v.claims.iss, "京");
    assert_eq!(v.issuer_zh, BEIJING_NAME);
    assert_eq!(
        v.licence_status_now.as_deref(),
        Some(status_there.as_str()),
        "{he}"
    );
    assert_eq!(seen_from(bj, "冀").await, seen + 1, "{bj}: one request");
    let shown = page(he, &token, "zh").await;
    assert!(
        shown.contains("data-revocation=\"issuer_answered\""),
        "{he}: {shown}"
    );
    assert!(
        shown.contains(&format!("经向签发平台（{BEIJING_NAME}）核实，未被作废")),
        "{he}: {shown}"
    );

    // Suspended in 京's register: 冀 says so once its minute-old answer
    // is past (here: forgotten, as a new app server would).
    sqlx::query("UPDATE driving_licences SET status = 'D' WHERE id_number = $1")
        .bind(&number)
        .execute(&bj.platform.store.pool)
        .await
        .unwrap();
    let v = genuine(he, &token).await;
    assert_eq!(
        v.licence_status_now.as_deref(),
        Some("A"),
        "{he}: the answer of a moment ago"
    );
    he.platform.ports.peer_answers.forget();
    let v = genuine(he, &token).await;
    assert_eq!(v.licence_status_now.as_deref(), Some("D"), "{he}");

    // Revoked at 京: refused at 冀 as revoked, at the time 京 holds.
    let actor = Actor {
        account_id: Some(account_id),
        ip: "127.0.0.1".into(),
        operator_id: None,
        api_key: None,
    };
    let revoked = bj
        .platform
        .ports
        .credentials
        .revoke_credentials(account_id, CredentialKind::DrivingLicence, "holder", &actor)
        .await
        .unwrap();
    assert_eq!(revoked, 1, "{bj}");
    let revoked_at: i64 = bj
        .scalar("SELECT revoked_at FROM credentials WHERE jti = $1", &jti)
        .await;
    assert_eq!(
        refusal(bj, &token).await,
        Refusal::Revoked { at_ms: revoked_at },
        "{bj}: its own records"
    );
    he.platform.ports.peer_answers.forget();
    assert_eq!(
        refusal(he, &token).await,
        Refusal::Revoked {
            at_ms: revoked_at.div_euclid(1000) * 1000
        },
        "{he}: as 京 answered (to the second)"
    );
    // Nothing was refused at 京 along the way.
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused'")
            .await,
        0,
        "{bj}"
    );
}

async fn what_beijing_never_recorded_is_not_on_record(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let (_, code) = beijing_licence(&pair).await;
    let recorded = credential::parse(&token_of(&code)).unwrap().claims;
    let keys = bj.platform.ports.credential_keys.clone();
    let now = bj.clock.now_ms() / 1000;
    // Signed with 京's own key, never recorded there.
    let unrecorded = Claims {
        jti: random_token(rand::random()),
        iat: now,
        exp: now + 3600,
        ..recorded.clone()
    };
    assert_eq!(
        bj.count(&format!(
            "SELECT COUNT(*) FROM credentials WHERE jti = '{}'",
            unrecorded.jti
        ))
        .await,
        0
    );
    let token = sign_as(keys.as_ref(), &unrecorded);
    assert_eq!(refusal(he, &token).await, Refusal::NotOnRecord, "{he}");
    assert_eq!(refusal(bj, &token).await, Refusal::NotOnRecord, "{bj}");
    // The recorded id, claimed for another kind (a temporary plate).
    let as_plate = Claims {
        facts: Facts::TemporaryPlate(PlateFacts {
            number: "京A000123".into(),
            vin: "LSVAA4182E2000001".into(),
            model: "大众牌SVW7152".into(),
            vehicle_type: "K33".into(),
            valid_from: "2026-01-01".into(),
            valid_until: "2026-01-15".into(),
            dealer: "北京某汽车销售有限公司".into(),
        }),
        ..recorded.clone()
    };
    let token = sign_as(keys.as_ref(), &as_plate);
    assert_eq!(refusal(he, &token).await, Refusal::NotOnRecord, "{he}");
    // The credential as recorded still passes.
    let v = genuine(he, &code.verify_url).await;
    assert_eq!(v.revocation, RevocationCheck::IssuerAnswered, "{he}");
}

/// Posts a status request to `app`: (status, the body).
async fn ask(app: &TestApp, body: &str) -> (u16, String) {
    let res = new_client()
        .post(format!("{}{CREDENTIAL_STATUS_PATH}", app.base))
        .header("content-type", "application/jose")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: asking: {e}"));
    (res.status().as_u16(), res.text().await.unwrap())
}

fn error_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"].as_str().map(String::from))
        .unwrap_or_else(|| format!("not a refusal: {body}"))
}

fn signed_request(keys: &dyn CredentialKeys, r: &StatusRequest) -> String {
    let input = jws::signing_input(
        keys.current_alg(),
        TYP_STATUS_REQUEST,
        &keys.current_kid(),
        r,
    );
    jws::assemble(&input, &keys.sign(input.as_bytes()))
}

async fn beijing_answers_only_a_trusted_peer_once(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let (_, code) = beijing_licence(&pair).await;
    let (jti, number) = on_record_at(bj, &token_of(&code)).await;
    let hebei = he.platform.ports.credential_keys.clone();
    let now = bj.clock.now_ms() / 1000;
    let request = || StatusRequest {
        iss: "冀".into(),
        aud: "京".into(),
        iat: now,
        exp: now + 60,
        jti: random_token(rand::random()),
        credential: jti.clone(),
        kind: "driving_licence".into(),
    };

    // From 冀: answered, signed by 京 (SM2), to this request.
    let first = request();
    let body = signed_request(hebei.as_ref(), &first);
    let (status, answer) = ask(bj, &body).await;
    assert_eq!(status, 200, "{bj}: {answer}");
    let parsed: jws::Parsed<StatusAnswer> = jws::parse(&answer, TYP_STATUS, 16_000)
        .unwrap_or_else(|e| panic!("{bj}: not an answer ({e:?}): {answer}"));
    assert_eq!(parsed.header.alg, "SM2SM3");
    assert_eq!(
        hebei.verify(
            "京",
            &parsed.header,
            parsed.signing_input.as_bytes(),
            &parsed.signature
        ),
        KeyCheck::Valid,
        "{he}: 京's answer checks with the key 冀 pinned"
    );
    let a = parsed.claims;
    assert_eq!((a.iss.as_str(), a.aud.as_str()), ("京", "冀"));
    assert_eq!(
        (a.req.as_str(), a.credential.as_str()),
        (first.jti.as_str(), jti.as_str())
    );
    assert_eq!(a.status, CredentialStatus::Valid);
    assert!(a.exp - a.iat <= STATUS_MAX_SECS);
    let status_there: String = bj
        .scalar(
            "SELECT status FROM driving_licences WHERE id_number = $1",
            &number,
        )
        .await;
    assert_eq!(a.licence_status_now, Some(status_there));

    // The same request again: replayed.
    let (status, body_again) = ask(bj, &body).await;
    assert_eq!((status, error_of(&body_again)), (409, "replayed".into()));
    // From a platform 京 does not trust.
    let henan = ring_of("豫");
    let from_henan = StatusRequest {
        iss: "豫".into(),
        ..request()
    };
    let (status, refused) = ask(bj, &signed_request(&henan, &from_henan)).await;
    assert_eq!((status, error_of(&refused)), (403, "unknown_issuer".into()));
    // Meant for another platform.
    let for_shanxi = StatusRequest {
        aud: "晋".into(),
        ..request()
    };
    let (status, refused) = ask(bj, &signed_request(hebei.as_ref(), &for_shanxi)).await;
    assert_eq!((status, error_of(&refused)), (403, "wrong_audience".into()));
    // Holding longer than two minutes.
    let long = StatusRequest {
        exp: now + STATUS_MAX_SECS + 1,
        ..request()
    };
    let (status, refused) = ask(bj, &signed_request(hebei.as_ref(), &long)).await;
    assert_eq!((status, error_of(&refused)), (403, "expired".into()));
    // Not a status request, even signed by 冀; and garbage.
    let input = jws::signing_input(
        hebei.current_alg(),
        TYP_ASSERTION,
        &hebei.current_kid(),
        &request(),
    );
    let assertion = jws::assemble(&input, &hebei.sign(input.as_bytes()));
    let (status, refused) = ask(bj, &assertion).await;
    assert_eq!((status, error_of(&refused)), (400, "malformed".into()));
    let (status, refused) = ask(bj, "a.b.c").await;
    assert_eq!((status, error_of(&refused)), (400, "malformed".into()));

    // Each refusal in a trusted peer's name is audited with its reason;
    // text naming no peer (豫, garbage) is not: anyone can send it.
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused'")
            .await,
        3,
        "{bj}"
    );
    for reason in ["replayed", "wrong_audience", "expired"] {
        assert_eq!(
            bj.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused' AND detail = 'reason={reason}'"
            ))
            .await,
            1,
            "{bj}: {reason}"
        );
    }
}

both_backends!(start = crate::roaming::spawn_pair;
    a_credential_of_beijing_is_checked_with_beijing,
    what_beijing_never_recorded_is_not_on_record,
    beijing_answers_only_a_trusted_peer_once,
);
