//! Driving-test booking in the store. One open booking per learner and
//! subject is a unique partial index; a session is allocated once (its
//! `allocated_at` is claimed by a conditional update) and never above its
//! capacity (the CHECK on `allocated`); the order is `domain::exam::allocate`.

use super::rows::{coded, date};
use super::{port, Store, StoreError, StoreResult};
use app::domain::exam::{allocate, LearnerRecord, Request, Subject};
use app::domain::Date;
use app::features::exams::{ExamBooking, ExamSession};
use app::features::paging::{ListPage, PageRequest};
use app::ports::*;
use async_trait::async_trait;

/// An exam session with its centre and the number waiting.
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    id: i64,
    centre: String,
    subject: String,
    day: String,
    period: String,
    capacity: i64,
    closes_at: i64,
    waiting: i64,
}

impl TryFrom<SessionRow> for ExamSession {
    type Error = StoreError;
    fn try_from(row: SessionRow) -> StoreResult<ExamSession> {
        Ok(ExamSession {
            id: row.id,
            centre: row.centre,
            subject: coded("subject", &row.subject, Subject::from_code)?,
            day: date("session day", &row.day)?,
            period: row.period,
            capacity: row.capacity,
            closes_at_ms: row.closes_at,
            waiting: row.waiting,
        })
    }
}

/// A booking of the account with its session.
#[derive(sqlx::FromRow)]
struct BookingRow {
    booking_id: i64,
    status: String,
    rank: Option<i64>,
    priority: String,
    booked_at: i64,
    #[sqlx(flatten)]
    session: SessionRow,
}

/// The columns of [`SessionRow`] (a macro so that queries stay static).
#[macro_export]
#[doc(hidden)]
macro_rules! session_columns {
    () => {
        "s.id, c.name AS centre, s.subject, s.day, s.period, s.capacity, s.closes_at,
         (SELECT COUNT(*) FROM exam_bookings b WHERE b.session_id = s.id AND b.status = 'pending') AS waiting"
    };
}

impl Store {
    /// Allocates one session whose booking is closed, if nobody did yet.
    async fn allocate_session(&self, session_id: i64, now_ms: i64) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE exam_sessions SET allocated_at = $1 WHERE id = $2 AND allocated_at IS NULL AND closes_at <= $1",
        )
        .bind(now_ms)
        .bind(session_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(0);
        }
        let capacity: i64 = sqlx::query_scalar("SELECT capacity FROM exam_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?;
        let pending: Vec<(i64, i64, String, i64)> = sqlx::query_as("SELECT id, account_id, priority, booked_at FROM exam_bookings WHERE session_id = $1 AND status = 'pending'")
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut requests = Vec::new();
        let mut accounts = std::collections::HashMap::new();
        for (id, account_id, priority, booked_at) in pending {
            accounts.insert(id, account_id);
            requests.push(Request {
                booking_id: id,
                priority: Date::parse_iso(&priority).unwrap_or(Date::from_days_since_epoch(0)),
                booked_at_ms: booked_at,
            });
        }
        let (yes, no) = allocate(capacity.max(0) as usize, requests);
        for (rank, id) in yes.iter().chain(no.iter()).enumerate() {
            let status = if rank < yes.len() {
                "allocated"
            } else {
                "not_allocated"
            };
            sqlx::query("UPDATE exam_bookings SET status = $1, rank = $2 WHERE id = $3 AND status = 'pending'")
                .bind(status)
                .bind(rank as i64 + 1)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let notice = app::domain::Sms::exam_result(status == "allocated", session_id, rank + 1);
            if let Some(account) = accounts.get(id) {
                Store::notify_in(&mut tx, *account, &notice, "/account/exams", now_ms).await?;
            }
        }
        sqlx::query("UPDATE exam_sessions SET allocated = $1 WHERE id = $2")
            .bind(yes.len() as i64)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        let system = Actor {
            account_id: None,
            ip: "scheduler".into(),
            operator_id: None,
            api_key: None,
        };
        self.audit_in(
            &mut tx,
            &system,
            "exam.allocate",
            &format!("session:{session_id}"),
            &format!(
                "{} of {} allocated, capacity {capacity}",
                yes.len(),
                yes.len() + no.len()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(yes.len())
    }
}

impl Store {
    /// A pending booking's place in its session's queue now: those ahead
    /// by priority date, then by booking time (then id).
    pub(super) async fn queue_place(
        &self,
        session_id: i64,
        priority: &str,
        booked_at: i64,
        booking_id: i64,
    ) -> StoreResult<i64> {
        let ahead: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM exam_bookings WHERE session_id = $1 AND status = 'pending'
               AND (priority < $2 OR (priority = $2 AND (booked_at < $3 OR (booked_at = $3 AND id < $4))))",
        )
        .bind(session_id)
        .bind(priority)
        .bind(booked_at)
        .bind(booking_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ahead + 1)
    }
}

