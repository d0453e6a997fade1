//! The open API's keys in the store: the unit's keys (only a digest of the
//! secret), revocation, the calls counted per key per minute (the rate
//! limit every app server shares) and each call's audit entry.

use super::{port, Store};
use app::domain::api_key::{scopes_column, scopes_of_column, KeyState, KEY_PREFIX};
use app::features::api_keys::ApiKeyRow;
use app::ports::*;
use async_trait::async_trait;

type KeyRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

fn key_row(row: KeyRow, now_ms: i64) -> ApiKeyRow {
    let (id, name, public_id, scopes, created_at, expires_at, revoked_at, last_used_at) = row;
    ApiKeyRow {
        id,
        name,
        public_id,
        scopes: scopes_of_column(&scopes),
        created_at_ms: created_at,
        expires_at_ms: expires_at,
        revoked_at_ms: revoked_at,
        last_used_at_ms: last_used_at,
        state: KeyState::of(expires_at, revoked_at, now_ms),
    }
}

#[async_trait]
impl ApiKeys for Store {
    async fn create_key(
        &self,
        new: &NewApiKey,
        max_active: usize,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        port("create_key", async {
            let mut tx = self.begin_write().await?;
            // Two creations at once take turns (SQLite's writes always do).
            self.lock_keys(&mut tx, &[&format!("api-keys:{}", new.account_id)])
                .await?;
            let now = self.clock.now_ms();
            let active: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM api_keys
                 WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(new.account_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            if active as usize >= max_active {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_keys (account_id, public_id, secret_digest, name, scopes, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(new.account_id)
            .bind(&new.public_id)
            .bind(&new.secret_digest)
            .bind(&new.name)
            .bind(scopes_column(&new.scopes))
            .bind(self.clock.now_ms())
            .bind(new.expires_at_ms)
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "api_key.create",
                &format!("api_key:{KEY_PREFIX}{}", new.public_id),
                &format!(
                    "{} ({}), until {}",
                    new.name,
                    scopes_column(&new.scopes),
                    new.expires_at_ms
                ),
            )
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        })
        .await
    }

    async fn unit_keys(&self, account_id: i64, now_ms: i64) -> PortResult<Vec<ApiKeyRow>> {
        port("unit_keys", async {
            let rows: Vec<KeyRow> = sqlx::query_as(
                "SELECT id, name, public_id, scopes, created_at, expires_at, revoked_at, last_used_at
                 FROM api_keys WHERE account_id = $1 ORDER BY id DESC",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| key_row(r, now_ms)).collect())
        })
        .await
    }

    async fn revoke_key(&self, account_id: i64, id: i64, actor: &Actor) -> PortResult<bool> {
        port("revoke_key", async {
            let mut tx = self.begin_write().await?;
            let public_id: Option<String> = sqlx::query_scalar(
                "UPDATE api_keys SET revoked_at = $1
                 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL RETURNING public_id",
            )
            .bind(self.clock.now_ms())
            .bind(id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(public_id) = public_id else {
                return Ok(false);
            };
            self.audit_in(
                &mut tx,
                actor,
                "api_key.revoke",
                &format!("api_key:{KEY_PREFIX}{public_id}"),
                "",
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn key_by_public_id(&self, public_id: &str) -> PortResult<Option<KeyOnRecord>> {
        port("key_by_public_id", async {
            type Row = (
                i64,
                i64,
                String,
                String,
                String,
                i64,
                Option<i64>,
                Option<i64>,
            );
            let row: Option<Row> = sqlx::query_as(
                "SELECT k.id, k.account_id, k.public_id, k.secret_digest, k.scopes, k.expires_at,
                        k.revoked_at, a.disabled_at
                 FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.public_id = $1",
            )
            .bind(public_id)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(
                |(id, account_id, public_id, digest, scopes, expires, revoked, disabled)| {
                    KeyOnRecord {
                        id,
                        account_id,
                        public_id,
                        secret_digest: digest,
                        scopes: scopes_of_column(&scopes),
                        expires_at_ms: expires,
                        revoked_at_ms: revoked,
                        account_disabled: disabled.is_some(),
                    }
                },
            ))
        })
        .await
    }

    async fn count_call(
        &self,
        key_id: i64,
        minute: i64,
        now_ms: i64,
        limit: i64,
    ) -> PortResult<i64> {
        port("count_call", async {
            let so_far: Option<i64> = sqlx::query_scalar(
                "SELECT calls FROM api_key_calls WHERE key_id = $1 AND minute = $2",
            )
            .bind(key_id)
            .bind(minute)
            .fetch_optional(&self.pool)
            .await?;
            // Past the quota already: no write (the first call past it
            // was counted, and the gate audited it).
            if let Some(n) = so_far.filter(|&n| n > limit) {
                return Ok(n + 1);
            }
            let mut tx = self.begin_write().await?;
            let calls: i64 = sqlx::query_scalar(
                "INSERT INTO api_key_calls (key_id, minute, calls) VALUES ($1, $2, 1)
                 ON CONFLICT (key_id, minute) DO UPDATE SET calls = api_key_calls.calls + 1
                 RETURNING calls",
            )
            .bind(key_id)
            .bind(minute)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(key_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(calls)
        })
        .await
    }

    async fn audit_call(
        &self,
        call: &ApiCall<'_>,
        refused: Option<&str>,
        actor: &Actor,
    ) -> PortResult<()> {
        port("audit_call", async {
            let mut tx = self.begin_write().await?;
            let (action, detail) = match refused {
                None => ("api.call", String::new()),
                Some(why) => ("api_key.refused", format!(": {why}")),
            };
            self.audit_in(
                &mut tx,
                actor,
                action,
                &format!("api_key:{}", call.public_id),
                &format!("{} {} {}{detail}", call.method, call.path, call.status),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn delete_old_calls(&self, minute: i64) -> PortResult<usize> {
        port("delete_old_calls", async {
            let mut tx = self.begin_write().await?;
            let gone = sqlx::query("DELETE FROM api_key_calls WHERE minute < $1")
                .bind(minute)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(gone as usize)
        })
        .await
    }
}
