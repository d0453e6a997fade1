//! The audit log (审计日志): who did what, when, from where — written in the
//! same transaction as the change it records, with ID numbers masked; the
//! security events (安全事件), each in a transaction of its own; and the
//! hash chain that seals it ([`chain`]). The database refuses to change or
//! delete an entry (migration 0013).

use super::{port, Store, StoreResult, Tx};
use app::domain::audit::{mask_id_numbers, SecurityEvent};
use app::ports::*;
use async_trait::async_trait;

mod chain;

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
            "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip, actor_operator_id, actor_api_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(self.clock.now_ms())
        .bind(actor.account_id)
        .bind(action)
        .bind(mask_id_numbers(subject))
        .bind(mask_id_numbers(detail))
        .bind(&actor.ip)
        .bind(actor.operator_id)
        .bind(actor.api_key.as_deref())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl AuditTrail for Store {
    async fn security_event(&self, actor: &Actor, event: &SecurityEvent) -> PortResult<()> {
        port("security_event", async {
            let mut tx = self.begin_write().await?;
            self.audit_in(
                &mut tx,
                actor,
                event.action(),
                &event.subject(),
                &event.detail(),
            )
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn seal(&self, now_ms: i64) -> PortResult<usize> {
        port("seal", self.seal_final(now_ms)).await
    }
}
