//! Supervision (审核): a supervisor opens a person's account file, disables
//! or re-enables the account with a reason (its sessions end at once), and
//! decides a blacklisted person's appeal (黑名单申诉), which the person
//! files online with a reason and whose decision and reason they see.
//! Every opening of a person's file is a record view the person can see.
//! The window clerk's services to the person at the counter (upgrade,
//! password reset, phone change) work on the same file (`window`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod window;
pub mod window_api;

pub use api::*;
pub use window_api::*;

use crate::domain::{Date, RegistrationChannel};
use serde::{Deserialize, Serialize};

/// A person's or unit's account as staff open it (账户档案): the numbers
/// in full, because opening it is recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFile {
    pub account_id: i64,
    /// True for a unit account (单位用户).
    pub unit: bool,
    pub display_name: String,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: String,
    pub channel: Option<RegistrationChannel>,
    pub window: Option<String>,
    pub created_at_ms: i64,
    /// When and why it was disabled (停用).
    pub disabled: Option<(i64, String)>,
}

/// A decision on an appeal (申诉结果).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealDecision {
    /// True: the entry was lifted (申诉成立); false: it stands (维持).
    pub lifted: bool,
    pub reason: String,
    pub at_ms: i64,
}

/// An appeal against a blacklist entry (黑名单申诉).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: i64,
    pub entry_id: i64,
    pub account_id: i64,
    /// The appellant's name (for the supervisor's queue).
    pub applicant: String,
    pub application_no: String,
    /// "deliveries_refused" or "not_collected".
    pub cause: String,
    pub until: Date,
    pub reason: String,
    pub submitted_at_ms: i64,
    pub decision: Option<AppealDecision>,
}

/// A blacklist entry of mine, with my appeal if I made one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBlacklistEntry {
    pub entry: crate::features::applications::BlacklistEntry,
    /// In force today (not lifted, not past its end).
    pub in_force: bool,
    pub appeals: Vec<Appeal>,
}

/// An account found by a search, masked until it is opened (打开档案).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHit {
    pub account_id: i64,
    pub unit: bool,
    pub display_name: String,
    /// The ID number or credit code, masked.
    pub number_masked: String,
    pub phone_masked: String,
    pub disabled: bool,
}

impl AccountFile {
    /// The file as a search lists it: numbers masked.
    pub fn hit(&self) -> AccountHit {
        use crate::domain::{PhoneNumber, ResidentId};
        let number_masked = match (&self.id_number, &self.credit_code) {
            (Some(id), _) => ResidentId::masked_or_stars(id),
            (None, Some(code)) => {
                let shown: String = code.chars().take(4).collect();
                format!("{shown}**************")
            }
            _ => "—".into(),
        };
        AccountHit {
            account_id: self.account_id,
            unit: self.unit,
            display_name: self.display_name.clone(),
            number_masked,
            phone_masked: PhoneNumber::masked_or_stars(&self.phone),
            disabled: self.disabled.is_some(),
        }
    }
}
