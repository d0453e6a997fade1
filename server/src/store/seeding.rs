//! First start (首次启动): the configuration file seeds the registration
//! windows; afterwards the database holds them. Plate pools are checked
//! here so that a restart never adds numbers twice.

use super::{Store, StoreResult};
use app::profile::{ExamCentreSeed, WindowSeed};

impl Store {
    /// Puts the configured windows into an empty window table; answers how
    /// many it added (none once any window exists).
    pub async fn seed_windows(&self, windows: &[WindowSeed]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registration_windows")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 || windows.is_empty() {
            return Ok(0);
        }
        for (i, w) in windows.iter().enumerate() {
            sqlx::query(
                "INSERT INTO registration_windows (id, code, name, address, serves, phone) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(i as i64 + 1)
            .bind(&w.code)
            .bind(&w.name)
            .bind(&w.address)
            .bind(if w.serves_units { "unit" } else { "individual" })
            .bind(&w.phone)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(windows.len())
    }

    /// Puts the configured driving-test centres into an empty centre table;
    /// answers how many it added.
    pub async fn seed_exam_centres(&self, centres: &[ExamCentreSeed]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exam_centres")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 || centres.is_empty() {
            return Ok(0);
        }
        for (i, c) in centres.iter().enumerate() {
            sqlx::query("INSERT INTO exam_centres (id, name, address) VALUES ($1, $2, $3)")
                .bind(i as i64 + 1)
                .bind(&c.name)
                .bind(&c.address)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(centres.len())
    }

    /// Whether a city's selection pool has no numbers at all yet.
    pub async fn plate_pool_is_empty(&self, city: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plate_pool WHERE city = $1")
            .bind(city)
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }
}
