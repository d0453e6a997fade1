//! Warnings (警告) on both databases: a handled warning is done, has
//! nothing to pay, and no payment order, bank page or "paid" SMS follows —
//! also for warnings recorded as "handled, unpaid" before the rule.

mod common;
use app::ports::{Actor, Fines, PayRejection};
use common::*;
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
    app.call_with(
        &client,
        "bind_own_vehicle",
        &[("vehicle_id", &car_id.to_string())],
    )
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
           AND (body LIKE '%缴纳罚款0%' OR body LIKE '%0.00元%' OR body LIKE '%请在%缴纳罚款%')"
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handled_warning_is_done_with_nothing_to_pay() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (owner, account, _, plate) = logged_in_owner(&app).await;
        let warning = warning_on(&app, &plate).await;
        let id = warning.to_string();

        app.call_with(
            &owner,
            "handle_violation",
            &[("violation_id", &id), ("confirm", "yes")],
        )
        .await
        .expect("the owner handles the warning");
        let detail = app
            .call_with(&owner, "violation_detail", &[("violation_id", &id)])
            .await
            .unwrap();
        assert_eq!(detail["status"], "Done", "{backend}: {detail}");
        assert!(detail["decision_no"].is_string(), "{backend}: {detail}");
        let stored: String = sqlx::query("SELECT status FROM violations WHERE id = $1")
            .bind(warning)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("status");
        assert_eq!(stored, "done", "{backend}");

        // No payment order can be opened, through the page or the store.
        let err = app
            .call_with(&owner, "pay_fine", &[("violation_id", &id)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: {err}");
        assert!(err.to_string().contains("无需缴款"), "{backend}: {err}");
        let actor = Actor {
            account_id: Some(account),
            ip: "test".into(),
        };
        let order = app
            .platform
            .store
            .open_payment(account, warning, 0, 0, server::clock::unix_ms(), &actor)
            .await
            .unwrap();
        assert_eq!(order, Err(PayRejection::NothingToPay), "{backend}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {warning}"
            ))
            .await,
            0,
            "{backend}"
        );
        // The holder is told it is done, and never asked to pay.
        assert_eq!(payment_sms(&app, account).await, 0, "{backend}");
        let told = app
            .count(&format!(
                "SELECT COUNT(*) FROM sms_outbox WHERE phone = (SELECT phone FROM accounts WHERE id = {account})
                   AND body LIKE '%警告无需缴款%'"
            ))
            .await;
        assert_eq!(told, 1, "{backend}");

        // The detail page says so and offers no payment.
        let page = owner
            .get(format!("{}/account/violations/{warning}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("处理完毕"), "{backend}");
        assert!(!page.contains("去缴款"), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_recorded_as_unpaid_before_the_rule_is_not_paid_at_zero() {
    for backend in backends() {
        let app = spawn(backend).await;
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
        let id = warning.to_string();
        let list = app.call_with(&owner, "my_violations", &[]).await.unwrap();
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == warning)
            .unwrap()
            .clone();
        assert_eq!(item["status"], "Done", "{backend}: {item}");
        let err = app
            .call_with(&owner, "pay_fine", &[("violation_id", &id)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: {err}");
        assert!(err.to_string().contains("无需缴款"), "{backend}: {err}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {warning}"
            ))
            .await,
            0,
            "{backend}: no ¥0.00 order"
        );
        assert_eq!(payment_sms(&app, account).await, 0, "{backend}");
        let page = owner
            .get(format!("{}/account/violations", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("无需缴款"), "{backend}");
    }
}
