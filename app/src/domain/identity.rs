//! Identity numbers and names of people: 公民身份号码 (GB 11643), 手机号码 and
//! 姓名. A unit's 统一社会信用代码 is in `credit_code`.

use super::date::Date;
use super::text::{compact_upper, fold_width};
use super::{rules, string_newtype};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- ResidentId

/// 公民身份号码: the 18-character resident ID number (GB 11643-1999): a
/// 6-digit region code, the birth date (YYYYMMDD), a 3-digit sequence (odd
/// for men) and an ISO 7064 MOD 11-2 check character (0–9 or X).
/// The driving-licence number is the same number (驾驶证号).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);
string_newtype!(ResidentId);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResidentIdError {
    Empty,
    WrongLength { len: usize },
    NonDigit { position: usize },
    UnknownRegion,
    InvalidBirthDate,
    CheckDigit { expected: char },
}

rules!(ResidentIdError {
    ResidentIdError::Empty => ("resident_id.empty", "请输入公民身份号码", "Enter the resident ID number"),
    ResidentIdError::WrongLength { len } => ("resident_id.length",
        "公民身份号码应为18位，您输入了{len}位",
        "The ID number must have 18 characters; you entered {len}"),
    ResidentIdError::NonDigit { position } => ("resident_id.digits",
        "公民身份号码第{position}位应为数字（只有最后一位可以是X）",
        "Character {position} of the ID number must be a digit (only the last may be X)"),
    ResidentIdError::UnknownRegion => ("resident_id.region",
        "公民身份号码前两位不是有效的省级行政区划代码，请核对",
        "The first two digits of the ID number are not a valid province code. Please check it."),
    ResidentIdError::InvalidBirthDate => ("resident_id.birth_date",
        "公民身份号码第7至14位不是有效的出生日期，请核对",
        "Characters 7 to 14 of the ID number are not a valid date of birth. Please check it."),
    ResidentIdError::CheckDigit { expected } => ("resident_id.check_digit",
        "公民身份号码第18位校验码不正确，请核对后重新输入",
        "The last character (check digit) of the ID number is wrong. Please check it."),
});

/// GB/T 2260 province-level codes (incl. 71 Taiwan, 81 Hong Kong, 82 Macao,
/// 83 for residence permits of Taiwan residents).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// 性别
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

impl ResidentId {
    /// Parses an ID number as typed or pasted: spaces of every kind are
    /// ignored, full-width digits folded and a lowercase x accepted.
    pub fn parse(input: &str) -> Result<ResidentId, ResidentIdError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(ResidentIdError::Empty);
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(ResidentIdError::WrongLength { len });
        }
        for (i, c) in s.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                return Err(ResidentIdError::NonDigit { position: i + 1 });
            }
        }
        let province: u8 = s[0..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(ResidentIdError::UnknownRegion);
        }
        match Date::parse_compact(&s[6..14]) {
            Some(d) if (1900..=2100).contains(&d.year()) => {}
            _ => return Err(ResidentIdError::InvalidBirthDate),
        }
        let expected = ResidentId::check_char(&s[0..17]).expect("17 digits");
        if s.as_bytes()[17] as char != expected {
            return Err(ResidentIdError::CheckDigit { expected });
        }
        Ok(ResidentId(s))
    }

    /// The check character for the first 17 digits.
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        Some(ID_CHECK[(sum % 11) as usize] as char)
    }

    /// Builds a valid number from its parts (used by the demo data).
    pub fn from_parts(region6: &str, birth: Date, seq3: u16) -> ResidentId {
        let first17 = format!(
            "{region6}{:04}{:02}{:02}{:03}",
            birth.year(),
            birth.month(),
            birth.day(),
            seq3 % 1000
        );
        let check = ResidentId::check_char(&first17).expect("digits");
        ResidentId(format!("{first17}{check}"))
    }

    pub fn birth_date(&self) -> Date {
        Date::parse_compact(&self.0[6..14]).expect("validated")
    }

    /// The 17th digit: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    pub fn age_on(&self, today: Date) -> i32 {
        Date::years_between(self.birth_date(), today)
    }

    pub fn region_code(&self) -> &str {
        &self.0[0..6]
    }

    /// For display: 130102********123X.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[0..6], &self.0[14..18])
    }

    /// A stored number for display: masked, or stars when it is not a valid
    /// number (never shown in full).
    pub fn masked_or_stars(stored: &str) -> String {
        ResidentId::parse(stored)
            .map(|id| id.masked())
            .unwrap_or_else(|_| "****".into())
    }
}

