//! What the owners hold (业主的数据), row by row, so that the calls of
//! people who do not own it can be shown to have changed nothing: every
//! row of every table that holds an owner's object, read before and after.

use super::setup::Objects;
use crate::helpers::*;
use sqlx::{Column, Row};

/// Table → its rows, each as text.
pub type Snapshot = Vec<(String, Vec<String>)>;

/// One column as text, whatever its type on either database.
fn cell(row: &sqlx::any::AnyRow, i: usize) -> String {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return format!("{:?}", v.map(|b| b.len()));
    }
    "?".into()
}

/// The queries, one per table holding an owner's object (`{owners}` is
/// the owners' account ids).
fn queries(o: &Objects) -> Vec<(&'static str, String)> {
    let owners = o
        .owners
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let vin = &o.new_car_vin;
    vec![
        ("staff accounts", "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'staff' ORDER BY id".to_string()),
        ("accounts", format!("SELECT id, phone, password_hash, disabled_at, channel, display_name FROM accounts WHERE id IN ({owners}) ORDER BY id")),
        ("vehicles", format!("SELECT * FROM vehicles WHERE id = {} OR vin = '{vin}' ORDER BY id", o.car)),
        ("persons", format!("SELECT * FROM persons WHERE id_number = '{}'", o.owner_id_number)),
        ("vehicle_bindings", format!("SELECT * FROM vehicle_bindings WHERE account_id IN ({owners}) OR vehicle_id = {} ORDER BY id", o.car)),
        ("licence_bindings", format!("SELECT * FROM licence_bindings WHERE account_id IN ({owners}) ORDER BY account_id")),
        ("violations", format!("SELECT * FROM violations WHERE vehicle_id = {} ORDER BY id", o.car)),
        ("fine_payments", format!("SELECT * FROM fine_payments WHERE account_id IN ({owners}) OR violation_id IN (SELECT id FROM violations WHERE vehicle_id = {}) ORDER BY id", o.car)),
        ("fine_refunds", format!("SELECT * FROM fine_refunds WHERE payment_id = {}", o.payment_id)),
        ("messages", format!("SELECT * FROM messages WHERE account_id IN ({owners}) ORDER BY id")),
        ("applications", format!("SELECT * FROM applications WHERE account_id IN ({owners}) ORDER BY id")),
        ("application_events", format!("SELECT * FROM application_events WHERE application_id IN (SELECT id FROM applications WHERE account_id IN ({owners})) ORDER BY id")),
        ("application_drafts", format!("SELECT * FROM application_drafts WHERE account_id IN ({owners}) OR id IN ({}, {}) ORDER BY id", o.draft, o.spare_draft)),
        ("blacklist", format!("SELECT * FROM blacklist WHERE account_id IN ({owners}) ORDER BY id")),
        ("blacklist_appeals", format!("SELECT * FROM blacklist_appeals WHERE account_id IN ({owners}) OR entry_id = {} ORDER BY id", o.blacklist_entry)),
        ("licence_photos", format!("SELECT id_number, account_id, mime, width, height, sha256, uploaded_at FROM licence_photos WHERE account_id IN ({owners}) OR id_number = '{}'", o.owner_id_number)),
        ("plate_batches", format!("SELECT * FROM plate_batches WHERE account_id IN ({owners}) OR vin = '{vin}' ORDER BY id")),
        ("plate_pool", format!("SELECT * FROM plate_pool WHERE vin = '{vin}' OR batch_id = {} ORDER BY plate", o.batch)),
        ("plate_selections", format!("SELECT * FROM plate_selections WHERE account_id IN ({owners}) OR vin = '{vin}'")),
        ("exam_bookings", format!("SELECT * FROM exam_bookings WHERE account_id IN ({owners}) OR session_id = {} ORDER BY id", o.session)),
        ("exam_sessions", format!("SELECT * FROM exam_sessions WHERE id = {}", o.session)),
    ]
}

/// Reads every owner's row now.
pub async fn take(app: &TestApp, o: &Objects) -> Snapshot {
    let mut snapshot = Vec::new();
    for (table, sql) in queries(o) {
        let rows = sqlx::query(&sql)
            .fetch_all(&app.platform.store.pool)
            .await
            .unwrap_or_else(|e| panic!("{app}: {sql}: {e}"));
        let rows = rows
            .iter()
            .map(|row| {
                (0..row.columns().len())
                    .map(|i| format!("{}={}", row.column(i).name(), cell(row, i)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        snapshot.push((table.to_string(), rows));
    }
    snapshot
}

/// The tables whose rows differ, with the rows before and after.
pub fn changes(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((table, a), (_, b))| {
            let gone: Vec<_> = a.iter().filter(|r| !b.contains(r)).collect();
            let new: Vec<_> = b.iter().filter(|r| !a.contains(r)).collect();
            format!(
                "{table}: {} → {} rows; before {gone:?}; after {new:?}",
                a.len(),
                b.len()
            )
        })
        .collect()
}
