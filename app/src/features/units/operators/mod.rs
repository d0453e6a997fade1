//! A unit's operators (经办人): the unit's own account adds them (each
//! confirms the phone by SMS and sets a password), grants each the
//! services it may use, disables one at once, and reads the unit's audit
//! (操作记录) naming who did what. The rules are in
//! `domain::unit_operator`; the gates in `accounts::session`
//! (`require_unit_for`, `require_citizen_for`, `require_unit_agent`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::unit_operator::{OperatorService, OperatorStatus};
use serde::{Deserialize, Serialize};

/// The purpose of an operator's activation code (经办人激活验证码).
pub const OPERATOR_ACTIVATION_PURPOSE: &str = "operator_activation";

/// One of the unit's operators as the agent sees them: numbers masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOperator {
    pub id: i64,
    pub login_name: String,
    pub full_name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub services: Vec<OperatorService>,
    pub status: OperatorStatus,
    pub created_at_ms: i64,
}

/// One entry of the unit's audit (操作记录): when, who (the operator, or
/// the unit's own account), what, on what, from where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAuditEntry {
    pub at_ms: i64,
    /// "login name (full name)" of the operator who acted; None: the unit's
    /// own account.
    pub operator: Option<String>,
    pub action_zh: String,
    pub action_en: String,
    /// What it was about, in words (`domain::audit::unit_subject_words`).
    pub subject_zh: String,
    pub subject_en: String,
    /// The entry's detail as recorded (ID numbers masked).
    pub detail: String,
    pub ip: String,
}
