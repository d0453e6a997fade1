//! 领取方式 and the blacklist (黑名单), SPEC §5.

use super::coded_enum;
use super::date::Date;
use serde::{Deserialize, Serialize};

/// How documents reach the applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Fulfilment {
    SelfPickup,
    Post,
}

coded_enum!(Fulfilment {
    SelfPickup => ("self_pickup", "自取", "Collect in person"),
    Post => ("post", "邮递", "Postal delivery"),
});

pub const PICKUP_DEADLINE_MONTHS: i32 = 1;
pub const BLACKLIST_REFUSED_DELIVERIES: u32 = 3;
pub const BLACKLIST_MONTHS: i32 = 6;

/// Last day to collect documents that became ready on `ready_on`.
pub fn pickup_deadline(ready_on: Date) -> Date {
    ready_on.add_months(PICKUP_DEADLINE_MONTHS)
}

/// Last day of a blacklisting that starts on `from`.
pub fn blacklisted_until(from: Date) -> Date {
    from.add_months(BLACKLIST_MONTHS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines() {
        let d = Date::new(2026, 1, 31).unwrap();
        assert_eq!(pickup_deadline(d), Date::new(2026, 2, 28).unwrap());
        assert_eq!(blacklisted_until(d), Date::new(2026, 7, 31).unwrap());
    }
}
