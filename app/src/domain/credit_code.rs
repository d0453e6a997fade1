//! 统一社会信用代码 (GB 32100-2015): the code that identifies a unit (单位) —
//! on its business licence or organisation code certificate.

use super::text::compact_upper;
use super::{rules, string_newtype};
use serde::{Deserialize, Serialize};

/// 统一社会信用代码 (GB 32100-2015): 18 characters from
/// "0123456789ABCDEFGHJKLMNPQRTUWXY"; registration-authority code, type,
/// 6-digit region, 9-character organisation code and a MOD 31 check character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);
string_newtype!(CreditCode);

const CC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditCodeError {
    Empty,
    WrongLength { len: usize },
    BadCharacter { position: usize },
    BadRegion,
    CheckCharacter { expected: char },
}

rules!(CreditCodeError {
    CreditCodeError::Empty => ("credit_code.empty", "请输入统一社会信用代码", "Enter the unified social credit code"),
    CreditCodeError::WrongLength { len } => ("credit_code.length",
        "统一社会信用代码应为18位，您输入了{len}位",
        "The unified social credit code has 18 characters; you entered {len}"),
    CreditCodeError::BadCharacter { position } => ("credit_code.character",
        "统一社会信用代码第{position}位字符无效（不使用I、O、S、V、Z）",
        "Character {position} of the code is not allowed (I, O, S, V and Z are never used)"),
    CreditCodeError::BadRegion => ("credit_code.region",
        "统一社会信用代码第3至8位应为行政区划代码（数字）",
        "Characters 3 to 8 of the code must be a region code (digits)"),
    CreditCodeError::CheckCharacter { expected } => ("credit_code.check",
        "统一社会信用代码最后一位校验码不正确，请核对营业执照",
        "The last character (check character) of the code is wrong. Check the business licence."),
});

fn cc_value(c: u8) -> Option<u32> {
    CC_CHARS.iter().position(|&x| x == c).map(|p| p as u32)
}

impl CreditCode {
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(CreditCodeError::WrongLength { len });
        }
        for (i, b) in s.bytes().enumerate() {
            if cc_value(b).is_none() {
                return Err(CreditCodeError::BadCharacter { position: i + 1 });
            }
        }
        let first = s.as_bytes()[0];
        if !(first.is_ascii_digit() && first != b'0' || matches!(first, b'A' | b'N' | b'Y')) {
            return Err(CreditCodeError::BadCharacter { position: 1 });
        }
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditCodeError::BadRegion);
        }
        let expected = CreditCode::check_char(&s[0..17]).expect("charset checked");
        if s.as_bytes()[17] as char != expected {
            return Err(CreditCodeError::CheckCharacter { expected });
        }
        Ok(CreditCode(s))
    }

    /// The check character for the first 17 characters.
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 {
            return None;
        }
        let mut sum = 0;
        for (b, w) in first17.bytes().zip(CC_WEIGHTS) {
            sum += cc_value(b)? * w;
        }
        Some(CC_CHARS[((31 - sum % 31) % 31) as usize] as char)
    }

    /// Completes 17 characters with their check character.
    pub fn from_first17(first17: &str) -> Option<CreditCode> {
        let c = CreditCode::check_char(first17)?;
        CreditCode::parse(&format!("{first17}{c}")).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn credit_codes_are_checked() {
        // A published sample code with a valid check character.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckCharacter { expected: '3' })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100YI3"),
            Err(CreditCodeError::BadCharacter { position: 17 })
        );
        assert_eq!(
            CreditCode::parse("913501"),
            Err(CreditCodeError::WrongLength { len: 6 })
        );
        let made = CreditCode::from_first17("91130104MA0000001").unwrap();
        assert!(CreditCode::parse(made.as_str()).is_ok());
    }

    proptest! {
        #[test]
        fn generated_credit_codes_round_trip(org in "[0-9A-HJ-NP-RTUW-Y]{9}") {
            let code = CreditCode::from_first17(&format!("91130104{org}")).unwrap();
            prop_assert!(CreditCode::parse(code.as_str()).is_ok());
        }
    }
}