// ---------------------------------------------------------------- PhoneNumber

/// 手机号码: a mainland mobile number, stored as 11 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);
string_newtype!(PhoneNumber);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneNumberError {
    Empty,
    BadCharacters,
    WrongLength { digits: usize },
    NotMobile,
}

rules!(PhoneNumberError {
    PhoneNumberError::Empty => ("phone.empty", "请输入手机号码", "Enter a mobile phone number"),
    PhoneNumberError::BadCharacters => ("phone.characters",
        "手机号码只能包含数字（可带+86、空格或短横线）",
        "A phone number may contain only digits (with an optional +86, spaces or dashes)"),
    PhoneNumberError::WrongLength { digits } => ("phone.length",
        "手机号码应为11位数字，您输入了{digits}位",
        "A mobile number has 11 digits; you entered {digits}"),
    PhoneNumberError::NotMobile => ("phone.not_mobile",
        "这不是有效的手机号码：应以13至19开头",
        "This is not a mobile number: it must start with 13 to 19"),
});

impl PhoneNumber {
    /// Accepts "+86 138-0311-2233", "0086…", "86…" and plain 11 digits,
    /// typed in full-width characters too.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let folded = fold_width(input);
        let trimmed = folded.trim();
        if trimmed.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let rest = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-')
        {
            return Err(PhoneNumberError::BadCharacters);
        }
        let mut digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 15 && digits.starts_with("0086") {
            digits.drain(..4);
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits.drain(..2);
        }
        if digits.len() != 11 {
            return Err(PhoneNumberError::WrongLength {
                digits: digits.len(),
            });
        }
        let b = digits.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(PhoneNumberError::NotMobile);
        }
        Ok(PhoneNumber(digits))
    }

    /// For display: 138****2233.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[0..3], &self.0[7..11])
    }

    /// True for a number as [`PhoneNumber::masked`] writes it (138****2233):
    /// a page that names the number a code went to from its address shows
    /// only such a text, so a link can not make it name anything else.
    pub fn is_masked(text: &str) -> bool {
        let b = text.as_bytes();
        b.len() == 11 && b[3..7] == *b"****" && b[..3].iter().chain(&b[7..]).all(u8::is_ascii_digit)
    }

    /// A stored number for display: masked, or stars when it is not a valid
    /// number (never shown in full).
    pub fn masked_or_stars(stored: &str) -> String {
        PhoneNumber::parse(stored)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "****".into())
    }
}

// ---------------------------------------------------------------- PersonName

/// 姓名: as on the identity document. Chinese or Latin letters, the middle
/// dot of minority and foreign names (·), single spaces between Latin words.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
string_newtype!(PersonName);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonNameError {
    Empty,
    TooShort,
    TooLong,
    BadCharacter { character: char },
}

