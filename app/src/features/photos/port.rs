//! The port of licence photos.

use super::PhotoMeta;
use crate::domain::photo::PhotoInfo;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// Licence photos (驾驶证专用照片, D4).
#[async_trait]
pub trait LicencePhotos: Send + Sync {
    /// Keeps the newest photo for the driver (replacing an older one).
    async fn save_photo(
        &self,
        account_id: i64,
        id_number: &str,
        info: PhotoInfo,
        bytes: &[u8],
        actor: &Actor,
    ) -> PortResult<()>;
    /// (MIME type, bytes) of the driver's photo.
    async fn photo(&self, id_number: &str) -> PortResult<Option<(String, Vec<u8>)>>;
    async fn photo_meta(&self, id_number: &str) -> PortResult<Option<PhotoMeta>>;
}
