//! Temporary plates (临时行驶车号牌, 临时号牌核发): a car dealer granted the
//! service issues one for a vehicle it sold, so the buyer can drive it until
//! it is registered. The buyer confirms by SMS; a plate is valid for at most
//! 15 days; a vehicle gets at most three, one at a time; anyone can check a
//! plate's standing (valid, expired, revoked) from the QR code printed on it.

use super::{coded_enum, Date};
use serde::{Deserialize, Serialize};

/// The longest a temporary plate may be valid (有效期最长15日).
pub const MAX_VALID_DAYS: i64 = 15;
/// The most temporary plates one vehicle may be issued (同一车辆最多核发三次).
pub const MAX_ISSUES_PER_VEHICLE: usize = 3;
/// How far ahead a plate's first day may be set.
pub const MAX_DAYS_AHEAD: i64 = 7;
/// The longest brand and model (品牌型号) kept, in characters.
pub const MAX_MODEL_CHARS: usize = 32;

/// Where a plate stands in its life (状态) as stored; what it means on a
/// given day is [`Standing`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlateState {
    /// Entered by the dealer, waiting for the buyer's SMS code (待购车人确认).
    AwaitingBuyer,
    /// Issued (已核发).
    Issued,
    /// Withdrawn by the dealer before the buyer confirmed (已撤回).
    Withdrawn,
    /// Revoked after issue (已注销).
    Revoked,
}

coded_enum!(PlateState {
    AwaitingBuyer => ("awaiting_buyer", "待购车人确认", "Awaiting the buyer's confirmation"),
    Issued => ("issued", "已核发", "Issued"),
    Withdrawn => ("withdrawn", "已撤回", "Withdrawn"),
    Revoked => ("revoked", "已注销", "Revoked"),
});

/// What a plate means today, as the public check page says it (号牌状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Standing {
    AwaitingBuyer,
    /// Issued, its first day still ahead (未到有效期).
    NotYetValid,
    /// Issued and within its dates (有效).
    Valid,
    /// Issued and past its last day (已过期).
    Expired,
    Withdrawn,
    Revoked,
}

coded_enum!(Standing {
    AwaitingBuyer => ("awaiting_buyer", "待购车人确认", "Awaiting the buyer's confirmation"),
    NotYetValid => ("not_yet_valid", "未到有效期", "Not yet valid"),
    Valid => ("valid", "有效", "Valid"),
    Expired => ("expired", "已过期", "Expired"),
    Withdrawn => ("withdrawn", "已撤回", "Withdrawn"),
    Revoked => ("revoked", "已注销", "Revoked"),
});

impl Standing {
    /// The plate's standing on `today`.
    pub fn of(state: PlateState, valid_from: Date, valid_until: Date, today: Date) -> Standing {
        match state {
            PlateState::AwaitingBuyer => Standing::AwaitingBuyer,
            PlateState::Withdrawn => Standing::Withdrawn,
            PlateState::Revoked => Standing::Revoked,
            PlateState::Issued if today < valid_from => Standing::NotYetValid,
            PlateState::Issued if today > valid_until => Standing::Expired,
            PlateState::Issued => Standing::Valid,
        }
    }

    /// The vehicle may be driven on it today.
    pub fn drivable(self) -> bool {
        self == Standing::Valid
    }
}

/// The dates a plate covers: from `from` for `days` days, both ends
/// included. Answers the last day, or why the dates are refused.
pub fn valid_until(from: Date, days: i64, today: Date) -> Result<Date, (String, String)> {
    if !(1..=MAX_VALID_DAYS).contains(&days) {
        return Err((
            format!("有效天数应为1至{MAX_VALID_DAYS}天"),
            format!("A temporary plate is valid for 1 to {MAX_VALID_DAYS} days"),
        ));
    }
    if from < today {
        return Err((
            "有效期起始日期不能早于今天".into(),
            "The first day cannot be before today".into(),
        ));
    }
    if from > today.add_days(MAX_DAYS_AHEAD) {
        return Err((
            format!("有效期起始日期最晚为{}", today.add_days(MAX_DAYS_AHEAD)),
            format!(
                "The first day can be no later than {}",
                today.add_days(MAX_DAYS_AHEAD)
            ),
        ));
    }
    Ok(from.add_days(days - 1))
}

/// One earlier plate of the same vehicle, as far as the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlierPlate {
    pub state: PlateState,
    pub valid_until: Date,
}

