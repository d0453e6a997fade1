//! A driving school's learners (驾校委托业务): pre-entry (学员预录入) with
//! the learner's SMS confirmation, registering the learner's platform
//! account with the school as the registration point (学员用户窗口注册),
//! and the learners' test bookings, ranks and results (学员预约信息查询).
//! The rules are in `domain::learner_entry`; the gate is
//! `accounts::session::require_unit_granted`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::exam::Subject;
use crate::domain::learner_entry::EntryState;
use crate::domain::{Date, LicenceClass};
use serde::{Deserialize, Serialize};

/// One booking of a learner, as the school sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerBooking {
    pub subject: Subject,
    pub day: Date,
    pub centre: String,
    /// pending, allocated, not_allocated or cancelled.
    pub status: String,
    /// The place in the queue while pending; the final rank after.
    pub rank: Option<i64>,
}

/// One test result (考试成绩).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerResult {
    pub subject: Subject,
    pub day: Date,
    pub passed: bool,
}

/// One learner the school entered (学员), with their bookings and results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerEntry {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    /// 申请准驾车型
    pub class: LicenceClass,
    pub state: EntryState,
    pub entered_at_ms: i64,
    pub registered_at_ms: Option<i64>,
    pub bookings: Vec<LearnerBooking>,
    pub results: Vec<LearnerResult>,
}

/// Learners the school's table shows a page.
pub const LEARNER_PAGE_ROWS: u32 = 50;
/// The purpose of the learner's confirmation code (学员预录入验证码).
pub const LEARNER_CODE_PURPOSE: &str = "learner_entry";
