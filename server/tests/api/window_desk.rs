//! The window desk and the supervisor on both databases: a window clerk
//! serves the person at the counter (upgrade to a window registration,
//! password reset, phone change) after the identity check, and a
//! supervisor disables and re-enables accounts.

use crate::helpers::*;
use app::features::supervision::api::{FindAccounts, OpenAccountFile, SetAccountDisabled};
use app::features::supervision::window_api::{
    ChangePhoneAtWindow, ResetPasswordAtWindow, SendWindowPhoneCode, SendWindowResetCode,
    UpgradeAtWindow,
};

/// The online-registered owner: (client, account id, ID number, phone).
async fn online_owner(app: &TestApp) -> (reqwest::Client, i64, String, String) {
    let client = logged_in(app, "Online-registered individual").await;
    let id = account_id(app, "Online-registered individual").await;
    let (id_number, phone): (String, String) =
        sqlx::query_as("SELECT id_number, phone FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    (client, id, id_number, phone)
}

async fn a_window_clerk_upgrades_resets_and_changes_the_phone_after_the_identity_check(
    app: TestApp,
) {
    let (citizen, person, id_number, old_phone) = online_owner(&app).await;
    let clerk = logged_in(&app, "Window clerk").await;
    // Found masked; opening the file shows it in full and is recorded.
    let hits = app
        .call_fn(
            &clerk,
            FindAccounts {
                query: id_number.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(hits[0]["account_id"], person, "{app}: {hits}");
    assert!(
        hits[0]["number_masked"].as_str().unwrap().contains('*'),
        "{app}"
    );
    let file = app
        .call_fn(&clerk, OpenAccountFile { account_id: person })
        .await
        .unwrap();
    assert_eq!(file["id_number"], id_number.as_str(), "{app}");
    let viewed: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND person_account_id = $1",
            person,
        )
        .await;
    assert_eq!(viewed, 1, "{app}");

    // Upgrade: the identity check first, then once.
    let err = app
        .call_fn(
            &clerk,
            UpgradeAtWindow {
                account_id: person,
                identity_checked: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["identity_checked"], "{app}");
    let checked = Some("1".to_string());
    app.call_fn(
        &clerk,
        UpgradeAtWindow {
            account_id: person,
            identity_checked: checked.clone(),
        },
    )
    .await
    .unwrap();
    let clerk_id: i64 = app
        .scalar(
            "SELECT id FROM accounts WHERE staff_username = $1",
            "clerk01",
        )
        .await;
    let (channel, window, by): (String, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT channel, window_id, registered_by FROM accounts WHERE id = $1")
            .bind(person)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(
        (channel.as_str(), window, by),
        ("window", Some(1), Some(clerk_id)),
        "{app}"
    );
    let err = app
        .call_fn(
            &clerk,
            UpgradeAtWindow {
                account_id: person,
                identity_checked: checked.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: once");
    assert!(
        app.sms_texts(&old_phone)
            .await
            .iter()
            .any(|t| t.contains("转为窗口注册用户")),
        "{app}"
    );

    // Password reset: a code to the phone on record, typed at the counter.
    app.call_fn(
        &clerk,
        SendWindowResetCode {
            account_id: person,
            identity_checked: checked.clone(),
        },
    )
    .await
    .unwrap();
    let code = app.latest_code(&old_phone).await;
    let new_password = "Chuangkou-2026-mm";
    let reset = |code: &str| ResetPasswordAtWindow {
        account_id: person,
        code: code.into(),
        password: new_password.into(),
        password_confirm: new_password.into(),
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = app.call_fn(&clerk, reset(wrong)).await.unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}");
    app.call_fn(&clerk, reset(&code)).await.unwrap();
    assert!(
        app.me(&citizen).await.is_none(),
        "{app}: every session ended"
    );
    app.login(&new_client(), &id_number, new_password)
        .await
        .expect("the new password works");

    // Phone change: a code to the new number; the old one is told.
    let new_phone = "13911112222";
    app.call_fn(
        &clerk,
        SendWindowPhoneCode {
            account_id: person,
            new_phone: new_phone.into(),
            identity_checked: checked.clone(),
        },
    )
    .await
    .unwrap();
    let code = app.latest_code(new_phone).await;
    app.call_fn(
        &clerk,
        ChangePhoneAtWindow {
            account_id: person,
            new_phone: new_phone.into(),
            code,
        },
    )
    .await
    .unwrap();
    let phone: String = app
        .scalar("SELECT phone FROM accounts WHERE id = $1", person)
        .await;
    assert_eq!(phone, new_phone, "{app}");
    assert!(
        app.sms_texts(&old_phone)
            .await
            .iter()
            .any(|t| t.contains("139****2222")),
        "{app}: the old number is told"
    );
    // Only window clerks serve at the window.
    let supervisor = logged_in(&app, "Supervisor").await;
    let err = app
        .call_fn(
            &supervisor,
            UpgradeAtWindow {
                account_id: person,
                identity_checked: checked,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
}
both_backends!(a_window_clerk_upgrades_resets_and_changes_the_phone_after_the_identity_check);

async fn a_supervisor_disables_an_account_and_its_sessions_end_at_once(app: TestApp) {
    let (citizen, person, id_number, phone) = online_owner(&app).await;
    let (_, password) = app.demo_login("Online-registered individual");
    let disable = |reason: &str| SetAccountDisabled {
        account_id: person,
        disable: "1".into(),
        reason: reason.into(),
    };
    let clerk = logged_in(&app, "Window clerk").await;
    let err = app.call_fn(&clerk, disable("冒用身份")).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: clerks do not disable");
    let supervisor = logged_in(&app, "Supervisor").await;
    let err = app.call_fn(&supervisor, disable("")).await.unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    app.call_fn(&supervisor, disable("涉嫌冒用他人身份注册"))
        .await
        .unwrap();
    assert!(
        app.me(&citizen).await.is_none(),
        "{app}: the session ended at once"
    );
    let err = app
        .login(&new_client(), &id_number, &password)
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let err = app.call_fn(&supervisor, disable("再次")).await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}");
    assert!(
        app.sms_texts(&phone)
            .await
            .iter()
            .any(|t| t.contains("涉嫌冒用他人身份注册")),
        "{app}: the holder is told why"
    );
    app.call_fn(
        &supervisor,
        SetAccountDisabled {
            account_id: person,
            disable: "0".into(),
            reason: "核实为本人".into(),
        },
    )
    .await
    .unwrap();
    app.login(&new_client(), &id_number, &password)
        .await
        .expect("enabled again");
    let actions: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE subject = $1 AND action IN ('account.disabled', 'account.enabled')",
            format!("account:{person}"),
        )
        .await;
    assert_eq!(actions, 2, "{app}");
}
both_backends!(a_supervisor_disables_an_account_and_its_sessions_end_at_once);
