//! Accounts (账户): login and logout, online registration (网上注册), the
//! forgotten password (忘记密码), contact details (变更联系方式) and the
//! session. SPEC §2–3.
//!
//! The server functions are in [`api`], one file per journey; the steps
//! they share (identity checks, login throttling, code messages) in
//! `service`; the session cookie and the logged-in account in `session`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;

pub use api::*;

use crate::domain::{IndividualKind, RegistrationChannel, SpecialService, StaffRole, UnitKind};
use serde::{Deserialize, Serialize};

/// A registration window (注册窗口).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegistrationWindow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// True for the unit-user window.
    pub serves_units: bool,
}

/// The logged-in account, as resolved from the session cookie on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAccount {
    pub account_id: i64,
    pub display_name: String,
    /// Masked phone number (e.g. 138****1234).
    pub phone_masked: String,
    /// An individual's resident ID number, masked (110101********1237).
    pub id_number_masked: Option<String>,
    pub role: AccountRole,
    /// A unit's operator (经办人) logged in for the unit; None for the
    /// unit's own account and every other account.
    #[serde(default)]
    pub operator: Option<OperatorOnSession>,
    /// A person of another province roaming here (漫游用户): their home
    /// platform's province. None for this platform's own accounts.
    #[serde(default)]
    pub roaming_from: Option<String>,
    /// Who the account is in the registry, numbers in full: an
    /// individual's resident ID number, a unit's credit code; None for
    /// staff. The session layer reads it with the account, so a service
    /// needs no lookup of its own. Server-side only: never serialised to a
    /// browser, and its `Debug` masks the ID number.
    #[serde(skip)]
    pub owner: Option<crate::domain::OwnerKey>,
}

/// The unit's operator a session belongs to (经办人).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorOnSession {
    pub id: i64,
    pub login_name: String,
    pub full_name: String,
    pub services: Vec<crate::domain::unit_operator::OperatorService>,
}

/// An account as the store holds it (账户登记信息), numbers in full. The
/// session layer masks it into a [`SessionAccount`]
/// (`session::session_account_of`); a record never reaches a browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountOnRecord {
    pub account_id: i64,
    pub display_name: String,
    pub phone: String,
    /// An individual's resident ID number.
    pub id_number: Option<String>,
    pub role: AccountRole,
    /// A roaming account's home province (漫游用户的注册地).
    pub roaming_from: Option<String>,
}

/// What kind of account it is (用户类别), with what it needs for permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountRole {
    /// 个人用户
    Individual {
        kind: IndividualKind,
        channel: RegistrationChannel,
        /// Window that registered it, for window accounts.
        window: Option<String>,
    },
    /// 单位用户 (always window-registered)
    Unit {
        kind: UnitKind,
        credit_code: String,
        granted: Vec<SpecialService>,
        window: Option<String>,
    },
    /// 窗口民警 / 管理员
    Staff {
        role: StaffRole,
        window_id: Option<i64>,
        window: Option<String>,
        /// The window serves units (单位用户注册窗口).
        serves_units: bool,
    },
}

impl AccountRole {
    /// Who an account of this role is in the registry: an individual by
    /// the resident ID number on record, a unit by its credit code, staff
    /// no one.
    pub fn registry_owner(&self, id_number: Option<&str>) -> Option<crate::domain::OwnerKey> {
        use crate::domain::OwnerKey;
        match self {
            AccountRole::Individual { .. } => id_number.map(|id| OwnerKey::Person(id.into())),
            AccountRole::Unit { credit_code, .. } => {
                Some(OwnerKey::Organisation(credit_code.clone()))
            }
            AccountRole::Staff { .. } => None,
        }
    }
}

impl SessionAccount {
    /// The staff role, for a staff account.
    pub fn staff_role(&self) -> Option<StaffRole> {
        match self.role {
            AccountRole::Staff { role, .. } => Some(role),
            _ => None,
        }
    }

