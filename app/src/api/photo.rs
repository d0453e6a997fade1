//! The licence photo (驾驶证专用照片, D4). The upload itself is a plain
//! multipart form handled by the server (`server/src/photos.rs`); the
//! rules are in `domain::photo`.

use crate::error::AppError;
use leptos::prelude::*;
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

#[server(prefix = "/api", endpoint = "licence_photo_status")]
pub async fn licence_photo_status() -> Result<PhotoStatus, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let Some(id) = photo_holder(&ports, account.account_id).await? else {
        return Ok(PhotoStatus {
            licence_bound: false,
            photo: None,
        });
    };
    let photo = ports
        .photos
        .photo_meta(&id)
        .await
        .map_err(port("load photo"))?;
    Ok(PhotoStatus {
        licence_bound: true,
        photo,
    })
}

/// The ID number of the account's bound own licence, if any: only its
/// holder submits or sees the photo.
#[cfg(feature = "ssr")]
pub async fn photo_holder(
    ports: &crate::ports::Ports,
    account_id: i64,
) -> Result<Option<String>, AppError> {
    use super::server::port;
    let Some(crate::ports::OwnerKey::Person(id)) = ports
        .bindings
        .account_owner(account_id)
        .await
        .map_err(port("load owner"))?
    else {
        return Ok(None);
    };
    let bound = ports
        .bindings
        .licence(account_id, &id)
        .await
        .map_err(port("load licence"))?
        .is_some_and(|l| l.bound);
    Ok(bound.then_some(id))
}
