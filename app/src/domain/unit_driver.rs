//! A unit's drivers (单位驾驶人): the licences a unit binds once the driver
//! agreed by SMS, what the dashboard flags about them, and whose licence may
//! take the points of a violation the unit names a driver for
//! (指定驾驶人处理记分违法).

use super::date::Date;
use super::licence::{LicenceClass, LicenceStatus, POINTS_PER_CYCLE, RENEWAL_WINDOW_DAYS};
use super::services::Refusal;
use super::sms::Sms;
use super::vehicle::VehicleType;
use serde::{Deserialize, Serialize};

/// Days ahead in which a licence counts as near expiry (驾驶证即将到期):
/// the renewal window opens this many days before the licence ends.
pub const LICENCE_SOON_DAYS: i64 = RENEWAL_WINDOW_DAYS;

/// The last expiry date that counts as near on `today` (expired ones count
/// too).
pub fn licence_soon_until(today: Date) -> Date {
    today.add_days(LICENCE_SOON_DAYS)
}

/// Whether a cycle's points reach full marks (记满12分).
pub fn points_full(points: i64) -> bool {
    points >= i64::from(POINTS_PER_CYCLE)
}

/// A driver's licence as the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverStanding {
    pub class: LicenceClass,
    pub status: LicenceStatus,
    pub valid_until: Date,
    /// Points in the current cycle (累积记分).
    pub points: i64,
}

/// What the unit should look at about a driver's licence (提示).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DriverAttention {
    /// Past its validity (已超过有效期).
    Expired,
    /// Ends within [`LICENCE_SOON_DAYS`] (即将到期).
    ExpiresSoon,
    /// Twelve points reached (记满12分): the driver may not drive until the
    /// study and the test are done.
    PointsFull,
    /// A status other than valid (状态异常): suspended, withdrawn…
    NotValid,
}

impl DriverAttention {
    pub fn label_zh(self) -> &'static str {
        match self {
            DriverAttention::Expired => "已超过有效期",
            DriverAttention::ExpiresSoon => "即将到期",
            DriverAttention::PointsFull => "记满12分",
            DriverAttention::NotValid => "状态异常",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DriverAttention::Expired => "Expired",
            DriverAttention::ExpiresSoon => "Expires soon",
            DriverAttention::PointsFull => "12 points reached",
            DriverAttention::NotValid => "Not valid",
        }
    }
}

/// Everything the unit should look at about this licence on `today`.
pub fn attention(d: &DriverStanding, today: Date) -> Vec<DriverAttention> {
    let mut flags = Vec::new();
    if d.valid_until < today {
        flags.push(DriverAttention::Expired);
    } else if d.valid_until <= licence_soon_until(today) {
        flags.push(DriverAttention::ExpiresSoon);
    }
    if points_full(d.points) || d.status == LicenceStatus::PointsFull {
        flags.push(DriverAttention::PointsFull);
    }
    if !matches!(d.status, LicenceStatus::Valid | LicenceStatus::PointsFull) {
        flags.push(DriverAttention::NotValid);
    }
    flags
}

/// Whether a licence of this class may drive this vehicle (准驾车型). Only
/// small vehicles' violations are handled online; the classes that cover
/// them are C1 and every class above it, and C2 (automatic: the driver's
/// SMS confirmation vouches for the gearbox).
pub fn class_covers(class: LicenceClass, vehicle: VehicleType) -> bool {
    use LicenceClass::*;
    vehicle.is_small() && matches!(class, A1 | A2 | A3 | B1 | B2 | C1 | C2)
}

/// Whether the named driver's licence may take `points` for a violation of
/// this vehicle online: valid, within its validity, a class that covers
/// the vehicle, and the cycle stays under twelve points (a violation that
/// would fill them is handled at a counter, 满分须到窗口处理).
pub fn may_take_points(
    d: &DriverStanding,
    vehicle: VehicleType,
    points: u8,
    today: Date,
) -> Result<(), Refusal> {
    let at_counter_zh = "请驾驶人持驾驶证到公安机关交通管理部门处理。";
    let at_counter_en = "The driver handles it with the licence at a traffic police counter.";
    if d.status != LicenceStatus::Valid {
        return Err(Refusal {
            rule_zh: format!(
                "该驾驶人的驾驶证状态为“{}”，不能在网上记分处理。",
                d.status.zh()
            ),
            rule_en: format!(
                "The driver's licence is {}: points can not be taken online.",
                d.status.en()
            ),
            remedy_zh: at_counter_zh.into(),
            remedy_en: at_counter_en.into(),
        });
    }
    if d.valid_until < today {
        return Err(Refusal {
            rule_zh: format!("该驾驶人的驾驶证已于{}超过有效期。", d.valid_until),
            rule_en: format!("The driver's licence expired on {}.", d.valid_until),
            remedy_zh: "请驾驶人先换领驾驶证，或到公安机关交通管理部门处理。".into(),
            remedy_en: "The driver renews the licence first, or handles it at a counter.".into(),
        });
    }
    if !class_covers(d.class, vehicle) {
        return Err(Refusal {
            rule_zh: format!(
                "该驾驶人的准驾车型为{}，不能驾驶{}。",
                d.class.code(),
                vehicle.zh()
            ),
            rule_en: format!(
                "The driver's licence class {} does not cover a {}.",
                d.class.code(),
                vehicle.en()
            ),
            remedy_zh: "请指定实际驾驶该车的驾驶人。".into(),
            remedy_en: "Name the driver who actually drove the vehicle.".into(),
        });
    }
    let after = d.points + i64::from(points);
    if points_full(after) {
        return Err(Refusal {
            rule_zh: format!(
                "该驾驶人本记分周期已记{}分，再记{points}分将达到12分，不能在网上处理。",
                d.points
            ),
            rule_en: format!(
                "The driver has {} points this cycle; {points} more would reach 12, which is not handled online.",
                d.points
            ),
            remedy_zh: at_counter_zh.into(),
            remedy_en: at_counter_en.into(),
        });
    }
    Ok(())
}

