//! Licence share codes (驾驶证信息分享码): the holder makes a code for a
//! named party — an employer, a car-rental desk — that lets them see the
//! licence's status and points for up to 21 days, as the UK's DVLA offers.
//! The party enters the code with the licence number's last four
//! characters on the public check page; the holder sees every use and can
//! revoke the code at once.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Characters of a code: no 0/O or 1/I to misread (32 of them, so a random
/// byte modulo 32 is unbiased). Eight give 40 bits.
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a code.
pub const CODE_CHARS: usize = 8;
/// How long a code may last, in days (the holder picks one).
pub const VALIDITY_DAYS: [i64; 3] = [1, 7, 21];
/// Codes a holder may have active at once.
pub const MAX_ACTIVE: usize = 10;
/// The longest name of the party a code is for.
pub const PARTY_MAX_CHARS: usize = 30;
/// Wrong checks one address may make in an hour before it must wait.
pub const FAILED_CHECKS_PER_HOUR: i64 = 10;
/// How long a check's result page can be read again (reloaded).
pub const RESULT_MINUTES: i64 = 15;

/// A check's result key: 128 random bits, hex (made as a credential's id).
pub fn result_key(random: [u8; 16]) -> String {
    super::credential::credential_id(random)
}

/// Whether a result key is of that form (anything else is not looked up).
pub fn is_result_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A new code from eight random bytes.
pub fn new_code(random: [u8; CODE_CHARS]) -> String {
    random
        .iter()
        .map(|b| ALPHABET[(*b % 32) as usize] as char)
        .collect()
}

/// A code as shown and read out: `ABCD-EFGH`.
pub fn display(code: &str) -> String {
    if code.len() == CODE_CHARS {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// A code as typed: any case, spaces and dashes ignored.
pub fn parse_code(typed: &str) -> Result<String, Text> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '－')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.is_empty() {
        return Err(Text::new("请输入分享码", "Enter the share code"));
    }
    if code.chars().count() != CODE_CHARS || !code.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(Text::new(
            "分享码是8位字母和数字，如 ABCD-EFGH（不含0、1、I、O）",
            "A share code is eight letters and digits, like ABCD-EFGH (no 0, 1, I or O)",
        ));
    }
    Ok(code)
}

/// The licence number's last four characters, as typed.
pub fn parse_licence_tail(typed: &str) -> Result<String, Text> {
    let tail: String = typed.trim().to_ascii_uppercase();
    if tail.is_empty() {
        return Err(Text::new(
            "请输入驾驶证号后4位",
            "Enter the last four characters of the licence number",
        ));
    }
    let ok = tail.chars().count() == 4
        && tail
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 3 && c == 'X'));
    if !ok {
        return Err(Text::new(
            "驾驶证号后4位应为4位数字（最后一位可能是X）",
            "The last four characters are four digits (the last may be X)",
        ));
    }
    Ok(tail)
}

/// Who the code is for, or who is checking: a name, 1–30 characters.
pub fn parse_party(typed: &str, empty: Text) -> Result<String, Text> {
    let name: String = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(empty);
    }
    if name.chars().count() > PARTY_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Text::new(
            format!("名称不能超过{PARTY_MAX_CHARS}个字"),
            format!("At most {PARTY_MAX_CHARS} characters"),
        ));
    }
    Ok(name)
}

/// The validity picked, in days.
pub fn parse_days(typed: &str) -> Result<i64, Text> {
    typed
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| VALIDITY_DAYS.contains(d))
        .ok_or_else(|| Text::new("请选择有效期", "Choose how long it lasts"))
}

/// What the holder's list says of a code (分享码状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareState {
    Active,
    Expired,
    Revoked,
}

super::coded_enum!(ShareState {
    Active => ("active", "有效", "Active"),
    Expired => ("expired", "已过期", "Expired"),
    Revoked => ("revoked", "已撤销", "Revoked"),
});

impl ShareState {
    pub fn of(expires_at_ms: i64, revoked_at_ms: Option<i64>, now_ms: i64) -> ShareState {
        if revoked_at_ms.is_some() {
            ShareState::Revoked
        } else if now_ms >= expires_at_ms {
            ShareState::Expired
        } else {
            ShareState::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_read_back_as_typed() {
        let code = new_code([0, 31, 32, 255, 100, 7, 8, 9]);
        assert_eq!(code.len(), CODE_CHARS);
        assert!(!code.contains(['0', '1', 'I', 'O']));
        assert_eq!(code, "2Z2Z69AB");
        assert_eq!(display(&code), "2Z2Z-69AB");
        assert_eq!(parse_code(" 2z2z-69ab ").unwrap(), code);
        assert_eq!(parse_code("2Z2Z 69AB").unwrap(), code);
        assert!(parse_code("").is_err());
        assert!(parse_code("2Z2Z-69A").is_err(), "seven");
        assert!(parse_code("OZ2Z-69AB").is_err(), "an O");
        assert!(parse_code("2Z2Z-69AB-2").is_err(), "nine");
    }

    #[test]
    fn the_licence_tail_is_four_digits_or_three_and_an_x() {
        assert_eq!(parse_licence_tail("123x").unwrap(), "123X");
        assert_eq!(parse_licence_tail(" 0042 ").unwrap(), "0042");
        for bad in ["", "12", "12345", "X123", "12a4"] {
            assert!(parse_licence_tail(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_party_is_named_briefly_and_days_come_from_the_list() {
        let empty = || Text::new("请填写", "Fill in");
        assert_eq!(
            parse_party("  某某  汽车租赁 ", empty()).unwrap(),
            "某某 汽车租赁"
        );
        assert!(parse_party(" ", empty()).is_err());
        assert!(parse_party(&"租".repeat(31), empty()).is_err());
        assert!(parse_party("a\u{7}b", empty()).is_err());
        assert_eq!(parse_days("21"), Ok(21));
        assert!(parse_days("22").is_err() && parse_days("").is_err());
    }

    #[test]
    fn result_keys_are_lowercase_hex() {
        let key = result_key([0xab; 16]);
        assert!(is_result_key(&key));
        assert!(!is_result_key(&key.to_uppercase()) && !is_result_key(&key[1..]));
    }

    #[test]
    fn a_code_is_active_until_it_expires_or_is_revoked() {
        assert_eq!(ShareState::of(10, None, 9), ShareState::Active);
        assert_eq!(ShareState::of(10, None, 10), ShareState::Expired);
        assert_eq!(ShareState::of(10, Some(5), 9), ShareState::Revoked);
    }
}
