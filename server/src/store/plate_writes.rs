//! Holding and confirming a plate number (号牌预选: 锁定, 确认), the two
//! writes of a plate rush. Each runs in a grouped write
//! ([`super::group_commit`]): on SQLite the owners queued at the same
//! moment share one commit, and each is answered only once it is on disk.
//! The allocation rules are those of [`super::plates`]: a number changes
//! hands only by a conditional UPDATE, a vehicle holds or takes one number.
//!
//! Each is as few round trips to the one writer as its answer allows: the
//! hold's UPDATE and its audit entry are one call (the entry is written
//! only if the UPDATE changed the number), and so are the confirmation's
//! records after the UPDATE that takes the number. A refusal changes
//! nothing, so neither needs a savepoint in the shared transaction
//! ([`super::group_commit::Undoing::NothingToUndo`]); only a hold that
//! first puts the vehicle's lapsed hold back does.

use super::audit::{into_audit_log, AuditEntry};
use super::group_commit::Finish;
use super::messages::into_messages;
use super::plates::{free_at, no_number_yet, vehicle_refusal};
use super::sms_outbox::{params_json, sms_to_account};
use super::{Store, StoreError, StoreResult, Tx};
use crate::db::Backend;
use app::domain::plate_selection::HOLD_SECS;
use app::features::plates::{PlateHold, PlateRefusal};
use app::port_error::constraint;
use app::ports::Actor;

type Answer<T> = StoreResult<Finish<Result<T, PlateRefusal>>>;

/// A hold to take in the shared transaction: what the owner asked for,
/// at the instant the read before it was made.
pub(super) struct HoldAttempt {
    pub account_id: i64,
    pub vin: String,
    pub plate: String,
    /// The batch it was drawn in; None for a number of the owner's choosing.
    pub batch_id: Option<i64>,
    pub now_ms: i64,
    /// The read before found a hold of this vehicle's that has run out
    /// ([`app::features::plates::HoldStanding`]; only time makes one, so
    /// none appears between the read and the write, which share `now_ms`).
    pub lapsed_hold: bool,
}

/// The hold's SQL: the conditional UPDATE (its placeholders $1 vin, $2
/// until, $3 now, $4 plate, and for a drawn number $13 batch, $14 account)
/// and the audit entry ($5–$12), written only if the UPDATE changed the
/// number; a row comes back if it did. On SQLite two statements in one
/// call, the second conditional on `changes()`; on PostgreSQL one, the
/// UPDATE in a WITH.
macro_rules! hold_sql {
    (sqlite, $($update:tt)*) => {
        concat!(
            $($update)*, "; ",
            into_audit_log!(),
            "SELECT $5, $6, $7, $8, $9, $10, $11, $12 WHERE changes() = 1 RETURNING id"
        )
    };
    (postgres, $($update:tt)*) => {
        concat!(
            "WITH held AS (", $($update)*, " RETURNING 1) ",
            into_audit_log!(),
            "SELECT $5, $6, $7, $8, $9, $10, $11, $12 FROM held RETURNING id"
        )
    };
}

macro_rules! hold_drawn {
    ($backend:ident) => {
        hold_sql!(
            $backend,
            "UPDATE plate_pool SET status = 'held', vin = $1, until_ms = $2, extended = 0, updated_at = $3
             WHERE plate = $4 AND status = 'shown' AND batch_id = $13 AND until_ms >= $3
               AND EXISTS (SELECT 1 FROM plate_batches b WHERE b.id = $13 AND b.account_id = $14 AND b.vin = $1 AND b.expires_at >= $3)
               AND ",
            no_number_yet!("$1", "$3")
        )
    };
}

macro_rules! hold_chosen {
    ($backend:ident) => {
        hold_sql!(
            $backend,
            "UPDATE plate_pool SET status = 'held', vin = $1, batch_id = NULL, until_ms = $2, extended = 0, updated_at = $3
             WHERE plate = $4 AND ",
            free_at!("$3"),
            " AND ",
            no_number_yet!("$1", "$3")
        )
    };
}

/// The confirmation's records once the number is taken, in one call: the
/// selection ($1 vin, $2 plate, $3 account, $4 way, $5 now), the audit
/// entry ($6–$13), the message ($14 title, $15 body, $16 link) and the
/// SMS ($17 template, $18 parameters), joined by what goes before, between
/// and after them: on SQLite four statements, on PostgreSQL one (the first
/// three in a WITH).
macro_rules! confirm_records {
    ($before:literal, $second:literal, $third:literal, $last:literal) => {
        concat!(
            $before,
            "INSERT INTO plate_selections (vin, plate, account_id, way, confirmed_at) VALUES ($1, $2, $3, $4, $5)",
            $second,
            into_audit_log!(),
            "VALUES ($6, $7, $8, $9, $10, $11, $12, $13)",
            $third,
            into_messages!(),
            "VALUES ($3, $5, $14, $15, $16)",
            $last,
            sms_to_account!("$3", "$17", "$18", "$5")
        )
    };
}

