//! Signed credentials in the store (电子凭证): the ones issued, the holder's
//! current one, revocation (audited) and what the verification page reads.

use super::{port, Store};
use app::domain::credential::{CredentialKind, CLOCK_SKEW_SECS};
use app::ports::*;
use async_trait::async_trait;

#[async_trait]
impl Credentials for Store {
    async fn held_credential(
        &self,
        account_id: i64,
        kind: CredentialKind,
        subject: &str,
        holds_past_ms: i64,
    ) -> PortResult<Option<HeldCredential>> {
        port("held_credential", async {
            let row: Option<(String, String, i64, i64)> = sqlx::query_as(
                "SELECT jti, token, issued_at, expires_at FROM credentials
                 WHERE account_id = $1 AND kind = $2 AND subject = $3
                   AND revoked_at IS NULL AND expires_at > $4
                 ORDER BY expires_at DESC LIMIT 1",
            )
            .bind(account_id)
            .bind(kind.code())
            .bind(subject)
            .bind(holds_past_ms)
            .fetch_optional(&self.pool)
            .await?;
            Ok(
                row.map(|(jti, token, issued_at_ms, expires_at_ms)| HeldCredential {
                    jti,
                    token,
                    issued_at_ms,
                    expires_at_ms,
                }),
            )
        })
        .await
    }

    async fn record_credential(&self, new: &NewCredential) -> PortResult<()> {
        port("record_credential", async {
            sqlx::query(
                "INSERT INTO credentials (jti, kind, account_id, subject, token, issued_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&new.jti)
            .bind(new.kind.code())
            .bind(new.account_id)
            .bind(&new.subject)
            .bind(&new.token)
            .bind(new.issued_at_ms)
            .bind(new.expires_at_ms)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn revoke_credentials(
        &self,
        account_id: i64,
        kind: CredentialKind,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<usize> {
        port("revoke_credentials", async {
            let mut tx = self.begin_write().await?;
            let now = self.clock.now_ms();
            // Within the clock skew a check still accepts a credential past
            // its expiry: those are revoked too.
            let revoked = sqlx::query(
                "UPDATE credentials SET revoked_at = $1
                 WHERE account_id = $2 AND kind = $3 AND revoked_at IS NULL AND expires_at > $4",
            )
            .bind(now)
            .bind(account_id)
            .bind(kind.code())
            .bind(now - CLOCK_SKEW_SECS * 1000)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
            if revoked == 0 {
                return Ok(0);
            }
            self.audit_in(
                &mut tx,
                actor,
                "credential.revoke",
                &format!("account:{account_id}"),
                &format!("kind={} count={revoked} reason={reason}", kind.code()),
            )
            .await?;
            tx.commit().await?;
            Ok(revoked)
        })
        .await
    }

    async fn credential_on_record(&self, jti: &str) -> PortResult<Option<CredentialOnRecord>> {
        port("credential_on_record", async {
            type Row = (String, Option<i64>, Option<i64>, Option<String>);
            // Revoked: by itself; a licence's when its holder's account is
            // disabled; a plate's when the dealer revoked the plate.
            let row: Option<Row> = sqlx::query_as(
                "SELECT c.kind, c.revoked_at,
                        CASE WHEN c.kind = 'driving_licence' THEN a.disabled_at
                             WHEN t.state = 'revoked' THEN t.ended_at END,
                        l.status
                 FROM credentials c
                 JOIN accounts a ON a.id = c.account_id
                 LEFT JOIN driving_licences l ON c.kind = 'driving_licence' AND l.id_number = c.subject
                 LEFT JOIN temporary_plates t ON c.kind = 'temporary_plate'
                      AND CAST(t.id AS TEXT) = c.subject
                 WHERE c.jti = $1",
            )
            .bind(jti)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.and_then(|(kind, revoked_at, disabled_at, licence_status_now)| {
                Some(CredentialOnRecord {
                    kind: CredentialKind::from_code(&kind)?,
                    revoked_at_ms: revoked_at.or(disabled_at),
                    licence_status_now,
                })
            }))
        })
        .await
    }

    async fn registry_name(&self, id_number: &str) -> PortResult<Option<String>> {
        self.registry_person_name(id_number).await
    }

    async fn delete_expired_credentials(&self, before_ms: i64) -> PortResult<usize> {
        port("delete_expired_credentials", async {
            let gone = sqlx::query("DELETE FROM credentials WHERE expires_at < $1")
                .bind(before_ms)
                .execute(&self.writer)
                .await?
                .rows_affected();
            Ok(gone as usize)
        })
        .await
    }
}
