//! The audit log (审计日志): who did what, when, from where — written in the
//! same transaction as the change it records.

use super::{Store, StoreResult, Tx};
use app::ports::*;

impl Store {
    pub(super) async fn audit_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.clock.now_ms())
        .bind(actor.account_id)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .bind(&actor.ip)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
