//! Booking a driving test: who is a learner, and booking within the rules.

use super::{ExamOverview, ExamSession};
use crate::domain::exam::{may_book, priority_date, BookingRefusal};
use crate::domain::{may_use, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::OwnerKey;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The learner's ID number, if the account may book tests (D12).
pub async fn learner(ports: &Ports, account: &SessionAccount) -> Result<String, AppError> {
    let actor = account.service_actor().ok_or_else(|| {
        AppError::not_allowed(
            Text::new(
                "民警账户不能预约考试。",
                "Staff accounts do not book tests.",
            ),
            Text::new("请使用学员账户。", "Use the learner's account."),
        )
    })?;
    may_use(&actor, ServiceCode::D12, ports.clock.today())?;
    match ports.bindings.account_owner(account.account_id).await? {
        Some(OwnerKey::Person(id)) => Ok(id),
        _ => Err(AppError::not_allowed(
            Text::new(
                "驾考预约只面向学员本人。",
                "Test booking is for learners themselves.",
            ),
            Text::new("请使用学员本人的账户。", "Use the learner's own account."),
        )),
    }
}

/// The learner's file, every open session with the reason it cannot be
/// booked (if so), and the learner's bookings.
pub async fn overview(
    ports: &Ports,
    account_id: i64,
    id_number: &str,
) -> Result<ExamOverview, AppError> {
    let now = ports.clock.now_ms();
    let today = ports.clock.today();
    let record = ports.exams.record(id_number).await?;
    let sessions = ports
        .exams
        .open_sessions(now)
        .await?
        .into_iter()
        .map(|s| {
            let refusal = match &record {
                Some(r) => may_book(r, s.subject, s.day, today).err(),
                None => Some(BookingRefusal::NoPermit),
            };
            (s, refusal)
        })
        .collect();
    let bookings = ports.exams.bookings(account_id).await?;
    Ok(ExamOverview {
        record,
        sessions,
        bookings,
    })
}

/// Books a session, checked against the learner's file; answers the
/// booking's id.
pub async fn book(
    ports: &Ports,
    account_id: i64,
    id_number: &str,
    session_id: i64,
    actor: &Actor,
) -> Result<i64, AppError> {
    let now = ports.clock.now_ms();
    let session: ExamSession = ports
        .exams
        .open_sessions(now)
        .await?
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
        .record(id_number)
        .await?
        .ok_or_else(|| refusal(BookingRefusal::NoPermit))?;
    let today = ports.clock.today();
    may_book(&record, session.subject, session.day, today).map_err(refusal)?;
    let priority = priority_date(&record, session.subject).unwrap_or(today);
    ports
        .exams
        .book(account_id, id_number, &session, priority, now, actor)
        .await?
        .ok_or_else(|| refusal(BookingRefusal::AlreadyPending))
}

fn refusal(r: BookingRefusal) -> AppError {
    AppError::not_allowed(
        Text::new(r.zh(), r.en()),
        Text::new(
            "如有疑问请咨询驾校或车辆管理所。",
            "Ask your driving school or the vehicle office if in doubt.",
        ),
    )
}
