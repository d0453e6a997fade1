//! The scheduled jobs (定时任务) on a running server, on both databases:
//! the test moves the platform's clock and waits for the jobs (every
//! second here), pressing no button, and compares what the people are told
//! with what the database holds.

use crate::helpers::*;
use app::domain::plate_selection::{EXTENSION_SECS, HOLD_SECS};
use app::features::exams::api::{BookExam, MyExams};
use app::features::messages::api::MyMessages;
use app::features::plates::api::{DrawPlateBatch, HoldPlate, PlateVehicles, PreparePlateDraw};
use app::policy::{
    LOGIN_ATTEMPTS_KEPT_SECS, LOGIN_WINDOW_SECS, SESSION_IDLE_SECS, SMS_CODE_KEPT_SECS,
};
use app::ports::PlateSelection;
use sqlx::Row;

/// Longest wait for a job's work to show (the jobs run every second).
const PATIENCE_SECS: u64 = 20;

/// The first column of the row `sql` answers for `arg` (its `$1`).
async fn one<T, A>(app: &TestApp, sql: &str, arg: A) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    A: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
{
    sqlx::query(sql)
        .bind(arg)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap_or_else(|e| panic!("{app}: {sql}: {e}"))
        .try_get::<T, _>(0)
        .unwrap_or_else(|e| panic!("{app}: {sql}: {e}"))
}

async fn logged_in_as(app: &TestApp, role: &str) -> reqwest::Client {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    app.login(&client, &login, &password)
        .await
        .unwrap_or_else(|e| panic!("{app}: {role} logs in: {e}"));
    client
}

async fn a_running_server_allocates_a_closed_session_with_nobody_pressing_a_button(app: TestApp) {
    let learner = logged_in_as(&app, "Learner").await;
    let overview = app.call_fn(&learner, MyExams { page: None }).await.unwrap();
    let (session_id, closes_at) = overview["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s[1].is_null())
        .map(|s| {
            (
                s[0]["id"].as_i64().unwrap(),
                s[0]["closes_at_ms"].as_i64().unwrap(),
            )
        })
        .min_by_key(|(_, closes)| *closes)
        .expect("a session the learner may book");
    let booking = app
        .call_fn(&learner, BookExam { session_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: booking: {e}"))
        .as_i64()
        .unwrap();

    // While booking is open the jobs leave it alone.
    tokio::time::sleep(JOBS_EVERY_IN_TESTS * 3).await;
    let status: String = one(
        &app,
        "SELECT status FROM exam_bookings WHERE id = $1",
        booking,
    )
    .await;
    assert_eq!(status, "pending", "{app}");

    // Booking closes; nobody calls the exam office.
    let now = app.clock.now_ms();
    app.clock.advance_secs((closes_at - now) / 1000 + 60);
    // A day or more later the learner logs in again to look.
    let learner = logged_in_as(&app, "Learner").await;
    let told = eventually(PATIENCE_SECS, || async {
        let overview = app.call_fn(&learner, MyExams { page: None }).await.unwrap();
        let mine = overview["bookings"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == booking)
            .cloned()
            .expect("the booking is listed");
        (mine["status"] != "pending").then_some(mine)
    })
    .await
    .unwrap_or_else(|| panic!("{app}: the session was not allocated within {PATIENCE_SECS} s"));

    // What the learner is told is what the database holds.
    assert_eq!(told["status"], "allocated", "{app}: {told}");
    let row = sqlx::query("SELECT status, rank FROM exam_bookings WHERE id = $1")
        .bind(booking)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "allocated", "{app}");
    assert_eq!(told["rank"], row.get::<i64, _>("rank"), "{app}");
    let session = sqlx::query(
        "SELECT allocated_at, allocated, closes_at, capacity FROM exam_sessions WHERE id = $1",
    )
    .bind(session_id)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    assert!(
        session.get::<Option<i64>, _>("allocated_at").is_some(),
        "{app}"
    );
    // Closed by the clock, not by the staff endpoint (which moves closes_at).
    assert_eq!(session.get::<i64, _>("closes_at"), closes_at, "{app}");
    let seats: i64 = one(
        &app,
        "SELECT COUNT(*) FROM exam_bookings WHERE session_id = $1 AND status = 'allocated'",
        session_id,
    )
    .await;
    assert_eq!(session.get::<i64, _>("allocated"), seats, "{app}");
    assert!(seats <= session.get::<i64, _>("capacity"), "{app}");
    // Every session whose booking has closed is allocated, once each.
    let now = app.clock.now_ms();
    let all_done = eventually(PATIENCE_SECS, || async {
        let waiting: i64 = one(
            &app,
            "SELECT COUNT(*) FROM exam_sessions WHERE allocated_at IS NULL AND closes_at <= $1",
            now,
        )
        .await;
        (waiting == 0).then_some(())
    })
    .await;
    assert!(
        all_done.is_some(),
        "{app}: closed sessions left unallocated"
    );
    tokio::time::sleep(JOBS_EVERY_IN_TESTS * 2).await;
    let audits: i64 = one(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'exam.allocate' AND subject = $1",
        format!("session:{session_id}"),
    )
    .await;
    assert_eq!(
        audits, 1,
        "{app}: allocated once, though the jobs kept running"
    );
    // The learner's message centre says so, with the same rank.
    let messages = app
        .call_fn(&learner, MyMessages { page: None })
        .await
        .unwrap();
    let rank = format!("排序第{}名", told["rank"]);
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "考试预约成功"
                && m["link"] == "/account/exams"
                && m["body"].as_str().unwrap().contains(&rank)),
        "{app}: {messages}"
    );
}

