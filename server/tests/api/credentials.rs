//! Signed credentials (电子凭证) on both databases: the electronic licence's
//! QR code, checked offline with the key document alone; the verification
//! page's answer for a genuine credential and for each refusal (tampered,
//! unknown key, unknown issuer, malformed, expired, not on record,
//! revoked); the licence's status now; and a peer's credential accepted
//! through the trust list.

use crate::helpers::*;
use app::domain::credential::{
    assemble, credential_id, parse, signing_input, Alg, Claims, Facts, Refusal,
};
use app::features::bindings::BindLicence;
use app::features::credentials::{
    ElectronicLicence, LicenceCode, MyElectronicLicence, RenewElectronicLicence, RevocationCheck,
    Verification, Verified, VerifyCredential,
};
use app::ports::{Clock, CredentialKeys};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use server::signing::{KeyRing, KeySource};
use std::sync::OnceLock;

const HOLDER: &str = "Online-registered individual (owner)";

async fn holder(app: &TestApp) -> reqwest::Client {
    let client = logged_in(app, HOLDER).await;
    app.call_fn(&client, BindLicence {})
        .await
        .unwrap_or_else(|e| panic!("{app}: bind licence: {e}"));
    client
}

async fn licence_code(app: &TestApp, client: &reqwest::Client) -> LicenceCode {
    let answer = app
        .call_fn(client, MyElectronicLicence {})
        .await
        .unwrap_or_else(|e| panic!("{app}: electronic licence: {e}"));
    match serde_json::from_value(answer.clone()).unwrap() {
        ElectronicLicence::Shown(code) => *code,
        other => panic!("{app}: no code shown: {other:?}"),
    }
}

pub(crate) async fn verify(app: &TestApp, credential: &str) -> Verification {
    // Anyone may check: a client that never logged in.
    let answer = app
        .call_fn(
            &new_client(),
            VerifyCredential {
                credential: credential.to_string(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: verify: {e}"));
    serde_json::from_value(answer).unwrap()
}

pub(crate) async fn genuine(app: &TestApp, credential: &str) -> Verified {
    match verify(app, credential).await {
        Verification::Genuine(v) => *v,
        Verification::Refused(r) => panic!("{app}: refused ({}): {credential}", r.code()),
    }
}

pub(crate) async fn refusal(app: &TestApp, credential: &str) -> Refusal {
    match verify(app, credential).await {
        Verification::Refused(r) => r,
        Verification::Genuine(v) => panic!("{app}: passed: {v:?}"),
    }
}

fn token_of(code: &LicenceCode) -> String {
    code.verify_url.split_once("?c=").unwrap().1.to_string()
}

/// The token with its claims replaced (the signature kept).
pub(crate) fn with_claims(token: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    change(&mut claims);
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    format!("{}.{claims}.{}", parts[0], parts[2])
}

/// Signs claims with a key ring, as its platform would.
fn signed(keys: &dyn CredentialKeys, claims: &Claims) -> String {
    let input = signing_input(keys.current_alg(), &keys.current_kid(), claims);
    assemble(&input, &keys.sign(input.as_bytes()))
}

async fn the_electronic_licence_is_signed_and_anyone_can_check_it(app: TestApp) {
    let client = holder(&app).await;
    let code = licence_code(&app, &client).await;
    assert_eq!(code.facts.name, app.me(&client).await.unwrap().display_name);
    assert!(code.facts.number.contains("********"), "masked: {code:?}");
    assert!(code.qr_svg.starts_with("<?xml") || code.qr_svg.contains("<svg"));
    assert_eq!(code.expires_at_ms - code.issued_at_ms, 24 * 3_600_000);
    // Shown again: the same credential, kept once.
    let again = licence_code(&app, &client).await;
    assert_eq!(again.verify_url, code.verify_url);
    assert_eq!(app.count("SELECT COUNT(*) FROM credentials").await, 1);
    // The address in the QR code passes, and says what the licence says.
    let v = genuine(&app, &code.verify_url).await;
    assert_eq!(v.revocation, RevocationCheck::OurRecords, "{v:?}");
    assert_eq!(v.claims.facts, Facts::DrivingLicence(code.facts.clone()));
    assert_eq!(v.licence_status_now.as_deref(), Some("A"));
    assert_eq!(v.claims.iss, "冀");
    // Offline: the key document's public key alone checks the signature.
    let doc: serde_json::Value = app
        .client
        .get(format!("{}/.well-known/platform-keys.json", app.base))
        .send()
        .await
        .expect("key document")
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], "冀");
    let token = token_of(&code);
    let presented = parse(&token).unwrap();
    let key = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == presented.header.kid.as_str())
        .unwrap_or_else(|| panic!("{app}: kid not published: {doc}"));
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    let raw = URL_SAFE_NO_PAD.decode(key["x"].as_str().unwrap()).unwrap();
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, raw)
        .verify(presented.signing_input.as_bytes(), &presented.signature)
        .expect("the published key checks the credential offline");
    // The page itself, from a phone's scan.
    let page = app
        .client
        .get(&code.verify_url)
        .send()
        .await
        .expect("verify page")
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-testid=\"verify-genuine\""),
        "{app}: {page}"
    );
    assert!(page.contains(&code.facts.name), "{app}");
}

