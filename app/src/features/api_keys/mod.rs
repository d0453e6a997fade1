//! The unit's keys of the open API (开放接口密钥管理): the unit's own
//! account creates a key for its own system — shown once, kept only as a
//! digest — with scopes among its granted services and an expiry, and
//! revokes it at once. The rules are in `domain::api_key`; the calls the
//! keys make are served by the server's `http::open_api`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::api_key::{ApiScope, KeyState};
use serde::{Deserialize, Serialize};

/// One key in the unit's list: never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// 密钥编号: the part of the key that names it (`jgk_…`).
    pub public_id: String,
    pub scopes: Vec<ApiScope>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub state: KeyState,
}

/// The key page: the unit's keys, the scopes it may give, and a key just
/// created (shown this once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyRow>,
    pub offered: Vec<ApiScope>,
    pub new_key: Option<NewKeyShown>,
}

/// A key just created, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKeyShown {
    pub name: String,
    pub key: String,
}

/// The cookie that carries a new key from its creation to the page that
/// shows it once (a minute at most; the page clears it).
pub const NEW_KEY_COOKIE: &str = "jgopnewkey";
