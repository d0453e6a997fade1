//! What the demo data prints and writes (演示数据输出): the demo logins on
//! the terminal; the demo identities as JSON (`DEMO_SUMMARY_JSON`) for the
//! browser tests and for the second platform of the two-platform demo
//! (`make run-roaming`), which reads the visitors (漫游用户) back from it
//! (`DEMO_VISITORS_JSON`).

use crate::demo::{DemoLogin, DemoSize, DemoSummary, VisitedSummary, Visitor};
use crate::{load_demo_sized, Platform};
use app::domain::totp::TotpKey;

/// A setting naming a file, when set.
fn file_setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Loads the demo data into an empty database and shows it: the demo
/// registry (written to `DEMO_SUMMARY_JSON` when set), or on a platform of
/// another province the visited demo with the visitors the home demo's
/// summary names (`DEMO_VISITORS_JSON`).
pub(super) async fn load_and_show(platform: &Platform, size: DemoSize) -> Result<(), String> {
    let Some(s) = load_demo_sized(platform, size).await? else {
        println!("demo data already present");
        return Ok(());
    };
    let profile = &platform.ports.profile;
    if profile.home_province() == crate::demo::HOME_PROVINCE {
        if let Some(path) = file_setting("DEMO_SUMMARY_JSON") {
            write_demo_json(platform, &s, &path).await?;
        }
        print_demo(&s);
        return Ok(());
    }
    let (home, visitors, loaded) = match file_setting("DEMO_VISITORS_JSON") {
        Some(path) => load_visitors_from(platform, &path).await?,
        None => (String::new(), Vec::new(), VisitedSummary::default()),
    };
    if let Some(path) = file_setting("DEMO_SUMMARY_JSON") {
        write_visited_json(platform, &s, &visitors, &loaded, &path)?;
    }
    println!(
        "visited demo loaded ({} {}): {} registration windows and the demo staff",
        profile.home_province(),
        profile.province.name_zh,
        crate::demo::visited::WINDOW_COUNT
    );
    print_logins(&s.logins);
    print_visitors(&home, &visitors, &loaded);
    Ok(())
}

/// Reads the home demo's summary and loads its visitors; answers the home
/// province, the visitors and what was loaded.
async fn load_visitors_from(
    platform: &Platform,
    path: &str,
) -> Result<(String, Vec<Visitor>, VisitedSummary), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read DEMO_VISITORS_JSON {path}: {e}"))?;
    let summary: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("DEMO_VISITORS_JSON {path} is not JSON: {e}"))?;
    let visitors = crate::demo::visitors_from_home_summary(&summary)
        .map_err(|e| format!("DEMO_VISITORS_JSON {path}: {e}"))?;
    let clock = &platform.ports.clock;
    let loaded = crate::demo::load_visitors(
        &platform.store.pool,
        &visitors,
        clock.today(),
        clock.now_ms(),
    )
    .await
    .map_err(|e| format!("loading the visitors of {path}: {e}"))?;
    let home = summary["province"].as_str().unwrap_or("home").to_string();
    Ok((home, visitors, loaded))
}

/// Each visitor with what they have here, in the order of the visitors.
fn visitor_lines(visitors: &[Visitor], loaded: &VisitedSummary) -> Vec<String> {
    let mut cars_here = loaded.cars_here.iter();
    visitors
        .iter()
        .map(|v| {
            let mut has = Vec::new();
            if let Some(car) = &v.home_car {
                has.push(format!("home car {} caught here (2 violations)", car.plate));
            }
            if let Some(car) = v.car_here.then(|| cars_here.next()).flatten() {
                has.push(format!("car here {} (1 violation)", car.plate));
            }
            if v.licence_here {
                has.push("driving licence issued here".to_string());
            }
            format!(
                "{}  {}  {}  {}",
                v.id_number,
                v.name,
                v.phone,
                has.join("; ")
            )
        })
        .collect()
}

fn print_visitors(home: &str, visitors: &[Visitor], loaded: &VisitedSummary) {
    if visitors.is_empty() {
        println!("no visitors (DEMO_VISITORS_JSON names the home demo's summary)");
        return;
    }
    println!(
        "visitors (漫游用户), registered on the {home} platform, where they log in with their ID number and the password {}:",
        crate::demo::DEMO_PASSWORD
    );
    for line in visitor_lines(visitors, loaded) {
        println!("  {line}");
    }
    println!();
}