async fn a_lapsed_plate_hold_goes_back_to_the_pool_by_itself(app: TestApp) {
    let owner = logged_in_as(&app, "New-car owner").await;
    let vehicles = app.call_fn(&owner, PlateVehicles {}).await.unwrap();
    let vin = vehicles[0]["vin"].as_str().unwrap().to_string();
    let prepared = app
        .call_fn(&owner, PreparePlateDraw { vin: vin.clone() })
        .await
        .unwrap();
    let batch_id = prepared["batch_id"].as_i64().unwrap();
    let batch = app
        .call_fn(
            &owner,
            DrawPlateBatch {
                batch_id,
                client_nonce: "jobs".into(),
            },
        )
        .await
        .unwrap();
    let plate = batch["plates"][0].as_str().unwrap().to_string();
    let hold = app
        .call_fn(
            &owner,
            HoldPlate {
                vin: vin.clone(),
                plate: plate.clone(),
                batch_id,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: hold: {e}"));
    assert_eq!(hold["plate"], plate.as_str(), "{app}");

    // Within its time the hold stays, jobs or not.
    tokio::time::sleep(JOBS_EVERY_IN_TESTS * 3).await;
    let status: String = one(
        &app,
        "SELECT status FROM plate_pool WHERE plate = $1",
        plate.clone(),
    )
    .await;
    assert_eq!(status, "held", "{app}");

    // Past its time (and any extension) the number is free again.
    app.clock.advance_secs(HOLD_SECS + EXTENSION_SECS + 1);
    let freed = eventually(PATIENCE_SECS, || async {
        let row = sqlx::query("SELECT status, vin FROM plate_pool WHERE plate = $1")
            .bind(&plate)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
        let status: String = row.get("status");
        (status == "available").then(|| row.get::<Option<String>, _>("vin"))
    })
    .await
    .unwrap_or_else(|| panic!("{app}: the hold was not released within {PATIENCE_SECS} s"));
    assert_eq!(freed, None, "{app}: nobody holds it");
    let vehicles = app.call_fn(&owner, PlateVehicles {}).await.unwrap();
    let mine = vehicles
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vin"] == vin.as_str())
        .unwrap();
    assert!(mine["hold"].is_null(), "{app}: the owner is told: {mine}");
    let audits: i64 = one(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'plate.hold_lapsed' AND subject = $1",
        format!("vin:{vin}"),
    )
    .await;
    assert_eq!(audits, 1, "{app}");
}

async fn lapsed_holds_are_released_once_however_many_servers_run_the_job(app: TestApp) {
    let store = &app.platform.store;
    let now = app.clock.now_ms();
    let vins: Vec<String> =
        sqlx::query("SELECT vin FROM vehicles WHERE plate IS NULL ORDER BY id LIMIT 3")
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("vin"))
            .collect();
    assert_eq!(vins.len(), 3, "{app}");
    let plates: Vec<String> = sqlx::query(
        "SELECT plate FROM plate_pool WHERE status = 'available' ORDER BY plate LIMIT 3",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("plate"))
    .collect();
    // Two holds ran out a second ago; the third is still live.
    for (i, (vin, plate)) in vins.iter().zip(&plates).enumerate() {
        let until = if i < 2 { now - 1000 } else { now + 60_000 };
        sqlx::query(
            "UPDATE plate_pool SET status = 'held', vin = $1, until_ms = $2 WHERE plate = $3",
        )
        .bind(vin)
        .bind(until)
        .bind(plate)
        .execute(&store.pool)
        .await
        .unwrap();
    }
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.release_lapsed_holds(now).await })
        })
        .collect();
    let mut released = 0;
    for run in runs {
        released += run.await.unwrap().expect("release works");
    }
    assert_eq!(released, 2, "{app}");
    let held: i64 = one(
        &app,
        "SELECT COUNT(*) FROM plate_pool WHERE status = 'held' AND vin = $1",
        vins[2].clone(),
    )
    .await;
    assert_eq!(held, 1, "{app}: the live hold stays");
    let audits: i64 = one(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = $1",
        "plate.hold_lapsed".to_string(),
    )
    .await;
    assert_eq!(audits, 2, "{app}: each release audited once");
}

