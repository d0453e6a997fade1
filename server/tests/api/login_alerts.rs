//! What a login leaves behind for the holder and the auditor: an SMS when
//! it comes from a new device, an audit entry (identifier masked) when it
//! fails.

use crate::helpers::*;

async fn a_login_from_a_new_device_sends_an_sms_alert(app: TestApp) {
    let (id, password) = app.demo_login("Online-registered individual");
    let phone: String = app
        .scalar(
            "SELECT phone FROM accounts WHERE id_number = $1",
            id.clone(),
        )
        .await;
    let alerts = |texts: Vec<String>| texts.into_iter().filter(|t| t.contains("在新设备")).count();
    let laptop = new_client();
    app.login(&laptop, &id, &password).await.unwrap();
    assert_eq!(
        alerts(app.sms_texts(&phone).await),
        1,
        "{app}: first login here"
    );
    // The same browser again: no alert.
    app.call_fn(&laptop, app::features::accounts::api::Logout {})
        .await
        .unwrap();
    app.login(&laptop, &id, &password).await.unwrap();
    assert_eq!(
        alerts(app.sms_texts(&phone).await),
        1,
        "{app}: a known device"
    );
    // Another browser: an alert naming when and what.
    let phone_browser = new_client();
    app.login(&phone_browser, &id, &password).await.unwrap();
    let texts = app.sms_texts(&phone).await;
    assert_eq!(alerts(texts.clone()), 2, "{app}: {texts:?}");
    let when = app::domain::date::cst_date_time(app.clock.now_ms());
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&when) && t.contains("如非本人操作")),
        "{app}: {texts:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.new_device_login'")
            .await,
        2,
        "{app}"
    );
}
both_backends!(a_login_from_a_new_device_sends_an_sms_alert);

async fn failed_logins_are_audited_with_the_identifier_masked(app: TestApp) {
    let (id, _) = app.demo_login("Online-registered individual");
    let client = new_client();
    app.login(&client, &id, "Wrong-password-1")
        .await
        .unwrap_err();
    let (subject, detail): (String, String) = sqlx::query_as(
        "SELECT subject, detail FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(app::domain::audit::LOGIN_FAILED)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap_or_else(|e| panic!("{app}: no failed login audited: {e}"));
    let recorded = format!("{subject} {detail}");
    assert!(
        !recorded.contains(&id),
        "{app}: the ID number is masked: {recorded}"
    );
    assert!(recorded.contains(&id[..6]), "{app}: {recorded}");
}
both_backends!(failed_logins_are_audited_with_the_identifier_masked);
