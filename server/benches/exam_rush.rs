//! Contention benchmark for driving-test booking (驾考预约抢号).
//!
//! N learners (default 5,000) book subject-1 sessions holding S seats in all
//! (default 1,000, in sessions of 50) at once through the real endpoint
//! `/api/exams/book`; bookings then close and the sessions are allocated by
//! three allocators at once. The audit: no session above capacity, no learner
//! with two open bookings for the subject, allocated seats = min(seats,
//! bookings).
//!
//! ```sh
//! cargo bench -p server --bench exam_rush
//! BENCH_DATABASE=postgres cargo bench -p server --bench exam_rush
//! ```

mod common;
use app::ports::ExamBookings;
use common::*;
use sqlx::Row;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

const SEATS_PER_SESSION: usize = 50;

#[tokio::main]
async fn main() {
    let learners = env_num("EXAM_RUSH_LEARNERS", if measuring() { 5000 } else { 150 });
    let seats = env_num("EXAM_RUSH_SEATS", if measuring() { 1000 } else { 100 });
    let in_flight = env_num("EXAM_RUSH_CONNECTIONS", 32);
    let bench = start("exam_rush").await;
    let (tokens, sessions, closes_at) = seed(&bench.platform.store.pool, learners, seats).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight)
        .build()
        .unwrap();
    let sessions = Arc::new(sessions);

    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let (client, base, gate, sessions) = (
                client.clone(),
                bench.base.clone(),
                gate.clone(),
                sessions.clone(),
            );
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let session = sessions[(xorshift(&mut state) % sessions.len() as u64) as usize];
                let t = Instant::now();
                let ok = client
                    .post(format!("{base}/api/exams/book"))
                    .header("cookie", format!("jgsid={token}"))
                    .header("accept", "application/json")
                    .form(&[("session_id", session.to_string())])
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                (ok, t.elapsed())
            })
        })
        .collect();
    let (mut booked, mut latencies) = (0, Vec::new());
    for t in tasks {
        let (ok, l) = t.await.unwrap();
        booked += ok as usize;
        latencies.push(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (p50, p99) = percentiles(latencies);

    // Booking closes; three servers allocate at once.
    let after = closes_at + 1;
    let allocators: Vec<_> = (0..3)
        .map(|_| {
            let store = bench.platform.store.clone();
            tokio::spawn(async move { store.allocate_closed(after).await.unwrap() })
        })
        .collect();
    for a in allocators {
        a.await.unwrap();
    }

    let over = bench
        .count("SELECT COUNT(*) FROM exam_sessions WHERE allocated > capacity")
        .await;
    let over_by_rows = bench
        .count("SELECT COUNT(*) FROM (SELECT b.session_id FROM exam_bookings b JOIN exam_sessions s ON s.id = b.session_id WHERE b.status = 'allocated' GROUP BY b.session_id, s.capacity HAVING COUNT(*) > s.capacity) d")
        .await;
    let double = bench.count("SELECT COUNT(*) FROM (SELECT id_number FROM exam_bookings WHERE status IN ('pending', 'allocated') GROUP BY id_number, subject HAVING COUNT(*) > 1) d").await;
    let allocated = bench
        .count("SELECT COUNT(*) FROM exam_bookings WHERE status = 'allocated'")
        .await;
    let pending = bench
        .count("SELECT COUNT(*) FROM exam_bookings WHERE status = 'pending'")
        .await;
    println!(
        "exam rush on {}: {learners} learners, {seats} seats, {in_flight} connections",
        bench.backend
    );
    println!(
        "  bookings accepted   {booked} ({:.0} bookings/s)",
        booked as f64 / elapsed
    );
    println!("  wall time           {elapsed:.2} s");
    println!("  latency p50 / p99   {p50:.1} ms / {p99:.1} ms");
    println!("  audit: sessions over capacity {over} (by rows {over_by_rows}), learners with two open bookings {double}, seats given {allocated}, left pending {pending}");
    let ok = over == 0
        && over_by_rows == 0
        && double == 0
        && pending == 0
        && allocated as usize <= seats;
    bench.finish(ok).await;
}

/// Learners (files accepted on different days) with sessions; the sessions
/// of subject 1 with the seats. Answers (tokens, session ids, closes_at).
async fn seed(db: &sqlx::AnyPool, learners: usize, seats: usize) -> (Vec<String>, Vec<i64>, i64) {
    let now = server::clock::unix_ms();
    let closes_at = now + 3_600_000;
    let today = app::domain::Date::from_unix_seconds(now / 1000, 8);
    let day = today.add_days(7).to_iso();
    let mut tx = db.begin().await.unwrap();
    sqlx::query("INSERT INTO exam_centres (id, name, address) VALUES (1, '考场', '石家庄')")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for k in 0..seats.div_ceil(SEATS_PER_SESSION) {
        let capacity = SEATS_PER_SESSION.min(seats - k * SEATS_PER_SESSION) as i64;
        let id: i64 = sqlx::query(
            "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES (1, '1', $1, $2, $3, $4) RETURNING id",
        )
        .bind(&day)
        .bind(format!("场次{k}"))
        .bind(capacity)
        .bind(closes_at)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .get("id");
        sessions.push(id);
    }
    let mut tokens = Vec::with_capacity(learners);
    for i in 0..learners {
        let (token, id, _) = person_with_session(&mut tx, i, "learner", now).await;
        let issued = today.add_days(-((i % 90) as i64) - 1);
        sqlx::query("INSERT INTO learner_records (id_number, licence_class, permit_issued, permit_valid_until) VALUES ($1, 'C1', $2, $3)")
            .bind(&id).bind(issued.to_iso()).bind(issued.add_years(3).to_iso()).execute(&mut *tx).await.unwrap();
        tokens.push(token);
    }
    tx.commit().await.unwrap();
    (tokens, sessions, closes_at)
}