    /// Whether a staff account's role may do it.
    pub fn may(&self, power: crate::domain::StaffPower) -> bool {
        self.staff_role().is_some_and(|r| r.may(power))
    }

    /// Whether this session may use a unit service: the unit's own
    /// account may use all, an operator only those granted (and every
    /// other account none of the operator rules apply to).
    pub fn may_use_unit_service(
        &self,
        needed: &[crate::domain::unit_operator::OperatorService],
    ) -> bool {
        self.operator
            .as_ref()
            .is_none_or(|o| crate::domain::unit_operator::may(&o.services, needed))
    }

    pub fn is_staff(&self) -> bool {
        matches!(self.role, AccountRole::Staff { .. })
    }

    /// The domain's view of who is acting, for the eligibility rules
    /// (None for staff).
    pub fn service_actor(&self) -> Option<crate::domain::Actor> {
        use crate::domain::Actor;
        match &self.role {
            AccountRole::Individual { kind, channel, .. } => Some(Actor::Individual {
                kind: *kind,
                channel: *channel,
                roaming: self.roaming_from.is_some(),
            }),
            AccountRole::Unit { kind, granted, .. } => Some(Actor::Unit {
                kind: *kind,
                granted: granted.clone(),
            }),
            AccountRole::Staff { .. } => None,
        }
    }

    /// Who the account is in the registry (its ID number or credit code),
    /// or `NotLoggedIn` when the session holds no one (a staff account,
    /// an individual account without its number).
    pub fn registry_owner(&self) -> Result<crate::domain::OwnerKey, crate::error::AppError> {
        self.owner
            .clone()
            .ok_or(crate::error::AppError::NotLoggedIn)
    }

    /// The resident ID number in full, for an individual's account.
    pub fn person_id(&self) -> Option<&str> {
        self.owner.as_ref().and_then(|o| o.person())
    }

    /// The clerk's window id, when this is a clerk at a window.
    pub fn clerk_window(&self) -> Option<i64> {
        match self.role {
            AccountRole::Staff { window_id, .. } => window_id,
            _ => None,
        }
    }
}

/// Answer to step 1 of online registration: a code is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub phone_masked: String,
    pub valid_for_secs: i64,
    pub resend_after_secs: i64,
    /// True when no new code was sent because the last one is still valid.
    pub already_sent: bool,
}

/// Answer to step 1 of the password reset, identical whether or not an
/// account matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetCodeSent {
    /// The phone as typed, masked (never the phone on record).
    pub phone_masked: String,
    pub valid_for_secs: i64,
    pub resend_after_secs: i64,
}

/// Where the person goes after a reset: the login page, which says so.
pub const AFTER_RESET: &str = "/login?reset=1";

/// A staff member's read of a person's record (查阅记录), as the person
/// sees it on "谁查看过我的信息".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub at_ms: i64,
    /// 警号 of the officer.
    pub police_no: String,
    /// 所属单位 of the officer.
    pub unit: String,
    pub role: Option<StaffRole>,
    /// Why, as recorded: see [`RecordView::why_text`].
    pub why: String,
}

impl RecordView {
    /// The reason in words: `application:NO` is an online application the
    /// officer processed or reviewed.
    pub fn why_text(&self) -> crate::i18n::Text {
        match self.why.split_once(':') {
            Some(("application", no)) => crate::i18n::Text::new(
                format!("办理您的网上业务申请 {no}"),
                format!("Working on your online application {no}"),
            ),
            Some(("window", _)) => crate::i18n::Text::new(
                "您在注册窗口办理业务时，窗口民警核对账户",
                "A window clerk checked your account while serving you at a registration window",
            ),
            Some(("supervision", _)) => crate::i18n::Text::new(
                "审核民警核查您的账户（停用、启用或申诉审核）",
                "A supervisor reviewed your account (disabling, enabling or an appeal)",
            ),
            _ => crate::i18n::Text::new(self.why.clone(), self.why.clone()),
        }
    }
}
