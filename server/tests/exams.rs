//! Driving-test booking on both databases: the rules, one open booking per
//! subject, cancellation, ranks, allocation by priority within capacity,
//! once however many servers allocate at once.

mod common;
use app::domain::Date;
use app::ports::{Actor, ExamBookings};
use common::*;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_books_within_the_rules_and_may_cancel_while_pending() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, _) = learner(&app).await;
        let overview = app.call_with(&client, "exams/overview", &[]).await.unwrap();
        let (s1, ok1) = session_of(&overview, "One");
        let (s2, ok2) = session_of(&overview, "Two");
        assert!(ok1, "{backend}: subject 1 is open to a new learner");
        assert!(!ok2, "{backend}: subject 2 needs subject 1");
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
            "{backend}: the list says why, so the page can group the sessions by reason"
        );
        let err = app
            .call_with(&client, "exams/book", &[("session_id", &s2.to_string())])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

        let booking = app
            .call_with(&client, "exams/book", &[("session_id", &s1.to_string())])
            .await
            .unwrap();
        let err = app
            .call_with(&client, "exams/book", &[("session_id", &s1.to_string())])
            .await
            .unwrap_err();
        assert_eq!(
            kind(&err),
            "NotAllowed",
            "{backend}: one open booking per subject"
        );
        let overview = app.call_with(&client, "exams/overview", &[]).await.unwrap();
        assert_eq!(overview["bookings"][0]["status"], "pending", "{backend}");
        assert_eq!(
            overview["bookings"][0]["rank"], 1,
            "{backend}: first in the queue"
        );

        app.call_with(
            &client,
            "exams/cancel",
            &[("booking_id", &booking.to_string())],
        )
        .await
        .expect("cancel while pending");
        app.call_with(&client, "exams/book", &[("session_id", &s1.to_string())])
            .await
            .expect("book again");

        // After allocation the learner sees the result; cancelling is over.
        let clerk = new_client();
        let (c, p) = app.demo_login("Window clerk");
        app.login(&clerk, &c, &p).await.unwrap();
        let err = app
            .call_with(
                &client,
                "staff/exams/allocate",
                &[("session_id", &s1.to_string())],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: staff only");
        app.call_with(
            &clerk,
            "staff/exams/allocate",
            &[("session_id", &s1.to_string())],
        )
        .await
        .unwrap();
        let overview = app.call_with(&client, "exams/overview", &[]).await.unwrap();
        assert_eq!(
            overview["bookings"][0]["status"], "allocated",
            "{backend}: {overview}"
        );
        let id = overview["bookings"][0]["id"].as_i64().unwrap().to_string();
        let err = app
            .call_with(&client, "exams/cancel", &[("booking_id", &id)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seats_go_by_priority_date_never_above_capacity_and_once() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (_, account) = learner(&app).await;
        let store = app.platform.store.clone();
        let now = server::clock::unix_ms();
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
        let actor = Actor {
            account_id: Some(account),
            ip: "test".into(),
        };
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
            assert!(booked.is_some(), "{backend}");
        }
        // Booking the same subject twice at once: one wins.
        let (a, b) = tokio::join!(
            store.book(account, "LEARNER00", &session, base, now, &actor),
            store.book(account, "LEARNER00", &session, base, now, &actor)
        );
        assert!(
            a.unwrap().is_none() && b.unwrap().is_none(),
            "{backend}: already pending"
        );

        // Three servers allocate at the same moment, after closing.
        let later = now + 3_600_001;
        let runs: Vec<_> = (0..3)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.allocate_closed(later).await })
            })
            .collect();
        let mut sessions = 0;
        for r in runs {
            sessions += r.await.unwrap().unwrap();
        }
        assert!(sessions >= 1, "{backend}");
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
            "{backend}: earliest dates first"
        );
        let audited = app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.allocate' AND subject = 'session:{session_id}'")).await;
        assert_eq!(audited, 1, "{backend}: allocated once");
        let over = app
            .count("SELECT COUNT(*) FROM exam_sessions WHERE allocated > capacity")
            .await;
        assert_eq!(over, 0, "{backend}");
        let not = app.count(&format!("SELECT COUNT(*) FROM exam_bookings WHERE session_id = {session_id} AND status = 'not_allocated'")).await;
        assert_eq!(not, 5, "{backend}");
    }
}
