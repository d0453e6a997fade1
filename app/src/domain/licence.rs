//! Driving licences: 准驾车型, 驾驶证状态, renewal and over-age rules.

use super::coded_enum;
use super::date::Date;
use super::services::Refusal;
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

impl LicenceStatus {
    /// The licence is no longer the holder's to show: transferred to
    /// another province, revoked (撤销), withdrawn (吊销) or cancelled in any
    /// way. A suspended or overdue licence is still shown, with its status.
    pub fn no_longer_held(self) -> bool {
        matches!(
            self,
            LicenceStatus::Transferred
                | LicenceStatus::Revoked
                | LicenceStatus::Withdrawn
                | LicenceStatus::Cancelled
                | LicenceStatus::AgreedCancellation
                | LicenceStatus::CancelledRecoverable
        )
    }
}

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

/// How long after expiry a licence not renewed is still renewed
/// (逾期未换证): one year. Beyond that the vehicle administration office
/// cancels it (超过机动车驾驶证有效期一年以上未换证的，注销).
pub const OVERDUE_RENEWAL_YEARS: i32 = 1;

/// How long after that cancellation the holder may restore the driving
/// entitlement by passing subject 1 (科目一): two years
/// (被注销机动车驾驶证未超过二年的，考试科目一合格后可以恢复驾驶资格).
pub const RESTORE_AFTER_CANCELLATION_YEARS: i32 = 2;

/// Where a licence stands for renewal on a given day, by the rule of
/// 公安部令第162号《机动车驾驶证申领和使用规定》.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RenewalStage {
    /// More than 90 days before expiry: renewal opens on `opens`.
    TooEarly { opens: Date },
    /// From 90 days before expiry up to the expiry day (期满换证).
    Due,
    /// Expired, at most one year ago: still renewed (逾期未换证) up to and
    /// including `last_day`. The holder must not drive until renewed.
    Overdue { last_day: Date },
    /// Expired more than one year ago: cancelled (注销) on `cancelled_on`.
    /// Up to and including `restore_until` the holder restores the driving
    /// entitlement by passing subject 1 at a vehicle administration office
    /// (车辆管理所) — not online.
    Cancelled {
        cancelled_on: Date,
        restore_until: Date,
    },
    /// Cancelled more than two years ago: nothing can be restored; only a
    /// new licence, from the start (重新申领).
    Lapsed { cancelled_on: Date },
}

/// The renewal stage of a licence valid until `valid_until`, on `today`.
pub fn renewal_stage(valid_until: Date, today: Date) -> RenewalStage {
    let last_day = valid_until.add_years(OVERDUE_RENEWAL_YEARS);
    let cancelled_on = last_day.add_days(1);
    let restore_until = cancelled_on.add_years(RESTORE_AFTER_CANCELLATION_YEARS);
    if today < renewal_window_opens(valid_until) {
        RenewalStage::TooEarly {
            opens: renewal_window_opens(valid_until),
        }
    } else if today <= valid_until {
        RenewalStage::Due
    } else if today <= last_day {
        RenewalStage::Overdue { last_day }
    } else if today <= restore_until {
        RenewalStage::Cancelled {
            cancelled_on,
            restore_until,
        }
    } else {
        RenewalStage::Lapsed { cancelled_on }
    }
}

impl RenewalStage {
    /// Whether the licence may still be renewed online (期满换领驾驶证).
    pub fn renewable(self) -> bool {
        matches!(self, RenewalStage::Due | RenewalStage::Overdue { .. })
    }

    /// Whether the licence has been cancelled (nothing about it can be
    /// applied for online any more).
    pub fn cancelled(self) -> bool {
        matches!(
            self,
            RenewalStage::Cancelled { .. } | RenewalStage::Lapsed { .. }
        )
    }

    /// Why renewal cannot be applied for now and what to do instead; None
    /// when it can.
    pub fn refusal(self, valid_until: Date) -> Option<Refusal> {
        match self {
            RenewalStage::Due | RenewalStage::Overdue { .. } => None,
            RenewalStage::TooEarly { opens } => Some(Refusal {
                rule_zh: format!(
                    "期满换证在驾驶证有效期满前90日内办理。您的驾驶证有效期至{valid_until}，还没有到换证时间。"
                ),
                rule_en: format!(
                    "An expiring licence is renewed in the 90 days before expiry. Yours is valid until {valid_until}, so it is too early."
                ),
                remedy_zh: format!("请在{opens}以后申请。"),
                remedy_en: format!("Please apply on or after {opens}."),
            }),
            RenewalStage::Cancelled {
                cancelled_on,
                restore_until,
            } => Some(Refusal {
                rule_zh: format!(
                    "您的驾驶证有效期至{valid_until}，超过有效期一年以上未换证，已于{cancelled_on}注销，不能在网上换证。"
                ),
                rule_en: format!(
                    "Your licence was valid until {valid_until}. It was not renewed within a year of expiry, so it was cancelled on {cancelled_on} and cannot be renewed online."
                ),
                remedy_zh: format!(
                    "注销未超过二年的可以恢复驾驶资格：请在{restore_until}前携带本人身份证明到车辆管理所申请参加科目一考试，考试合格后恢复驾驶资格。"
                ),
                remedy_en: format!(
                    "Within two years of cancellation the entitlement can be restored: by {restore_until}, bring your identity document to a vehicle administration office and take the subject 1 test; once you pass, it is restored."
                ),
            }),
            RenewalStage::Lapsed { cancelled_on } => Some(Refusal {
                rule_zh: format!(
                    "您的驾驶证有效期至{valid_until}，超过有效期一年以上未换证，已于{cancelled_on}注销；注销已超过二年，不能恢复驾驶资格。"
                ),
                rule_en: format!(
                    "Your licence was valid until {valid_until} and was cancelled on {cancelled_on} for not being renewed. More than two years have passed since, so the entitlement cannot be restored."
                ),
                remedy_zh: "如需驾驶机动车，请重新申请机动车驾驶证：到驾驶人培训机构学习，并参加驾驶人考试。".into(),
                remedy_en: "To drive again, apply for a new licence: take driving lessons and the driving tests.".into(),
            }),
        }
    }

