//! Roaming in the store (漫游): as the home platform, the one-time codes
//! granted and the notices to send; as the visited platform, the message
//! ids seen and the roaming accounts with what they may see here.

mod accounts;

use super::{port, Store};
use app::domain::roaming::{NoticeEvent, RoamingPerson, RoamingVehicle, MAX_VEHICLES};
use app::ports::*;
use async_trait::async_trait;

#[async_trait]
impl Roaming for Store {
    async fn home_facts(&self, account_id: i64) -> PortResult<Option<HomeFacts>> {
        port("home_facts", async {
            type Row = (
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
                String,
                Option<i64>,
                Option<i64>,
            );
            let row: Option<Row> = sqlx::query_as(
                "SELECT a.kind, a.channel, a.individual_kind, a.id_number, a.display_name, a.phone,
                        a.disabled_at, r.account_id
                 FROM accounts a LEFT JOIN roaming_accounts r ON r.account_id = a.id
                 WHERE a.id = $1",
            )
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
            // Only this platform's own active individuals roam from here
            // (a roaming account here does not roam on).
            let Some((
                kind,
                Some(channel),
                Some(individual_kind),
                Some(id_number),
                name,
                phone,
                None,
                None,
            )) = row
            else {
                return Ok(None);
            };
            if kind != "individual" {
                return Ok(None);
            }
            let vehicles: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT v.plate, v.vin, b.own FROM vehicle_bindings b
                 JOIN vehicles v ON v.id = b.vehicle_id
                 WHERE b.account_id = $1 AND v.plate IS NOT NULL
                 ORDER BY b.id LIMIT $2",
            )
            .bind(account_id)
            .bind(MAX_VEHICLES as i64)
            .fetch_all(&self.pool)
            .await?;
            Ok(Some(HomeFacts {
                person: RoamingPerson {
                    id_number,
                    name,
                    phone,
                    channel,
                    kind: individual_kind,
                },
                vehicles: vehicles
                    .into_iter()
                    .map(|(plate, vin, own)| RoamingVehicle {
                        plate,
                        vin,
                        own: own == 1,
                    })
                    .collect(),
            }))
        })
        .await
    }

    async fn grant_code(
        &self,
        account_id: i64,
        audience: &str,
        nonce: &str,
        code_hash: &str,
        expires_at_ms: i64,
        actor: &Actor,
    ) -> PortResult<()> {
        port("grant_code", async {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO roaming_codes (code_hash, account_id, audience, nonce, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(code_hash)
            .bind(account_id)
            .bind(audience)
            .bind(nonce)
            .bind(self.clock.now_ms())
            .bind(expires_at_ms)
            .execute(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "roaming.grant",
                &format!("account:{account_id}"),
                &format!("audience={audience}"),
            )
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn redeem_code(
        &self,
        code_hash: &str,
        audience: &str,
        now_ms: i64,
    ) -> PortResult<Option<(i64, String)>> {
        port("redeem_code", async {
            let mut tx = self.begin_write().await?;
            let row: Option<(i64, String)> = sqlx::query_as(
                "UPDATE roaming_codes SET used_at = $1
                 WHERE code_hash = $2 AND audience = $3 AND used_at IS NULL AND expires_at > $1
                 RETURNING account_id, nonce",
            )
            .bind(now_ms)
            .bind(code_hash)
            .bind(audience)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(row)
        })
        .await
    }

    async fn queue_notices(
        &self,
        account_id: i64,
        event: NoticeEvent,
        since_ms: i64,
        now_ms: i64,
    ) -> PortResult<Vec<i64>> {
        port("queue_notices", async {
            let mut tx = self.begin_write().await?;
            let audiences: Vec<String> = sqlx::query_scalar(
                "SELECT DISTINCT audience FROM roaming_codes
                 WHERE account_id = $1 AND created_at >= $2
                 ORDER BY audience",
            )
            .bind(account_id)
            .bind(since_ms)
            .fetch_all(&mut *tx)
            .await?;
            let mut ids = Vec::new();
            for audience in audiences {
                // Sent at once by the caller; the job tries again a minute on.
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO roaming_notices (audience, subject, event, created_at, next_try_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&audience)
                .bind(account_id.to_string())
                .bind(event.code())
                .bind(now_ms)
                .bind(now_ms + 60_000)
                .fetch_one(&mut *tx)
                .await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok(ids)
        })
        .await
    }

    async fn due_notices(&self, now_ms: i64, limit: i64) -> PortResult<Vec<PendingNotice>> {
        port("due_notices", async {
            let rows: Vec<NoticeRow> = sqlx::query_as(
                "SELECT id, audience, subject, event, attempts FROM roaming_notices
                 WHERE sent_at IS NULL AND next_try_at IS NOT NULL AND next_try_at <= $1
                 ORDER BY id LIMIT $2",
            )
            .bind(now_ms)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().filter_map(pending).collect())
        })
        .await
    }

    async fn notices(&self, ids: &[i64]) -> PortResult<Vec<PendingNotice>> {
        port("notices", async {
            let mut found = Vec::new();
            for id in ids {
                let row: Option<NoticeRow> = sqlx::query_as(
                    "SELECT id, audience, subject, event, attempts FROM roaming_notices
                     WHERE id = $1 AND sent_at IS NULL",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                found.extend(row.and_then(pending));
            }
            Ok(found)
        })
        .await
    }

    async fn notice_sent(&self, id: i64, now_ms: i64) -> PortResult<()> {
        port("notice_sent", async {
            sqlx::query(
                "UPDATE roaming_notices SET sent_at = $1, next_try_at = NULL, attempts = attempts + 1
                 WHERE id = $2",
            )
            .bind(now_ms)
            .bind(id)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn notice_failed(&self, id: i64, retry_at_ms: Option<i64>) -> PortResult<()> {
        port("notice_failed", async {
            sqlx::query(
                "UPDATE roaming_notices SET attempts = attempts + 1, next_try_at = $1
                 WHERE id = $2 AND sent_at IS NULL",
            )
            .bind(retry_at_ms)
            .bind(id)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn claim_message(&self, issuer: &str, jti: &str, keep_until_ms: i64) -> PortResult<bool> {
        port("claim_message", async {
            let inserted = sqlx::query(
                "INSERT INTO roaming_seen (issuer, jti, keep_until) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(issuer)
            .bind(jti)
            .bind(keep_until_ms)
            .execute(&self.writer)
            .await?
            .rows_affected();
            Ok(inserted == 1)
        })
        .await
    }

    async fn open_roaming_account(
        &self,
        home: &str,
        subject: &str,
        facts: &HomeFacts,
        actor: &Actor,
    ) -> PortResult<Result<i64, OpenRefused>> {
        port("open_roaming_account", async {
            let mut tx = self.begin_write().await?;
            let account_id = match self.roaming_account(&mut tx, home, subject, facts).await? {
                Ok(id) => id,
                Err(refused) => return Ok(Err(refused)),
            };
            let (vehicles, licence) = self.bind_for_roaming(&mut tx, account_id, facts).await?;
            let actor = Actor {
                account_id: Some(account_id),
                ..actor.clone()
            };
            self.audit_in(
                &mut tx,
                &actor,
                "roaming.login",
                &format!("account:{account_id}"),
                &format!("home={home} subject={subject} vehicles={vehicles} licence={licence}"),
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(account_id))
        })
        .await
    }

    async fn end_roaming_sessions(
        &self,
        home: &str,
        subject: &str,
        event: NoticeEvent,
        actor: &Actor,
    ) -> PortResult<usize> {
        port("end_roaming_sessions", async {
            let mut tx = self.begin_write().await?;
            let account: Option<i64> = sqlx::query_scalar(
                "SELECT account_id FROM roaming_accounts WHERE home_province = $1 AND home_subject = $2",
            )
            .bind(home)
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?;
            let ended = match account {
                None => 0,
                Some(id) => sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize,
            };
            let subject_text = account
                .map(|id| format!("account:{id}"))
                .unwrap_or_else(|| format!("roaming:{home}:{subject}"));
            self.audit_in(
                &mut tx,
                actor,
                "roaming.notice",
                &subject_text,
                &format!("home={home} event={} sessions_ended={ended}", event.code()),
            )
            .await?;
            tx.commit().await?;
            Ok(ended)
        })
        .await
    }

    async fn record_refusal(&self, issuer: &str, reason: &str, actor: &Actor) -> PortResult<()> {
        port("record_roaming_refusal", async {
            let mut tx = self.begin_write().await?;
            self.audit_in(
                &mut tx,
                actor,
                "roaming.refused",
                &format!("roaming:{}", issuer.chars().take(8).collect::<String>()),
                &format!("reason={reason}"),
            )
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn delete_spent_roaming(&self, now_ms: i64) -> PortResult<usize> {
        port("delete_spent_roaming", async {
            let mut tx = self.begin_write().await?;
            let mut n = sqlx::query("DELETE FROM roaming_seen WHERE keep_until < $1")
                .bind(now_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            // Codes are kept a month: logging out at home tells the
            // platforms they opened.
            n += sqlx::query("DELETE FROM roaming_codes WHERE expires_at < $1")
                .bind(now_ms - 30 * 86_400_000)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            n += sqlx::query(
                "DELETE FROM roaming_notices
                 WHERE (sent_at IS NOT NULL OR next_try_at IS NULL) AND created_at < $1",
            )
            .bind(now_ms - 30 * 86_400_000)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(n as usize)
        })
        .await
    }
}

type NoticeRow = (i64, String, String, String, i64);

fn pending((id, audience, subject, event, attempts): NoticeRow) -> Option<PendingNotice> {
    Some(PendingNotice {
        id,
        audience,
        subject,
        event: NoticeEvent::from_code(&event)?,
        attempts,
    })
}
