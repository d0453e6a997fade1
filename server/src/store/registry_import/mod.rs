//! The registry import's SQL (登记数据导入): look-ups by natural key and
//! batched upserts, in one write transaction the import commits only when
//! the file had no problem.
//!
//! An upsert is one multi-row `INSERT … ON CONFLICT (key) DO UPDATE SET …
//! WHERE <a column IS DISTINCT FROM its new value>` per few hundred rows,
//! the same SQL on SQLite (3.39 and later read `IS DISTINCT FROM`) and
//! PostgreSQL; `RETURNING key` names the rows actually inserted or changed,
//! so an unchanged row is neither written nor counted.

use super::{Store, StoreError, StoreResult, Tx};
use crate::db::Backend;
use crate::import::{LicenceRecord, PersonRecord, VehicleRecord, ViolationRecord};
use app::domain::ViolationStatus;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// An open import: the write transaction and the instant it began.
pub struct RegistryImport {
    tx: Tx,
    backend: Backend,
    now_ms: i64,
}

/// A violation on record, as the import needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViolationOnRecord {
    pub status: ViolationStatus,
    /// Handled or paid on this platform (handled_at or paid_at set).
    pub settled_here: bool,
}

impl Store {
    /// Begins an import (on SQLite, takes the write lock).
    pub async fn begin_registry_import(&self) -> StoreResult<RegistryImport> {
        Ok(RegistryImport {
            tx: self.begin_write().await?,
            backend: self.backend,
            now_ms: self.clock.now_ms(),
        })
    }
}

/// A value bound into a batch.
enum Value {
    Int(i64),
    Text(String),
    NullText,
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<String>) -> Value {
    s.map(Value::Text).unwrap_or(Value::NullText)
}

/// Keys per look-up query: PostgreSQL pays per query (importing 100,000
/// vehicles on record again took 10 s at 100 keys a query, 5 s at 500,
/// 2.8 s at 5,000), SQLite hardly at all.
fn keys_per_query(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 500,
        Backend::Postgres => 5_000,
    }
}
/// Bound values per upsert statement. Through sqlx, SQLite's cost per row
/// grows with the statement's size (100,000 vehicles took 3.3 s of CPU at
/// 300 values a statement, 6.5 s at 3,000, 10 s at 6,000), so its
/// statements are short; PostgreSQL saves round trips with longer ones and
/// is level from 2,000 up. (The limits: 32,766 and 65,535.)
fn values_per_statement(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 300,
        Backend::Postgres => 2_000,
    }
}

/// One table's upsert: the key column first in `columns`.
struct Upsert {
    table: &'static str,
    columns: &'static [&'static str],
    /// Written on every change but never compared (e.g. updated_at).
    stamp: Option<&'static str>,
    /// A further condition on the row on record for it to be updated.
    guard: Option<&'static str>,
}

impl Upsert {
    fn sql(&self, rows: usize) -> String {
        let n = self.columns.len();
        let key = self.columns[0];
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..n {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", r * n + c + 1));
            }
            sql.push(')');
        }
        let others = || self.columns[1..].iter();
        let set: Vec<String> = others().map(|c| format!("{c} = excluded.{c}")).collect();
        let changed: Vec<String> = others()
            .filter(|c| Some(**c) != self.stamp)
            .map(|c| format!("{t}.{c} IS DISTINCT FROM excluded.{c}", t = self.table))
            .collect();
        sql.push_str(&format!(
            " ON CONFLICT ({key}) DO UPDATE SET {} WHERE ({})",
            set.join(", "),
            changed.join(" OR ")
        ));
        if let Some(guard) = self.guard {
            sql.push_str(&format!(" AND {guard}"));
        }
        sql.push_str(&format!(" RETURNING {key}"));
        sql
    }
}

/// PERSONS: id_number is the key; updated_at records the change.
const PERSONS: Upsert = Upsert {
    table: "persons",
    columns: &[
        "id_number",
        "name",
        "sex",
        "birth_date",
        "phone",
        "address",
        "updated_at",
    ],
    stamp: Some("updated_at"),
    guard: None,
};

const VEHICLES: Upsert = Upsert {
    table: "vehicles",
    columns: &[
        "vin",
        "plate",
        "vehicle_type",
        "brand",
        "colour",
        "owner_kind",
        "owner_id",
        "status",
        "registered_on",
        "inspection_due",
        "phone",
    ],
    stamp: None,
    guard: None,
};

