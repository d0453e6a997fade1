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

/// A postal tracking number (邮件号) as a clerk types it when handing the
/// documents to the post (交邮寄出): full-width forms folded, spaces dropped,
/// letters upper-cased; 10 to 20 letters and digits with at least 8 digits
/// (EMS: two letters, nine digits, two letters; domestic parcels: 13 digits).
pub fn parse_tracking_no(raw: &str) -> Result<String, TrackingNoRefusal> {
    let no: String = super::text::fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if no.is_empty() {
        return Err(TrackingNoRefusal::Missing);
    }
    let digits = no.chars().filter(char::is_ascii_digit).count();
    if !(10..=20).contains(&no.len())
        || !no.chars().all(|c| c.is_ascii_alphanumeric())
        || digits < 8
    {
        return Err(TrackingNoRefusal::Malformed);
    }
    Ok(no)
}

/// Why a tracking number is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingNoRefusal {
    Missing,
    Malformed,
}

super::rules!(TrackingNoRefusal {
    TrackingNoRefusal::Missing => ("tracking_no.missing", "交邮寄出时请填写邮件号，申请人可凭此查询邮件", "Enter the tracking number; the applicant uses it to follow the post"),
    TrackingNoRefusal::Malformed => ("tracking_no.malformed", "邮件号应为10至20位字母和数字，如EA123456789CN", "A tracking number is 10 to 20 letters and digits, such as EA123456789CN"),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_read_as_typed() {
        assert_eq!(
            parse_tracking_no(" ea 123456789 cn "),
            Ok("EA123456789CN".into())
        );
        assert_eq!(
            parse_tracking_no("1012-3456-78901"),
            Ok("1012345678901".into())
        );
        assert_eq!(parse_tracking_no(""), Err(TrackingNoRefusal::Missing));
        assert_eq!(
            parse_tracking_no("ABCDEFGHIJK"),
            Err(TrackingNoRefusal::Malformed)
        );
        assert_eq!(
            parse_tracking_no("EA1234567"),
            Err(TrackingNoRefusal::Malformed)
        );
        assert_eq!(
            parse_tracking_no("EA12345678#CN"),
            Err(TrackingNoRefusal::Malformed)
        );
    }

    #[test]
    fn deadlines() {
        let d = Date::new(2026, 1, 31).unwrap();
        assert_eq!(pickup_deadline(d), Date::new(2026, 2, 28).unwrap());
        assert_eq!(blacklisted_until(d), Date::new(2026, 7, 31).unwrap());
    }
}
