//! Contention benchmark for plate pre-selection (号牌预选抢号).
//!
//! Starts the real app (release build, `cargo bench`) on a fresh database,
//! registers N new-car owners with one new car each and a pool of P
//! numbers, then fires every owner at once through the real server-function
//! endpoints: hold a random number (`/api/plates/custom`), retrying another
//! when it is taken, then confirm it (`/api/plates/confirm`). Any transport
//! error or internal error fails the bench (a dead server must not pass).
//! Afterwards it compares what the owners were told with the database:
//! every confirmation told is a recorded selection and a taken number, and
//! every number held or taken belongs to an owner who was told so.
//!
//! ```sh
//! cargo bench -p server --bench rush -- plates                      # SQLite, 2000 owners, 500 numbers
//! BENCH_DATABASE=postgres cargo bench -p server --bench rush -- plates
//! PLATE_RUSH_USERS=5000 PLATE_RUSH_PLATES=1000 cargo bench -p server --bench rush -- plates
//! ```

use crate::common::*;
use app::features::plates::api::{ConfirmPlate, HoldCustomPlate};
use leptos::server_fn::ServerFn;
use rand::seq::SliceRandom;
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// One round of the benchmark; exits non-zero when its audit fails.
pub async fn run() {
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
    // The order in which owners got their turn: the first `in_flight`
    // opened the connections, the rest reuse them.
    let turns = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = owners
        .into_iter()
        .enumerate()
        .map(|(i, (token, vin))| {
            let (client, base, gate, pool, turns) = (
                client.clone(),
                bench.base.clone(),
                gate.clone(),
                pool.clone(),
                turns.clone(),
            );
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let mut opens_connection =
                    turns.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < in_flight;
                let cookie = session_cookie(&token);
                let post = |path: &'static str, form: Vec<(&'static str, String)>| {
                    client
                        .post(format!("{base}{path}"))
                        .header("cookie", &cookie)
                        // As a browser on the site's own page (the origin check).
                        .header("sec-fetch-site", "same-origin")
                        .header("accept", "application/json")
                        .form(&form)
                        .send()
                };
                let (mut holds, mut confirms) = (Tally::default(), Tally::default());
                let mut rng = client_rng(i);
                let mut held = false;
                // When each answered request started (since the rush
                // began), how long it took, and whether it opened its
                // connection.
                let mut timeline = Vec::new();
                for _ in 0..6 {
                    let plate = pool.choose(&mut rng).expect("pool seeded");
                    let serial = plate.trim_start_matches("冀A").to_string();
                    let t = Instant::now();
                    let answer = outcome(
                        post(
                            HoldCustomPlate::PATH,
                            vec![("vin", vin.clone()), ("serial", serial)],
                        )
                        .await,
                    )
                    .await;
                    let took = t.elapsed();
                    holds.record(&answer, took);
                    timeline.push((t - started, took, opens_connection));
                    opens_connection = false;
                    match answer {
                        Outcome::Done(_) => {
                            held = true;
                            break;
                        }
                        Outcome::Refused => {}
                        Outcome::Failed(_) => break,
                    }
                }
                let mut told = None;
                if held {
                    let t = Instant::now();
                    let answer =
                        outcome(post(ConfirmPlate::PATH, vec![("vin", vin.clone())]).await).await;
                    let took = t.elapsed();
                    confirms.record(&answer, took);
                    timeline.push((t - started, took, opens_connection));
                    if let Outcome::Done(plate) = answer {
                        told = plate.as_str().map(|p| (vin.clone(), p.to_string()));
                    }
                }
                (holds, confirms, told, timeline)
            })
        })
        .collect();
    let (mut holds, mut confirms, mut told) = (Tally::default(), Tally::default(), Vec::new());
    let mut timeline = Vec::new();
    for t in tasks {
        let (h, c, plate, when) = t.await.unwrap();
        timeline.extend(when);
        holds.merge(h);
        confirms.merge(c);
        told.extend(plate);
    }
    let elapsed = started.elapsed().as_secs_f64();

    let mut recorded: Vec<(String, String)> =
        sqlx::query("SELECT vin, plate FROM plate_selections ORDER BY vin")
            .fetch_all(&bench.platform.store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("vin"), r.get("plate")))
            .collect();
    let mut taken: Vec<(String, String)> =
        sqlx::query("SELECT vin, plate FROM plate_pool WHERE status = 'taken' ORDER BY vin")
            .fetch_all(&bench.platform.store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("vin"), r.get("plate")))
            .collect();
    told.sort();
    recorded.sort();
    taken.sort();
    println!(
        "plate rush on {}: {users} owners, {plates} numbers, {in_flight} connections, {elapsed:.2} s",
        bench.backend
    );
    let attempts = holds.attempts() + confirms.attempts();
    let mut all = holds.latencies.clone();
    all.extend(confirms.latencies.iter().copied());
    let (p50, p99) = percentiles(all);
    let (kept, commits) = bench.platform.store.grouped_writes();
    println!(
        " all requests: {attempts} ({:.0}/s), latency p50 / p99 {p50:.1} ms / {p99:.1} ms; numbers held {:.0}/s",
        attempts as f64 / elapsed,
        holds.done as f64 / elapsed
    );
    report_opening(&timeline, p99, elapsed);
    if commits > 0 {
        println!(
            " writes kept {kept} in {commits} commits ({:.1} per commit); {} took a turn and undid it",
            kept as f64 / commits as f64,
            bench.platform.store.grouped_writes_undone()
        );
    }
    println!(" holds (/api/plates/custom)");
    let hold_failures = holds.failed;
    holds.report("held", elapsed);
    println!(" confirmations (/api/plates/confirm)");
    let (confirm_failures, confirmed) = (confirms.failed, confirms.done);
    confirms.report("confirmed", elapsed);
    let mut ok = check(
        "no failed requests",
        hold_failures + confirm_failures == 0,
        format!("{hold_failures} holds, {confirm_failures} confirmations failed"),
    );
    ok &= check(
        "someone got a number",
        confirmed > 0,
        format!("{confirmed} confirmed"),
    );
    ok &= check(
        "confirms == selections",
        told == recorded,
        format!("{} told, {} recorded", told.len(), recorded.len()),
    );
    ok &= check(
        "selections == taken numbers",
        recorded == taken,
        format!("{} selections, {} taken", recorded.len(), taken.len()),
    );
    bench.finish(ok).await;
}