/// Whether the vehicle may have another plate: at most
/// [`MAX_ISSUES_PER_VEHICLE`] issued (revoked ones count: they were
/// issued), none still in use or waiting for its buyer.
pub fn may_issue(earlier: &[EarlierPlate], today: Date) -> Result<(), (String, String)> {
    let issued = earlier
        .iter()
        .filter(|p| matches!(p.state, PlateState::Issued | PlateState::Revoked))
        .count();
    if issued >= MAX_ISSUES_PER_VEHICLE {
        return Err((
            format!("该车已核发过{issued}次临时号牌，同一车辆最多核发{MAX_ISSUES_PER_VEHICLE}次。请购车人尽快到车辆管理所办理注册登记"),
            format!("This vehicle has had {issued} temporary plates, the most one vehicle may have. The buyer should register it at the vehicle office"),
        ));
    }
    if earlier.iter().any(|p| p.state == PlateState::AwaitingBuyer) {
        return Err((
            "该车已有一副临时号牌等待购车人确认：请输入购车人收到的验证码，或先撤回".into(),
            "This vehicle has a temporary plate awaiting the buyer's confirmation: enter the buyer's code, or withdraw it first".into(),
        ));
    }
    if let Some(p) = earlier
        .iter()
        .find(|p| p.state == PlateState::Issued && p.valid_until >= today)
    {
        return Err((
            format!(
                "该车的临时号牌有效期至{}，未到期不能再次核发；如需更换，请先注销原号牌",
                p.valid_until
            ),
            format!(
                "This vehicle's temporary plate is good until {}: revoke it before issuing another",
                p.valid_until
            ),
        ));
    }
    Ok(())
}

/// The plate number (临时行驶车号牌号码) as stored and looked up: the
/// city's prefix and six digits taken from the plate's id, e.g. 冀A000123
/// (typed numbers are folded the same way, `plate::fold_typed`).
pub fn plate_number(prefix: &str, id: i64) -> String {
    format!("{prefix}{:06}", id.rem_euclid(1_000_000))
}

/// The number as printed on the plate: 冀A·000123.
pub fn dotted(number: &str) -> String {
    let mut chars = number.chars();
    let head: String = chars.by_ref().take(2).collect();
    let rest: String = chars.collect();
    if rest.is_empty() {
        head
    } else {
        format!("{head}·{rest}")
    }
}

/// A plate number as typed or carried in the QR code's address, folded
/// (`plate::fold_typed`: 冀a·000123 is 冀A000123); None unless it has the
/// shape of one: a province's character, an authority's letter and six
/// digits. Nothing else reaches a database query.
pub fn parse_number(input: &str) -> Option<String> {
    let folded = super::plate::fold_typed(input);
    let chars: Vec<char> = folded.chars().collect();
    let shaped = chars.len() == 8
        && !chars[0].is_ascii()
        && chars[0].is_alphabetic()
        && chars[1].is_ascii_uppercase()
        && chars[2..].iter().all(char::is_ascii_digit);
    shaped.then_some(folded)
}

/// The longest revocation reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 30;

/// The reason for a revocation (注销原因) as kept: inner white space
/// folded; none, control characters or too long refused.
pub fn revocation_reason(input: &str) -> Result<String, (String, String)> {
    let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty()
        || folded.chars().any(char::is_control)
        || folded.chars().count() > MAX_REASON_CHARS
    {
        return Err((
            format!("请填写注销原因（{MAX_REASON_CHARS}字以内），购车人会收到短信通知"),
            format!(
                "Give the reason (at most {MAX_REASON_CHARS} characters); the buyer is told by SMS"
            ),
        ));
    }
    Ok(folded)
}

/// The last six characters of a VIN (车辆识别代号后六位), which the public
/// check asks for beside the number.
pub fn vin_tail(vin: &str) -> &str {
    let start = vin.len().saturating_sub(6);
    vin.get(start..).unwrap_or(vin)
}

