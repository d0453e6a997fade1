//! The open queue (考试名额分配公示): for each test session, how many booked
//! on each priority date (受理日期) and how many of them got a seat, with
//! no personal data, so anyone can see the seats went by rank: earliest
//! date first, and within one date by booking time.

use crate::domain::date::Date;
use serde::{Deserialize, Serialize};

/// The bookings of one priority date in one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueDay {
    /// 受理日期 (or the previous subject's pass date, by subject).
    pub priority: Date,
    /// Bookings not cancelled.
    pub booked: i64,
    /// Of them, given a seat.
    pub seated: i64,
}

/// The latest priority date that got a seat: who booked with a later date
/// got none.
pub fn last_seated(days: &[QueueDay]) -> Option<Date> {
    days.iter()
        .filter(|d| d.seated > 0)
        .map(|d| d.priority)
        .max()
}

/// True when the seats went by rank: every date before the last seated one
/// was seated whole, none after it got a seat, and no day got more seats
/// than bookings. Within the last date, booking time decides.
pub fn seated_by_rank(days: &[QueueDay]) -> bool {
    let Some(last) = last_seated(days) else {
        return days.iter().all(|d| d.seated == 0);
    };
    days.iter().all(|d| {
        (0..=d.booked).contains(&d.seated)
            && match d.priority.cmp(&last) {
                std::cmp::Ordering::Less => d.seated == d.booked,
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Greater => d.seated == 0,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64, booked: i64, seated: i64) -> QueueDay {
        QueueDay {
            priority: Date::new(2026, 9, 1).unwrap().add_days(n),
            booked,
            seated,
        }
    }

    #[test]
    fn earlier_dates_are_seated_whole_and_later_ones_not_at_all() {
        let fair = [day(0, 3, 3), day(2, 4, 2), day(5, 6, 0)];
        assert!(seated_by_rank(&fair));
        assert_eq!(last_seated(&fair), Some(day(2, 0, 0).priority));
        // A later date seated while an earlier one waited.
        assert!(!seated_by_rank(&[day(0, 3, 2), day(1, 2, 1)]));
        assert!(!seated_by_rank(&[day(0, 3, 3), day(1, 2, 1), day(4, 1, 1)]));
        // More seats than bookings is no allocation at all.
        assert!(!seated_by_rank(&[day(0, 1, 2)]));
        // Not yet allocated: nobody seated.
        assert!(seated_by_rank(&[day(0, 3, 0), day(1, 1, 0)]));
        assert_eq!(last_seated(&[day(0, 3, 0)]), None);
        assert!(seated_by_rank(&[]));
    }
}
