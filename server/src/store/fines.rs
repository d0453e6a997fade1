//! Traffic violations (交通违法) in the store: the holder's violations and
//! the decision (处罚决定) by conditional update in one transaction; payment
//! orders, settlement and receipts are in `payments.rs`.

use super::rows::{binding_kind, coded, date_opt};
use super::{port, Store, StoreError, StoreResult, Tx};
use crate::db::Backend;
use app::domain::binding::owner_told_of_handling;
use app::domain::violation::{decision_number, status_once_handled};
use app::domain::{Date, VehicleStatus, VehicleType, ViolationStatus};
use app::ports::*;
use async_trait::async_trait;

/// A violation of a vehicle bound to the account, with its paid receipt.
#[derive(sqlx::FromRow)]
struct ViolationRow {
    id: i64,
    vehicle_id: i64,
    plate: String,
    vehicle_type: String,
    own: i64,
    occurred_at: i64,
    place: String,
    recorded_province: String,
    code: String,
    description: String,
    fine_yuan: i64,
    points: i64,
    status: String,
    decided_on: Option<String>,
    decision_no: Option<String>,
    receipt_no: Option<String>,
}

impl TryFrom<ViolationRow> for ViolationItem {
    type Error = StoreError;
    fn try_from(row: ViolationRow) -> StoreResult<ViolationItem> {
        let fine_yuan = row.fine_yuan.clamp(0, u32::MAX as i64) as u32;
        Ok(ViolationItem {
            id: row.id,
            vehicle_id: row.vehicle_id,
            plate: row.plate,
            vehicle_type: coded("vehicle type", &row.vehicle_type, VehicleType::from_code)?,
            binding: binding_kind(row.own),
            occurred_at_ms: row.occurred_at,
            place: row.place,
            recorded_province: row.recorded_province,
            code: row.code,
            description: row.description,
            fine_yuan,
            points: row.points.clamp(0, 12) as u8,
            status: coded("violation status", &row.status, ViolationStatus::from_code)?
                .with_fine(fine_yuan),
            decided_on: date_opt(row.decided_on.as_deref()),
            decision_no: row.decision_no,
            receipt_no: row.receipt_no,
        })
    }
}

/// The holder's violations: one row per violation of a bound vehicle
/// (`$1`: the account). A macro so that the queries stay static text.
macro_rules! violation_select {
    () => {
        "SELECT x.id, x.vehicle_id, x.plate, v.vehicle_type, b.own, x.occurred_at, x.place,
            x.recorded_province, x.code, x.description, x.fine_yuan, x.points, x.status, x.decided_on,
            x.decision_no,
            (SELECT p.receipt_no FROM fine_payments p WHERE p.violation_id = x.id AND p.status = 'paid') AS receipt_no
         FROM vehicle_bindings b
         JOIN vehicles v ON v.id = b.vehicle_id
         JOIN violations x ON x.vehicle_id = v.id
         WHERE b.account_id = $1"
    };
}

impl Store {
    /// On PostgreSQL, locks the violation for the rest of the transaction
    /// (SQLite write transactions are already serialised by the write gate).
    pub(super) async fn lock_violation(&self, tx: &mut Tx, id: i64) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM violations WHERE id = $1 FOR UPDATE")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Fines for Store {
    async fn violation_heads(&self, account_id: i64) -> PortResult<Vec<ViolationHead>> {
        port("violation_heads", async {
            let rows: Vec<(i64, String, i64, String, i64, i64)> = sqlx::query_as(
                "SELECT x.id, v.vehicle_type, b.own, x.recorded_province, x.fine_yuan, x.points
                 FROM vehicle_bindings b
                 JOIN vehicles v ON v.id = b.vehicle_id
                 JOIN violations x ON x.vehicle_id = v.id
                 WHERE b.account_id = $1
                 ORDER BY x.occurred_at DESC, x.id DESC",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(
                    |(id, vehicle_type, own, recorded_province, fine_yuan, points)| {
                        Ok(ViolationHead {
                            id,
                            vehicle_type: coded(
                                "vehicle type",
                                &vehicle_type,
                                VehicleType::from_code,
                            )?,
                            binding: binding_kind(own),
                            recorded_province,
                            fine_yuan: fine_yuan.clamp(0, u32::MAX as i64) as u32,
                            points: points.clamp(0, 12) as u8,
                        })
                    },
                )
                .collect::<StoreResult<_>>()
        })
        .await
    }

