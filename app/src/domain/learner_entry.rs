//! A driving school's learners (学员预录入, 学员用户窗口注册): the school
//! enters a learner, the learner confirms by SMS, and the school, as a
//! registration point (注册点), registers the learner's platform account
//! after checking the identity document in person.

use super::{coded_enum, LicenceClass};
use serde::{Deserialize, Serialize};

/// Where a pre-entry stands (预录入状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryState {
    /// Entered; the learner's SMS code not yet given (待学员确认).
    AwaitingLearner,
    /// The learner confirmed (学员已确认).
    Confirmed,
    /// The school registered the learner's account (已注册).
    Registered,
    /// The school withdrew it (已撤回).
    Withdrawn,
}

coded_enum!(EntryState {
    AwaitingLearner => ("awaiting_learner", "待学员确认", "Awaiting the learner's confirmation"),
    Confirmed => ("confirmed", "学员已确认", "Confirmed by the learner"),
    Registered => ("registered", "已注册平台账户", "Platform account registered"),
    Withdrawn => ("withdrawn", "已撤回", "Withdrawn"),
});

/// The classes a learner may apply for as a first licence (初次申领):
/// cars, tricycles, low-speed goods vehicles, wheelchair cars and
/// motorcycles.
pub const FIRST_LICENCE_CLASSES: &[LicenceClass] = &[
    LicenceClass::C1,
    LicenceClass::C2,
    LicenceClass::C5,
    LicenceClass::D,
    LicenceClass::E,
    LicenceClass::F,
];

/// The class sought, if a first licence may be of it.
pub fn class_sought(code: &str) -> Option<LicenceClass> {
    LicenceClass::from_code(code.trim()).filter(|c| FIRST_LICENCE_CLASSES.contains(c))
}

/// The registration point (注册点) id of a school: the negative of its
/// account id, so the points never meet the windows' ids (1, 2, …).
pub fn school_point_id(school_account_id: i64) -> i64 {
    -school_account_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_licence_is_for_small_vehicles_and_motorcycles() {
        assert_eq!(class_sought(" C1 "), Some(LicenceClass::C1));
        assert_eq!(class_sought("A1"), None);
        assert_eq!(class_sought("B2"), None);
        assert_eq!(class_sought("x"), None);
        assert!(school_point_id(7) < 0);
    }

    #[test]
    fn states_round_trip() {
        for s in EntryState::ALL {
            assert_eq!(EntryState::from_code(s.code()), Some(*s));
        }
    }
}
