//! Contention benchmark for driving-test booking (驾考预约抢号).
//!
//! N learners (default 5,000) book subject-1 sessions holding S seats in all
//! (default 1,000, in sessions of 50) at once through the real endpoint
//! `/api/exams/book`; bookings then close and the sessions are allocated by
//! three allocators at once. Any transport error or internal error fails
//! the bench (a dead server must not pass). The audit compares what the
//! learners were told with the database: every booking told is recorded
//! (`booked == bookings`), every seat is given up to the supply
//! (`allocated == min(seats, booked)`), nothing is left pending.
//!
//! ```sh
//! cargo bench -p server --bench rush -- exams
//! BENCH_DATABASE=postgres cargo bench -p server --bench rush -- exams
//! ```

use crate::common::*;
use app::features::exams::api::BookExam;
use app::ports::ExamBookings;
use leptos::server_fn::ServerFn;
use rand::seq::SliceRandom;
use sqlx::Row;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

const SEATS_PER_SESSION: usize = 50;

/// One round of the benchmark; exits non-zero when its audit fails.
pub async fn run() {
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
                let session = *sessions
                    .choose(&mut client_rng(i))
                    .expect("sessions seeded");
                let t = Instant::now();
                let res = client
                    .post(format!("{base}{}", BookExam::PATH))
                    .header("cookie", session_cookie(&token))
                    // As a browser on the site's own page (the origin check).
                    .header("sec-fetch-site", "same-origin")
                    .header("accept", "application/json")
                    .form(&[("session_id", session.to_string())])
                    .send()
                    .await;
                let answer = outcome(res).await;
                (answer, t.elapsed())
            })
        })
        .collect();
    let (mut tally, mut told) = (Tally::default(), Vec::new());
    for t in tasks {
        let (answer, took) = t.await.unwrap();
        tally.record(&answer, took);
        if let Outcome::Done(booking) = answer {
            told.extend(booking.as_i64());
        }
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Booking closes; three servers allocate at once.
    let after = closes_at + 1;
    let allocators: Vec<_> = (0..3)
        .map(|_| {
            let store = bench.platform.store.clone();
            tokio::spawn(async move { store.allocate_closed(after).await.unwrap() })
        })
        .collect();
    let mut allocated_sessions = 0;
    for a in allocators {
        allocated_sessions += a.await.unwrap();
    }

    let mut recorded: Vec<i64> = sqlx::query("SELECT id FROM exam_bookings ORDER BY id")
        .fetch_all(&bench.platform.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id"))
        .collect();
    told.sort();
    recorded.sort();
    let allocated = bench
        .count("SELECT COUNT(*) FROM exam_bookings WHERE status = 'allocated'")
        .await as usize;
    let counted = bench
        .count("SELECT CAST(COALESCE(SUM(allocated), 0) AS BIGINT) FROM exam_sessions")
        .await as usize;
    let pending = bench
        .count("SELECT COUNT(*) FROM exam_bookings WHERE status = 'pending'")
        .await;
    println!(
        "exam rush on {}: {learners} learners, {seats} seats, {in_flight} connections, {elapsed:.2} s",
        bench.backend
    );
    let (failed, booked) = (tally.failed, tally.done);
    tally.report("booked", elapsed);
    let mut ok = check(
        "no failed requests",
        failed == 0,
        format!("{failed} failed"),
    );
    ok &= check("someone booked", booked > 0, format!("{booked} booked"));
    ok &= check(
        "booked == bookings",
        told == recorded,
        format!("{} told, {} recorded", told.len(), recorded.len()),
    );
    ok &= check(
        "allocated == min(seats, booked)",
        allocated == seats.min(booked),
        format!("{allocated} seats given, {seats} seats, {booked} booked"),
    );
    ok &= check(
        "sessions count what they gave",
        counted == allocated,
        format!("{counted} by the sessions, {allocated} by the bookings"),
    );
    ok &= check(
        "every session allocated once",
        allocated_sessions == sessions.len(),
        format!("{allocated_sessions} of {}", sessions.len()),
    );
    ok &= check(
        "nothing left pending",
        pending == 0,
        format!("{pending} pending"),
    );
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
