//! Plate pre-selection in the store. The database guarantees the
//! allocation: a number changes hands only by a conditional UPDATE whose
//! WHERE says it is free (or its time ran out); a vehicle holds or takes at
//! most one number (unique partial index on `vin`); a vehicle gets at most
//! three batches (unique `(vin, seq)` with `seq` 1..3); a confirmed choice is
//! one per vehicle and per number (`plate_selections`).

use super::group_commit::Undoing;
use super::plate_writes::HoldAttempt;
use super::{port, Store, StoreResult};
use app::domain::plate_selection::{EXTENSION_SECS, MAX_BATCHES_PER_VIN};
use app::domain::VehicleType;
use app::features::plates::{DrawnBatch, HoldStanding, PlateHold, PlateRefusal, PlateVehicle};
use app::ports::*;
use async_trait::async_trait;

/// A number counts as free when available, or shown/held past its time
/// (`$now`: the placeholder bound to the current instant). A macro, so that
/// every query stays static text.
macro_rules! free_at {
    ($now:literal) => {
        concat!(
            "(status = 'available' OR (status IN ('shown', 'held') AND until_ms < ",
            $now,
            "))"
        )
    };
}
pub(super) use free_at;

/// Why a hold for `vin` was refused, if the vehicle is why: it already
/// has its number, or holds one that is still live. One read, so it works
/// on the pool and inside a transaction alike.
pub(super) async fn vehicle_refusal<'e, E>(
    db: E,
    vin: &str,
    now_ms: i64,
) -> StoreResult<Option<PlateRefusal>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (selected, holding): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT (SELECT plate FROM plate_selections WHERE vin = $1) AS selected,
            (SELECT plate FROM plate_pool WHERE vin = $1 AND status = 'held' AND until_ms >= $2) AS holding",
    )
    .bind(vin)
    .bind(now_ms)
    .fetch_one(db)
    .await?;
    Ok(match (selected, holding) {
        (Some(plate), _) => Some(PlateRefusal::AlreadySelected(plate)),
        (None, Some(plate)) => Some(PlateRefusal::AlreadyHolding(plate)),
        (None, None) => None,
    })
}

/// The vehicle (`$vin`) has no number and holds none that is live at
/// `$now`: the condition a hold is taken on, in the statement that takes
/// it (where [`vehicle_refusal`] is the read that explains a refusal).
macro_rules! no_number_yet {
    ($vin:literal, $now:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM plate_selections s WHERE s.vin = ",
            $vin,
            ") AND NOT EXISTS (SELECT 1 FROM plate_pool h WHERE h.vin = ",
            $vin,
            " AND h.status = 'held' AND h.until_ms >= ",
            $now,
            ")"
        )
    };
}
pub(super) use no_number_yet;

/// The columns of a [`PlateVehicleRow`] and what they come from, and any
/// more given (text that starts with a comma); `$3` is the current instant
/// (a live hold). A macro, so the queries stay static text.
macro_rules! plate_vehicle_select {
    () => {
        plate_vehicle_select!("")
    };
    ($($more:tt)+) => {
        concat!(
            "SELECT v.vin, v.vehicle_type, v.brand,
                (SELECT COUNT(*) FROM plate_batches b WHERE b.vin = v.vin) AS batches,
                (SELECT s.plate FROM plate_selections s WHERE s.vin = v.vin) AS selected,
                h.plate AS held, h.until_ms, h.extended",
            $($more)+,
            " FROM vehicles v
         LEFT JOIN plate_pool h ON h.vin = v.vin AND h.status = 'held' AND h.until_ms >= $3"
        )
    };
}

/// How `vehicles.owner_kind` and `owner_id` name an owner.
fn owner_key(owner: &OwnerKey) -> (&'static str, &str) {
    match owner {
        OwnerKey::Person(id) => ("person", id),
        OwnerKey::Organisation(code) => ("organisation", code),
    }
}

/// A new vehicle of the owner, with its batches, hold and selection.
#[derive(sqlx::FromRow)]
struct PlateVehicleRow {
    vin: String,
    vehicle_type: String,
    brand: String,
    batches: i64,
    selected: Option<String>,
    held: Option<String>,
    until_ms: Option<i64>,
    extended: Option<i64>,
}

/// A [`PlateVehicleRow`] with what a hold of it meets: its lapsed holds,
/// and whether the number asked for (`$5`) is free.
#[derive(sqlx::FromRow)]
struct HoldStandingRow {
    #[sqlx(flatten)]
    vehicle: PlateVehicleRow,
    lapsed: i64,
    asked_free: i64,
}

