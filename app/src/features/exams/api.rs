//! The driving-test booking server functions.

use super::{ExamOverview, ExamSessionsDesk, SessionDetail};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::ExamDesk,
    crate::domain::StaffPower,
    crate::features::accounts::session::{require_individual, require_staff_power},
    crate::features::paging::{PageRequest, PAGE_ROWS, STAFF_PAGE_ROWS},
    crate::features::request::{actor, ports, redirect_to},
};

/// The learner's file, the open sessions and one page (`page` from 1, 20
/// a page) of the learner's bookings, newest first.
#[server(prefix = "/api", endpoint = "exams/overview", output = crate::wire::JsonAnswer)]
pub async fn my_exams(#[server(default)] page: Option<String>) -> Result<ExamOverview, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let page = PageRequest::parse(page.as_deref(), PAGE_ROWS)?;
    ExamDesk::of(&ports).overview(&account, page).await
}

/// Books a session; checked against the learner's file on the server.
#[server(prefix = "/api", endpoint = "exams/book", output = crate::wire::JsonAnswer)]
pub async fn book_exam(session_id: i64) -> Result<i64, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let booking = ExamDesk::of(&ports)
        .book(&account, session_id, &actor())
        .await?;
    redirect_to("/account/exams?booked=1");
    Ok(booking)
}

/// Cancels a booking that is still waiting for allocation.
#[server(prefix = "/api", endpoint = "exams/cancel", output = crate::wire::JsonAnswer)]
pub async fn cancel_exam(booking_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    ExamDesk::of(&ports)
        .cancel(&account, booking_id, &actor())
        .await?;
    redirect_to("/account/exams?cancelled=1");
    Ok(())
}

/// The administrator closes a session's booking now and allocates its
/// seats.
#[server(prefix = "/api", endpoint = "staff/exams/allocate", output = crate::wire::JsonAnswer)]
pub async fn staff_allocate_session(session_id: i64) -> Result<usize, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageExamSessions)?;
    let seats = ports
        .exams
        .close_and_allocate(session_id, ports.clock.now_ms())
        .await?;
    redirect_to(&format!("/staff/exams/{session_id}?allocated={seats}"));
    Ok(seats)
}

/// The administrator's sessions from today on, by day, one page (`page`
/// from 1, 50 a page); with the centres.
#[server(prefix = "/api", endpoint = "staff/exams/sessions", output = crate::wire::JsonAnswer)]
pub async fn staff_exam_sessions(
    #[server(default)] page: Option<String>,
) -> Result<ExamSessionsDesk, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageExamSessions)?;
    let page = PageRequest::parse(page.as_deref(), STAFF_PAGE_ROWS)?;
    Ok(ExamSessionsDesk {
        centres: ports.exam_admin.centres().await?,
        sessions: ports
            .exam_admin
            .sessions_from(ports.clock.today(), page)
            .await?,
    })
}

/// The administrator adds a session (新增考试场次).
#[server(prefix = "/api", endpoint = "staff/exams/add", output = crate::wire::JsonAnswer)]
pub async fn staff_add_exam_session(
    centre_id: String,
    subject: String,
    day: String,
    period: String,
    capacity: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageExamSessions)?;
    let form = super::admin::SessionForm {
        centre_id,
        subject,
        day,
        period,
        capacity,
    };
    let id = super::admin::add(&ports, form, &actor()).await?;
    redirect_to("/staff/exams?added=1");
    Ok(id)
}

/// One session with one page (`page` from 1, 50 a page) of its bookings
/// and ranks.
#[server(prefix = "/api", endpoint = "staff/exams/session", output = crate::wire::JsonAnswer)]
pub async fn staff_exam_session(
    session_id: i64,
    #[server(default)] page: Option<String>,
) -> Result<SessionDetail, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageExamSessions)?;
    let page = PageRequest::parse(page.as_deref(), STAFF_PAGE_ROWS)?;
    let (session, bookings) = ports
        .exam_admin
        .session_detail(session_id, page)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(crate::i18n::Text::new(
                "没有找到该考试场次",
                "No such session",
            ))
        })?;
    Ok(SessionDetail { session, bookings })
}
