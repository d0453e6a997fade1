//! The unit dashboard on both databases (单位用户工作台): a unit sees every
//! vehicle registered to its code, binds a selection or all of them and
//! unbinds; filters, pages and the CSV export agree with the database; a
//! unit handles only violations without points; the services of persons
//! are refused to units, and the unit's own to everyone else.

use crate::helpers::*;
use app::features::applications::api::ApplicationsOverview;
use app::features::bindings::api::{LicenceOverview, MyVehicles};
use app::features::exams::api::MyExams;
use app::features::fines::api::HandleViolation;
use app::features::photos::api::LicencePhotoStatus;
use app::features::supervision::api::MyBlacklist;
use app::features::units::api::{
    UnitBindVehicles, UnitDashboard, UnitUnbindVehicles, UnitVehicles, UnitViolations,
};
use leptos::server_fn::ServerFn;
use sqlx::Row;

const COMPANY: &str = "Road transport company (unit)";

/// The unit's account id and credit code.
async fn unit(app: &TestApp) -> (i64, String) {
    let (code, _) = app.demo_login(COMPANY);
    let id: i64 = app
        .scalar(
            "SELECT id FROM accounts WHERE credit_code = $1",
            code.as_str(),
        )
        .await;
    (id, code)
}

/// Registers `n` more vehicles to the unit (every fifth without a plate
/// yet; small vans, inspection due in 10 days for the first ten); answers
/// their ids.
async fn more_vehicles(app: &TestApp, code: &str, n: usize, tag: &str) -> Vec<i64> {
    let pool = &app.platform.store.pool;
    let soon = app.platform.ports.clock.today().add_days(10).to_iso();
    let later = app.platform.ports.clock.today().add_days(200).to_iso();
    for i in 0..n {
        let plate = (i % 5 != 4).then(|| format!("冀A{tag}{i:04}"));
        sqlx::query(
            "INSERT INTO vehicles (plate, vin, vehicle_type, brand, colour, owner_kind, owner_id, status, registered_on, inspection_due, phone)
             VALUES ($1, $2, 'H31', $3, '白', 'organisation', $4, 'A', '2020-01-01', $5, '13900000000')",
        )
        .bind(plate)
        .bind(format!("LTEST{tag}{i:011}"))
        .bind(if i == 0 { "=HYPERLINK(\"http://x\",\"y\")" } else { "福田" })
        .bind(code)
        .bind(if i < 10 { &soon } else { &later })
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("SELECT id FROM vehicles WHERE vin LIKE $1 ORDER BY id")
        .bind(format!("LTEST{tag}%"))
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id"))
        .collect()
}

fn vehicles(args: &[(&str, &str)]) -> UnitVehicles {
    let get = |k: &str| {
        args.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    };
    UnitVehicles {
        plate: get("plate"),
        binding: get("binding"),
        due: get("due"),
        violations: get("violations"),
        sort: get("sort"),
        page: get("page"),
    }
}

/// Binds (or with `all`, binds every vehicle not bound) as the browser's
/// form posts it: one `vehicle_ids[]` pair per vehicle ticked.
async fn bind(app: &TestApp, client: &reqwest::Client, ids: &[i64], all: bool) -> Answer {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut form: Vec<(&str, &str)> = ids
        .iter()
        .map(|id| ("vehicle_ids[]", id.as_str()))
        .collect();
    if all {
        form.push(("all", "1"));
    }
    let endpoint = UnitBindVehicles::PATH.trim_start_matches("/api/");
    app.call_with(client, endpoint, &form).await
}

/// Unbinds the vehicles ticked.
async fn unbind(app: &TestApp, client: &reqwest::Client, ids: &[i64]) -> Answer {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let form: Vec<(&str, &str)> = ids
        .iter()
        .map(|id| ("vehicle_ids[]", id.as_str()))
        .collect();
    let endpoint = UnitUnbindVehicles::PATH.trim_start_matches("/api/");
    app.call_with(client, endpoint, &form).await
}

async fn bound_in_db(app: &TestApp, account_id: i64) -> i64 {
    app.scalar(
        "SELECT COUNT(*) FROM vehicle_bindings WHERE account_id = $1",
        account_id,
    )
    .await
}

async fn a_unit_binds_a_selection_or_all_and_the_tables_agree_with_the_database(app: TestApp) {
    let client = logged_in(&app, COMPANY).await;
    let (account_id, code) = unit(&app).await;
    let added = more_vehicles(&app, &code, 60, "U").await;
    let registered: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM vehicles WHERE owner_kind = 'organisation' AND owner_id = $1",
            code.as_str(),
        )
        .await;
    let plated: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM vehicles WHERE owner_kind = 'organisation' AND owner_id = $1 AND plate IS NOT NULL",
            code.as_str(),
        )
        .await;

    let dashboard = app.call_fn(&client, UnitDashboard {}).await.unwrap();
    assert_eq!(dashboard["counts"]["registered"], registered, "{app}");
    assert_eq!(dashboard["counts"]["bound"], 0, "{app}");
    assert_eq!(dashboard["counts"]["bindable"], plated, "{app}");

    // 50 a page; the second page holds the rest.
    let first = app.call_fn(&client, vehicles(&[])).await.unwrap();
    assert_eq!(first["total"], registered, "{app}");
    assert_eq!(first["items"].as_array().unwrap().len(), 50, "{app}");
    let second = app
        .call_fn(&client, vehicles(&[("page", "2")]))
        .await
        .unwrap();
    assert_eq!(
        second["items"].as_array().unwrap().len() as i64,
        registered - 50,
        "{app}"
    );

    // A selection: two of the unit's, one without a plate, one of someone else's.
    let stranger = app
        .count("SELECT MIN(id) FROM vehicles WHERE owner_kind = 'person' AND plate IS NOT NULL")
        .await;
    let unplated = added[4];
    let n = bind(
        &app,
        &client,
        &[added[0], added[1], unplated, stranger],
        false,
    )
    .await
    .unwrap();
    assert_eq!(n, 2, "{app}");
    assert_eq!(bound_in_db(&app, account_id).await, 2, "{app}");
    let bound_ids: Vec<i64> = sqlx::query(
        "SELECT vehicle_id FROM vehicle_bindings WHERE account_id = $1 AND own = 1 ORDER BY vehicle_id",
    )
    .bind(account_id)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("vehicle_id"))
    .collect();
    assert_eq!(bound_ids, vec![added[0], added[1]], "{app}");

    // The same again: nothing to bind, said so, nothing changed.
    let again = bind(&app, &client, &[added[0], stranger], false)
        .await
        .unwrap_err();
    assert_eq!(kind(&again), "Conflict", "{app}: {again}");
    assert_eq!(bound_in_db(&app, account_id).await, 2, "{app}");

    // All: every plated vehicle of the unit not bound yet.
    let n = bind(&app, &client, &[], true).await.unwrap();
    assert_eq!(n, plated - 2, "{app}");
    assert_eq!(bound_in_db(&app, account_id).await, plated, "{app}");
    let entries: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'vehicle.bind' AND actor_account_id = $1",
            account_id,
        )
        .await;
    assert_eq!(entries, 2, "{app}: one audit entry per bind");

    // Unbind two; the filters see it.
    let n = unbind(&app, &client, &[added[0], added[1], stranger])
        .await
        .unwrap();
    assert_eq!(n, 2, "{app}");
    assert_eq!(bound_in_db(&app, account_id).await, plated - 2, "{app}");
    let unbound = app
        .call_fn(&client, vehicles(&[("binding", "unbound")]))
        .await
        .unwrap();
    assert_eq!(unbound["total"], registered - plated + 2, "{app}");
    let found = app
        .call_fn(&client, vehicles(&[("plate", "ａu000")]))
        .await
        .unwrap();
    // 冀AU0000 … 冀AU0009 but the unplated 0004 and 0009.
    assert_eq!(found["total"], 8, "{app}: {found}");
    let due = app
        .call_fn(&client, vehicles(&[("due", "1"), ("binding", "bound")]))
        .await
        .unwrap();
    let due_in_db: i64 = sqlx::query(
        "SELECT COUNT(*) FROM vehicles v JOIN vehicle_bindings b ON b.vehicle_id = v.id
         WHERE b.account_id = $1 AND v.inspection_due <= $2",
    )
    .bind(account_id)
    .bind(app.platform.ports.clock.today().add_days(30).to_iso())
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(due["total"], due_in_db, "{app}");
    let dashboard = app.call_fn(&client, UnitDashboard {}).await.unwrap();
    assert_eq!(dashboard["counts"]["inspections_soon"], due_in_db, "{app}");
    assert_eq!(dashboard["counts"]["bound"], plated - 2, "{app}");
}

