//! The typed codes: 公民身份号码, 统一社会信用代码, 手机号码, 姓名, 车辆识别代号
//! (and its last six characters), 机动车号牌号码, and the width folding
//! they all start with.

use super::*;
use crate::domain::binding::{parse_vin_suffix, VIN_SUFFIX_LEN};
use crate::domain::plate::{fold_typed, PROVINCES};
use crate::domain::text::{code_digits, compact_upper, fold_width};
use crate::domain::{
    CreditCode, Date, PersonName, PhoneNumber, PlateNumber, ResidentId, Rule, Vin,
};

const DIGITS: &str = "0123456789";
/// GB 32100's alphabet (no I, O, S, V, Z).
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// ISO 3779's alphabet (no I, O, Q).
const VIN_CHARS: &str = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
/// Plate serial characters (no I, O).
const SERIAL_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Every rule's messages can be shown: a code and both sentences.
fn explained(e: &impl Rule) -> bool {
    !e.code().is_empty() && !e.zh().is_empty() && !e.en().is_empty()
}

/// The first 17 digits of an ID number: a real province, a birth date
/// between 1901 and 2079, any sequence.
fn id_first17() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "110105", "130102", "440301", "650102", "710000", "830000",
        ]),
        -25_000i64..40_000,
        0u16..1000,
    )
        .prop_map(|(region, days, seq)| {
            let b = Date::from_days_since_epoch(days);
            format!(
                "{region}{:04}{:02}{:02}{seq:03}",
                b.year(),
                b.month(),
                b.day()
            )
        })
}

/// The first 17 characters of a credit code: a registration authority
/// (1–9, A, N or Y), a type, a six-digit region, nine characters.
fn credit_first17() -> impl Strategy<Value = String> {
    (
        from_alphabet("123456789ANY", 1),
        from_alphabet(CREDIT_CHARS, 1),
        from_alphabet(DIGITS, 6),
        from_alphabet(CREDIT_CHARS, 9),
    )
        .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}"))
}

/// A mobile number: 1, then 3–9, then nine digits.
fn mobile() -> impl Strategy<Value = String> {
    (from_alphabet("3456789", 1), from_alphabet(DIGITS, 9))
        .prop_map(|(b, rest)| format!("1{b}{rest}"))
}

/// A plate as issued: province, authority letter, an ordinary serial or
/// a new-energy one (small: D/F first; large: D/F last).
fn plate() -> impl Strategy<Value = String> {
    let province: Vec<char> = PROVINCES.chars().collect();
    (
        prop::sample::select(province),
        from_alphabet("ABCDEFGHJKLMNPQRSTUVWXYZ", 1),
        prop_oneof![
            from_alphabet(SERIAL_CHARS, 5),
            (
                from_alphabet("DF", 1),
                from_alphabet(SERIAL_CHARS, 1),
                from_alphabet(DIGITS, 4)
            )
                .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
            (from_alphabet(DIGITS, 5), from_alphabet("DF", 1)).prop_map(|(a, b)| format!("{a}{b}")),
        ],
    )
        .prop_map(|(p, a, s)| format!("{p}{a}{s}"))
}