async fn every_refusal_is_named(app: TestApp) {
    let client = holder(&app).await;
    let code = licence_code(&app, &client).await;
    let token = token_of(&code);
    // Changed after signing: another name, another class.
    let renamed = with_claims(&token, |c| c["name"] = "李四".into());
    assert_eq!(refusal(&app, &renamed).await, Refusal::BadSignature);
    let upgraded = with_claims(&token, |c| c["class"] = "A1".into());
    assert_eq!(refusal(&app, &upgraded).await, Refusal::BadSignature);
    // A key or an issuer nobody trusts.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA","kid":"forged-1","typ":"JG-CRED"}"#);
    let (_, rest) = token.split_once('.').unwrap();
    assert_eq!(
        refusal(&app, &format!("{header}.{rest}")).await,
        Refusal::UnknownKey
    );
    let elsewhere = with_claims(&token, |c| c["iss"] = "粤".into());
    assert_eq!(refusal(&app, &elsewhere).await, Refusal::UnknownIssuer);
    // Not a credential; cut short.
    assert_eq!(refusal(&app, "hello").await, Refusal::Malformed);
    assert_eq!(
        refusal(&app, &token[..token.len() - 10]).await,
        Refusal::Malformed
    );
    // Signed with this platform's key but never issued: not on record.
    let keys = &app.platform.ports.credential_keys;
    let mut claims = parse(&token).unwrap().claims;
    claims.jti = credential_id([1; 16]);
    assert_eq!(
        refusal(&app, &signed(keys.as_ref(), &claims)).await,
        Refusal::NotOnRecord
    );
    // Revoked by the holder: the old code fails at once, a new one passes.
    app.call_fn(&client, RenewElectronicLicence {})
        .await
        .unwrap_or_else(|e| panic!("{app}: renew: {e}"));
    assert!(matches!(
        refusal(&app, &token).await,
        Refusal::Revoked { .. }
    ));
    let fresh = licence_code(&app, &client).await;
    assert_ne!(token_of(&fresh), token);
    genuine(&app, &fresh.verify_url).await;
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'credential.revoke'")
        .await;
    assert_eq!(audited, 1, "{app}");
    // Expired a minute after its day (the skew allowed).
    app.clock.advance_secs(24 * 3600 + 61);
    assert!(matches!(
        refusal(&app, &fresh.verify_url).await,
        Refusal::Expired { .. }
    ));
}

