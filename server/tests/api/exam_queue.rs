//! The open queue (考试名额分配公示) as anyone sees it, after a real
//! allocation (`exams.rs`): the bookings and seats by date are what the
//! database holds, and no one's number shows, in the answer or the page.

use crate::helpers::*;
use app::domain::Date;
use app::features::exams::queue::OpenQueue;

/// Checks the session's queue against the database; the seats went up to
/// `last_seated`.
pub(crate) async fn matches_the_database(app: &TestApp, session_id: i64, last_seated: Date) {
    // The open queue (考试名额分配公示), to anyone: what the database holds
    // by date, and no one's number.
    let visitor = new_client();
    let queue = app
        .call_fn(&visitor, OpenQueue { session_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: the open queue: {e}"));
    let shown: app::features::exams::queue::SessionQueue =
        serde_json::from_value(queue.clone()).unwrap();
    let by_date: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT priority, COUNT(*), CAST(SUM(CASE WHEN status = 'allocated' THEN 1 ELSE 0 END) AS BIGINT)
         FROM exam_bookings WHERE session_id = $1 AND status <> 'cancelled' GROUP BY priority ORDER BY priority",
    )
    .bind(session_id)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap();
    let told: Vec<(String, i64, i64)> = shown
        .days
        .iter()
        .map(|d| (d.priority.to_string(), d.booked, d.seated))
        .collect();
    assert_eq!(told, by_date, "{app}: the queue is the database's");
    assert_eq!((shown.booked, shown.session.allocated), (9, 3), "{app}");
    assert_eq!(shown.last_seated, Some(last_seated), "{app}");
    assert!(shown.by_rank, "{app}");
    let text = queue.to_string();
    assert!(
        !text.contains("LEARNER") && !text.contains("RACER"),
        "{app}: no one's number: {text}"
    );
    let page = visitor
        .get(format!("{}/exams/queue/{session_id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("按顺序分配"), "{app}");
    assert!(!page.contains("LEARNER"), "{app}");
    let err = app
        .call_fn(
            &visitor,
            OpenQueue {
                session_id: 999_999,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
}
