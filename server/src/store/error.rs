//! The store's errors: database failures keep their source; violations of
//! a uniqueness constraint carry the constraint's canonical name (the same
//! on both backends), so callers can tell which rule refused the change.
//!
//! PostgreSQL reports the constraint's name; SQLite only
//! `UNIQUE constraint failed: table.column[, table.column]`, so the table
//! below maps both to one name from [`app::port_error::constraint`].

use app::port_error::constraint as c;
use app::ports::PortError;

/// What the store reports to its port implementations.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the change (canonical name).
    #[error("constraint {0} refused the change")]
    Conflict(&'static str),
    /// The database failed (connection, SQL, a row that did not decode).
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
    /// A stored value that is no domain value (an unknown code, a bad date).
    #[error("bad stored value: {0}")]
    BadValue(String),
    /// A grouped write's shared commit failed, or its turn did not run
    /// (`group_commit`): none of its changes stayed.
    #[error("grouped write: {0}")]
    Group(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Each constraint: canonical name, the PostgreSQL names, and the columns
/// SQLite names for it.
const CONSTRAINTS: &[(&str, &[&str], &str)] = &[
    (
        c::ACCOUNT_ID_NUMBER,
        &[c::ACCOUNT_ID_NUMBER],
        "accounts.id_number",
    ),
    (
        c::ACCOUNT_CREDIT_CODE,
        &[c::ACCOUNT_CREDIT_CODE],
        "accounts.credit_code",
    ),
    (
        c::ACCOUNT_STAFF_USERNAME,
        &[c::ACCOUNT_STAFF_USERNAME],
        "accounts.staff_username",
    ),
    (c::PERSON, &[c::PERSON], "persons.id_number"),
    (c::REFUND_ONCE, &[c::REFUND_ONCE], "fine_refunds.payment_id"),
    (
        c::WINDOW_CODE,
        &[c::WINDOW_CODE],
        "registration_windows.code",
    ),
    (
        c::PLATE_SERIES_WITHHELD,
        &[c::PLATE_SERIES_WITHHELD],
        "plate_withheld_series.city, plate_withheld_series.series",
    ),
    (
        c::APPEAL_ONE_WAITING,
        &[c::APPEAL_ONE_WAITING],
        "blacklist_appeals.entry_id",
    ),
    (c::VEHICLE_PLATE, &[c::VEHICLE_PLATE], "vehicles.plate"),
    (c::VEHICLE_VIN, &[c::VEHICLE_VIN], "vehicles.vin"),
    (
        c::VEHICLE_BINDING_ONCE,
        &[c::VEHICLE_BINDING_ONCE],
        "vehicle_bindings.account_id, vehicle_bindings.vehicle_id",
    ),
    (
        c::VEHICLE_BINDING_SLOT,
        &[c::VEHICLE_BINDING_SLOT],
        "vehicle_bindings.account_id, vehicle_bindings.non_own_slot",
    ),
    (
        c::LICENCE_BINDING_ACCOUNT,
        &[c::LICENCE_BINDING_ACCOUNT],
        "licence_bindings.account_id",
    ),
    (
        c::LICENCE_BINDING_LICENCE,
        &[c::LICENCE_BINDING_LICENCE],
        "licence_bindings.id_number",
    ),
    (
        c::PAYMENT_ORDER_NO,
        &[c::PAYMENT_ORDER_NO],
        "fine_payments.order_no",
    ),
    (
        c::PAYMENT_RECEIPT_NO,
        &[c::PAYMENT_RECEIPT_NO],
        "fine_payments.receipt_no",
    ),
    (
        c::PAYMENT_PER_VIOLATION,
        &["fine_payments_one_open", "fine_payments_one_paid"],
        "fine_payments.violation_id",
    ),
    (
        c::APPLICATION_NO,
        &[c::APPLICATION_NO],
        "applications.application_no",
    ),
    (
        c::BLACKLIST_PER_APPLICATION,
        &[c::BLACKLIST_PER_APPLICATION],
        "blacklist.application_id",
    ),
    (c::PLATE_IN_POOL, &[c::PLATE_IN_POOL], "plate_pool.plate"),
    (
        c::PLATE_ONE_PER_VIN,
        &[c::PLATE_ONE_PER_VIN],
        "plate_pool.vin",
    ),
    (
        c::PLATE_BATCH_SLOT,
        &[c::PLATE_BATCH_SLOT],
        "plate_batches.vin, plate_batches.seq",
    ),
    (
        c::PLATE_SELECTION_VIN,
        &[c::PLATE_SELECTION_VIN],
        "plate_selections.vin",
    ),
    (
        c::PLATE_SELECTION_PLATE,
        &[c::PLATE_SELECTION_PLATE],
        "plate_selections.plate",
    ),
    (
        c::EXAM_BOOKING_OPEN,
        &[c::EXAM_BOOKING_OPEN],
        "exam_bookings.id_number, exam_bookings.subject",
    ),
    (
        c::UNIT_SERVICE,
        &[c::UNIT_SERVICE],
        "unit_special_services.account_id, unit_special_services.service",
    ),
    (
        c::LICENCE_PHOTO,
        &[c::LICENCE_PHOTO],
        "licence_photos.id_number",
    ),
    (c::SESSION_TOKEN, &[c::SESSION_TOKEN], "sessions.token_hash"),
    (
        c::LEARNER_ENTRY_ONCE,
        &[c::LEARNER_ENTRY_ONCE],
        "learner_entries.school_account_id, learner_entries.id_number",
    ),
    (
        c::TEMPORARY_PLATE_AWAITING,
        &[c::TEMPORARY_PLATE_AWAITING],
        "temporary_plates.vin",
    ),
];

/// The canonical name of a violated uniqueness constraint, from what the
/// database reported: PostgreSQL's constraint name, or SQLite's message.
pub fn canonical_constraint(postgres_name: Option<&str>, message: &str) -> Option<&'static str> {
    if let Some(name) = postgres_name {
        return CONSTRAINTS
            .iter()
            .find(|(_, names, _)| names.contains(&name))
            .map(|(canonical, _, _)| *canonical);
    }
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?.trim();
    CONSTRAINTS
        .iter()
        .find(|(_, _, sqlite)| *sqlite == columns)
        .map(|(canonical, _, _)| *canonical)
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                if let Some(name) = canonical_constraint(db.constraint(), db.message()) {
                    return StoreError::Conflict(name);
                }
            }
        }
        StoreError::Database(err)
    }
}

