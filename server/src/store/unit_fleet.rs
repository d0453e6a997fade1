//! The unit dashboard's fleet (单位车辆) in the store: the vehicles
//! registered to a unit's code with their binding and violation counts, the
//! violations of the vehicles it has bound, and binding many at once. The
//! searches are built from fixed SQL pieces; every value is a parameter.

mod rows;

use super::query_builder::{chunk_after, search_page, Arg, Sql};
use super::{port, Store};
use app::domain::fleet::small_vehicle_types;
use app::domain::{Date, ViolationStatus};
use app::features::paging::{ListPage, PageRequest};
use app::features::units::{
    FleetBinding, FleetCounts, FleetQuery, FleetSort, FleetVehicle, FleetViolation,
    FleetViolationQuery, PointsFilter,
};
use app::ports::*;
use async_trait::async_trait;
use rows::{VehicleRow, ViolationRow};

/// A vehicle's violations not handled, or handled with the fine not paid
/// (the index `violations (vehicle_id, status)` answers it).
const OUTSTANDING: &str = "(SELECT COUNT(*) FROM violations x WHERE x.vehicle_id = v.id
    AND (x.status = 'unhandled' OR (x.status = 'handled_unpaid' AND x.fine_yuan > 0)))";

/// The unit's vehicles with their binding, filtered (no order, no limit):
/// `SELECT <columns> FROM … WHERE …`; the account is always `$1`.
fn vehicles_from(
    columns: &str,
    account_id: i64,
    code: &str,
    query: &FleetQuery,
    inspection_until: Date,
) -> Sql {
    let mut sql = Sql::default();
    let account = sql.arg(Arg::I(account_id));
    let owner = sql.arg(Arg::S(code.to_string()));
    sql.push(&format!(
        "SELECT {columns}
         FROM vehicles v
         LEFT JOIN vehicle_bindings b ON b.vehicle_id = v.id AND b.account_id = {account}
         WHERE v.owner_kind = 'organisation' AND v.owner_id = {owner}"
    ));
    if !query.plate.is_empty() {
        let like = sql.arg(Arg::S(format!("%{}%", query.plate)));
        sql.push(&format!(" AND v.plate LIKE {like}"));
    }
    match query.binding {
        FleetBinding::All => {}
        FleetBinding::Bound => sql.push(" AND b.vehicle_id IS NOT NULL"),
        FleetBinding::Unbound => sql.push(" AND b.vehicle_id IS NULL"),
    }
    if query.inspection_soon {
        let until = sql.arg(Arg::S(inspection_until.to_string()));
        sql.push(&format!(" AND v.inspection_due <= {until}"));
    }
    if query.with_violations {
        sql.push(&format!(" AND {OUTSTANDING} > 0"));
    }
    sql
}

const VEHICLE_COLUMNS: &str =
    "v.id, v.plate, v.vehicle_type, v.brand, v.colour, v.status, v.inspection_due,
    CASE WHEN b.vehicle_id IS NULL THEN 0 ELSE 1 END AS bound,
    (SELECT COUNT(*) FROM violations x WHERE x.vehicle_id = v.id AND x.status = 'unhandled') AS unhandled,
    (SELECT COUNT(*) FROM violations x WHERE x.vehicle_id = v.id AND x.status = 'handled_unpaid'
        AND x.fine_yuan > 0) AS unpaid";

/// A page of vehicles, read by id after the page's ids were picked (the
/// counts are read for those 50 only).
fn vehicles_by_id() -> String {
    format!(
        "SELECT {VEHICLE_COLUMNS} FROM vehicles v
         LEFT JOIN vehicle_bindings b ON b.vehicle_id = v.id AND b.account_id = $1
         WHERE v.id IN"
    )
}

