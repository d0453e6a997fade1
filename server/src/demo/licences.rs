//! Driving licences (驾驶证): classes, periods of validity and points, in
//! every state a licence can be in (valid, due, overdue, cancelled, points
//! full, suspended).

use super::batch::{insert, opt_s, s, Tx, V};
use super::cast;
use super::random::Rng;
use super::registry::Person;
use app::domain::licence::{renewal_stage, RenewalStage};
use app::domain::{Date, LicenceClass, LicenceStatus};

/// The columns the demo writes into `driving_licences`, in the order of its rows.
pub(super) const LICENCE_COLUMNS: &[&str] = &[
    "id_number",
    "class",
    "first_issued",
    "valid_from",
    "valid_until",
    "points",
    "cycle_ends",
    "status",
    "review_due",
    "physical_due",
    "issuing_authority",
];

/// The dates of a driving licence whose current period ends on
/// `valid_until`: the first licence is valid 6 years, each renewal 10
/// (GA rules). The first issue is at 18 or later, near `preferred_first`,
/// and never after the current period began, nor after `today`. Answers
/// (first issued, valid from, valid until); `valid_until` moves only when
/// the holder is too young for it (their first period then ends later).
pub(super) fn licence_dates(
    birth: Date,
    preferred_first: Date,
    valid_until: Date,
    today: Date,
) -> (Date, Date, Date) {
    let earliest = birth.add_years(18);
    let preferred = preferred_first.max(earliest).min(today);
    // Period starts counted back from the end: 6 years, then 10 more each.
    let start = |k: i32| valid_until.add_years(-(6 + 10 * k));
    let mut k = 0;
    while start(k) > preferred {
        k += 1;
    }
    if start(k) < earliest {
        if k == 0 || start(k - 1) > today {
            // Too young for a period ending then: the first licence at the
            // preferred date, valid 6 years.
            return (preferred, preferred, preferred.add_years(6));
        }
        k -= 1;
    }
    let first = start(k);
    let valid_from = if k == 0 {
        first
    } else {
        valid_until.add_years(-10)
    };
    (first, valid_from, valid_until)
}

/// Licences for the first `cast::WITH_LICENCE` persons; answers how many.
/// The class, period and points go by the person's index, so the demo
/// owners' licences are in known states.
pub(super) async fn licences(
    tx: &mut Tx,
    rng: &mut Rng,
    persons: &[Person],
    today: Date,
) -> Result<usize, sqlx::Error> {
    let mut rows = Vec::new();
    for (i, p) in persons.iter().enumerate().take(cast::WITH_LICENCE) {
        let age = Date::years_between(p.birth, today);
        let class = if age >= 24 && i % 10 == 3 {
            *rng.pick(&[
                LicenceClass::A1,
                LicenceClass::A2,
                LicenceClass::B1,
                LicenceClass::B2,
            ])
        } else if i % 7 == 0 {
            LicenceClass::C2
        } else {
            LicenceClass::C1
        };
        let preferred_first = p
            .birth
            .add_years(18 + rng.below((age - 17).max(1) as u64) as i32);
        // States: most valid; some expiring within 90 days; some expired
        // (less than a year: still renewed; more: cancelled).
        let valid_until = match i % 20 {
            0 | 1 => today.add_days(5 + rng.below(80) as i64),
            2 => today.add_days(-(10 + rng.below(300) as i64)),
            12 => today.add_days(-(380 + rng.below(900) as i64)),
            _ => today.add_days(120 + rng.below(3000) as i64),
        };
        let (first_issued, valid_from, valid_until) =
            licence_dates(p.birth, preferred_first, valid_until, today);
        let points = match i % 11 {
            0 => 12,
            1 | 2 => 3 + rng.below(6) as i64,
            3 => 1 + rng.below(2) as i64,
            _ => 0,
        };
        let status = match renewal_stage(valid_until, today) {
            RenewalStage::Overdue { .. } => LicenceStatus::RenewalOverdue,
            RenewalStage::Cancelled { .. } => LicenceStatus::CancelledRecoverable,
            RenewalStage::Lapsed { .. } => LicenceStatus::Cancelled,
            _ if points >= 12 => LicenceStatus::PointsFull,
            _ if i % 37 == 5 => LicenceStatus::Suspended,
            _ => LicenceStatus::Valid,
        };
        let needs_review = class.is_professional();
        let needs_physical = class.is_professional() || age >= 60;
        rows.push(vec![
            s(&p.id),
            s(class.code()),
            s(first_issued.to_iso()),
            s(valid_from.to_iso()),
            s(valid_until.to_iso()),
            V::I(points),
            s(today.add_days(1 + rng.below(364) as i64).to_iso()),
            s(status.code()),
            opt_s(needs_review.then(|| today.add_days(rng.below(360) as i64).to_iso())),
            opt_s(needs_physical.then(|| today.add_days(rng.below(360) as i64 - 30).to_iso())),
            s("河北省石家庄市公安局交通警察支队"),
        ]);
    }
    insert(tx, "driving_licences", LICENCE_COLUMNS, &rows).await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_are_never_valid_before_they_were_first_issued() {
        let today = Date::new(2026, 11, 26).unwrap();
        let mut rng = Rng::seeded(11);
        for _ in 0..20_000 {
            let birth = today.add_days(-(18 * 365 + 30 + rng.below(62 * 365) as i64));
            let age = Date::years_between(birth, today);
            let preferred = birth.add_years(18 + rng.below((age - 17).max(1) as u64) as i32);
            let wanted = today.add_days(rng.below(4500) as i64 - 1300);
            let (first, from, until) = licence_dates(birth, preferred, wanted, today);
            let case = format!("born {birth}, wanted {wanted}: {first} {from} {until}");
            assert!(first >= birth.add_years(18), "{case}");
            assert!(first <= from && from <= today, "{case}");
            let years = if from == first { 6 } else { 10 };
            // (A period ending on 29 February starts on the 28th.)
            let drift = until.days_since_epoch() - from.add_years(years).days_since_epoch();
            assert!((0..=1).contains(&drift), "{case}");
        }
        // The reported case: valid from 2020-07-12, first issued 2021-08-24.
        let (first, from, _) = licence_dates(
            Date::new(1990, 3, 1).unwrap(),
            Date::new(2021, 8, 24).unwrap(),
            Date::new(2026, 7, 12).unwrap(),
            today,
        );
        assert!(first <= from, "{first} {from}");
    }
}
