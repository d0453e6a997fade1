//! Electronic-surveillance violations (电子监控违法) and their fines (罚款):
//! who may handle which violation online (SPEC §3, §4 V8, §6), and what is
//! owed when (the late-payment surcharge, 加处罚款).

use super::coded_enum;
use super::date::Date;
use super::services::{non_own_violation_allowed, vehicle_service_allowed, Refusal, ServiceCode};
use super::vehicle::VehicleType;
use serde::{Deserialize, Serialize};

/// Where a violation stands (违法处理状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViolationStatus {
    /// Recorded, not yet handled (未处理).
    Unhandled,
    /// Handled — the decision is issued — fine not yet paid (已处理未缴款).
    HandledUnpaid,
    /// Handled and paid (已处理已缴款).
    Paid,
    /// Handled, with nothing to pay: a warning (警告) is finished once it is
    /// handled (处理完毕).
    Done,
}

coded_enum!(ViolationStatus {
    Unhandled => ("unhandled", "未处理", "not handled"),
    HandledUnpaid => ("handled_unpaid", "已处理，未缴款", "handled, fine not paid"),
    Paid => ("paid", "已缴款", "paid"),
    Done => ("done", "处理完毕", "done, nothing to pay"),
});

impl ViolationStatus {
    /// The recorded status read with the rule of [`status_once_handled`]: a
    /// handled violation without a fine never waits for payment nor counts
    /// as paid (records written before the rule say so).
    pub fn with_fine(self, fine_yuan: u32) -> ViolationStatus {
        match self {
            ViolationStatus::HandledUnpaid | ViolationStatus::Paid if fine_yuan == 0 => {
                ViolationStatus::Done
            }
            other => other,
        }
    }
}

/// What a violation needs once it is handled (处理后): a fine is paid
/// within 15 days; a warning (or any penalty without a fine) has nothing
/// to pay, so handling it finishes it.
pub fn status_once_handled(fine_yuan: u32) -> ViolationStatus {
    if fine_yuan == 0 {
        ViolationStatus::Done
    } else {
        ViolationStatus::HandledUnpaid
    }
}

/// How the account came to hold the vehicle (绑定方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BindingKind {
    /// The vehicle is registered in the account holder's name (本人名下).
    Own,
    /// Someone else's vehicle, bound by a window-registered individual with
    /// the owner's SMS confirmation (非本人名下).
    NonOwn,
}

/// The facts of one violation that the handling rules look at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationFacts {
    pub fine_yuan: u32,
    pub points: u8,
    /// Province abbreviation where it was recorded (采集地).
    pub recorded_province: String,
    /// The province this platform serves (from its configuration).
    pub home_province: String,
    pub vehicle_type: VehicleType,
    pub binding: BindingKind,
}

impl ViolationFacts {
    /// A warning only (警告): no fine, no points.
    pub fn is_warning(&self) -> bool {
        self.fine_yuan == 0 && self.points == 0
    }
}

/// May this violation be handled and paid on this platform by this account?
/// Small vehicles only; recorded in this province (elsewhere: on that
/// province's platform, SPEC §6); on a vehicle not in the person's name,
/// only a warning or a fine of at most 200 yuan with no points.
pub fn may_handle_violation(facts: &ViolationFacts) -> Result<(), Refusal> {
    vehicle_service_allowed(ServiceCode::V8, facts.vehicle_type)?;
    if facts.recorded_province != facts.home_province {
        return Err(recorded_elsewhere(&facts.recorded_province));
    }
    if facts.binding == BindingKind::NonOwn {
        non_own_violation_allowed(facts.fine_yuan, facts.points)?;
    }
    Ok(())
}

/// SPEC §6: a violation recorded outside the vehicle's registration place is
/// handled on the platform of the place where it happened.
pub fn recorded_elsewhere(province: &str) -> Refusal {
    Refusal {
        rule_zh: format!("该违法由“{province}”省交通管理部门采集，需在违法行为发生地处理。"),
        rule_en: format!(
            "This violation was recorded by the traffic authority of {province}; it is handled where it happened."
        ),
        remedy_zh: format!("请登录“{province}”的互联网交通安全综合服务管理平台（无需重新注册）办理。"),
        remedy_en: format!(
            "Log in to the platform of {province} (no second registration needed) to handle it."
        ),
    }
}

/// Days after the penalty decision within which the fine is paid (15日内缴纳).
pub const PAYMENT_PERIOD_DAYS: i64 = 15;
/// Surcharge per overdue day: 3% of the fine (每日按罚款数额的百分之三加处罚款).
pub const SURCHARGE_PERCENT_PER_DAY: i64 = 3;

/// The last day to pay without surcharge.
pub fn payment_due(decided_on: Date) -> Date {
    decided_on.add_days(PAYMENT_PERIOD_DAYS)
}

