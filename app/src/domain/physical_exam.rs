//! The driver's physical examination (驾驶人体检, D8) and the
//! physical-condition certificate (身体条件证明, D9): what an authorised
//! hospital records on the official form, what each licence class asks of
//! the body (机动车驾驶证申领和使用规定, 身体条件), how long a result is good
//! for, and what it satisfies: the examination an online renewal (D10,
//! D11) needs, and the yearly certificate some drivers owe.

use super::coded_enum;
use super::{Date, LicenceClass};
use serde::{Deserialize, Serialize};

mod certificate;
pub use certificate::CertificateNumber;

/// A result is good for six months from the day of the examination
/// (体检结果六个月内有效).
pub const EXAM_VALID_MONTHS: i32 = 6;
/// A hospital records an examination within this many days of doing it.
pub const RECORD_WITHIN_DAYS: i64 = 30;

/// Visual acuity on the logarithmic chart (对数视力表), kept in tenths:
/// 4.9 is 49. The chart reads from 4.0 to 5.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Vision(u8);

impl Vision {
    pub const MIN: u8 = 40;
    pub const MAX: u8 = 53;

    /// "4.9" or "5.0" as the doctor writes it.
    pub fn parse(raw: &str) -> Option<Vision> {
        let raw = raw.trim().replace('．', ".");
        let (whole, tenth) = raw.split_once('.')?;
        if whole.len() != 1 || tenth.len() != 1 {
            return None;
        }
        let value = whole.parse::<u8>().ok()? * 10 + tenth.parse::<u8>().ok()?;
        Vision::from_tenths(value)
    }

    pub fn from_tenths(tenths: u8) -> Option<Vision> {
        (Vision::MIN..=Vision::MAX)
            .contains(&tenths)
            .then_some(Vision(tenths))
    }

    pub fn tenths(self) -> u8 {
        self.0
    }
}

impl std::fmt::Display for Vision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// Colour vision (辨色力).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColourVision {
    Normal,
    /// Red-green colour blindness (红绿色盲): no class may be held.
    RedGreenBlind,
}

coded_enum!(ColourVision {
    Normal => ("normal", "正常", "Normal"),
    RedGreenBlind => ("red_green_blind", "红绿色盲", "Red-green colour blind"),
});

/// Hearing (听力): each ear tells the direction of a tuning fork at 50 cm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hearing {
    Normal,
    /// Meets the test only with a hearing aid (佩戴助听设备): cars only.
    WithAid,
    /// Does not meet it (不合格).
    Impaired,
}

coded_enum!(Hearing {
    Normal => ("normal", "正常", "Normal"),
    WithAid => ("with_aid", "佩戴助听设备后达到要求", "Meets it with a hearing aid"),
    Impaired => ("impaired", "未达到要求", "Does not meet it"),
});

/// Limbs, trunk and neck (上肢、下肢、躯干和颈部): sound and moving freely
/// or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Soundness {
    Normal,
    Impaired,
}

coded_enum!(Soundness {
    Normal => ("normal", "正常", "Normal"),
    Impaired => ("impaired", "有运动功能障碍", "Impaired movement"),
});

/// The hospital's conclusion (医疗机构意见).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conclusion {
    Fit,
    Unfit,
}

coded_enum!(Conclusion {
    Fit => ("fit", "合格", "Fit"),
    Unfit => ("unfit", "不合格", "Unfit"),
});

/// The items of the official form (机动车驾驶人身体条件证明).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamItems {
    /// 身高 (cm)
    pub height_cm: u16,
    /// 左眼视力
    pub vision_left: Vision,
    /// 右眼视力
    pub vision_right: Vision,
    /// With glasses or lenses (矫正视力).
    pub vision_corrected: bool,
    /// 辨色力
    pub colour_vision: ColourVision,
    /// 听力
    pub hearing: Hearing,
    /// 上肢
    pub upper_limbs: Soundness,
    /// 下肢
    pub lower_limbs: Soundness,
    /// 躯干和颈部
    pub trunk_neck: Soundness,
}

/// Heights a person can have, in cm; anything else is a typing slip.
pub const HEIGHT_RANGE: std::ops::RangeInclusive<u16> = 100..=230;

/// An item of the form, as a field of the hospital's form names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExamItem {
    Height,
    Vision,
    ColourVision,
    Hearing,
    UpperLimbs,
    LowerLimbs,
    TrunkNeck,
}

