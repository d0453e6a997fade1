//! Roaming in the store (漫游): as the home platform, the one-time codes
//! granted and the notices to send; as the visited platform, the message
//! ids seen and the roaming accounts with what they may see here.

use super::{port, Store, StoreResult, Tx};
use app::domain::roaming::{NoticeEvent, RoamingPerson, RoamingVehicle, MAX_VEHICLES};
use app::ports::*;
use async_trait::async_trait;

/// The password of a roaming account: no hash, so no password opens it.
const NO_PASSWORD: &str = "!roaming";

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
                 WHERE account_id = $1 AND used_at IS NOT NULL AND used_at >= $2
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

impl Store {
    /// The roaming account of `home`'s `subject`, made on the first visit
    /// and brought up to date with the assertion on each.
    async fn roaming_account(
        &self,
        tx: &mut Tx,
        home: &str,
        subject: &str,
        facts: &HomeFacts,
    ) -> StoreResult<Result<i64, OpenRefused>> {
        let p = &facts.person;
        let now = self.clock.now_ms();
        let known: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT r.account_id, a.disabled_at FROM roaming_accounts r
             JOIN accounts a ON a.id = r.account_id
             WHERE r.home_province = $1 AND r.home_subject = $2",
        )
        .bind(home)
        .bind(subject)
        .fetch_optional(&mut **tx)
        .await?;
        // The same person under another home account (registered again at
        // home, or moved province): their ID number finds the account.
        let by_person: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT a.id, a.disabled_at, r.account_id FROM accounts a
             LEFT JOIN roaming_accounts r ON r.account_id = a.id
             WHERE a.id_number = $1",
        )
        .bind(&p.id_number)
        .fetch_optional(&mut **tx)
        .await?;
        let (id, disabled) = match (known, by_person) {
            (Some((id, disabled)), _) => (id, disabled),
            (None, Some((_, _, None))) => return Ok(Err(OpenRefused::LocalAccount)),
            (None, Some((id, disabled, Some(_)))) => {
                sqlx::query(
                    "UPDATE roaming_accounts SET home_province = $1, home_subject = $2 WHERE account_id = $3",
                )
                .bind(home)
                .bind(subject)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                (id, disabled)
            }
            (None, None) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
                     VALUES ('individual', 'online', $1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&p.kind)
                .bind(&p.id_number)
                .bind(&p.name)
                .bind(&p.phone)
                .bind(NO_PASSWORD)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO roaming_accounts (account_id, home_province, home_subject, home_channel, first_seen_at, last_login_at)
                     VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(id)
                .bind(home)
                .bind(subject)
                .bind(&p.channel)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                (id, None)
            }
        };
        if disabled.is_some() {
            return Ok(Err(OpenRefused::Disabled));
        }
        sqlx::query(
            "UPDATE accounts SET individual_kind = $1, display_name = $2, phone = $3 WHERE id = $4",
        )
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.phone)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE roaming_accounts SET home_channel = $1, last_login_at = $2 WHERE account_id = $3",
        )
        .bind(&p.channel)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(Ok(id))
    }

    /// Binds anew what a roaming person may see here: their own vehicles
    /// on this registry, the vehicles bound at home that this registry
    /// knows (in their name here, or not in their name within the three a
    /// window registration allows), and their licence if it was issued
    /// here. Answers (vehicles bound, licence bound).
    async fn bind_for_roaming(
        &self,
        tx: &mut Tx,
        account_id: i64,
        facts: &HomeFacts,
    ) -> StoreResult<(usize, bool)> {
        let p = &facts.person;
        let now = self.clock.now_ms();
        sqlx::query("DELETE FROM vehicle_bindings WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM licence_bindings WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        let mut own: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM vehicles WHERE owner_kind = 'person' AND owner_id = $1 AND plate IS NOT NULL
             ORDER BY id LIMIT $2",
        )
        .bind(&p.id_number)
        .bind(MAX_VEHICLES as i64)
        .fetch_all(&mut **tx)
        .await?;
        let mut others: Vec<i64> = Vec::new();
        for v in &facts.vehicles {
            let found: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT id, owner_kind, owner_id FROM vehicles WHERE plate = $1 AND vin = $2",
            )
            .bind(&v.plate)
            .bind(&v.vin)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((id, owner_kind, owner_id)) = found else {
                continue;
            };
            let in_their_name = owner_kind == "person" && owner_id == p.id_number;
            if in_their_name {
                if !own.contains(&id) {
                    own.push(id);
                }
            } else if !v.own && p.channel == "window" && others.len() < 3 && !others.contains(&id) {
                others.push(id);
            }
        }
        for id in &own {
            sqlx::query(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at)
                 VALUES ($1, $2, 1, NULL, $3)",
            )
            .bind(account_id)
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        for (slot, id) in others.iter().enumerate() {
            sqlx::query(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at)
                 VALUES ($1, $2, 0, $3, $4)",
            )
            .bind(account_id)
            .bind(id)
            .bind(slot as i64 + 1)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        // The licence, unless someone's account here has it bound already.
        let licence = sqlx::query(
            "INSERT INTO licence_bindings (account_id, id_number, bound_at)
             SELECT $1, l.id_number, $2 FROM driving_licences l
             WHERE l.id_number = $3
               AND NOT EXISTS (SELECT 1 FROM licence_bindings b WHERE b.id_number = l.id_number)",
        )
        .bind(account_id)
        .bind(now)
        .bind(&p.id_number)
        .execute(&mut **tx)
        .await?
        .rows_affected()
            == 1;
        Ok((own.len() + others.len(), licence))
    }
}