async fn ended_sessions_spent_codes_and_old_login_attempts_are_cleaned_up(app: TestApp) {
    let pool = &app.platform.store.pool;

    // Sessions: one left idle past its timeout, one in use.
    let idle = logged_in_as(&app, "Learner").await;
    app.clock.advance_secs(SESSION_IDLE_SECS + 1);
    let active = logged_in_as(&app, "New-car owner").await;
    let now = app.clock.now_ms();

    // SMS codes: spent and past the quota's hour (go), spent within it and
    // live (stay).
    let hour_and_more = now - SMS_CODE_KEPT_SECS * 1000 - 1000;
    let mut codes = Vec::new();
    for (created, expires, used) in [
        (hour_and_more, hour_and_more + 300_000, Some(hour_and_more)),
        (hour_and_more, hour_and_more + 300_000, None),
        (now - 600_000, now - 300_000, Some(now - 590_000)),
        (now, now + 300_000, None),
    ] {
        let id: i64 = sqlx::query(
            "INSERT INTO sms_codes (phone, purpose, subject, code_hash, created_at, expires_at, used_at, ip)
             VALUES ('13800000000', 'test', 'jobs', 'x', $1, $2, $3, '203.0.113.9') RETURNING id",
        )
        .bind(created)
        .bind(expires)
        .bind(used)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("id");
        codes.push(id);
    }

    // Login attempts: past the retention (goes), within it (stays), and
    // fresh failures the throttling counts (stay).
    for at in [
        now - LOGIN_ATTEMPTS_KEPT_SECS * 1000 - 1000,
        now - LOGIN_ATTEMPTS_KEPT_SECS * 1000 + 60_000,
    ] {
        sqlx::query(
            "INSERT INTO login_attempts (identifier, ip, at, succeeded) VALUES ('old-attempt', '203.0.113.9', $1, 0)",
        )
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
    let accounts = &app.platform.ports.accounts;
    for _ in 0..4 {
        accounts
            .record_login("guessed", "203.0.113.7", false, now)
            .await
            .unwrap();
    }

    let idle_gone = eventually(PATIENCE_SECS, || async {
        let left: i64 = one(
            &app,
            "SELECT COUNT(*) FROM sessions WHERE created_at < $1",
            now,
        )
        .await;
        (left == 0).then_some(())
    })
    .await;
    assert!(
        idle_gone.is_some(),
        "{app}: the idle session was not deleted within {PATIENCE_SECS} s"
    );
    let kept_codes: Vec<i64> = eventually(PATIENCE_SECS, || async {
        let ids: Vec<i64> =
            sqlx::query("SELECT id FROM sms_codes WHERE purpose = 'test' ORDER BY id")
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("id"))
                .collect();
        (ids.len() == 2).then_some(ids)
    })
    .await
    .unwrap_or_else(|| panic!("{app}: spent codes were not deleted within {PATIENCE_SECS} s"));
    assert_eq!(kept_codes, codes[2..].to_vec(), "{app}");
    let old_attempts = eventually(PATIENCE_SECS, || async {
        let left: i64 = one(
            &app,
            "SELECT COUNT(*) FROM login_attempts WHERE identifier = $1",
            "old-attempt".to_string(),
        )
        .await;
        (left == 1).then_some(left)
    })
    .await;
    assert_eq!(
        old_attempts,
        Some(1),
        "{app}: the one past the retention goes"
    );

    // What the people are told matches: the idle browser is logged out, the
    // active one is not; throttling still counts the fresh failures.
    assert!(app.me(&idle).await.is_none(), "{app}");
    assert!(app.me(&active).await.is_some(), "{app}");
    let sessions: i64 = one(
        &app,
        "SELECT COUNT(*) FROM sessions WHERE created_at >= $1",
        now,
    )
    .await;
    assert_eq!(sessions, 1, "{app}");
    let (pair, by_ip) = accounts
        .recent_login_failures("guessed", "203.0.113.7", now - LOGIN_WINDOW_SECS * 1000)
        .await
        .unwrap();
    assert_eq!((pair, by_ip), (4, 4), "{app}");
}

both_backends!(
    start = crate::helpers::spawn_with_jobs;
    a_running_server_allocates_a_closed_session_with_nobody_pressing_a_button,
    a_lapsed_plate_hold_goes_back_to_the_pool_by_itself,
    ended_sessions_spent_codes_and_old_login_attempts_are_cleaned_up,
);
both_backends!(lapsed_holds_are_released_once_however_many_servers_run_the_job);