/// The visited demo's identities: its staff logins and its visitors.
fn write_visited_json(
    platform: &Platform,
    s: &DemoSummary,
    visitors: &[Visitor],
    loaded: &VisitedSummary,
    path: &str,
) -> Result<(), String> {
    let mut cars_here = loaded.cars_here.iter();
    let visitors: Vec<serde_json::Value> = visitors
        .iter()
        .map(|v| {
            serde_json::json!({
                "id_number": v.id_number,
                "name": v.name,
                "phone": v.phone,
                "home_car": v.home_car,
                "car_here": v.car_here.then(|| cars_here.next()).flatten(),
                "licence_here": v.licence_here,
            })
        })
        .collect();
    let json = serde_json::json!({
        "province": platform.ports.profile.home_province(),
        "logins": logins_json(&s.logins),
        "visitors": visitors,
    });
    write_json(path, &json)
}

fn logins_json(logins: &[DemoLogin]) -> Vec<serde_json::Value> {
    logins
        .iter()
        .map(|l| {
            serde_json::json!({
                "role_zh": l.role_zh, "role_en": l.role_en, "login": l.login, "password": l.password,
                "totp_key": l.totp_key, "operator": l.operator, "name": l.name,
            })
        })
        .collect()
}

fn write_json(path: &str, json: &serde_json::Value) -> Result<(), String> {
    std::fs::write(path, serde_json::to_string_pretty(json).unwrap_or_default())
        .map_err(|e| format!("writing {path}: {e}"))
}

fn print_logins(logins: &[DemoLogin]) {
    println!("demo logins (login  /  password):");
    for login in logins {
        // An operator logs in on /login/operator with the unit's code and
        // the login name.
        let who = match &login.operator {
            Some(name) => format!("{} + {name} (/login/operator)", login.login),
            None => login.login.clone(),
        };
        println!(
            "  {:<28} {:<22} {}  /  {}",
            login.role_zh, login.role_en, who, login.password
        );
    }
    println!(
        "demo staff log in with a second factor: add the key {} to an authenticator app (time-based, 6 digits, 30 s)",
        TotpKey::from_bytes(crate::demo::DEMO_TOTP_KEY).grouped()
    );
}

fn print_demo(s: &DemoSummary) {
    println!(
        "demo registry loaded: {} persons, {} organisations, {} vehicles, {} licences, {} violations",
        s.persons, s.organisations, s.vehicles, s.licences, s.violations
    );
    print_logins(&s.logins);
    println!("try online registration with (ID number, name, phone on record):");
    for (id, name, phone) in s.can_register_online.iter().take(3) {
        println!("  {id}  {name}  {phone}");
    }
}

