//! SMS codes (短信验证码) in the database, on both databases: kept only as
//! HMAC-SHA256 under the server's secret, and checked and counted by one
//! conditional update each, so concurrent tries neither use a code twice
//! nor get more tries than allowed.

use crate::helpers::*;
use app::domain::PhoneNumber;
use app::policy::SMS_MAX_ATTEMPTS;
use app::ports::CodeRejection;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row;

async fn send(app: &TestApp, phone: &PhoneNumber, subject: &str) -> String {
    app.platform
        .ports
        .sms
        .send_code(phone, "register", subject, "10.1.2.3", app.clock.now_ms())
        .await
        .unwrap()
        .expect("no quota reached");
    app.latest_code(phone.as_str()).await
}

async fn the_database_holds_only_an_hmac_of_the_code(app: TestApp) {
    let phone = PhoneNumber::parse("13912340010").unwrap();
    let code = send(&app, &phone, "130104199001011234").await;
    let row = sqlx::query("SELECT * FROM sms_codes WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    let stored: String = row.get("code_hash");
    let input = format!("{}|register|130104199001011234|{code}", phone.as_str());
    let mut mac =
        Hmac::<Sha256>::new_from_slice(server::sms::DEV_SMS_CODE_SECRET.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    assert_eq!(stored, hex::encode(mac.finalize().into_bytes()), "{app}");
    // Not a plain hash that anyone could brute-force from a million codes.
    assert_ne!(
        stored,
        hex::encode(Sha256::digest(input.as_bytes())),
        "{app}"
    );
    for column in ["phone", "purpose", "subject", "code_hash", "ip"] {
        let value: String = row.get(column);
        assert!(!value.contains(&code), "{app}: {column} holds the code");
    }
}
both_backends!(the_database_holds_only_an_hmac_of_the_code);

async fn concurrent_wrong_tries_are_counted_one_by_one(app: TestApp) {
    let phone = PhoneNumber::parse("13912340011").unwrap();
    let code = send(&app, &phone, "S11").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let now = app.clock.now_ms();
    let tries = (0..12).map(|_| {
        let sms = app.platform.ports.sms.clone();
        let phone = phone.clone();
        tokio::spawn(async move {
            sms.use_code(&phone, "register", "S11", wrong, now)
                .await
                .unwrap()
        })
    });
    let mut answers = Vec::new();
    for t in tries {
        answers.push(t.await.unwrap());
    }
    let mut left: Vec<i64> = answers
        .iter()
        .filter_map(|a| match a {
            Err(CodeRejection::Wrong { attempts_left }) => Some(*attempts_left),
            _ => None,
        })
        .collect();
    left.sort_unstable();
    let expected: Vec<i64> = (1..SMS_MAX_ATTEMPTS).collect();
    assert_eq!(
        left, expected,
        "{app}: each wrong try saw its own count: {answers:?}"
    );
    let exhausted = answers
        .iter()
        .filter(|a| **a == Err(CodeRejection::Exhausted))
        .count();
    let gone = answers
        .iter()
        .filter(|a| **a == Err(CodeRejection::NoLiveCode))
        .count();
    assert_eq!(
        (exhausted, gone),
        (1, 12 - SMS_MAX_ATTEMPTS as usize),
        "{app}: {answers:?}"
    );
    let attempts: i64 = sqlx::query("SELECT attempts FROM sms_codes WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("attempts");
    assert_eq!(attempts, SMS_MAX_ATTEMPTS, "{app}");
    // The right code no longer works either.
    let late = app
        .platform
        .ports
        .sms
        .use_code(&phone, "register", "S11", &code, now)
        .await
        .unwrap();
    assert_eq!(late, Err(CodeRejection::NoLiveCode), "{app}");
}
both_backends!(concurrent_wrong_tries_are_counted_one_by_one);

async fn a_right_code_tried_at_once_works_once(app: TestApp) {
    let phone = PhoneNumber::parse("13912340012").unwrap();
    let code = send(&app, &phone, "S12").await;
    let now = app.clock.now_ms();
    let tries = (0..8).map(|_| {
        let sms = app.platform.ports.sms.clone();
        let (phone, code) = (phone.clone(), code.clone());
        tokio::spawn(async move {
            sms.use_code(&phone, "register", "S12", &code, now)
                .await
                .unwrap()
        })
    });
    let mut ok = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(CodeRejection::NoLiveCode) => {}
            other => panic!("{app}: {other:?}"),
        }
    }
    assert_eq!(ok, 1, "{app}");
    // A code for another subject or purpose is not this one.
    let other = send(&app, &PhoneNumber::parse("13912340013").unwrap(), "S13").await;
    let elsewhere = app
        .platform
        .ports
        .sms
        .use_code(
            &PhoneNumber::parse("13912340013").unwrap(),
            "register",
            "S12",
            &other,
            now,
        )
        .await
        .unwrap();
    assert_eq!(elsewhere, Err(CodeRejection::NoLiveCode), "{app}");
}
both_backends!(a_right_code_tried_at_once_works_once);