    async fn violations_by_id(
        &self,
        account_id: i64,
        ids: &[i64],
    ) -> PortResult<Vec<ViolationItem>> {
        port("violations_by_id", async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // One placeholder per id of the page ($2, $3, …): numbers only.
            let placeholders = (2..ids.len() + 2)
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "{} AND x.id IN ({placeholders}) ORDER BY x.occurred_at DESC, x.id DESC",
                violation_select!()
            );
            let mut query = sqlx::query_as::<_, ViolationRow>(&sql).bind(account_id);
            for id in ids {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.into_iter().map(TryInto::try_into).collect()
        })
        .await
    }

    async fn violation(
        &self,
        account_id: i64,
        violation_id: i64,
    ) -> PortResult<Option<ViolationItem>> {
        port("violation", async {
            let row: Option<ViolationRow> =
                sqlx::query_as(concat!(violation_select!(), " AND x.id = $2"))
                    .bind(account_id)
                    .bind(violation_id)
                    .fetch_optional(&self.pool)
                    .await?;
            row.map(TryInto::try_into).transpose()
        })
        .await
    }

    async fn decide(
        &self,
        account_id: i64,
        violation_id: i64,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("decide", async {
            let mut tx = self.begin_write().await?;
            let done = self
                .decide_in(&mut tx, account_id, violation_id, decided_on, actor, None)
                .await?;
            if done == NamedDecision::Decided {
                tx.commit().await?;
            }
            Ok(done == NamedDecision::Decided)
        })
        .await
    }

    async fn decide_naming_driver(
        &self,
        account_id: i64,
        violation_id: i64,
        driver_id_number: &str,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<NamedDecision> {
        port("decide_naming_driver", async {
            let mut tx = self.begin_write().await?;
            let done = self
                .decide_in(
                    &mut tx,
                    account_id,
                    violation_id,
                    decided_on,
                    actor,
                    Some(driver_id_number),
                )
                .await?;
            // Anything short of a decision leaves nothing behind.
            if done == NamedDecision::Decided {
                tx.commit().await?;
            }
            Ok(done)
        })
        .await
    }
}

