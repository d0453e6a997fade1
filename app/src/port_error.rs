//! The failure every port (the traits the server implements) reports.

use std::error::Error;

/// A failure inside an adapter. Never shown to users as such: a conflict
/// becomes a field error or a refusal where the caller knows the
/// constraint, anything else is logged with a reference id.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// A uniqueness constraint refused the change; one of the canonical
    /// names in [`constraint`], the same on every database.
    #[error("constraint {0} refused the change")]
    Conflict(&'static str),
    /// Anything else (connection lost, bad SQL, a stored value that is no
    /// domain value…): what was being done, and why it failed.
    #[error("{context}: {source}")]
    Internal {
        context: String,
        #[source]
        source: Box<dyn Error + Send + Sync>,
    },
}

impl PortError {
    /// An internal failure with its cause (an error, or a message).
    pub fn internal(
        context: impl Into<String>,
        source: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> PortError {
        PortError::Internal {
            context: context.into(),
            source: source.into(),
        }
    }
}

pub type PortResult<T> = Result<T, PortError>;

/// The canonical names of the uniqueness constraints a caller can meet
/// (唯一约束), as [`PortError::Conflict`] carries them. PostgreSQL's own
/// names; the store maps SQLite's `table.column` reports to the same.
pub mod constraint {
    /// One account per resident ID number (身份证号码).
    pub const ACCOUNT_ID_NUMBER: &str = "accounts_id_number_key";
    /// One account per unified social credit code (统一社会信用代码).
    pub const ACCOUNT_CREDIT_CODE: &str = "accounts_credit_code_key";
    /// One staff account per user name.
    pub const ACCOUNT_STAFF_USERNAME: &str = "accounts_staff_username_key";
    /// A person once in the registry (人口信息).
    pub const PERSON: &str = "persons_pkey";
    /// A vehicle's plate number and VIN are unique in the registry.
    pub const VEHICLE_PLATE: &str = "vehicles_plate_key";
    pub const VEHICLE_VIN: &str = "vehicles_vin_key";
    /// A vehicle is bound to an account once (绑定).
    pub const VEHICLE_BINDING_ONCE: &str = "vehicle_bindings_once";
    /// One of the three slots for vehicles not in the holder's name.
    pub const VEHICLE_BINDING_SLOT: &str = "vehicle_bindings_slot";
    /// One bound licence per account, and a licence bound once.
    pub const LICENCE_BINDING_ACCOUNT: &str = "licence_bindings_pkey";
    pub const LICENCE_BINDING_LICENCE: &str = "licence_bindings_id_number_key";
    /// Payment order and receipt numbers (缴款订单、凭证) are unique.
    pub const PAYMENT_ORDER_NO: &str = "fine_payments_order_no_key";
    pub const PAYMENT_RECEIPT_NO: &str = "fine_payments_receipt_no_key";
    /// At most one open and one paid order per violation (two partial
    /// indexes that SQLite reports alike, so one name).
    pub const PAYMENT_PER_VIOLATION: &str = "fine_payments_per_violation";
    /// Application numbers (申请编号) are unique.
    pub const APPLICATION_NO: &str = "applications_application_no_key";
    /// One blacklist entry per uncollected application (黑名单, 逾期未领); an
    /// entry for refused deliveries is one per refusal that made the third
    /// (`blacklist_once_per_refusal`).
    pub const BLACKLIST_PER_APPLICATION: &str = "blacklist_once_per_application";
    /// One appeal per blacklist entry waits for a decision at a time.
    pub const APPEAL_ONE_WAITING: &str = "blacklist_appeals_one_waiting";
    /// A registration window's code is its own.
    pub const WINDOW_CODE: &str = "registration_windows_code_key";
    /// A series is withheld once per city.
    pub const PLATE_SERIES_WITHHELD: &str = "plate_withheld_series_pkey";
    /// A payment owed back is refunded once.
    pub const REFUND_ONCE: &str = "fine_refunds_pkey";
    /// A number is in the plate pool once (号牌号码).
    pub const PLATE_IN_POOL: &str = "plate_pool_pkey";
    /// A vehicle holds or has taken at most one number.
    pub const PLATE_ONE_PER_VIN: &str = "plate_pool_one_per_vin";
    /// A vehicle's three batches (选号批次) are slots 1..3.
    pub const PLATE_BATCH_SLOT: &str = "plate_batches_slot";
    /// One confirmed number per vehicle and per number (预选号牌).
    pub const PLATE_SELECTION_VIN: &str = "plate_selections_pkey";
    pub const PLATE_SELECTION_PLATE: &str = "plate_selections_plate_key";
    /// One open booking per learner and subject (考试预约).
    pub const EXAM_BOOKING_OPEN: &str = "exam_bookings_one_open";
    /// A special service granted to a unit once.
    pub const UNIT_SERVICE: &str = "unit_special_services_pkey";
    /// One licence photo per person (驾驶证照片).
    pub const LICENCE_PHOTO: &str = "licence_photos_pkey";
    /// One temporary plate per vehicle waits for its buyer at a time.
    pub const TEMPORARY_PLATE_AWAITING: &str = "temporary_plates_one_awaiting";
    /// A school enters a person once while the entry is live.
    pub const LEARNER_ENTRY_ONCE: &str = "learner_entries_once";
    /// One session per token.
    pub const SESSION_TOKEN: &str = "sessions_pkey";
}
