//! Window registration (窗口注册) in the staff console, on both databases.

mod common;
use common::*;

fn with_check(first17: &str) -> String {
    let c = app::domain::ResidentId::check_char(first17).unwrap();
    format!("{first17}{c}")
}

fn credit(first17: &str) -> String {
    app::domain::CreditCode::from_first17(first17)
        .unwrap()
        .as_str()
        .to_string()
}

async fn clerk_client(app: &TestApp, unit_window: bool) -> reqwest::Client {
    let sql = if unit_window {
        "SELECT a.staff_username FROM accounts a JOIN registration_windows w ON w.id = a.window_id WHERE a.kind = 'staff' AND w.serves = 'unit' ORDER BY a.id LIMIT 1"
    } else {
        "SELECT a.staff_username FROM accounts a JOIN registration_windows w ON w.id = a.window_id WHERE a.kind = 'staff' AND w.serves = 'individual' ORDER BY a.id LIMIT 1"
    };
    let username: String = sqlx::query(sql)
        .fetch_one(&app.platform.store.pool)
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap();
    let (_, password) = app.demo_login("Window clerk");
    let client = new_client();
    app.login(&client, &username, &password)
        .await
        .expect("clerk login");
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_registers_an_individual_and_the_account_records_window_and_clerk() {
    for backend in backends() {
        let app = spawn(backend).await;
        let clerk = clerk_client(&app, false).await;
        let id = with_check("13010419920315001");
        let form = [
            ("kind", "learner"),
            ("id_number", id.as_str()),
            ("name", "赵一鸣"),
            ("phone", "13812345670"),
            ("password", "Xuexi-kaoshi-2026"),
            ("password_confirm", "Xuexi-kaoshi-2026"),
        ];
        let account_id = app
            .call_with(&clerk, "staff/register_individual", &form)
            .await
            .expect("registered");
        let row =
            sqlx::query("SELECT channel, window_id, registered_by FROM accounts WHERE id = $1")
                .bind(account_id.as_i64().unwrap())
                .fetch_one(&app.platform.store.pool)
                .await
                .unwrap();
        use sqlx::Row;
        assert_eq!(row.get::<String, _>("channel"), "window", "{backend}");
        assert!(row.get::<Option<i64>, _>("window_id").is_some());
        assert!(row.get::<Option<i64>, _>("registered_by").is_some());
        // The new person is in the registry now.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM persons WHERE id_number = '{id}'"
            ))
            .await,
            1
        );

        // The person logs in and is a window-registered learner.
        let citizen = new_client();
        app.login(&citizen, &id, "Xuexi-kaoshi-2026")
            .await
            .expect("login");
        let me = app.call_with(&citizen, "my_account", &[]).await.unwrap();
        assert_eq!(
            me["role"]["Individual"]["channel"], "Window",
            "{backend}: {me}"
        );

        // Registering the same ID again is a conflict.
        let err = app
            .call_with(&clerk, "staff/register_individual", &form)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_clerks_at_the_right_window_may_register() {
    for backend in backends() {
        let app = spawn(backend).await;
        let id = with_check("13010419850101002");
        let form = [
            ("kind", "owner_or_driver"),
            ("id_number", id.as_str()),
            ("name", "钱多多"),
            ("phone", "13812345671"),
            ("password", "Xuexi-kaoshi-2026"),
            ("password_confirm", "Xuexi-kaoshi-2026"),
        ];
        // Anonymous.
        let err = app
            .call("staff/register_individual", &form)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotLoggedIn", "{backend}: {err}");
        // A citizen.
        let (login, password) = app.demo_login("Online-registered individual");
        let citizen = new_client();
        app.login(&citizen, &login, &password).await.unwrap();
        let err = app
            .call_with(&citizen, "staff/register_individual", &form)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        // The unit-window clerk does not register individuals.
        let unit_clerk = clerk_client(&app, true).await;
        let err = app
            .call_with(&unit_clerk, "staff/register_individual", &form)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        // An individual-window clerk does not register units.
        let clerk = clerk_client(&app, false).await;
        let code = credit("91130104MA0000001");
        let form = unit_form(&code, "car_dealer", "temporary_plates");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = app
            .call_with(&clerk, "staff/register_unit", &pairs)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
    }
}

fn unit_form<'a>(code: &'a str, kind: &'a str, granted: &'a str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_kind", kind.to_string()),
        ("unit_name", "石家庄市测试单位有限公司".to_string()),
        ("credit_code", code.to_string()),
        ("attorney_ref", "WTS-2026-0999".to_string()),
        ("agent_id_number", with_check("13010219800101001")),
        ("agent_name", "孙代理".to_string()),
        ("agent_phone", "13912345672".to_string()),
        ("password", "Danwei-zhanghu-2026".to_string()),
        ("password_confirm", "Danwei-zhanghu-2026".to_string()),
        ("granted", granted.to_string()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unit_window_registers_a_unit_with_only_the_services_its_kind_may_have() {
    for backend in backends() {
        let app = spawn(backend).await;
        let clerk = clerk_client(&app, true).await;
        let hospital_code = credit("12130100MB0000002");
        let form = unit_form(&hospital_code, "hospital", "temporary_plates");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = app
            .call_with(&clerk, "staff/register_unit", &pairs)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["granted"], "{backend}: {err}");

        let form = unit_form(
            &hospital_code,
            "hospital",
            "physical_exam,submit_physical_certificate",
        );
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.call_with(&clerk, "staff/register_unit", &pairs)
            .await
            .expect("hospital registered");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM unit_special_services s JOIN accounts a ON a.id = s.account_id WHERE a.credit_code = '{hospital_code}'"
            ))
            .await,
            2,
            "{backend}"
        );
        let unit = new_client();
        app.login(&unit, &hospital_code, "Danwei-zhanghu-2026")
            .await
            .expect("unit login");
        let me = app.call_with(&unit, "my_account", &[]).await.unwrap();
        assert_eq!(me["role"]["Unit"]["kind"], "Hospital", "{backend}: {me}");
        assert_eq!(me["role"]["Unit"]["granted"].as_array().unwrap().len(), 2);

        // A bad credit code check character is a field error.
        let mut bad = hospital_code.clone();
        bad.pop();
        bad.push(if hospital_code.ends_with('0') {
            '1'
        } else {
            '0'
        });
        let form = unit_form(&bad, "hospital", "");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = app
            .call_with(&clerk, "staff/register_unit", &pairs)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["credit_code"], "{backend}: {err}");
    }
}