coded_enum!(ExamItem {
    Height => ("height_cm", "身高", "height"),
    Vision => ("vision_left", "视力", "vision"),
    ColourVision => ("colour_vision", "辨色力", "colour vision"),
    Hearing => ("hearing", "听力", "hearing"),
    UpperLimbs => ("upper_limbs", "上肢", "upper limbs"),
    LowerLimbs => ("lower_limbs", "下肢", "lower limbs"),
    TrunkNeck => ("trunk_neck", "躯干和颈部", "trunk and neck"),
});

/// The classes that ask 155 cm (大型客车、牵引车、城市公交车、大型货车、无轨电车).
fn needs_155(class: LicenceClass) -> bool {
    use LicenceClass::*;
    matches!(class, A1 | A2 | A3 | B2 | N)
}

/// The classes that ask 5.0 in each eye; every other class asks 4.9.
fn needs_vision_50(class: LicenceClass) -> bool {
    use LicenceClass::*;
    matches!(class, A1 | A2 | A3 | B1 | B2 | N | P)
}

/// The least height the class asks, if any (cm).
pub fn min_height(class: LicenceClass) -> Option<u16> {
    if needs_155(class) {
        Some(155)
    } else if class == LicenceClass::B1 {
        Some(150)
    } else {
        None
    }
}

/// The least visual acuity in each eye, bare or corrected.
pub fn min_vision(class: LicenceClass) -> Vision {
    Vision(if needs_vision_50(class) { 50 } else { 49 })
}

/// The items that do not meet what `class` asks, in the form's order.
pub fn unmet(items: &ExamItems, class: LicenceClass) -> Vec<ExamItem> {
    use LicenceClass::*;
    let mut out = Vec::new();
    if min_height(class).is_some_and(|h| items.height_cm < h) {
        out.push(ExamItem::Height);
    }
    let least = min_vision(class);
    if items.vision_left < least || items.vision_right < least {
        out.push(ExamItem::Vision);
    }
    if items.colour_vision == ColourVision::RedGreenBlind {
        out.push(ExamItem::ColourVision);
    }
    let hearing_ok = match items.hearing {
        Hearing::Normal => true,
        // A hearing aid is enough for cars only (小型汽车、小型自动挡汽车).
        Hearing::WithAid => matches!(class, C1 | C2),
        Hearing::Impaired => false,
    };
    if !hearing_ok {
        out.push(ExamItem::Hearing);
    }
    if items.upper_limbs == Soundness::Impaired {
        out.push(ExamItem::UpperLimbs);
    }
    // Legs that do not move may still drive the adapted car (C5), seated.
    if items.lower_limbs == Soundness::Impaired && class != C5 {
        out.push(ExamItem::LowerLimbs);
    }
    if items.trunk_neck == Soundness::Impaired {
        out.push(ExamItem::TrunkNeck);
    }
    out
}

/// A "fit" conclusion must agree with the items: answers, for the
/// conclusion field, which items the class does not allow. "Unfit" may
/// rest on what the form's items do not show (an illness, say).
pub fn check_conclusion(
    items: &ExamItems,
    class: LicenceClass,
    conclusion: Conclusion,
) -> Result<(), (String, String)> {
    let failing = unmet(items, class);
    if conclusion == Conclusion::Unfit || failing.is_empty() {
        return Ok(());
    }
    let zh: Vec<&str> = failing.iter().map(|i| i.zh()).collect();
    let en: Vec<&str> = failing.iter().map(|i| i.en()).collect();
    Err((
        format!(
            "{}不符合{}准驾车型的要求，结论不能为“合格”",
            zh.join("、"),
            class.code()
        ),
        format!(
            "The {} do not meet class {}: the conclusion cannot be “fit”",
            en.join(", "),
            class.code()
        ),
    ))
}

/// The day of the examination must be today or within the last
/// [`RECORD_WITHIN_DAYS`].
pub fn check_exam_date(examined_on: Date, today: Date) -> Result<(), (&'static str, &'static str)> {
    if examined_on > today {
        return Err((
            "体检日期不能晚于今天",
            "The examination date cannot be in the future",
        ));
    }
    if examined_on < today.add_days(-RECORD_WITHIN_DAYS) {
        return Err((
            "只能录入30日内的体检结果",
            "Only examinations of the last 30 days can be recorded",
        ));
    }
    Ok(())
}