async fn the_status_now_is_told_and_a_changed_licence_gets_a_new_code(app: TestApp) {
    let client = holder(&app).await;
    let code = licence_code(&app, &client).await;
    let number: String = app
        .scalar(
            "SELECT id_number FROM accounts WHERE id = $1",
            account_id(&app, HOLDER).await,
        )
        .await;
    sqlx::query("UPDATE driving_licences SET status = 'D' WHERE id_number = $1")
        .bind(&number)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    // The code shown before still passes, and says the licence is
    // suspended now.
    let v = genuine(&app, &code.verify_url).await;
    assert_eq!(v.licence_status_now.as_deref(), Some("D"), "{app}");
    // The page signs a new code that states it, and revokes the old one
    // (the issuer's revocation).
    let new = licence_code(&app, &client).await;
    assert_eq!(new.facts.status, "D");
    assert_ne!(new.verify_url, code.verify_url);
    assert!(matches!(
        refusal(&app, &code.verify_url).await,
        Refusal::Revoked { .. }
    ));
    genuine(&app, &new.verify_url).await;
    // A licence no longer in force has no electronic licence.
    sqlx::query("UPDATE driving_licences SET status = 'G' WHERE id_number = $1")
        .bind(&number)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let answer = app.call_fn(&client, MyElectronicLicence {}).await.unwrap();
    let shown: ElectronicLicence = serde_json::from_value(answer).unwrap();
    assert!(
        matches!(shown, ElectronicLicence::Unavailable(_)),
        "{app}: {shown:?}"
    );
    // ...and what it showed before no longer passes here.
    assert!(matches!(
        refusal(&app, &new.verify_url).await,
        Refusal::Revoked { .. }
    ));
}

async fn unbinding_or_a_disabled_account_ends_the_codes(app: TestApp) {
    let client = holder(&app).await;
    let code = licence_code(&app, &client).await;
    app.call_fn(&client, app::features::bindings::UnbindLicence {})
        .await
        .unwrap();
    assert!(matches!(
        refusal(&app, &code.verify_url).await,
        Refusal::Revoked { .. }
    ));
    app.call_fn(&client, BindLicence {}).await.unwrap();
    let code = licence_code(&app, &client).await;
    genuine(&app, &code.verify_url).await;
    sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2")
        .bind(app.clock.now_ms())
        .bind(account_id(&app, HOLDER).await)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    assert!(matches!(
        refusal(&app, &code.verify_url).await,
        Refusal::Revoked { .. }
    ));
}

async fn a_temporary_plate_carries_a_signed_credential(app: TestApp) {
    use crate::temporary_plates::{buyer, entry, issued, DEALER};
    use app::features::temporary_plates::{PlateSheet, RevokeTemporaryPlate, UnitTemporaryPlate};
    let dealer = logged_in(&app, DEALER).await;
    let b = buyer(&app).await;
    let (id, number) = issued(&app, &dealer, entry(&app, &b, "15")).await;
    let sheet =
        |answer: serde_json::Value| -> PlateSheet { serde_json::from_value(answer).unwrap() };
    let shown = sheet(
        app.call_fn(&dealer, UnitTemporaryPlate { id })
            .await
            .unwrap(),
    );
    let url = shown.verify_url.clone().expect("an issued plate's QR code");
    assert!(shown.qr_svg.is_some());
    // Printed again: the same credential, signed once.
    let again = sheet(
        app.call_fn(&dealer, UnitTemporaryPlate { id })
            .await
            .unwrap(),
    );
    assert_eq!(again.verify_url.as_deref(), Some(url.as_str()));
    let v = genuine(&app, &url).await;
    let Facts::TemporaryPlate(p) = &v.claims.facts else {
        panic!("{app}: not a plate: {v:?}")
    };
    assert_eq!(
        (p.number.as_str(), p.vin.as_str()),
        (number.as_str(), b.3.as_str())
    );
    assert_eq!(p.valid_until, shown.plate.valid_until.to_iso());
    assert_eq!(
        v.claims.exp,
        app::domain::credential::end_of_day_secs(shown.plate.valid_until),
        "{app}: it holds to the end of the plate's last day"
    );
    // Revoked by the dealer: the credential is refused by the records.
    app.call_fn(
        &dealer,
        RevokeTemporaryPlate {
            id,
            reason: "退车".into(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: revoke: {e}"));
    assert!(matches!(refusal(&app, &url).await, Refusal::Revoked { .. }));
}

/// 京's key ring, in the test's memory, signing with SM2 (SM3); the 冀
/// platform below trusts it.
fn beijing() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        let text = server::profile::DEVELOPMENT_PROFILE.replace('冀', "京");
        let profile = server::profile::parse("beijing", &text).unwrap();
        KeyRing::load(&profile, &KeySource::Memory(Alg::Sm2Sm3), None).unwrap()
    })
}

