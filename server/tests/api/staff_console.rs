//! The staff console on both databases: the second factor of a staff login
//! (动态口令) and the administrator's staff accounts and registration
//! windows. The window desk and the supervisor are in `window_desk.rs`.

use crate::helpers::*;
use app::domain::totp::{step_at, TotpKey};
use app::features::accounts::api::{Login, MyAccount};
use app::features::staff::api::{
    ConfirmSecondFactor, CreateStaffMember, ResetStaffPassword, SecondFactorStep, SetStaffDisabled,
    StaffRoster,
};

const PASSWORD: &str = "Jingwu-2026-mima";

fn new_clerk(username: &str, role: &str, window: Option<&str>) -> CreateStaffMember {
    CreateStaffMember {
        username: username.into(),
        display_name: "窗口民警 孙立".into(),
        role: role.into(),
        police_no: "130999".into(),
        unit: "石家庄市车辆管理所".into(),
        window_id: window.map(Into::into),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    }
}

/// The password step alone: answers where the login goes next.
async fn password_step(app: &TestApp, client: &reqwest::Client, username: &str) -> Answer {
    app.call_fn(
        client,
        Login {
            identifier: username.into(),
            password: PASSWORD.into(),
            next: None,
        },
    )
    .await
}

async fn confirm(app: &TestApp, client: &reqwest::Client, code: &str) -> Answer {
    app.call_fn(
        client,
        ConfirmSecondFactor {
            code: code.into(),
            next: None,
        },
    )
    .await
}

