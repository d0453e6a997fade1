//! The port of driving-test booking.

use super::{ExamBooking, ExamSession};
use crate::domain::exam::LearnerRecord;
use crate::domain::Date;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// Driving-test booking (驾考预约).
#[async_trait]
pub trait ExamBookings: Send + Sync {
    /// The learner's file with results, booking counts and pending subjects.
    async fn record(&self, id_number: &str) -> PortResult<Option<LearnerRecord>>;
    /// Sessions still collecting bookings.
    async fn open_sessions(&self, now_ms: i64) -> PortResult<Vec<ExamSession>>;
    /// Books; None when the learner already has an open booking for the
    /// subject (the unique index decides).
    async fn book(
        &self,
        account_id: i64,
        id_number: &str,
        session: &ExamSession,
        priority: Date,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    async fn cancel(&self, account_id: i64, booking_id: i64, actor: &Actor) -> PortResult<bool>;
    async fn bookings(&self, account_id: i64) -> PortResult<Vec<ExamBooking>>;
    /// Allocates every session whose booking has closed (once each, safe on
    /// many servers). Answers how many sessions it allocated.
    async fn allocate_closed(&self, now_ms: i64) -> PortResult<usize>;
    /// Closes one session now and allocates it; answers the seats given.
    async fn close_and_allocate(&self, session_id: i64, now_ms: i64) -> PortResult<usize>;
}
