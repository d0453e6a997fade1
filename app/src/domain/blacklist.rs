//! When refused deliveries put a person on the blacklist (黑名单, SPEC §5):
//! refusals (拒收) add up (累计) across all of the person's applications;
//! the third since their last blacklist period ended starts a new one.
//! Refusals made before or during a period never count again.

use super::date::Date;
use super::fulfilment::BLACKLIST_REFUSED_DELIVERIES;

const DAY_MS: i64 = 86_400_000;
const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

/// A delivery refused (拒收) on one of the person's applications: the step
/// in the application's history, and when it was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusedDelivery {
    pub event_id: i64,
    pub at_ms: i64,
}

/// One of the person's blacklist periods (黑名单期), for whatever cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlacklistPeriod {
    /// Last day of the period (Beijing date).
    pub until: Date,
    /// When a clerk lifted it (解除), if one did.
    pub lifted_at_ms: Option<i64>,
}

impl BlacklistPeriod {
    /// The instant the period ends or ended: when it was lifted, or the end
    /// of its last day in Beijing (the person may apply again on the next
    /// day, as `application_allowed` says).
    pub fn ends_at_ms(self) -> i64 {
        let runs_out = (self.until.days_since_epoch() + 1) * DAY_MS - BEIJING_OFFSET_MS;
        self.lifted_at_ms
            .map_or(runs_out, |lifted| lifted.min(runs_out))
    }

    /// Whether the period keeps the person from applying on `today`.
    pub fn in_force(self, today: Date) -> bool {
        self.lifted_at_ms.is_none() && self.until >= today
    }
}

/// The refusal that puts the person on the blacklist on `today`, if one
/// does: while no period is in force, the third refused delivery (by time,
/// then by record) since the last period ended, counted across all of the
/// person's applications. The same answer on every server, so the entry can
/// be keyed by it.
pub fn refusal_that_blacklists(
    refusals: &[RefusedDelivery],
    periods: &[BlacklistPeriod],
    today: Date,
) -> Option<RefusedDelivery> {
    if periods.iter().any(|p| p.in_force(today)) {
        return None;
    }
    let last_end = periods.iter().map(|p| p.ends_at_ms()).max();
    let mut counted: Vec<RefusedDelivery> = refusals
        .iter()
        .copied()
        .filter(|r| last_end.is_none_or(|end| r.at_ms >= end))
        .collect();
    counted.sort_by_key(|r| (r.at_ms, r.event_id));
    counted
        .get(BLACKLIST_REFUSED_DELIVERIES as usize - 1)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    /// Midnight starting the Beijing day `date`, in Unix milliseconds.
    fn beijing_midnight(date: Date) -> i64 {
        date.days_since_epoch() * DAY_MS - BEIJING_OFFSET_MS
    }

    fn refused(event_id: i64, at_ms: i64) -> RefusedDelivery {
        RefusedDelivery { event_id, at_ms }
    }

    #[test]
    fn a_period_ends_after_its_last_beijing_day_or_when_lifted() {
        let period = BlacklistPeriod {
            until: d(2026, 7, 31),
            lifted_at_ms: None,
        };
        assert_eq!(period.ends_at_ms(), beijing_midnight(d(2026, 8, 1)));
        assert!(period.in_force(d(2026, 7, 31)) && !period.in_force(d(2026, 8, 1)));
        let lifted = BlacklistPeriod {
            lifted_at_ms: Some(beijing_midnight(d(2026, 3, 2)) + HOUR),
            ..period
        };
        assert_eq!(lifted.ends_at_ms(), beijing_midnight(d(2026, 3, 2)) + HOUR);
        assert!(!lifted.in_force(d(2026, 3, 2)));
    }

    #[test]
    fn refusals_add_up_across_applications_and_the_third_blacklists() {
        let today = d(2026, 3, 1);
        let day = beijing_midnight(today);
        // Refusals on three applications, recorded out of order.
        let refusals = [refused(30, day + 3 * HOUR), refused(10, day + HOUR)];
        assert_eq!(refusal_that_blacklists(&refusals, &[], today), None);
        let refusals = [
            refused(30, day + 3 * HOUR),
            refused(10, day + HOUR),
            refused(20, day + 2 * HOUR),
            refused(40, day + 4 * HOUR),
        ];
        assert_eq!(
            refusal_that_blacklists(&refusals, &[], today),
            Some(refused(30, day + 3 * HOUR)),
            "the third by time, whatever the fourth"
        );
    }

    #[test]
    fn refusals_before_or_during_a_period_never_count_again() {
        let period = BlacklistPeriod {
            until: d(2026, 9, 1),
            lifted_at_ms: None,
        };
        let end = period.ends_at_ms();
        let before = beijing_midnight(d(2026, 3, 1));
        let refusals = [
            refused(1, before),
            refused(2, before + HOUR),
            refused(3, before + 2 * HOUR),
            // Refused while blacklisted.
            refused(4, end - HOUR),
            refused(5, end + HOUR),
            refused(6, end + 2 * HOUR),
        ];
        assert_eq!(
            refusal_that_blacklists(&refusals[..3], &[period], d(2026, 9, 1)),
            None,
            "in force: nothing new"
        );
        assert_eq!(
            refusal_that_blacklists(&refusals, &[period], d(2026, 9, 2)),
            None,
            "two since the period ended"
        );
        let mut more = refusals.to_vec();
        more.push(refused(7, end + 3 * HOUR));
        assert_eq!(
            refusal_that_blacklists(&more, &[period], d(2026, 9, 2)),
            Some(refused(7, end + 3 * HOUR))
        );
    }

    #[test]
    fn a_lifted_period_ends_when_lifted_and_any_cause_resets_the_count() {
        let lifted_at = beijing_midnight(d(2026, 4, 10)) + 9 * HOUR;
        let periods = [
            BlacklistPeriod {
                until: d(2026, 2, 1),
                lifted_at_ms: None,
            },
            BlacklistPeriod {
                until: d(2026, 10, 10),
                lifted_at_ms: Some(lifted_at),
            },
        ];
        let refusals = [
            refused(1, lifted_at - HOUR),
            refused(2, lifted_at),
            refused(3, lifted_at + HOUR),
            refused(4, lifted_at + 2 * HOUR),
        ];
        assert_eq!(
            refusal_that_blacklists(&refusals, &periods, d(2026, 4, 10)),
            Some(refused(4, lifted_at + 2 * HOUR))
        );
    }
}
