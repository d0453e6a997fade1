//! Driving-test booking (驾考预约, D12): open sessions, booking within the
//! rules (`domain::exam`), the learner's rank while bookings are collected,
//! cancellation while pending, and the result after allocation.

#[cfg(feature = "ssr")]
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
pub mod queue;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::exam::{BookingRefusal, LearnerRecord, Subject};
use crate::domain::Date;
use crate::features::paging::ListPage;
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
    /// One page of the learner's bookings, newest first.
    pub bookings: ListPage<ExamBooking>,
}

/// A session as the administrator manages it (考试场次管理).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionForAdmin {
    pub session: ExamSession,
    /// Seats given, once allocated.
    pub allocated: i64,
    pub allocated_at_ms: Option<i64>,
}

/// One booking of a session, for the administrator: the rank once
/// allocated, the ID number masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBooking {
    pub id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub priority: Date,
    pub booked_at_ms: i64,
    /// pending, allocated, not_allocated or cancelled.
    pub status: String,
    pub rank: Option<i64>,
}

/// The administrator's sessions page: the centres and the sessions from
/// today on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSessionsDesk {
    pub centres: Vec<(i64, String)>,
    /// One page of the sessions from today on, by day.
    pub sessions: ListPage<SessionForAdmin>,
}

/// One session with one page of its bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub session: SessionForAdmin,
    pub bookings: ListPage<SessionBooking>,
}

/// The periods a session can be in (时段): (stored and Chinese, English).
pub const PERIOD_NAMES: &[(&str, &str)] = &[("上午", "Morning"), ("下午", "Afternoon")];
