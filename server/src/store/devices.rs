//! Login devices (登录设备) in the store: the hash of each device cookie an
//! account logged in with, and the alert when a login comes from a new one.

use super::{sha256_hex, Store, StoreResult};
use app::domain::Sms;
use app::ports::Actor;
use rand::RngCore;

/// A device cookie as the store hands it out: 64 hexadecimal characters.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Store {
    /// See `Accounts::note_login_device`.
    pub(super) async fn note_device(
        &self,
        account_id: i64,
        token: Option<&str>,
        alert: Option<&Sms>,
        actor: &Actor,
        now_ms: i64,
    ) -> StoreResult<(String, bool)> {
        let token = match token.filter(|t| well_formed(t)) {
            Some(t) => t.to_ascii_lowercase(),
            None => {
                let mut bytes = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut bytes);
                hex::encode(bytes)
            }
        };
        let device_hash = sha256_hex(&token);
        let mut tx = self.begin_write().await?;
        let seen = sqlx::query(
            "UPDATE known_devices SET last_seen_at = $1 WHERE account_id = $2 AND device_hash = $3",
        )
        .bind(now_ms)
        .bind(account_id)
        .bind(&device_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if seen > 0 {
            tx.commit().await?;
            return Ok((token, false));
        }
        sqlx::query(
            "INSERT INTO known_devices (account_id, device_hash, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account_id)
        .bind(&device_hash)
        .bind(now_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if let Some(alert) = alert {
            // By SMS only: it must reach the holder, not whoever holds the
            // session (the message centre is in the account).
            let phone: Option<String> =
                sqlx::query_scalar("SELECT phone FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(phone) = phone.filter(|p| !p.is_empty()) {
                Store::sms_in(&mut tx, &phone, alert, now_ms).await?;
            }
            self.audit_in(
                &mut tx,
                actor,
                "account.new_device_login",
                &account_id.to_string(),
                &alert.text(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok((token, true))
    }
}
