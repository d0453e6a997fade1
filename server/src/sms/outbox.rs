//! The outbox worker (短信发送任务): delivers due messages from the outbox
//! through the gateway, with retries and exponential backoff. It runs in
//! the scheduled jobs of every app server; claims keep two workers from
//! sending one message twice (see [`crate::store::sms_outbox`]). A request
//! never waits for it: requests only write outbox rows.
//!
//! Delivery is at least once: a worker that dies after the provider took a
//! message but before recording it leaves the row to be sent again when
//! its lease ends.

use crate::store::sms_outbox::{sms_of_row, ClaimedSms, SmsOutcome};
use crate::store::Store;
use app::domain::{PhoneNumber, Sms};
use app::ports::{Clock, PortError, PortResult, SmsGateway, SmsOutbox, SmsRefused};
use std::sync::Arc;
use std::time::Duration;

/// Rows one claim takes.
pub const BATCH: i64 = 50;
/// Claims one run makes at most (a backlog drains over several runs).
pub const MAX_BATCHES: usize = 20;
/// How long a claim holds a row: longer than a request to the gateway may
/// take ([`GATEWAY_TIMEOUT`]), so a live worker never loses its rows.
pub const LEASE_MS: i64 = 120_000;
/// The longest one delivery may take before it counts as a retryable
/// failure (the HTTP adapter has its own, shorter timeout).
pub const GATEWAY_TIMEOUT: Duration = Duration::from_secs(60);
/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// The wait after the first failed try; it doubles after each.
pub const FIRST_BACKOFF_MS: i64 = 30_000;
/// The longest wait between tries.
pub const MAX_BACKOFF_MS: i64 = 3_600_000;

/// The wait after the `attempts`-th failed try: 30 s, 1 min, 2 min, …
/// up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts.max(1) - 1).min(20) as u32;
    FIRST_BACKOFF_MS
        .saturating_mul(1i64 << doublings)
        .min(MAX_BACKOFF_MS)
}

/// The outbox and the gateway its messages go through.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    gateway: Arc<dyn SmsGateway>,
    clock: Arc<dyn Clock>,
    /// Keep one-time codes after delivery (development: the outbox page
    /// shows them); elsewhere a delivered or abandoned code is blanked out.
    keep_codes: bool,
}

impl Outbox {
    pub fn new(
        store: Store,
        gateway: Arc<dyn SmsGateway>,
        clock: Arc<dyn Clock>,
        keep_codes: bool,
    ) -> Outbox {
        Outbox {
            store,
            gateway,
            clock,
            keep_codes,
        }
    }

    pub fn gateway(&self) -> &Arc<dyn SmsGateway> {
        &self.gateway
    }

    /// Delivers every due message (up to [`MAX_BATCHES`] claims); returns
    /// how many the provider took. Safe to run on several servers at once.
    pub async fn deliver_due(&self) -> Result<usize, String> {
        let mut sent = 0;
        for _ in 0..MAX_BATCHES {
            let claim = hex::encode(rand::random::<[u8; 12]>());
            let rows = self
                .store
                .claim_due_sms(&claim, self.clock.now_ms(), LEASE_MS, BATCH)
                .await
                .map_err(|e| format!("claiming due SMS failed: {e}"))?;
            let claimed = rows.len();
            for row in rows {
                if self.deliver(&claim, row).await? {
                    sent += 1;
                }
            }
            if (claimed as i64) < BATCH {
                break;
            }
        }
        Ok(sent)
    }

    /// Delivers one claimed row and records the outcome; true when sent.
    async fn deliver(&self, claim: &str, row: ClaimedSms) -> Result<bool, String> {
        let outcome = self.attempt(&row).await;
        let sent = matches!(outcome, SmsOutcome::Sent { .. });
        let masked = PhoneNumber::parse(&row.phone)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "(not a mobile number)".into());
        match &outcome {
            SmsOutcome::Sent { .. } => {}
            SmsOutcome::Retry {
                error,
                next_attempt_at,
            } => tracing::warn!(
                outbox_id = row.id,
                template = %row.template,
                phone = %masked,
                attempts = row.attempts,
                retry_in_secs = (next_attempt_at - self.clock.now_ms()) / 1000,
                "SMS not delivered, will retry: {error}"
            ),
            SmsOutcome::Failed { error, .. } => tracing::error!(
                outbox_id = row.id,
                template = %row.template,
                phone = %masked,
                attempts = row.attempts,
                "SMS given up: {error}"
            ),
        }
        let recorded = self
            .store
            .finish_sms(row.id, claim, &outcome, self.clock.now_ms())
            .await
            .map_err(|e| format!("recording SMS {} failed: {e}", row.id))?;
        if !recorded {
            tracing::warn!(
                outbox_id = row.id,
                "the claim on an SMS ran out before its result was recorded; another worker has it"
            );
        }
        Ok(sent && recorded)
    }

    /// One try at a claimed row.
    async fn attempt(&self, row: &ClaimedSms) -> SmsOutcome {
        let sms = match sms_of_row(&row.template, &row.params) {
            Ok(sms) => sms,
            Err(error) => {
                return SmsOutcome::Failed {
                    error,
                    params: None,
                }
            }
        };
        let blanked = self.blanked(&sms);
        let Ok(phone) = PhoneNumber::parse(&row.phone) else {
            return SmsOutcome::Failed {
                error: "not a mobile number".into(),
                params: blanked,
            };
        };
        let now = self.clock.now_ms();
        if sms.template().carries_code()
            && now > row.created_at + app::policy::SMS_CODE_TTL_SECS * 1000
        {
            return SmsOutcome::Failed {
                error: "the code expired before it could be delivered".into(),
                params: blanked,
            };
        }
        let answer =
            match tokio::time::timeout(GATEWAY_TIMEOUT, self.gateway.send(&phone, &sms)).await {
                Ok(answer) => answer,
                Err(_) => Err(SmsRefused::Retryable(format!(
                    "the {} gateway did not answer within {} s",
                    self.gateway.name(),
                    GATEWAY_TIMEOUT.as_secs()
                ))),
            };
        match answer {
            Ok(accepted) => SmsOutcome::Sent {
                provider_message_id: accepted.provider_message_id,
                params: blanked,
            },
            Err(SmsRefused::Retryable(error)) if row.attempts < MAX_ATTEMPTS => SmsOutcome::Retry {
                error,
                next_attempt_at: now + backoff_ms(row.attempts),
            },
            Err(SmsRefused::Retryable(error)) => SmsOutcome::Failed {
                error: format!("gave up after {} tries: {error}", row.attempts),
                params: blanked,
            },
            Err(SmsRefused::Permanent(error)) => SmsOutcome::Failed {
                error,
                params: blanked,
            },
        }
    }

    /// The parameters to keep once the message is done with: the code
    /// blanked out (unless codes are kept, in development).
    fn blanked(&self, sms: &Sms) -> Option<String> {
        (sms.template().carries_code() && !self.keep_codes)
            .then(|| crate::store::sms_outbox::params_json(&sms.without_code()))
    }
}

#[async_trait::async_trait]
impl SmsOutbox for Outbox {
    async fn deliver_due(&self) -> PortResult<usize> {
        Outbox::deliver_due(self)
            .await
            .map_err(|e| PortError::internal("SMS outbox delivery", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(3), 120_000);
        assert_eq!(backoff_ms(8), 3_600_000);
        assert_eq!(backoff_ms(200), 3_600_000);
        assert_eq!(backoff_ms(0), 30_000);
    }
}
