//! The port of document applications: drafts, submission, the clerk's
//! events, the blacklist and the audit trail.

use super::{
    ApplicationDetail, ApplicationSummary, AuditEntry, BlacklistEntry, DraftSummary, QueueFilter,
    QueuePage,
};
use crate::domain::application::{ApplicationEvent, ApplicationStatus, TransitionRefused};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::{Date, ServiceCode};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A new application, checked against the rules.
#[derive(Clone, Debug)]
pub struct NewApplication {
    pub account_id: i64,
    pub service: ServiceCode,
    pub vehicle_id: Option<i64>,
    pub licence_id_number: Option<String>,
    pub subject_label: String,
    pub reason: Option<String>,
    pub new_date: Option<Date>,
    pub fulfilment: Option<Fulfilment>,
    /// For postal delivery: (recipient, phone, address).
    pub post: Option<(String, String, String)>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub today: Date,
    /// The hospital's examination a renewal (D10, D11) rests on.
    pub physical_exam_id: Option<i64>,
}

/// What saving a draft came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftSaved {
    /// Saved (created or updated), with its id.
    Saved(i64),
    /// Not saved: a new draft, and the account has this many already.
    Full(i64),
}

/// Document applications (业务申请): drafts, submission, the lists.
#[async_trait]
pub trait Applications: Send + Sync {
    /// Stores it with its first history step; answers the application
    /// number. With a draft, uses the draft up in the same transaction
    /// (None: the draft was already submitted).
    async fn submit(
        &self,
        new: NewApplication,
        draft: Option<i64>,
        actor: &Actor,
    ) -> PortResult<Option<String>>;
    /// Creates or updates a draft (草稿) of this account. Updating one of
    /// its drafts always works; a new one is refused when the account has
    /// `max_drafts` already (checked in the same write transaction, under a
    /// per-account lock, so parallel saves cannot pass the cap).
    async fn save_draft(
        &self,
        account_id: i64,
        draft: Option<i64>,
        service: ServiceCode,
        input_json: &str,
        max_drafts: i64,
    ) -> PortResult<DraftSaved>;
    /// The account's unsubmitted drafts, newest first (at most `limit`).
    async fn drafts(&self, account_id: i64, limit: i64) -> PortResult<Vec<DraftSummary>>;
    /// Deletes one of the account's drafts (false: none such).
    async fn delete_draft(&self, account_id: i64, draft: i64) -> PortResult<bool>;
    async fn load_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<(ServiceCode, String)>>;
    /// The number of the application submitted from this (now used) draft.
    async fn submitted_from_draft(&self, account_id: i64, draft: i64)
        -> PortResult<Option<String>>;
    /// One page of the account's applications, newest first.
    async fn mine(
        &self,
        account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<ApplicationSummary>>;
    async fn detail(&self, application_no: &str) -> PortResult<Option<ApplicationDetail>>;
    /// One page of the staff queue and how many match in all.
    async fn queue(&self, filter: &QueueFilter) -> PortResult<QueuePage>;
    /// The account's audit trail, newest first.
    async fn audit_trail(&self, account_id: i64, limit: i64) -> PortResult<Vec<AuditEntry>>;
}

/// An application's progress (业务进度): the clerk's and the scheduler's
/// events.
#[async_trait]
pub trait ApplicationProgress: Send + Sync {
    /// Moves the application on by a conditional update (None: no such
    /// application; Err: not possible from its status).
    async fn record_event(
        &self,
        application_no: &str,
        event: ApplicationEvent,
        note: &str,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Option<Result<ApplicationStatus, TransitionRefused>>>;
}

/// The blacklist (黑名单): who may not apply for plate and licence
/// replacement online, why and until when.
#[async_trait]
pub trait Blacklists: Send + Sync {
    /// Blacklists applicants with 3 refused deliveries or an uncollected
    /// pick-up past its deadline. Safe to run on several servers at once.
    /// Answers how many new entries it made.
    async fn sweep_blacklist(&self, today: Date) -> PortResult<usize>;
    async fn blacklist_of(&self, account_id: i64) -> PortResult<Vec<BlacklistEntry>>;
    async fn lift_blacklist(&self, entry_id: i64, reason: &str, actor: &Actor) -> PortResult<bool>;
}
