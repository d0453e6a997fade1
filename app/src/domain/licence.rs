//! Driving licences: 准驾车型, 驾驶证状态, renewal and over-age rules.

use super::coded_enum;
use super::date::Date;
use serde::{Deserialize, Serialize};

/// 驾驶证号: the holder's resident ID number.
pub type LicenceNumber = super::identity::ResidentId;

/// Full marks of a scoring cycle (记分周期满分).
pub const POINTS_PER_CYCLE: u8 = 12;

/// 准驾车型
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LicenceClass {
    A1,
    A2,
    A3,
    B1,
    B2,
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    D,
    E,
    F,
    M,
    N,
    P,
}

coded_enum!(LicenceClass {
    A1 => ("A1", "大型客车", "large bus"),
    A2 => ("A2", "重型牵引挂车", "heavy tractor-trailer"),
    A3 => ("A3", "城市公交车", "city bus"),
    B1 => ("B1", "中型客车", "medium bus"),
    B2 => ("B2", "大型货车", "large goods vehicle"),
    C1 => ("C1", "小型汽车", "car"),
    C2 => ("C2", "小型自动挡汽车", "automatic car"),
    C3 => ("C3", "低速载货汽车", "low-speed goods vehicle"),
    C4 => ("C4", "三轮汽车", "three-wheeled vehicle"),
    C5 => ("C5", "残疾人专用小型自动挡载客汽车", "adapted automatic car"),
    C6 => ("C6", "轻型牵引挂车", "light tractor-trailer"),
    D => ("D", "普通三轮摩托车", "three-wheeled motorcycle"),
    E => ("E", "普通二轮摩托车", "motorcycle"),
    F => ("F", "轻便摩托车", "moped"),
    M => ("M", "轮式专用机械车", "wheeled machinery"),
    N => ("N", "无轨电车", "trolleybus"),
    P => ("P", "有轨电车", "tram"),
});

impl LicenceClass {
    /// Large and medium passenger and goods classes (大中型客货车).
    pub fn is_professional(self) -> bool {
        matches!(
            self,
            LicenceClass::A1
                | LicenceClass::A2
                | LicenceClass::A3
                | LicenceClass::B1
                | LicenceClass::B2
        )
    }
}

/// 驾驶证状态 (GA codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LicenceStatus {
    Valid,
    PointsFull,
    Transferred,
    Suspended,
    Revoked,
    Withdrawn,
    Cancelled,
    ViolationPending,
    AccidentPending,
    Stopped,
    AgreedCancellation,
    RenewalOverdue,
    RenewalDeferred,
    ExamDeferred,
    CancelledRecoverable,
    ReviewOverdue,
    ReviewDeferred,
    Withheld,
}

coded_enum!(LicenceStatus {
    Valid => ("A", "正常", "valid"),
    PointsFull => ("B", "超分", "12 points reached"),
    Transferred => ("C", "转出", "transferred out"),
    Suspended => ("D", "暂扣", "suspended"),
    Revoked => ("E", "撤销", "revoked"),
    Withdrawn => ("F", "吊销", "withdrawn"),
    Cancelled => ("G", "注销", "cancelled"),
    ViolationPending => ("H", "违法未处理", "violations not handled"),
    AccidentPending => ("I", "事故未处理", "accident not handled"),
    Stopped => ("J", "停止使用", "stopped"),
    AgreedCancellation => ("K", "协议注销", "cancelled by agreement"),
    RenewalOverdue => ("M", "逾期未换证", "renewal overdue"),
    RenewalDeferred => ("N", "延期换证", "renewal deferred"),
    ExamDeferred => ("P", "延期体检", "medical deferred"),
    CancelledRecoverable => ("R", "注销可恢复", "cancelled, recoverable"),
    ReviewOverdue => ("S", "逾期未审验", "review overdue"),
    ReviewDeferred => ("T", "延期审验", "review deferred"),
    Withheld => ("U", "扣留", "withheld"),
});

/// Days before expiry from which a licence may be renewed (期满换证).
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// The first day a licence valid until `valid_until` may be renewed.
pub fn renewal_window_opens(valid_until: Date) -> Date {
    valid_until.add_days(-RENEWAL_WINDOW_DAYS)
}

/// 期满换领驾驶证 is possible from 90 days before expiry until the expiry day.
pub fn in_renewal_window(valid_until: Date, today: Date) -> bool {
    today >= renewal_window_opens(valid_until) && today <= valid_until
}

/// Age at which a holder must exchange the licence (超龄换证): 60 for the
/// large and medium classes (A, B), 70 for the others.
pub fn over_age_threshold(class: LicenceClass) -> i32 {
    if class.is_professional() {
        60
    } else {
        70
    }
}

/// Whether the holder has reached the over-age threshold of the class.
pub fn over_age_renewal_due(holder_birth: Date, class: LicenceClass, today: Date) -> bool {
    Date::years_between(holder_birth, today) >= over_age_threshold(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn renewal_window_is_ninety_days_before_expiry() {
        let until = d(2027, 1, 31);
        assert_eq!(renewal_window_opens(until), d(2026, 11, 2));
        assert!(!in_renewal_window(until, d(2026, 11, 1)));
        assert!(in_renewal_window(until, d(2026, 11, 2)));
        assert!(in_renewal_window(until, until));
        assert!(!in_renewal_window(until, d(2027, 2, 1)));
    }

    #[test]
    fn over_age_thresholds() {
        let birth = d(1966, 6, 1);
        assert!(over_age_renewal_due(birth, LicenceClass::A1, d(2026, 6, 1)));
        assert!(!over_age_renewal_due(
            birth,
            LicenceClass::C1,
            d(2026, 6, 1)
        ));
        assert!(over_age_renewal_due(
            d(1956, 6, 1),
            LicenceClass::C1,
            d(2026, 6, 1)
        ));
        assert_eq!(
            LicenceStatus::from_code("M"),
            Some(LicenceStatus::RenewalOverdue)
        );
    }
}
