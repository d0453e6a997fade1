//! 组织机构代码 (GB 11714-1997): the 9-character code on an organisation
//! code certificate — 8 body characters (digits, capital letters) and a
//! MOD 11 check character. A unified social credit code carries it as its
//! characters 9–17, so either code finds the same unit.

use super::credit_code::CreditCode;
use super::text::compact_upper;
use super::{rules, string_newtype};
use serde::{Deserialize, Serialize};

/// 组织机构代码, e.g. `M000100Y4` (the hyphen before the check character,
/// as certificates print it, is dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationCode(String);
string_newtype!(OrganisationCode);

const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrganisationCodeError {
    WrongLength { len: usize },
    BadCharacter { position: usize },
    CheckCharacter,
}

rules!(OrganisationCodeError {
    OrganisationCodeError::WrongLength { len } => ("organisation_code.length",
        "组织机构代码应为9位（8位本体代码和1位校验码），您输入了{len}位",
        "The organisation code has 9 characters (8 and a check character); you entered {len}"),
    OrganisationCodeError::BadCharacter { position } => ("organisation_code.character",
        "组织机构代码第{position}位应为数字或大写字母",
        "Character {position} of the organisation code must be a digit or a capital letter"),
    OrganisationCodeError::CheckCharacter => ("organisation_code.check",
        "组织机构代码最后一位校验码不正确，请核对组织机构代码证",
        "The check character of the organisation code is wrong. Check the certificate."),
});

fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

impl OrganisationCode {
    pub fn parse(input: &str) -> Result<OrganisationCode, OrganisationCodeError> {
        let s: String = compact_upper(input).chars().filter(|c| *c != '-').collect();
        let len = s.chars().count();
        if len != 9 {
            return Err(OrganisationCodeError::WrongLength { len });
        }
        for (i, b) in s.bytes().enumerate().take(8) {
            if value(b).is_none() {
                return Err(OrganisationCodeError::BadCharacter { position: i + 1 });
            }
        }
        let expected = OrganisationCode::check_char(&s[..8]);
        if expected != Some(s.as_bytes()[8] as char) {
            return Err(OrganisationCodeError::CheckCharacter);
        }
        Ok(OrganisationCode(s))
    }

    /// The check character of 8 body characters: 11 − (Σ value × weight
    /// mod 11), written `X` for 10 and `0` for 11.
    pub fn check_char(body: &str) -> Option<char> {
        if body.len() != 8 {
            return None;
        }
        let mut sum = 0;
        for (b, w) in body.bytes().zip(WEIGHTS) {
            sum += value(b)? * w;
        }
        Some(match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            n => char::from(b'0' + n as u8),
        })
    }

    /// The organisation code a credit code carries (characters 9–17), if
    /// it is a valid one.
    pub fn of_credit_code(code: &CreditCode) -> Option<OrganisationCode> {
        OrganisationCode::parse(&code.as_str()[8..17]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_codes_are_checked() {
        assert_eq!(
            OrganisationCode::parse("M000100Y4").unwrap().as_str(),
            "M000100Y4"
        );
        assert_eq!(
            OrganisationCode::parse(" m000100y-4 ").unwrap().as_str(),
            "M000100Y4"
        );
        assert_eq!(
            OrganisationCode::parse("M000100Y5"),
            Err(OrganisationCodeError::CheckCharacter)
        );
        assert_eq!(
            OrganisationCode::parse("M0001"),
            Err(OrganisationCodeError::WrongLength { len: 5 })
        );
        assert_eq!(
            OrganisationCode::parse("M00010_Y4"),
            Err(OrganisationCodeError::BadCharacter { position: 7 })
        );
        // A check of 10 is X (4×3 = 12 ≡ 1); of 11, 0.
        assert_eq!(OrganisationCode::check_char("40000000"), Some('X'));
        assert_eq!(OrganisationCode::check_char("00000000"), Some('0'));
        for body in ["00000000", "12345678", "D2143569", "70640500"] {
            let c = OrganisationCode::check_char(body).unwrap();
            assert!(
                OrganisationCode::parse(&format!("{body}{c}")).is_ok(),
                "{body}{c}"
            );
        }
    }

    #[test]
    fn a_credit_code_carries_its_organisation_code() {
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(
            OrganisationCode::of_credit_code(&code).unwrap().as_str(),
            "M000100Y4"
        );
    }
}
