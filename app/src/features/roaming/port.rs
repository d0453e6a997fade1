//! What roaming needs from outside: the store (codes issued at home,
//! messages seen, roaming accounts and their sessions, notices to send) and
//! the link to peer platforms (server to server).

use crate::domain::roaming::{NoticeEvent, RoamingPerson, RoamingVehicle};
use crate::features::port::Actor;
use crate::port_error::PortResult;

/// The facts the home platform vouches for: the person and what they bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeFacts {
    pub person: RoamingPerson,
    pub vehicles: Vec<RoamingVehicle>,
}

/// How a roaming account could not be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenRefused {
    /// The person has an account of their own here.
    LocalAccount,
    /// This platform disabled the roaming account.
    Disabled,
    /// The account of `(home, subject)` is another person's, or the person
    /// roams here as another province's account.
    IdentityChanged,
}

/// A notice waiting to go to a visited platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingNotice {
    pub id: i64,
    pub audience: String,
    pub subject: String,
    pub event: NoticeEvent,
    pub attempts: i64,
}

#[async_trait::async_trait]
pub trait Roaming: Send + Sync {
    // The home platform.

    /// What the assertion for this account says; None for an account that
    /// is not an active individual.
    async fn home_facts(&self, account_id: i64) -> PortResult<Option<HomeFacts>>;
    /// Keeps a one-time code (its hash) for `audience`, and notes the visit
    /// (for the notices on logout), audited as `roaming.grant`.
    async fn grant_code(
        &self,
        account_id: i64,
        audience: &str,
        nonce: &str,
        code_hash: &str,
        expires_at_ms: i64,
        actor: &Actor,
    ) -> PortResult<()>;
    /// Uses a code once: the account and nonce it was granted with, when it
    /// is unused, unexpired and for `audience`.
    async fn redeem_code(
        &self,
        code_hash: &str,
        audience: &str,
        now_ms: i64,
    ) -> PortResult<Option<(i64, String)>>;
    /// Queues a notice to each platform the account was let into since
    /// `since_ms`; answers the ids queued.
    async fn queue_notices(
        &self,
        account_id: i64,
        event: NoticeEvent,
        since_ms: i64,
        now_ms: i64,
    ) -> PortResult<Vec<i64>>;
    /// Notices due (unsent, their next try come), oldest first.
    async fn due_notices(&self, now_ms: i64, limit: i64) -> PortResult<Vec<PendingNotice>>;
    /// Only the notices of these ids that are still unsent.
    async fn notices(&self, ids: &[i64]) -> PortResult<Vec<PendingNotice>>;
    /// A notice delivered, or to be tried again at `retry_at_ms` (None:
    /// given up, after too many tries).
    async fn notice_sent(&self, id: i64, now_ms: i64) -> PortResult<()>;
    async fn notice_failed(&self, id: i64, retry_at_ms: Option<i64>) -> PortResult<()>;

    // The visited platform.

    /// Accepts a message id of `issuer` once: false when it was seen
    /// before. Kept until `keep_until_ms`.
    async fn claim_message(&self, issuer: &str, jti: &str, keep_until_ms: i64) -> PortResult<bool>;
    /// Opens (or updates) the roaming account of `home`'s `subject`, binds
    /// what it may see here (the person's own vehicles and licence on this
    /// registry, and the vehicles bound at home this registry knows),
    /// audited as `roaming.login`; answers the account id.
    async fn open_roaming_account(
        &self,
        home: &str,
        subject: &str,
        facts: &HomeFacts,
        actor: &Actor,
    ) -> PortResult<Result<i64, OpenRefused>>;
    /// Ends every session of `home`'s `subject` here, audited as
    /// `roaming.notice`; answers how many ended.
    async fn end_roaming_sessions(
        &self,
        home: &str,
        subject: &str,
        event: NoticeEvent,
        actor: &Actor,
    ) -> PortResult<usize>;
    /// Records a refused roaming message or login (`roaming.refused`).
    async fn record_refusal(&self, issuer: &str, reason: &str, actor: &Actor) -> PortResult<()>;

    /// Deletes codes, seen message ids and sent notices past use.
    async fn delete_spent_roaming(&self, now_ms: i64) -> PortResult<usize>;
}

/// Why a peer did not give what was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerError {
    /// It answered, and refused (its refusal code).
    Refused(String),
    /// It could not be reached, or answered nonsense.
    Unreachable(String),
}

/// The link to peer platforms (server to server, HTTPS in production).
#[async_trait::async_trait]
pub trait PeerLink: Send + Sync {
    /// Posts a token request to `base_url`'s token address; answers the
    /// assertion.
    async fn exchange(&self, base_url: &str, request: &str) -> Result<String, PeerError>;
    /// Posts a notice to `base_url`'s notice address.
    async fn notify(&self, base_url: &str, notice: &str) -> Result<(), PeerError>;
    /// Posts a credential status request to `base_url`'s credential status
    /// address; answers the issuer's signed answer.
    async fn credential_status(&self, base_url: &str, request: &str) -> Result<String, PeerError>;
}