/// The late-payment surcharge in fen (分): 3% of the fine for every day past
/// the payment period, never more than the fine itself
/// (加处罚款的数额不得超出罚款数额).
pub fn surcharge_fen(fine_yuan: u32, decided_on: Date, today: Date) -> i64 {
    let overdue_days = today.days_since_epoch() - payment_due(decided_on).days_since_epoch();
    if overdue_days <= 0 {
        return 0;
    }
    let fine_fen = i64::from(fine_yuan) * 100;
    (fine_fen * SURCHARGE_PERCENT_PER_DAY / 100 * overdue_days).min(fine_fen)
}

/// What is owed today, in fen: the fine plus any surcharge.
pub fn amount_due_fen(fine_yuan: u32, decided_on: Date, today: Date) -> i64 {
    i64::from(fine_yuan) * 100 + surcharge_fen(fine_yuan, decided_on, today)
}

/// "¥1,234.50"-style yuan text for an amount in fen.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The penalty decision number (处罚决定书编号): the city's authority code,
/// the decision date and the violation's record number.
pub fn decision_number(decided_on: Date, violation_id: i64) -> String {
    format!(
        "130100{:04}{:02}{:02}{:08}",
        decided_on.year(),
        decided_on.month(),
        decided_on.day(),
        violation_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(fine: u32, points: u8, province: &str, binding: BindingKind) -> ViolationFacts {
        ViolationFacts {
            fine_yuan: fine,
            points,
            recorded_province: province.into(),
            home_province: "冀".into(),
            vehicle_type: VehicleType::K33,
            binding,
        }
    }

    #[test]
    fn own_small_vehicles_handle_every_local_violation() {
        assert!(may_handle_violation(&facts(200, 6, "冀", BindingKind::Own)).is_ok());
        assert!(may_handle_violation(&facts(2000, 12, "冀", BindingKind::Own)).is_ok());
    }

    #[test]
    fn non_own_vehicles_only_warnings_or_small_fines_without_points() {
        assert!(may_handle_violation(&facts(0, 0, "冀", BindingKind::NonOwn)).is_ok());
        assert!(may_handle_violation(&facts(200, 0, "冀", BindingKind::NonOwn)).is_ok());
        assert!(may_handle_violation(&facts(201, 0, "冀", BindingKind::NonOwn)).is_err());
        assert!(may_handle_violation(&facts(100, 1, "冀", BindingKind::NonOwn)).is_err());
    }

    #[test]
    fn large_vehicles_and_other_provinces_are_refused() {
        let mut truck = facts(100, 0, "冀", BindingKind::Own);
        truck.vehicle_type = VehicleType::H11;
        assert!(may_handle_violation(&truck).is_err());
        let elsewhere = may_handle_violation(&facts(100, 0, "晋", BindingKind::Own)).unwrap_err();
        assert!(elsewhere.remedy_zh.contains("晋"));
    }

    #[test]
    fn surcharge_starts_after_fifteen_days_and_is_capped_at_the_fine() {
        let decided = Date::new(2026, 1, 1).unwrap();
        assert_eq!(surcharge_fen(200, decided, decided.add_days(15)), 0);
        assert_eq!(surcharge_fen(200, decided, decided.add_days(16)), 600);
        assert_eq!(surcharge_fen(200, decided, decided.add_days(20)), 3000);
        assert_eq!(surcharge_fen(200, decided, decided.add_days(400)), 20000);
        assert_eq!(amount_due_fen(50, decided, decided), 5000);
        assert_eq!(yuan_text(20_050), "200.50");
    }

    #[test]
    fn a_warning_is_done_once_handled_and_never_waits_for_payment() {
        assert_eq!(status_once_handled(0), ViolationStatus::Done);
        assert_eq!(status_once_handled(50), ViolationStatus::HandledUnpaid);
        // Older records of handled warnings read as done, not as owing ¥0.00.
        assert_eq!(
            ViolationStatus::HandledUnpaid.with_fine(0),
            ViolationStatus::Done
        );
        assert_eq!(ViolationStatus::Paid.with_fine(0), ViolationStatus::Done);
        assert_eq!(
            ViolationStatus::HandledUnpaid.with_fine(100),
            ViolationStatus::HandledUnpaid
        );
        assert_eq!(
            ViolationStatus::Unhandled.with_fine(0),
            ViolationStatus::Unhandled
        );
        assert_eq!(
            ViolationStatus::from_code("done"),
            Some(ViolationStatus::Done)
        );
    }

    #[test]
    fn decision_numbers_carry_the_date_and_record() {
        assert_eq!(
            decision_number(Date::new(2026, 11, 24).unwrap(), 42),
            "1301002026112400000042"
        );
    }

    proptest! {
        #[test]
        fn amount_due_is_between_the_fine_and_twice_the_fine(fine in 0u32..5000, days in 0i64..2000) {
            let decided = Date::new(2025, 3, 1).unwrap();
            let due = amount_due_fen(fine, decided, decided.add_days(days));
            prop_assert!(due >= i64::from(fine) * 100);
            prop_assert!(due <= i64::from(fine) * 200);
        }
    }
}
