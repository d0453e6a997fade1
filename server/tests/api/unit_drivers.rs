//! A unit's drivers on both databases (单位驾驶人): the unit binds a
//! driver's licence only with the code the driver received, sees it in its
//! table and dashboard; names the driver for a violation with points, and
//! the points go on that licence only with the driver's code and only while
//! it stays under twelve; the driver sees and ends the binding, and each
//! side ends only its own. What the clients were told is compared with the
//! database.

use crate::helpers::*;
use crate::unit_fixtures::{violation_with_points, COMPANY};
use app::features::fines::api::HandleViolation;
use app::features::units::api::UnitDashboard;
use app::features::units::drivers::{
    LicenceEndUnitTie, LicenceUnitTies, UnitDriverConfirm, UnitDriverRequest, UnitDriverUnbind,
    UnitDrivers, UnitNameDriverConfirm, UnitNameDriverRequest,
};

const DRIVER: &str = "Window-registered individual";

/// The driver's ID number, name and phone on record; their licence is
/// made a valid C1 with no points.
async fn driver(app: &TestApp) -> (String, String, String) {
    let pool = &app.platform.store.pool;
    let (identifier, _) = app.demo_login(DRIVER);
    let id_number: String = app
        .scalar(
            "SELECT id_number FROM accounts WHERE id_number = $1 OR phone = $1",
            identifier.as_str(),
        )
        .await;
    let (name, phone): (String, String) =
        sqlx::query_as("SELECT name, phone FROM persons WHERE id_number = $1")
            .bind(&id_number)
            .fetch_one(pool)
            .await
            .unwrap();
    let until = app.platform.ports.clock.today().add_days(2000).to_iso();
    sqlx::query(
        "UPDATE driving_licences SET class = 'C1', status = 'A', points = 0, valid_until = $1 WHERE id_number = $2",
    )
    .bind(&until)
    .bind(&id_number)
    .execute(pool)
    .await
    .unwrap();
    let held: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM driving_licences WHERE id_number = $1",
            id_number.as_str(),
        )
        .await;
    assert_eq!(held, 1, "{app}: the demo driver holds a licence");
    (id_number, name, phone)
}

/// Binds the driver's licence to the unit with the driver's code.
async fn bind(app: &TestApp, unit: &reqwest::Client, id_number: &str, name: &str, phone: &str) {
    let request = UnitDriverRequest {
        id_number: id_number.into(),
        name: name.into(),
    };
    app.call_fn(unit, request)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let code = app.latest_code(phone).await;
    let confirm = UnitDriverConfirm {
        id_number: id_number.into(),
        code,
    };
    app.call_fn(unit, confirm)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
}

async fn sms_count(app: &TestApp, phone: &str, template: &str) -> i64 {
    app.scalar(
        &format!("SELECT COUNT(*) FROM sms_outbox WHERE phone = $1 AND template = '{template}'"),
        phone,
    )
    .await
}

async fn licence_points(app: &TestApp, id_number: &str) -> i64 {
    app.scalar(
        "SELECT points FROM driving_licences WHERE id_number = $1",
        id_number,
    )
    .await
}

