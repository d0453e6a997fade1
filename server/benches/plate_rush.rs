//! Contention benchmark for plate pre-selection (号牌预选抢号).
//!
//! Starts the real app (release build, `cargo bench`) on a fresh database,
//! registers N new-car owners with one new car each and a pool of P
//! numbers, then fires every owner at once through the real server-function
//! endpoints: hold a random number (`/api/plates/custom`), retrying another
//! when it is taken, then confirm it (`/api/plates/confirm`). Afterwards it
//! audits the database: no number with two owners, no vehicle with two
//! numbers, never more confirmed numbers than the pool.
//!
//! ```sh
//! cargo bench -p server --bench plate_rush                      # SQLite, 2000 owners, 500 numbers
//! BENCH_DATABASE=postgres cargo bench -p server --bench plate_rush
//! PLATE_RUSH_USERS=5000 PLATE_RUSH_PLATES=1000 cargo bench -p server --bench plate_rush
//! ```

use server::{prepare, Config};
use sqlx::Row;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a small
    // smoke round of the same code (with its audit).
    let measuring = std::env::args().any(|a| a == "--bench");
    let users = env_num("PLATE_RUSH_USERS", if measuring { 2000 } else { 120 });
    let plates = env_num("PLATE_RUSH_PLATES", if measuring { 500 } else { 30 });
    let in_flight = env_num("PLATE_RUSH_CONNECTIONS", 32);
    let backend = std::env::var("BENCH_DATABASE").unwrap_or_else(|_| "sqlite".into());
    let stamp = std::process::id();
    let (url, cleanup) = match backend.as_str() {
        "postgres" => {
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("PostgreSQL reachable");
            let name = format!("plate_rush_{stamp}");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .unwrap();
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            (format!("{base}/{name}"), Some((admin, name)))
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("plate_rush_{stamp}"));
            std::fs::create_dir_all(&dir).unwrap();
            (format!("sqlite://{}/bench.db", dir.display()), None)
        }
    };

    let mut config = Config::from_env();
    config.database_url = url;
    config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config.fast_hashing = true;
    config.sweep_every = None;
    config.max_connections = if backend == "postgres" { 32 } else { 8 };
    let platform = prepare(&config).await.expect("prepare");
    let tokens = seed(&platform.store.pool, users, plates).await;

    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve_platform = platform.clone();
    let serve_config = config.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, &serve_config, &serve_platform).await;
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight)
        .build()
        .unwrap();
    let pool_plates: Arc<Vec<String>> = Arc::new(
        sqlx::query("SELECT plate FROM plate_pool ORDER BY plate")
            .fetch_all(&platform.store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("plate"))
            .collect(),
    );

    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, (token, vin))| {
            let (client, base, gate, pool) = (
                client.clone(),
                base.clone(),
                gate.clone(),
                pool_plates.clone(),
            );
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let cookie = format!("jgsid={token}");
                let mut latencies = Vec::new();
                let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let mut held = false;
                for _ in 0..6 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let plate = &pool[(state % pool.len() as u64) as usize];
                    let serial = plate.trim_start_matches("冀A");
                    let t = Instant::now();
                    let res = client
                        .post(format!("{base}/api/plates/custom"))
                        .header("cookie", &cookie)
                        .header("accept", "application/json")
                        .form(&[("vin", vin.as_str()), ("serial", serial)])
                        .send()
                        .await;
                    latencies.push(t.elapsed());
                    if res.map(|r| r.status().is_success()).unwrap_or(false) {
                        held = true;
                        break;
                    }
                }
                let mut confirmed = false;
                if held {
                    let t = Instant::now();
                    let res = client
                        .post(format!("{base}/api/plates/confirm"))
                        .header("cookie", &cookie)
                        .header("accept", "application/json")
                        .form(&[("vin", vin.as_str())])
                        .send()
                        .await;
                    latencies.push(t.elapsed());
                    confirmed = res.map(|r| r.status().is_success()).unwrap_or(false);
                }
                (held, confirmed, latencies)
            })
        })
        .collect();
    let mut holds = 0;
    let mut confirms = 0;
    let mut latencies: Vec<Duration> = Vec::new();
    for t in tasks {
        let (h, c, l) = t.await.unwrap();
        holds += h as usize;
        confirms += c as usize;
        latencies.extend(l);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];

    // The audit.
    let db = &platform.store.pool;
    let count = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(db)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    let plate_two_owners = count("SELECT COUNT(*) FROM (SELECT plate FROM plate_selections GROUP BY plate HAVING COUNT(*) > 1) d").await;
    let vin_two_numbers = count("SELECT COUNT(*) FROM (SELECT vin FROM plate_pool WHERE status IN ('held', 'taken') GROUP BY vin HAVING COUNT(*) > 1) d").await;
    let selections = count("SELECT COUNT(*) FROM plate_selections").await;
    let taken = count("SELECT COUNT(*) FROM plate_pool WHERE status = 'taken'").await;

    println!("plate rush on {backend}: {users} owners, {plates} numbers, {in_flight} connections");
    println!("  requests            {}", latencies.len());
    println!(
        "  successful holds    {holds} ({:.0} holds/s)",
        holds as f64 / elapsed.as_secs_f64()
    );
    println!("  confirmed           {confirms}");
    println!("  wall time           {:.2} s", elapsed.as_secs_f64());
    println!(
        "  throughput          {:.0} requests/s",
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50 / p99   {:.1} ms / {:.1} ms",
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );
    println!("  audit: numbers with two owners {plate_two_owners}, vehicles with two numbers {vin_two_numbers}, selections {selections} (pool {plates}, taken {taken})");
    let ok = plate_two_owners == 0
        && vin_two_numbers == 0
        && selections as usize <= plates
        && selections == taken;
    if let Some((admin, name)) = cleanup {
        platform.store.pool.close().await;
        if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&pool)
                .await;
        }
    }
    if !ok {
        eprintln!("AUDIT FAILED");
        std::process::exit(1);
    }
}

