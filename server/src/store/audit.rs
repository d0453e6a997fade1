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

/// The start of an audit entry's INSERT, up to its values, which follow
/// in the column order [`AuditEntry::bind`] binds them: `VALUES (…)`, or
/// a `SELECT` in a statement that writes the entry only when a change it
/// records was made (the plate rush's writes).
macro_rules! into_audit_log {
    () => {
        "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip, actor_operator_id, actor_api_key) "
    };
}
pub(super) use into_audit_log;

/// An audit entry's values, in the order [`into_audit_log`] names
/// them: the time it is written, who, what, of what and how (ID
/// numbers masked).
pub(super) struct AuditEntry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

impl AuditEntry<'_> {
    /// Binds the entry's eight values, in [`into_audit_log`]'s column
    /// order, after those `query` has already.
    pub(super) fn bind<'q>(&self, store: &Store, query: AnyQuery<'q>) -> AnyQuery<'q> {
        query
            .bind(store.clock.now_ms())
            .bind(self.actor.account_id)
            .bind(self.action.to_string())
            .bind(mask_id_numbers(self.subject))
            .bind(mask_id_numbers(self.detail))
            .bind(self.actor.ip.clone())
            .bind(self.actor.operator_id)
            .bind(self.actor.api_key.clone())
    }
}

/// A query of the store's database, its arguments owned.
pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl Store {
    /// Records `action` on `subject` in the audit log, inside the caller's
    /// transaction (ID numbers in the subject and detail are masked).
    pub(super) async fn audit_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        let entry = AuditEntry {
            actor,
            action,
            subject,
            detail,
        };
        entry
            .bind(
                self,
                sqlx::query(concat!(
                    into_audit_log!(),
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                )),
            )
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