/// Where the slowest hundredth of the requests lies: how many of them
/// started in the first tenth of the rush (when most numbers are still
/// free, so most holds are writes) and how many opened their connection,
/// and the p99 of the requests that started after that tenth.
fn report_opening(timeline: &[(Duration, Duration, bool)], p99_ms: f64, elapsed: f64) {
    let opening = Duration::from_secs_f64(elapsed / 10.0);
    let slow = |took: &Duration| took.as_secs_f64() * 1000.0 >= p99_ms;
    let slowest = timeline.iter().filter(|(_, took, _)| slow(took)).count();
    let early = timeline
        .iter()
        .filter(|(at, took, _)| *at < opening && slow(took))
        .count();
    let opened = timeline
        .iter()
        .filter(|(_, took, opens)| *opens && slow(took))
        .count();
    let p99_of = |keep: &dyn Fn(&(Duration, Duration, bool)) -> bool| {
        percentiles(timeline.iter().filter(|r| keep(r)).map(|r| r.1).collect()).1
    };
    let later_p99 = p99_of(&|(at, _, _)| *at >= opening);
    let (opening_p99, reusing_p99) = (p99_of(&|r| r.2), p99_of(&|r| !r.2));
    println!(
        " the slowest 1% ({slowest} requests, from {p99_ms:.1} ms): {early} started in the first tenth of the rush, {opened} opened their connection; p99 of the requests after that tenth {later_p99:.1} ms"
    );
    println!(
        " p99 of the requests that opened a connection {opening_p99:.1} ms, of those on one already open {reusing_p99:.1} ms"
    );
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