rules!(PersonNameError {
    PersonNameError::Empty => ("name.empty", "请输入姓名", "Enter the full name"),
    PersonNameError::TooShort => ("name.short", "姓名至少2个字", "A name has at least 2 characters"),
    PersonNameError::TooLong => ("name.long", "姓名不能超过50个字", "A name has at most 50 characters"),
    PersonNameError::BadCharacter { character } => ("name.character",
        "姓名中不能有“{character}”：只能使用汉字、字母和间隔号“·”",
        "A name cannot contain \"{character}\": use letters, Chinese characters and the middle dot \"·\" only"),
});

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, PersonNameError> {
        let normalised: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '•' | '.' | '．' | '・' => '·',
                c => c,
            })
            .collect();
        let collapsed = normalised.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(PersonNameError::Empty);
        }
        for c in collapsed.chars() {
            if !(is_cjk(c) || c.is_alphabetic() && !c.is_numeric() || c == '·' || c == ' ') {
                return Err(PersonNameError::BadCharacter { character: c });
            }
        }
        let n = collapsed.chars().count();
        if n < 2 {
            return Err(PersonNameError::TooShort);
        }
        if n > 50 {
            return Err(PersonNameError::TooLong);
        }
        Ok(PersonName(collapsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rule;
    use proptest::prelude::*;

    #[test]
    fn only_a_masked_number_counts_as_masked() {
        let masked = PhoneNumber::parse("13812342233").unwrap().masked();
        assert!(PhoneNumber::is_masked(&masked));
        for text in [
            "13812342233",
            "138****223",
            "138****22333",
            "1a8****2233",
            "138*2**2233",
            "",
            "验证码****2233",
        ] {
            assert!(!PhoneNumber::is_masked(text), "{text}");
        }
    }

    #[test]
    fn ids_and_phones_are_taken_as_people_paste_and_type_them() {
        let id = ResidentId::parse("130104199001010018").unwrap();
        assert_eq!(ResidentId::parse("130104 19900101 0018").unwrap(), id);
        assert_eq!(
            ResidentId::parse("１３０１０４１９９００１０１００１８").unwrap(),
            id
        );
        assert_eq!(
            ResidentId::parse("\u{3000}130104199001010018 ").unwrap(),
            id
        );
        let phone = PhoneNumber::parse("13803112233").unwrap();
        assert_eq!(PhoneNumber::parse("１３８０３１１２２３３").unwrap(), phone);
        assert_eq!(
            PhoneNumber::parse("＋８６ 138\u{3000}0311 2233").unwrap(),
            phone
        );
    }

    #[test]
    fn resident_ids_are_checked() {
        let id = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(ResidentId::parse(""), Err(ResidentIdError::Empty));
        assert_eq!(
            ResidentId::parse("1101051949123100"),
            Err(ResidentIdError::WrongLength { len: 16 })
        );
        assert_eq!(
            ResidentId::parse("11010519491231002Y"),
            Err(ResidentIdError::NonDigit { position: 18 })
        );
        assert_eq!(
            ResidentId::parse("99010519491231002X"),
            Err(ResidentIdError::UnknownRegion)
        );
        assert_eq!(
            ResidentId::parse("110105194913310025"),
            Err(ResidentIdError::InvalidBirthDate)
        );
        assert_eq!(
            ResidentId::parse("110105194912310021"),
            Err(ResidentIdError::CheckDigit { expected: 'X' })
        );
        let e = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(e.code(), "resident_id.check_digit");
        assert!(e.zh().contains("校验码"));
    }

    #[test]
    fn ages_and_parts() {
        let id = ResidentId::from_parts("130104", Date::new(1956, 3, 1).unwrap(), 123);
        assert!(ResidentId::parse(id.as_str()).is_ok());
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.age_on(Date::new(2026, 2, 28).unwrap()), 69);
        assert_eq!(id.age_on(Date::new(2026, 3, 1).unwrap()), 70);
    }

    #[test]
    fn phones_are_canonical() {
        for input in [
            "13803112233",
            "+86 138-0311-2233",
            "0086 13803112233",
            "8613803112233",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_str(),
                "13803112233",
                "{input}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("1380311223"),
            Err(PhoneNumberError::WrongLength { digits: 10 })
        );
        assert_eq!(
            PhoneNumber::parse("12803112233"),
            Err(PhoneNumberError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse("1380311223a"),
            Err(PhoneNumberError::BadCharacters)
        );
        assert_eq!(
            PhoneNumber::parse("13803112233").unwrap().masked(),
            "138****2233"
        );
    }

    #[test]
    fn names() {
        assert_eq!(PersonName::parse(" 张 伟 ").unwrap().as_str(), "张 伟");
        assert_eq!(
            PersonName::parse("买买提•艾力").unwrap().as_str(),
            "买买提·艾力"
        );
        assert!(PersonName::parse("John Smith").is_ok());
        assert_eq!(
            PersonName::parse("张3"),
            Err(PersonNameError::BadCharacter { character: '3' })
        );
        assert_eq!(PersonName::parse("张"), Err(PersonNameError::TooShort));
    }

    proptest! {
        #[test]
        fn generated_ids_round_trip(days in -25_000i64..20_000, seq in 0u16..1000) {
            let birth = Date::from_days_since_epoch(days);
            let id = ResidentId::from_parts("130102", birth, seq);
            prop_assert_eq!(ResidentId::parse(id.as_str()), Ok(id.clone()));
            prop_assert_eq!(id.birth_date(), birth);
        }

        #[test]
        fn any_single_digit_change_is_caught(days in -25_000i64..20_000, seq in 0u16..1000, pos in 0usize..17, delta in 1u8..10) {
            let id = ResidentId::from_parts("130102", Date::from_days_since_epoch(days), seq);
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse(&changed).is_err());
        }

        #[test]
        fn phone_formats_agree(n in 300_000_000u64..999_999_999) {
            let plain = format!("1{}{}", 3 + n % 7, n % 1_000_000_000);
            if plain.len() == 11 {
                let spaced = format!("+86 {} {} {}", &plain[0..3], &plain[3..7], &plain[7..]);
                prop_assert_eq!(PhoneNumber::parse(&spaced).unwrap(), PhoneNumber::parse(&plain).unwrap());
            }
        }
    }
}