impl From<PlateVehicleRow> for PlateVehicle {
    fn from(row: PlateVehicleRow) -> PlateVehicle {
        PlateVehicle {
            vin: row.vin,
            vehicle_type: VehicleType::from_code(&row.vehicle_type).unwrap_or(VehicleType::K33),
            brand: row.brand,
            batches_used: row.batches as u32,
            hold: row.held.map(|plate| PlateHold {
                plate,
                until_ms: row.until_ms.unwrap_or_default(),
                extended: row.extended.unwrap_or_default() == 1,
            }),
            selected: row.selected,
        }
    }
}

#[async_trait]
impl PlateSelection for Store {
    async fn vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
        now_ms: i64,
    ) -> PortResult<Vec<PlateVehicle>> {
        port("vehicles", async {
            let _ = account_id;
            let (kind, id) = owner_key(owner);
            // COALESCE: with `plate IS NULL` SQLite walks the plate index
            // through every new vehicle in the province instead of the
            // owner's index.
            let rows: Vec<PlateVehicleRow> = sqlx::query_as(concat!(
                plate_vehicle_select!(),
                " WHERE v.owner_kind = $1 AND v.owner_id = $2 AND COALESCE(v.plate, '') = ''
                 ORDER BY v.id"
            ))
            .bind(kind)
            .bind(id)
            .bind(now_ms)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
        .await
    }

    async fn vehicle(
        &self,
        owner: &OwnerKey,
        vin: &str,
        now_ms: i64,
    ) -> PortResult<Option<PlateVehicle>> {
        port("vehicle", async {
            let (kind, id) = owner_key(owner);
            let row: Option<PlateVehicleRow> = sqlx::query_as(concat!(
                plate_vehicle_select!(),
                " WHERE v.vin = $4 AND v.owner_kind = $1 AND v.owner_id = $2 AND v.plate IS NULL"
            ))
            .bind(kind)
            .bind(id)
            .bind(now_ms)
            .bind(vin)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(Into::into))
        })
        .await
    }

    async fn vehicle_for_hold(
        &self,
        owner: &OwnerKey,
        vin: &str,
        asked: Option<&str>,
        now_ms: i64,
    ) -> PortResult<Option<(PlateVehicle, HoldStanding)>> {
        port("vehicle_for_hold", async {
            let (kind, id) = owner_key(owner);
            let row: Option<HoldStandingRow> = sqlx::query_as(concat!(
                plate_vehicle_select!(concat!(
                    ", (SELECT COUNT(*) FROM plate_pool l WHERE l.vin = v.vin AND l.status = 'held' AND l.until_ms < $3) AS lapsed,
                     (SELECT COUNT(*) FROM plate_pool WHERE plate = $5 AND ",
                    free_at!("$3"),
                    ") AS asked_free"
                )),
                " WHERE v.vin = $4 AND v.owner_kind = $1 AND v.owner_id = $2 AND v.plate IS NULL"
            ))
            .bind(kind)
            .bind(id)
            .bind(now_ms)
            .bind(vin)
            .bind(asked.unwrap_or(""))
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|row| {
                let standing = HoldStanding {
                    lapsed_hold: row.lapsed > 0,
                    asked_free: asked.is_none() || row.asked_free > 0,
                };
                (row.vehicle.into(), standing)
            }))
        })
        .await
    }

    async fn prepare(
        &self,
        account_id: i64,
        vin: &str,
        city: &str,
        commitment: &str,
        server_seed_hex: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, PlateRefusal>> {
        port("prepare", async {
            let mut tx = self.begin_write().await?;
            let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plate_batches WHERE vin = $1")
                .bind(vin)
                .fetch_one(&mut *tx)
                .await?;
            if used >= i64::from(MAX_BATCHES_PER_VIN) {
                return Ok(Err(PlateRefusal::BatchesUsed));
            }
            // Two requests at once both see the same count: the (vin, seq)
            // slot lets one in.
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO plate_batches (vin, seq, account_id, city, commitment, server_seed, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(vin)
            .bind(used + 1)
            .bind(account_id)
            .bind(city)
            .bind(commitment)
            .bind(server_seed_hex)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                return Ok(Err(PlateRefusal::BatchesUsed));
            };
            tx.commit().await?;
            Ok(Ok(id))
        })
        .await
    }

    async fn draw(
        &self,
        account_id: i64,
        batch_id: i64,
        client_nonce: &str,
        now_ms: i64,
    ) -> PortResult<Result<DrawnBatch, PlateRefusal>> {
        port(
            "draw",
            self.draw_batch_of(account_id, batch_id, client_nonce, now_ms),
        )
        .await
    }

    async fn batch(
        &self,
        account_id: i64,
        batch_id: i64,
    ) -> PortResult<Option<app::features::plates::BatchView>> {
        port("batch", self.batch_view(account_id, batch_id)).await
    }

    async fn hold(
        &self,
        account_id: i64,
        vin: &str,
        plate: &str,
        batch_id: Option<i64>,
        lapsed_hold: bool,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PlateHold, PlateRefusal>> {
        let attempt = HoldAttempt {
            account_id,
            vin: vin.to_string(),
            plate: plate.to_string(),
            batch_id,
            now_ms,
            lapsed_hold,
        };
        let actor = actor.clone();
        // Putting a lapsed hold back is a change a refusal must undo.
        let undoing = if attempt.lapsed_hold {
            Undoing::Savepoint
        } else {
            Undoing::NothingToUndo
        };
        port(
            "hold",
            self.write_grouped(
                undoing,
                Box::new(move |store, tx| {
                    Box::pin(async move { store.hold_in(tx, &attempt, &actor).await })
                }),
            ),
        )
        .await
    }

    async fn extend(&self, vin: &str, now_ms: i64) -> PortResult<Result<PlateHold, PlateRefusal>> {
        port("extend", async {
            let mut tx = self.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE plate_pool SET until_ms = until_ms + $1, extended = 1, updated_at = $2
                 WHERE vin = $3 AND status = 'held' AND extended = 0 AND until_ms >= $2",
            )
            .bind(EXTENSION_SECS * 1000)
            .bind(now_ms)
            .bind(vin)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let row: Option<(String, i64)> = sqlx::query_as("SELECT plate, until_ms FROM plate_pool WHERE vin = $1 AND status = 'held' AND until_ms >= $2")
                .bind(vin)
                .bind(now_ms)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            let Some((plate, until_ms)) = row else {
                return Ok(Err(PlateRefusal::NoHold));
            };
            if changed == 0 {
                return Ok(Err(PlateRefusal::AlreadyExtended));
            }
            Ok(Ok(PlateHold {
                plate,
                until_ms,
                extended: true,
            }))
        })
        .await
    }

    async fn confirm(
        &self,
        account_id: i64,
        vin: &str,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<String, PlateRefusal>> {
        let (vin, actor) = (vin.to_string(), actor.clone());
        port(
            "confirm",
            self.write_grouped(
                Undoing::NothingToUndo,
                Box::new(move |store, tx| {
                    Box::pin(
                        async move { store.confirm_in(tx, account_id, &vin, now_ms, &actor).await },
                    )
                }),
            ),
        )
        .await
    }

    async fn release_lapsed_holds(&self, now_ms: i64) -> PortResult<usize> {
        port("release_lapsed_holds", async {
            let mut tx = self.begin_write().await?;
            let lapsed: Vec<(String, String)> = sqlx::query_as(
                "SELECT plate, vin FROM plate_pool WHERE status = 'held' AND until_ms < $1 AND vin IS NOT NULL ORDER BY plate",
            )
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await?;
            let scheduler = Actor {
                account_id: None,
                ip: "scheduler".into(),
                operator_id: None,
                api_key: None,
            };
            let mut released = 0;
            for (plate, vin) in lapsed {
                // The WHERE decides: on PostgreSQL another server's update
                // of the same row waits for this one and then finds the
                // number no longer held, so each hold is released (and
                // audited) once.
                let changed = sqlx::query(
                    "UPDATE plate_pool SET status = 'available', vin = NULL, batch_id = NULL, until_ms = 0, extended = 0, updated_at = $1
                     WHERE plate = $2 AND vin = $3 AND status = 'held' AND until_ms < $1",
                )
                .bind(now_ms)
                .bind(&plate)
                .bind(&vin)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    continue;
                }
                self.audit_in(
                    &mut tx,
                    &scheduler,
                    "plate.hold_lapsed",
                    &format!("vin:{vin}"),
                    &format!("{plate} back to the pool"),
                )
                .await?;
                released += 1;
            }
            tx.commit().await?;
            Ok(released)
        })
        .await
    }

    async fn load_pool(&self, city: &str, plates: &[String], now_ms: i64) -> PortResult<usize> {
        port("load_pool", async {
            let mut tx = self.begin_write().await?;
            let mut added = 0;
            for plate in plates {
                added += sqlx::query(
                    "INSERT INTO plate_pool (plate, city, status, updated_at) VALUES ($1, $2, 'available', $3) ON CONFLICT DO NOTHING",
                )
                .bind(plate)
                .bind(city)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
            tx.commit().await?;
            Ok(added)
        })
        .await
    }
}