/// Owners with a session each and one new car each; the pool of numbers.
/// Answers (session token, VIN) per owner.
async fn seed(db: &sqlx::AnyPool, users: usize, plates: usize) -> Vec<(String, String)> {
    let now = server::clock::unix_ms();
    let mut out = Vec::with_capacity(users);
    let mut tx = db.begin().await.unwrap();
    for i in 0..users {
        let birth = app::domain::Date::new(1990, 1, 1)
            .expect("valid date")
            .add_days((i / 1000) as i64);
        let id = app::domain::ResidentId::from_parts("130104", birth, (i % 1000) as u16)
            .as_str()
            .to_string();
        let phone = format!("139{:08}", i);
        sqlx::query("INSERT INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, 'M', '1990-01-01', $3, '石家庄市', $4)")
            .bind(&id).bind(format!("车主{i}")).bind(&phone).bind(now).execute(&mut *tx).await.unwrap();
        let account: i64 = sqlx::query(
            "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
             VALUES ('individual', 'online', 'new_car_owner', $1, $2, $3, 'x', $4) RETURNING id",
        )
        .bind(&id).bind(format!("车主{i}")).bind(&phone).bind(now)
        .fetch_one(&mut *tx).await.unwrap().get("id");
        let vin = format!("LBENCH{:011}", i);
        sqlx::query(
            "INSERT INTO vehicles (vin, vehicle_type, brand, colour, owner_kind, owner_id, status, phone) VALUES ($1, 'K33', '比亚迪', '白', 'person', $2, 'A', $3)",
        )
        .bind(&vin).bind(&id).bind(&phone).execute(&mut *tx).await.unwrap();
        let token = format!("{:064x}", (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15_u128);
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, '127.0.0.1', 'bench')")
            .bind(server::store::sha256_hex(&token)).bind(account).bind(now).execute(&mut *tx).await.unwrap();
        out.push((token, vin));
    }
    for k in 0..plates {
        let serial = format!("{:05}", 10_000 + k * 7);
        if app::domain::plate_selection::is_withheld(&serial) {
            continue;
        }
        sqlx::query("INSERT INTO plate_pool (plate, city, status, updated_at) VALUES ($1, '冀A', 'available', $2)")
            .bind(format!("冀A{serial}")).bind(now).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    out
}