#[async_trait]
impl ExamBookings for Store {
    async fn record(&self, id_number: &str) -> PortResult<Option<LearnerRecord>> {
        port("record", async {
            let row: Option<(String, String)> = sqlx::query_as(
                "SELECT permit_issued, permit_valid_until FROM learner_records WHERE id_number = $1",
            )
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
            let Some((issued, valid_until)) = row else {
                return Ok(None);
            };
            let mut record = LearnerRecord {
                permit_issued: Date::parse_iso(&issued),
                permit_valid_until: Date::parse_iso(&valid_until),
                ..Default::default()
            };
            let results: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT subject, day, passed FROM exam_results WHERE id_number = $1 ORDER BY day",
            )
            .bind(id_number)
            .fetch_all(&self.pool)
            .await?;
            for (subject, day, passed) in results {
                let (Some(s), Some(d)) = (Subject::from_code(&subject), Date::parse_iso(&day)) else {
                    continue;
                };
                if passed == 1 {
                    record.passed.push((s, d));
                } else {
                    record.failed.retain(|(f, _)| *f != s);
                    record.failed.push((s, d));
                }
            }
            let counts: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT subject, status, COUNT(*) AS n FROM exam_bookings WHERE id_number = $1 AND status <> 'cancelled' GROUP BY subject, status",
            )
            .bind(id_number)
            .fetch_all(&self.pool)
            .await?;
            for (subject, status, n) in counts {
                let Some(s) = Subject::from_code(&subject) else { continue };
                match record.bookings.iter_mut().find(|(x, _)| *x == s) {
                    Some((_, total)) => *total += n as u32,
                    None => record.bookings.push((s, n as u32)),
                }
                if status == "pending" || status == "allocated" {
                    record.pending.push(s);
                }
            }
            Ok(Some(record))
        })
        .await
    }

    async fn open_sessions(&self, now_ms: i64) -> PortResult<Vec<ExamSession>> {
        port("open_sessions", async {
            let rows: Vec<SessionRow> = sqlx::query_as(concat!(
                "SELECT ",
                session_columns!(),
                " FROM exam_sessions s JOIN exam_centres c ON c.id = s.centre_id
                 WHERE s.closes_at > $1 AND s.allocated_at IS NULL ORDER BY s.day, s.subject, s.id"
            ))
            .bind(now_ms)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(TryInto::try_into).collect()
        })
        .await
    }

    async fn book(
        &self,
        account_id: i64,
        id_number: &str,
        session: &ExamSession,
        priority: Date,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        port("book", async {
            let mut tx = self.begin_write().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO exam_bookings (account_id, id_number, session_id, subject, priority, booked_at, status)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(account_id)
            .bind(id_number)
            .bind(session.id)
            .bind(session.subject.code())
            .bind(priority.to_iso())
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else { return Ok(None) };
            self.audit_in(
                &mut tx,
                actor,
                "exam.book",
                &format!("account:{account_id}"),
                &format!("session {} subject {}", session.id, session.subject.code()),
            )
            .await?;
            Store::notify_in(
                &mut tx,
                account_id,
                &app::domain::Sms::exam_booked(
                    session.subject.zh(),
                    &session.day.to_string(),
                    &session.period,
                ),
                "/account/exams",
                now_ms,
            )
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        })
        .await
    }

    async fn cancel(&self, account_id: i64, booking_id: i64, actor: &Actor) -> PortResult<bool> {
        port("cancel", async {
            let mut tx = self.begin_write().await?;
            let done = sqlx::query("UPDATE exam_bookings SET status = 'cancelled' WHERE id = $1 AND account_id = $2 AND status = 'pending'")
                .bind(booking_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 1 {
                self.audit_in(
                    &mut tx,
                    actor,
                    "exam.cancel",
                    &format!("account:{account_id}"),
                    &format!("booking {booking_id}"),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(done == 1)
        })
        .await
    }

    async fn bookings(
        &self,
        account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<ExamBooking>> {
        port("bookings", async {
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM exam_bookings WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<BookingRow> = sqlx::query_as(concat!(
                "SELECT b.id AS booking_id, b.status, b.rank, b.priority, b.booked_at, ",
                session_columns!(),
                " FROM exam_bookings b JOIN exam_sessions s ON s.id = b.session_id JOIN exam_centres c ON c.id = s.centre_id
                 WHERE b.account_id = $1 ORDER BY b.id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(account_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            let mut out = Vec::new();
            for row in rows {
                let session: ExamSession = row.session.try_into()?;
                let rank = if row.status == "pending" {
                    Some(
                        self.queue_place(session.id, &row.priority, row.booked_at, row.booking_id)
                            .await?,
                    )
                } else {
                    row.rank
                };
                out.push(ExamBooking {
                    id: row.booking_id,
                    session,
                    status: row.status,
                    rank,
                });
            }
            Ok(ListPage::new(out, total, page))
        })
        .await
    }

    async fn allocate_closed(&self, now_ms: i64) -> PortResult<usize> {
        port("allocate_closed", async {
            let due: Vec<i64> = sqlx::query_scalar("SELECT id FROM exam_sessions WHERE allocated_at IS NULL AND closes_at <= $1 ORDER BY id")
                .bind(now_ms)
                .fetch_all(&self.pool)
                .await?;
            let mut n = 0;
            for id in due {
                if self.allocate_session(id, now_ms).await? > 0 {
                    n += 1;
                }
            }
            Ok(n)
        })
        .await
    }

    async fn close_and_allocate(&self, session_id: i64, now_ms: i64) -> PortResult<usize> {
        port("close_and_allocate", async {
            sqlx::query("UPDATE exam_sessions SET closes_at = $1 WHERE id = $2 AND allocated_at IS NULL AND closes_at > $1")
                .bind(now_ms)
                .bind(session_id)
                .execute(&self.pool)
                .await?;
            self.allocate_session(session_id, now_ms).await
        })
        .await
    }
}
