//! The staff console: window registration (窗口注册) of individuals and
//! units (SPEC §2), the second step of a staff login (动态口令) and the
//! administrator's staff accounts. (The clerk's side of applications and
//! exam sessions is in those features.)

#[cfg(feature = "ssr")]
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod second_factor;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod windows;

pub use api::*;

/// The cookie that carries a window registration's new account number to
/// the form's page after a plain form post (read once, then cleared).
pub const REGISTERED_COOKIE: &str = "jgregistered";

use crate::domain::StaffRole;
use serde::{Deserialize, Serialize};

/// A staff member as the administrator's list shows them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StaffMember {
    pub account_id: i64,
    /// 登录名
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    /// 警号
    pub police_no: String,
    /// 所属单位
    pub unit: String,
    pub window_id: Option<i64>,
    pub window: Option<String>,
    /// Whether the second factor is set up (首次登录时绑定).
    pub enrolled: bool,
    pub disabled: bool,
    pub created_at_ms: i64,
}

/// The staff accounts and the registration windows, for the administrator.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StaffRoster {
    /// One page of the staff accounts, by role then username.
    pub members: crate::features::paging::ListPage<StaffMember>,
    pub windows: Vec<crate::features::accounts::RegistrationWindow>,
}
