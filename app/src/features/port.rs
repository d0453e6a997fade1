//! What every port shares: who acts (for the audit trail) and the clock.

use crate::domain::Date;

/// Who did something and from where (for the audit trail, 审计日志).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The logged-in account, or None for an anonymous visitor.
    pub account_id: Option<i64>,
    pub ip: String,
}

/// Wall clock (China Standard Time dates); replaceable in tests.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn today(&self) -> Date {
        Date::from_unix_seconds(self.now_ms().div_euclid(1000), 8)
    }
}
