//! The supervision port: account files, disabling accounts, appeals.

use super::{AccountFile, Appeal};
use crate::domain::{CreditCode, Date, PhoneNumber, ResidentId};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// How staff look an account up.
#[derive(Clone, Debug)]
pub enum AccountQuery {
    IdNumber(ResidentId),
    CreditCode(CreditCode),
    Phone(PhoneNumber),
}

/// What filing an appeal came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppealFiled {
    Filed(i64),
    /// No entry of this account with this id.
    NoSuchEntry,
    /// The entry was lifted or has ended.
    NotInForce,
    /// An appeal against it is waiting for a decision.
    AlreadyWaiting,
}

/// What deciding an appeal came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppealDecided {
    Decided,
    NoSuchAppeal,
    /// Another supervisor decided it first.
    AlreadyDecided,
}

#[async_trait]
pub trait Supervision: Send + Sync {
    /// Individual and unit accounts (never staff) matching the query.
    async fn find_accounts(&self, query: &AccountQuery) -> PortResult<Vec<AccountFile>>;
    async fn account_file(&self, account_id: i64) -> PortResult<Option<AccountFile>>;
    /// Disables (ending every session at once) or re-enables an individual
    /// or unit account, telling the holder (message and SMS) and auditing
    /// with the reason; false when nothing changed.
    async fn set_account_disabled(
        &self,
        account_id: i64,
        disabled: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<bool>;

    /// Makes an online-registered individual account window-registered
    /// (same account; the channel, window and clerk recorded), telling the
    /// holder and auditing; false when it is not an online individual.
    async fn upgrade_to_window(
        &self,
        account_id: i64,
        window_id: i64,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Changes the phone on the account after the identity check at the
    /// window, telling the old number (SMS) and auditing.
    async fn change_phone_at_window(
        &self,
        account_id: i64,
        new_phone: &PhoneNumber,
        actor: &Actor,
    ) -> PortResult<bool>;

    /// Files an appeal against one of the account's entries in force today.
    async fn file_appeal(
        &self,
        account_id: i64,
        entry_id: i64,
        reason: &str,
        today: Date,
        actor: &Actor,
    ) -> PortResult<AppealFiled>;
    /// The account's appeals, newest first.
    async fn appeals_of(&self, account_id: i64) -> PortResult<Vec<Appeal>>;
    /// Appeals waiting (oldest first) or, with `decided`, the decided ones
    /// (newest first).
    async fn appeal_queue(&self, decided: bool, page: PageRequest) -> PortResult<ListPage<Appeal>>;
    /// Decides an appeal: lifting the entry or keeping it, with the
    /// reason; tells the appellant and audits.
    async fn decide_appeal(
        &self,
        appeal_id: i64,
        lift: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<AppealDecided>;
}
