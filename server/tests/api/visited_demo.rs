//! The second demo platform (京, `config/beijing.toml`): it gets its own
//! small registry (its windows and the demo staff), never the 冀 demo's;
//! the visitors from 冀 get their records there (`demo::load_visitors`);
//! and its session cookie carries its own name. On both databases.

use crate::helpers::*;
use app::domain::{Date, ResidentId, Vin};
use leptos::server_fn::ServerFn;
use server::demo::{load_visitors, DemoCar, Visitor, DEMO_PASSWORD};
use sqlx::Row;

/// A platform on the 京 configuration file, with its demo data.
async fn spawn_beijing(backend: Backend) -> TestApp {
    spawn_with(backend, |config, _| {
        config.profile_path =
            Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/beijing.toml").into());
    })
    .await
}

fn id_number(region: &str, birth: (i32, u8, u8), seq: u16) -> String {
    let birth = Date::new(birth.0, birth.1, birth.2).unwrap();
    ResidentId::from_parts(region, birth, seq)
        .as_str()
        .to_string()
}

/// An online owner of 冀 with their car from home, and a person without a
/// 冀 licence whose licence was issued in 京.
fn visitors() -> [Visitor; 2] {
    [
        Visitor {
            id_number: id_number("130102", (1985, 3, 14), 231),
            name: "王建国".into(),
            phone: "13900000001".into(),
            home_car: Some(DemoCar {
                plate: "冀A12345".into(),
                vin: Vin::with_check_digit("LSVAB2BM0NN100003")
                    .unwrap()
                    .as_str()
                    .to_string(),
                owner_phone: "13900000001".into(),
            }),
            car_here: true,
            licence_here: false,
        },
        Visitor {
            id_number: id_number("130104", (1998, 11, 2), 42),
            name: "李佳怡".into(),
            phone: "13900000002".into(),
            home_car: None,
            car_here: false,
            licence_here: true,
        },
    ]
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap_or_else(|e| panic!("{app}: {sql}: {e}"))
        .get::<i64, _>(0)
}