fn vehicle_order(sort: FleetSort) -> String {
    let by_plate = "CASE WHEN v.plate IS NULL THEN 1 ELSE 0 END, v.plate, v.id";
    match sort {
        FleetSort::Plate => format!(" ORDER BY {by_plate}"),
        FleetSort::InspectionDue => format!(
            " ORDER BY CASE WHEN v.inspection_due IS NULL THEN 1 ELSE 0 END, v.inspection_due, {by_plate}"
        ),
        FleetSort::Violations => format!(" ORDER BY {OUTSTANDING} DESC, {by_plate}"),
    }
}

/// The violations of the account's bound vehicles, filtered; read in time
/// order from `violations (occurred_at)`, so a page stops early.
fn violations_from(columns: &str, account_id: i64, query: &FleetViolationQuery) -> Sql {
    let mut sql = Sql::default();
    let account = sql.arg(Arg::I(account_id));
    // The vehicle's type only where a row is read in full.
    let vehicle = if columns.contains("v.") {
        "JOIN vehicles v ON v.id = x.vehicle_id"
    } else {
        ""
    };
    sql.push(&format!(
        "SELECT {columns}
         FROM violations x
         {vehicle}
         WHERE x.vehicle_id IN (SELECT b.vehicle_id FROM vehicle_bindings b WHERE b.account_id = {account})"
    ));
    if !query.plate.is_empty() {
        let like = sql.arg(Arg::S(format!("%{}%", query.plate)));
        sql.push(&format!(" AND x.plate LIKE {like}"));
    }
    // As `ViolationStatus::with_fine` reads the recorded status.
    sql.push(match query.status {
        None => "",
        Some(ViolationStatus::Unhandled) => " AND x.status = 'unhandled'",
        Some(ViolationStatus::HandledUnpaid) => {
            " AND x.status = 'handled_unpaid' AND x.fine_yuan > 0"
        }
        Some(ViolationStatus::Paid) => " AND x.status = 'paid' AND x.fine_yuan > 0",
        Some(ViolationStatus::Done) => {
            " AND (x.status = 'done' OR (x.status IN ('handled_unpaid', 'paid') AND x.fine_yuan = 0))"
        }
    });
    sql.push(match query.points {
        PointsFilter::Any => "",
        PointsFilter::With => " AND x.points > 0",
        PointsFilter::Without => " AND x.points = 0",
    });
    sql
}

/// The condition on `vehicles v` of the vehicles a bind takes: the unit's,
/// with a plate, not bound to the account yet, of those named.
fn bindable(sql: &mut Sql, account_id: i64, code: &str, selection: Selection<'_>) -> String {
    let (account, owner) = (
        sql.arg(Arg::I(account_id)),
        sql.arg(Arg::S(code.to_string())),
    );
    let mut which = format!(
        "v.owner_kind = 'organisation' AND v.owner_id = {owner} AND v.plate IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM vehicle_bindings b
                         WHERE b.account_id = {account} AND b.vehicle_id = v.id)"
    );
    if let Selection::These(ids) = selection {
        which.push_str(&format!(" AND v.id IN {}", sql.id_list(ids)));
    }
    which
}

const VIOLATION_COLUMNS: &str =
    "x.id, x.plate, v.vehicle_type, x.occurred_at, x.place, x.recorded_province,
    x.code, x.description, x.fine_yuan, x.points, x.status, x.decision_no";

/// The plates named in an audit entry of a bind or unbind (the first 20).
const AUDIT_PLATES: usize = 20;

fn plates_detail(verb: &str, plates: &[String]) -> String {
    let shown: Vec<&str> = plates
        .iter()
        .take(AUDIT_PLATES)
        .map(String::as_str)
        .collect();
    let more = plates.len().saturating_sub(AUDIT_PLATES);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "{verb} {} unit vehicles: {}{tail}",
        plates.len(),
        shown.join(" ")
    )
}