/// The last day a result is good for.
pub fn valid_until(examined_on: Date) -> Date {
    examined_on.add_months(EXAM_VALID_MONTHS).add_days(-1)
}

/// An examination on record, as the rules about using it need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamOnRecord {
    pub examined_on: Date,
    pub items: ExamItems,
    pub conclusion: Conclusion,
}

/// Why an examination does not serve a holder of `class` today, if it
/// does not (Chinese, English).
pub fn unusable(exam: &ExamOnRecord, class: LicenceClass, today: Date) -> Option<(String, String)> {
    if exam.conclusion == Conclusion::Unfit {
        return Some((
            "体检结论为不合格。".into(),
            "The examination concluded “unfit”.".into(),
        ));
    }
    let until = valid_until(exam.examined_on);
    if until < today {
        return Some((
            format!("体检结果已于{until}过期（六个月内有效）。"),
            format!("The result expired on {until} (good for six months)."),
        ));
    }
    let failing = unmet(&exam.items, class);
    if !failing.is_empty() {
        let zh: Vec<&str> = failing.iter().map(|i| i.zh()).collect();
        let en: Vec<&str> = failing.iter().map(|i| i.en()).collect();
        return Some((
            format!("{}不符合{}准驾车型的要求。", zh.join("、"), class.code()),
            format!("The {} do not meet class {}.", en.join(", "), class.code()),
        ));
    }
    None
}

/// The examination that serves a holder of `class` today: the newest one
/// (`newest_first` as the store lists them), if it serves. An older fit
/// result never stands in for a newer one that is unfit or fails the
/// class.
pub fn usable_exam<T>(
    newest_first: &[T],
    exam_of: impl Fn(&T) -> &ExamOnRecord,
    class: LicenceClass,
    today: Date,
) -> Option<&T> {
    newest_first
        .first()
        .filter(|e| unusable(exam_of(e), class, today).is_none())
}

/// A certificate is submitted in the 90 days before the date it is owed
/// (or after): earlier would skip a year.
pub const SUBMIT_WITHIN_DAYS: i64 = 90;

/// Whether the certificate owed on `due` may be submitted today.
pub fn certificate_window(due: Date, today: Date) -> Result<(), (String, String)> {
    let opens = due.add_days(-SUBMIT_WITHIN_DAYS);
    if today < opens {
        return Err((
            format!("本次身体条件证明应在{due}前提交，{opens}起可以提交。"),
            format!("This certificate is owed by {due}; it can be submitted from {opens}."),
        ));
    }
    Ok(())
}

