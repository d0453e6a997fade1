//! SMS through the outbox (短信发件箱), on both databases: a message is
//! queued in the transaction of the change that caused it, and the worker
//! delivers it through the Alibaba Cloud adapter to a local stand-in that
//! checks the signature and answers in the provider's format — retrying
//! what may succeed later, recording what never will, never sending one
//! message twice when two workers run at once, and picking up what a dead
//! worker had claimed. The codes' own table is in `sms/codes.rs`.

mod codes;
mod stand_in;

use crate::helpers::*;
use app::domain::PhoneNumber;
use app::features::bindings::api::{ConfirmOtherVehicle, RequestOtherVehicle};
use server::sms::aliyun::AliyunGateway;
use server::sms::Outbox;
use sqlx::Row;
use stand_in::StandIn;
use std::sync::Arc;
use std::time::Duration;

/// An outbox over the app's database that delivers through the stand-in,
/// blanking codes once sent (as in production).
fn outbox_via(app: &TestApp, stand_in: &StandIn, secret: &str) -> Outbox {
    let gateway = AliyunGateway::new(&stand_in.settings(secret), app.clock.clone()).unwrap();
    Outbox::new(
        app.platform.store.clone(),
        Arc::new(gateway),
        app.clock.clone(),
        false,
    )
}

/// Queues a code for `phone` through the port, as registration does.
async fn queue_code(app: &TestApp, phone: &str, subject: &str) {
    let phone = PhoneNumber::parse(phone).unwrap();
    app.platform
        .ports
        .sms
        .send_code(&phone, "register", subject, "10.9.8.7", app.clock.now_ms())
        .await
        .unwrap()
        .expect("no quota reached");
}

struct Row_ {
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    provider_message_id: Option<String>,
    params: String,
}

async fn outbox_rows(app: &TestApp, phone: &str) -> Vec<Row_> {
    sqlx::query(
        "SELECT status, attempts, next_attempt_at, last_error, provider_message_id, params
         FROM sms_outbox WHERE phone = $1 ORDER BY id",
    )
    .bind(phone)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| Row_ {
        status: r.get("status"),
        attempts: r.get("attempts"),
        next_attempt_at: r.get("next_attempt_at"),
        last_error: r.get("last_error"),
        provider_message_id: r.get("provider_message_id"),
        params: r.get("params"),
    })
    .collect()
}

async fn a_change_that_fails_leaves_no_message_behind(app: TestApp) {
    // The owner's notice is the last write of a binding; refusing it makes
    // the binding fail after the binder's own notice was queued.
    let refuse = match app.backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_owner_notice BEFORE INSERT ON sms_outbox
             WHEN NEW.template = 'owner_told_of_binding'
             BEGIN SELECT RAISE(ABORT, 'test: the change fails here'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_owner_notice() RETURNS trigger AS $$
             BEGIN
               IF NEW.template = 'owner_told_of_binding' THEN
                 RAISE EXCEPTION 'test: the change fails here';
               END IF;
               RETURN NEW;
             END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_owner_notice BEFORE INSERT ON sms_outbox
             FOR EACH ROW EXECUTE FUNCTION refuse_owner_notice()",
        ],
    };
    let (owner_login, _) = app.demo_login("Online-registered individual");
    let car = sqlx::query(
        "SELECT plate, vin, phone FROM vehicles WHERE owner_id = $1 AND vehicle_type = 'K33' ORDER BY id",
    )
    .bind(&owner_login)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    let (plate, vin, owner_phone): (String, String, String) =
        (car.get("plate"), car.get("vin"), car.get("phone"));
    let binder = logged_in(&app, "Window-registered individual").await;
    let binder_id = account_id(&app, "Window-registered individual").await;
    app.call_fn(
        &binder,
        RequestOtherVehicle {
            plate: plate.clone(),
            vin_suffix: vin[11..].to_string(),
        },
    )
    .await
    .expect("code sent to the owner");
    let code = app.latest_code(&owner_phone).await;
    for sql in refuse {
        sqlx::query(sql)
            .execute(&app.platform.store.pool)
            .await
            .unwrap();
    }
    let bound = format!("SELECT COUNT(*) FROM vehicle_bindings WHERE account_id = {binder_id}");
    let bound_before = app.count(&bound).await;
    let queued_before = app.count("SELECT COUNT(*) FROM sms_outbox").await;
    let failed = app
        .call_fn(&binder, ConfirmOtherVehicle { plate, code })
        .await;
    // The refusal, not a rule, failed it: an internal error.
    let err = failed.expect_err("the binding failed");
    assert_eq!(kind(&err), "Internal", "{app}: {err}");
    assert_eq!(
        app.count(&bound).await,
        bound_before,
        "{app}: nothing bound"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_outbox").await,
        queued_before,
        "{app}: the binder's notice went with the failed change"
    );
    let told = format!(
        "SELECT COUNT(*) FROM messages WHERE account_id = {binder_id} AND title = '机动车绑定成功'"
    );
    assert_eq!(app.count(&told).await, 0, "{app}");
}
both_backends!(a_change_that_fails_leaves_no_message_behind);

