//! Document applications (补换领牌证和延期业务) for applicants, and their
//! processing in the staff console: eligibility, fees shown before
//! submission, fulfilment, the status history, the blacklist and the
//! applicant's audit trail. SPEC §4–5.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::application::{ApplicationEvent, ApplicationStatus};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::{Date, ServiceCode};
use crate::error::{AppError, Refusal};
use serde::{Deserialize, Serialize};

/// What an application is about: a bound vehicle or the bound licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// "v:<vehicle id>" or "licence".
    pub key: String,
    /// The plate, or the licence class and number, for people.
    pub label: String,
    /// Why this subject cannot be used for this service, if it cannot.
    pub refusal: Option<Refusal>,
    /// For deferrals: the date being deferred.
    pub current_due: Option<Date>,
    /// What the applicant must know before applying (an expired licence
    /// still renewed), if anything.
    pub notice: Option<crate::i18n::Text>,
}

/// Everything the application form needs for one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOptions {
    pub service: ServiceCode,
    /// Why the person cannot apply for this service at all, if so.
    pub refusal: Option<Refusal>,
    pub subjects: Vec<Subject>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub offers_fulfilment: bool,
    pub is_deferral: bool,
    pub documents_to_return: Option<crate::i18n::Text>,
    pub pickup_address: crate::i18n::Text,
}

/// One application in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub application_no: String,
    pub service: ServiceCode,
    pub subject_label: String,
    pub status: ApplicationStatus,
    pub fulfilment: Option<Fulfilment>,
    pub created_at_ms: i64,
    pub applicant: String,
}

/// One step of the status history (办理进度).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationStep {
    pub at_ms: i64,
    pub status: ApplicationStatus,
    pub note: String,
}

/// An application with its details and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub summary: ApplicationSummary,
    pub account_id: i64,
    pub reason: Option<String>,
    pub new_date: Option<Date>,
    pub recipient: Option<String>,
    pub recipient_phone: Option<String>,
    pub address: Option<String>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub reject_reason: Option<String>,
    pub refused_deliveries: i64,
    pub pickup_deadline: Option<Date>,
    pub steps: Vec<ApplicationStep>,
}

/// A blacklisting (黑名单记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlacklistEntry {
    pub id: i64,
    pub application_no: String,
    /// "deliveries_refused" or "not_collected".
    pub cause: String,
    pub since: Date,
    pub until: Date,
    pub lifted: Option<String>,
}

impl BlacklistEntry {
    pub fn cause_text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        if self.cause == "deliveries_refused" {
            Text::new(
                format!("业务{}的邮件被拒收3次", self.application_no),
                format!("the post for {} was refused 3 times", self.application_no),
            )
        } else {
            Text::new(
                format!("业务{}的牌证超过一个月未领取", self.application_no),
                format!(
                    "the documents of {} were not collected within a month",
                    self.application_no
                ),
            )
        }
    }

    pub fn is_active(&self, today: Date) -> bool {
        self.lifted.is_none() && self.until >= today
    }
}

/// The applications page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplications {
    pub items: Vec<ApplicationSummary>,
    /// Each document service with the reason it is refused, if it is.
    pub services: Vec<(ServiceCode, Option<Refusal>)>,
    pub blacklist: Vec<BlacklistEntry>,
}

/// One audit record (审计记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub ip: String,
}

/// The staff view of one application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffApplicationView {
    pub detail: ApplicationDetail,
    pub events: Vec<ApplicationEvent>,
    pub blacklist: Vec<BlacklistEntry>,
    pub audit: Vec<AuditEntry>,
}

/// What the person typed into the application form, kept as typed (a
/// draft may be incomplete; nothing typed is lost on an error).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationInput {
    pub subject: String,
    pub reason: Option<String>,
    pub new_date: Option<String>,
    pub fulfilment: Option<String>,
    pub recipient: Option<String>,
    pub recipient_phone: Option<String>,
    pub address: Option<String>,
}

/// A saved draft with the form's options and what is still wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDraft {
    pub draft_id: i64,
    pub options: ApplyOptions,
    pub input: ApplicationInput,
    /// None when the draft is ready to submit.
    pub problems: Option<AppError>,
}

/// The active blacklisting's last day, if any.
pub fn active_until(entries: &[BlacklistEntry], today: Date) -> Option<Date> {
    entries
        .iter()
        .filter(|e| e.is_active(today))
        .map(|e| e.until)
        .max()
}

/// The domain's refusal in the form that crosses the wire.
pub fn refusal_of(r: crate::domain::Refusal) -> Refusal {
    Refusal::from(r)
}

/// How the staff queue is filtered, ordered and paged (业务队列筛选).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// One status; None: every open status.
    pub status: Option<ApplicationStatus>,
    pub service: Option<ServiceCode>,
    /// An application number or the applicant's name, exactly.
    pub search: Option<String>,
    /// Newest first (default: oldest first, as they are worked through).
    pub newest_first: bool,
    /// From 1.
    pub page: i64,
}

/// Rows per page of the staff queue.
pub const QUEUE_PAGE_ROWS: i64 = 50;

/// One page of the staff queue, with how many match in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<ApplicationSummary>,
    pub total: i64,
    pub page: i64,
}

impl QueuePage {
    pub fn pages(&self) -> i64 {
        ((self.total + QUEUE_PAGE_ROWS - 1) / QUEUE_PAGE_ROWS).max(1)
    }
}
