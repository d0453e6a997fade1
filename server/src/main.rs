//! The platform binary.
//!
//! ```text
//! server                     serve (migrates; loads demo data when empty if DEMO_DATA=1)
//! server migrate             apply migrations and exit
//! server demo                load the demo registry into an empty database
//! server create-staff USERNAME ROLE NAME [WINDOW_ID]
//!                            create an administrator (ROLE=admin) or a clerk
//!                            (ROLE=clerk); the password is read from
//!                            STAFF_PASSWORD or standard input
//! server load-plates CITY COUNT
//!                            add COUNT unissued numbers (withheld series
//!                            skipped) to a city's plate pool, e.g. 冀A
//! server add-exam-session CENTRE_ID SUBJECT DAY PERIOD CAPACITY
//!                            add a driving-test session (booking closes two
//!                            days before at 17:00 Beijing time)
//! ```

use app::domain::{Password, StaffRole};
use server::{load_demo_if_empty, prepare, serve, Config};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(message) = run(args).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Vec<String>) -> Result<(), String> {
    let config = Config::from_env();
    let platform = prepare(&config).await?;
    match args.first().map(String::as_str) {
        None | Some("serve") => {
            if std::env::var("DEMO_DATA").is_ok_and(|v| v == "1") {
                let summary = load_demo_if_empty(&platform).await?;
                if let (Some(s), Ok(path)) = (&summary, std::env::var("DEMO_SUMMARY_JSON")) {
                    write_demo_json(&platform, s, &path).await?;
                }
                print_demo(summary);
            }
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
            println!(
                "互联网交通安全综合服务管理平台 listening on http://{}",
                config.addr
            );
            serve(listener, &config, &platform)
                .await
                .map_err(|e| format!("server stopped: {e}"))
        }
        Some("migrate") => {
            println!("migrations applied");
            Ok(())
        }
        Some("load-plates") => {
            let city = args.get(1).ok_or("missing CITY (e.g. 冀A)")?;
            let count: usize = args
                .get(2)
                .and_then(|c| c.parse().ok())
                .ok_or("COUNT must be a number")?;
            let seed = server::clock::unix_ms() as u64;
            let added = server::load_plate_pool(&platform, city, count, seed).await?;
            println!("{added} numbers added to the {city} pool");
            Ok(())
        }
        Some("add-exam-session") => {
            // add-exam-session CENTRE_ID SUBJECT(1-4) DAY(YYYY-MM-DD) PERIOD CAPACITY
            // Booking closes two days before the test at 17:00 Beijing time.
            let arg = |i: usize, what: &str| args.get(i).cloned().ok_or(format!("missing {what}"));
            let centre: i64 = arg(1, "CENTRE_ID")?
                .parse()
                .map_err(|_| "CENTRE_ID must be a number")?;
            let subject = arg(2, "SUBJECT")?;
            if app::domain::exam::Subject::from_code(&subject).is_none() {
                return Err("SUBJECT must be 1, 2, 3 or 4".into());
            }
            let day =
                app::domain::Date::parse_iso(&arg(3, "DAY")?).ok_or("DAY must be YYYY-MM-DD")?;
            let period = arg(4, "PERIOD")?;
            let capacity: i64 = arg(5, "CAPACITY")?
                .parse()
                .map_err(|_| "CAPACITY must be a number")?;
            let closes = (day.add_days(-2).days_since_epoch() * 86_400 + 9 * 3600) * 1000;
            sqlx::query("INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(centre)
                .bind(&subject)
                .bind(day.to_iso())
                .bind(&period)
                .bind(capacity)
                .bind(closes)
                .execute(&platform.store.pool)
                .await
                .map_err(|e| format!("adding the session: {e}"))?;
            println!("session added: centre {centre}, subject {subject}, {day} {period}, {capacity} seats");
            Ok(())
        }
        Some("demo") => {
            print_demo(load_demo_if_empty(&platform).await?);
            Ok(())
        }
        Some("create-staff") => {
            let username = args.get(1).ok_or("missing USERNAME")?.to_ascii_lowercase();
            let role = args
                .get(2)
                .and_then(|r| StaffRole::from_code(r))
                .ok_or("ROLE must be admin or clerk")?;
            let name = args.get(3).ok_or("missing NAME")?;
            let window = match args.get(4) {
                Some(w) => Some(w.parse::<i64>().map_err(|_| "WINDOW_ID must be a number")?),
                None => None,
            };
            let password = match std::env::var("STAFF_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| e.to_string())?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let password = Password::parse(&password).map_err(|e| {
                use app::domain::Rule;
                e.en()
            })?;
            let hash = platform.hasher.hash_now(password.expose())?;
            let id =
                server::store::create_staff(&platform.store, &username, name, role, window, &hash)
                    .await
                    .map_err(|e| e.to_string())?;
            println!("created {} account {username} (id {id})", role.code());
            Ok(())
        }
        Some(other) => Err(format!(
            "unknown command {other}; see the doc comment in server/src/main.rs"
        )),
    }
}

fn print_demo(summary: Option<server::demo::DemoSummary>) {
    let Some(s) = summary else {
        println!("demo data already present");
        return;
    };
    println!(
        "demo registry loaded: {} persons, {} organisations, {} vehicles, {} licences, {} violations",
        s.persons, s.organisations, s.vehicles, s.licences, s.violations
    );
    println!("demo logins (login  /  password):");
    for login in &s.logins {
        println!(
            "  {:<28} {:<22} {}  /  {}",
            login.role_zh, login.role_en, login.login, login.password
        );
    }
    println!("try online registration with (ID number, name, phone on record):");
    for (id, name, phone) in s.can_register_online.iter().take(3) {
        println!("  {id}  {name}  {phone}");
    }
}

/// Writes the demo identities for the browser tests.
async fn write_demo_json(
    platform: &server::Platform,
    s: &server::demo::DemoSummary,
    path: &str,
) -> Result<(), String> {
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
    let password = s
        .logins
        .first()
        .map(|l| l.password.clone())
        .unwrap_or_default();
    let json = serde_json::json!({
        "logins": s.logins.iter().map(|l| serde_json::json!({
            "role_zh": l.role_zh, "role_en": l.role_en, "login": l.login, "password": l.password,
        })).collect::<Vec<_>>(),
        "can_register_online": s.can_register_online,
        "clerk_unit_window": { "login": clerk, "password": password },
        "owner_car": car,
    });
    std::fs::write(
        path,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| format!("writing {path}: {e}"))
}