/// The brand and model as kept: trimmed, inner runs of space folded.
pub fn model_text(input: &str) -> Result<String, (String, String)> {
    let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err((
            "请输入品牌型号，以合格证为准".into(),
            "Enter the make and model as on the certificate of conformity".into(),
        ));
    }
    if folded.chars().count() > MAX_MODEL_CHARS {
        return Err((
            format!("品牌型号最多{MAX_MODEL_CHARS}个字"),
            format!("The make and model can be at most {MAX_MODEL_CHARS} characters"),
        ));
    }
    Ok(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn dates_are_at_most_fifteen_days_from_today_or_a_week_on() {
        let today = d("2026-11-29");
        assert_eq!(valid_until(today, 15, today), Ok(d("2026-12-13")));
        assert_eq!(valid_until(today, 1, today), Ok(today));
        assert!(valid_until(today, 16, today).is_err());
        assert!(valid_until(today, 0, today).is_err());
        assert!(valid_until(d("2026-11-28"), 5, today).is_err());
        assert_eq!(valid_until(d("2026-12-06"), 2, today), Ok(d("2026-12-07")));
        assert!(valid_until(d("2026-12-07"), 2, today).is_err());
    }

    #[test]
    fn standing_follows_state_and_dates() {
        let (from, until) = (d("2026-12-01"), d("2026-12-05"));
        let on = |today| Standing::of(PlateState::Issued, from, until, d(today));
        assert_eq!(on("2026-11-30"), Standing::NotYetValid);
        assert_eq!(on("2026-12-01"), Standing::Valid);
        assert_eq!(on("2026-12-05"), Standing::Valid);
        assert_eq!(on("2026-12-06"), Standing::Expired);
        assert!(on("2026-12-05").drivable() && !on("2026-12-06").drivable());
        let revoked = Standing::of(PlateState::Revoked, from, until, d("2026-12-02"));
        assert_eq!(revoked, Standing::Revoked);
        assert!(!revoked.drivable());
    }

    #[test]
    fn a_vehicle_gets_three_plates_one_at_a_time() {
        let today = d("2026-11-29");
        let past = |state| EarlierPlate {
            state,
            valid_until: d("2026-11-20"),
        };
        assert!(may_issue(&[], today).is_ok());
        assert!(may_issue(
            &[past(PlateState::Issued), past(PlateState::Withdrawn)],
            today
        )
        .is_ok());
        let three = [
            past(PlateState::Issued),
            past(PlateState::Revoked),
            past(PlateState::Issued),
        ];
        let (zh, _) = may_issue(&three, today).unwrap_err();
        assert!(zh.contains("最多核发3次"), "{zh}");
        // Withdrawn ones were never issued.
        let withdrawn = [past(PlateState::Withdrawn); 5];
        assert!(may_issue(&withdrawn, today).is_ok());
        let current = EarlierPlate {
            state: PlateState::Issued,
            valid_until: today,
        };
        assert!(may_issue(&[current], today)
            .unwrap_err()
            .0
            .contains("未到期"));
        let waiting = past(PlateState::AwaitingBuyer);
        assert!(may_issue(&[waiting], today)
            .unwrap_err()
            .0
            .contains("等待购车人确认"));
    }

    #[test]
    fn numbers_and_tails() {
        assert_eq!(plate_number("冀A", 123), "冀A000123");
        assert_eq!(plate_number("冀B", 1_000_007), "冀B000007");
        assert_eq!(dotted("冀A000123"), "冀A·000123");
        assert_eq!(
            crate::domain::plate::fold_typed("冀a·000123"),
            plate_number("冀A", 123)
        );
        assert_eq!(vin_tail("LSVAU2180N2123456"), "123456");
        assert_eq!(vin_tail("AB"), "AB");
    }

    #[test]
    fn typed_numbers_and_reasons() {
        assert_eq!(parse_number(" 冀ａ·000123 ").as_deref(), Some("冀A000123"));
        assert_eq!(parse_number("冀A00012"), None);
        assert_eq!(parse_number("AA000123"), None);
        assert_eq!(parse_number("冀A00012\u{0}"), None);
        assert_eq!(parse_number("冀A0001234"), None);
        assert_eq!(revocation_reason("  退车 \n 了 ").unwrap(), "退车 了");
        assert!(revocation_reason(" ").is_err());
        assert!(revocation_reason("退\u{0}车").is_err());
        assert!(revocation_reason(&"退".repeat(31)).is_err());
    }

    #[test]
    fn model_is_folded_and_bounded() {
        assert_eq!(model_text("  大众  朗逸 ").unwrap(), "大众 朗逸");
        assert!(model_text("   ").is_err());
        assert!(model_text(&"车".repeat(33)).is_err());
        assert!(model_text(&"车".repeat(32)).is_ok());
    }
}
