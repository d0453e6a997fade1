//! Clean-up (清理) of records whose time is over: ended sessions, used or
//! expired SMS codes past the quota's hour, login attempts past their
//! retention (`app::policy`: `SMS_CODE_KEPT_SECS`,
//! `LOGIN_ATTEMPTS_KEPT_SECS`). Run by the scheduled jobs on every server:
//! deleting what is already gone changes nothing, so servers running it at
//! once only share the work. Deletes go in short batches, each its own write
//! transaction, so that on SQLite a large backlog never holds the write lock
//! for long.

use super::{Store, StoreResult};
use app::policy::{
    LOGIN_ATTEMPTS_KEPT_SECS, SESSION_ABSOLUTE_SECS, SESSION_IDLE_SECS, SMS_CODE_KEPT_SECS,
};

/// Rows one batch deletes (the `LIMIT` in the statements below).
const BATCH: usize = 1000;

impl Store {
    /// Sessions past their idle or absolute timeout (`policy::session_alive`
    /// says no to them; the browser holding one is logged out anyway).
    pub(super) async fn delete_ended(&self, now_ms: i64) -> StoreResult<usize> {
        self.delete_in_batches(
            "DELETE FROM sessions WHERE token_hash IN (
                 SELECT token_hash FROM sessions WHERE last_seen_at < $1 OR created_at < $2 LIMIT 1000)",
            &[
                now_ms - SESSION_IDLE_SECS * 1000,
                now_ms - SESSION_ABSOLUTE_SECS * 1000,
            ],
        )
        .await
    }

    /// Codes that can no longer be used (used, voided or expired) and that
    /// the sending quota no longer counts.
    pub(super) async fn delete_spent(&self, now_ms: i64) -> StoreResult<usize> {
        self.delete_in_batches(
            "DELETE FROM sms_codes WHERE id IN (
                 SELECT id FROM sms_codes WHERE created_at < $1 AND (used_at IS NOT NULL OR expires_at <= $2) LIMIT 1000)",
            &[now_ms - SMS_CODE_KEPT_SECS * 1000, now_ms],
        )
        .await
    }

    /// Login attempts older than their retention.
    pub(super) async fn delete_old_attempts(&self, now_ms: i64) -> StoreResult<usize> {
        self.delete_in_batches(
            "DELETE FROM login_attempts WHERE id IN (
                 SELECT id FROM login_attempts WHERE at < $1 LIMIT 1000)",
            &[now_ms - LOGIN_ATTEMPTS_KEPT_SECS * 1000],
        )
        .await
    }

    /// Runs a `DELETE … LIMIT 1000` until a batch comes back short;
    /// answers how many rows went.
    async fn delete_in_batches(&self, sql: &'static str, binds: &[i64]) -> StoreResult<usize> {
        let mut total = 0;
        loop {
            let mut tx = self.begin_write().await?;
            let mut query = sqlx::query(sql);
            for value in binds {
                query = query.bind(*value);
            }
            let deleted = query.execute(&mut *tx).await?.rows_affected() as usize;
            tx.commit().await?;
            total += deleted;
            if deleted < BATCH {
                return Ok(total);
            }
        }
    }
}