impl Store {
    /// The decision in the caller's transaction (committed only when it
    /// answers `Decided`): the violation's status, the named driver's
    /// points, the vehicle's status, the audit entry and the notices.
    async fn decide_in(
        &self,
        tx: &mut Tx,
        account_id: i64,
        violation_id: i64,
        decided_on: Date,
        actor: &Actor,
        driver: Option<&str>,
    ) -> StoreResult<NamedDecision> {
        let now = self.clock.now_ms();
        let decision_no = decision_number(decided_on, violation_id);
        let facts: Option<(i64, i64)> =
            sqlx::query_as("SELECT fine_yuan, points FROM violations WHERE id = $1")
                .bind(violation_id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some((fine, points)) = facts else {
            return Ok(NamedDecision::NotUnhandled);
        };
        // A fine waits for payment; a warning is finished once handled.
        let next = status_once_handled(fine.clamp(0, u32::MAX as i64) as u32);
        let changed = sqlx::query(
                "UPDATE violations SET decided_on = $1, decision_no = $2,
                        handled_by = $3, handled_at = $4, status = $5, driver_id_number = $7
                 WHERE id = $6 AND status = 'unhandled'
                   AND EXISTS (SELECT 1 FROM vehicle_bindings b WHERE b.account_id = $3 AND b.vehicle_id = violations.vehicle_id)",
            )
            .bind(decided_on.to_iso())
            .bind(&decision_no)
            .bind(account_id)
            .bind(now)
            .bind(next.code())
            .bind(violation_id)
            .bind(driver)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(NamedDecision::NotUnhandled);
        }
        if let Some(driver) = driver {
            // The points go on the named driver's licence: still bound
            // to the unit, valid, and staying under twelve.
            let taken = sqlx::query(
                    "UPDATE driving_licences SET points = points + $1
                     WHERE id_number = $2 AND status = 'A' AND points + $1 < 12
                       AND EXISTS (SELECT 1 FROM unit_drivers d WHERE d.account_id = $3 AND d.id_number = $2)",
                )
                .bind(points)
                .bind(driver)
                .bind(account_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
            if taken == 0 {
                return Ok(NamedDecision::LicenceRefused);
            }
        }
        let (vehicle_id, plate, occurred_at, description, own): (i64, String, i64, String, i64) =
                sqlx::query_as(
                "SELECT x.vehicle_id, x.plate, x.occurred_at, x.description, b.own
                 FROM violations x JOIN vehicle_bindings b ON b.vehicle_id = x.vehicle_id AND b.account_id = $1
                 WHERE x.id = $2",
            )
            .bind(account_id)
            .bind(violation_id)
            .fetch_one(&mut **tx)
            .await?;
        // The vehicle is back to normal once nothing is left unhandled.
        sqlx::query(
                "UPDATE vehicles SET status = $1 WHERE id = $2 AND status = $3
                   AND NOT EXISTS (SELECT 1 FROM violations x WHERE x.vehicle_id = $2 AND x.status = 'unhandled')",
            )
            .bind(VehicleStatus::Normal.code())
            .bind(vehicle_id)
            .bind(VehicleStatus::ViolationPending.code())
            .execute(&mut **tx)
            .await?;
        self.audit_in(
            tx,
            actor,
            "violation.decide",
            &format!("violation:{violation_id}"),
            &match driver {
                Some(driver) => {
                    format!("decision {decision_no}, {plate}, {points} points to driver {driver}")
                }
                None => format!("decision {decision_no}, {plate}"),
            },
        )
        .await?;
        let notice = if fine > 0 {
            app::domain::Sms::violation_fined(
                &plate,
                &decision_no,
                &app::domain::violation::payment_due(decided_on).to_string(),
                &fine.to_string(),
            )
        } else {
            app::domain::Sms::violation_warned(&plate, &decision_no)
        };
        if let Some(driver) = driver {
            let unit = Store::account_name_in(tx, account_id).await?;
            let told = app::domain::Sms::driver_took_points(
                &plate,
                &app::domain::date::cst_date_time(occurred_at),
                &description,
                &unit,
                &points.to_string(),
                &decision_no,
            );
            let phone: String =
                sqlx::query_scalar("SELECT phone FROM persons WHERE id_number = $1")
                    .bind(driver)
                    .fetch_one(&mut **tx)
                    .await?;
            let accounts = super::unit_drivers::driver_accounts_in(tx, driver).await?;
            Store::message_in(tx, &accounts, &told, "/account/licence", now).await?;
            Store::sms_in(tx, &phone, &told, now).await?;
        }
        Store::notify_in(
            tx,
            account_id,
            &notice,
            &format!("/account/violations/{violation_id}"),
            now,
        )
        .await?;
        if own != 1 {
            // Someone else handled a violation of the owner's vehicle.
            let handler = Store::account_name_in(tx, account_id).await?;
            Store::tell_owner_in(
                tx,
                vehicle_id,
                &owner_told_of_handling(
                    &handler,
                    &plate,
                    &app::domain::date::cst_date_time(occurred_at),
                    &description,
                    &decision_no,
                ),
                now,
            )
            .await?;
        }
        Ok(NamedDecision::Decided)
    }
}
