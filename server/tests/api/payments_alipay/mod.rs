//! Paying a fine through Alipay (支付宝) on both databases, against a local
//! stand-in that plays Alipay: it receives the page-pay (or wap-pay)
//! redirect, verifies the app's RSA2 signature with the app's public key,
//! then signs an async notice with its own private key, POSTs it to
//! `/payments/notify` and sends the browser back with a signed return.
//! The keys are the OpenSSL-made test keys in `tests/fixtures/alipay/`.
//! Also: production mounts no simulated bank.

mod stand_in;

use crate::helpers::*;
use app::features::bindings::api::BindOwnVehicle;
use app::features::fines::api::PayFine;
use server::payments::alipay::{signing_string, AlipaySettings, SigningRule};
use server::payments::rsa2::SigningKey;
use stand_in::*;
use std::sync::atomic::Ordering;
/// The online owner, with a handled 100-yuan fine: (client, violation).
async fn owner_with_a_fine(app: &TestApp) -> (reqwest::Client, i64) {
    let owner = logged_in(app, "Online-registered individual").await;
    let (car, plate, _) = online_owner_fleet(app).await;
    app.call_fn(&owner, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap();
    let violation = violation_id(app, &plate, "1039").await;
    app.handle_violation(&owner, violation, true).await.unwrap();
    (owner, violation)
}

/// "去缴款" without JavaScript (the page's plain form): the platform's
/// hand-off page for the order.
async fn pay_now(app: &TestApp, owner: &reqwest::Client, violation: i64) -> String {
    let res = owner
        .post(format!(
            "{}{}",
            app.base,
            <PayFine as leptos::server_fn::ServerFn>::url()
        ))
        .header("accept", "text/html")
        .form(&[("violation_id", violation.to_string())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{app}: {}", res.status());
    let checkout = location(&res);
    assert!(
        checkout.starts_with("/payments/checkout?order_no=FK"),
        "{app}: {checkout}"
    );
    checkout
}

/// The payer's browser on the hand-off page: the form it submits.
async fn hand_off(
    app: &TestApp,
    owner: &reqwest::Client,
    checkout: &str,
    agent: &str,
) -> (String, Fields) {
    let res = owner
        .get(format!("{}{checkout}", app.base))
        .header("user-agent", agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{app}");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'sha256-"), "{app}: {csp}");
    read_form(&res.text().await.unwrap())
}

/// The payment row of an order: (status, bank ref, receipt).
async fn order_row(app: &TestApp, order_no: &str) -> (String, Option<String>, Option<String>) {
    let row: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT status, bank_ref, receipt_no FROM fine_payments WHERE order_no = $1",
    )
    .bind(order_no)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    row
}

async fn paid_count(app: &TestApp, violation: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {violation} AND status = 'paid'"
    ))
    .await
}

