//! Plate batches (选号批次) in the store: a vehicle's three batches, each
//! committed before it is drawn (the server seed's hash), drawn with the
//! client's nonce from the free numbers, and shown for a limited time.

use super::plates::free_at;
use super::{Store, StoreError, StoreResult};
use app::domain::plate_selection::{
    draw_batch, effective_seed, parse_seed, pool_digest, BATCH_SIZE, PICK_SECS,
};
use app::features::plates::{BatchView, DrawnBatch, PlateRefusal};

/// A batch as stored: committed, and drawn once.
#[derive(sqlx::FromRow)]
struct BatchRow {
    vin: String,
    commitment: String,
    server_seed: String,
    client_nonce: Option<String>,
    pool_size: Option<i64>,
    pool_digest: Option<String>,
    plates: String,
    drawn_at: Option<i64>,
    expires_at: Option<i64>,
}

impl BatchRow {
    fn into_view(self, batch_id: i64) -> BatchView {
        let drawn = self.drawn_at.map(|_| DrawnBatch {
            batch_id,
            commitment: self.commitment.clone(),
            server_seed: self.server_seed,
            client_nonce: self.client_nonce.unwrap_or_default(),
            pool_size: self.pool_size.unwrap_or_default(),
            pool_digest: self.pool_digest.unwrap_or_default(),
            plates: self
                .plates
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            expires_at_ms: self.expires_at.unwrap_or_default(),
        });
        BatchView {
            batch_id,
            vin: self.vin,
            commitment: self.commitment,
            drawn,
        }
    }
}

impl Store {
    pub(super) async fn draw_batch_of(
        &self,
        account_id: i64,
        batch_id: i64,
        client_nonce: &str,
        now_ms: i64,
    ) -> StoreResult<Result<DrawnBatch, PlateRefusal>> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT city, commitment, server_seed, drawn_at FROM plate_batches WHERE id = $1 AND account_id = $2",
        )
        .bind(batch_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((city, commitment, seed_hex, drawn_at)) = row else {
            return Ok(Err(PlateRefusal::NoSuchBatch));
        };
        if drawn_at.is_some() {
            return Ok(Err(PlateRefusal::AlreadyDrawn));
        }
        let seed =
            parse_seed(&seed_hex).ok_or_else(|| StoreError::BadValue("bad stored seed".into()))?;
        let available: Vec<String> = sqlx::query_scalar(concat!(
            "SELECT plate FROM plate_pool WHERE city = $1 AND ",
            free_at!("$2")
        ))
        .bind(&city)
        .bind(now_ms)
        .fetch_all(&mut *tx)
        .await?;
        let drawn = draw_batch(&effective_seed(&seed, client_nonce), &available, BATCH_SIZE);
        let expires = now_ms + PICK_SECS * 1000;
        let mut shown = Vec::with_capacity(drawn.len());
        for plate in drawn {
            let changed = sqlx::query(concat!(
                "UPDATE plate_pool SET status = 'shown', vin = NULL, batch_id = $1, until_ms = $2, extended = 0, updated_at = $3
                 WHERE plate = $4 AND ",
                free_at!("$3")
            ))
            .bind(batch_id)
            .bind(expires)
            .bind(now_ms)
            .bind(&plate)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                shown.push(plate);
            }
        }
        let digest = pool_digest(&available);
        sqlx::query(
            "UPDATE plate_batches SET client_nonce = $1, pool_size = $2, pool_digest = $3, plates = $4, drawn_at = $5, expires_at = $6
             WHERE id = $7",
        )
        .bind(client_nonce)
        .bind(available.len() as i64)
        .bind(&digest)
        .bind(shown.join(","))
        .bind(now_ms)
        .bind(expires)
        .bind(batch_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(DrawnBatch {
            batch_id,
            commitment,
            server_seed: seed_hex,
            client_nonce: client_nonce.to_string(),
            pool_size: available.len() as i64,
            pool_digest: digest,
            plates: shown,
            expires_at_ms: expires,
        }))
    }

    pub(super) async fn batch_view(
        &self,
        account_id: i64,
        batch_id: i64,
    ) -> StoreResult<Option<BatchView>> {
        let row: Option<BatchRow> = sqlx::query_as(
            "SELECT vin, commitment, server_seed, client_nonce, pool_size, pool_digest, plates, drawn_at, expires_at
             FROM plate_batches WHERE id = $1 AND account_id = $2",
        )
        .bind(batch_id)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| row.into_view(batch_id)))
    }
}