impl StoreError {
    /// The port's error, saying what was being done.
    pub fn into_port(self, context: &str) -> PortError {
        match self {
            StoreError::Conflict(name) => PortError::Conflict(name),
            other => PortError::internal(context, other),
        }
    }
}

impl From<StoreError> for PortError {
    fn from(err: StoreError) -> PortError {
        err.into_port("store")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_report_one_name() {
        assert_eq!(
            canonical_constraint(Some("accounts_id_number_key"), "duplicate key value"),
            Some(c::ACCOUNT_ID_NUMBER)
        );
        assert_eq!(
            canonical_constraint(None, "UNIQUE constraint failed: accounts.id_number"),
            Some(c::ACCOUNT_ID_NUMBER)
        );
        assert_eq!(
            canonical_constraint(
                None,
                "UNIQUE constraint failed: vehicle_bindings.account_id, vehicle_bindings.non_own_slot"
            ),
            Some(c::VEHICLE_BINDING_SLOT)
        );
        assert_eq!(
            canonical_constraint(Some("fine_payments_one_paid"), ""),
            canonical_constraint(None, "UNIQUE constraint failed: fine_payments.violation_id")
        );
        assert_eq!(canonical_constraint(Some("nothing_known"), ""), None);
        assert_eq!(
            canonical_constraint(None, "NOT NULL constraint failed: a.b"),
            None
        );
    }

    #[test]
    fn names_and_columns_are_unambiguous() {
        for (i, (name, pg, sqlite)) in CONSTRAINTS.iter().enumerate() {
            for (other, opg, osqlite) in &CONSTRAINTS[i + 1..] {
                assert_ne!(name, other);
                assert_ne!(sqlite, osqlite, "{name} and {other}");
                assert!(pg.iter().all(|n| !opg.contains(n)));
            }
        }
    }
}
