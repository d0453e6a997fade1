//! The upsert statements as each backend gets them.

use super::*;

#[test]
fn the_upsert_compares_every_column_but_the_stamp() {
    let sql = PERSONS.sql(2);
    assert!(sql.starts_with("INSERT INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7), ($8, "));
    assert!(sql.contains("ON CONFLICT (id_number) DO UPDATE SET name = excluded.name,"));
    assert!(sql.contains(
        "updated_at = excluded.updated_at WHERE (persons.name IS DISTINCT FROM excluded.name OR "
    ));
    assert!(!sql.contains("persons.updated_at IS DISTINCT"));
    assert!(sql.ends_with("persons.address IS DISTINCT FROM excluded.address) RETURNING id_number"));
    let sql = VIOLATIONS.sql(1);
    assert!(sql.contains(") AND NOT ((violations.handled_at IS NOT NULL OR violations.paid_at IS NOT NULL) AND (CASE excluded.status WHEN"));
}
