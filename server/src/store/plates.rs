//! Plate pre-selection in the store. The database guarantees the
//! allocation: a number changes hands only by a conditional UPDATE whose
//! WHERE says it is free (or its time ran out); a vehicle holds or takes at
//! most one number (unique partial index on `vin`); a vehicle gets at most
//! three batches (unique `(vin, seq)` with `seq` 1..3); a confirmed choice is
//! one per vehicle and per number (`plate_selections`).

use super::{db_error, Store};
use app::api::plates::{DrawnBatch, PlateHold, PlateRefusal, PlateVehicle};
use app::domain::plate_selection::{
    draw_batch, effective_seed, parse_seed, pool_digest, BATCH_SIZE, EXTENSION_SECS, HOLD_SECS,
    MAX_BATCHES_PER_VIN, PICK_SECS,
};
use app::domain::VehicleType;
use app::ports::*;
use async_trait::async_trait;
use sqlx::Row;

/// A number counts as free when available, or shown/held past its time.
const FREE: &str = "(status = 'available' OR (status IN ('shown', 'held') AND until_ms < $NOW))";

fn free(now_param: &str) -> String {
    FREE.replace("$NOW", now_param)
}

/// Why a hold for `vin` is refused before trying, if it is: the vehicle
/// already has its number, or holds one that is still live, or (for a
/// custom number) the number is not free now. One read, so it works on the
/// pool and inside a transaction alike.
async fn standing_refusal<'e, E>(
    db: E,
    vin: &str,
    custom: Option<&str>,
    now_ms: i64,
) -> PortResult<Option<PlateRefusal>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT (SELECT plate FROM plate_selections WHERE vin = $1) AS selected,
                (SELECT plate FROM plate_pool WHERE vin = $1 AND status = 'held' AND until_ms >= $2) AS holding,
                (SELECT COUNT(*) FROM plate_pool WHERE plate = $3 AND {}) AS free_now",
        free("$2")
    ))
    .bind(vin)
    .bind(now_ms)
    .bind(custom.unwrap_or(""))
    .fetch_one(db)
    .await
    .map_err(db_error("check standing"))?;
    let read = || -> Result<_, sqlx::Error> {
        Ok((
            row.try_get::<Option<String>, _>("selected")?,
            row.try_get::<Option<String>, _>("holding")?,
            row.try_get::<i64, _>("free_now")?,
        ))
    };
    let (selected, holding, free_now) = read().map_err(db_error("read standing"))?;
    Ok(if let Some(plate) = selected {
        Some(PlateRefusal::AlreadySelected(plate))
    } else if let Some(plate) = holding {
        Some(PlateRefusal::AlreadyHolding(plate))
    } else if custom.is_some() && free_now == 0 {
        Some(PlateRefusal::Unavailable)
    } else {
        None
    })
}

