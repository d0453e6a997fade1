//! Licence photos (驾驶证照片) in the store: one per person, replaced on upload.

use super::{port, Store};
use app::features::photos::PhotoMeta;
use app::ports::*;
use async_trait::async_trait;

#[async_trait]
impl LicencePhotos for Store {
    async fn save_photo(
        &self,
        account_id: i64,
        id_number: &str,
        info: app::domain::photo::PhotoInfo,
        bytes: &[u8],
        actor: &Actor,
    ) -> PortResult<()> {
        port("save_photo", async {
            let now = self.clock.now_ms();
            let digest = super::sha256_bytes_hex(bytes);
            let mut tx = self.begin_write().await?;
            sqlx::query("DELETE FROM licence_photos WHERE id_number = $1")
                .bind(id_number)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO licence_photos (id_number, account_id, mime, width, height, bytes, sha256, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id_number)
            .bind(account_id)
            .bind(info.format.mime())
            .bind(i64::from(info.width))
            .bind(i64::from(info.height))
            .bind(bytes.to_vec())
            .bind(&digest)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "licence.photo",
                &format!("account:{account_id}"),
                &format!(
                    "{} {}x{} {} bytes sha256 {digest}",
                    info.format.mime(),
                    info.width,
                    info.height,
                    bytes.len()
                ),
            )
            .await?;
            Store::notify_in(
                &mut tx,
                account_id,
                &app::domain::Sms::licence_photo_submitted(),
                "/account/licence/photo",
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn photo(&self, id_number: &str) -> PortResult<Option<(String, Vec<u8>)>> {
        port("photo", async {
            Ok(
                sqlx::query_as("SELECT mime, bytes FROM licence_photos WHERE id_number = $1")
                    .bind(id_number)
                    .fetch_optional(&self.pool)
                    .await?,
            )
        })
        .await
    }

    async fn photo_meta(&self, id_number: &str) -> PortResult<Option<PhotoMeta>> {
        port("photo_meta", async {
            let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
                "SELECT mime, width, height, uploaded_at FROM licence_photos WHERE id_number = $1",
            )
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|(mime, width, height, uploaded_at)| PhotoMeta {
                mime,
                width: width as u32,
                height: height as u32,
                uploaded_at_ms: uploaded_at,
            }))
        })
        .await
    }
}
