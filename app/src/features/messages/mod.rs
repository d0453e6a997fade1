//! The message centre (消息中心): what happened to the person's business,
//! newest first (each entry was also sent by SMS).

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;

pub use api::*;

use serde::{Deserialize, Serialize};

/// One notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub created_at_ms: i64,
    pub title: String,
    pub body: String,
    /// A page of the portal it is about (may be empty).
    pub link: String,
    pub read: bool,
}
