//! The unit dashboard at the size of a big company (大型运输企业): the demo
//! road transport company with 5,000 vehicles, 300 drivers and 20,000
//! violations, all its vehicles bound. Each page of the dashboard and its
//! tables (first pages, deep pages, filters, every order) is asked for by a
//! few clients at once; the target is a p95 within 200 ms. Then the two CSV
//! exports are read to their end and their rows counted against the
//! database (a short or failed export fails the bench).
//!
//! ```sh
//! cargo bench -p server --bench rush -- units
//! UNITS_ROUNDS=100 cargo bench -p server --bench rush -- units
//! ```

use crate::common::*;
use app::ports::{Actor, Selection};
use server::demo::DemoSize;
use sqlx::Row;
use std::time::{Duration, Instant};

/// The p95 to stay within, per page.
const TARGET_P95_MS: f64 = 200.0;
/// Clients asking at once in the second round (the first has one: the
/// latency a person at the dashboard sees).
const CLIENTS: usize = 4;

pub async fn run() {
    let rounds = env_num("UNITS_ROUNDS", if measuring() { 40 } else { 2 });
    let bench = start("units").await;
    let started = Instant::now();
    server::load_demo_sized(&bench.platform, DemoSize::WithBigFleet)
        .await
        .expect("the demo with the big fleet");
    println!(
        "unit dashboard on {}: demo with the big fleet loaded in {:.1} s",
        bench.backend,
        started.elapsed().as_secs_f64()
    );
    let row = sqlx::query(
        "SELECT a.id, a.credit_code FROM accounts a JOIN unit_accounts u ON u.account_id = a.id
         WHERE u.unit_kind = 'road_transport'",
    )
    .fetch_one(&bench.platform.store.pool)
    .await
    .unwrap();
    let (account_id, code): (i64, String) = (row.get("id"), row.get("credit_code"));
    let actor = Actor {
        account_id: Some(account_id),
        ip: "127.0.0.1".into(),
        operator_id: None,
        api_key: None,
    };
    let t = Instant::now();
    let bound = bench
        .platform
        .ports
        .units
        .bind_fleet(account_id, &code, Selection::AllUnbound, &actor)
        .await
        .expect("bind all");
    println!(
        "  bound all {bound} vehicles in one request: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let now = server::clock::unix_ms();
    let token = "b".repeat(64);
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, '127.0.0.1', 'bench')")
        .bind(server::store::sha256_hex(&token))
        .bind(account_id)
        .bind(now)
        .execute(&bench.platform.store.pool)
        .await
        .unwrap();
    let cookie = session_cookie(&token);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();

    let mut ok = true;
    let mut worst: f64 = 0.0;
    println!(
        "  per page, {rounds} requests by 1 client, then {rounds} by each of {CLIENTS} at once:"
    );
    for path in [
        "/unit",
        "/unit/vehicles",
        "/unit/vehicles?page=100",
        "/unit/vehicles?sort=violations",
        "/unit/vehicles?sort=inspection&due=1&page=5",
        "/unit/vehicles?plate=A1&violations=1",
        "/unit/violations",
        "/unit/violations?page=400",
        "/unit/violations?status=unhandled&points=without",
        "/unit/violations?order=oldest&plate=A8",
        "/unit/drivers",
        "/unit/drivers?page=6",
        "/unit/drivers?show=expiring",
        "/unit/operators",
        "/unit/audit",
    ] {
        let (alone, failed_alone) = ask(&client, &bench.base, path, &cookie, rounds, 1).await;
        let (busy, failed_busy) = ask(&client, &bench.base, path, &cookie, rounds, CLIENTS).await;
        let p95 = percentile(&busy, 0.95);
        worst = worst.max(p95);
        println!(
            "    {path:<48} 1 client: p50 {:>6.1} p95 {:>6.1} ms | {CLIENTS} clients: p50 {:>6.1} p95 {:>6.1} max {:>6.1} ms",
            percentile(&alone, 0.5),
            percentile(&alone, 0.95),
            percentile(&busy, 0.5),
            p95,
            percentile(&busy, 1.0)
        );
        let failed = failed_alone + failed_busy;
        ok &= check(
            "every page answered in full",
            failed == 0,
            format!("{path}: {failed} failed"),
        );
    }
    println!(
        "  worst p95 with {CLIENTS} clients {worst:.1} ms (target {TARGET_P95_MS:.0} ms: {})",
        if worst <= TARGET_P95_MS {
            "met"
        } else {
            "not met"
        }
    );

    for (path, sql) in [
        (
            "/unit/vehicles.csv",
            "SELECT COUNT(*) FROM vehicles WHERE owner_kind = 'organisation' AND owner_id = $1",
        ),
        (
            "/unit/violations.csv",
            "SELECT COUNT(*) FROM violations x JOIN vehicle_bindings b ON b.vehicle_id = x.vehicle_id WHERE b.account_id = $1",
        ),
        (
            "/unit/drivers.csv",
            "SELECT COUNT(*) FROM unit_drivers WHERE account_id = $1",
        ),
    ] {
        let expected: i64 = if path.contains("vehicles") {
            sqlx::query(sql).bind(&code)
        } else {
            sqlx::query(sql).bind(account_id)
        }
        .fetch_one(&bench.platform.store.pool)
        .await
        .unwrap()
        .get(0);
        let t = Instant::now();
        let body = client
            .get(format!("{}{path}", bench.base))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("the export answers")
            .bytes()
            .await;
        let took = t.elapsed().as_secs_f64() * 1000.0;
        let (rows, bytes) = match &body {
            Ok(b) => (
                b.split(|c| *c == b'\n').filter(|l| !l.is_empty()).count() as i64 - 1,
                b.len(),
            ),
            Err(_) => (-1, 0),
        };
        println!(
            "  export {path}: {rows} rows, {:.1} MB in {took:.0} ms",
            bytes as f64 / 1_048_576.0
        );
        ok &= check(
            "the export holds every row",
            rows == expected,
            format!("{path}: {rows} rows, the database holds {expected}"),
        );
    }
    bench.finish(ok).await;
}

/// `clients` clients asking for `path` `rounds` times each; answers the
/// latencies and how many failed (not 200, or not a whole page).
async fn ask(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    cookie: &str,
    rounds: usize,
    clients: usize,
) -> (Vec<Duration>, usize) {
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, cookie) =
                (client.clone(), format!("{base}{path}"), cookie.to_string());
            tokio::spawn(async move {
                let (mut latencies, mut failed) = (Vec::new(), 0);
                for _ in 0..rounds {
                    let t = Instant::now();
                    let whole = match client.get(&url).header("cookie", &cookie).send().await {
                        Ok(res) if res.status() == 200 => res
                            .bytes()
                            .await
                            .is_ok_and(|b| b.ends_with(b"</html>") || b.ends_with(b"</html>\n")),
                        _ => false,
                    };
                    latencies.push(t.elapsed());
                    failed += usize::from(!whole);
                }
                (latencies, failed)
            })
        })
        .collect();
    let (mut all, mut failed) = (Vec::new(), 0);
    for task in tasks {
        let (latencies, f) = task.await.expect("a client task");
        all.extend(latencies);
        failed += f;
    }
    (all, failed)
}

/// The `p` quantile in milliseconds.
fn percentile(latencies: &[Duration], p: f64) -> f64 {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    sorted
        .get(((sorted.len().max(1) - 1) as f64 * p) as usize)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