async fn the_visited_platform_holds_its_visitors_records(app: TestApp) {
    let pool = &app.platform.store.pool;
    // Not the 冀 registry: no persons, no 冀A cars, 京's windows and staff.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM persons").await,
        0,
        "{app}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM vehicles").await,
        0,
        "{app}"
    );
    let windows = sqlx::query("SELECT address, serves FROM registration_windows ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(windows.len(), 3, "{app}");
    assert!(windows
        .iter()
        .all(|w| w.get::<String, _>("address").starts_with("北京市")));
    assert_eq!(windows[2].get::<String, _>("serves"), "unit");
    assert_eq!(app.demo.persons, 0);
    assert_eq!(app.demo_login("Administrator").0, "admin");
    assert_eq!(app.demo_login("Unit-window clerk").0, "clerk03");
    assert!(app.demo.owner_cars.is_empty() && app.demo.can_register_online.is_empty());
    assert!(
        server::load_demo_if_empty(&app.platform)
            .await
            .unwrap()
            .is_none(),
        "{app}: loaded once"
    );

    let today = app.platform.ports.clock.today();
    let [owner, learner] = visitors();
    let summary = load_visitors(pool, &visitors(), today, app.clock.now_ms())
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(summary.persons, 2);
    assert_eq!(summary.home_cars, [owner.home_car.clone().unwrap()]);
    assert_eq!(summary.cars_here.len(), 1);
    assert_eq!((summary.licences_here, summary.violations_here), (1, 3));

    let names: Vec<String> = sqlx::query("SELECT name FROM persons ORDER BY name")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("name"))
        .collect();
    assert_eq!(names.len(), 2);
    // The home car as 京 records it, with two unhandled camera records.
    let home = owner.home_car.as_ref().unwrap();
    let car = sqlx::query(
        "SELECT id, vin, owner_kind, owner_id, vehicle_type FROM vehicles WHERE plate = $1",
    )
    .bind(&home.plate)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(car.get::<String, _>("vin"), home.vin);
    assert_eq!(car.get::<String, _>("owner_kind"), "person");
    assert_eq!(car.get::<String, _>("owner_id"), owner.id_number);
    assert_eq!(car.get::<String, _>("vehicle_type"), "K33");
    let violations = |vehicle: i64| async move {
        sqlx::query(
            "SELECT fine_yuan, points, recorded_province, status, source FROM violations
             WHERE vehicle_id = $1 ORDER BY fine_yuan DESC",
        )
        .bind(vehicle)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let (province, status, source): (String, String, String) =
                (r.get(2), r.get(3), r.get(4));
            assert_eq!(
                (province.as_str(), status.as_str(), source.as_str()),
                ("京", "unhandled", "surveillance")
            );
            (r.get::<i64, _>(0), r.get::<i64, _>(1))
        })
        .collect::<Vec<_>>()
    };
    assert_eq!(violations(car.get("id")).await, [(200, 0), (100, 0)]);
    // Their car registered here, with one.
    let here = &summary.cars_here[0];
    assert!(here.plate.starts_with("京N"), "{}", here.plate);
    let car = sqlx::query(
        "SELECT id, vin, owner_id, status, inspection_due FROM vehicles WHERE plate = $1",
    )
    .bind(&here.plate)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(car.get::<String, _>("vin"), here.vin);
    assert_eq!(car.get::<String, _>("owner_id"), owner.id_number);
    assert_eq!(car.get::<String, _>("status"), "A");
    let due = Date::parse_iso(&car.get::<String, _>("inspection_due")).unwrap();
    assert!(due > today, "{app}: inspection due {due}");
    assert_eq!(violations(car.get("id")).await.len(), 1);
    // The licence issued here.
    let licence = sqlx::query(
        "SELECT class, points, status, valid_until, issuing_authority FROM driving_licences WHERE id_number = $1",
    )
    .bind(&learner.id_number)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(licence.get::<String, _>("class"), "C1");
    assert_eq!(licence.get::<i64, _>("points"), 0);
    assert_eq!(
        licence.get::<String, _>("status"),
        app::domain::LicenceStatus::Valid.code()
    );
    assert!(Date::parse_iso(&licence.get::<String, _>("valid_until")).unwrap() > today);
    assert_eq!(
        licence.get::<String, _>("issuing_authority"),
        "北京市公安局公安交通管理局"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM driving_licences").await,
        1,
        "{app}"
    );

    // The same visitors twice: refused, and nothing more is loaded.
    assert!(load_visitors(pool, &[learner], today, app.clock.now_ms())
        .await
        .is_err());
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM persons").await,
        2,
        "{app}"
    );
}

async fn the_visited_platforms_session_cookie_has_its_own_name(app: TestApp) {
    let [owner, _] = visitors();
    load_visitors(
        &app.platform.store.pool,
        &visitors(),
        app.platform.ports.clock.today(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    // An account here for the visitor, to log in with.
    sqlx::query(
        "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
         VALUES ('individual', 'online', $1, $2, $3, $4, $5, $6)",
    )
    .bind(app::domain::IndividualKind::OwnerOrDriver.code())
    .bind(&owner.id_number)
    .bind(&owner.name)
    .bind(&owner.phone)
    .bind(app.platform.hasher.hash_now(DEMO_PASSWORD).unwrap())
    .bind(app.clock.now_ms())
    .execute(&app.platform.store.pool)
    .await
    .unwrap();
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = plain
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("identifier", owner.id_number.as_str()),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let set: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let token = set
        .iter()
        .find_map(|c| c.strip_prefix("jgsid_bj="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("{app}: no jgsid_bj cookie in {set:?}"));
    assert!(!set.iter().any(|c| c.starts_with("jgsid=")), "{set:?}");
    // Only by its own name does the cookie open the session.
    let me = |cookie: String| {
        let plain = plain.clone();
        let url = format!(
            "{}{}",
            app.base,
            app::features::accounts::api::MyAccount::PATH
        );
        async move {
            plain
                .post(url)
                .header("sec-fetch-site", "same-origin")
                .header("accept", "application/json")
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let mine = me(format!("jgsid_bj={token}")).await;
    assert!(mine.contains(&owner.name), "{app}: {mine}");
    assert_eq!(me(format!("jgsid={token}")).await, "null", "{app}");
}

both_backends!(start = crate::visited_demo::spawn_beijing; the_visited_platform_holds_its_visitors_records, the_visited_platforms_session_cookie_has_its_own_name);
