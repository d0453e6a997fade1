//! The blacklist (黑名单) in the store: the sweep that lists accounts whose
//! posted documents were refused three times in all (累计, across their
//! applications, since their last period ended: `domain::blacklist`) or
//! whose documents were never collected — safe on many servers at once:
//! one entry per refusal that made the third, and per uncollected
//! application, each enforced by a unique index — the holder's entries,
//! and lifting by a clerk.

use super::rows::date;
use super::{port, Store, StoreError, StoreResult};
use app::domain::application::ApplicationEvent;
use app::domain::blacklist::{refusal_that_blacklists, BlacklistPeriod, RefusedDelivery};
use app::domain::fulfilment::{blacklisted_until, BLACKLIST_REFUSED_DELIVERIES};
use app::domain::Date;
use app::ports::*;
use async_trait::async_trait;
use std::collections::BTreeMap;

/// Why an account is blacklisted, as the `cause` column says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// 三次拒收: the refusal (its `application_events` row) that made the third.
    DeliveriesRefused { refusal_event_id: i64 },
    /// 逾期未领: the documents of the application were never collected.
    NotCollected,
}

impl Cause {
    fn code(self) -> &'static str {
        match self {
            Cause::DeliveriesRefused { .. } => "deliveries_refused",
            Cause::NotCollected => "not_collected",
        }
    }
}

/// A refused delivery that may still count: not older than the account's
/// newest blacklist entry.
#[derive(sqlx::FromRow)]
struct RefusalRow {
    account_id: i64,
    event_id: i64,
    application_id: i64,
    at: i64,
}

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

#[async_trait]
impl Blacklists for Store {
    async fn sweep_blacklist(&self, today: Date) -> PortResult<usize> {
        port("sweep_blacklist", async {
            let gateway = Actor {
                account_id: None,
                ip: "scheduler".into(),
                operator_id: None,
                api_key: None,
            };
            let mut made = 0;
            // Pick-ups past their deadline: the conditional update decides which
            // server records it; only that one blacklists and notifies.
            let overdue: Vec<(i64, Option<String>)> = sqlx::query_as(
                "SELECT id, application_no FROM applications WHERE status = 'ready_for_pickup' AND pickup_deadline < $1 ORDER BY id",
            )
            .bind(today.to_iso())
            .fetch_all(&self.pool)
            .await?;
            for (id, no) in overdue {
                let Some(no) = no else { continue };
                if let Some(Ok(_)) = self
                    .move_application(&gateway, &no, ApplicationEvent::PickupExpired, "", today)
                    .await?
                {
                    made += self.blacklist_for(id, Cause::NotCollected, today).await?;
                }
            }
            made += self.sweep_refusals(today).await?;
            Ok(made)
        })
        .await
    }

    async fn blacklist_of(&self, account_id: i64) -> PortResult<Vec<BlacklistEntry>> {
        port("blacklist_of", async {
            let rows: Vec<EntryRow> = sqlx::query_as(
                "SELECT b.id, a.application_no, b.cause, b.since, b.until, b.lifted_at, b.lift_reason
                 FROM blacklist b JOIN applications a ON a.id = b.application_id
                 WHERE b.account_id = $1 ORDER BY b.id DESC",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(TryInto::try_into).collect()
        })
        .await
    }

    async fn lift_blacklist(&self, entry_id: i64, reason: &str, actor: &Actor) -> PortResult<bool> {
        port("lift_blacklist", async {
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
        })
        .await
    }
}

impl Store {
    /// Refused deliveries, counted per person across their applications
    /// (`domain::blacklist`). A refusal recorded before one of the person's
    /// entries was made can never count again (it falls before that
    /// period's end), so only the newer ones are read.
    async fn sweep_refusals(&self, today: Date) -> StoreResult<usize> {
        let rows: Vec<RefusalRow> = sqlx::query_as(
            "SELECT a.account_id, e.id AS event_id, e.application_id, e.at
             FROM application_events e JOIN applications a ON a.id = e.application_id
             WHERE e.status = 'delivery_refused'
               AND NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.account_id = a.account_id AND b.created_at >= e.at)
             ORDER BY a.account_id, e.at, e.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_account: BTreeMap<i64, Vec<RefusalRow>> = BTreeMap::new();
        for row in rows {
            by_account.entry(row.account_id).or_default().push(row);
        }
        let mut made = 0;
        for (account_id, rows) in by_account {
            if rows.len() < BLACKLIST_REFUSED_DELIVERIES as usize {
                continue;
            }
            let periods: Vec<(String, Option<i64>)> =
                sqlx::query_as("SELECT until, lifted_at FROM blacklist WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?;
            let periods = periods
                .into_iter()
                .map(|(until, lifted_at_ms)| {
                    Ok(BlacklistPeriod {
                        until: date("blacklisted until", &until)?,
                        lifted_at_ms,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            let refusals: Vec<RefusedDelivery> = rows
                .iter()
                .map(|r| RefusedDelivery {
                    event_id: r.event_id,
                    at_ms: r.at,
                })
                .collect();
            let Some(third) = refusal_that_blacklists(&refusals, &periods, today) else {
                continue;
            };
            let application_id = rows
                .iter()
                .find(|r| r.event_id == third.event_id)
                .map(|r| r.application_id)
                .unwrap_or_default();
            let cause = Cause::DeliveriesRefused {
                refusal_event_id: third.event_id,
            };
            made += self.blacklist_for(application_id, cause, today).await?;
        }
        Ok(made)
    }
}

impl Store {
    /// Records one blacklist entry for the application that caused it (once
    /// per cause, whoever runs it: the unique indexes decide).
    async fn blacklist_for(
        &self,
        application_id: i64,
        cause: Cause,
        today: Date,
    ) -> StoreResult<usize> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let (account_id, application_no): (i64, Option<String>) =
            sqlx::query_as("SELECT account_id, application_no FROM applications WHERE id = $1")
                .bind(application_id)
                .fetch_one(&mut *tx)
                .await?;
        let application_no = application_no.unwrap_or_default();
        let refusal_event_id = match cause {
            Cause::DeliveriesRefused { refusal_event_id } => Some(refusal_event_id),
            Cause::NotCollected => None,
        };
        let until = blacklisted_until(today);
        let inserted = sqlx::query(
            "INSERT INTO blacklist (account_id, application_id, cause, since, until, created_at, refusal_event_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(application_id)
        .bind(cause.code())
        .bind(today.to_iso())
        .bind(until.to_iso())
        .bind(now)
        .bind(refusal_event_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(0);
        }
        let system = Actor {
            account_id: None,
            ip: "scheduler".into(),
            operator_id: None,
            api_key: None,
        };
        let notice = match cause {
            Cause::DeliveriesRefused { .. } => app::domain::Sms::blacklisted_refused_deliveries(
                BLACKLIST_REFUSED_DELIVERIES,
                &application_no,
                &until.to_string(),
            ),
            Cause::NotCollected => {
                app::domain::Sms::blacklisted_uncollected(&application_no, &until.to_string())
            }
        };
        self.audit_in(
            &mut tx,
            &system,
            "blacklist.add",
            &format!("account:{account_id}"),
            &format!(
                "{application_no}: {}{}, until {until}",
                cause.code(),
                refusal_event_id
                    .map(|e| format!(" (refusal event {e})"))
                    .unwrap_or_default()
            ),
        )
        .await?;
        Store::notify_in(&mut tx, account_id, &notice, "/account/applications", now).await?;
        tx.commit().await?;
        Ok(1)
    }
}
