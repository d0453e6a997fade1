//! The blacklist (黑名单) in the store: the sweep that lists accounts whose
//! documents were refused three times or never collected (safe on many
//! servers at once: one entry per application, enforced by a unique
//! constraint), the holder's entries, and lifting by a clerk.

use super::rows::date;
use super::{Store, StoreError, StoreResult};
use app::domain::application::ApplicationEvent;
use app::domain::fulfilment::{blacklisted_until, BLACKLIST_REFUSED_DELIVERIES};
use app::domain::Date;
use app::ports::*;

/// A blacklist entry with its application number.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    application_no: Option<String>,
    cause: String,
    since: String,
    until: String,
    lifted_at: Option<i64>,
    lift_reason: Option<String>,
}

impl TryFrom<EntryRow> for BlacklistEntry {
    type Error = StoreError;
    fn try_from(row: EntryRow) -> StoreResult<BlacklistEntry> {
        Ok(BlacklistEntry {
            id: row.id,
            application_no: row.application_no.unwrap_or_default(),
            cause: row.cause,
            since: date("blacklisted since", &row.since)?,
            until: date("blacklisted until", &row.until)?,
            lifted: row.lifted_at.map(|at| {
                format!(
                    "{} {}",
                    app::domain::date::cst_date_time(at),
                    row.lift_reason.unwrap_or_default()
                )
            }),
        })
    }
}

impl Store {
    pub(super) async fn sweep(&self, today: Date) -> StoreResult<usize> {
        let gateway = Actor {
            account_id: None,
            ip: "scheduler".into(),
        };
        let mut made = 0;
        // Pick-ups past their deadline: the conditional update decides which
        // server records it; only that one blacklists and notifies.
        let overdue: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT application_no FROM applications WHERE status = 'ready_for_pickup' AND pickup_deadline < $1 ORDER BY id",
        )
        .bind(today.to_iso())
        .fetch_all(&self.pool)
        .await?;
        for no in overdue.into_iter().flatten() {
            if let Some(Ok(_)) = self
                .move_application(&gateway, &no, ApplicationEvent::PickupExpired, "", today)
                .await?
            {
                made += self.blacklist_for(&no, "not_collected", today).await?;
            }
        }
        let refused: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT a.application_no FROM applications a
             WHERE a.refused_deliveries >= $1
               AND NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.application_id = a.id)
             ORDER BY a.id",
        )
        .bind(i64::from(BLACKLIST_REFUSED_DELIVERIES))
        .fetch_all(&self.pool)
        .await?;
        for no in refused.into_iter().flatten() {
            made += self.blacklist_for(&no, "deliveries_refused", today).await?;
        }
        Ok(made)
    }

    pub(super) async fn blacklist_entries(
        &self,
        account_id: i64,
    ) -> StoreResult<Vec<BlacklistEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT b.id, a.application_no, b.cause, b.since, b.until, b.lifted_at, b.lift_reason
             FROM blacklist b JOIN applications a ON a.id = b.application_id
             WHERE b.account_id = $1 ORDER BY b.id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub(super) async fn lift(
        &self,
        entry_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE blacklist SET lifted_at = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL",
        )
        .bind(now)
        .bind(actor.account_id)
        .bind(reason)
        .bind(entry_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM blacklist WHERE id = $1")
            .bind(entry_id)
            .fetch_one(&mut *tx)
            .await?;
        self.audit_in(
            &mut tx,
            actor,
            "blacklist.lift",
            &format!("account:{account_id}"),
            &format!("entry {entry_id}: {reason}"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            &app::domain::Sms::blacklist_lifted(),
            "/account/applications",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Records one blacklist entry for an application (once, whoever runs it).
    async fn blacklist_for(
        &self,
        application_no: &str,
        cause: &str,
        today: Date,
    ) -> StoreResult<usize> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let (id, account_id): (i64, i64) =
            sqlx::query_as("SELECT id, account_id FROM applications WHERE application_no = $1")
                .bind(application_no)
                .fetch_one(&mut *tx)
                .await?;
        let until = blacklisted_until(today);
        let inserted = sqlx::query(
            "INSERT INTO blacklist (account_id, application_id, cause, since, until, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(id)
        .bind(cause)
        .bind(today.to_iso())
        .bind(until.to_iso())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(0);
        }
        let system = Actor {
            account_id: None,
            ip: "scheduler".into(),
        };
        let notice = if cause == "deliveries_refused" {
            app::domain::Sms::blacklisted_refused_deliveries(3, application_no, &until.to_string())
        } else {
            app::domain::Sms::blacklisted_uncollected(application_no, &until.to_string())
        };
        self.audit_in(
            &mut tx,
            &system,
            "blacklist.add",
            &format!("account:{account_id}"),
            &format!("{application_no}: {cause}, until {until}"),
        )
        .await?;
        Store::notify_in(&mut tx, account_id, &notice, "/account/applications", now).await?;
        tx.commit().await?;
        Ok(1)
    }
}
