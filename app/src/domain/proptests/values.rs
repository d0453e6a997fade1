//! The domain's other parsers: dates, the second-factor key and code,
//! plate series and custom serials, the draw's nonce and seed, tracking
//! numbers, windows' phones and codes, passwords, photo files, the exam
//! list's query, stored SMS, the display cookies, return paths and every
//! coded list.

use super::*;
use crate::domain::exam::list::SessionFilter;
use crate::domain::exam::Subject;
use crate::domain::fulfilment::parse_tracking_no;
use crate::domain::password::{Password, MAX_CHARS, MIN_CHARS};
use crate::domain::photo::{check_photo, PhotoError, PHOTO_MAX_BYTES};
use crate::domain::plate_pool::{parse_series, serials_in_series};
use crate::domain::plate_selection::{
    check_custom_serial, client_nonce, hex_of, is_withheld, parse_seed, MAX_LETTERS,
    MAX_NONCE_CHARS, SERIAL_ALPHABET, SERIAL_LEN,
};
use crate::domain::totp::TotpKey;
use crate::domain::window::{district_of, parse_office_phone, parse_window_code};
use crate::domain::{Date, Sms, SmsTemplate};
use crate::i18n::{Lang, TextSize};

/// The Base32 alphabet (RFC 4648).
const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn letters(s: &str) -> usize {
    s.chars().filter(char::is_ascii_alphabetic).count()
}

