//! Booking a driving test (驾考预约, D12): who is a learner, booking within
//! the rules (`domain::exam`), and cancelling while pending. Unit-tested
//! against in-memory fakes of the ports (`service/tests.rs`).

use super::port::ExamBookings;
use super::{ExamOverview, ExamSession};
use crate::domain::exam::{may_book, priority_date, BookingRefusal};
use crate::domain::{may_use, Date, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::Bindings;
use crate::features::paging::PageRequest;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

#[cfg(test)]
mod tests;

/// The test-booking desk (考试预约): the bookings store, who the account is
/// in the registry, and the time.
pub struct ExamDesk<'a> {
    pub exams: &'a dyn ExamBookings,
    pub bindings: &'a dyn Bindings,
    pub now_ms: i64,
    pub today: Date,
}

impl<'a> ExamDesk<'a> {
    pub fn of(ports: &'a Ports) -> ExamDesk<'a> {
        ExamDesk {
            exams: &*ports.exams,
            bindings: &*ports.bindings,
            now_ms: ports.clock.now_ms(),
            today: ports.clock.today(),
        }
    }

    /// The learner's ID number, if the account may book tests (D12).
    pub async fn learner(&self, account: &SessionAccount) -> Result<String, AppError> {
        let actor = account.service_actor().ok_or_else(|| {
            AppError::not_allowed(
                Text::new(
                    "民警账户不能预约考试。",
                    "Staff accounts do not book tests.",
                ),
                Text::new("请使用学员账户。", "Use the learner's account."),
            )
        })?;
        may_use(&actor, ServiceCode::D12, self.today)?;
        match account.person_id() {
            Some(id) => Ok(id.to_string()),
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
        &self,
        account: &SessionAccount,
        page: PageRequest,
    ) -> Result<ExamOverview, AppError> {
        let id_number = self.learner(account).await?;
        let record = self.exams.record(&id_number).await?;
        let sessions = self
            .exams
            .open_sessions(self.now_ms)
            .await?
            .into_iter()
            .map(|s| {
                let refusal = match &record {
                    Some(r) => may_book(r, s.subject, s.day, self.today).err(),
                    None => Some(BookingRefusal::NoPermit),
                };
                (s, refusal)
            })
            .collect();
        let bookings = self.exams.bookings(account.account_id, page).await?;
        Ok(ExamOverview {
            record,
            sessions,
            bookings,
        })
    }

    /// Books a session, checked against the learner's file; answers the
    /// booking's id. The queue is ordered by the subject's priority date.
    pub async fn book(
        &self,
        account: &SessionAccount,
        session_id: i64,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let id_number = self.learner(account).await?;
        // Who may book at all comes first: someone with no learner's permit
        // is told so, whatever session they name.
        let record = self
            .exams
            .record(&id_number)
            .await?
            .ok_or_else(|| refusal(BookingRefusal::NoPermit))?;
        let session: ExamSession = self
            .exams
            .open_sessions(self.now_ms)
            .await?
            .into_iter()
            .find(|s| s.id == session_id)
            .ok_or_else(|| {
                AppError::Conflict(Text::new(
                    "该场次已停止预约或不存在。",
                    "That session is closed for booking or does not exist.",
                ))
            })?;
        may_book(&record, session.subject, session.day, self.today).map_err(refusal)?;
        let priority = priority_date(&record, session.subject).unwrap_or(self.today);
        self.exams
            .book(
                account.account_id,
                &id_number,
                &session,
                priority,
                self.now_ms,
                actor,
            )
            .await?
            .ok_or_else(|| refusal(BookingRefusal::AlreadyPending))
    }

    /// Cancels a booking that is still waiting for allocation (取消预约).
    pub async fn cancel(
        &self,
        account: &SessionAccount,
        booking_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        self.learner(account).await?;
        let done = self
            .exams
            .cancel(account.account_id, booking_id, actor)
            .await?;
        if done {
            Ok(())
        } else {
            Err(AppError::Conflict(Text::new(
                "只能取消尚未分配的预约。",
                "Only a booking still waiting for allocation can be cancelled.",
            )))
        }
    }
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
