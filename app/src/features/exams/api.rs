//! The driving-test booking server functions.

use super::ExamOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::ExamDesk,
    crate::domain::StaffPower,
    crate::features::accounts::session::{require_account, require_staff_power},
    crate::features::request::{actor, ports, redirect_to},
};

/// The learner's file, the open sessions and the learner's bookings.
#[server(prefix = "/api", endpoint = "exams/overview")]
pub async fn my_exams() -> Result<ExamOverview, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    ExamDesk::of(&ports).overview(&account).await
}

/// Books a session; checked against the learner's file on the server.
#[server(prefix = "/api", endpoint = "exams/book")]
pub async fn book_exam(session_id: i64) -> Result<i64, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let booking = ExamDesk::of(&ports)
        .book(&account, session_id, &actor())
        .await?;
    redirect_to("/account/exams?booked=1");
    Ok(booking)
}

/// Cancels a booking that is still waiting for allocation.
#[server(prefix = "/api", endpoint = "exams/cancel")]
pub async fn cancel_exam(booking_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_account()?;
    ExamDesk::of(&ports)
        .cancel(&account, booking_id, &actor())
        .await?;
    redirect_to("/account/exams?cancelled=1");
    Ok(())
}

/// Staff: closes a session's booking now and allocates its seats.
#[server(prefix = "/api", endpoint = "staff/exams/allocate")]
pub async fn staff_allocate_session(session_id: i64) -> Result<usize, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageExamSessions)?;
    Ok(ports
        .exams
        .close_and_allocate(session_id, ports.clock.now_ms())
        .await?)
}
