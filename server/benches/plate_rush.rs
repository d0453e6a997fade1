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

mod common;
use common::*;
use sqlx::Row;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

#[tokio::main]
async fn main() {
    let users = env_num("PLATE_RUSH_USERS", if measuring() { 2000 } else { 120 });
    let plates = env_num("PLATE_RUSH_PLATES", if measuring() { 500 } else { 30 });
    let in_flight = env_num("PLATE_RUSH_CONNECTIONS", 32);
    let bench = start("plate_rush").await;
    let owners = seed(&bench.platform.store.pool, users, plates).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight)
        .build()
        .unwrap();
    let pool: Arc<Vec<String>> = Arc::new(
        sqlx::query("SELECT plate FROM plate_pool ORDER BY plate")
            .fetch_all(&bench.platform.store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("plate"))
            .collect(),
    );

    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let tasks: Vec<_> = owners
        .into_iter()
        .enumerate()
        .map(|(i, (token, vin))| {
            let (client, base, gate, pool) = (
                client.clone(),
                bench.base.clone(),
                gate.clone(),
                pool.clone(),
            );
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let cookie = format!("jgsid={token}");
                let mut latencies = Vec::new();
                let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let mut held = false;
                for _ in 0..6 {
                    let plate = &pool[(xorshift(&mut state) % pool.len() as u64) as usize];
                    let t = Instant::now();
                    let res = client
                        .post(format!("{base}/api/plates/custom"))
                        .header("cookie", &cookie)
                        .header("accept", "application/json")
                        .form(&[
                            ("vin", vin.as_str()),
                            ("serial", plate.trim_start_matches("冀A")),
                        ])
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
    let (mut holds, mut confirms, mut latencies) = (0, 0, Vec::new());
    for t in tasks {
        let (h, c, l) = t.await.unwrap();
        holds += h as usize;
        confirms += c as usize;
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = latencies.len();
    let (p50, p99) = percentiles(latencies);

    let two_owners = bench.count("SELECT COUNT(*) FROM (SELECT plate FROM plate_selections GROUP BY plate HAVING COUNT(*) > 1) d").await;
    let two_numbers = bench.count("SELECT COUNT(*) FROM (SELECT vin FROM plate_pool WHERE status IN ('held', 'taken') GROUP BY vin HAVING COUNT(*) > 1) d").await;
    let selections = bench.count("SELECT COUNT(*) FROM plate_selections").await;
    let taken = bench
        .count("SELECT COUNT(*) FROM plate_pool WHERE status = 'taken'")
        .await;
    println!(
        "plate rush on {}: {users} owners, {plates} numbers, {in_flight} connections",
        bench.backend
    );
    println!("  requests            {requests}");
    println!(
        "  successful holds    {holds} ({:.0} holds/s)",
        holds as f64 / elapsed
    );
    println!("  confirmed           {confirms}");
    println!("  wall time           {elapsed:.2} s");
    println!(
        "  throughput          {:.0} requests/s",
        requests as f64 / elapsed
    );
    println!("  latency p50 / p99   {p50:.1} ms / {p99:.1} ms");
    println!("  audit: numbers with two owners {two_owners}, vehicles with two numbers {two_numbers}, selections {selections} (pool {plates}, taken {taken})");
    let ok =
        two_owners == 0 && two_numbers == 0 && selections as usize <= plates && selections == taken;
    bench.finish(ok).await;
}

/// Owners with a session and one new car each; the pool of numbers.
/// Answers (session token, VIN) per owner.
async fn seed(db: &sqlx::AnyPool, users: usize, plates: usize) -> Vec<(String, String)> {
    let now = server::clock::unix_ms();
    let mut out = Vec::with_capacity(users);
    let mut tx = db.begin().await.unwrap();
    for i in 0..users {
        let (token, id, _) = person_with_session(&mut tx, i, "new_car_owner", now).await;
        let vin = format!("LBENCH{:011}", i);
        sqlx::query(
            "INSERT INTO vehicles (vin, vehicle_type, brand, colour, owner_kind, owner_id, status, phone) VALUES ($1, 'K33', '比亚迪', '白', 'person', $2, 'A', '13900000000')",
        )
        .bind(&vin).bind(&id).execute(&mut *tx).await.unwrap();
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