#[async_trait]
impl UnitFleet for Store {
    async fn fleet_counts(
        &self,
        account_id: i64,
        credit_code: &str,
        inspection_until: Date,
        home_province: &str,
    ) -> PortResult<FleetCounts> {
        port("fleet_counts", async {
            let (registered, bound, bindable, inspections_soon): (i64, i64, i64, i64) =
                sqlx::query_as(
                    "SELECT COUNT(*),
                       CAST(COALESCE(SUM(CASE WHEN b.vehicle_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT),
                       CAST(COALESCE(SUM(CASE WHEN b.vehicle_id IS NULL AND v.plate IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT),
                       CAST(COALESCE(SUM(CASE WHEN b.vehicle_id IS NOT NULL AND v.inspection_due <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT)
                     FROM vehicles v
                     LEFT JOIN vehicle_bindings b ON b.vehicle_id = v.id AND b.account_id = $1
                     WHERE v.owner_kind = 'organisation' AND v.owner_id = $2",
                )
                .bind(account_id)
                .bind(credit_code)
                .bind(inspection_until.to_string())
                .fetch_one(&self.pool)
                .await?;
            // The small vehicle types, as parameters after the account and
            // the province.
            let mut counts = Sql::default();
            let (account, home) = (
                counts.arg(Arg::I(account_id)),
                counts.arg(Arg::S(home_province.to_string())),
            );
            let small: Vec<String> = small_vehicle_types()
                .iter()
                .map(|t| counts.arg(Arg::S(t.code().to_string())))
                .collect();
            let small = small.join(", ");
            counts.push(&format!(
                "SELECT
                   CAST(COALESCE(SUM(CASE WHEN x.status = 'unhandled' THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN x.status = 'unhandled' AND x.points > 0 THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN x.status = 'unhandled' AND x.points = 0 AND x.recorded_province = {home}
                                           AND v.vehicle_type IN ({small}) THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN x.status = 'handled_unpaid' AND x.fine_yuan > 0 THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN x.status = 'handled_unpaid' THEN x.fine_yuan ELSE 0 END), 0) AS BIGINT)
                 FROM vehicle_bindings b
                 JOIN vehicles v ON v.id = b.vehicle_id
                 JOIN violations x ON x.vehicle_id = b.vehicle_id
                 WHERE b.account_id = {account} AND x.status IN ('unhandled', 'handled_unpaid')"
            ));
            let (unhandled, with_points, online, fines_due, fines_due_yuan): (i64, i64, i64, i64, i64) =
                counts.query_as().fetch_one(&self.pool).await?;
            Ok(FleetCounts {
                registered,
                bound,
                bindable,
                violations_unhandled: unhandled,
                violations_with_points: with_points,
                violations_online: online,
                fines_due,
                fines_due_yuan,
                inspections_soon,
            })
        })
        .await
    }

    async fn fleet_vehicles(
        &self,
        account_id: i64,
        credit_code: &str,
        query: &FleetQuery,
        inspection_until: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetVehicle>> {
        port("fleet_vehicles", async {
            let count = vehicles_from("COUNT(*)", account_id, credit_code, query, inspection_until);
            let ids = vehicles_from("v.id", account_id, credit_code, query, inspection_until);
            let order = vehicle_order(query.sort);
            let outer = vehicles_by_id();
            search_page(
                &self.pool,
                count,
                ids,
                &outer,
                &order,
                page,
                VehicleRow::into_vehicle,
            )
            .await
        })
        .await
    }

    async fn fleet_vehicles_after(
        &self,
        account_id: i64,
        credit_code: &str,
        query: &FleetQuery,
        inspection_until: Date,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<FleetVehicle>> {
        port("fleet_vehicles_after", async {
            let sql = vehicles_from(
                VEHICLE_COLUMNS,
                account_id,
                credit_code,
                query,
                inspection_until,
            );
            chunk_after(
                &self.pool,
                sql,
                "v.id",
                after_id,
                limit,
                VehicleRow::into_vehicle,
            )
            .await
        })
        .await
    }

    async fn bind_fleet(
        &self,
        account_id: i64,
        credit_code: &str,
        selection: Selection<'_>,
        actor: &Actor,
    ) -> PortResult<usize> {
        port("bind_fleet", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            self.lock_keys(&mut tx, &[&format!("unit-fleet:{account_id}")])
                .await?;
            let mut plates = Sql::default();
            let which = bindable(&mut plates, account_id, credit_code, selection);
            plates.push(&format!(
                "SELECT v.plate FROM vehicles v WHERE {which} ORDER BY v.plate"
            ));
            let named: Vec<String> = plates
                .query_as::<(String,)>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(p,)| p)
                .collect();
            if named.is_empty() {
                return Ok(0);
            }
            let mut insert = Sql::default();
            let (account, at) = (insert.arg(Arg::I(account_id)), insert.arg(Arg::I(now)));
            let which = bindable(&mut insert, account_id, credit_code, selection);
            insert.push(&format!(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at)
                 SELECT CAST({account} AS BIGINT), v.id, 1, NULL, CAST({at} AS BIGINT)
                 FROM vehicles v WHERE {which}
                 ON CONFLICT DO NOTHING"
            ));
            let bound = insert.query().execute(&mut *tx).await?.rows_affected() as usize;
            self.audit_in(
                &mut tx,
                actor,
                "vehicle.bind",
                &format!("account:{account_id}"),
                &plates_detail("bound", &named),
            )
            .await?;
            tx.commit().await?;
            Ok(bound)
        })
        .await
    }

    async fn unbind_fleet(
        &self,
        account_id: i64,
        vehicle_ids: &[i64],
        actor: &Actor,
    ) -> PortResult<usize> {
        port("unbind_fleet", async {
            let mut tx = self.begin_write().await?;
            self.lock_keys(&mut tx, &[&format!("unit-fleet:{account_id}")])
                .await?;
            let mut which = Sql::default();
            let account = which.arg(Arg::I(account_id));
            let list = which.id_list(vehicle_ids);
            which.text = format!(
                "SELECT COALESCE(v.plate, '') FROM vehicle_bindings b JOIN vehicles v ON v.id = b.vehicle_id
                 WHERE b.account_id = {account} AND b.vehicle_id IN {list} ORDER BY v.plate"
            );
            let plates: Vec<String> = which.query_as::<(String,)>().fetch_all(&mut *tx).await?
                .into_iter()
                .map(|(p,)| p)
                .collect();
            if plates.is_empty() {
                return Ok(0);
            }
            which.text = format!(
                "DELETE FROM vehicle_bindings WHERE account_id = {account} AND vehicle_id IN {list}"
            );
            let removed = which.query().execute(&mut *tx).await?.rows_affected() as usize;
            self.audit_in(
                &mut tx,
                actor,
                "vehicle.unbind",
                &format!("account:{account_id}"),
                &plates_detail("unbound", &plates),
            )
            .await?;
            tx.commit().await?;
            Ok(removed)
        })
        .await
    }

    async fn fleet_violations(
        &self,
        account_id: i64,
        query: &FleetViolationQuery,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetViolation>> {
        port("fleet_violations", async {
            let count = violations_from("COUNT(*)", account_id, query);
            let ids = violations_from("x.id", account_id, query);
            let order = if query.oldest_first {
                " ORDER BY x.occurred_at, x.id"
            } else {
                " ORDER BY x.occurred_at DESC, x.id DESC"
            };
            let outer = format!(
                "SELECT {VIOLATION_COLUMNS} FROM violations x JOIN vehicles v ON v.id = x.vehicle_id
                 WHERE x.id IN"
            );
            search_page(
                &self.pool,
                count,
                ids,
                &outer,
                order,
                page,
                ViolationRow::into_violation,
            )
            .await
        })
        .await
    }

    async fn fleet_violations_after(
        &self,
        account_id: i64,
        query: &FleetViolationQuery,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<FleetViolation>> {
        port("fleet_violations_after", async {
            let sql = violations_from(VIOLATION_COLUMNS, account_id, query);
            chunk_after(
                &self.pool,
                sql,
                "x.id",
                after_id,
                limit,
                ViolationRow::into_violation,
            )
            .await
        })
        .await
    }
}