impl Store {
    /// Holds the attempt's number for its vehicle (from a batch, or a
    /// number of the owner's choosing), unless the vehicle has its number,
    /// holds one, or the number is not free. The success path is one
    /// call: the conditional UPDATE that says all of it, and the audit
    /// entry, written only if the UPDATE changed the number. A refusal is
    /// explained by a read after it.
    pub(super) async fn hold_in(
        &self,
        tx: &mut Tx,
        attempt: &HoldAttempt,
        actor: &Actor,
    ) -> Answer<PlateHold> {
        let HoldAttempt {
            account_id,
            ref vin,
            ref plate,
            batch_id,
            now_ms,
            lapsed_hold,
        } = *attempt;
        if lapsed_hold {
            // The vehicle's lapsed hold goes back to the pool first.
            sqlx::query(
                "UPDATE plate_pool SET status = 'available', vin = NULL, batch_id = NULL, updated_at = $1
                 WHERE vin = $2 AND status = 'held' AND until_ms < $1",
            )
            .bind(now_ms)
            .bind(vin)
            .execute(&mut **tx)
            .await?;
        }
        let until = now_ms + HOLD_SECS * 1000;
        let sql = match (self.backend, batch_id.is_some()) {
            (Backend::Sqlite, true) => hold_drawn!(sqlite),
            (Backend::Sqlite, false) => hold_chosen!(sqlite),
            (Backend::Postgres, true) => hold_drawn!(postgres),
            (Backend::Postgres, false) => hold_chosen!(postgres),
        };
        let query = sqlx::query(sql)
            .bind(vin.clone())
            .bind(until)
            .bind(now_ms)
            .bind(plate.clone());
        let entry = AuditEntry {
            actor,
            action: "plate.hold",
            subject: &format!("vin:{vin}"),
            detail: &format!("{plate} until {until}"),
        };
        let mut query = entry.bind(self, query);
        if let Some(batch) = batch_id {
            query = query.bind(batch).bind(account_id);
        }
        // All rows, not the first: on SQLite the first answer is the
        // UPDATE's (no row), and there sqlx's `fetch_optional` stops.
        let audited = query.fetch_all(&mut **tx).await.map_err(StoreError::from);
        match audited.map(|rows| rows.len()) {
            Ok(1) => {}
            Ok(_) => {
                let refusal = self.why_not_held(tx, attempt).await?;
                return Ok(Finish::Undo(Err(refusal)));
            }
            // Another request held a number for this vehicle at the same
            // moment; the index waited for it to commit (PostgreSQL), so
            // this transaction is void and the number it holds is there to
            // read.
            Err(StoreError::Conflict(constraint::PLATE_ONE_PER_VIN)) => {
                let refusal = vehicle_refusal(&self.pool, vin, now_ms).await?;
                return Ok(Finish::Undo(Err(
                    refusal.unwrap_or(PlateRefusal::Unavailable)
                )));
            }
            Err(e) => return Err(e),
        }
        Ok(Finish::Keep(Ok(PlateHold {
            plate: plate.clone(),
            until_ms: until,
            extended: false,
        })))
    }

    /// Why the hold's UPDATE changed nothing, read in its transaction: the
    /// vehicle has or holds a number, the batch has run out, or the number
    /// is not free (anymore).
    async fn why_not_held(&self, tx: &mut Tx, attempt: &HoldAttempt) -> StoreResult<PlateRefusal> {
        let now = attempt.now_ms;
        if let Some(refusal) = vehicle_refusal(&mut **tx, &attempt.vin, now).await? {
            return Ok(refusal);
        }
        if let Some(batch) = attempt.batch_id {
            let live = sqlx::query(
                "SELECT 1 AS one FROM plate_batches WHERE id = $1 AND account_id = $2 AND vin = $3 AND expires_at >= $4",
            )
            .bind(batch)
            .bind(attempt.account_id)
            .bind(&attempt.vin)
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?;
            if live.is_none() {
                return Ok(PlateRefusal::BatchExpired);
            }
        }
        Ok(PlateRefusal::Unavailable)
    }

    /// Takes the number `vin` holds (确认选号): the selection is recorded,
    /// audited, and the owner told in the message centre and by SMS.
    pub(super) async fn confirm_in(
        &self,
        tx: &mut Tx,
        account_id: i64,
        vin: &str,
        now_ms: i64,
        actor: &Actor,
    ) -> Answer<String> {
        // The number and, for a drawn one, its batch (a custom number has
        // none), in the one statement that takes it.
        let taken: Option<(String, Option<i64>)> = sqlx::query_as(
            "UPDATE plate_pool SET status = 'taken', until_ms = 0, updated_at = $1
             WHERE vin = $2 AND status = 'held' AND until_ms >= $1 RETURNING plate, batch_id",
        )
        .bind(now_ms)
        .bind(vin)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((plate, batch)) = taken else {
            return Ok(Finish::Undo(Err(PlateRefusal::NoHold)));
        };
        let way = if batch.is_some() { "random" } else { "custom" };
        let sql = match self.backend {
            Backend::Sqlite => confirm_records!("", "; ", "; ", "; "),
            Backend::Postgres => confirm_records!(
                "WITH selection AS (",
                "), audit AS (",
                "), message AS (",
                ") "
            ),
        };
        let query = sqlx::query(sql)
            .bind(vin.to_string())
            .bind(plate.clone())
            .bind(account_id)
            .bind(way)
            .bind(now_ms);
        let entry = AuditEntry {
            actor,
            action: "plate.confirm",
            subject: &format!("vin:{vin}"),
            detail: &format!("{plate} ({way})"),
        };
        let sms = app::domain::Sms::plate_preselected(&vin[vin.len().saturating_sub(6)..], &plate);
        entry
            .bind(self, query)
            .bind(sms.title().to_string())
            .bind(sms.text())
            .bind("/account")
            .bind(sms.template().name())
            .bind(params_json(&sms))
            .execute(&mut **tx)
            .await?;
        Ok(Finish::Keep(Ok(plate)))
    }
}
