//! Driving-test booking on both databases: the rules, one open booking per
//! subject, cancellation, ranks, allocation by priority within capacity,
//! once however many servers allocate at once.

use crate::helpers::*;
use app::domain::Date;
use app::features::exams::api::{BookExam, CancelExam, MyExams, StaffAllocateSession};
use app::ports::ExamBookings;
use sqlx::Row;

async fn learner(app: &TestApp) -> (reqwest::Client, i64) {
    let (login, password) = app.demo_login("Learner");
    let client = new_client();
    app.login(&client, &login, &password).await.unwrap();
    let id: i64 = sqlx::query("SELECT id FROM accounts WHERE id_number = $1")
        .bind(&login)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("id");
    (client, id)
}

fn session_of(overview: &serde_json::Value, subject: &str) -> (i64, bool) {
    let s = overview["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0]["subject"] == subject)
        .expect("a session for the subject");
    (s[0]["id"].as_i64().unwrap(), s[1].is_null())
}

async fn a_learner_books_within_the_rules_and_may_cancel_while_pending(app: TestApp) {
    let (client, _) = learner(&app).await;
    let overview = app.call_fn(&client, MyExams { page: None }).await.unwrap();
    let (s1, ok1) = session_of(&overview, "One");
    let (s2, ok2) = session_of(&overview, "Two");
    assert!(ok1, "{app}: subject 1 is open to a new learner");
    assert!(!ok2, "{app}: subject 2 needs subject 1");
    let reason = overview["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0]["id"] == s2)
        .map(|s| s[1].clone())
        .unwrap();
    assert_eq!(
        reason,
        serde_json::json!({ "NeedsSubject": "One" }),
        "{app}: the list says why, so the page can group the sessions by reason"
    );
    let err = app
        .call_fn(&client, BookExam { session_id: s2 })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    let booking = app
        .call_fn(&client, BookExam { session_id: s1 })
        .await
        .unwrap();
    let err = app
        .call_fn(&client, BookExam { session_id: s1 })
        .await
        .unwrap_err();
    assert_eq!(
        kind(&err),
        "NotAllowed",
        "{app}: one open booking per subject"
    );
    let overview = app.call_fn(&client, MyExams { page: None }).await.unwrap();
    assert_eq!(
        overview["bookings"]["items"][0]["status"], "pending",
        "{app}"
    );
    assert_eq!(
        overview["bookings"]["items"][0]["rank"], 1,
        "{app}: first in the queue"
    );

    app.call_fn(
        &client,
        CancelExam {
            booking_id: booking.as_i64().unwrap(),
        },
    )
    .await
    .expect("cancel while pending");
    app.call_fn(&client, BookExam { session_id: s1 })
        .await
        .expect("book again");

    // After allocation the learner sees the result; cancelling is over.
    let admin = new_client();
    let (c, p) = app.demo_login("Administrator");
    app.login(&admin, &c, &p).await.unwrap();
    let err = app
        .call_fn(&client, StaffAllocateSession { session_id: s1 })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: staff only");
    app.call_fn(&admin, StaffAllocateSession { session_id: s1 })
        .await
        .unwrap();
    let overview = app.call_fn(&client, MyExams { page: None }).await.unwrap();
    assert_eq!(
        overview["bookings"]["items"][0]["status"], "allocated",
        "{app}: {overview}"
    );
    let id = overview["bookings"]["items"][0]["id"].as_i64().unwrap();
    let err = app
        .call_fn(&client, CancelExam { booking_id: id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}");
}
both_backends!(a_learner_books_within_the_rules_and_may_cancel_while_pending);

async fn seats_go_by_priority_date_never_above_capacity_and_once(app: TestApp) {
    let (_, account) = learner(&app).await;
    let store = app.platform.store.clone();
    let now = app.clock.now_ms();
    let session_id: i64 = sqlx::query(
        "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES (1, '1', '2099-01-01', '上午', 3, $1) RETURNING id",
    )
    .bind(now + 3_600_000)
    .fetch_one(&store.pool)
    .await
    .unwrap()
    .get("id");
    let session = store
        .open_sessions(now)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == session_id)
        .unwrap();
    let actor = test_actor(Some(account));
    // Eight learners; learner k was accepted k days after the first one,
    // but they book in reverse order.
    let base = Date::new(2026, 1, 1).unwrap();
    for k in (0..8).rev() {
        let id = format!("LEARNER{k:02}");
        let booked = store
            .book(
                account,
                &id,
                &session,
                base.add_days(k),
                now + (8 - k),
                &actor,
            )
            .await
            .unwrap();
        assert!(booked.is_some(), "{app}");
    }
    // A new learner books the same subject from four tabs at once: exactly
    // one booking is accepted, and it is the one the database holds.
    let racer = base.add_days(100);
    let attempts: Vec<_> = (0..4)
        .map(|_| {
            let (store, session, actor) = (store.clone(), session.clone(), actor.clone());
            tokio::spawn(async move {
                store
                    .book(account, "RACER", &session, racer, now + 20, &actor)
                    .await
            })
        })
        .collect();
    let mut accepted = Vec::new();
    for a in attempts {
        if let Some(booking) = a.await.unwrap().expect("no internal error") {
            accepted.push(booking);
        }
    }
    let held: Vec<i64> = sqlx::query(
        "SELECT id FROM exam_bookings WHERE id_number = 'RACER' AND status IN ('pending', 'allocated')",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("id"))
    .collect();
    assert_eq!(accepted.len(), 1, "{app}: one of four tabs wins");
    assert_eq!(
        held, accepted,
        "{app}: the winner's booking is the one kept"
    );
    let booked = app
        .count(&format!(
            "SELECT COUNT(*) FROM exam_bookings WHERE session_id = {session_id} AND status = 'pending'"
        ))
        .await;
    assert_eq!(booked, 9, "{app}: every accepted booking is recorded");

    // Three servers allocate at the same moment, after closing.
    let later = now + 3_600_001;
    let due_sql = format!(
        "SELECT COUNT(*) FROM exam_sessions WHERE allocated_at IS NULL AND closes_at <= {later}"
    );
    let due = app.count(&due_sql).await;
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.allocate_closed(later).await })
        })
        .collect();
    let mut told = 0;
    for r in runs {
        told += r.await.unwrap().unwrap();
    }
    let allocated: Vec<String> = sqlx::query("SELECT id_number FROM exam_bookings WHERE session_id = $1 AND status = 'allocated' ORDER BY rank")
        .bind(session_id)
        .fetch_all(&store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id_number"))
        .collect();
    assert_eq!(
        allocated,
        vec!["LEARNER00", "LEARNER01", "LEARNER02"],
        "{app}: earliest dates first, min(seats 3, booked 9) seats given"
    );
    let recorded: i64 = sqlx::query("SELECT allocated FROM exam_sessions WHERE id = $1")
        .bind(session_id)
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .get("allocated");
    assert_eq!(
        recorded, 3,
        "{app}: the session's count matches its bookings"
    );
    let audited = app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.allocate' AND subject = 'session:{session_id}'")).await;
    assert_eq!(audited, 1, "{app}: allocated once");
    assert_eq!(
        told as i64, due,
        "{app}: the allocators together report each due session once"
    );
    assert_eq!(app.count(&due_sql).await, 0, "{app}: none left unallocated");
    let not = app.count(&format!("SELECT COUNT(*) FROM exam_bookings WHERE session_id = {session_id} AND status = 'not_allocated'")).await;
    assert_eq!(not, 6, "{app}: everyone else is told no seat");

    crate::exam_queue::matches_the_database(&app, session_id, base.add_days(2)).await;
}
both_backends!(seats_go_by_priority_date_never_above_capacity_and_once);