proptest! {
    #![proptest_config(config())]

    // ------------------------------------------------------------ ResidentId

    #[test]
    fn resident_id_takes_any_input(s in any_input("0123456789Xx", 24)) {
        match ResidentId::parse(&s) {
            Ok(id) => {
                let t = id.as_str();
                prop_assert_eq!(t.len(), 18);
                prop_assert!(t[..17].bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(t.ends_with(|c: char| c.is_ascii_digit() || c == 'X'));
                prop_assert_eq!(ResidentId::parse(t), Ok(id.clone()));
                prop_assert!((1900..=2100).contains(&id.birth_date().year()));
                let _ = (id.sex(), id.region_code(), id.age_on(Date::new(2026, 1, 1).unwrap()));
                prop_assert_eq!(id.masked().chars().count(), 18);
            }
            Err(e) => prop_assert!(explained(&e)),
        }
        let shown = ResidentId::masked_or_stars(&s);
        prop_assert!(shown == "****" || shown.contains("********"));
    }

    #[test]
    fn resident_id_is_accepted_exactly_with_its_check_character(
        first17 in id_first17(),
        last in prop::sample::select("0123456789X".chars().collect::<Vec<_>>()),
    ) {
        let expected = ResidentId::check_char(&first17).expect("17 digits");
        let parsed = ResidentId::parse(&format!("{first17}{last}"));
        prop_assert_eq!(parsed.is_ok(), last == expected, "{:?}", parsed);
    }

    #[test]
    fn resident_id_is_the_same_however_it_is_typed(
        first17 in id_first17(),
        at in vec(any::<usize>(), 0..4),
        sep in space(),
        wide in any::<bool>(),
    ) {
        let canonical = format!("{first17}{}", ResidentId::check_char(&first17).unwrap());
        let id = ResidentId::parse(&canonical).expect("valid");
        let mut typed = spaced(&canonical.to_ascii_lowercase(), &at, sep);
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(ResidentId::parse(&format!(" {typed}\u{3000}")), Ok(id));
    }

    // ------------------------------------------------------------ CreditCode

    #[test]
    fn credit_code_takes_any_input(s in any_input(CREDIT_CHARS, 24)) {
        match CreditCode::parse(&s) {
            Ok(code) => {
                let t = code.as_str();
                prop_assert_eq!(t.len(), 18);
                prop_assert!(t.chars().all(|c| CREDIT_CHARS.contains(c)));
                prop_assert!(t[2..8].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(CreditCode::parse(t), Ok(code.clone()));
            }
            Err(e) => prop_assert!(explained(&e)),
        }
    }

    #[test]
    fn credit_code_is_accepted_exactly_with_its_check_character(
        first17 in credit_first17(),
        last in prop::sample::select(CREDIT_CHARS.chars().collect::<Vec<_>>()),
    ) {
        let expected = CreditCode::check_char(&first17).expect("the alphabet");
        prop_assert_eq!(CreditCode::parse(&format!("{first17}{last}")).is_ok(), last == expected);
        prop_assert_eq!(
            CreditCode::from_first17(&first17).map(String::from),
            Some(format!("{first17}{expected}"))
        );
    }

    #[test]
    fn credit_code_is_the_same_however_it_is_typed(
        first17 in credit_first17(),
        at in vec(any::<usize>(), 0..4),
        sep in space(),
        wide in any::<bool>(),
    ) {
        let code = CreditCode::from_first17(&first17).expect("valid");
        let mut typed = spaced(&code.as_str().to_ascii_lowercase(), &at, sep);
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(CreditCode::parse(&typed), Ok(code));
    }

    // ----------------------------------------------------------- PhoneNumber

    #[test]
    fn phone_takes_any_input(s in any_input("0123456789+- ", 20)) {
        match PhoneNumber::parse(&s) {
            Ok(phone) => {
                let t = phone.as_str();
                prop_assert_eq!(t.len(), 11);
                prop_assert!(t.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(t.starts_with('1') && (b'3'..=b'9').contains(&t.as_bytes()[1]));
                prop_assert_eq!(PhoneNumber::parse(t), Ok(phone.clone()));
                prop_assert_eq!(phone.masked().len(), 11);
            }
            Err(e) => prop_assert!(explained(&e)),
        }
        let shown = PhoneNumber::masked_or_stars(&s);
        prop_assert!(shown == "****" || shown.contains("****"));
    }

    #[test]
    fn phone_digits_are_accepted_exactly_as_a_mobile_with_or_without_86(
        digits in "(86|0086)?1?[0-9]{9,11}",
    ) {
        let national = match digits.len() {
            13 => digits.strip_prefix("86"),
            15 => digits.strip_prefix("0086"),
            _ => Some(digits.as_str()),
        };
        let mobile = national.is_some_and(|n| {
            n.len() == 11 && n.starts_with('1') && (b'3'..=b'9').contains(&n.as_bytes()[1])
        });
        prop_assert_eq!(PhoneNumber::parse(&digits).is_ok(), mobile);
    }

    #[test]
    fn phone_is_the_same_however_it_is_typed(
        number in mobile(),
        prefix in prop::sample::select(vec!["", "+86", "+86 ", "86", "0086 ", "+86-"]),
        at in vec(any::<usize>(), 0..3),
        dash in prop::sample::select(vec![" ", "-", "\u{3000}"]),
        wide in any::<bool>(),
    ) {
        let phone = PhoneNumber::parse(&number).expect("valid");
        let mut typed = format!("{prefix}{}", spaced(&number, &at, dash));
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(PhoneNumber::parse(&typed), Ok(phone));
    }

    // ------------------------------------------------------------ PersonName

    #[test]
    fn person_name_takes_any_input(s in any_input("张王李伟芳Ab ·•.", 60)) {
        match PersonName::parse(&s) {
            Ok(name) => {
                let t = name.as_str();
                prop_assert!((2..=50).contains(&t.chars().count()));
                prop_assert_eq!(t.trim(), t);
                prop_assert!(!t.contains("  "));
                prop_assert!(!t.chars().any(|c| c.is_numeric() || c.is_control()));
                prop_assert_eq!(PersonName::parse(t), Ok(name.clone()));
            }
            Err(e) => prop_assert!(explained(&e)),
        }
    }

    // ------------------------------------------------------------------- VIN

    #[test]
    fn vin_takes_any_input(s in any_input(VIN_CHARS, 20)) {
        match Vin::parse(&s) {
            Ok(vin) => {
                let t = vin.as_str();
                prop_assert_eq!(t.len(), 17);
                prop_assert!(t.chars().all(|c| VIN_CHARS.contains(c)));
                prop_assert_eq!(Vin::parse(t), Ok(vin.clone()));
                prop_assert_eq!(Vin::parse(&t.to_ascii_lowercase()), Ok(vin.clone()));
            }
            Err(e) => prop_assert!(explained(&e)),
        }
        let _ = Vin::check_char(&s);
        let _ = Vin::with_check_digit(&s);
    }

    #[test]
    fn vin_is_accepted_exactly_with_its_check_digit(
        body in from_alphabet(VIN_CHARS, 17),
        ninth in prop::sample::select("0123456789X".chars().collect::<Vec<_>>()),
    ) {
        let expected = Vin::check_char(&body).expect("the alphabet");
        let mut chars: Vec<char> = body.chars().collect();
        chars[8] = ninth;
        let typed: String = chars.into_iter().collect();
        prop_assert_eq!(Vin::parse(&typed).is_ok(), ninth == expected);
        let made = Vin::with_check_digit(&body).expect("the alphabet");
        prop_assert_eq!(made.as_str().chars().nth(8), Some(expected));
    }

    #[test]
    fn vin_suffix_takes_any_input(s in any_input(VIN_CHARS, 10)) {
        if let Some(suffix) = parse_vin_suffix(&s) {
            prop_assert_eq!(suffix.chars().count(), VIN_SUFFIX_LEN);
            prop_assert!(suffix.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            prop_assert_eq!(parse_vin_suffix(&suffix), Some(suffix.clone()));
        }
    }

    #[test]
    fn vin_suffix_is_the_same_however_it_is_typed(
        suffix in from_alphabet(VIN_CHARS, VIN_SUFFIX_LEN),
        at in vec(any::<usize>(), 0..3),
        sep in space(),
        wide in any::<bool>(),
    ) {
        let mut typed = spaced(&suffix.to_ascii_lowercase(), &at, sep);
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(parse_vin_suffix(&typed), Some(suffix));
    }

    // ----------------------------------------------------------- PlateNumber

    #[test]
    fn plate_takes_any_input(s in any_input("冀京粤ADF0123456789IO·", 12)) {
        match PlateNumber::parse(&s) {
            Ok(plate) => {
                let serial = plate.serial();
                prop_assert!(matches!(serial.len(), 5 | 6));
                prop_assert!(!serial.contains(['I', 'O']));
                prop_assert!(PROVINCES.contains(plate.province()));
                prop_assert!(plate.authority().is_ascii_uppercase());
                prop_assert_eq!(PlateNumber::parse(plate.as_str()), Ok(plate.clone()));
                prop_assert_eq!(PlateNumber::parse(&plate.display_dotted()), Ok(plate.clone()));
                prop_assert_eq!(plate.city_prefix().chars().count(), 2);
                prop_assert!(plate.letters_in_serial() <= 6);
                prop_assert_eq!(plate.is_new_energy(), serial.len() == 6);
            }
            Err(e) => prop_assert!(explained(&e)),
        }
    }

    #[test]
    fn plate_is_the_same_however_it_is_typed(
        canonical in plate(),
        sep in prop::sample::select(vec!["", " ", "·", "•", "・", "-", ".", "\u{3000}"]),
        wide in any::<bool>(),
    ) {
        let plate = PlateNumber::parse(&canonical).expect("an issued plate");
        let prefix: String = canonical.chars().take(2).collect();
        let serial: String = canonical.chars().skip(2).collect();
        let mut typed = format!("{prefix}{sep}{}", serial.to_ascii_lowercase());
        if wide {
            typed = full_width(&typed);
        }
        prop_assert_eq!(fold_typed(&typed), canonical);
        prop_assert_eq!(PlateNumber::parse(&typed), Ok(plate));
    }

    // ----------------------------------------------------------------- width

    #[test]
    fn width_folding_undoes_full_width_and_is_idempotent(
        ascii in "[ -~]{0,40}",
        any_text in any::<String>(),
    ) {
        prop_assert_eq!(fold_width(&full_width(&ascii)), ascii.clone());
        let once = fold_width(&any_text);
        prop_assert_eq!(fold_width(&once), once.clone());
        let compact = compact_upper(&any_text);
        prop_assert!(!compact.chars().any(char::is_whitespace));
        prop_assert_eq!(compact_upper(&compact), compact.clone());
    }

    #[test]
    fn code_digits_take_any_input_and_fold_full_width(
        s in any_input("0123456789 -", 12),
        digits in "[0-9]{0,8}",
        at in vec(any::<usize>(), 0..3),
        sep in prop::sample::select(vec![" ", "-", "\u{3000}"]),
    ) {
        if let Some(d) = code_digits(&s) {
            prop_assert!(d.bytes().all(|b| b.is_ascii_digit()));
        }
        let typed = full_width(&spaced(&digits, &at, sep));
        prop_assert_eq!(code_digits(&typed), Some(digits));
    }
}
