//! Window registration (窗口注册) in the staff console, on both databases.

use crate::helpers::*;
use app::domain::{IndividualKind, RegistrationChannel, SpecialService, UnitKind};
use app::features::accounts::AccountRole;
use app::features::staff::api::{RegisterIndividual, RegisterUnit};

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

pub(crate) async fn clerk_client(app: &TestApp, unit_window: bool) -> reqwest::Client {
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

async fn a_clerk_registers_an_individual_and_the_account_records_window_and_clerk(app: TestApp) {
    let clerk = clerk_client(&app, false).await;
    let id = with_check("13010419920315001");
    let form = RegisterIndividual {
        kind: "learner".into(),
        id_number: id.clone(),
        name: "赵一鸣".into(),
        phone: "13812345670".into(),
        password: "Xuexi-kaoshi-2026".into(),
        password_confirm: "Xuexi-kaoshi-2026".into(),
        form: String::new(),
    };
    let account_id = app.call_fn(&clerk, form.clone()).await.expect("registered");
    let row = sqlx::query("SELECT channel, window_id, registered_by FROM accounts WHERE id = $1")
        .bind(account_id.as_i64().unwrap())
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    use sqlx::Row;
    assert_eq!(row.get::<String, _>("channel"), "window", "{app}");
    let clerk_account = app.me(&clerk).await.expect("the clerk is logged in");
    let AccountRole::Staff { window_id, .. } = clerk_account.role else {
        panic!("{app}: not staff: {clerk_account:?}")
    };
    assert!(window_id.is_some(), "{app}: the clerk works at a window");
    assert_eq!(
        (
            row.get::<Option<i64>, _>("window_id"),
            row.get::<Option<i64>, _>("registered_by")
        ),
        (window_id, Some(clerk_account.account_id)),
        "{app}: the clerk's own window, and the clerk"
    );
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
    let me = app.me(&citizen).await.expect("logged in");
    assert!(
        matches!(
            &me.role,
            AccountRole::Individual {
                kind: IndividualKind::Learner,
                channel: RegistrationChannel::Window,
                ..
            }
        ),
        "{app}: {me:?}"
    );

    // Registering the same ID again is a conflict.
    let err = app.call_fn(&clerk, form.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
}
both_backends!(a_clerk_registers_an_individual_and_the_account_records_window_and_clerk);

async fn only_clerks_at_the_right_window_may_register(app: TestApp) {
    let id = with_check("13010419850101002");
    let form = RegisterIndividual {
        kind: "owner_or_driver".into(),
        id_number: id.clone(),
        name: "钱多多".into(),
        phone: "13812345671".into(),
        password: "Xuexi-kaoshi-2026".into(),
        password_confirm: "Xuexi-kaoshi-2026".into(),
        form: String::new(),
    };
    // Anonymous.
    let err = app.call_fn(&app.client, form.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "NotLoggedIn", "{app}: {err}");
    // A citizen.
    let (login, password) = app.demo_login("Online-registered individual");
    let citizen = new_client();
    app.login(&citizen, &login, &password).await.unwrap();
    let err = app.call_fn(&citizen, form.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // The unit-window clerk does not register individuals.
    let unit_clerk = clerk_client(&app, true).await;
    let err = app.call_fn(&unit_clerk, form.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // An individual-window clerk does not register units.
    let clerk = clerk_client(&app, false).await;
    let code = credit("91130104MA0000001");
    let form = unit_form(&code, "car_dealer", "temporary_plates");
    let err = app.call_fn(&clerk, form).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
}
both_backends!(only_clerks_at_the_right_window_may_register);

fn unit_form(code: &str, kind: &str, granted: &str) -> RegisterUnit {
    RegisterUnit {
        unit_kind: kind.into(),
        unit_name: "石家庄市测试单位有限公司".into(),
        credit_code: code.into(),
        attorney_ref: "WTS-2026-0999".into(),
        agent_id_number: with_check("13010219800101001"),
        agent_name: "孙代理".into(),
        agent_phone: "13912345672".into(),
        password: "Danwei-zhanghu-2026".into(),
        password_confirm: "Danwei-zhanghu-2026".into(),
        granted: granted
            .split(',')
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect(),
        form: String::new(),
    }
}

async fn the_unit_window_registers_a_unit_with_only_the_services_its_kind_may_have(app: TestApp) {
    let clerk = clerk_client(&app, true).await;
    let hospital_code = credit("12130100MB0000002");
    let form = unit_form(&hospital_code, "hospital", "temporary_plates");
    let err = app.call_fn(&clerk, form).await.unwrap_err();
    assert_eq!(fields(&err), vec!["granted"], "{app}: {err}");

    let form = unit_form(
        &hospital_code,
        "hospital",
        "physical_exam,submit_physical_certificate",
    );
    app.call_fn(&clerk, form)
        .await
        .expect("hospital registered");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM unit_special_services s JOIN accounts a ON a.id = s.account_id WHERE a.credit_code = '{hospital_code}'"
        ))
        .await,
        2,
        "{app}"
    );
    let unit = new_client();
    app.login(&unit, &hospital_code, "Danwei-zhanghu-2026")
        .await
        .expect("unit login");
    let me = app.me(&unit).await.expect("logged in");
    assert!(
        matches!(
            &me.role,
            AccountRole::Unit { kind: UnitKind::Hospital, granted, .. }
                if *granted == [SpecialService::PhysicalExam, SpecialService::SubmitPhysicalCertificate]
        ),
        "{app}: {me:?}"
    );

    // A bad credit code check character is a field error.
    let mut bad = hospital_code.clone();
    bad.pop();
    bad.push(if hospital_code.ends_with('0') {
        '1'
    } else {
        '0'
    });
    let form = unit_form(&bad, "hospital", "");
    let err = app.call_fn(&clerk, form).await.unwrap_err();
    assert_eq!(fields(&err), vec!["credit_code"], "{app}: {err}");
}
both_backends!(the_unit_window_registers_a_unit_with_only_the_services_its_kind_may_have);

async fn the_unit_window_finds_a_unit_by_its_organisation_code(app: TestApp) {
    let clerk = clerk_client(&app, true).await;
    // An organisation on record without an account (the demo's second dealer).
    let code: String = app
        .scalar(
            "SELECT credit_code FROM organisations WHERE name = $1",
            "河北远航汽车贸易有限公司",
        )
        .await;
    let org = app::domain::OrganisationCode::of_credit_code(
        &app::domain::CreditCode::parse(&code).unwrap(),
    )
    .expect("the demo's codes carry a valid organisation code");
    // Typed as certificates print it: lower case, with the hyphen.
    let typed = format!(
        "{}-{}",
        &org.as_str()[..8].to_lowercase(),
        &org.as_str()[8..]
    );
    let form = unit_form(&typed, "car_dealer", "temporary_plates");
    app.call_fn(&clerk, form)
        .await
        .expect("registered by organisation code");
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM accounts WHERE kind = 'unit' AND credit_code = '{code}'"
        ))
        .await;
    assert_eq!(stored, 1, "{app}: the account holds the full credit code");
    // Both codes name the same unit: a second registration is refused.
    let again = app
        .call_fn(&clerk, unit_form(&code, "car_dealer", ""))
        .await
        .unwrap_err();
    assert_eq!(kind(&again), "Conflict", "{app}: {again}");

    // A valid organisation code nobody has on record, and a bad check.
    let unknown = format!("40000000{}", 'X');
    let err = app
        .call_fn(&clerk, unit_form(&unknown, "car_dealer", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["credit_code"], "{app}: {err}");
    assert!(
        err.to_string()
            .contains("登记信息中没有组织机构代码为40000000X的单位"),
        "{app}: {err}"
    );
    let err = app
        .call_fn(&clerk, unit_form("40000000Y", "car_dealer", ""))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("校验码不正确"), "{app}: {err}");
}
both_backends!(the_unit_window_finds_a_unit_by_its_organisation_code);

