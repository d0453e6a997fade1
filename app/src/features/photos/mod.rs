//! The licence photo (驾驶证专用照片, D4). The upload itself is a plain
//! multipart form handled by the server (its `photos` routes); the rules
//! are in `domain::photo`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use serde::{Deserialize, Serialize};

/// The stored photo's facts (not its bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoMeta {
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub uploaded_at_ms: i64,
}

/// Whether the person can submit a photo (a bound own licence), and the
/// photo on record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoStatus {
    pub licence_bound: bool,
    pub photo: Option<PhotoMeta>,
}