const LICENCES: Upsert = Upsert {
    table: "driving_licences",
    columns: &[
        "id_number",
        "class",
        "first_issued",
        "valid_from",
        "valid_until",
        "points",
        "cycle_ends",
        "status",
        "review_due",
        "physical_due",
        "issuing_authority",
    ],
    stamp: None,
    guard: None,
};

/// How far a status has come, in SQL (as `import::violations::stage`).
macro_rules! stage_sql {
    ($col:literal) => {
        concat!(
            "(CASE ",
            $col,
            " WHEN 'unhandled' THEN 0 WHEN 'handled_unpaid' THEN 1 ELSE 2 END)"
        )
    };
}

const VIOLATIONS: Upsert = Upsert {
    table: "violations",
    columns: &[
        "record_no",
        "vehicle_id",
        "plate",
        "occurred_at",
        "place",
        "recorded_province",
        "code",
        "description",
        "fine_yuan",
        "points",
        "status",
        "source",
        "decided_on",
        "decision_no",
    ],
    stamp: None,
    // The import decides conflicts before it writes; this keeps the rule
    // even if a payment lands in between: what was handled or paid here
    // never goes back a stage.
    guard: Some(concat!(
        "NOT ((violations.handled_at IS NOT NULL OR violations.paid_at IS NOT NULL) AND ",
        stage_sql!("excluded.status"),
        " < ",
        stage_sql!("violations.status"),
        ")"
    )),
};

