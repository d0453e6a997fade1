//! Warnings (警告) on both databases: a handled warning is done, has
//! nothing to pay, and no payment order, bank page or "paid" SMS follows —
//! also for warnings recorded as "handled, unpaid" before the rule.

use crate::helpers::*;
use app::features::bindings::api::BindOwnVehicle;
use app::features::fines::api::{MyViolations, PayFine, ViolationDetail};
use app::ports::{FinePayments, PayRejection};
use sqlx::Row;

async fn logged_in_owner(app: &TestApp) -> (reqwest::Client, i64, i64, String) {
    let (login, password) = app.demo_login("Online-registered individual");
    let client = new_client();
    app.login(&client, &login, &password).await.expect("login");
    let pool = &app.platform.store.pool;
    let account: i64 = sqlx::query("SELECT id FROM accounts WHERE id_number = $1")
        .bind(&login)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("id");
    let car = sqlx::query(
        "SELECT id, plate FROM vehicles WHERE owner_id = $1 AND vehicle_type = 'K33' ORDER BY id",
    )
    .bind(&login)
    .fetch_one(pool)
    .await
    .unwrap();
    let (car_id, plate): (i64, String) = (car.get("id"), car.get("plate"));
    app.call_fn(&client, BindOwnVehicle { vehicle_id: car_id })
        .await
        .expect("bind car");
    (client, account, car_id, plate)
}

/// The demo car's warning (code 1344: no fine, no points).
async fn warning_on(app: &TestApp, plate: &str) -> i64 {
    sqlx::query(
        "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND fine_yuan = 0 AND status = 'unhandled'",
    )
    .bind(plate)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("id")
}

async fn payment_sms(app: &TestApp, account: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM sms_outbox WHERE phone = (SELECT phone FROM accounts WHERE id = {account})
           AND template IN ('violation_fined', 'fine_paid', 'payment_refund_due')"
    ))
    .await
}

async fn a_handled_warning_is_done_with_nothing_to_pay(app: TestApp) {
    let (owner, account, _, plate) = logged_in_owner(&app).await;
    let warning = warning_on(&app, &plate).await;
    let id = warning;

    app.handle_violation(&owner, id, true)
        .await
        .expect("the owner handles the warning");
    let detail = app
        .call_fn(&owner, ViolationDetail { violation_id: id })
        .await
        .unwrap();
    assert_eq!(detail["status"], "Done", "{app}: {detail}");
    assert!(detail["decision_no"].is_string(), "{app}: {detail}");
    let stored: String = sqlx::query("SELECT status FROM violations WHERE id = $1")
        .bind(warning)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("status");
    assert_eq!(stored, "done", "{app}");

    // No payment order can be opened, through the page or the store.
    let err = app
        .call_fn(&owner, PayFine { violation_id: id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert!(err.to_string().contains("无需缴款"), "{app}: {err}");
    let actor = test_actor(Some(account));
    let order = app
        .platform
        .store
        .open_payment(account, warning, 0, 0, app.clock.now_ms(), &actor)
        .await
        .unwrap();
    assert_eq!(order, Err(PayRejection::NothingToPay), "{app}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {warning}"
        ))
        .await,
        0,
        "{app}"
    );
    // The holder is told it is done, and never asked to pay.
    assert_eq!(payment_sms(&app, account).await, 0, "{app}");
    let told = app
        .count(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE phone = (SELECT phone FROM accounts WHERE id = {account})
               AND template = 'violation_warned'"
        ))
        .await;
    assert_eq!(told, 1, "{app}");

    // The detail page says so and offers no payment.
    let page = owner
        .get(format!("{}/account/violations/{warning}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("处理完毕"), "{app}");
    assert!(!page.contains("去缴款"), "{app}");
}
both_backends!(a_handled_warning_is_done_with_nothing_to_pay);

async fn a_warning_recorded_as_unpaid_before_the_rule_is_not_paid_at_zero(app: TestApp) {
    let (owner, account, _, plate) = logged_in_owner(&app).await;
    let warning = warning_on(&app, &plate).await;
    // As the old rule or an import left it: "handled, not paid".
    sqlx::query(
        "UPDATE violations SET status = 'handled_unpaid', decided_on = '2026-11-01', decision_no = '1301002026110100000001' WHERE id = $1",
    )
    .bind(warning)
    .execute(&app.platform.store.pool)
    .await
    .unwrap();
    let id = warning;
    let list = app
        .call_fn(&owner, MyViolations { page: None })
        .await
        .unwrap();
    let item = list["items"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == warning)
        .unwrap()
        .clone();
    assert_eq!(item["status"], "Done", "{app}: {item}");
    let err = app
        .call_fn(&owner, PayFine { violation_id: id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert!(err.to_string().contains("无需缴款"), "{app}: {err}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {warning}"
        ))
        .await,
        0,
        "{app}: no ¥0.00 order"
    );
    assert_eq!(payment_sms(&app, account).await, 0, "{app}");
    let page = owner
        .get(format!("{}/account/violations", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("无需缴款"), "{app}");
}
both_backends!(a_warning_recorded_as_unpaid_before_the_rule_is_not_paid_at_zero);

/// The violations come 20 a page, newest first (the same moment: the
/// newer record first); every page but the last is full, the total holds,
/// nothing repeats or is lost.
async fn violations_come_a_page_at_a_time(app: TestApp) {
    let (owner, account, car, plate) = logged_in_owner(&app).await;
    let pool = &app.platform.store.pool;
    for i in 0..33_i64 {
        sqlx::query(
            "INSERT INTO violations (vehicle_id, plate, occurred_at, place, recorded_province, code, description,
                fine_yuan, points, status, source)
             VALUES ($1, $2, $3, '石家庄市中华大街', '冀', '1625', '违反禁止标线指示', 200, 3, 'unhandled', 'test')",
        )
        .bind(car)
        .bind(&plate)
        .bind(1_780_000_000_000_i64 + (i / 4) * 60_000)
        .execute(pool)
        .await
        .unwrap();
    }
    let expected: Vec<String> = sqlx::query(
        "SELECT x.id FROM vehicle_bindings b JOIN violations x ON x.vehicle_id = b.vehicle_id
         WHERE b.account_id = $1 ORDER BY x.occurred_at DESC, x.id DESC",
    )
    .bind(account)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<i64, _>("id").to_string())
    .collect();
    assert!(expected.len() > 20, "{app}: {}", expected.len());
    let (a, c) = (&app, &owner);
    let rows = every_page(
        a,
        "violations",
        20,
        expected.len(),
        "id",
        |page| async move { a.call_fn(c, MyViolations { page }).await.unwrap()["items"].clone() },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "violations", &rows, "id"),
        expected,
        "{app}"
    );
}
both_backends!(violations_come_a_page_at_a_time);