proptest! {
    #![proptest_config(config())]

    // ------------------------------------------------------------------ dates

    #[test]
    fn iso_dates_take_any_input_and_only_their_own_shape(s in prop_oneof![
        any_input("0123456789-+ ", 14),
        " ?([0-9]{4}|[+-][0-9]{3})-([0-9]{2}|[+-][0-9])-([0-9]{2}|[+-][0-9]) ?",
        "([0-9]{4}|[+-][0-9]{3})([0-9]{2}|[+-][0-9])([0-9]{2}|[+-][0-9])",
    ]) {
        if let Some(d) = Date::parse_iso(&s) {
            let t = s.trim().as_bytes();
            let shape = t.len() == 10
                && t.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
            prop_assert!(shape, "{:?} read as {}", s, d);
            prop_assert_eq!(Date::parse_iso(&d.to_iso()), Some(d));
        }
        if let Some(d) = Date::parse_compact(&s) {
            prop_assert!(s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(Date::parse_compact(&d.to_iso().replace('-', "")), Some(d));
        }
    }

    #[test]
    fn dates_read_back_as_written(year in 0i32..=9999, month in 0u8..=13, day in 0u8..=32) {
        let made = Date::new(year, month, day);
        prop_assert_eq!(Date::parse_iso(&format!("{year:04}-{month:02}-{day:02}")), made);
        prop_assert_eq!(Date::parse_compact(&format!("{year:04}{month:02}{day:02}")), made);
        if let Some(d) = made {
            prop_assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), d);
            prop_assert_eq!(serde_json::from_str::<Date>(&serde_json::to_string(&d).unwrap()).ok(), Some(d));
        }
    }

    // ------------------------------------------------------------------- TOTP

    #[test]
    fn totp_keys_read_back_from_base32(bytes in vec(any::<u8>(), 1..40)) {
        let key = TotpKey::from_bytes(&bytes);
        prop_assert_eq!(TotpKey::from_base32(&key.to_base32()), Some(key.clone()));
        let grouped = key.grouped().to_ascii_lowercase();
        prop_assert_eq!(TotpKey::from_base32(&grouped), Some(key.clone()));
        let uri = key.otpauth_uri("交警 Platform", "staff:张三");
        prop_assert!(uri.is_ascii() && !uri.contains(' '));
    }

    #[test]
    fn totp_keys_take_only_base32(s in any_input("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz=018", 40)) {
        if TotpKey::from_base32(&s).is_some() {
            let bad = s
                .chars()
                .find(|c| !c.is_whitespace() && *c != '=' && !BASE32.contains(c.to_ascii_uppercase()));
            prop_assert_eq!(bad, None, "{:?} read as a key", s);
        }
    }

    // ------------------------------------------------------ plate series, serials

    #[test]
    fn plate_series_take_any_input(s in any_input("0123456789ADFIOXYZadf", 6)) {
        if let Ok(series) = parse_series(&s) {
            prop_assert!((3..=4).contains(&series.chars().count()));
            prop_assert!(series.chars().all(|c| SERIAL_ALPHABET.contains(c)));
            prop_assert!(letters(&series) <= MAX_LETTERS);
            prop_assert_eq!(parse_series(&series), Ok(series.clone()));
            prop_assert_eq!(parse_series(&full_width(&series.to_ascii_lowercase())), Ok(series.clone()));
        }
    }

    #[test]
    fn a_series_holds_only_its_own_ordinary_numbers(series in prop_oneof![from_alphabet("0123456789ABC", 3), from_alphabet("0123456789D", 4)]) {
        if let Ok(series) = parse_series(&series) {
            for serial in serials_in_series(&series) {
                prop_assert!(serial.starts_with(&series));
                prop_assert_eq!(serial.len(), SERIAL_LEN);
                prop_assert!(letters(&serial) <= MAX_LETTERS);
                prop_assert!(!is_withheld(&serial));
            }
        }
    }

    #[test]
    fn custom_serials_take_any_input(
        s in any_input("0123456789ABDFIO冀a·", 9),
        withheld in vec(any_input("0123456789AB", 3), 0..3),
    ) {
        if let Ok(serial) = check_custom_serial(&s, "冀A", &withheld) {
            prop_assert_eq!(serial.chars().count(), SERIAL_LEN);
            prop_assert!(serial.chars().all(|c| SERIAL_ALPHABET.contains(c)));
            prop_assert!(letters(&serial) <= MAX_LETTERS);
            prop_assert!(!is_withheld(&serial));
            prop_assert!(!withheld.iter().any(|w| serial.starts_with(w.as_str())));
            prop_assert_eq!(check_custom_serial(&serial, "冀A", &withheld), Ok(serial.clone()));
            prop_assert_eq!(check_custom_serial(&format!("冀a·{serial}"), "冀A", &withheld), Ok(serial.clone()));
        }
    }

    // ------------------------------------------------------------- the draw

    #[test]
    fn nonces_take_any_input(s in any_input("abc 中文🙂", 80)) {
        if let Ok(nonce) = client_nonce(&s) {
            prop_assert!(nonce.chars().count() <= MAX_NONCE_CHARS);
            prop_assert!(!nonce.chars().any(char::is_control));
            prop_assert_eq!(nonce.trim(), nonce.as_str());
            prop_assert_eq!(client_nonce(&nonce), Ok(nonce.clone()));
        }
    }

    #[test]
    fn seeds_read_back_from_hex(
        bytes in any::<[u8; 32]>(),
        s in prop_oneof![any_input("0123456789abcdefABCDEF", 66), "([0-9a-fA-F]{2}|[+][0-9a-f]){32}"],
    ) {
        prop_assert_eq!(parse_seed(&hex_of(&bytes)), Some(bytes));
        prop_assert_eq!(parse_seed(&hex_of(&bytes).to_ascii_uppercase()), Some(bytes));
        if let Some(seed) = parse_seed(&s) {
            prop_assert_eq!(hex_of(&seed), s.to_ascii_lowercase());
        }
    }

    // ----------------------------------------------------- what clerks type

    #[test]
    fn tracking_numbers_take_any_input(s in prop_oneof![
        any_input("0123456789EACNea -", 24),
        "[A-Za-z]{2}[0-9]{9}[A-Za-z]{2}",
        "[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{5}",
    ]) {
        if let Ok(no) = parse_tracking_no(&s) {
            prop_assert!((10..=20).contains(&no.len()));
            prop_assert!(no.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            prop_assert!(no.chars().filter(char::is_ascii_digit).count() >= 8);
            prop_assert_eq!(parse_tracking_no(&no), Ok(no.clone()));
            prop_assert_eq!(parse_tracking_no(&full_width(&no.to_ascii_lowercase())), Ok(no.clone()));
        }
    }

    #[test]
    fn office_phones_and_window_codes_take_any_input(
        phone in any_input("0123456789- ", 16),
        code in any_input("0123456789ABWw ", 12),
    ) {
        if let Some(p) = parse_office_phone(&phone) {
            prop_assert!(p.chars().all(|c| c.is_ascii_digit() || c == '-'));
            prop_assert!((7..=12).contains(&p.chars().filter(char::is_ascii_digit).count()));
            prop_assert_eq!(parse_office_phone(&p), Some(p.clone()));
        }
        if let Some(c) = parse_window_code(&code) {
            prop_assert!((2..=10).contains(&c.len()));
            prop_assert!(c.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            prop_assert_eq!(parse_window_code(&c), Some(c.clone()));
            prop_assert_eq!(parse_window_code(&c.to_ascii_lowercase()), Some(c.clone()));
        }
        if let Some(d) = district_of(&phone).or(district_of(&code)) {
            prop_assert!(d.ends_with(['区', '县', '市']));
        }
    }

    // --------------------------------------------------------------- passwords

    #[test]
    fn passwords_take_any_input(s in any_input("aA1!İß 中", 140), personal in vec(any_input("1380", 14), 0..3)) {
        let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
        if let Ok(p) = Password::parse_for(&s, &personal) {
            let n = p.expose().chars().count();
            prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&n));
            prop_assert_eq!(p.expose(), s.as_str());
        }
    }

    // ------------------------------------------------------------------ photos

    #[test]
    fn photo_files_take_any_bytes(
        head in prop::sample::select(vec![
            b"".to_vec(),
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec(),
            vec![0xFF, 0xD8],
            vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08],
            vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF],
        ]),
        body in vec(any::<u8>(), 0..64),
        padding in prop::sample::select(vec![0usize, 12 * 1024, PHOTO_MAX_BYTES + 1]),
    ) {
        let mut bytes = head;
        bytes.extend(body);
        bytes.resize(bytes.len() + padding, 0);
        match check_photo(&bytes) {
            Ok(info) => {
                prop_assert!(bytes.len() <= PHOTO_MAX_BYTES);
                prop_assert!(info.width > 0 && info.width < info.height);
            }
            Err(e) => prop_assert_eq!(PhotoError::from_code(crate::domain::Rule::code(&e)), Some(e)),
        }
    }

    // ------------------------------------------------ the exam list's query

    #[test]
    fn the_exam_list_query_takes_any_values(
        values in vec((prop::sample::select(vec!["centre", "subject", "day", "all", "page", "x"]), any_input("0123456789-", 24)), 0..6),
    ) {
        let filter = SessionFilter::from_query(|k| {
            values.iter().find(|(name, _)| *name == k).map(|(_, v)| v.clone())
        });
        prop_assert!(filter.page >= 1);
        let _ = filter.query();
    }

    #[test]
    fn the_exam_list_query_reads_back(
        centre in proptest::option::of(any_input("石家庄考场 &=?#%+", 20)),
        subject in proptest::option::of(prop::sample::select(Subject::ALL.to_vec())),
        day in proptest::option::of(-20_000i64..30_000),
        show_unbookable in any::<bool>(),
        page in 1usize..10_000,
    ) {
        let filter = SessionFilter {
            centre: centre.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
            subject,
            day: day.map(Date::from_days_since_epoch),
            show_unbookable,
            page,
        };
        let query = filter.query();
        prop_assert!(query.is_ascii() && !query.contains([' ', '#', '?']));
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let read = SessionFilter::from_query(|k| {
            pairs.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone())
        });
        prop_assert_eq!(read, filter);
    }

    // -------------------------------------------------------------- stored SMS

    #[test]
    fn stored_sms_parts_take_any_input(
        template in prop_oneof![
            prop::sample::select(SmsTemplate::ALL.iter().map(|t| t.name().to_string()).collect::<Vec<_>>()),
            any::<String>(),
        ],
        params in vec((prop_oneof![Just("code".to_string()), Just("plate".to_string()), any::<String>()], any::<String>()), 0..4),
    ) {
        if let Ok(sms) = Sms::from_parts(&template, params.clone()) {
            prop_assert_eq!(sms.template().name(), template.as_str());
            prop_assert_eq!(sms.params().len(), sms.template().params().len());
            let _ = (sms.text(), sms.without_code().text(), sms.title());
        }
    }

    #[test]
    fn stored_sms_read_back(
        template in prop::sample::select(SmsTemplate::ALL.to_vec()),
        values in vec(any::<String>(), 8),
    ) {
        let params: Vec<(String, String)> = template
            .params()
            .iter()
            .zip(&values)
            .map(|(n, v)| (n.to_string(), v.clone()))
            .rev()
            .collect();
        let sms = Sms::from_parts(template.name(), params).expect("every variable, in any order");
        for (name, value) in template.params().iter().zip(&values) {
            prop_assert_eq!(sms.param(name), Some(value.as_str()));
        }
        prop_assert_eq!(Sms::from_parts(template.name(), sms.params().to_vec()), Ok(sms.clone()));
    }

    // ------------------------------------------------- display cookies, codes

    #[test]
    fn display_cookies_take_any_value(s in any_input("enENlargeLARGE zh", 10)) {
        let lang = Lang::from_code(&s);
        prop_assert_eq!(lang == Lang::En, s.trim().eq_ignore_ascii_case("en"));
        prop_assert_eq!(Lang::from_code(lang.code()), lang);
        let size = TextSize::from_code(&s);
        prop_assert_eq!(size == TextSize::Large, s.trim().eq_ignore_ascii_case("large"));
        prop_assert_eq!(TextSize::from_code(size.code()), size);
    }

    #[test]
    fn return_paths_take_any_input(s in any_input("/ab?=&#%2fF5cC\\:.", 30)) {
        if let Some(path) = crate::policy::safe_return_path(&s) {
            prop_assert_eq!(path, s.as_str());
            prop_assert!(path.starts_with('/'));
            prop_assert!(path.bytes().all(|b| b.is_ascii_graphic()));
            for bad in ["//", "/\\", "\\/"] {
                prop_assert!(!path.contains(bad));
            }
            let lower = path.to_ascii_lowercase();
            prop_assert!(!lower.contains("%2f") && !lower.contains("%5c"));
        }
    }

    #[test]
    fn coded_lists_take_any_code(s in any_input("0123456789ABCDKMHQabcdefghijklmnopqrstuvwxyz_", 12)) {
        use crate::domain::*;
        macro_rules! round_trip {
            ($($ty:ty),+) => {$(
                if let Some(v) = <$ty>::from_code(&s) {
                    prop_assert_eq!(v.code(), s.as_str());
                }
                for v in <$ty>::ALL {
                    prop_assert_eq!(<$ty>::from_code(v.code()), Some(*v));
                }
            )+};
        }
        round_trip!(
            ServiceCode,
            LicenceClass,
            LicenceStatus,
            ViolationStatus,
            VehicleType,
            VehicleStatus,
            IndividualKind,
            UnitKind,
            RegistrationChannel,
            SpecialService,
            StaffRole,
            StaffPower,
            Subject,
            fulfilment::Fulfilment,
            application::ApplicationStatus,
            application::ApplicationEvent,
            application::DeferralReason,
            plate_selection::SelectionWay
        );
        let _ = audit::action_words(&s);
    }
}
