//! Driving-test booking in the store. One open booking per learner and
//! subject is a unique partial index; a session is allocated once (its
//! `allocated_at` is claimed by a conditional update) and never above its
//! capacity (the CHECK on `allocated`); the order is `domain::exam::allocate`.

use super::{db_error, Store};
use app::api::exams::{ExamBooking, ExamSession};
use app::domain::exam::{allocate, LearnerRecord, Request, Subject};
use app::domain::Date;
use app::ports::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

const SESSION_COLUMNS: &str = "s.id, c.name AS centre, s.subject, s.day, s.period, s.capacity, s.closes_at,
    (SELECT COUNT(*) FROM exam_bookings b WHERE b.session_id = s.id AND b.status = 'pending') AS waiting";

fn session(r: &AnyRow) -> Result<ExamSession, sqlx::Error> {
    let subject: String = r.try_get("subject")?;
    let day: String = r.try_get("day")?;
    Ok(ExamSession {
        id: r.try_get("id")?,
        centre: r.try_get("centre")?,
        subject: Subject::from_code(&subject)
            .ok_or_else(|| sqlx::Error::ColumnNotFound("subject".into()))?,
        day: Date::parse_iso(&day).ok_or_else(|| sqlx::Error::ColumnNotFound("day".into()))?,
        period: r.try_get("period")?,
        capacity: r.try_get("capacity")?,
        closes_at_ms: r.try_get("closes_at")?,
        waiting: r.try_get("waiting")?,
    })
}

