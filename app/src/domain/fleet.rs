//! A unit's fleet (单位车辆): the rules its dashboard applies to the
//! vehicles registered to the unit and the violations of those it has bound.

use super::date::Date;
use super::services::{vehicle_service_allowed, Refusal, ServiceCode};
use super::vehicle::VehicleType;

/// Days ahead in which an inspection counts as falling due (检验即将到期).
pub const INSPECTION_SOON_DAYS: i64 = 30;

/// The last inspection-due date that counts as falling due on `today`:
/// overdue ones count too.
pub fn inspection_soon_until(today: Date) -> Date {
    today.add_days(INSPECTION_SOON_DAYS)
}

/// Whether a vehicle's inspection falls due within [`INSPECTION_SOON_DAYS`]
/// (or is overdue).
pub fn inspection_falls_due(due: Option<Date>, today: Date) -> bool {
    due.is_some_and(|d| d <= inspection_soon_until(today))
}

/// A unit holds no driving licence, so it can not take points: a violation
/// that carries points (记分) is handled by the driver who drove, on the
/// driver's own licence. Warnings and fines without points the unit
/// handles itself.
pub fn unit_may_handle(points: u8) -> Result<(), Refusal> {
    if points == 0 {
        return Ok(());
    }
    Err(Refusal {
        rule_zh: format!(
            "该违法记{points}分。单位没有驾驶证，记分的违法须由实际驾驶人处理，记分记入驾驶人的驾驶证。"
        ),
        rule_en: format!(
            "This violation carries {points} points. A unit holds no driving licence: a violation with points is handled by the driver who drove, on the driver's own licence."
        ),
        remedy_zh: "请在本页指定实际驾驶人（其驾驶证须已绑定到本单位），经驾驶人短信确认后处理；驾驶人也可以本人登录个人账户或到违法处理窗口处理。".into(),
        remedy_en: "Name the driver who drove on this page (their licence must be bound to the unit); once they confirm by SMS it is handled. The driver can also handle it from their own account or at a violation counter.".into(),
    })
}

/// Where a violation of a unit's bound vehicle is handled (处理途径).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitHandling {
    /// The unit handles it here and pays the fine.
    Online,
    /// Not a small vehicle: at a counter (SPEC §4).
    AtCounter,
    /// Recorded in another province: on that province's platform (SPEC §6).
    WhereItHappened,
    /// It carries points: the unit names the driver, whose licence takes
    /// them ([`unit_may_handle`], `domain::unit_driver`).
    ByTheDriver,
}

/// How the unit's violation is handled, by the rules in the order
/// `violation::may_handle_violation` applies them, then the points.
pub fn unit_handling(
    vehicle: VehicleType,
    recorded_province: &str,
    home_province: &str,
    points: u8,
) -> UnitHandling {
    if vehicle_service_allowed(ServiceCode::V8, vehicle).is_err() {
        UnitHandling::AtCounter
    } else if recorded_province != home_province {
        UnitHandling::WhereItHappened
    } else if unit_may_handle(points).is_err() {
        UnitHandling::ByTheDriver
    } else {
        UnitHandling::Online
    }
}

/// The vehicle types whose violations are handled online (小型机动车).
pub fn small_vehicle_types() -> Vec<VehicleType> {
    VehicleType::ALL
        .iter()
        .copied()
        .filter(|t| t.is_small())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspections_fall_due_within_thirty_days_or_when_overdue() {
        let today = Date::parse_iso("2026-11-29").unwrap();
        let d = |s| Date::parse_iso(s);
        assert!(inspection_falls_due(d("2026-12-29"), today));
        assert!(!inspection_falls_due(d("2026-12-30"), today));
        assert!(inspection_falls_due(d("2026-01-01"), today));
        assert!(!inspection_falls_due(None, today));
    }

    #[test]
    fn a_violation_is_handled_where_the_rules_say() {
        use UnitHandling::*;
        let handling = |t, province, points| unit_handling(t, province, "冀", points);
        assert_eq!(handling(VehicleType::K33, "冀", 0), Online);
        assert_eq!(handling(VehicleType::H11, "冀", 0), AtCounter);
        assert_eq!(handling(VehicleType::H11, "京", 3), AtCounter);
        assert_eq!(handling(VehicleType::H31, "京", 3), WhereItHappened);
        assert_eq!(handling(VehicleType::H31, "冀", 3), ByTheDriver);
        assert!(small_vehicle_types().contains(&VehicleType::H31));
        assert!(!small_vehicle_types().contains(&VehicleType::K11));
    }

    #[test]
    fn units_handle_only_violations_without_points() {
        assert!(unit_may_handle(0).is_ok());
        let refusal = unit_may_handle(3).unwrap_err();
        assert!(refusal.rule_zh.contains("记3分"));
        assert!(refusal.rule_en.contains("3 points"));
    }
}
