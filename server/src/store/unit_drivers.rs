//! A unit's drivers (单位驾驶人) in the store: the licences units bind,
//! their pages and counts, and ending a binding from either side. Each
//! change is audited and told to the other side in its transaction.

use super::query_builder::{Arg, Sql};
use super::rows::{coded, date};
use super::{port, Store, StoreResult};
use app::domain::binding::masked_name;
use app::domain::unit_driver::DriverStanding;
use app::domain::{Date, LicenceClass, LicenceStatus, ResidentId, Sms};
use app::features::paging::{ListPage, PageRequest};
use app::features::units::drivers::{DriverCounts, DriverFilter, DriverTie, UnitDriver};
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct DriverRow {
    id: i64,
    name: String,
    id_number: String,
    class: String,
    status: String,
    valid_until: String,
    points: i64,
    bound_at: i64,
}

fn standing(
    class: &str,
    status: &str,
    valid_until: &str,
    points: i64,
) -> StoreResult<DriverStanding> {
    Ok(DriverStanding {
        class: coded("licence class", class, LicenceClass::from_code)?,
        status: coded("licence status", status, LicenceStatus::from_code)?,
        valid_until: date("valid until", valid_until)?,
        points,
    })
}

impl DriverRow {
    fn into_driver(self) -> StoreResult<UnitDriver> {
        Ok(UnitDriver {
            id: self.id,
            standing: standing(&self.class, &self.status, &self.valid_until, self.points)?,
            id_masked: ResidentId::masked_or_stars(&self.id_number),
            name: self.name,
            bound_at_ms: self.bound_at,
            attention: Vec::new(),
        })
    }
}

const DRIVER_COLUMNS: &str =
    "t.id, p.name, t.id_number, l.class, l.status, l.valid_until, l.points, t.bound_at";

/// `SELECT <columns>` of the unit's drivers, filtered (no order, no
/// limit); every value a parameter.
fn drivers_from(columns: &str, account_id: i64, filter: DriverFilter, soon_until: Date) -> Sql {
    let mut sql = Sql::default();
    let account = sql.arg(Arg::I(account_id));
    sql.push(&format!(
        "SELECT {columns} FROM unit_drivers t
         JOIN driving_licences l ON l.id_number = t.id_number
         JOIN persons p ON p.id_number = t.id_number
         WHERE t.account_id = {account}"
    ));
    match filter {
        DriverFilter::All => {}
        DriverFilter::ExpiresSoon => {
            let until = sql.arg(Arg::S(soon_until.to_string()));
            sql.push(&format!(" AND l.valid_until <= {until}"));
        }
        DriverFilter::PointsFull => sql.push(" AND (l.points >= 12 OR l.status = 'B')"),
        DriverFilter::NotValid => sql.push(" AND l.status NOT IN ('A', 'B')"),
    }
    sql
}

/// A licence holder's record (the licence and the person).
const RECORD: &str = "SELECT p.name, p.phone, l.class, l.status, l.valid_until, l.points
     FROM driving_licences l JOIN persons p ON p.id_number = l.id_number";

fn into_record(
    (name, phone, class, status, until, points): (String, String, String, String, String, i64),
) -> StoreResult<DriverRecord> {
    Ok(DriverRecord {
        name,
        phone,
        standing: standing(&class, &status, &until, points)?,
    })
}

#[async_trait]
impl UnitDrivers for Store {
    async fn driver_record(&self, id_number: &str) -> PortResult<Option<DriverRecord>> {
        port("driver_record", async {
            sqlx::query_as(&format!("{RECORD} WHERE l.id_number = $1"))
                .bind(id_number)
                .fetch_optional(&self.pool)
                .await?
                .map(into_record)
                .transpose()
        })
        .await
    }

    async fn bound_driver(
        &self,
        account_id: i64,
        id_number: &str,
    ) -> PortResult<Option<DriverRecord>> {
        port("bound_driver", async {
            sqlx::query_as(&format!(
                "{RECORD} JOIN unit_drivers t ON t.id_number = l.id_number AND t.account_id = $2
                 WHERE l.id_number = $1"
            ))
            .bind(id_number)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .map(into_record)
            .transpose()
        })
        .await
    }

