//! The port of licence share codes: the holder's codes and their uses,
//! and the public check, which records every attempt (for the holder's
//! list and for the per-address limit on wrong ones) and gives a matched
//! one a key its result page is read by.

use super::ShareCodeRow;
use crate::features::bindings::MyLicence;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A code to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewShareCode {
    pub account_id: i64,
    /// The licence's number (the holder's resident ID number).
    pub licence_number: String,
    pub code: String,
    pub party: String,
    pub expires_at_ms: i64,
}

/// A check to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareCheck<'a> {
    pub code: &'a str,
    pub licence_tail: &'a str,
    pub checker: &'a str,
    pub ip: &'a str,
    /// The key a matched check's result is read by.
    pub result_key: &'a str,
}

/// What a presented code and licence tail found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareLookup {
    /// The address has made too many wrong checks lately: not looked up.
    TooMany,
    /// No such code, the tail does not match its licence, or the licence
    /// is no longer bound to a holder in good standing.
    NoMatch,
    Revoked,
    Expired,
    /// In force: the use is recorded under the check's result key.
    Found,
}

/// A matched check's result, read by its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareResult {
    /// The licence as the registry has it now.
    pub licence: MyLicence,
    pub name: String,
    pub licence_number: String,
    pub party: String,
    pub code_expires_at_ms: i64,
    pub checked_at_ms: i64,
}

/// Licence share codes (驾驶证信息分享码).
#[async_trait]
pub trait LicenceShares: Send + Sync {
    /// Keeps a code unless the holder has `max_active` active codes
    /// already (counted in the same transaction); audits. Answers its id,
    /// or None when there are too many.
    async fn create_share_code(
        &self,
        new: &NewShareCode,
        max_active: usize,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    /// The holder's codes with their uses, newest first.
    async fn share_codes(&self, account_id: i64, now_ms: i64) -> PortResult<Vec<ShareCodeRow>>;
    /// Revokes the holder's code at once; audits. False: not theirs, or
    /// revoked already.
    async fn revoke_share_code(&self, account_id: i64, id: i64, actor: &Actor) -> PortResult<bool>;
    /// Checks a code: unless the address has made `max_failures` wrong
    /// checks since `since_ms`, looks it up and records the attempt, in one
    /// transaction per address (parallel tries take turns).
    async fn check_share_code(
        &self,
        check: &ShareCheck<'_>,
        now_ms: i64,
        max_failures: i64,
        since_ms: i64,
    ) -> PortResult<ShareLookup>;
    /// The result of a matched check made since `since_ms`, while its code
    /// is still in force.
    async fn share_result(
        &self,
        result_key: &str,
        since_ms: i64,
        now_ms: i64,
    ) -> PortResult<Option<ShareResult>>;
    /// Deletes the wrong attempts recorded before `before_ms` (uses stay
    /// with their codes).
    async fn delete_old_share_checks(&self, before_ms: i64) -> PortResult<usize>;
}
