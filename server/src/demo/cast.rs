//! The cast (演示人员): which of the generated persons play the demo
//! accounts, as indices into the persons list. Every citizen role a browser
//! journey changes comes twice, one per Playwright project (the phone takes
//! the first, the desktop the second), so every journey runs on both.

use app::domain::VehicleType;
use std::ops::Range;

/// Persons generated in all.
pub(super) const PERSONS: usize = 560;
/// Persons `0..WITH_LICENCE` hold a driving licence (驾驶证).
pub(super) const WITH_LICENCE: usize = 460;
/// Persons `3..OWNERS_END` own the generated vehicles (the cast aside).
pub(super) const OWNERS_END: usize = 500;

/// Online-registered owners (网上注册个人用户（车主）). The second has the
/// first's residues modulo 20 (validity), 11 (points) and 10 (class), and
/// like the first is neither a multiple of 7 (class C2), nor of 9 (an older
/// driver), nor 5 modulo 37 (suspended), so the index rules in `licences`
/// and `registry` give them the same kind of licence.
pub(super) const ONLINE_OWNERS: [usize; 2] = [1, 221];
/// Window-registered owners (窗口注册个人用户（车主）), whose licence expired
/// months ago (index ≡ 2 mod 20), so it is still renewed online.
pub(super) const WINDOW_OWNERS: [usize; 2] = [2, 222];
/// Window-registered drivers whose licence ends within 90 days (index ≡ 1
/// mod 20, no points: ≡ 10 mod 11), for the hospital-examination and
/// online-renewal journey (期满换证). Demo owners in age (27 or more), so
/// their licence is in its second period and ends when the index says.
pub(super) const RENEWING_DRIVERS: [usize; 2] = [21, 241];
/// Learners (学员) with a learner's permit (学习驾驶证明) and no licence.
pub(super) const LEARNERS: [usize; 2] = [500, 502];
/// New-car owners (新车车主): each owns a new car not yet registered.
pub(super) const NEW_CAR_OWNERS: [usize; 2] = [501, 503];
/// Persons with a learner's file (学员档案).
pub(super) const LEARNER_FILES: Range<usize> = 500..510;
/// The agents (经办人) of the demo units, in the order of the units.
pub(super) const UNIT_AGENTS_FROM: usize = 510;
/// The demo transport company's operator (经办人), active, granted the
/// violations and fines only.
pub(super) const UNIT_OPERATOR: usize = 520;
/// People in the registry without an account, for online registration.
pub(super) const CAN_REGISTER_ONLINE: Range<usize> = 10..20;

/// The demo owners' fixed fleets, first in the vehicle list (so first by
/// id): (vehicle type, owner). Each online owner has a small car with the
/// violations the fine journeys handle and a truck.
pub(super) const FLEETS: [(VehicleType, usize); 6] = [
    (VehicleType::K33, ONLINE_OWNERS[0]),
    (VehicleType::H11, ONLINE_OWNERS[0]),
    (VehicleType::K33, WINDOW_OWNERS[0]),
    (VehicleType::K33, ONLINE_OWNERS[1]),
    (VehicleType::H11, ONLINE_OWNERS[1]),
    (VehicleType::K33, WINDOW_OWNERS[1]),
];

/// True for the owners whose licences and fleets are fixed: they have driven
/// for years (a first licence lasts 6 years), so their licences can be in
/// any state, and no generated vehicle is theirs.
pub(super) fn is_demo_owner(index: usize) -> bool {
    ONLINE_OWNERS.contains(&index)
        || WINDOW_OWNERS.contains(&index)
        || RENEWING_DRIVERS.contains(&index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_of_each_role_is_a_different_person_in_the_same_range() {
        for pair in RENEWING_DRIVERS {
            assert!(pair < WITH_LICENCE && pair % 20 == 1 && pair % 11 == 10);
            assert!(pair % 37 != 5 && !CAN_REGISTER_ONLINE.contains(&pair));
        }
        for pair in [ONLINE_OWNERS, WINDOW_OWNERS] {
            assert_ne!(pair[0], pair[1]);
            assert!(pair.iter().all(|&i| i < WITH_LICENCE));
            for m in [20, 11, 10] {
                assert_eq!(pair[0] % m, pair[1] % m, "{pair:?} mod {m}");
            }
            assert!(
                pair.iter().all(|i| i % 7 != 0 && i % 9 != 0 && i % 37 != 5),
                "{pair:?}"
            );
            assert!(pair.iter().all(|i| !CAN_REGISTER_ONLINE.contains(i)));
        }
        for pair in [LEARNERS, NEW_CAR_OWNERS] {
            assert!(pair
                .iter()
                .all(|i| LEARNER_FILES.contains(i) && *i >= WITH_LICENCE));
        }
        let mut all: Vec<usize> = [ONLINE_OWNERS, WINDOW_OWNERS, LEARNERS, NEW_CAR_OWNERS].concat();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 8);
        assert!(all.iter().all(|&i| i < UNIT_AGENTS_FROM));
    }
}
