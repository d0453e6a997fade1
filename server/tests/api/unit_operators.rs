//! A unit's operators on both databases (经办人): the unit's own account adds
//! one, who activates the login with the SMS code and a password of their
//! own, logs in with the unit's code (either code) and the login name, may
//! use only the services granted, and is named in the unit's audit, sealed
//! in the hash chain; the account changes the services or disables the
//! operator, which ends their session at once; another unit can do
//! neither. What the clients were told is compared with the database.

use crate::audit_chain::drop_triggers;
use crate::helpers::*;
use crate::unit_fixtures::COMPANY;
use app::features::accounts::OperatorOnSession;
use app::features::paging::ListPage;
use app::features::units::operators::{
    DisableOperator, OperatorActivate, OperatorLogin, ReactivateOperator, UnitAudit, UnitAuditEntry,
};
use leptos::server_fn::ServerFn;

const OPERATOR: &str = "Unit operator";
const NEW_ID: &str = "110101199003077774";
const NEW_PHONE: &str = "13912345678";

fn endpoint<F: ServerFn>() -> &'static str {
    F::PATH.trim_start_matches("/api/")
}

/// Adds 王小明 with these services; answers the operator's id.
async fn add(app: &TestApp, agent: &reqwest::Client, services: &[&str]) -> i64 {
    let mut form = vec![
        ("full_name", "王小明"),
        ("id_number", NEW_ID),
        ("phone", NEW_PHONE),
        ("login_name", ""),
    ];
    form.extend(services.iter().map(|s| ("services[]", *s)));
    app.call_with(agent, "unit/add_operator", &form)
        .await
        .unwrap_or_else(|e| panic!("{app}: adding: {e}"));
    app.scalar("SELECT id FROM unit_operators WHERE id_number = $1", NEW_ID)
        .await
}

/// Adds 王小明 under this login name, granted violations; answers the reply.
async fn add_as(app: &TestApp, agent: &reqwest::Client, login_name: &str) -> Answer {
    let form = [
        ("full_name", "王小明"),
        ("id_number", NEW_ID),
        ("phone", NEW_PHONE),
        ("login_name", login_name),
        ("services[]", "violations"),
    ];
    app.call_with(agent, "unit/add_operator", &form).await
}

async fn status(app: &TestApp, operator_id: i64) -> String {
    app.scalar(
        "SELECT status FROM unit_operators WHERE id = $1",
        operator_id,
    )
    .await
}

fn activation(unit_code: &str, code: &str) -> OperatorActivate {
    OperatorActivate {
        unit_code: unit_code.into(),
        login_name: "王小明".into(),
        code: code.into(),
        password: "Lorry-Desk-2468".into(),
        password_confirm: "Lorry-Desk-2468".into(),
    }
}

fn login_as(unit_code: &str, login_name: &str, password: &str) -> OperatorLogin {
    OperatorLogin {
        unit_code: unit_code.into(),
        login_name: login_name.into(),
        password: password.into(),
        next: None,
    }
}