async fn an_administrator_adds_a_session_learners_book_and_sees_the_ranks(app: TestApp) {
    use app::features::exams::api::{StaffAddExamSession, StaffExamSession, StaffExamSessions};
    let admin = logged_in(&app, "Administrator").await;
    let desk = app
        .call_fn(&admin, StaffExamSessions { page: None })
        .await
        .unwrap();
    let centre = desk["centres"][0][0].as_i64().expect("a centre");
    let today = Date::from_unix_seconds(app.clock.now_ms() / 1000, 8);
    let form = |day: Date, capacity: &str| StaffAddExamSession {
        centre_id: centre.to_string(),
        subject: "1".into(),
        day: day.to_iso(),
        period: "下午".into(),
        capacity: capacity.into(),
    };
    // Too soon, too many seats; and only the administrator adds.
    let err = app
        .call_fn(&admin, form(today.add_days(2), "501"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["day", "capacity"], "{app}: {err}");
    let clerk = logged_in(&app, "Window clerk").await;
    let err = app
        .call_fn(&clerk, form(today.add_days(30), "2"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
    let day = today.add_days(30);
    let id = app
        .call_fn(&admin, form(day, "2"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let closes: i64 = app
        .scalar("SELECT closes_at FROM exam_sessions WHERE id = $1", id)
        .await;
    assert_eq!(
        closes,
        app::domain::exam::booking_closes_at_ms(day),
        "{app}"
    );

    // A learner books it; the administrator closes it and sees the rank.
    let (learner, _) = learner(&app).await;
    let overview = app.call_fn(&learner, MyExams { page: None }).await.unwrap();
    assert!(
        overview["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s[0]["id"] == id && s[1].is_null()),
        "{app}: bookable: {overview}"
    );
    app.call_fn(&learner, BookExam { session_id: id })
        .await
        .unwrap();
    let detail = app
        .call_fn(
            &admin,
            StaffExamSession {
                session_id: id,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        detail["bookings"]["items"][0]["status"], "pending",
        "{app}: {detail}"
    );
    assert!(
        detail["bookings"]["items"][0]["id_number_masked"]
            .as_str()
            .unwrap()
            .contains('*'),
        "{app}"
    );
    app.call_fn(&admin, StaffAllocateSession { session_id: id })
        .await
        .unwrap();
    let detail = app
        .call_fn(
            &admin,
            StaffExamSession {
                session_id: id,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(detail["bookings"]["items"][0]["rank"], 1, "{app}: {detail}");
    assert_eq!(detail["session"]["allocated"], 1, "{app}");
    // Listed on one of the pages of sessions from today on.
    let mut listed = false;
    for page in 1..=20 {
        let desk = app
            .call_fn(
                &admin,
                StaffExamSessions {
                    page: Some(page.to_string()),
                },
            )
            .await
            .unwrap();
        let sessions = &desk["sessions"];
        listed |= sessions["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["session"]["id"] == id);
        if listed || sessions["page"] != page {
            break;
        }
    }
    assert!(listed, "{app}");
}
both_backends!(an_administrator_adds_a_session_learners_book_and_sees_the_ranks);

/// The learner's bookings (20 a page, newest first), one session's
/// bookings and the administrator's sessions (50 a page) come a page at a
/// time: every page but the last full, the total right, nothing repeated
/// or lost.
async fn booking_lists_come_a_page_at_a_time(app: TestApp) {
    use app::features::exams::api::{StaffExamSession, StaffExamSessions};
    let (client, me) = learner(&app).await;
    let pool = &app.platform.store.pool;
    let session: i64 = app.count("SELECT MIN(id) FROM exam_sessions").await;
    for i in 0..60_i64 {
        sqlx::query(
            "INSERT INTO exam_bookings (account_id, id_number, session_id, subject, priority, booked_at, status)
             SELECT id, id_number, $1, '1', '2026-01-01', $2, 'cancelled' FROM accounts WHERE id = $3",
        )
        .bind(session)
        .bind(1_780_000_000_000_i64 + i)
        .bind(me)
        .execute(pool)
        .await
        .unwrap();
    }
    let ids = |sql: &'static str, arg: i64| async move {
        sqlx::query(sql)
            .bind(arg)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<i64, _>("id").to_string())
            .collect::<Vec<_>>()
    };
    let expected = ids(
        "SELECT id FROM exam_bookings WHERE account_id = $1 ORDER BY id DESC",
        me,
    )
    .await;
    let (a, c) = (&app, &client);
    let rows = every_page(
        a,
        "my bookings",
        20,
        expected.len(),
        "id",
        |page| async move { a.call_fn(c, MyExams { page }).await.unwrap()["bookings"].clone() },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "my bookings", &rows, "id"),
        expected,
        "{app}"
    );

    let admin = logged_in(&app, "Administrator").await;
    let k = &admin;
    let in_session = ids(
        "SELECT id FROM exam_bookings WHERE session_id = $1
         ORDER BY CASE WHEN rank IS NULL THEN 1 ELSE 0 END, rank, priority, booked_at, id",
        session,
    )
    .await;
    let rows = every_page(
        a,
        "a session's bookings",
        50,
        in_session.len(),
        "id",
        |page| async move {
            a.call_fn(
                k,
                StaffExamSession {
                    session_id: session,
                    page,
                },
            )
            .await
            .unwrap()["bookings"]
                .clone()
        },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "a session's bookings", &rows, "id"),
        in_session,
        "{app}"
    );

    // The administrator's sessions from today on, by day.
    let today = Date::from_unix_seconds(app.clock.now_ms() / 1000, 8);
    let centre: i64 = app.count("SELECT MIN(id) FROM exam_centres").await;
    for i in 0..55_i64 {
        sqlx::query(
            "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at)
             VALUES ($1, '1', $2, '上午', 10, $3)",
        )
        .bind(centre)
        .bind(today.add_days(20 + i / 5).to_iso())
        .bind(app.clock.now_ms() + 86_400_000)
        .execute(pool)
        .await
        .unwrap();
    }
    let from_today: Vec<String> = sqlx::query(
        "SELECT id FROM exam_sessions WHERE day >= $1 ORDER BY day, centre_id, subject, id",
    )
    .bind(today.to_iso())
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<i64, _>("id").to_string())
    .collect();
    let rows = every_page(
        a,
        "sessions",
        50,
        from_today.len(),
        "session",
        |page| async move {
            a.call_fn(k, StaffExamSessions { page }).await.unwrap()["sessions"].clone()
        },
    )
    .await;
    let seen: Vec<String> = rows
        .iter()
        .map(|s| s["session"]["id"].to_string())
        .collect();
    assert_eq!(seen, from_today, "{app}");
}
both_backends!(booking_lists_come_a_page_at_a_time);