#[async_trait]
impl PlateSelection for Store {
    async fn vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
        now_ms: i64,
    ) -> PortResult<Vec<PlateVehicle>> {
        let _ = account_id;
        let (kind, id) = match owner {
            OwnerKey::Person(id) => ("person", id),
            OwnerKey::Organisation(code) => ("organisation", code),
        };
        let rows = sqlx::query(
            "SELECT v.vin, v.vehicle_type, v.brand,
                    (SELECT COUNT(*) FROM plate_batches b WHERE b.vin = v.vin) AS batches,
                    (SELECT s.plate FROM plate_selections s WHERE s.vin = v.vin) AS selected,
                    h.plate AS held, h.until_ms, h.extended
             FROM vehicles v
             LEFT JOIN plate_pool h ON h.vin = v.vin AND h.status = 'held' AND h.until_ms >= $3
             WHERE v.owner_kind = $1 AND v.owner_id = $2 AND v.plate IS NULL
             ORDER BY v.id",
        )
        .bind(kind)
        .bind(id)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list plate vehicles"))?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("vehicle_type")?;
                let held: Option<String> = r.try_get("held")?;
                Ok(PlateVehicle {
                    vin: r.try_get("vin")?,
                    vehicle_type: VehicleType::from_code(&code).unwrap_or(VehicleType::K33),
                    brand: r.try_get("brand")?,
                    batches_used: r.try_get::<i64, _>("batches")? as u32,
                    hold: match held {
                        Some(plate) => Some(PlateHold {
                            plate,
                            until_ms: r.try_get::<Option<i64>, _>("until_ms")?.unwrap_or_default(),
                            extended: r.try_get::<Option<i64>, _>("extended")?.unwrap_or_default()
                                == 1,
                        }),
                        None => None,
                    },
                    selected: r.try_get("selected")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_error("read plate vehicle"))
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
        let mut tx = self.begin_write().await?;
        let used: i64 = sqlx::query("SELECT COUNT(*) AS n FROM plate_batches WHERE vin = $1")
            .bind(vin)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_error("count batches"))?;
        if used >= i64::from(MAX_BATCHES_PER_VIN) {
            return Ok(Err(PlateRefusal::BatchesUsed));
        }
        // Two requests at once both see the same count: the (vin, seq)
        // slot lets one in.
        let row = sqlx::query(
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
        .await
        .map_err(db_error("take batch slot"))?;
        let Some(row) = row else {
            return Ok(Err(PlateRefusal::BatchesUsed));
        };
        let id: i64 = row.try_get("id").map_err(db_error("read batch id"))?;
        tx.commit().await.map_err(db_error("commit batch"))?;
        Ok(Ok(id))
    }

    async fn draw(
        &self,
        account_id: i64,
        batch_id: i64,
        client_nonce: &str,
        now_ms: i64,
    ) -> PortResult<Result<DrawnBatch, PlateRefusal>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT city, commitment, server_seed, drawn_at FROM plate_batches WHERE id = $1 AND account_id = $2",
        )
        .bind(batch_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load batch"))?;
        let Some(row) = row else {
            return Ok(Err(PlateRefusal::NoSuchBatch));
        };
        let read = || -> Result<(String, String, String, Option<i64>), sqlx::Error> {
            Ok((
                row.try_get("city")?,
                row.try_get("commitment")?,
                row.try_get("server_seed")?,
                row.try_get("drawn_at")?,
            ))
        };
        let (city, commitment, seed_hex, drawn_at) = read().map_err(db_error("read batch"))?;
        if drawn_at.is_some() {
            return Ok(Err(PlateRefusal::AlreadyDrawn));
        }
        let seed =
            parse_seed(&seed_hex).ok_or_else(|| PortError::Internal("bad stored seed".into()))?;
        let available: Vec<String> = sqlx::query(&format!(
            "SELECT plate FROM plate_pool WHERE city = $1 AND {}",
            free("$2")
        ))
        .bind(&city)
        .bind(now_ms)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error("list available plates"))?
        .iter()
        .map(|r| r.try_get("plate"))
        .collect::<Result<_, _>>()
        .map_err(db_error("read available plate"))?;
        let drawn = draw_batch(&effective_seed(&seed, client_nonce), &available, BATCH_SIZE);
        let expires = now_ms + PICK_SECS * 1000;
        let mut shown = Vec::with_capacity(drawn.len());
        for plate in drawn {
            let changed = sqlx::query(&format!(
                "UPDATE plate_pool SET status = 'shown', vin = NULL, batch_id = $1, until_ms = $2, extended = 0, updated_at = $3
                 WHERE plate = $4 AND {}",
                free("$3")
            ))
            .bind(batch_id)
            .bind(expires)
            .bind(now_ms)
            .bind(&plate)
            .execute(&mut *tx)
            .await
            .map_err(db_error("show plate"))?
            .rows_affected();
            if changed == 1 {
                shown.push(plate);
            }
        }
        let digest = pool_digest(&available);
        sqlx::query(
            "UPDATE plate_batches SET client_nonce = $1, pool_size = $2, pool_digest = $3, plates = $4, drawn_at = $5, expires_at = $6
             WHERE id = $7",
        )
        .bind(client_nonce)
        .bind(available.len() as i64)
        .bind(&digest)
        .bind(shown.join(","))
        .bind(now_ms)
        .bind(expires)
        .bind(batch_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("record draw"))?;
        tx.commit().await.map_err(db_error("commit draw"))?;
        Ok(Ok(DrawnBatch {
            batch_id,
            commitment,
            server_seed: seed_hex,
            client_nonce: client_nonce.to_string(),
            pool_size: available.len() as i64,
            pool_digest: digest,
            plates: shown,
            expires_at_ms: expires,
        }))
    }

    async fn batch(
        &self,
        account_id: i64,
        batch_id: i64,
    ) -> PortResult<Option<app::api::plates::BatchView>> {
        let row = sqlx::query(
            "SELECT vin, commitment, server_seed, client_nonce, pool_size, pool_digest, plates, drawn_at, expires_at
             FROM plate_batches WHERE id = $1 AND account_id = $2",
        )
        .bind(batch_id)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load batch"))?;
        let Some(r) = row else { return Ok(None) };
        let read = || -> Result<app::api::plates::BatchView, sqlx::Error> {
            let commitment: String = r.try_get("commitment")?;
            let drawn = match r.try_get::<Option<i64>, _>("drawn_at")? {
                None => None,
                Some(_) => Some(DrawnBatch {
                    batch_id,
                    commitment: commitment.clone(),
                    server_seed: r.try_get("server_seed")?,
                    client_nonce: r
                        .try_get::<Option<String>, _>("client_nonce")?
                        .unwrap_or_default(),
                    pool_size: r
                        .try_get::<Option<i64>, _>("pool_size")?
                        .unwrap_or_default(),
                    pool_digest: r
                        .try_get::<Option<String>, _>("pool_digest")?
                        .unwrap_or_default(),
                    plates: r
                        .try_get::<String, _>("plates")?
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect(),
                    expires_at_ms: r
                        .try_get::<Option<i64>, _>("expires_at")?
                        .unwrap_or_default(),
                }),
            };
            Ok(app::api::plates::BatchView {
                batch_id,
                vin: r.try_get("vin")?,
                commitment,
                drawn,
            })
        };
        read().map(Some).map_err(db_error("read batch"))
    }

    async fn hold(
        &self,
        account_id: i64,
        vin: &str,
        plate: &str,
        batch_id: Option<i64>,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PlateHold, PlateRefusal>> {
        let custom = batch_id.is_none().then_some(plate);
        // In a rush most attempts are for numbers already gone: refuse those
        // from a read, without queueing for the write lock. Only refusals
        // are decided here; a hold is given by the conditional update below.
        if let Some(refusal) = standing_refusal(&self.pool, vin, custom, now_ms).await? {
            return Ok(Err(refusal));
        }
        let mut tx = self.begin_write().await?;
        // The vehicle's lapsed hold goes back to the pool first.
        sqlx::query(
            "UPDATE plate_pool SET status = 'available', vin = NULL, batch_id = NULL, updated_at = $1
             WHERE vin = $2 AND status = 'held' AND until_ms < $1",
        )
        .bind(now_ms)
        .bind(vin)
        .execute(&mut *tx)
        .await
        .map_err(db_error("release lapsed hold"))?;
        if let Some(refusal) = standing_refusal(&mut *tx, vin, None, now_ms).await? {
            return Ok(Err(refusal));
        }
        let until = now_ms + HOLD_SECS * 1000;
        let changed = match batch_id {
            Some(batch) => {
                let live = sqlx::query(
                    "SELECT 1 AS one FROM plate_batches WHERE id = $1 AND account_id = $2 AND vin = $3 AND expires_at >= $4",
                )
                .bind(batch)
                .bind(account_id)
                .bind(vin)
                .bind(now_ms)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error("check batch"))?;
                if live.is_none() {
                    return Ok(Err(PlateRefusal::BatchExpired));
                }
                sqlx::query(
                    "UPDATE plate_pool SET status = 'held', vin = $1, until_ms = $2, extended = 0, updated_at = $3
                     WHERE plate = $4 AND status = 'shown' AND batch_id = $5 AND until_ms >= $3",
                )
                .bind(vin)
                .bind(until)
                .bind(now_ms)
                .bind(plate)
                .bind(batch)
                .execute(&mut *tx)
                .await
            }
            None => {
                sqlx::query(&format!(
                    "UPDATE plate_pool SET status = 'held', vin = $1, batch_id = NULL, until_ms = $2, extended = 0, updated_at = $3
                     WHERE plate = $4 AND {}",
                    free("$3")
                ))
                .bind(vin)
                .bind(until)
                .bind(now_ms)
                .bind(plate)
                .execute(&mut *tx)
                .await
            }
        };
        match changed.map_err(db_error("hold plate")) {
            Ok(r) if r.rows_affected() == 1 => {}
            Ok(_) => return Ok(Err(PlateRefusal::Unavailable)),
            // Another request held a number for this vehicle at the same moment.
            Err(PortError::Conflict(_)) => {
                return Ok(Err(PlateRefusal::AlreadyHolding(String::new())))
            }
            Err(e) => return Err(e),
        }
        Store::audit_in(
            &mut tx,
            actor,
            "plate.hold",
            &format!("vin:{vin}"),
            &format!("{plate} until {until}"),
        )
        .await?;
        tx.commit()
            .await
            .map_err(db_error("commit hold"))
            .map_err(|e| match e {
                PortError::Conflict(c) => {
                    PortError::Internal(format!("hold conflict at commit: {c}"))
                }
                other => other,
            })?;
        Ok(Ok(PlateHold {
            plate: plate.to_string(),
            until_ms: until,
            extended: false,
        }))
    }

    async fn extend(&self, vin: &str, now_ms: i64) -> PortResult<Result<PlateHold, PlateRefusal>> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE plate_pool SET until_ms = until_ms + $1, extended = 1, updated_at = $2
             WHERE vin = $3 AND status = 'held' AND extended = 0 AND until_ms >= $2",
        )
        .bind(EXTENSION_SECS * 1000)
        .bind(now_ms)
        .bind(vin)
        .execute(&mut *tx)
        .await
        .map_err(db_error("extend hold"))?
        .rows_affected();
        let row = sqlx::query("SELECT plate, until_ms, extended FROM plate_pool WHERE vin = $1 AND status = 'held' AND until_ms >= $2")
            .bind(vin)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error("load hold"))?;
        tx.commit().await.map_err(db_error("commit extension"))?;
        let Some(row) = row else {
            return Ok(Err(PlateRefusal::NoHold));
        };
        if changed == 0 {
            return Ok(Err(PlateRefusal::AlreadyExtended));
        }
        Ok(Ok(PlateHold {
            plate: row.try_get("plate").map_err(db_error("read hold"))?,
            until_ms: row.try_get("until_ms").map_err(db_error("read hold"))?,
            extended: true,
        }))
    }

    async fn confirm(
        &self,
        account_id: i64,
        vin: &str,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<String, PlateRefusal>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE plate_pool SET status = 'taken', until_ms = 0, updated_at = $1
             WHERE vin = $2 AND status = 'held' AND until_ms >= $1 RETURNING plate",
        )
        .bind(now_ms)
        .bind(vin)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("take plate"))?;
        let Some(row) = row else {
            return Ok(Err(PlateRefusal::NoHold));
        };
        let plate: String = row.try_get("plate").map_err(db_error("read plate"))?;
        let way: &str = if sqlx::query(
            "SELECT batch_id FROM plate_pool WHERE plate = $1 AND batch_id IS NOT NULL",
        )
        .bind(&plate)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load way"))?
        .is_some()
        {
            "random"
        } else {
            "custom"
        };
        sqlx::query("INSERT INTO plate_selections (vin, plate, account_id, way, confirmed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(vin)
            .bind(&plate)
            .bind(account_id)
            .bind(way)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error("record selection"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "plate.confirm",
            &format!("vin:{vin}"),
            &format!("{plate} ({way})"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "号牌预选成功",
            &format!(
                "您已为车辆识别代号尾号{}的新车预选号牌{plate}，请在办理注册登记时使用。",
                &vin[vin.len().saturating_sub(6)..]
            ),
            "/account",
            now_ms,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit selection"))?;
        Ok(Ok(plate))
    }

    async fn load_pool(&self, city: &str, plates: &[String], now_ms: i64) -> PortResult<usize> {
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
            .await
            .map_err(db_error("load plate"))?
            .rows_affected() as usize;
        }
        tx.commit().await.map_err(db_error("commit pool"))?;
        Ok(added)
    }
}