impl RegistryImport {
    /// The instant the import began (the store's clock).
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The import's audit record (审计日志), written by the command line
    /// (no account).
    pub async fn audit(&mut self, subject: &str, detail: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip)
             VALUES ($1, NULL, 'registry.import', $2, $3, 'command line')",
        )
        .bind(self.now_ms)
        .bind(subject.to_string())
        .bind(detail.to_string())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Rows of `SELECT {columns} FROM {from} WHERE {key} IN (…)` over all
    /// keys, a few hundred at a time.
    async fn look_up(
        &mut self,
        select: &str,
        key: &str,
        keys: &[&str],
    ) -> StoreResult<Vec<AnyRow>> {
        let mut out = Vec::new();
        let unique: Vec<&str> = {
            let mut seen = HashSet::new();
            keys.iter().copied().filter(|k| seen.insert(*k)).collect()
        };
        for chunk in unique.chunks(keys_per_query(self.backend)) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("{select} WHERE {key} IN ({})", marks.join(", "));
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(k.to_string());
            }
            out.extend(q.fetch_all(&mut *self.tx).await?);
        }
        Ok(out)
    }

    async fn keys_on_record(
        &mut self,
        table: &str,
        key: &str,
        keys: &[&str],
    ) -> StoreResult<HashSet<String>> {
        let rows = self
            .look_up(&format!("SELECT {key} FROM {table}"), key, keys)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
            .collect()
    }

    /// Which of these ID numbers are persons on record.
    pub async fn persons_on_record(&mut self, ids: &[&str]) -> StoreResult<HashSet<String>> {
        self.keys_on_record("persons", "id_number", ids).await
    }

    /// Which of these VINs are vehicles on record.
    pub async fn vehicles_on_record(&mut self, vins: &[&str]) -> StoreResult<HashSet<String>> {
        self.keys_on_record("vehicles", "vin", vins).await
    }

    /// Which of these ID numbers hold a licence on record.
    pub async fn licences_on_record(&mut self, ids: &[&str]) -> StoreResult<HashSet<String>> {
        self.keys_on_record("driving_licences", "id_number", ids)
            .await
    }

    /// The vehicles holding these plates: plate → (id, VIN).
    pub async fn vehicles_by_plate(
        &mut self,
        plates: &[&str],
    ) -> StoreResult<HashMap<String, (i64, String)>> {
        let rows = self
            .look_up("SELECT plate, id, vin FROM vehicles", "plate", plates)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("plate")?, (r.try_get("id")?, r.try_get("vin")?))))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The violations on record with these record numbers.
    pub async fn violations_on_record(
        &mut self,
        numbers: &[&str],
    ) -> StoreResult<HashMap<String, ViolationOnRecord>> {
        let rows = self
            .look_up(
                "SELECT record_no, status, handled_at, paid_at FROM violations",
                "record_no",
                numbers,
            )
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in rows {
            let status: String = r.try_get("status")?;
            let status = ViolationStatus::from_code(&status)
                .ok_or_else(|| StoreError::BadValue(format!("violation status {status:?}")))?;
            let handled: Option<i64> = r.try_get("handled_at")?;
            let paid: Option<i64> = r.try_get("paid_at")?;
            out.insert(
                r.try_get("record_no")?,
                ViolationOnRecord {
                    status,
                    settled_here: handled.is_some() || paid.is_some(),
                },
            );
        }
        Ok(out)
    }

    /// Takes the plates off these vehicles (before a file moves them).
    pub async fn clear_plates(&mut self, vins: &[&str]) -> StoreResult<()> {
        for vin in vins {
            sqlx::query("UPDATE vehicles SET plate = NULL WHERE vin = $1")
                .bind(vin.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn upsert(
        &mut self,
        spec: &Upsert,
        rows: Vec<Vec<Value>>,
    ) -> StoreResult<HashSet<String>> {
        let per = (values_per_statement(self.backend) / spec.columns.len()).max(1);
        let mut written = HashSet::new();
        for chunk in rows.chunks(per) {
            let sql = spec.sql(chunk.len());
            let mut q = sqlx::query(&sql);
            for row in chunk {
                debug_assert_eq!(row.len(), spec.columns.len());
                for v in row {
                    q = match v {
                        Value::Int(i) => q.bind(*i),
                        Value::Text(s) => q.bind(s.clone()),
                        Value::NullText => q.bind(None::<String>),
                    };
                }
            }
            for r in q.fetch_all(&mut *self.tx).await? {
                written.insert(r.try_get::<String, _>(0)?);
            }
        }
        Ok(written)
    }

    /// Adds or updates persons; answers the ID numbers written.
    pub async fn upsert_persons(&mut self, rows: &[&PersonRecord]) -> StoreResult<HashSet<String>> {
        let now = self.now_ms;
        let values = rows
            .iter()
            .map(|p| {
                vec![
                    text(p.id.as_str()),
                    text(p.name.as_str()),
                    text(p.id.sex().zh()),
                    text(p.id.birth_date().to_iso()),
                    text(p.phone.as_str()),
                    text(&p.address),
                    Value::Int(now),
                ]
            })
            .collect();
        self.upsert(&PERSONS, values).await
    }

    /// Adds or updates vehicles; answers the VINs written.
    pub async fn upsert_vehicles(
        &mut self,
        rows: &[&VehicleRecord],
    ) -> StoreResult<HashSet<String>> {
        let values = rows
            .iter()
            .map(|v| {
                vec![
                    text(v.vin.as_str()),
                    opt_text(v.plate.as_ref().map(|p| p.as_str().to_string())),
                    text(v.vehicle_type.code()),
                    text(&v.brand),
                    text(&v.colour),
                    text(v.owner.kind_code()),
                    text(v.owner.id()),
                    text(v.status.code()),
                    opt_text(v.registered_on.map(|d| d.to_iso())),
                    opt_text(v.inspection_due.map(|d| d.to_iso())),
                    text(v.phone.as_str()),
                ]
            })
            .collect();
        self.upsert(&VEHICLES, values).await
    }

    /// Adds or updates licences; answers the ID numbers written.
    pub async fn upsert_licences(
        &mut self,
        rows: &[&LicenceRecord],
    ) -> StoreResult<HashSet<String>> {
        let values = rows
            .iter()
            .map(|l| {
                vec![
                    text(l.id.as_str()),
                    text(l.class.code()),
                    text(l.first_issued.to_iso()),
                    text(l.valid_from.to_iso()),
                    text(l.valid_until.to_iso()),
                    Value::Int(l.points),
                    text(l.cycle_ends.to_iso()),
                    text(l.status.code()),
                    opt_text(l.review_due.map(|d| d.to_iso())),
                    opt_text(l.physical_due.map(|d| d.to_iso())),
                    text(&l.issuing_authority),
                ]
            })
            .collect();
        self.upsert(&LICENCES, values).await
    }

    /// Adds or updates violations, each with its vehicle's id; answers the
    /// record numbers written.
    pub async fn upsert_violations(
        &mut self,
        rows: &[(i64, &ViolationRecord)],
    ) -> StoreResult<HashSet<String>> {
        let values = rows
            .iter()
            .map(|(vehicle_id, v)| {
                vec![
                    text(&v.record_no),
                    Value::Int(*vehicle_id),
                    text(v.plate.as_str()),
                    Value::Int(v.occurred_at),
                    text(&v.place),
                    text(&v.province),
                    text(&v.code),
                    text(&v.description),
                    Value::Int(v.fine_yuan),
                    Value::Int(v.points),
                    text(v.status.code()),
                    text("surveillance"),
                    opt_text(v.decided_on.map(|d| d.to_iso())),
                    opt_text(v.decision_no.clone()),
                ]
            })
            .collect();
        self.upsert(&VIOLATIONS, values).await
    }
}

#[cfg(test)]
mod tests;
