//! The administrator's plate pools (号池管理) in the store: counts per city
//! and status, loading numbers (never one a vehicle already carries), and
//! series withheld from issue.

use super::{port, Store, StoreError};
use app::features::plates::PoolCity;
use app::port_error::constraint;
use app::ports::*;
use async_trait::async_trait;
use std::collections::BTreeMap;

#[async_trait]
impl PlatePoolAdmin for Store {
    async fn pools(&self) -> PortResult<Vec<PoolCity>> {
        port("pools", async {
            let counts: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT city, status, COUNT(*) FROM plate_pool GROUP BY city, status ORDER BY city",
            )
            .fetch_all(&self.pool)
            .await?;
            let series: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT city, series, reason FROM plate_withheld_series ORDER BY city, series",
            )
            .fetch_all(&self.pool)
            .await?;
            let mut cities: BTreeMap<String, PoolCity> = BTreeMap::new();
            let entry = |cities: &mut BTreeMap<String, PoolCity>, city: &str| {
                cities.entry(city.to_string()).or_insert_with(|| PoolCity {
                    city: city.to_string(),
                    available: 0,
                    shown: 0,
                    held: 0,
                    taken: 0,
                    configured_withheld: Vec::new(),
                    withheld: Vec::new(),
                });
            };
            for (city, status, n) in counts {
                entry(&mut cities, &city);
                let c = cities.get_mut(&city).expect("just added");
                match status.as_str() {
                    "available" => c.available = n,
                    "shown" => c.shown = n,
                    "held" => c.held = n,
                    _ => c.taken += n,
                }
            }
            for (city, series, reason) in series {
                entry(&mut cities, &city);
                cities
                    .get_mut(&city)
                    .expect("just added")
                    .withheld
                    .push((series, reason));
            }
            Ok(cities.into_values().collect())
        })
        .await
    }

    async fn withheld_series(&self, city: &str) -> PortResult<Vec<String>> {
        port("withheld_series", async {
            Ok(
                sqlx::query_scalar("SELECT series FROM plate_withheld_series WHERE city = $1")
                    .bind(city)
                    .fetch_all(&self.pool)
                    .await?,
            )
        })
        .await
    }

    async fn load_numbers(
        &self,
        city: &str,
        plates: &[String],
        actor: &Actor,
    ) -> PortResult<usize> {
        port("load_numbers", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let mut added = 0;
            for plate in plates {
                added += sqlx::query(
                    "INSERT INTO plate_pool (plate, city, status, updated_at)
                     SELECT $1, $2, 'available', $3
                     WHERE NOT EXISTS (SELECT 1 FROM vehicles WHERE plate = $1)
                     ON CONFLICT DO NOTHING",
                )
                .bind(plate)
                .bind(city)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
            self.audit_in(
                &mut tx,
                actor,
                "plate_pool.loaded",
                &format!("plate_pool:{city}"),
                &format!("{added} of {} numbers added", plates.len()),
            )
            .await?;
            tx.commit().await?;
            Ok(added)
        })
        .await
    }

    async fn withhold_series(
        &self,
        city: &str,
        series: &str,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<SeriesWithheld> {
        port("withhold_series", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO plate_withheld_series (city, series, reason, withheld_at, withheld_by) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(city)
            .bind(series)
            .bind(reason)
            .bind(now)
            .bind(actor.account_id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from);
            match inserted {
                Ok(_) => {}
                Err(StoreError::Conflict(constraint::PLATE_SERIES_WITHHELD)) => {
                    return Ok(SeriesWithheld::AlreadyWithheld)
                }
                Err(e) => return Err(e),
            }
            let removed = sqlx::query(
                "DELETE FROM plate_pool WHERE city = $1 AND status = 'available' AND plate LIKE $2",
            )
            .bind(city)
            .bind(format!("{city}{series}%"))
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
            self.audit_in(
                &mut tx,
                actor,
                "plate_pool.withheld",
                &format!("plate_pool:{city}"),
                &format!("series {series}: {reason}; {removed} numbers left the pool"),
            )
            .await?;
            tx.commit().await?;
            Ok(SeriesWithheld::Withheld(removed))
        })
        .await
    }
}
