//! SMS verification codes (短信验证码) in the store: sending with the quota
//! (per phone and per address), single use, a limited number of tries.
//! A code is kept only as HMAC-SHA256 under the server's secret
//! (`SMS_CODE_SECRET`), and checking a code and counting a wrong try are
//! each one conditional `UPDATE … RETURNING`, so concurrent tries can
//! neither use a code twice nor try it more than the limit. Sending takes
//! the phone's and the address's locks, so parallel sends can not all pass
//! the quota.

use super::{port, Store};
use app::domain::{PhoneNumber, Sms};
use app::policy;
use app::ports::*;
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

/// The quota's counts for one phone and one address.
#[derive(sqlx::FromRow)]
struct QuotaRow {
    last_at: Option<i64>,
    by_phone: i64,
    by_ip: i64,
}

/// HMAC-SHA256 of `phone|purpose|subject|code` under `key`, in hex.
pub(crate) fn code_hash(
    key: &[u8],
    phone: &PhoneNumber,
    purpose: &str,
    subject: &str,
    code: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(format!("{}|{purpose}|{subject}|{code}", phone.as_str()).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[async_trait]
impl SmsCodes for Store {
    async fn delete_spent_codes(&self, now_ms: i64) -> PortResult<usize> {
        port("delete_spent_codes", self.delete_spent(now_ms)).await
    }

    async fn send_code_worded(
        &self,
        text: &(dyn for<'c> Fn(&'c str) -> Sms + Send + Sync),
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>> {
        port("send_code_worded", async {
            let mut tx = self.begin_write().await?;
            // The quota is read, then a code is added: parallel sends to one
            // phone (or from one address) take their turn, or every one of
            // them would read the same count and pass.
            self.lock_keys(
                &mut tx,
                &[&format!("sms-phone:{}", phone.as_str()), &format!("sms-ip:{ip}")],
            )
            .await?;
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
            .bind(code_hash(&self.sms_code_key, phone, purpose, subject, &code))
            .bind(now_ms)
            .bind(now_ms + policy::SMS_CODE_TTL_SECS * 1000)
            .bind(ip)
            .execute(&mut *tx)
            .await?;
            // The message goes out with the code's own transaction: both
            // or neither. The outbox worker delivers it.
            Store::sms_in(&mut tx, phone.as_str(), &text(&code), now_ms).await?;
            tx.commit().await?;
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
            let hash = code_hash(&self.sms_code_key, phone, purpose, subject, &code);
            // The right code, live and not tried too often: using it up is
            // one statement, so only one request can.
            let used: Vec<i64> = sqlx::query_scalar(
                "UPDATE sms_codes SET used_at = $1
                 WHERE phone = $2 AND purpose = $3 AND subject = $4 AND used_at IS NULL
                   AND expires_at > $5 AND attempts < $6 AND code_hash = $7
                 RETURNING id",
            )
            .bind(now_ms)
            .bind(phone.as_str())
            .bind(purpose)
            .bind(subject)
            .bind(now_ms)
            .bind(policy::SMS_MAX_ATTEMPTS)
            .bind(&hash)
            .fetch_all(&self.writer)
            .await?;
            if !used.is_empty() {
                return Ok(Ok(()));
            }
            // A wrong code: count the try on the live code in one statement
            // (the count it returns is this try's own), voiding the code at
            // the last allowed try.
            let counted: Vec<i64> = sqlx::query_scalar(
                "UPDATE sms_codes SET attempts = attempts + 1,
                        used_at = CASE WHEN attempts + 1 >= $1 THEN $2 ELSE NULL END
                 WHERE phone = $3 AND purpose = $4 AND subject = $5 AND used_at IS NULL
                   AND expires_at > $6
                 RETURNING attempts",
            )
            .bind(policy::SMS_MAX_ATTEMPTS)
            .bind(now_ms)
            .bind(phone.as_str())
            .bind(purpose)
            .bind(subject)
            .bind(now_ms)
            .fetch_all(&self.writer)
            .await?;
            Ok(Err(match counted.into_iter().max() {
                None => CodeRejection::NoLiveCode,
                Some(attempts) if attempts >= policy::SMS_MAX_ATTEMPTS => CodeRejection::Exhausted,
                Some(attempts) => CodeRejection::Wrong {
                    attempts_left: policy::SMS_MAX_ATTEMPTS - attempts,
                },
            }))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_hash_is_hmac_sha256_under_the_secret() {
        let phone = PhoneNumber::parse("13912340000").unwrap();
        // RFC 2104 HMAC-SHA256 of "13912340000|register|S|482483" with the key
        // "k": computed independently (Python's hmac module).
        assert_eq!(
            code_hash(b"k", &phone, "register", "S", "482483"),
            "ef3d875f75a975f27b5fa6d2e013857d1c6687307a7cc212660fac6657c6ff97"
        );
        assert_ne!(
            code_hash(b"k", &phone, "register", "S", "482483"),
            code_hash(b"other", &phone, "register", "S", "482483")
        );
        assert_ne!(
            code_hash(b"k", &phone, "register", "S", "482483"),
            super::super::sha256_hex("13912340000|register|S|482483")
        );
    }
}