async fn a_unit_handles_violations_without_points_and_leaves_points_to_the_driver(app: TestApp) {
    let client = logged_in(&app, COMPANY).await;
    let (account_id, code) = unit(&app).await;
    let ids = more_vehicles(&app, &code, 2, "V").await;
    bind(&app, &client, &ids, false).await.unwrap();
    let now = app.platform.ports.clock.now_ms();
    for (code_no, fine, points) in [("1039", 100, 0), ("1352", 200, 3)] {
        sqlx::query(
            "INSERT INTO violations (vehicle_id, plate, occurred_at, place, recorded_province, code, description, fine_yuan, points, status, source)
             VALUES ($1, '冀AV0000', $2, '石家庄市中华大街', '冀', $3, '测试违法', $4, $5, 'unhandled', 'surveillance')",
        )
        .bind(ids[0])
        .bind(now - 86_400_000)
        .bind(code_no)
        .bind(fine)
        .bind(points)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    }
    let counts = app.call_fn(&client, UnitDashboard {}).await.unwrap()["counts"].clone();
    assert_eq!(
        (
            &counts["violations_unhandled"],
            &counts["violations_with_points"],
            &counts["violations_online"],
        ),
        (&2.into(), &1.into(), &1.into()),
        "{app}: {counts}"
    );
    let with_points = app
        .call_fn(
            &client,
            UnitViolations {
                plate: Some("冀AV".into()),
                status: Some("unhandled".into()),
                points: Some("with".into()),
                order: None,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(with_points["total"], 1, "{app}");
    let pointed = with_points["items"][0]["id"].as_i64().unwrap();
    let refusal = app
        .call_fn(
            &client,
            HandleViolation {
                violation_id: pointed,
                confirm: Some("yes".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal,
        refused(app::domain::fleet::unit_may_handle(3).unwrap_err()),
        "{app}"
    );
    let status: String = app
        .scalar("SELECT status FROM violations WHERE id = $1", pointed)
        .await;
    assert_eq!(status, "unhandled", "{app}");

    let without = app.scalar::<i64, _>(
        "SELECT id FROM violations WHERE vehicle_id = $1 AND points = 0",
        ids[0],
    );
    let without = without.await;
    app.call_fn(
        &client,
        HandleViolation {
            violation_id: without,
            confirm: Some("yes".into()),
        },
    )
    .await
    .expect("a fine without points is the unit's to handle");
    let (status, handled_by): (String, i64) =
        sqlx::query_as("SELECT status, handled_by FROM violations WHERE id = $1")
            .bind(without)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), handled_by),
        ("handled_unpaid", account_id),
        "{app}"
    );
    let dashboard = app.call_fn(&client, UnitDashboard {}).await.unwrap();
    assert_eq!(dashboard["counts"]["fines_due"], 1, "{app}");
    assert_eq!(dashboard["counts"]["fines_due_yuan"], 100, "{app}");
}

async fn the_export_streams_every_row_as_spreadsheets_read_it(app: TestApp) {
    let client = logged_in(&app, COMPANY).await;
    let (_, code) = unit(&app).await;
    // More than one chunk of 500.
    more_vehicles(&app, &code, 620, "X").await;
    let registered: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM vehicles WHERE owner_kind = 'organisation' AND owner_id = $1",
            code.as_str(),
        )
        .await;
    let response = client
        .get(format!("{}/unit/vehicles.csv", app.base))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: transport error {e}"));
    assert_eq!(response.status(), 200, "{app}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8", "{app}");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"),
        "{app}"
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "{app}: the byte-order mark");
    let lines: Vec<&str> = body.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(
        lines.len() as i64,
        registered + 1,
        "{app}: header + every vehicle"
    );
    assert!(lines[0].contains("号牌号码"), "{app}");
    assert!(
        body.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{app}: a formula stays text"
    );
    // Compressed as browsers ask for it, the stream still ends cleanly (the
    // compression layer asks the stream again after its end).
    for encoding in ["br", "gzip"] {
        let compressed = client
            .get(format!("{}/unit/vehicles.csv", app.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{app}: transport error {e}"));
        assert_eq!(compressed.headers()["content-encoding"], encoding, "{app}");
        let bytes = compressed.bytes().await;
        assert!(
            bytes.is_ok_and(|b| !b.is_empty()),
            "{app}: {encoding} body read to its end"
        );
    }
    // Filtered as on the page.
    let filtered = client
        .get(format!("{}/unit/vehicles.csv?plate=AX00", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // 冀AX0000 … 冀AX0099, every fifth unplated.
    assert_eq!(filtered.trim_end().lines().count(), 1 + 80, "{app}");

    // Only the unit: a visitor logs in first (and comes back to the table
    // the export was asked from), a person is refused.
    let anonymous = new_client()
        .get(format!("{}/unit/violations.csv?status=unhandled", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303, "{app}");
    let to = anonymous.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        to == "/login?next=%2Funit%2Fviolations%3Fstatus%3Dunhandled",
        "{app}: {to}"
    );
    let person = logged_in(&app, "Online-registered individual").await;
    let refused = person
        .get(format!("{}/unit/vehicles.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "{app}");
}

async fn units_get_no_service_of_persons_and_persons_no_dashboard(app: TestApp) {
    let client = logged_in(&app, COMPANY).await;
    let persons_only = app::features::accounts::session::individuals_only();
    let persons_only = serde_json::to_value(persons_only).unwrap();
    let answers = [
        app.call_fn(&client, MyVehicles {}).await,
        app.call_fn(&client, LicenceOverview {}).await,
        app.call_fn(&client, MyExams { page: None }).await,
        app.call_fn(&client, ApplicationsOverview { page: None })
            .await,
        app.call_fn(&client, LicencePhotoStatus {}).await,
        app.call_fn(&client, MyBlacklist {}).await,
    ];
    for answer in answers {
        assert_eq!(answer.unwrap_err(), persons_only, "{app}");
    }
    // Their pages send the unit to its own.
    for (asked, to) in [
        ("/account", "/unit"),
        ("/account/vehicles", "/unit/vehicles"),
        ("/account/violations", "/unit/violations"),
        ("/account/licence", "/unit/drivers"),
        ("/account/exams", "/unit"),
    ] {
        let page = client
            .get(format!("{}{asked}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 303, "{app}: {asked}");
        assert_eq!(page.headers()["location"], to, "{app}: {asked}");
    }
    let home = client
        .get(format!("{}/unit", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200, "{app}");
    let html = home.text().await.unwrap();
    assert!(
        html.contains("单位用户工作台") && !html.contains("我的驾驶证"),
        "{app}"
    );

    let person = logged_in(&app, "Window-registered individual").await;
    let err = app.call_fn(&person, UnitDashboard {}).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let page = person
        .get(format!("{}/unit", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["location"], "/account", "{app}");
}

both_backends!(
    a_unit_binds_a_selection_or_all_and_the_tables_agree_with_the_database,
    a_unit_handles_violations_without_points_and_leaves_points_to_the_driver,
    the_export_streams_every_row_as_spreadsheets_read_it,
    units_get_no_service_of_persons_and_persons_no_dashboard,
);
