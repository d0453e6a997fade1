//! The staff feature's port (民警账户): staff accounts as the administrator
//! manages them, and the second factor (动态口令) of a staff login.

pub use super::StaffMember;
use crate::domain::StaffRole;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A new staff account, as the administrator creates it.
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    pub police_no: String,
    pub unit: String,
    pub window_id: Option<i64>,
    pub password_hash: String,
}

/// A staff member's second-factor key and where it stands.
#[derive(Clone, Debug)]
pub struct SecondFactor {
    /// The key in Base32.
    pub key: String,
    /// False until the first code is accepted (绑定完成).
    pub enrolled: bool,
    /// The last time step accepted: a code is never taken twice.
    pub last_step: i64,
    /// Until when wrong codes have locked it (across logins and addresses).
    pub locked_until_ms: Option<i64>,
}

/// A login that has passed the password and waits on its second factor.
#[derive(Clone, Debug)]
pub struct LoginChallenge {
    pub account_id: i64,
    pub attempts: i64,
}

#[async_trait]
pub trait StaffAccounts: Send + Sync {
    /// The account's key, if one was made.
    async fn second_factor(&self, account_id: i64) -> PortResult<Option<SecondFactor>>;
    /// Stores a new, not yet enrolled key unless the account has one;
    /// answers the key the account now has.
    async fn offer_second_factor(&self, account_id: i64, key: &str) -> PortResult<SecondFactor>;
    /// Accepts the code of `step` if it is later than the last one
    /// accepted, and marks the key enrolled; false when another request
    /// took that step first. Audited.
    async fn accept_second_factor(
        &self,
        account_id: i64,
        step: i64,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Counts a wrong code for the account, whatever login or address it
    /// came from; the `limit`-th locks the second factor until
    /// `lock_until_ms` (and starts the count again). Answers the lock, if
    /// this one set it. Audited when it locks.
    async fn fail_second_factor(
        &self,
        account_id: i64,
        limit: i64,
        lock_until_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    /// Opens a challenge; answers its token (the store keeps the hash).
    async fn open_challenge(&self, account_id: i64, expires_at_ms: i64) -> PortResult<String>;
    /// The live challenge of a token.
    async fn challenge(&self, token: &str, now_ms: i64) -> PortResult<Option<LoginChallenge>>;
    /// Counts a wrong code; answers the attempts so far.
    async fn fail_challenge(&self, token: &str) -> PortResult<i64>;
    async fn close_challenge(&self, token: &str) -> PortResult<()>;

    /// One page of the staff accounts, by role then username.
    async fn staff_members(&self, page: PageRequest) -> PortResult<ListPage<StaffMember>>;
    async fn staff_member(&self, account_id: i64) -> PortResult<Option<StaffMember>>;
    /// Creates the account; `Conflict(STAFF_USERNAME)` when the username
    /// is taken. Audited.
    async fn create_staff(&self, new: NewStaff, actor: &Actor) -> PortResult<i64>;
    /// Disables (ending every session) or re-enables a staff account;
    /// false when there is no such staff account. Audited with the reason.
    async fn set_staff_disabled(
        &self,
        account_id: i64,
        disabled: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Sets a new password, removes the second factor (enrolled again at
    /// the next login) and ends every session; false when there is no
    /// such staff account. Audited.
    async fn reset_staff_password(
        &self,
        account_id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<bool>;
}