async fn a_unit_binds_a_drivers_licence_only_with_the_drivers_code(app: TestApp) {
    let unit = logged_in(&app, COMPANY).await;
    let (id_number, name, phone) = driver(&app).await;
    let ties = "SELECT COUNT(*) FROM unit_drivers WHERE id_number = $1";

    // A wrong name finds nothing, and nobody is texted.
    let err = app
        .call_fn(
            &unit,
            UnitDriverRequest {
                id_number: id_number.clone(),
                name: "查无此人".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["id_number"], "{app}: {err}");
    assert_eq!(
        sms_count(&app, &phone, "driver_consent_code").await,
        0,
        "{app}"
    );

    // The right name (typed with spaces) texts the driver.
    let spaced: String = name.chars().flat_map(|c| [c, ' ']).collect();
    let masked = app
        .call_fn(
            &unit,
            UnitDriverRequest {
                id_number: id_number.clone(),
                name: spaced,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(
        masked,
        format!("{}****{}", &phone[..3], &phone[7..]),
        "{app}"
    );
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = app
        .call_fn(
            &unit,
            UnitDriverConfirm {
                id_number: id_number.clone(),
                code: wrong.into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
    assert_eq!(
        app.scalar::<i64, _>(ties, id_number.as_str()).await,
        0,
        "{app}"
    );

    app.call_fn(
        &unit,
        UnitDriverConfirm {
            id_number: id_number.clone(),
            code: code.clone(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(
        app.scalar::<i64, _>(ties, id_number.as_str()).await,
        1,
        "{app}"
    );
    assert_eq!(
        sms_count(&app, &phone, "unit_driver_bound").await,
        1,
        "{app}"
    );
    // The code is spent: a second confirmation binds nothing more.
    let again = app
        .call_fn(
            &unit,
            UnitDriverConfirm {
                id_number: id_number.clone(),
                code,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&again), vec!["code"], "{app}: {again}");
    let err = app
        .call_fn(
            &unit,
            UnitDriverRequest {
                id_number: id_number.clone(),
                name: name.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");

    // The table and the dashboard agree with the database.
    let page = app
        .call_fn(
            &unit,
            UnitDrivers {
                show: None,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(page["total"], 1, "{app}");
    let row = &page["items"][0];
    assert_eq!(row["name"], name.as_str(), "{app}");
    assert_eq!(row["standing"]["points"], 0, "{app}");
    assert!(
        !row["id_masked"]
            .as_str()
            .unwrap()
            .contains(&id_number[6..14]),
        "{app}: the number is masked"
    );
    let dashboard = app.call_fn(&unit, UnitDashboard {}).await.unwrap();
    assert_eq!(dashboard["drivers"]["bound"], 1, "{app}");
    assert_eq!(dashboard["drivers"]["points_full"], 0, "{app}");
    let full = app
        .call_fn(
            &unit,
            UnitDrivers {
                show: Some("points_full".into()),
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(full["total"], 0, "{app}");
    let csv = unit
        .get(format!("{}/unit/drivers.csv", app.base))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: transport error {e}"));
    assert_eq!(csv.status(), 200, "{app}");
    let body = csv.text().await.unwrap();
    assert_eq!(
        body.trim_end().lines().count(),
        2,
        "{app}: header + the driver"
    );
    assert!(body.contains(&name) && !body.contains(&id_number), "{app}");
}

async fn a_named_driver_takes_the_points_only_with_their_code_and_under_twelve(app: TestApp) {
    let unit = logged_in(&app, COMPANY).await;
    let (id_number, name, phone) = driver(&app).await;
    let unit_id: i64 = app
        .scalar(
            "SELECT id FROM accounts WHERE credit_code = $1",
            app.demo_login(COMPANY).0.as_str(),
        )
        .await;
    let violation = violation_with_points(&app, &unit, "DR001", 3).await;
    // The unit itself can not take points.
    let err = app
        .call_fn(
            &unit,
            HandleViolation {
                violation_id: violation,
                confirm: Some("yes".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // A driver whose licence is not bound to the unit can not be named.
    let err = app
        .call_fn(
            &unit,
            UnitNameDriverRequest {
                violation_id: violation,
                id_number: id_number.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["id_number"], "{app}: {err}");
    assert_eq!(
        sms_count(&app, &phone, "named_driver_code").await,
        0,
        "{app}"
    );

    bind(&app, &unit, &id_number, &name, &phone).await;

    // A minute later (one code a minute to a phone).
    app.clock.advance_secs(61);
    app.call_fn(
        &unit,
        UnitNameDriverRequest {
            violation_id: violation,
            id_number: id_number.clone(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: {e}"));
    let texts = app.sms_texts(&phone).await;
    let asked = texts.last().unwrap();
    assert!(
        asked.contains("冀ADR001") && asked.contains("记3分"),
        "{app}: {asked}"
    );
    let code = app.latest_code(&phone).await;
    // Without the unit's tick nothing happens, the code stays usable.
    let err = app
        .call_fn(
            &unit,
            UnitNameDriverConfirm {
                violation_id: violation,
                id_number: id_number.clone(),
                code: code.clone(),
                confirm: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["confirm"], "{app}: {err}");
    assert_eq!(licence_points(&app, &id_number).await, 0, "{app}");
    let decided = app
        .call_fn(
            &unit,
            UnitNameDriverConfirm {
                violation_id: violation,
                id_number: id_number.clone(),
                code,
                confirm: Some("yes".into()),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(decided, true, "{app}");
    let (status, handled_by, named): (String, i64, Option<String>) =
        sqlx::query_as("SELECT status, handled_by, driver_id_number FROM violations WHERE id = $1")
            .bind(violation)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), handled_by, named.as_deref()),
        ("handled_unpaid", unit_id, Some(id_number.as_str())),
        "{app}"
    );
    assert_eq!(licence_points(&app, &id_number).await, 3, "{app}");
    assert_eq!(
        sms_count(&app, &phone, "driver_took_points").await,
        1,
        "{app}"
    );

    // Nine points on the licence: three more would reach twelve, which is
    // handled at a counter; the driver is not even asked.
    sqlx::query("UPDATE driving_licences SET points = 9 WHERE id_number = $1")
        .bind(&id_number)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let second = violation_with_points(&app, &unit, "DR002", 3).await;
    let asked_before = sms_count(&app, &phone, "named_driver_code").await;
    let err = app
        .call_fn(
            &unit,
            UnitNameDriverRequest {
                violation_id: second,
                id_number: id_number.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("12分"), "{app}: {err}");
    assert_eq!(
        sms_count(&app, &phone, "named_driver_code").await,
        asked_before,
        "{app}"
    );
    let unhandled: String = app
        .scalar("SELECT status FROM violations WHERE id = $1", second)
        .await;
    assert_eq!(unhandled, "unhandled", "{app}");
    assert_eq!(licence_points(&app, &id_number).await, 9, "{app}");
}

async fn the_driver_sees_and_ends_the_binding_and_each_side_ends_only_its_own(app: TestApp) {
    let unit = logged_in(&app, COMPANY).await;
    let (id_number, name, phone) = driver(&app).await;
    bind(&app, &unit, &id_number, &name, &phone).await;
    let tie: i64 = app
        .scalar(
            "SELECT id FROM unit_drivers WHERE id_number = $1",
            id_number.as_str(),
        )
        .await;

    // Another person can not end it, nor can another unit.
    let stranger = logged_in(&app, "Online-registered individual").await;
    let none = app.call_fn(&stranger, LicenceUnitTies {}).await.unwrap();
    assert_eq!(none, serde_json::json!([]), "{app}");
    let err = app
        .call_fn(&stranger, LicenceEndUnitTie { tie_id: tie })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
    let school = logged_in(&app, "Driving school (unit)").await;
    let err = app
        .call_fn(&school, UnitDriverUnbind { driver_id: tie })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
    let bound: i64 = app
        .scalar("SELECT COUNT(*) FROM unit_drivers WHERE id = $1", tie)
        .await;
    assert_eq!(bound, 1, "{app}");

    // The driver sees the unit and ends it; the unit is told.
    let driver = logged_in(&app, DRIVER).await;
    let ties = app.call_fn(&driver, LicenceUnitTies {}).await.unwrap();
    assert_eq!(ties[0]["id"], tie, "{app}");
    let page = driver
        .get(format!("{}/account/licence", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("绑定了您驾驶证的单位"), "{app}");
    app.call_fn(&driver, LicenceEndUnitTie { tie_id: tie })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let bound: i64 = app
        .scalar("SELECT COUNT(*) FROM unit_drivers WHERE id = $1", tie)
        .await;
    assert_eq!(bound, 0, "{app}");
    let (code, _) = app.demo_login(COMPANY);
    let told: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM messages WHERE title = '驾驶人已解除驾驶证绑定'
               AND account_id = (SELECT id FROM accounts WHERE credit_code = $1)",
            code.as_str(),
        )
        .await;
    assert_eq!(told, 1, "{app}");
    let err = app
        .call_fn(&unit, UnitDriverUnbind { driver_id: tie })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
}

both_backends!(
    a_unit_binds_a_drivers_licence_only_with_the_drivers_code,
    a_named_driver_takes_the_points_only_with_their_code_and_under_twelve,
    the_driver_sees_and_ends_the_binding_and_each_side_ends_only_its_own,
);
