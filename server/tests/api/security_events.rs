//! Security events in the audit log (安全事件): a staff power refused to a
//! logged-in account, each wrong second-factor code; and ID numbers masked
//! in every audit subject and detail.

use crate::helpers::*;
use app::domain::totp::{step_at, TotpKey};
use app::features::accounts::api::Login;
use app::features::staff::ConfirmSecondFactor;
use app::ports::Actor;

/// Audit entries of this action by this account.
async fn entries(app: &TestApp, action: &str, account_id: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT subject, detail FROM audit_log WHERE action = $1 AND actor_account_id = $2 ORDER BY id",
    )
    .bind(action)
    .bind(account_id)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap()
}

async fn a_refused_staff_power_is_audited(app: TestApp) {
    let citizen = logged_in(&app, "Online-registered individual").await;
    let citizen_id = app.me(&citizen).await.unwrap().account_id;
    let err = app
        .call_with(
            &citizen,
            "staff/decide_appeal",
            &[
                ("appeal_id", "1"),
                ("decision", "lift"),
                ("reason", "理由充分"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // Recorded without holding up the answer: it shows up a moment later.
    let found = eventually(5, || async {
        let found = entries(&app, "security.permission_denied", citizen_id).await;
        (!found.is_empty()).then_some(found)
    })
    .await
    .unwrap_or_else(|| panic!("{app}: the refusal is not in the audit log"));
    assert_eq!(
        found[0],
        (
            format!("account:{citizen_id}"),
            "/api/staff/decide_appeal needs decide_appeals".to_string()
        ),
        "{app}"
    );
    // A staff member of another role, on a power shared by several roles.
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let clerk_id = app.me(&clerk).await.unwrap().account_id;
    let err = app
        .call_with(&clerk, "staff/accounts/find", &[("query", "nope")])
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let found = eventually(5, || async {
        let found = entries(&app, "security.permission_denied", clerk_id).await;
        (!found.is_empty()).then_some(found)
    })
    .await
    .unwrap_or_else(|| panic!("{app}: the clerk's refusal is not in the audit log"));
    assert_eq!(
        found[0].1, "/api/staff/accounts/find needs serve_at_window or disable_accounts",
        "{app}"
    );
}

async fn every_wrong_second_factor_code_is_audited(app: TestApp) {
    let (username, password) = app.demo_login("Window clerk");
    let account_id: i64 = app
        .scalar(
            "SELECT id FROM accounts WHERE staff_username = $1",
            username.to_ascii_lowercase(),
        )
        .await;
    let client = new_client();
    let next = app
        .call_fn(
            &client,
            Login {
                identifier: username.clone(),
                password,
                next: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(next, "/login/second-factor", "{app}");
    let right =
        TotpKey::from_bytes(server::demo::DEMO_TOTP_KEY).code_at(step_at(app.clock.now_ms()));
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..2 {
        app.call_fn(
            &client,
            ConfirmSecondFactor {
                code: wrong.into(),
                next: None,
            },
        )
        .await
        .unwrap_err();
    }
    assert_eq!(
        entries(&app, "staff.second_factor_failed", account_id).await,
        vec![
            (format!("account:{account_id}"), "1 of 10".to_string()),
            (format!("account:{account_id}"), "2 of 10".to_string()),
        ],
        "{app}"
    );
}

async fn id_numbers_are_masked_in_the_audit_log(app: TestApp) {
    let actor = Actor {
        account_id: None,
        ip: "10.0.0.1".into(),
        operator_id: None,
        api_key: None,
    };
    app.platform
        .ports
        .accounts
        .audit(
            &actor,
            "test.masking",
            "110101199003071234",
            "for 11010119900307123X; decision 1301002026031500000042",
        )
        .await
        .unwrap();
    let (subject, detail): (String, String) =
        sqlx::query_as("SELECT subject, detail FROM audit_log WHERE action = 'test.masking'")
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(subject, "110101********1234", "{app}");
    assert_eq!(
        detail, "for 110101********123X; decision 1301002026031500000042",
        "{app}"
    );
    // After the demo, logins and a registration code: no full ID number
    // anywhere in the log.
    let (login, password) = app.demo_login("Online-registered individual");
    app.login(&new_client(), &login, &password).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT subject, detail FROM audit_log")
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap();
    for (subject, detail) in rows {
        for text in [&subject, &detail] {
            assert_eq!(
                &app::domain::audit::mask_id_numbers(text),
                text,
                "{app}: a full ID number in the audit log"
            );
        }
    }
}

both_backends!(
    a_refused_staff_power_is_audited,
    every_wrong_second_factor_code_is_audited,
    id_numbers_are_masked_in_the_audit_log,
);