/// The unit window's form as the browser posts it (no script: the console
/// sends none): several services as `granted[]`. Refused, the page comes
/// back with the problem and what was typed; registered, with the new
/// account's number, once.
async fn the_unit_form_posted_by_the_browser_registers_or_comes_back_filled_in(app: TestApp) {
    let clerk = clerk_client(&app, true).await;
    let page_url = format!("{}/staff/register/unit", app.base);
    let post = |fields: Vec<(&'static str, String)>| {
        let clerk = clerk.clone();
        let (base, page_url) = (app.base.clone(), page_url.clone());
        async move {
            let res = clerk
                .post(format!("{base}/api/staff/register_unit"))
                .header("origin", base.clone())
                .header("accept", "text/html")
                .header("referer", page_url.clone())
                .form(&fields)
                .send()
                .await
                .unwrap_or_else(|e| panic!("transport error {e}"));
            assert!(res.status().is_redirection(), "{}", res.status());
            let back = res.headers()["location"].to_str().unwrap().to_string();
            let url = if back.starts_with("http") {
                back
            } else {
                format!("{base}{back}")
            };
            assert_eq!(url.split('?').next(), Some(page_url.as_str()));
            html(&clerk, &url).await
        }
    };
    let code = credit("12130100MB0000051");
    // Each showing of the form has its own one-time token.
    let fields = |name: &str, password: &str, form: &str| {
        vec![
            ("unit_kind", "hospital".to_string()),
            ("unit_name", name.to_string()),
            ("credit_code", code.clone()),
            ("attorney_ref", "WTS-2026-0051".into()),
            ("agent_id_number", with_check("13010219800101001")),
            ("agent_name", "孙代理".into()),
            ("agent_phone", "13912345672".into()),
            ("granted[]", "physical_exam".into()),
            ("granted[]", "submit_physical_certificate".into()),
            ("password", password.into()),
            ("password_confirm", password.into()),
            ("form", form.into()),
        ]
    };
    // Refused (the passwords differ): the problem, and what was typed.
    let (first, second) = ("0".repeat(31) + "1", "0".repeat(31) + "2");
    let mut refused = fields("石家庄市第九十九医院", "Yiyuan-zhanghu-2026", &first);
    for field in refused.iter_mut().filter(|(k, _)| *k == "password_confirm") {
        field.1 = "Yiyuan-zhanghu-2027".into();
    }
    let page = post(refused).await;
    assert!(page.contains("两次输入的密码不一致"), "{app}");
    assert!(
        page.contains("value=\"石家庄市第九十九医院\""),
        "{app}: the name typed"
    );
    assert!(
        !page.contains("Yiyuan-zhanghu"),
        "{app}: never the password"
    );
    // The services ticked come back ticked (and only they).
    let ticked = |code: &str| {
        let at = page
            .find(&format!("id=\"granted-{code}\""))
            .expect("the box");
        let tag = &page[page[..at].rfind('<').unwrap()..];
        tag[..tag.find('>').unwrap()].contains("checked")
    };
    assert!(
        ticked("physical_exam") && ticked("submit_physical_certificate"),
        "{app}"
    );
    assert!(!ticked("temporary_plates"), "{app}");
    // Registered: both services granted, the number shown once.
    let page = post(fields(
        "石家庄市第九十九医院",
        "Yiyuan-zhanghu-2026",
        &second,
    ))
    .await;
    let id: i64 = app
        .scalar(
            "SELECT id FROM accounts WHERE credit_code = $1",
            code.as_str(),
        )
        .await;
    assert!(page.contains("注册成功"), "{app}");
    assert!(page.contains(&format!("账户编号 {id}")), "{app}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM unit_special_services WHERE account_id = {id}"
        ))
        .await,
        2,
        "{app}"
    );
    let again = html(&clerk, &page_url).await;
    assert!(!again.contains("注册成功"), "{app}: shown once");
    // The same form posted again (a double click): the account its first
    // post made, not "already registered"; another form of the same unit
    // is refused.
    let page = post(fields(
        "石家庄市第九十九医院",
        "Yiyuan-zhanghu-2026",
        &second,
    ))
    .await;
    assert!(
        page.contains(&format!("账户编号 {id}")),
        "{app}: a double click"
    );
    let page = post(fields(
        "石家庄市第九十九医院",
        "Yiyuan-zhanghu-2026",
        &first,
    ))
    .await;
    assert!(page.contains("已注册为单位用户"), "{app}: another form");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM accounts WHERE credit_code = '{code}'"
        ))
        .await,
        1,
        "{app}"
    );
}
both_backends!(the_unit_form_posted_by_the_browser_registers_or_comes_back_filled_in);
