//! Driver physical examinations (驾驶人体检, D8) and physical-condition
//! certificates (提交身体条件证明, D9), the hospital's entrusted services:
//! an authorised hospital records an examination on the official form; the
//! driver sees it on the licence page and an online renewal (D10, D11)
//! uses it; the hospital, or a window-registered holder with the
//! certificate's number, submits the yearly certificate a driver owes.
//! The rules are in `domain::physical_exam`; the gate is
//! `accounts::session::require_unit_granted`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::coded_enum;
use crate::domain::physical_exam::ExamOnRecord;
use crate::domain::{Date, LicenceClass};
use crate::error::Refusal;
use serde::{Deserialize, Serialize};

/// Who submitted a certificate (提交方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateChannel {
    /// The hospital that examined the driver (医院代为提交).
    Hospital,
    /// The holder, with the certificate's number (本人提交).
    Holder,
}

coded_enum!(CertificateChannel {
    Hospital => ("hospital", "医院代为提交", "By the hospital"),
    Holder => ("holder", "本人提交", "By the holder"),
});

/// One examination as the hospital's table and the driver's page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamEntry {
    pub id: i64,
    /// 身体条件证明编号
    pub certificate_no: String,
    pub hospital: String,
    pub name: String,
    pub id_masked: String,
    /// The class examined for (申请或准驾车型).
    pub class: LicenceClass,
    pub exam: ExamOnRecord,
    pub valid_until: Date,
    pub recorded_at_ms: i64,
    /// When a certificate was submitted with it, if one was.
    pub certificate_submitted_ms: Option<i64>,
}

/// A certificate submitted (身体条件证明提交记录): with which examination,
/// by whom, and the date owed before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateEntry {
    pub certificate_no: String,
    pub hospital: String,
    pub channel: CertificateChannel,
    pub due_before: Date,
    pub due_after: Date,
    pub submitted_at_ms: i64,
}

/// The driver's view (我的体检信息): examinations on record, certificates
/// submitted, when the next is owed, and whether they may submit one
/// themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverPhysical {
    pub exams: Vec<ExamEntry>,
    pub certificates: Vec<CertificateEntry>,
    /// 提交身体条件证明日期: None when the holder owes none.
    pub certificate_due: Option<Date>,
    /// Why the holder may not submit one online themselves, if not.
    pub self_submit_refusal: Option<Refusal>,
    /// The certificate number an online renewal would use today.
    pub renewal_exam: Option<String>,
}

/// Examinations the hospital's table shows a page.
pub const EXAM_PAGE_ROWS: u32 = 50;
/// Examinations and certificates the driver's page lists.
pub const DRIVER_LIST_ROWS: i64 = 20;
