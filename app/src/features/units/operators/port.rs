//! The port of a unit's operators: adding, activating, granting,
//! disabling, the session's operator and the unit's audit.

use super::{UnitAuditEntry, UnitOperator};
use crate::domain::unit_operator::{OperatorService, OperatorStatus, UnitCode};
use crate::features::accounts::OperatorOnSession;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// An operator the agent adds (checked by the service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOperator {
    pub login_name: String,
    pub full_name: String,
    pub id_number: String,
    pub phone: String,
    pub services: Vec<OperatorService>,
}

/// An operator as the store holds them, numbers in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorRecord {
    pub id: i64,
    pub account_id: i64,
    pub unit_name: String,
    pub login_name: String,
    pub full_name: String,
    pub id_number: String,
    pub phone: String,
    pub status: OperatorStatus,
}

/// Why an operator could not be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddRefusal {
    /// The unit has an operator with this login name already.
    LoginTaken,
    /// This person (ID number) is an operator of the unit already (not
    /// disabled).
    PersonTaken,
    /// The unit has `MAX_OPERATORS_PER_UNIT` already.
    TooMany,
}

#[async_trait]
pub trait UnitOperators: Send + Sync {
    /// Every operator of the unit, newest first (a unit has at most
    /// `MAX_OPERATORS_PER_UNIT`).
    async fn operators(&self, account_id: i64) -> PortResult<Vec<UnitOperator>>;
    /// One operator of this unit.
    async fn operator(
        &self,
        account_id: i64,
        operator_id: i64,
    ) -> PortResult<Option<OperatorRecord>>;
    /// The operator with this login name at the unit with this code.
    async fn operator_at(
        &self,
        unit: &UnitCode,
        login_name: &str,
    ) -> PortResult<Option<OperatorRecord>>;
    /// Adds a pending operator; audits.
    async fn add_operator(
        &self,
        account_id: i64,
        new: &NewOperator,
        actor: &Actor,
    ) -> PortResult<Result<i64, AddRefusal>>;
    /// A pending operator sets the password and becomes active; false when
    /// it was no longer pending.
    async fn activate(
        &self,
        operator_id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Replaces the services of an operator who is not disabled; false
    /// when there is no such operator.
    async fn set_services(
        &self,
        account_id: i64,
        operator_id: i64,
        services: &[OperatorService],
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Disables the operator and ends every session of theirs in the same
    /// transaction; false when there is no such operator or it was
    /// disabled already.
    async fn disable(&self, account_id: i64, operator_id: i64, actor: &Actor) -> PortResult<bool>;
    /// Sends an active or disabled operator back to activation (重新激活):
    /// no password, every session ended, audited; they set a new password
    /// with a new code. False when there is no such operator, it is pending
    /// already, or (disabled) the same person is another operator of the
    /// unit now.
    async fn reactivate(
        &self,
        account_id: i64,
        operator_id: i64,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// The operator behind a session, while active (and the unit not
    /// disabled).
    async fn on_session(&self, operator_id: i64) -> PortResult<Option<OperatorOnSession>>;
    /// One page of what the unit's account and operators did, newest
    /// first; only one operator's when `operator_id` is given.
    async fn unit_audit(
        &self,
        account_id: i64,
        operator_id: Option<i64>,
        page: PageRequest,
    ) -> PortResult<ListPage<UnitAuditEntry>>;
}
