//! Calendar dates (日期) without a clock: the caller says what today is.

use serde::{Deserialize, Serialize};

/// A day in the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        let digits_at = |i: usize| i == 4 || i == 7 || b[i].is_ascii_digit();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !(0..10).all(digits_at) {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Parses `YYYYMMDD` (as inside an ID number).
    pub fn parse_compact(s: &str) -> Option<Date> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(
            s[0..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..8].parse().ok()?,
        )
    }

    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (H. Hinnant's days-from-civil).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The local date of a Unix instant at a fixed UTC offset (China: +8).
    pub fn from_unix_seconds(secs: i64, utc_offset_hours: i32) -> Date {
        Date::from_days_since_epoch((secs + i64::from(utc_offset_hours) * 3600).div_euclid(86_400))
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Adds calendar months; the day is clamped to the month's end.
    pub fn add_months(self, months: i32) -> Date {
        let total = self.year * 12 + i32::from(self.month) - 1 + months;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    pub fn add_years(self, years: i32) -> Date {
        self.add_months(years * 12)
    }

    /// Whole years from `earlier` to `later` (an age).
    pub fn years_between(earlier: Date, later: Date) -> i32 {
        let mut years = later.year - earlier.year;
        if (later.month, later.day) < (earlier.month, earlier.day) {
            years -= 1;
        }
        years
    }
}

/// A Unix instant in milliseconds as China Standard Time, "2026-11-24 09:05".
pub fn cst_date_time(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000) + 8 * 3600;
    let date = Date::from_days_since_epoch(secs.div_euclid(86_400));
    let minute_of_day = secs.rem_euclid(86_400) / 60;
    format!("{date} {:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_iso())
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_iso()
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Date, String> {
        Date::parse_iso(&s).ok_or_else(|| format!("not a date: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn china_time_is_utc_plus_eight() {
        // 2026-11-24 16:30 UTC is 2026-11-25 00:30 in Beijing.
        assert_eq!(cst_date_time(1_795_537_800_000), "2026-11-25 00:30");
    }

    #[test]
    fn calendar_rules() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2026, 13, 1).is_none());
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse_iso("2016-01-05").unwrap().to_iso(),
            "2016-01-05"
        );
        assert_eq!(Date::parse_iso("2016-1-5"), None);
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        let d = Date::new(2026, 1, 31).unwrap();
        assert_eq!(d.add_months(1), Date::new(2026, 2, 28).unwrap());
        assert_eq!(d.add_months(-2), Date::new(2025, 11, 30).unwrap());
        assert_eq!(
            Date::new(2024, 2, 29).unwrap().add_years(1),
            Date::new(2025, 2, 28).unwrap()
        );
    }

    #[test]
    fn ages_count_whole_years() {
        let birth = Date::new(1966, 11, 25).unwrap();
        assert_eq!(
            Date::years_between(birth, Date::new(2026, 11, 24).unwrap()),
            59
        );
        assert_eq!(
            Date::years_between(birth, Date::new(2026, 11, 25).unwrap()),
            60
        );
    }

    #[test]
    fn china_date_of_an_instant() {
        // 2026-11-24T16:30:00Z is already 25 November in Beijing.
        assert_eq!(
            Date::from_unix_seconds(1_795_537_800, 8).to_iso(),
            "2026-11-25"
        );
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -200_000i64..200_000) {
            let d = Date::from_days_since_epoch(days);
            prop_assert_eq!(d.days_since_epoch(), days);
            prop_assert_eq!(Date::parse_iso(&d.to_iso()), Some(d));
        }
    }
}