/// Writes the demo identities for the browser tests, and for the second
/// platform of the two-platform demo (`without_licence`: the demo
/// individuals holding no licence here, with their phones on record).
async fn write_demo_json(platform: &Platform, s: &DemoSummary, path: &str) -> Result<(), String> {
    use sqlx::Row;
    let clerk: String = sqlx::query(
        "SELECT a.staff_username FROM accounts a JOIN registration_windows w ON w.id = a.window_id
         WHERE a.kind = 'staff' AND w.serves = 'unit' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(&platform.store.pool)
    .await
    .and_then(|r| r.try_get("staff_username"))
    .map_err(|e| format!("finding the unit-window clerk: {e}"))?;
    // The online owner's small car (with camera-recorded violations), for
    // the binding and fine journeys.
    let owner = s
        .logins
        .iter()
        .find(|l| l.role_en.starts_with("Online-registered individual"))
        .map(|l| l.login.clone())
        .unwrap_or_default();
    let car = sqlx::query(
        "SELECT plate, vin, phone FROM vehicles WHERE owner_id = $1 AND vehicle_type = 'K33' ORDER BY id LIMIT 1",
    )
    .bind(&owner)
    .fetch_one(&platform.store.pool)
    .await
    .map_err(|e| format!("finding the demo car: {e}"))?;
    let car = serde_json::json!({
        "plate": car.try_get::<String, _>("plate").unwrap_or_default(),
        "vin": car.try_get::<String, _>("vin").unwrap_or_default(),
        "owner_phone": car.try_get::<String, _>("phone").unwrap_or_default(),
    });
    // The new-car owners' new cars (not yet registered), for the dealer's
    // temporary-plate journey: the VIN and the buyer's phone on record.
    let mut new_cars = Vec::new();
    for l in s
        .logins
        .iter()
        .filter(|l| l.role_en.starts_with("New-car owner"))
    {
        let car = sqlx::query(
            "SELECT v.vin, p.phone FROM vehicles v JOIN persons p ON p.id_number = v.owner_id
             WHERE v.owner_kind = 'person' AND v.owner_id = $1 AND v.plate IS NULL ORDER BY v.id LIMIT 1",
        )
        .bind(&l.login)
        .fetch_one(&platform.store.pool)
        .await
        .map_err(|e| format!("finding the new car of {}: {e}", l.role_en))?;
        new_cars.push(serde_json::json!({
            "owner": l.login,
            "vin": car.try_get::<String, _>("vin").unwrap_or_default(),
            "owner_phone": car.try_get::<String, _>("phone").unwrap_or_default(),
        }));
    }
    // People with a learner's permit and no account, two per browser
    // project: the driving school's journey on its page, and through its API.
    let learners_to_enter: Vec<serde_json::Value> = sqlx::query(
        "SELECT p.id_number, p.name, p.phone FROM persons p
         JOIN learner_records l ON l.id_number = p.id_number
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id_number = p.id_number)
         ORDER BY p.id_number LIMIT 4",
    )
    .fetch_all(&platform.store.pool)
    .await
    .map_err(|e| format!("finding learners without accounts: {e}"))?
    .iter()
    .map(|r| {
        serde_json::json!({
            "id_number": r.try_get::<String, _>("id_number").unwrap_or_default(),
            "name": r.try_get::<String, _>("name").unwrap_or_default(),
            "phone": r.try_get::<String, _>("phone").unwrap_or_default(),
        })
    })
    .collect();
    let without_licence: Vec<serde_json::Value> = sqlx::query(
        "SELECT a.id_number, a.display_name, a.phone FROM accounts a
         WHERE a.kind = 'individual' AND a.id_number IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM driving_licences l WHERE l.id_number = a.id_number)
         ORDER BY a.id",
    )
    .fetch_all(&platform.store.pool)
    .await
    .map_err(|e| format!("finding the demo individuals without a licence: {e}"))?
    .iter()
    .filter_map(|r| {
        let login: String = r.try_get("id_number").ok()?;
        let role_en = s
            .logins
            .iter()
            .find(|l| l.login == login)
            .map(|l| l.role_en)?;
        Some(serde_json::json!({
            "login": login,
            "role_en": role_en,
            "name": r.try_get::<String, _>("display_name").unwrap_or_default(),
            "phone": r.try_get::<String, _>("phone").unwrap_or_default(),
        }))
    })
    .collect();
    let password = s
        .logins
        .first()
        .map(|l| l.password.clone())
        .unwrap_or_default();
    let json = serde_json::json!({
        "province": platform.ports.profile.home_province(),
        "logins": logins_json(&s.logins),
        "can_register_online": s.can_register_online,
        "clerk_unit_window": { "login": clerk, "password": password, "totp_key": TotpKey::from_bytes(crate::demo::DEMO_TOTP_KEY).to_base32() },
        "owner_car": car,
        "owner_cars": s.owner_cars,
        "new_cars": new_cars,
        "learners_to_enter": learners_to_enter,
        "fleet_drivers_not_bound": s.fleet_drivers_not_bound,
        "fleet_drivers_bound": s.fleet_drivers_bound,
        "without_licence": without_licence,
    });
    write_json(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoCar;

    #[test]
    fn each_visitor_is_shown_with_what_they_have_here() {
        let car = |plate: &str| DemoCar {
            plate: plate.into(),
            vin: "V".into(),
            owner_phone: "13900000001".into(),
        };
        let visitors = [
            Visitor {
                id_number: "1".into(),
                name: "王伟".into(),
                phone: "13900000001".into(),
                home_car: Some(car("冀A12345")),
                car_here: true,
                licence_here: false,
            },
            Visitor {
                id_number: "2".into(),
                name: "李娜".into(),
                phone: "13900000002".into(),
                home_car: None,
                car_here: false,
                licence_here: true,
            },
        ];
        let loaded = VisitedSummary {
            cars_here: vec![car("京N54321")],
            ..Default::default()
        };
        assert_eq!(
            visitor_lines(&visitors, &loaded),
            [
                "1  王伟  13900000001  home car 冀A12345 caught here (2 violations); car here 京N54321 (1 violation)",
                "2  李娜  13900000002  driving licence issued here",
            ]
        );
    }
}
