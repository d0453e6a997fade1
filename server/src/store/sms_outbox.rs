//! The SMS outbox (短信发件箱) in the store: a message is queued inside the
//! transaction of the change that caused it, and the outbox worker
//! ([`crate::sms::outbox`]) claims due rows, hands them to the gateway and
//! records what happened. Several workers may run at once (one per app
//! server): a claim is one conditional `UPDATE` that moves due rows to
//! `sending` with a lease and the worker's own token (on PostgreSQL the rows
//! are picked `FOR UPDATE SKIP LOCKED`, so workers take different rows
//! instead of waiting for each other), and every later change names that
//! token, so a worker whose lease ran out cannot overwrite the result of
//! the one that took the row over.

use super::{Store, StoreResult, Tx};
use crate::db::Backend;
use app::domain::Sms;
use std::collections::BTreeMap;

/// The variables of a message as stored: a JSON object.
pub fn params_json(sms: &Sms) -> String {
    let map: BTreeMap<&str, &str> = sms
        .params()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    serde_json::to_string(&map).expect("a map of strings is JSON")
}

/// The message a stored row holds, or why it holds none.
pub fn sms_of_row(template: &str, params: &str) -> Result<Sms, String> {
    let map: BTreeMap<String, String> = serde_json::from_str(params)
        .map_err(|e| format!("the stored parameters are not a JSON object of strings: {e}"))?;
    Sms::from_parts(template, map.into_iter().collect()).map_err(|e| e.to_string())
}

/// Queues `sms` for `phone` inside the caller's transaction, due at once.
pub(crate) async fn enqueue_in(
    tx: &mut Tx,
    phone: &str,
    sms: &Sms,
    now_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sms_outbox (phone, template, params, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, 'pending', 0, $4, $5)",
    )
    .bind(phone)
    .bind(sms.template().name())
    .bind(params_json(sms))
    .bind(now_ms)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The INSERT that queues a message, due at `$now`, for the phone of
/// account `$account` if it has one (placeholders, as literals; the
/// template's name and its parameters as JSON).
macro_rules! sms_to_account {
    ($account:literal, $template:literal, $params:literal, $now:literal) => {
        concat!(
            "INSERT INTO sms_outbox (phone, template, params, status, attempts, next_attempt_at, created_at) SELECT phone, ",
            $template, ", ", $params, ", 'pending', 0, ", $now, ", ", $now,
            " FROM accounts WHERE id = ", $account, " AND phone <> ''"
        )
    };
}
pub(crate) use sms_to_account;

/// Queues `sms` for the phone of account `account_id`, if it has one,
/// inside the caller's transaction, due at once: the number is read in the
/// statement that queues it. Returns the number texted.
pub(crate) async fn enqueue_for_account_in(
    tx: &mut Tx,
    account_id: i64,
    sms: &Sms,
    now_ms: i64,
) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(concat!(
        sms_to_account!("$1", "$2", "$3", "$4"),
        " RETURNING phone"
    ))
    .bind(account_id)
    .bind(sms.template().name())
    .bind(params_json(sms))
    .bind(now_ms)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A row a worker has claimed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedSms {
    pub id: i64,
    pub phone: String,
    pub template: String,
    pub params: String,
    /// Tries so far, this one included.
    pub attempts: i64,
    pub created_at: i64,
}

/// A row of the outbox as the development page and the tests read it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub phone: String,
    pub template: String,
    pub params: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub provider_message_id: Option<String>,
    pub created_at: i64,
}

impl OutboxRow {
    /// The message, rendered (or why it cannot be).
    pub fn text(&self) -> Result<String, String> {
        sms_of_row(&self.template, &self.params).map(|sms| sms.text())
    }
}

/// How a claimed row ends (or waits for its next try).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsOutcome {
    /// The provider took it; `params` replaces the stored ones (the code
    /// blanked out), when given.
    Sent {
        provider_message_id: Option<String>,
        params: Option<String>,
    },
    /// Try again at `next_attempt_at`.
    Retry { error: String, next_attempt_at: i64 },
    /// Given up.
    Failed {
        error: String,
        params: Option<String>,
    },
}

