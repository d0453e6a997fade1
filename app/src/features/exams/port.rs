//! The port of driving-test booking.

use super::{ExamBooking, ExamSession, SessionBooking, SessionForAdmin};
use crate::domain::exam::LearnerRecord;
use crate::domain::Date;
use crate::features::paging::{ListPage, PageRequest};
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
    /// One page of the learner's bookings, newest first.
    async fn bookings(
        &self,
        account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<ExamBooking>>;
    /// Allocates every session whose booking has closed (once each, safe on
    /// many servers). Answers how many sessions it allocated.
    async fn allocate_closed(&self, now_ms: i64) -> PortResult<usize>;
    /// Closes one session now and allocates it; answers the seats given.
    async fn close_and_allocate(&self, session_id: i64, now_ms: i64) -> PortResult<usize>;
}

/// A new session (新增考试场次), checked by the service.
#[derive(Clone, Debug)]
pub struct NewExamSession {
    pub centre_id: i64,
    pub subject: crate::domain::exam::Subject,
    pub day: Date,
    pub period: String,
    pub capacity: i64,
    pub closes_at_ms: i64,
}

/// The administrator's exam sessions (考试场次管理).
#[async_trait]
pub trait ExamSessionAdmin: Send + Sync {
    /// The driving-test centres: (id, name).
    async fn centres(&self) -> PortResult<Vec<(i64, String)>>;
    /// One page of the sessions on or after `from`, by day.
    async fn sessions_from(
        &self,
        from: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<SessionForAdmin>>;
    /// Adds a session; audited.
    async fn add_session(&self, new: NewExamSession, actor: &Actor) -> PortResult<i64>;
    /// One session with its bookings counted by priority date (not
    /// cancelled; seated ones apart): the open queue, no one named.
    async fn session_queue(
        &self,
        session_id: i64,
    ) -> PortResult<Option<(SessionForAdmin, Vec<crate::domain::exam::queue::QueueDay>)>>;
    /// One session with one page of its bookings (ranked ones first, by
    /// rank).
    async fn session_detail(
        &self,
        session_id: i64,
        page: PageRequest,
    ) -> PortResult<Option<(SessionForAdmin, ListPage<SessionBooking>)>>;
}