    async fn drivers(
        &self,
        account_id: i64,
        filter: DriverFilter,
        soon_until: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<UnitDriver>> {
        port("unit_drivers", async {
            let total: i64 = drivers_from("COUNT(*)", account_id, filter, soon_until)
                .query_as::<(i64,)>()
                .fetch_one(&self.pool)
                .await?
                .0;
            let page = page.within(total);
            let mut sql = drivers_from(DRIVER_COLUMNS, account_id, filter, soon_until);
            let (limit, offset) = (
                sql.arg(Arg::I(page.limit())),
                sql.arg(Arg::I(page.offset())),
            );
            sql.push(&format!(
                " ORDER BY p.name, t.id LIMIT {limit} OFFSET {offset}"
            ));
            let rows: Vec<DriverRow> = sql.query_as().fetch_all(&self.pool).await?;
            let items = rows
                .into_iter()
                .map(DriverRow::into_driver)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn drivers_after(
        &self,
        account_id: i64,
        filter: DriverFilter,
        soon_until: Date,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<UnitDriver>> {
        port("unit_drivers_after", async {
            let mut sql = drivers_from(DRIVER_COLUMNS, account_id, filter, soon_until);
            let (after, limit) = (sql.arg(Arg::I(after_id)), sql.arg(Arg::I(limit)));
            sql.push(&format!(" AND t.id > {after} ORDER BY t.id LIMIT {limit}"));
            let rows: Vec<DriverRow> = sql.query_as().fetch_all(&self.pool).await?;
            rows.into_iter()
                .map(DriverRow::into_driver)
                .collect::<StoreResult<Vec<_>>>()
        })
        .await
    }

    async fn driver_counts(&self, account_id: i64, soon_until: Date) -> PortResult<DriverCounts> {
        port("unit_driver_counts", async {
            let (bound, expiring, points_full): (i64, i64, i64) = sqlx::query_as(
                "SELECT COUNT(*),
                   CAST(COALESCE(SUM(CASE WHEN l.valid_until <= $2 THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN l.points >= 12 OR l.status = 'B' THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM unit_drivers t JOIN driving_licences l ON l.id_number = t.id_number
                 WHERE t.account_id = $1",
            )
            .bind(account_id)
            .bind(soon_until.to_string())
            .fetch_one(&self.pool)
            .await?;
            Ok(DriverCounts {
                bound,
                expiring,
                points_full,
            })
        })
        .await
    }

    async fn bind_driver(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("bind_driver", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO unit_drivers (account_id, id_number, bound_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(account_id)
            .bind(id_number)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Ok(false);
            }
            let (unit, phone): (String, String) = sqlx::query_as(
                "SELECT a.display_name, p.phone FROM accounts a, persons p
                 WHERE a.id = $1 AND p.id_number = $2",
            )
            .bind(account_id)
            .bind(id_number)
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "unit_driver.bind",
                &format!("account:{account_id}"),
                &format!("driver licence {id_number}"),
            )
            .await?;
            let told = Sms::unit_driver_bound(&unit);
            let drivers = driver_accounts_in(&mut tx, id_number).await?;
            Store::message_in(&mut tx, &drivers, &told, "/account/licence", now).await?;
            Store::sms_in(&mut tx, &phone, &told, now).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn unbind_driver(&self, account_id: i64, tie_id: i64, actor: &Actor) -> PortResult<bool> {
        port(
            "unbind_driver",
            self.end_tie_in(tie_id, Side::Unit(account_id), actor),
        )
        .await
    }

    async fn ties_of_driver(&self, id_number: &str) -> PortResult<Vec<DriverTie>> {
        port("ties_of_driver", async {
            let rows: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT t.id, a.display_name, t.bound_at FROM unit_drivers t
                 JOIN accounts a ON a.id = t.account_id
                 WHERE t.id_number = $1 ORDER BY t.bound_at, t.id",
            )
            .bind(id_number)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, unit_name, bound_at_ms)| DriverTie {
                    id,
                    unit_name,
                    bound_at_ms,
                })
                .collect())
        })
        .await
    }

    async fn end_tie(&self, id_number: &str, tie_id: i64, actor: &Actor) -> PortResult<bool> {
        port(
            "end_tie",
            self.end_tie_in(tie_id, Side::Driver(id_number), actor),
        )
        .await
    }
}

/// Who ends a binding: the unit (by its account) or the driver (by the
/// licence number); each only its own.
#[derive(Clone, Copy)]
enum Side<'a> {
    Unit(i64),
    Driver(&'a str),
}

impl Store {
    /// Ends the binding if it is this side's; audits it, and tells the unit
    /// when the driver ended it. False when it is not this side's.
    async fn end_tie_in(&self, tie_id: i64, side: Side<'_>, actor: &Actor) -> StoreResult<bool> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let ended: Option<(i64, String)> = match side {
            Side::Unit(account_id) => {
                sqlx::query_as(
                    "DELETE FROM unit_drivers WHERE id = $1 AND account_id = $2 RETURNING account_id, id_number",
                )
                .bind(tie_id)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?
            }
            Side::Driver(id_number) => {
                sqlx::query_as(
                    "DELETE FROM unit_drivers WHERE id = $1 AND id_number = $2 RETURNING account_id, id_number",
                )
                .bind(tie_id)
                .bind(id_number)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let Some((unit, id_number)) = ended else {
            return Ok(false);
        };
        let by = match side {
            Side::Unit(_) => "the unit",
            Side::Driver(_) => "the driver",
        };
        self.audit_in(
            &mut tx,
            actor,
            "unit_driver.unbind",
            &format!("account:{unit}"),
            &format!("driver licence {id_number}, by {by}"),
        )
        .await?;
        if let Side::Driver(_) = side {
            let name: String = sqlx::query_scalar("SELECT name FROM persons WHERE id_number = $1")
                .bind(&id_number)
                .fetch_one(&mut *tx)
                .await?;
            Store::message_in(
                &mut tx,
                &[unit],
                &Sms::unit_driver_ended(&masked_name(&name)),
                "/unit/drivers",
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

/// The individual accounts of the licence holder (told in the message
/// centre too).
pub(super) async fn driver_accounts_in(
    tx: &mut super::Tx,
    id_number: &str,
) -> StoreResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM accounts WHERE kind = 'individual' AND id_number = $1")
            .bind(id_number)
            .fetch_all(&mut **tx)
            .await?,
    )
}