    /// What an applicant whose licence has expired but may still be renewed
    /// needs to know (zh, en); None otherwise.
    pub fn overdue_notice(self, valid_until: Date) -> Option<(String, String)> {
        match self {
            RenewalStage::Overdue { last_day } => Some((
                format!(
                    "您的驾驶证有效期至{valid_until}，已过期（逾期未换证）。{last_day}前仍可以申请换证；超过有效期一年以上未换证的，驾驶证将被注销。换领新证前不得驾驶机动车。"
                ),
                format!(
                    "Your licence was valid until {valid_until} and has expired. You can still renew it until {last_day}; a licence not renewed within a year of expiry is cancelled. Do not drive until you have the new licence."
                ),
            )),
            _ => None,
        }
    }
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
    fn renewal_stages_at_every_boundary() {
        let until = d(2026, 7, 12);
        // The 90-day window: the day before it opens, the day it opens.
        assert_eq!(
            renewal_stage(until, d(2026, 4, 12)),
            RenewalStage::TooEarly {
                opens: d(2026, 4, 13)
            }
        );
        assert_eq!(renewal_stage(until, d(2026, 4, 13)), RenewalStage::Due);
        // The expiry day is still within validity; the next day is overdue.
        assert_eq!(renewal_stage(until, until), RenewalStage::Due);
        let overdue = RenewalStage::Overdue {
            last_day: d(2027, 7, 12),
        };
        assert_eq!(renewal_stage(until, d(2026, 7, 13)), overdue);
        // One year after expiry: the last day to renew; then cancelled.
        assert_eq!(renewal_stage(until, d(2027, 7, 12)), overdue);
        let cancelled = RenewalStage::Cancelled {
            cancelled_on: d(2027, 7, 13),
            restore_until: d(2029, 7, 13),
        };
        assert_eq!(renewal_stage(until, d(2027, 7, 13)), cancelled);
        // Two years after cancellation: the last day to restore; then lapsed.
        assert_eq!(renewal_stage(until, d(2029, 7, 13)), cancelled);
        assert_eq!(
            renewal_stage(until, d(2029, 7, 14)),
            RenewalStage::Lapsed {
                cancelled_on: d(2027, 7, 13)
            }
        );
    }

    #[test]
    fn only_due_and_overdue_licences_are_renewed_online() {
        let until = d(2026, 7, 12);
        let stage = |today| renewal_stage(until, today);
        assert!(stage(d(2026, 5, 1)).renewable());
        assert!(stage(d(2026, 11, 26)).renewable());
        assert!(!stage(d(2026, 1, 1)).renewable());
        assert!(!stage(d(2028, 1, 1)).renewable());
        assert!(stage(d(2028, 1, 1)).cancelled());
        assert!(stage(d(2030, 1, 1)).cancelled());
        assert!(stage(d(2026, 5, 1)).refusal(until).is_none());
        assert!(stage(d(2026, 11, 26)).refusal(until).is_none());
    }

    #[test]
    fn no_message_names_a_day_already_past_as_the_day_to_act() {
        let until = d(2026, 7, 12);
        // The defect: an expired licence was told "自2026-04-13起可以申请".
        let today = d(2026, 11, 26);
        let (zh, en) = renewal_stage(until, today).overdue_notice(until).unwrap();
        assert!(
            zh.contains("逾期未换证") && zh.contains("2027-07-12前"),
            "{zh}"
        );
        assert!(!zh.contains("2026-04-13") && !en.contains("2026-04-13"));
        let early = renewal_stage(until, d(2026, 1, 5)).refusal(until).unwrap();
        assert!(
            early.remedy_zh.contains("2026-04-13以后"),
            "{}",
            early.remedy_zh
        );
        let cancelled = renewal_stage(until, d(2028, 2, 1)).refusal(until).unwrap();
        assert!(
            cancelled.rule_zh.contains("已于2027-07-13注销"),
            "{}",
            cancelled.rule_zh
        );
        assert!(
            cancelled.remedy_zh.contains("2029-07-13前"),
            "{}",
            cancelled.remedy_zh
        );
        assert!(
            cancelled.remedy_zh.contains("科目一") && cancelled.remedy_zh.contains("车辆管理所")
        );
        let lapsed = renewal_stage(until, d(2030, 2, 1)).refusal(until).unwrap();
        assert!(
            lapsed.rule_zh.contains("不能恢复驾驶资格"),
            "{}",
            lapsed.rule_zh
        );
        assert!(
            lapsed.remedy_zh.contains("重新申请"),
            "{}",
            lapsed.remedy_zh
        );
    }

    #[test]
    fn a_leap_day_expiry_counts_whole_years() {
        let until = d(2028, 2, 29);
        assert_eq!(
            renewal_stage(until, d(2029, 2, 28)),
            RenewalStage::Overdue {
                last_day: d(2029, 2, 28)
            }
        );
        assert!(renewal_stage(until, d(2029, 3, 1)).cancelled());
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