async fn the_worker_delivers_through_the_signed_api(app: TestApp) {
    let stand_in = StandIn::start(Duration::ZERO).await;
    let outbox = outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET);
    let phone = "13912340001";
    queue_code(&app, phone, "S1").await;
    let code = app.latest_code(phone).await;
    let queued = outbox_rows(&app, phone).await;
    assert_eq!(queued.len(), 1, "{app}");
    assert_eq!(
        (queued[0].status.as_str(), queued[0].attempts),
        ("pending", 0),
        "{app}"
    );

    assert_eq!(outbox.deliver_due().await, Ok(1), "{app}");
    let received = stand_in.received();
    assert_eq!(received.len(), 1, "{app}");
    assert_eq!(stand_in.bad_signatures(), 0, "{app}");
    let params = &received[0].params;
    assert_eq!(params["PhoneNumbers"], phone, "{app}");
    assert_eq!(
        params["TemplateCode"],
        stand_in::template_codes()["verification_code"],
        "{app}"
    );
    let sent: serde_json::Value = serde_json::from_str(&params["TemplateParam"]).unwrap();
    assert_eq!(sent["code"], code.as_str(), "{app}");
    assert_eq!(sent["minutes"], "5", "{app}");
    let done = outbox_rows(&app, phone).await;
    assert_eq!(
        (done[0].status.as_str(), done[0].attempts),
        ("sent", 1),
        "{app}"
    );
    assert!(
        done[0]
            .provider_message_id
            .as_deref()
            .is_some_and(|b| b.starts_with("9006197469")),
        "{app}"
    );
    // Once delivered, the outbox no longer holds the code.
    assert!(!done[0].params.contains(&code), "{app}: {}", done[0].params);
    assert!(
        done[0].params.contains("******"),
        "{app}: {}",
        done[0].params
    );
    // Nothing is due any more.
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    assert_eq!(stand_in.received().len(), 1, "{app}");
}
both_backends!(the_worker_delivers_through_the_signed_api);

async fn a_retryable_error_is_tried_again_after_the_backoff(app: TestApp) {
    let stand_in = StandIn::start(Duration::ZERO).await;
    let outbox = outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET);
    let phone = "13912340002";
    stand_in.script(phone, &["isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR"]);
    queue_code(&app, phone, "S2").await;
    let t0 = app.clock.now_ms();

    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    let first = outbox_rows(&app, phone).await.remove(0);
    assert_eq!(
        (first.status.as_str(), first.attempts),
        ("pending", 1),
        "{app}"
    );
    assert_eq!(
        first.next_attempt_at,
        t0 + 30_000,
        "{app}: 30 s after the first try"
    );
    assert!(
        first
            .last_error
            .unwrap()
            .contains("isv.BUSINESS_LIMIT_CONTROL"),
        "{app}"
    );
    // Not due yet: nothing is sent.
    app.clock.advance_secs(29);
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    assert_eq!(stand_in.received().len(), 1, "{app}");

    app.clock.advance_secs(1);
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    let second = outbox_rows(&app, phone).await.remove(0);
    assert_eq!(
        (second.status.as_str(), second.attempts),
        ("pending", 2),
        "{app}"
    );
    assert_eq!(
        second.next_attempt_at,
        app.clock.now_ms() + 60_000,
        "{app}: the wait doubles"
    );
    app.clock.advance_secs(60);
    assert_eq!(outbox.deliver_due().await, Ok(1), "{app}");
    let third = outbox_rows(&app, phone).await.remove(0);
    assert_eq!(
        (third.status.as_str(), third.attempts),
        ("sent", 3),
        "{app}"
    );
    assert_eq!(third.last_error, None, "{app}");
    let answers: Vec<String> = stand_in
        .received()
        .into_iter()
        .map(|r| r.answered)
        .collect();
    assert_eq!(
        answers,
        ["isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "OK"],
        "{app}"
    );
}
both_backends!(a_retryable_error_is_tried_again_after_the_backoff);

