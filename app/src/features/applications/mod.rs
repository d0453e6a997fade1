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
use crate::features::paging::{ListPage, PageRequest};
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
    /// How many unsubmitted drafts the account has (a new form says so
    /// before anything is typed when it has [`MAX_DRAFTS`]).
    #[serde(default)]
    pub drafts: i64,
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
    /// The hospital's examination a renewal rests on (D10, D11).
    #[serde(default)]
    pub physical_exam: Option<ExamUsed>,
}

/// The examination an application rests on, as the clerk checks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamUsed {
    /// 身体条件证明编号
    pub certificate_no: String,
    pub hospital: String,
    pub examined_on: Date,
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
    /// One page of the person's applications, newest first.
    pub items: ListPage<ApplicationSummary>,
    /// The drafts not yet submitted (at most [`MAX_DRAFTS`]), newest first.
    pub drafts: Vec<DraftSummary>,
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// One status; None: every open status.
    pub status: Option<ApplicationStatus>,
    pub service: Option<ServiceCode>,
    /// An application number or the applicant's name, exactly.
    pub search: Option<String>,
    /// Newest first (default: oldest first, as they are worked through).
    pub newest_first: bool,
    /// Which page, [`crate::features::paging::STAFF_PAGE_ROWS`] a page.
    pub page: PageRequest,
}

/// One page of the staff queue, with how many match in all.
pub type QueuePage = ListPage<ApplicationSummary>;

/// An unsubmitted draft (草稿) as the applications page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub draft_id: i64,
    pub service: ServiceCode,
    /// When it was last saved.
    pub updated_at_ms: i64,
}

/// How many unsubmitted drafts (草稿) one account may keep: enough for
/// every service at once, not a store anyone can fill without end.
pub const MAX_DRAFTS: i64 = 20;

/// Why a new draft is not saved: the account has `drafts` already. What was
/// typed is still in the form the person is looking at.
pub fn drafts_full(drafts: i64) -> AppError {
    AppError::Conflict(crate::i18n::Text::new(
        format!(
            "您已有{drafts}份未提交的草稿，最多只能保存{MAX_DRAFTS}份，这份新申请没有保存。\
             请到“补换领牌证和延期业务”页面继续填写并提交已有的草稿，或删除不需要的草稿，然后再提交这份申请。"
        ),
        format!(
            "You already have {drafts} unsubmitted drafts, the most that can be kept is {MAX_DRAFTS}, \
             so this new application was not saved. On the Documents and deferrals page, finish and \
             submit a draft you have or delete one you do not need, then send this application again."
        ),
    ))
}
