//! SMS verification codes (短信验证码) in the store: sending with the quota
//! (per phone and per address), single use, a limited number of tries.
//! Only a hash of each code is kept.

use super::{port, sha256_hex, Store};
use app::domain::PhoneNumber;
use app::policy;
use app::ports::*;
use async_trait::async_trait;
use rand::Rng;

/// The quota's counts for one phone and one address.
#[derive(sqlx::FromRow)]
struct QuotaRow {
    last_at: Option<i64>,
    by_phone: i64,
    by_ip: i64,
}

/// A live code: only its hash is kept.
#[derive(sqlx::FromRow)]
struct CodeRow {
    id: i64,
    code_hash: String,
    attempts: i64,
}

fn code_hash(phone: &PhoneNumber, purpose: &str, subject: &str, code: &str) -> String {
    sha256_hex(&format!("{}|{purpose}|{subject}|{code}", phone.as_str()))
}

#[async_trait]
impl SmsCodes for Store {
    async fn send_code_worded(
        &self,
        text: &(dyn for<'c> Fn(&'c str) -> String + Send + Sync),
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>> {
        port("send_code_worded", async {
            let mut tx = self.begin_write().await?;
            let hour_ago = now_ms - 3_600_000;
            let quota: QuotaRow = sqlx::query_as(
                "SELECT (SELECT MAX(created_at) FROM sms_codes WHERE phone = $1) AS last_at,
                        (SELECT COUNT(*) FROM sms_codes WHERE phone = $2 AND created_at >= $3) AS by_phone,
                        (SELECT COUNT(*) FROM sms_codes WHERE ip = $4 AND created_at >= $5) AS by_ip",
            )
            .bind(phone.as_str())
            .bind(phone.as_str())
            .bind(hour_ago)
            .bind(ip)
            .bind(hour_ago)
            .fetch_one(&mut *tx)
            .await?;
            let QuotaRow {
                last_at,
                by_phone,
                by_ip,
            } = quota;
            if let policy::SmsQuota::Wait(secs) = policy::sms_quota(now_ms, last_at, by_phone, by_ip)
            {
                tx.rollback().await?;
                return Ok(Err(secs));
            }
            let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
            // A new code replaces any older live one for the same purpose.
            sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE phone = $2 AND purpose = $3 AND used_at IS NULL")
                .bind(now_ms)
                .bind(phone.as_str())
                .bind(purpose)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO sms_codes (phone, purpose, subject, code_hash, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(phone.as_str())
            .bind(purpose)
            .bind(subject)
            .bind(code_hash(phone, purpose, subject, &code))
            .bind(now_ms)
            .bind(now_ms + policy::SMS_CODE_TTL_SECS * 1000)
            .bind(ip)
            .execute(&mut *tx)
            .await?;
            let body = text(&code);
            Store::sms_in(&mut tx, phone.as_str(), &body, now_ms).await?;
            tx.commit().await?;
            // The development SMS gateway: the outbox table and the log.
            tracing::info!(phone = %phone.masked(), purpose, "SMS queued to {}: {body}", phone.as_str());
            Ok(Ok(()))
        })
        .await
    }

    async fn live_code_sent_at(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        now_ms: i64,
    ) -> PortResult<Option<i64>> {
        port("live_code_sent_at", async {
            Ok(sqlx::query_scalar(
                "SELECT MAX(created_at) FROM sms_codes
                 WHERE phone = $1 AND purpose = $2 AND subject = $3 AND used_at IS NULL AND expires_at > $4",
            )
            .bind(phone.as_str())
            .bind(purpose)
            .bind(subject)
            .bind(now_ms)
            .fetch_one(&self.pool)
            .await?)
        })
        .await
    }

    async fn use_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        code: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), CodeRejection>> {
        port("use_code", async {
            // As typed or pasted ("482 483", full-width digits); anything else
            // simply does not match.
            let code = app::domain::text::code_digits(code).unwrap_or_default();
            let code = code.as_str();
            let mut tx = self.begin_write().await?;
            let row: Option<CodeRow> = sqlx::query_as(
                "SELECT id, code_hash, attempts FROM sms_codes
                 WHERE phone = $1 AND purpose = $2 AND subject = $3 AND used_at IS NULL AND expires_at > $4
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(phone.as_str())
            .bind(purpose)
            .bind(subject)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                tx.rollback().await?;
                return Ok(Err(CodeRejection::NoLiveCode));
            };
            let CodeRow {
                id,
                code_hash: stored,
                attempts,
            } = row;
            let verdict = if stored == code_hash(phone, purpose, subject, code) {
                // Single use: only the request that flips used_at wins.
                let done =
                    sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                        .bind(now_ms)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(CodeRejection::NoLiveCode)
                }
            } else {
                let attempts = attempts + 1;
                let void = attempts >= policy::SMS_MAX_ATTEMPTS;
                sqlx::query("UPDATE sms_codes SET attempts = $1, used_at = $2 WHERE id = $3")
                    .bind(attempts)
                    .bind(if void { Some(now_ms) } else { None })
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if void {
                    Err(CodeRejection::Exhausted)
                } else {
                    Err(CodeRejection::Wrong {
                        attempts_left: policy::SMS_MAX_ATTEMPTS - attempts,
                    })
                }
            };
            tx.commit().await?;
            Ok(verdict)
        })
        .await
    }
}