/// A 冀 platform whose configuration file trusts 京's key.
async fn spawn_trusting_beijing(backend: Backend) -> TestApp {
    let key = beijing().published_keys().remove(0);
    let text = format!(
        "{}{}",
        server::profile::DEVELOPMENT_PROFILE,
        crate::roaming::pair::peer_entry(
            "京",
            "北京市互联网交通安全综合服务管理平台",
            "http://127.0.0.1:9",
            &key.key
        )
    );
    let path = std::env::temp_dir().join(format!(
        "trusting-beijing-{}-{}.toml",
        std::process::id(),
        credential_id(rand::random())
    ));
    std::fs::write(&path, text).unwrap();
    spawn_with(backend, |config, _| {
        config.profile_path = Some(path.to_string_lossy().into_owned());
    })
    .await
}

async fn a_trusted_peers_credential_passes(app: TestApp) {
    let client = holder(&app).await;
    let ours = parse(&token_of(&licence_code(&app, &client).await))
        .unwrap()
        .claims;
    let now = app.clock.now_ms() / 1000;
    let claims = Claims {
        iss: "京".into(),
        jti: credential_id(rand::random()),
        iat: now,
        exp: now + 3600,
        facts: ours.facts,
    };
    let from_beijing = signed(beijing(), &claims);
    let v = genuine(&app, &from_beijing).await;
    // Checked with the peer's key; 京 (a closed port here) could not be
    // asked whether it was revoked (`roaming/credential_status.rs`).
    assert_eq!(v.revocation, RevocationCheck::IssuerUnreachable, "{v:?}");
    assert_eq!(v.issuer_zh, "北京市互联网交通安全综合服务管理平台");
    assert_eq!(v.licence_status_now, None);
    // Changed on the way, or claimed by a key 京 does not have.
    let renamed = with_claims(&from_beijing, |c| c["name"] = "王五".into());
    assert_eq!(refusal(&app, &renamed).await, Refusal::BadSignature);
    // 京's key does not vouch for 冀.
    let posing = signed(
        beijing(),
        &Claims {
            iss: "冀".into(),
            ..claims.clone()
        },
    );
    assert_eq!(refusal(&app, &posing).await, Refusal::UnknownKey);
    // 京's SM2 signature under a header claiming Ed25519.
    let input = signing_input(Alg::EdDsa, &beijing().current_kid(), &claims);
    let relabelled = assemble(&input, &beijing().sign(input.as_bytes()));
    assert_eq!(refusal(&app, &relabelled).await, Refusal::Algorithm);
}

both_backends!(
    the_electronic_licence_is_signed_and_anyone_can_check_it,
    every_refusal_is_named,
    the_status_now_is_told_and_a_changed_licence_gets_a_new_code,
    unbinding_or_a_disabled_account_ends_the_codes,
    a_temporary_plate_carries_a_signed_credential,
);
both_backends!(start = crate::credentials::spawn_trusting_beijing; a_trusted_peers_credential_passes);