impl Store {
    /// Allocates one session whose booking is closed, if nobody did yet.
    async fn allocate_session(&self, session_id: i64, now_ms: i64) -> PortResult<usize> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE exam_sessions SET allocated_at = $1 WHERE id = $2 AND allocated_at IS NULL AND closes_at <= $1",
        )
        .bind(now_ms)
        .bind(session_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("claim session"))?
        .rows_affected();
        if claimed == 0 {
            return Ok(0);
        }
        let capacity: i64 = sqlx::query("SELECT capacity FROM exam_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("capacity"))
            .map_err(db_error("load capacity"))?;
        let pending = sqlx::query("SELECT id, account_id, priority, booked_at FROM exam_bookings WHERE session_id = $1 AND status = 'pending'")
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error("load pending bookings"))?;
        let mut requests = Vec::new();
        let mut accounts = std::collections::HashMap::new();
        for r in &pending {
            let id: i64 = r.try_get("id").map_err(db_error("read booking"))?;
            let priority: String = r.try_get("priority").map_err(db_error("read booking"))?;
            accounts.insert(
                id,
                r.try_get::<i64, _>("account_id")
                    .map_err(db_error("read booking"))?,
            );
            requests.push(Request {
                booking_id: id,
                priority: Date::parse_iso(&priority).unwrap_or(Date::from_days_since_epoch(0)),
                booked_at_ms: r.try_get("booked_at").map_err(db_error("read booking"))?,
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
                .await
                .map_err(db_error("allocate booking"))?;
            let (title, body) = if status == "allocated" {
                (
                    "考试预约成功",
                    format!(
                        "您预约的考试（场次{session_id}）已约上，排序第{}名，请按时参加考试。",
                        rank + 1
                    ),
                )
            } else {
                ("考试预约未成功", format!("您预约的考试（场次{session_id}）名额已满，排序第{}名，未约上，请重新预约。", rank + 1))
            };
            if let Some(account) = accounts.get(id) {
                Store::notify_in(&mut tx, *account, title, &body, "/account/exams", now_ms).await?;
            }
        }
        sqlx::query("UPDATE exam_sessions SET allocated = $1 WHERE id = $2")
            .bind(yes.len() as i64)
            .bind(session_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("record allocation"))?;
        let system = Actor {
            account_id: None,
            ip: "scheduler".into(),
        };
        Store::audit_in(
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
        tx.commit().await.map_err(db_error("commit allocation"))?;
        Ok(yes.len())
    }
}

#[async_trait]
impl ExamBookings for Store {
    async fn record(&self, id_number: &str) -> PortResult<Option<LearnerRecord>> {
        let row = sqlx::query(
            "SELECT permit_issued, permit_valid_until FROM learner_records WHERE id_number = $1",
        )
        .bind(id_number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load learner"))?;
        let Some(row) = row else { return Ok(None) };
        let date = |c: &str| -> PortResult<Option<Date>> {
            let text: String = row.try_get(c).map_err(db_error("read learner"))?;
            Ok(Date::parse_iso(&text))
        };
        let mut record = LearnerRecord {
            permit_issued: date("permit_issued")?,
            permit_valid_until: date("permit_valid_until")?,
            ..Default::default()
        };
        for r in sqlx::query(
            "SELECT subject, day, passed FROM exam_results WHERE id_number = $1 ORDER BY day",
        )
        .bind(id_number)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("load results"))?
        {
            let subject: String = r.try_get("subject").map_err(db_error("read result"))?;
            let day: String = r.try_get("day").map_err(db_error("read result"))?;
            let (Some(s), Some(d)) = (Subject::from_code(&subject), Date::parse_iso(&day)) else {
                continue;
            };
            if r.try_get::<i64, _>("passed")
                .map_err(db_error("read result"))?
                == 1
            {
                record.passed.push((s, d));
            } else {
                record.failed.retain(|(f, _)| *f != s);
                record.failed.push((s, d));
            }
        }
        for r in sqlx::query(
            "SELECT subject, status, COUNT(*) AS n FROM exam_bookings WHERE id_number = $1 AND status <> 'cancelled' GROUP BY subject, status",
        )
        .bind(id_number)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("count bookings"))?
        {
            let subject: String = r.try_get("subject").map_err(db_error("read count"))?;
            let status: String = r.try_get("status").map_err(db_error("read count"))?;
            let n: i64 = r.try_get("n").map_err(db_error("read count"))?;
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
    }

    async fn open_sessions(&self, now_ms: i64) -> PortResult<Vec<ExamSession>> {
        sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM exam_sessions s JOIN exam_centres c ON c.id = s.centre_id
             WHERE s.closes_at > $1 AND s.allocated_at IS NULL ORDER BY s.day, s.subject, s.id"
        ))
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list sessions"))?
        .iter()
        .map(session)
        .collect::<Result<_, _>>()
        .map_err(db_error("read session"))
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
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
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
        .await
        .map_err(db_error("book exam"))?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id").map_err(db_error("read booking id"))?;
        Store::audit_in(
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
            "考试预约已提交",
            &format!(
                "您已预约{}（{} {}），预约截止后按受理日期先后分配名额，请留意结果。",
                session.subject.zh(),
                session.day,
                session.period
            ),
            "/account/exams",
            now_ms,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit booking"))?;
        Ok(Some(id))
    }

    async fn cancel(&self, account_id: i64, booking_id: i64, actor: &Actor) -> PortResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE exam_bookings SET status = 'cancelled' WHERE id = $1 AND account_id = $2 AND status = 'pending'")
            .bind(booking_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("cancel booking"))?
            .rows_affected();
        if done == 1 {
            Store::audit_in(
                &mut tx,
                actor,
                "exam.cancel",
                &format!("account:{account_id}"),
                &format!("booking {booking_id}"),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error("commit cancel"))?;
        Ok(done == 1)
    }

    async fn bookings(&self, account_id: i64) -> PortResult<Vec<ExamBooking>> {
        let rows = sqlx::query(&format!(
            "SELECT b.id AS booking_id, b.status, b.rank, b.priority, b.booked_at, {SESSION_COLUMNS}
             FROM exam_bookings b JOIN exam_sessions s ON s.id = b.session_id JOIN exam_centres c ON c.id = s.centre_id
             WHERE b.account_id = $1 ORDER BY b.id DESC"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list bookings"))?;
        let mut out = Vec::new();
        for r in &rows {
            let status: String = r.try_get("status").map_err(db_error("read booking"))?;
            let id: i64 = r.try_get("booking_id").map_err(db_error("read booking"))?;
            let session = session(r).map_err(db_error("read session"))?;
            let rank = if status == "pending" {
                // The place in the queue now: those ahead by priority, then time.
                let priority: String = r.try_get("priority").map_err(db_error("read booking"))?;
                let booked_at: i64 = r.try_get("booked_at").map_err(db_error("read booking"))?;
                let ahead: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM exam_bookings WHERE session_id = $1 AND status = 'pending'
                       AND (priority < $2 OR (priority = $2 AND (booked_at < $3 OR (booked_at = $3 AND id < $4))))",
                )
                .bind(session.id)
                .bind(&priority)
                .bind(booked_at)
                .bind(id)
                .fetch_one(&self.pool)
                .await
                .and_then(|x| x.try_get("n"))
                .map_err(db_error("rank"))?;
                Some(ahead + 1)
            } else {
                r.try_get("rank").map_err(db_error("read rank"))?
            };
            out.push(ExamBooking {
                id,
                session,
                status,
                rank,
            });
        }
        Ok(out)
    }

    async fn allocate_closed(&self, now_ms: i64) -> PortResult<usize> {
        let due: Vec<i64> = sqlx::query("SELECT id FROM exam_sessions WHERE allocated_at IS NULL AND closes_at <= $1 ORDER BY id")
            .bind(now_ms)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("find closed sessions"))?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()
            .map_err(db_error("read session id"))?;
        let mut n = 0;
        for id in due {
            if self.allocate_session(id, now_ms).await? > 0 {
                n += 1;
            }
        }
        Ok(n)
    }

    async fn close_and_allocate(&self, session_id: i64, now_ms: i64) -> PortResult<usize> {
        sqlx::query("UPDATE exam_sessions SET closes_at = $1 WHERE id = $2 AND allocated_at IS NULL AND closes_at > $1")
            .bind(now_ms)
            .bind(session_id)
            .execute(&self.pool)
            .await
            .map_err(db_error("close session"))?;
        self.allocate_session(session_id, now_ms).await
    }
}
