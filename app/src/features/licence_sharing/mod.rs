//! Licence share codes (驾驶证信息分享码): the holder's codes, each for a
//! named party and up to 21 days, with every use shown and a revoke
//! button; and the public check (驾驶证信息核查) where the party enters
//! the code and the licence number's last four characters to see the
//! licence's status and points. The rules are in `domain::share_code`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::share_code::ShareState;
use serde::{Deserialize, Serialize};

/// One of the holder's codes, with its uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareCodeRow {
    pub id: i64,
    /// As shown: `ABCD-EFGH`.
    pub code: String,
    /// Who it is for (分享对象).
    pub party: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub state: ShareState,
    /// Newest first.
    pub uses: Vec<ShareUse>,
}

/// One check made with a code (使用记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareUse {
    pub at_ms: i64,
    /// Who said they were checking.
    pub checker: String,
}

/// The holder's share page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharePage {
    /// A licence is bound: codes may be made.
    pub licence_bound: bool,
    /// Newest first.
    pub codes: Vec<ShareCodeRow>,
}

/// What a check shows: the licence's status and points now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedLicence {
    pub name: String,
    /// Masked: `130102********123X`.
    pub number: String,
    pub class: crate::domain::LicenceClass,
    pub status: crate::domain::LicenceStatus,
    pub valid_from: crate::domain::Date,
    pub valid_until: crate::domain::Date,
    /// 累积记分 this cycle.
    pub points: i64,
    pub cycle_ends: crate::domain::Date,
    /// Who the holder made the code for, and until when it holds.
    pub party: String,
    pub code_expires_at_ms: i64,
    pub checked_at_ms: i64,
}
