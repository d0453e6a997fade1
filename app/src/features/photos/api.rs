//! The licence photo's server function (the upload is a plain form).

use super::PhotoStatus;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::photo_holder, crate::features::accounts::session::require_individual,
    crate::features::request::ports,
};

/// Whether the person can submit a photo, and the photo on record.
#[server(prefix = "/api", endpoint = "licence_photo_status", output = crate::wire::JsonAnswer)]
pub async fn licence_photo_status() -> Result<PhotoStatus, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let Some(id) = photo_holder(&ports, &account).await? else {
        return Ok(PhotoStatus {
            licence_bound: false,
            photo: None,
        });
    };
    let photo = ports.photos.photo_meta(&id).await?;
    Ok(PhotoStatus {
        licence_bound: true,
        photo,
    })
}