/// The next date a driver who owes a yearly certificate must submit one,
/// once one is accepted today: a year on from the date owed, or from
/// today when that has passed.
pub fn next_certificate_due(current_due: Date, today: Date) -> Date {
    current_due.max(today).add_years(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use LicenceClass::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn sound() -> ExamItems {
        ExamItems {
            height_cm: 170,
            vision_left: Vision::parse("5.0").unwrap(),
            vision_right: Vision::parse("5.0").unwrap(),
            vision_corrected: false,
            colour_vision: ColourVision::Normal,
            hearing: Hearing::Normal,
            upper_limbs: Soundness::Normal,
            lower_limbs: Soundness::Normal,
            trunk_neck: Soundness::Normal,
        }
    }

    #[test]
    fn vision_reads_as_the_chart_does() {
        assert_eq!(Vision::parse("4.9").unwrap().tenths(), 49);
        assert_eq!(Vision::parse(" 5．3 ").unwrap().to_string(), "5.3");
        for bad in ["3.9", "5.4", "49", "4.95", "", "a.b", "1.0"] {
            assert!(Vision::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_car_asks_49_and_a_bus_asks_50_and_155_cm() {
        let mut items = sound();
        items.vision_left = Vision::parse("4.9").unwrap();
        assert!(unmet(&items, C1).is_empty());
        assert_eq!(unmet(&items, A1), vec![ExamItem::Vision]);
        items.height_cm = 152;
        assert_eq!(unmet(&items, A1), vec![ExamItem::Height, ExamItem::Vision]);
        items.vision_left = Vision::parse("5.0").unwrap();
        assert!(unmet(&items, B1).is_empty(), "a medium bus asks 150 cm");
        items.height_cm = 149;
        assert_eq!(unmet(&items, B1), vec![ExamItem::Height]);
        assert!(unmet(&items, C1).is_empty(), "a car asks no height");
    }

    #[test]
    fn a_hearing_aid_is_enough_for_cars_only_and_legs_only_for_c5() {
        let mut items = sound();
        items.hearing = Hearing::WithAid;
        assert!(unmet(&items, C1).is_empty());
        assert!(unmet(&items, C2).is_empty());
        assert_eq!(unmet(&items, B2), vec![ExamItem::Hearing]);
        let mut items = sound();
        items.lower_limbs = Soundness::Impaired;
        assert!(unmet(&items, C5).is_empty());
        assert_eq!(unmet(&items, C1), vec![ExamItem::LowerLimbs]);
        items.colour_vision = ColourVision::RedGreenBlind;
        assert_eq!(unmet(&items, C5), vec![ExamItem::ColourVision]);
    }

    #[test]
    fn fit_must_agree_with_the_items_and_unfit_may_rest_on_more() {
        let mut items = sound();
        assert!(check_conclusion(&items, A1, Conclusion::Fit).is_ok());
        items.vision_right = Vision::parse("4.8").unwrap();
        let (zh, en) = check_conclusion(&items, C1, Conclusion::Fit).unwrap_err();
        assert!(zh.contains("视力") && zh.contains("C1"), "{zh}");
        assert!(en.contains("vision"), "{en}");
        assert!(check_conclusion(&items, C1, Conclusion::Unfit).is_ok());
        assert!(check_conclusion(&sound(), C1, Conclusion::Unfit).is_ok());
    }

    #[test]
    fn a_result_is_good_for_six_months_and_recorded_within_thirty_days() {
        assert_eq!(valid_until(d(2026, 1, 15)), d(2026, 7, 14));
        assert_eq!(valid_until(d(2026, 8, 31)), d(2027, 2, 27));
        let today = d(2026, 11, 29);
        assert!(check_exam_date(today, today).is_ok());
        assert!(check_exam_date(today.add_days(-30), today).is_ok());
        assert!(check_exam_date(today.add_days(-31), today).is_err());
        assert!(check_exam_date(today.add_days(1), today).is_err());
    }

    #[test]
    fn only_the_newest_result_is_used_and_only_if_it_serves() {
        let today = d(2026, 11, 29);
        let exam = |on: Date, items: ExamItems, conclusion| ExamOnRecord {
            examined_on: on,
            items,
            conclusion,
        };
        let mut weak = sound();
        weak.vision_left = Vision::parse("4.9").unwrap();
        // Newest first, as the store lists them.
        let exams = [
            exam(today.add_days(-10), weak, Conclusion::Fit),
            exam(today.add_days(-20), sound(), Conclusion::Fit),
        ];
        let pick = |list: &[ExamOnRecord], class| {
            usable_exam(list, |e| e, class, today).map(|e| e.examined_on)
        };
        assert_eq!(pick(&exams, C1), Some(today.add_days(-10)));
        assert_eq!(
            pick(&exams, A1),
            None,
            "4.9 does not serve A1, and the older one does not stand in"
        );
        let unfit_last = [
            exam(today.add_days(-5), sound(), Conclusion::Unfit),
            exam(today.add_days(-20), sound(), Conclusion::Fit),
        ];
        assert_eq!(pick(&unfit_last, C1), None, "a newer unfit result decides");
        let old = [exam(today.add_days(-200), sound(), Conclusion::Fit)];
        let (zh, _) = unusable(&old[0], C1, today).unwrap();
        assert!(zh.contains("过期"), "{zh}");
        assert_eq!(pick(&old, C1), None);
        let (zh, _) = unusable(&unfit_last[0], C1, today).unwrap();
        assert!(zh.contains("不合格"), "{zh}");
    }

    #[test]
    fn a_certificate_is_submitted_in_the_ninety_days_before_it_is_owed() {
        let today = d(2026, 11, 29);
        assert!(certificate_window(today.add_days(90), today).is_ok());
        assert!(
            certificate_window(today.add_days(-3), today).is_ok(),
            "late is still taken"
        );
        let (zh, _) = certificate_window(today.add_days(91), today).unwrap_err();
        assert!(zh.contains("起可以提交"), "{zh}");
    }

    #[test]
    fn the_next_certificate_is_owed_a_year_on() {
        let today = d(2026, 11, 29);
        assert_eq!(next_certificate_due(d(2027, 2, 1), today), d(2028, 2, 1));
        assert_eq!(next_certificate_due(d(2026, 10, 1), today), d(2027, 11, 29));
    }
}