async fn alipay_page_pay_records_the_payment_once(backend: Backend) {
    let alipay = StandIn::start().await;
    let app = alipay.platform(backend).await;
    // Alipay is the gateway: the simulated bank is not mounted.
    let res = app
        .client
        .get(format!("{}/dev/bank/checkout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "{app}");

    let (owner, violation) = owner_with_a_fine(&app).await;
    let checkout = pay_now(&app, &owner, violation).await;
    let order_no = checkout.rsplit('=').next().unwrap().to_string();
    // Only the payer's own order is handed off.
    let res = app
        .client
        .get(format!("{}{checkout}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login", "{app}");
    let stranger = logged_in(&app, "Window-registered individual").await;
    let res = stranger
        .get(format!("{}{checkout}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "{app}");

    let (action, fields) = hand_off(&app, &owner, &checkout, DESKTOP).await;
    assert_eq!(action, alipay.gateway, "{app}");
    assert_eq!(field(&fields, "method"), "alipay.trade.page.pay", "{app}");
    let res = owner.get(&action).query(&fields).send().await.unwrap();
    assert_eq!(res.status(), 302, "{app}: {}", res.text().await.unwrap());
    let back = location(&res);
    let delivered = alipay.delivered();
    assert_eq!(delivered.len(), 1, "{app}");
    let (notice, status, answer) = delivered[0].clone();
    assert_eq!((status, answer.as_str()), (200, "success"), "{app}");
    let trade_no = field(&notice, "trade_no").to_string();
    assert_eq!(field(&notice, "total_amount"), "100.00", "{app}");

    // The browser back: to the receipt the database holds.
    assert!(
        back.starts_with(&format!("{}/payments/return?", app.base)),
        "{app}: {back}"
    );
    let res = owner.get(&back).send().await.unwrap();
    let receipt_path = location(&res);
    let (status, bank_ref, receipt_no) = order_row(&app, &order_no).await;
    assert_eq!(status, "paid", "{app}");
    assert_eq!(bank_ref.as_deref(), Some(trade_no.as_str()), "{app}");
    assert_eq!(
        Some(receipt_path.clone()),
        receipt_no.map(|r| format!("/account/receipts/{r}")),
        "{app}"
    );
    let violation_status: String = app
        .scalar("SELECT status FROM violations WHERE id = $1", violation)
        .await;
    assert_eq!(violation_status, "paid", "{app}");

    // Alipay retries the notice (it does until it reads `success`), the
    // payer reloads the return, opens the hand-off again: still one payment.
    let (status, answer) = alipay
        .state
        .deliver(&format!("{}/payments/notify", app.base), notice)
        .await;
    assert_eq!((status, answer.as_str()), (200, "success"), "{app}");
    let res = owner.get(&back).send().await.unwrap();
    assert_eq!(location(&res), receipt_path, "{app}");
    let res = owner
        .get(format!("{}{checkout}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), receipt_path, "{app}");
    assert_eq!(paid_count(&app, violation).await, 1, "{app}");
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.paid' AND subject = 'violation:{violation}'"
        ))
        .await;
    assert_eq!(audited, 1, "{app}");
}

async fn tampered_alipay_notices_record_nothing(backend: Backend) {
    let alipay = StandIn::start().await;
    let app = alipay.platform(backend).await;
    let (owner, violation) = owner_with_a_fine(&app).await;
    let checkout = pay_now(&app, &owner, violation).await;
    let order_no = checkout.rsplit('=').next().unwrap().to_string();
    let notify_url = format!("{}/payments/notify", app.base);
    let honest = alipay.state.sign(pairs(&[
        ("notify_type", "trade_status_sync"),
        ("notify_id", "2025011500222120103000000000000009"),
        ("app_id", APP_ID),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("sign_type", "RSA2"),
        ("trade_no", "2025011522001400000000000099"),
        ("out_trade_no", &order_no),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "100.00"),
        ("seller_id", SELLER_ID),
    ]));
    let with = |name: &str, value: &str| -> Fields {
        honest
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == name {
                        value.to_string()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    };
    let app_signed = {
        let mut fields = with("sign", "");
        fields.retain(|(k, _)| k != "sign");
        let content = signing_string(
            fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SigningRule::Notice,
        );
        let key = SigningKey::from_text(&fixture("app_private_key.pem")).unwrap();
        fields.push(("sign".into(), key.sign(&content)));
        fields
    };
    let cases: Vec<(&str, Fields, u16)> = vec![
        (
            "amount changed after signing",
            with("total_amount", "0.01"),
            403,
        ),
        (
            "signed by Alipay for one fen",
            alipay.state.sign(with("total_amount", "0.01")),
            422,
        ),
        ("signed by the app's key, not Alipay's", app_signed, 403),
        (
            "signed by Alipay for another app",
            alipay.state.sign(with("app_id", "2021000000000009")),
            403,
        ),
        (
            "signed by Alipay for another seller",
            alipay.state.sign(with("seller_id", "2088000000000009")),
            403,
        ),
        ("signature replaced", with("sign", "AAAA"), 403),
        (
            "unsigned",
            honest
                .iter()
                .filter(|(k, _)| k != "sign")
                .cloned()
                .collect(),
            400,
        ),
    ];
    for (what, notice, expected) in cases {
        let (status, answer) = alipay.state.deliver(&notify_url, notice).await;
        assert_eq!(status, expected, "{app}: {what}: {answer}");
        assert_ne!(answer, "success", "{app}: {what}");
        assert_eq!(
            order_row(&app, &order_no).await,
            ("pending".into(), None, None),
            "{app}: {what}"
        );
    }
    // A trade closed unpaid: acknowledged, nothing recorded.
    let closed = alipay.state.sign(with("trade_status", "TRADE_CLOSED"));
    let (status, answer) = alipay.state.deliver(&notify_url, closed).await;
    assert_eq!((status, answer.as_str()), (200, "success"), "{app}");
    assert_eq!(
        order_row(&app, &order_no).await,
        ("pending".into(), None, None),
        "{app}"
    );
    let violation_status: String = app
        .scalar("SELECT status FROM violations WHERE id = $1", violation)
        .await;
    assert_eq!(violation_status, "handled_unpaid", "{app}");
    // The order was payable all along: the honest notice pays it, once.
    let (status, answer) = alipay.state.deliver(&notify_url, honest).await;
    assert_eq!((status, answer.as_str()), (200, "success"), "{app}");
    let (status, bank_ref, _) = order_row(&app, &order_no).await;
    assert_eq!(
        (status.as_str(), bank_ref.as_deref()),
        ("paid", Some("2025011522001400000000000099")),
        "{app}"
    );
    assert_eq!(paid_count(&app, violation).await, 1, "{app}");
}

async fn a_phone_pays_by_wap_and_the_return_may_come_first(backend: Backend) {
    let alipay = StandIn::start().await;
    alipay.state.hold_notices.store(true, Ordering::SeqCst);
    let app = alipay.platform(backend).await;
    let (owner, violation) = owner_with_a_fine(&app).await;
    let checkout = pay_now(&app, &owner, violation).await;
    let order_no = checkout.rsplit('=').next().unwrap().to_string();
    let (action, fields) = hand_off(&app, &owner, &checkout, IPHONE).await;
    assert_eq!(field(&fields, "method"), "alipay.trade.wap.pay", "{app}");
    let res = owner.get(&action).query(&fields).send().await.unwrap();
    assert_eq!(res.status(), 302, "{app}: {}", res.text().await.unwrap());
    let back = location(&res);
    // Back before the notice: the payment is being confirmed; a signed
    // return alone records nothing.
    let res = owner.get(&back).send().await.unwrap();
    assert_eq!(
        location(&res),
        format!("/account/violations/{violation}?payment=pending"),
        "{app}"
    );
    assert_eq!(order_row(&app, &order_no).await.0, "pending", "{app}");
    let page = owner
        .get(format!("{}{}", app.base, location(&res)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-testid=\"payment-pending\""),
        "{app}: {page}"
    );
    // A return altered on the way is refused.
    let forged = back.replace("total_amount=100.00", "total_amount=1.00");
    assert_ne!(forged, back, "{app}");
    let res = owner.get(&forged).send().await.unwrap();
    assert_eq!(
        location(&res),
        "/account/violations?payment=failed",
        "{app}"
    );
    // The notice arrives: paid; the return now leads to the receipt.
    let (notify_url, notice) = alipay.state.held.lock().unwrap().pop().unwrap();
    let (status, answer) = alipay.state.deliver(&notify_url, notice).await;
    assert_eq!((status, answer.as_str()), (200, "success"), "{app}");
    let res = owner.get(&back).send().await.unwrap();
    let (_, _, receipt_no) = order_row(&app, &order_no).await;
    assert_eq!(
        location(&res),
        format!("/account/receipts/{}", receipt_no.unwrap()),
        "{app}"
    );
    assert_eq!(paid_count(&app, violation).await, 1, "{app}");
}

/// A production configuration that pays through Alipay (the test keys).
pub(crate) fn production_with_alipay(config: &mut server::Config) {
    config.mode = server::config::RunMode::Production;
    config.profile_path = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/hebei.toml").into());
    config.alipay = AlipaySettings {
        app_id: Some(APP_ID.into()),
        private_key_file: Some(format!("{FIXTURES}/app_private_key.pem")),
        alipay_public_key: Some(fixture("alipay_public_key.pem")),
        public_url: Some("https://jgj.example.gov.cn".into()),
        ..AlipaySettings::default()
    };
}

async fn production_mounts_no_simulated_bank(backend: Backend) {
    let production = spawn_with(backend, |config, _| {
        production_with_alipay(config);
        config.simulated_bank = true;
        config.dev_sms_outbox = false;
    })
    .await;
    let development = spawn(backend).await;
    for (app, checkout, pay) in [(&production, 404, 404), (&development, 400, 422)] {
        let res = app
            .client
            .get(format!("{}/dev/bank/checkout", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), checkout, "{app}: {}", app.base);
        let res = app
            .client
            .post(format!("{}/dev/bank/pay", app.base))
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), pay, "{app}: {}", app.base);
    }
    // Production has the Alipay hand-off (for the payer's own order).
    let res = production
        .client
        .get(format!(
            "{}/payments/checkout?order_no=FK1",
            production.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login", "{production}");
}

/// Runs a case that starts its own platform on each backend (PostgreSQL
/// skipped when not configured, as `both_backends!` does).
macro_rules! alipay_cases {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$case($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_admin_url().is_some() {
                    super::$case($crate::helpers::Backend::Postgres).await
                }
            }
        }
    )+};
}

alipay_cases!(
    alipay_page_pay_records_the_payment_once,
    tampered_alipay_notices_record_nothing,
    a_phone_pays_by_wap_and_the_return_may_come_first,
    production_mounts_no_simulated_bank,
);
