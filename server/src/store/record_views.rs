//! Staff reads of a person's record (谁查看过我的信息) in the store: audit
//! entries that name the person (`audit_log.person_account_id`), joined to
//! the officer's police number and unit.

use super::{port, Store};
use app::domain::StaffRole;
use app::ports::*;
use async_trait::async_trait;

/// The audit action of a staff read.
const VIEWED: &str = "record.viewed";

#[async_trait]
impl RecordViews for Store {
    async fn record_view(
        &self,
        person_account_id: i64,
        why: &str,
        actor: &Actor,
    ) -> PortResult<()> {
        port("record_view", async {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip, person_account_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(self.clock.now_ms())
            .bind(actor.account_id)
            .bind(VIEWED)
            .bind(format!("account:{person_account_id}"))
            .bind(why)
            .bind(&actor.ip)
            .bind(person_account_id)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    async fn views_of(&self, person_account_id: i64, limit: i64) -> PortResult<Vec<RecordView>> {
        port("views_of", async {
            let rows: Vec<(i64, Option<String>, Option<String>, Option<String>, String)> =
                sqlx::query_as(
                    "SELECT l.at, a.police_no, a.staff_unit, a.staff_role, l.detail
                     FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id
                     WHERE l.person_account_id = $1 AND l.action = $2
                     ORDER BY l.at DESC, l.id DESC LIMIT $3",
                )
                .bind(person_account_id)
                .bind(VIEWED)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            Ok(rows
                .into_iter()
                .map(|(at_ms, police_no, unit, role, why)| RecordView {
                    at_ms,
                    police_no: police_no.unwrap_or_default(),
                    unit: unit.unwrap_or_default(),
                    role: role.as_deref().and_then(StaffRole::from_code),
                    why,
                })
                .collect())
        })
        .await
    }
}
