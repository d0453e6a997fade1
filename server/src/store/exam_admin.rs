//! The administrator's exam sessions (考试场次管理) in the store: the
//! centres, the sessions from a day on with what was allocated, adding a
//! session, and one session's bookings with their ranks.

use super::exams::SessionRow;
use super::rows::date;
use super::{port, Store, StoreError, StoreResult};
use app::domain::exam::queue::QueueDay;
use app::domain::{Date, ResidentId};
use app::features::exams::{ExamSession, SessionBooking, SessionForAdmin};
use app::features::paging::{ListPage, PageRequest};
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct AdminRow {
    #[sqlx(flatten)]
    session: SessionRow,
    allocated: i64,
    allocated_at: Option<i64>,
}

impl TryFrom<AdminRow> for SessionForAdmin {
    type Error = StoreError;
    fn try_from(row: AdminRow) -> StoreResult<SessionForAdmin> {
        Ok(SessionForAdmin {
            session: ExamSession::try_from(row.session)?,
            allocated: row.allocated,
            allocated_at_ms: row.allocated_at,
        })
    }
}

macro_rules! admin_sessions {
    ($where:literal) => {
        concat!(
            "SELECT ",
            crate::session_columns!(),
            ", s.allocated, s.allocated_at FROM exam_sessions s JOIN exam_centres c ON c.id = s.centre_id WHERE ",
            $where
        )
    };
}

type BookingRow = (
    i64,
    Option<String>,
    String,
    String,
    i64,
    String,
    Option<i64>,
);

#[async_trait]
impl ExamSessionAdmin for Store {
    async fn centres(&self) -> PortResult<Vec<(i64, String)>> {
        port("centres", async {
            Ok(
                sqlx::query_as("SELECT id, name FROM exam_centres ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?,
            )
        })
        .await
    }

    async fn sessions_from(
        &self,
        from: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<SessionForAdmin>> {
        port("sessions_from", async {
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM exam_sessions WHERE day >= $1")
                    .bind(from.to_iso())
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<AdminRow> = sqlx::query_as(admin_sessions!(
                "s.day >= $1 ORDER BY s.day, s.centre_id, s.subject, s.id LIMIT $2 OFFSET $3"
            ))
            .bind(from.to_iso())
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            let items = rows
                .into_iter()
                .map(TryInto::try_into)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn session_queue(
        &self,
        session_id: i64,
    ) -> PortResult<Option<(SessionForAdmin, Vec<QueueDay>)>> {
        port("session_queue", async {
            let row: Option<AdminRow> = sqlx::query_as(admin_sessions!("s.id = $1"))
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let counts: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT priority, COUNT(*),
                   CAST(COALESCE(SUM(CASE WHEN status = 'allocated' THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM exam_bookings WHERE session_id = $1 AND status <> 'cancelled'
                 GROUP BY priority ORDER BY priority",
            )
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
            let days = counts
                .into_iter()
                .map(|(priority, booked, seated)| {
                    Ok(QueueDay {
                        priority: date("priority", &priority)?,
                        booked,
                        seated,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Some((row.try_into()?, days)))
        })
        .await
    }

    async fn add_session(&self, new: NewExamSession, actor: &Actor) -> PortResult<i64> {
        port("add_session", async {
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(new.centre_id)
            .bind(new.subject.code())
            .bind(new.day.to_iso())
            .bind(&new.period)
            .bind(new.capacity)
            .bind(new.closes_at_ms)
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "exam.session_added",
                &format!("exam_session:{id}"),
                &format!(
                    "centre {} subject {} {} {} seats {}",
                    new.centre_id,
                    new.subject.code(),
                    new.day,
                    new.period,
                    new.capacity
                ),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn session_detail(
        &self,
        session_id: i64,
        page: PageRequest,
    ) -> PortResult<Option<(SessionForAdmin, ListPage<SessionBooking>)>> {
        port("session_detail", async {
            let row: Option<AdminRow> = sqlx::query_as(admin_sessions!("s.id = $1"))
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM exam_bookings WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<BookingRow> = sqlx::query_as(
                "SELECT b.id, a.display_name, b.id_number, b.priority, b.booked_at, b.status, b.rank
                 FROM exam_bookings b LEFT JOIN accounts a ON a.id = b.account_id
                 WHERE b.session_id = $1
                 ORDER BY CASE WHEN b.rank IS NULL THEN 1 ELSE 0 END, b.rank, b.priority, b.booked_at, b.id
                 LIMIT $2 OFFSET $3",
            )
            .bind(session_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            let bookings = rows
                .into_iter()
                .map(|(id, name, id_number, priority, booked_at, status, rank)| {
                    Ok(SessionBooking {
                        id,
                        name: name.unwrap_or_default(),
                        id_number_masked: ResidentId::masked_or_stars(&id_number),
                        priority: date("booking priority", &priority)?,
                        booked_at_ms: booked_at,
                        status,
                        rank,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Some((
                SessionForAdmin::try_from(row)?,
                ListPage::new(bookings, total, page),
            )))
        })
        .await
    }
}