/// The SMS asking a driver to agree that the unit binds their licence.
pub fn driver_consent_sms(unit: &str, code: &str, minutes: i64) -> Sms {
    Sms::driver_consent_code(unit, code, minutes)
}

/// The SMS asking the driver to confirm they drove and take the points.
pub fn named_driver_sms(
    unit: &str,
    plate: &str,
    occurred: &str,
    violation: &str,
    points: u8,
    code: &str,
    minutes: i64,
) -> Sms {
    Sms::named_driver_code(
        unit,
        plate,
        occurred,
        violation,
        &points.to_string(),
        code,
        minutes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn standing(points: i64) -> DriverStanding {
        DriverStanding {
            class: LicenceClass::C1,
            status: LicenceStatus::Valid,
            valid_until: day("2030-01-01"),
            points,
        }
    }

    #[test]
    fn the_dashboard_flags_expiry_points_and_status() {
        let today = day("2026-11-29");
        assert!(attention(&standing(0), today).is_empty());
        let soon = DriverStanding {
            valid_until: day("2027-02-27"),
            ..standing(0)
        };
        assert_eq!(attention(&soon, today), vec![DriverAttention::ExpiresSoon]);
        let later = DriverStanding {
            valid_until: day("2027-02-28"),
            ..standing(0)
        };
        assert!(attention(&later, today).is_empty());
        let expired = DriverStanding {
            valid_until: day("2026-11-28"),
            ..standing(12)
        };
        assert_eq!(
            attention(&expired, today),
            vec![DriverAttention::Expired, DriverAttention::PointsFull]
        );
        let suspended = DriverStanding {
            status: LicenceStatus::Suspended,
            ..standing(3)
        };
        assert_eq!(
            attention(&suspended, today),
            vec![DriverAttention::NotValid]
        );
    }

    #[test]
    fn points_are_taken_only_by_a_valid_licence_that_stays_under_twelve() {
        let today = day("2026-11-29");
        let car = VehicleType::K33;
        assert!(may_take_points(&standing(0), car, 3, today).is_ok());
        assert!(may_take_points(&standing(8), car, 3, today).is_ok());
        let full = may_take_points(&standing(9), car, 3, today).unwrap_err();
        assert!(full.rule_zh.contains("已记9分"), "{}", full.rule_zh);
        let suspended = DriverStanding {
            status: LicenceStatus::Suspended,
            ..standing(0)
        };
        assert!(may_take_points(&suspended, car, 1, today)
            .unwrap_err()
            .rule_zh
            .contains("暂扣"));
        let expired = DriverStanding {
            valid_until: day("2026-11-28"),
            ..standing(0)
        };
        assert!(may_take_points(&expired, car, 1, today).is_err());
        let on_the_last_day = DriverStanding {
            valid_until: today,
            ..standing(0)
        };
        assert!(may_take_points(&on_the_last_day, car, 1, today).is_ok());
    }

    #[test]
    fn the_class_must_cover_the_vehicle() {
        let today = day("2026-11-29");
        let moped = DriverStanding {
            class: LicenceClass::F,
            ..standing(0)
        };
        let refusal = may_take_points(&moped, VehicleType::K33, 3, today).unwrap_err();
        assert!(refusal.rule_zh.contains("准驾车型为F"));
        assert!(class_covers(LicenceClass::B2, VehicleType::H31));
        assert!(class_covers(LicenceClass::C2, VehicleType::K33));
        assert!(!class_covers(LicenceClass::C1, VehicleType::H11));
    }

    #[test]
    fn the_consent_messages_carry_one_code_and_the_facts() {
        let sms = named_driver_sms(
            "某运输公司",
            "冀A12345",
            "2026-11-01 08:00",
            "超速",
            3,
            "123456",
            10,
        );
        let text = sms.text();
        assert!(text.contains("冀A12345") && text.contains("记3分") && text.contains("123456"));
        let consent = driver_consent_sms("某运输公司", "654321", 10).text();
        assert!(consent.contains("某运输公司") && consent.contains("654321"));
    }
}