async fn audit(
    app: &TestApp,
    agent: &reqwest::Client,
    operator: Option<i64>,
) -> ListPage<UnitAuditEntry> {
    let answer = app
        .call_fn(
            agent,
            UnitAudit {
                operator: operator.map(|o| o.to_string()),
                page: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: audit: {e}"));
    serde_json::from_value(answer).unwrap()
}

async fn an_operator_activates_logs_in_and_acts_within_the_services_granted(app: TestApp) {
    let agent = logged_in(&app, COMPANY).await;
    let (credit_code, _) = app.demo_login(COMPANY);
    let id = add(&app, &agent, &["vehicles"]).await;
    assert_eq!(status(&app, id).await, "pending", "{app}");
    let sent = app
        .count(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{NEW_PHONE}' AND template = 'operator_activation_code'"
        ))
        .await;
    assert_eq!(sent, 1, "{app}: the operator's phone got the code");

    // Not yet active: no login, whatever the password.
    let visitor = new_client();
    let err = app
        .call_fn(
            &visitor,
            login_as(&credit_code, "王小明", "Lorry-Desk-2468"),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["password"], "{app}: {err}");

    // A wrong code activates nothing; the right one does, with the
    // organisation code (characters 9 to 17 of the credit code) as the
    // unit's code.
    let err = app
        .call_fn(&visitor, activation(&credit_code, "000000"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"], "{app}: {err}");
    assert_eq!(status(&app, id).await, "pending", "{app}");
    // A login that does not exist gets the very same answer: nobody
    // learns which operators a unit has.
    let mut nobody = activation(&credit_code, "000000");
    nobody.login_name = "无此人".into();
    let unknown = app.call_fn(&visitor, nobody).await.unwrap_err();
    assert_eq!(unknown, err, "{app}");
    let code = app.latest_code(NEW_PHONE).await;
    let organisation_code = &credit_code[8..17];
    app.call_fn(&visitor, activation(organisation_code, &code))
        .await
        .unwrap_or_else(|e| panic!("{app}: activating: {e}"));
    assert_eq!(status(&app, id).await, "active", "{app}");
    // Once only.
    let err = app
        .call_fn(&visitor, activation(&credit_code, &code))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"], "{app}: {err}");

    let operator = new_client();
    app.call_fn(
        &operator,
        login_as(organisation_code, "王小明", "Lorry-Desk-2468"),
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: operator login: {e}"));
    let me = app.me(&operator).await.expect("logged in");
    assert_eq!(
        me.operator,
        Some(OperatorOnSession {
            id,
            login_name: "王小明".into(),
            full_name: "王小明".into(),
            services: vec![app::domain::unit_operator::OperatorService::Vehicles],
        }),
        "{app}"
    );

    // Granted: the dashboard and the vehicles. Not granted: everything else
    // of the unit, the account's own affairs and the operators.
    for (path, expected) in [
        ("unit/dashboard", "Ok"),
        ("unit/vehicles", "Ok"),
        ("unit/violations", "NotAllowed"),
        ("unit/drivers", "NotAllowed"),
        ("my_violations", "NotAllowed"),
        ("plates/vehicles", "NotAllowed"),
        ("my_messages", "NotAllowed"),
        ("my_record_views", "NotAllowed"),
        ("unit/operators", "NotAllowed"),
        ("unit/audit", "NotAllowed"),
    ] {
        let seen = match app.call_with(&operator, path, &[]).await {
            Ok(_) => "Ok".to_string(),
            Err(e) => kind(&e),
        };
        assert_eq!(seen, expected, "{app}: {path}");
    }
    for csv in ["/unit/violations.csv", "/unit/drivers.csv"] {
        let status = operator
            .get(format!("{}{csv}", app.base))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 403, "{app}: {csv}");
    }
    let csv = operator
        .get(format!("{}/unit/vehicles.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200, "{app}");

    // The operator binds every vehicle: the audit names them.
    app.call_with(&operator, "unit/bind_vehicles", &[("all", "1")])
        .await
        .unwrap_or_else(|e| panic!("{app}: binding all: {e}"));
    let by_operator = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE actor_operator_id = {id} AND action = 'vehicle.bind'"
        ))
        .await;
    assert!(by_operator > 0, "{app}: the binds name the operator");
    let theirs = audit(&app, &agent, Some(id)).await;
    assert!(theirs.total > by_operator, "{app}: binds and the login");
    assert!(
        theirs
            .items
            .iter()
            .all(|e| e.operator.as_deref() == Some("王小明（王小明）")),
        "{app}: {:?}",
        theirs.items
    );
    assert!(
        theirs.items.iter().any(|e| e.action_zh == "绑定机动车"),
        "{app}"
    );
    let all = audit(&app, &agent, None).await;
    assert!(
        all.items
            .iter()
            .any(|e| e.action_zh == "添加经办人"
                && e.operator.is_none()
                && e.subject_zh == "经办人王小明（王小明）"),
        "{app}: the account's own steps have no operator, and name the operator they are about: {:?}",
        all.items
    );

    // Sealed with the operator: changing who acted breaks the chain there.
    app.platform
        .ports
        .audit
        .seal(app.clock.now_ms())
        .await
        .unwrap();
    let report = server::cli::verify_audit(&app.platform)
        .await
        .expect("whole");
    assert!(report.starts_with("OK"), "{app}: {report}");
    let entry: i64 = app
        .scalar(
            "SELECT MIN(id) FROM audit_log WHERE actor_operator_id = $1",
            id,
        )
        .await;
    for statement in drop_triggers(&app) {
        sqlx::query(statement)
            .execute(&app.platform.store.pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_log SET actor_operator_id = NULL WHERE id = $1")
        .bind(entry)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let broken = verify_audit_error(&app).await;
    assert!(broken.contains(&entry.to_string()), "{app}: {broken}");
}
both_backends!(an_operator_activates_logs_in_and_acts_within_the_services_granted);

async fn verify_audit_error(app: &TestApp) -> String {
    server::cli::verify_audit(&app.platform)
        .await
        .expect_err("a broken chain")
}

async fn disabling_an_operator_ends_their_session_at_once(app: TestApp) {
    let agent = logged_in(&app, COMPANY).await;
    let operator = logged_in(&app, OPERATOR).await;
    let op_id = app
        .me(&operator)
        .await
        .and_then(|m| m.operator)
        .expect("an operator")
        .id;
    app.call_with(&operator, "unit/violations", &[])
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));

    // Another unit can neither change nor disable them.
    let dealer = logged_in(&app, "Car dealer").await;
    let op = op_id.to_string();
    for path in [
        "unit/disable_operator",
        "unit/operator_services",
        "unit/reactivate_operator",
    ] {
        let err = app
            .call_with(
                &dealer,
                path,
                &[("operator_id", op.as_str()), ("services[]", "drivers")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{app}: {path}");
    }
    assert_eq!(status(&app, op_id).await, "active", "{app}");

    // The account takes the violations away: the next step is refused.
    app.call_with(
        &agent,
        "unit/operator_services",
        &[("operator_id", op.as_str()), ("services[]", "drivers")],
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: {e}"));
    let err = app
        .call_with(&operator, "unit/violations", &[])
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
    app.call_with(&operator, "unit/drivers", &[])
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));

    app.call_fn(&agent, DisableOperator { operator_id: op_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(status(&app, op_id).await, "disabled", "{app}");
    let sessions = app
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE operator_id = {op_id}"
        ))
        .await;
    assert_eq!(sessions, 0, "{app}: every session of theirs ended");
    let err = app
        .call_with(&operator, "unit/drivers", &[])
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotLoggedIn", "{app}");
    let (code, password) = app.demo_login(OPERATOR);
    let err = app
        .call_fn(&new_client(), login_as(&code, "调度员01", &password))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // No second disable.
    let err = app
        .call_fn(&agent, DisableOperator { operator_id: op_id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");

    // Enabled again: back to activation, with a new code to their phone
    // and a new password of their own; the old one no longer logs in.
    let phone: String = app
        .scalar("SELECT phone FROM unit_operators WHERE id = $1", op_id)
        .await;
    app.clock.advance_secs(61);
    app.call_fn(&agent, ReactivateOperator { operator_id: op_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(status(&app, op_id).await, "pending", "{app}");
    let err = app
        .call_fn(&agent, ReactivateOperator { operator_id: op_id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: pending already");
    let code_sent = app.latest_code(&phone).await;
    let activate = OperatorActivate {
        unit_code: code.clone(),
        login_name: "调度员01".into(),
        code: code_sent,
        password: "Second-Desk-1357".into(),
        password_confirm: "Second-Desk-1357".into(),
    };
    app.call_fn(&new_client(), activate)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let err = app
        .call_fn(&new_client(), login_as(&code, "调度员01", &password))
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        ["password"],
        "{app}: the old password is gone"
    );
    let again = new_client();
    app.call_fn(&again, login_as(&code, "调度员01", "Second-Desk-1357"))
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    app.call_with(&again, "unit/drivers", &[])
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    // A forgotten password: the active operator goes back to activation
    // and this session ends.
    app.clock.advance_secs(61);
    app.call_fn(&agent, ReactivateOperator { operator_id: op_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let err = app
        .call_with(&again, "unit/drivers", &[])
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotLoggedIn", "{app}");
}
both_backends!(disabling_an_operator_ends_their_session_at_once);

async fn adding_an_operator_says_what_is_wrong_with_each_field(app: TestApp) {
    let agent = logged_in(&app, COMPANY).await;
    let err = app
        .call_with(
            &agent,
            endpoint::<app::features::units::operators::AddOperator>(),
            &[
                ("full_name", "王"),
                ("id_number", "110101199003077775"),
                ("phone", "1391234"),
                ("login_name", "a b"),
                ("services[]", "root"),
            ],
        )
        .await
        .unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(
        named,
        ["full_name", "id_number", "login_name", "phone", "services"],
        "{app}: {err}"
    );
    let none = app
        .count("SELECT COUNT(*) FROM unit_operators WHERE login_name <> '调度员01'")
        .await;
    assert_eq!(none, 0, "{app}: nothing added");

    // The demo operator's login name is taken; the same person twice too.
    let err = add_as(&app, &agent, "调度员01").await.unwrap_err();
    assert_eq!(fields(&err), ["login_name"], "{app}: {err}");
    add(&app, &agent, &["violations"]).await;
    app.clock.advance_secs(61);
    let err = add_as(&app, &agent, "王小明2").await.unwrap_err();
    assert_eq!(fields(&err), ["id_number"], "{app}: {err}");
    let added = app
        .count(&format!(
            "SELECT COUNT(*) FROM unit_operators WHERE id_number = '{NEW_ID}'"
        ))
        .await;
    assert_eq!(added, 1, "{app}");
}
both_backends!(adding_an_operator_says_what_is_wrong_with_each_field);
