//! Roaming between provincial platforms (漫游, SPEC §6): logging in at
//! another province's platform with this platform's account, and letting
//! people of other provinces in here with theirs — no second
//! registration. The messages and their checks are in `domain::roaming`;
//! the protocol's addresses that are not pages (the start, the return, the
//! exchange and notices) are the server's (`server::http::roaming`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod peer_answers;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use serde::{Deserialize, Serialize};

/// What the person is asked to agree to on the home platform (step 2):
/// which platform asks, and what it will be told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub peer_province: String,
    pub peer_name_zh: String,
    pub peer_name_en: String,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    /// The plates of the vehicles bound here.
    pub plates: Vec<String>,
}

/// A province the login page offers (用其他省份账号登录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingHome {
    pub province: String,
    pub name_zh: String,
    pub name_en: String,
}