async fn an_administrator_creates_a_clerk_who_enrols_a_second_factor(app: TestApp) {
    let admin = logged_in(&app, "Administrator").await;
    // A window clerk needs a window; the username is checked.
    let err = app
        .call_fn(&admin, new_clerk("clerk99", "window_clerk", None))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["window_id"], "{app}: {err}");
    let err = app
        .call_fn(&admin, new_clerk("clerk01", "window_clerk", Some("1")))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["username"], "{app}: taken: {err}");
    let id = app
        .call_fn(&admin, new_clerk("clerk99", "window_clerk", Some("2")))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let roster = app
        .call_fn(&admin, StaffRoster { page: None })
        .await
        .unwrap();
    let listed = roster["members"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account_id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{app}: not listed: {roster}"));
    assert_eq!(listed["enrolled"], false, "{app}");
    assert_eq!(listed["role"], "WindowClerk", "{app}");
    let one = app
        .call_fn(
            &admin,
            app::features::staff::api::StaffMember { account_id: id },
        )
        .await
        .unwrap();
    assert_eq!(one, listed, "{app}: one account as the list shows it");
    // A clerk cannot manage staff.
    let clerk01 = logged_in(&app, "Window clerk").await;
    let err = app
        .call_fn(&clerk01, StaffRoster { page: None })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");

    // The password alone starts no session: the second step waits.
    let client = new_client();
    let next = password_step(&app, &client, "clerk99").await.unwrap();
    assert_eq!(next, "/login/second-factor", "{app}");
    assert_eq!(
        app.call_fn(&client, MyAccount {}).await.unwrap(),
        serde_json::Value::Null
    );
    // First login: a key to enrol.
    let step = app.call_fn(&client, SecondFactorStep {}).await.unwrap();
    let key = step["enrol"]["key"]
        .as_str()
        .expect("a key to enrol")
        .replace(' ', "");
    assert!(
        step["enrol"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/"),
        "{app}"
    );
    assert!(
        step["enrol"]["qr_svg"].as_str().unwrap().contains("<svg"),
        "{app}"
    );
    // Reloading shows the same key.
    let again = app.call_fn(&client, SecondFactorStep {}).await.unwrap();
    assert_eq!(again["enrol"]["key"], step["enrol"]["key"], "{app}");
    // The database holds the key sealed, not in the clear.
    let stored: String = app
        .scalar(
            "SELECT secret FROM staff_second_factors WHERE account_id = $1",
            id,
        )
        .await;
    assert!(
        stored.starts_with("v1:") && !stored.contains(&key),
        "{app}: the key is sealed at rest: {stored}"
    );
    let key = TotpKey::from_base32(&key).unwrap();
    let now = step_at(app.clock.now_ms());
    // A wrong code is refused and counted.
    let wrong = if key.code_at(now) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = confirm(&app, &client, wrong).await.unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
    confirm(&app, &client, &key.code_at(now)).await.unwrap();
    let me = app.me(&client).await.expect("logged in after the code");
    assert_eq!(me.account_id, id, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.second_factor_enrolled'")
            .await,
        1,
        "{app}"
    );

    // The same code never works twice.
    let other = new_client();
    password_step(&app, &other, "clerk99").await.unwrap();
    let step = app.call_fn(&other, SecondFactorStep {}).await.unwrap();
    assert!(step["enrol"].is_null(), "{app}: enrolled once: {step}");
    let err = confirm(&app, &other, &key.code_at(now)).await.unwrap_err();
    assert!(err.to_string().contains("已经使用过"), "{app}: {err}");
    // Five wrong codes end the waiting login.
    for _ in 0..4 {
        confirm(&app, &other, wrong).await.unwrap_err();
    }
    let err = confirm(&app, &other, &key.code_at(now + 1))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    // Ten wrong codes in all, from any login, lock the second factor: even
    // the right code waits, then works again.
    let third = new_client();
    password_step(&app, &third, "clerk99").await.unwrap();
    for _ in 0..4 {
        confirm(&app, &third, wrong).await.unwrap_err();
    }
    let err = confirm(&app, &third, wrong).await.unwrap_err();
    assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
    let fourth = new_client();
    password_step(&app, &fourth, "clerk99").await.unwrap();
    let err = confirm(&app, &fourth, &key.code_at(now + 1))
        .await
        .unwrap_err();
    assert_eq!(
        kind(&err),
        "RateLimited",
        "{app}: locked for everyone: {err}"
    );
    app.clock.advance_secs(16 * 60);
    let later = step_at(app.clock.now_ms());
    let fifth = new_client();
    password_step(&app, &fifth, "clerk99").await.unwrap();
    confirm(&app, &fifth, &key.code_at(later))
        .await
        .expect("the lock ends");

    // Disabled: the session ends at once and the login stops at the password.
    assert!(app.me(&client).await.is_some(), "{app}: still logged in");
    let err = app
        .call_fn(
            &admin,
            SetStaffDisabled {
                account_id: id,
                disable: "1".into(),
                reason: "".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    app.call_fn(
        &admin,
        SetStaffDisabled {
            account_id: id,
            disable: "1".into(),
            reason: "调离".into(),
        },
    )
    .await
    .unwrap();
    assert!(app.me(&client).await.is_none(), "{app}: logged out at once");
    let err = password_step(&app, &new_client(), "clerk99")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    app.call_fn(
        &admin,
        SetStaffDisabled {
            account_id: id,
            disable: "0".into(),
            reason: "".into(),
        },
    )
    .await
    .unwrap();

    // A password reset removes the key: the next login enrols again.
    let new_password = "Chongzhi-2026-mima";
    app.call_fn(
        &admin,
        ResetStaffPassword {
            account_id: id,
            password: new_password.into(),
            password_confirm: new_password.into(),
        },
    )
    .await
    .unwrap();
    let fresh = new_client();
    app.call_fn(
        &fresh,
        Login {
            identifier: "clerk99".into(),
            password: new_password.into(),
            next: None,
        },
    )
    .await
    .unwrap();
    let step = app.call_fn(&fresh, SecondFactorStep {}).await.unwrap();
    assert!(
        step["enrol"]["key"].is_string(),
        "{app}: enrol again: {step}"
    );
    // The administrator cannot disable themselves.
    let admin_id: i64 = app
        .scalar("SELECT id FROM accounts WHERE staff_username = $1", "admin")
        .await;
    let err = app
        .call_fn(
            &admin,
            SetStaffDisabled {
                account_id: admin_id,
                disable: "1".into(),
                reason: "测试".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
}
both_backends!(an_administrator_creates_a_clerk_who_enrols_a_second_factor);

async fn an_administrator_adds_and_changes_a_registration_window(app: TestApp) {
    use app::features::accounts::api::RegistrationWindows;
    use app::features::staff::api::{AddWindow, UpdateWindow};
    let admin = logged_in(&app, "Administrator").await;
    let add = |code: &str| AddWindow {
        code: code.into(),
        name: "鹿泉交警大队个人用户注册窗口（新址）".into(),
        address: "河北省石家庄市鹿泉区向阳大街99号".into(),
        serves: "individual".into(),
        phone: "0311-8201 0000".into(),
    };
    let taken: String = app
        .scalar("SELECT code FROM registration_windows WHERE id = $1", 1i64)
        .await;
    let err = app.call_fn(&admin, add(&taken)).await.unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}: taken: {err}");
    let supervisor = logged_in(&app, "Supervisor").await;
    let err = app.call_fn(&supervisor, add("W99")).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
    let id = app
        .call_fn(&admin, add("w99"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let listed = app
        .call_fn(&app.client, RegistrationWindows {})
        .await
        .unwrap();
    let window = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{app}: not public: {listed}"));
    assert_eq!(window["phone"], "0311-82010000", "{app}");
    // A clerk can be placed at it.
    app.call_fn(
        &admin,
        new_clerk("clerk99", "window_clerk", Some(&id.to_string())),
    )
    .await
    .unwrap();
    app.call_fn(
        &admin,
        UpdateWindow {
            window_id: id,
            name: "鹿泉交警大队个人用户注册窗口".into(),
            address: "河北省石家庄市鹿泉区向阳大街100号".into(),
            phone: "0311-82010001".into(),
        },
    )
    .await
    .unwrap();
    let address: String = app
        .scalar("SELECT address FROM registration_windows WHERE id = $1", id)
        .await;
    assert_eq!(address, "河北省石家庄市鹿泉区向阳大街100号", "{app}");
}
both_backends!(an_administrator_adds_and_changes_a_registration_window);

/// The staff accounts come 50 a page, by role then username; every page
/// but the last is full, the total holds, nothing repeats or is lost.
async fn staff_accounts_come_a_page_at_a_time(app: TestApp) {
    let pool = &app.platform.store.pool;
    for i in 0..70_i64 {
        sqlx::query(
            "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, created_at,
                police_no, staff_unit)
             VALUES ('staff', $1, 'window_clerk', '测试民警', '13800000000', 'x', 1, $2, '测试大队')",
        )
        .bind(format!("test{:03}", 70 - i))
        .bind(format!("9{i:05}"))
        .execute(pool)
        .await
        .unwrap();
    }
    let expected: Vec<String> = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM accounts WHERE kind = 'staff' ORDER BY staff_role, staff_username, id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(i64::to_string)
    .collect();
    let admin = logged_in(&app, "Administrator").await;
    let (a, c) = (&app, &admin);
    let rows = every_page(
        a,
        "staff accounts",
        50,
        expected.len(),
        "account_id",
        |page| async move { a.call_fn(c, StaffRoster { page }).await.unwrap()["members"].clone() },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "staff accounts", &rows, "account_id"),
        expected,
        "{app}"
    );
}
both_backends!(staff_accounts_come_a_page_at_a_time);