async fn a_permanent_error_is_recorded_and_never_retried(app: TestApp) {
    let stand_in = StandIn::start(Duration::ZERO).await;
    let outbox = outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET);
    let phone = "13912340003";
    stand_in.script(phone, &["isv.MOBILE_NUMBER_ILLEGAL"]);
    queue_code(&app, phone, "S3").await;
    let code = app.latest_code(phone).await;
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    let row = outbox_rows(&app, phone).await.remove(0);
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 1), "{app}");
    assert!(
        row.last_error
            .unwrap()
            .contains("isv.MOBILE_NUMBER_ILLEGAL"),
        "{app}"
    );
    assert!(
        !row.params.contains(&code),
        "{app}: a failed code is blanked too"
    );
    app.clock.advance_secs(3600);
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}");
    assert_eq!(stand_in.received().len(), 1, "{app}");

    // A wrong secret: the provider refuses the signature, permanently.
    let other = "13912340004";
    queue_code(&app, other, "S4").await;
    let wrong = outbox_via(&app, &stand_in, "not-the-secret");
    assert_eq!(wrong.deliver_due().await, Ok(0), "{app}");
    assert_eq!(stand_in.bad_signatures(), 1, "{app}");
    let refused = outbox_rows(&app, other).await.remove(0);
    assert_eq!(refused.status, "failed", "{app}");
    assert!(
        refused
            .last_error
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{app}"
    );
}
both_backends!(a_permanent_error_is_recorded_and_never_retried);

/// Queues `n` notices straight into the outbox, each with its own plate.
async fn queue_notices(app: &TestApp, n: usize) {
    for i in 0..n {
        sqlx::query(
            "INSERT INTO sms_outbox (phone, template, params, status, attempts, next_attempt_at, created_at)
             VALUES ($1, 'vehicle_unbound', $2, 'pending', 0, $3, $4)",
        )
        .bind(format!("1391235{i:04}"))
        .bind(format!("{{\"plate\":\"冀A{i:05}\"}}"))
        .bind(app.clock.now_ms())
        .bind(app.clock.now_ms())
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    }
}

async fn two_workers_never_send_a_message_twice(app: TestApp) {
    let stand_in = StandIn::start(Duration::from_millis(5)).await;
    let (a, b) = (
        outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET),
        outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET),
    );
    queue_notices(&app, 70).await;
    let (sent_a, sent_b) = tokio::join!(a.deliver_due(), b.deliver_due());
    let (sent_a, sent_b) = (sent_a.unwrap(), sent_b.unwrap());
    assert_eq!(sent_a + sent_b, 70, "{app}: {sent_a} + {sent_b}");
    let mut phones: Vec<String> = stand_in
        .received()
        .into_iter()
        .map(|r| r.params["PhoneNumbers"].clone())
        .collect();
    assert_eq!(phones.len(), 70, "{app}: one request per message");
    phones.sort();
    phones.dedup();
    assert_eq!(phones.len(), 70, "{app}: no phone texted twice");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        70,
        "{app}"
    );
}
both_backends!(two_workers_never_send_a_message_twice);

async fn a_dead_workers_messages_are_sent_when_its_claim_ends(app: TestApp) {
    let stand_in = StandIn::start(Duration::ZERO).await;
    let outbox = outbox_via(&app, &stand_in, stand_in::ACCESS_KEY_SECRET);
    queue_notices(&app, 3).await;
    let store = &app.platform.store;
    // A worker claims the rows and dies before sending them.
    let claimed = store
        .claim_due_sms(
            "dead-worker",
            app.clock.now_ms(),
            server::sms::outbox::LEASE_MS,
            10,
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3, "{app}");
    assert_eq!(outbox.deliver_due().await, Ok(0), "{app}: still claimed");
    app.clock
        .advance_secs(server::sms::outbox::LEASE_MS / 1000 + 1);
    assert_eq!(
        outbox.deliver_due().await,
        Ok(3),
        "{app}: the claim ran out"
    );
    // The dead worker, back, cannot overwrite what the other recorded.
    let late = server::store::sms_outbox::SmsOutcome::Failed {
        error: "late".into(),
        params: None,
    };
    let recorded = store
        .finish_sms(claimed[0].id, "dead-worker", &late, app.clock.now_ms())
        .await
        .unwrap();
    assert!(!recorded, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_outbox WHERE status = 'sent' AND attempts = 2")
            .await,
        3,
        "{app}"
    );
}
both_backends!(a_dead_workers_messages_are_sent_when_its_claim_ends);
