//! Driving-test booking (驾考预约, D12): open sessions, booking within the
//! rules (`domain::exam`), the learner's rank while bookings are collected,
//! cancellation while pending, and the result after allocation.

use crate::domain::exam::{BookingRefusal, LearnerRecord, Subject};
use crate::domain::Date;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A test session (考试场次).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSession {
    pub id: i64,
    pub centre: String,
    pub subject: Subject,
    pub day: Date,
    pub period: String,
    pub capacity: i64,
    pub closes_at_ms: i64,
    /// Bookings waiting so far.
    pub waiting: i64,
}

/// One of the learner's bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamBooking {
    pub id: i64,
    pub session: ExamSession,
    /// pending, allocated, not_allocated or cancelled.
    pub status: String,
    /// The place in the queue while pending; the final rank after.
    pub rank: Option<i64>,
}

/// Everything the booking page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamOverview {
    pub record: Option<LearnerRecord>,
    /// Every open session, with the reason this learner cannot book it.
    pub sessions: Vec<(ExamSession, Option<BookingRefusal>)>,
    pub bookings: Vec<ExamBooking>,
}

#[server(prefix = "/api", endpoint = "exams/overview")]
pub async fn my_exams() -> Result<ExamOverview, AppError> {
    use super::server::*;
    use crate::domain::exam::may_book;
    let ports = ports()?;
    let (account, id) = learner().await?;
    let now = ports.clock.now_ms();
    let today = ports.clock.today();
    let record = ports
        .exams
        .record(&id)
        .await
        .map_err(port("load learner"))?;
    let sessions = ports
        .exams
        .open_sessions(now)
        .await
        .map_err(port("list sessions"))?
        .into_iter()
        .map(|s| {
            let refusal = match &record {
                Some(r) => may_book(r, s.subject, s.day, today).err(),
                None => Some(BookingRefusal::NoPermit),
            };
            (s, refusal)
        })
        .collect();
    let bookings = ports
        .exams
        .bookings(account.account_id)
        .await
        .map_err(port("list bookings"))?;
    Ok(ExamOverview {
        record,
        sessions,
        bookings,
    })
}

/// Books a session; checked against the learner's file on the server.
#[server(prefix = "/api", endpoint = "exams/book")]
pub async fn book_exam(session_id: i64) -> Result<i64, AppError> {
    use super::server::*;
    use crate::domain::exam::{may_book, priority_date};
    use crate::i18n::Text;
    let ports = ports()?;
    let (account, id) = learner().await?;
    let now = ports.clock.now_ms();
    let session = ports
        .exams
        .open_sessions(now)
        .await
        .map_err(port("list sessions"))?
        .into_iter()
        .find(|s| s.id == session_id)
        .ok_or_else(|| {
            AppError::Conflict(Text::new(
                "该场次已停止预约或不存在。",
                "That session is closed for booking or does not exist.",
            ))
        })?;
    let record = ports
        .exams
        .record(&id)
        .await
        .map_err(port("load learner"))?
        .ok_or_else(|| refusal(crate::domain::exam::BookingRefusal::NoPermit))?;
    may_book(&record, session.subject, session.day, ports.clock.today()).map_err(refusal)?;
    let priority = priority_date(&record, session.subject).unwrap_or(ports.clock.today());
    let booking = ports
        .exams
        .book(account.account_id, &id, &session, priority, now, &actor())
        .await
        .map_err(port("book exam"))?
        .ok_or_else(|| refusal(crate::domain::exam::BookingRefusal::AlreadyPending))?;
    redirect_to("/account/exams?booked=1");
    Ok(booking)
}

/// Cancels a booking that is still waiting for allocation.
#[server(prefix = "/api", endpoint = "exams/cancel")]
pub async fn cancel_exam(booking_id: i64) -> Result<(), AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    let (account, _) = learner().await?;
    let done = ports
        .exams
        .cancel(account.account_id, booking_id, &actor())
        .await
        .map_err(port("cancel booking"))?;
    if !done {
        return Err(AppError::Conflict(Text::new(
            "只能取消尚未分配的预约。",
            "Only a booking still waiting for allocation can be cancelled.",
        )));
    }
    redirect_to("/account/exams?cancelled=1");
    Ok(())
}

/// Staff: closes a session's booking now and allocates its seats.
#[server(prefix = "/api", endpoint = "staff/exams/allocate")]
pub async fn staff_allocate_session(session_id: i64) -> Result<usize, AppError> {
    use super::server::*;
    let ports = ports()?;
    require_staff()?;
    let n = ports
        .exams
        .close_and_allocate(session_id, ports.clock.now_ms())
        .await
        .map_err(port("allocate session"))?;
    Ok(n)
}

#[cfg(feature = "ssr")]
fn refusal(r: crate::domain::exam::BookingRefusal) -> AppError {
    use crate::i18n::Text;
    AppError::not_allowed(
        Text::new(r.zh(), r.en()),
        Text::new(
            "如有疑问请咨询驾校或车辆管理所。",
            "Ask your driving school or the vehicle office if in doubt.",
        ),
    )
}

#[cfg(feature = "ssr")]
async fn learner() -> Result<(super::SessionAccount, String), AppError> {
    use super::server::*;
    use crate::domain::{may_use, ServiceCode};
    let ports = ports()?;
    let account = require_account()?;
    let actor = account.service_actor().ok_or_else(|| {
        AppError::not_allowed(
            crate::i18n::Text::new(
                "民警账户不能预约考试。",
                "Staff accounts do not book tests.",
            ),
            crate::i18n::Text::new("请使用学员账户。", "Use the learner's account."),
        )
    })?;
    may_use(&actor, ServiceCode::D12, ports.clock.today())?;
    match ports
        .bindings
        .account_owner(account.account_id)
        .await
        .map_err(port("load owner"))?
    {
        Some(crate::ports::OwnerKey::Person(id)) => Ok((account, id)),
        _ => Err(AppError::not_allowed(
            crate::i18n::Text::new(
                "驾考预约只面向学员本人。",
                "Test booking is for learners themselves.",
            ),
            crate::i18n::Text::new("请使用学员本人的账户。", "Use the learner's own account."),
        )),
    }
}
