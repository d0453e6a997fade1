//! Reading stored values back into domain values: dates kept as ISO text,
//! codes kept as text. A stored value that is no domain value is an error
//! naming it (not a panic, not a silent default).

use super::{StoreError, StoreResult};
use app::domain::{BindingKind, Date};

/// A stored code (vehicle type, status…) as its domain value.
pub(super) fn coded<T>(what: &str, code: &str, from: fn(&str) -> Option<T>) -> StoreResult<T> {
    from(code).ok_or_else(|| StoreError::BadValue(format!("{what} {code:?}")))
}

/// A stored date (ISO text).
pub(super) fn date(what: &str, text: &str) -> StoreResult<Date> {
    Date::parse_iso(text).ok_or_else(|| StoreError::BadValue(format!("{what} {text:?}")))
}

/// A stored date that may be missing (or, as before, unreadable).
pub(super) fn date_opt(text: Option<&str>) -> Option<Date> {
    text.and_then(Date::parse_iso)
}

/// The binding kind stored as the `own` flag (1: in the holder's name).
pub(super) fn binding_kind(own: i64) -> BindingKind {
    if own == 1 {
        BindingKind::Own
    } else {
        BindingKind::NonOwn
    }
}