impl Store {
    /// Claims up to `limit` due messages for the worker with token `claim`:
    /// pending ones whose time has come and claimed ones whose lease ran out
    /// (their worker died). Each claim counts as an attempt and holds the
    /// row for `lease_ms`.
    pub async fn claim_due_sms(
        &self,
        claim: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedSms>> {
        let pick = match self.backend {
            Backend::Postgres => {
                "SELECT id FROM sms_outbox
                 WHERE status IN ('pending', 'sending') AND next_attempt_at <= $3
                 ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => {
                "SELECT id FROM sms_outbox
                 WHERE status IN ('pending', 'sending') AND next_attempt_at <= $3
                 ORDER BY next_attempt_at, id LIMIT $4"
            }
        };
        // The outer condition repeats the inner one: a row another worker
        // claimed meanwhile is no longer due and is left alone.
        let sql = format!(
            "UPDATE sms_outbox SET status = 'sending', claim = $1, attempts = attempts + 1, next_attempt_at = $2
             WHERE id IN ({pick}) AND status IN ('pending', 'sending') AND next_attempt_at <= $3
             RETURNING id, phone, template, params, attempts, created_at"
        );
        let mut tx = self.begin_write().await?;
        let mut rows: Vec<ClaimedSms> = sqlx::query_as(&sql)
            .bind(claim)
            .bind(now_ms + lease_ms)
            .bind(now_ms)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Records how a claimed row ended. False when the claim was lost (the
    /// lease ran out and another worker took the row over): nothing changes.
    pub async fn finish_sms(
        &self,
        id: i64,
        claim: &str,
        outcome: &SmsOutcome,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let query = match outcome {
            SmsOutcome::Sent {
                provider_message_id,
                params,
            } => sqlx::query(
                "UPDATE sms_outbox SET status = 'sent', sent_at = $1, provider_message_id = $2,
                        params = COALESCE($3, params), last_error = NULL, claim = NULL
                 WHERE id = $4 AND claim = $5 AND status = 'sending'",
            )
            .bind(now_ms)
            .bind(provider_message_id.clone())
            .bind(params.clone()),
            SmsOutcome::Retry {
                error,
                next_attempt_at,
            } => sqlx::query(
                "UPDATE sms_outbox SET status = 'pending', next_attempt_at = $1, last_error = $2,
                        params = COALESCE($3, params), claim = NULL
                 WHERE id = $4 AND claim = $5 AND status = 'sending'",
            )
            .bind(*next_attempt_at)
            .bind(error.clone())
            .bind(None::<String>),
            SmsOutcome::Failed { error, params } => sqlx::query(
                "UPDATE sms_outbox SET status = 'failed', next_attempt_at = $1, last_error = $2,
                        params = COALESCE($3, params), claim = NULL
                 WHERE id = $4 AND claim = $5 AND status = 'sending'",
            )
            .bind(now_ms)
            .bind(error.clone())
            .bind(params.clone()),
        };
        let done = query
            .bind(id)
            .bind(claim)
            .execute(&self.writer)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// The newest `limit` outbox rows for a phone, newest first.
    pub async fn outbox_for_phone(&self, phone: &str, limit: i64) -> StoreResult<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT id, phone, template, params, status, attempts, next_attempt_at, last_error,
                    sent_at, provider_message_id, created_at
             FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(phone)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One outbox row.
    pub async fn outbox_row(&self, id: i64) -> StoreResult<Option<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT id, phone, template, params, status, attempts, next_attempt_at, last_error,
                    sent_at, provider_message_id, created_at
             FROM sms_outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_parameters_come_back_as_the_same_message() {
        let sms = Sms::violation_fined("冀A12345", "1301", "2026-02-01", "200");
        let json = params_json(&sms);
        assert!(
            json.starts_with('{') && json.contains("\"plate\":\"冀A12345\""),
            "{json}"
        );
        assert_eq!(sms_of_row("violation_fined", &json), Ok(sms));
        assert!(sms_of_row("violation_fined", "[1]").is_err());
        assert!(sms_of_row("violation_fined", "{}")
            .unwrap_err()
            .contains("missing"));
    }
}
