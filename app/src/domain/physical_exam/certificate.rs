//! The certificate number (身体条件证明编号) a hospital's examination gets.

use crate::domain::Date;
use serde::{Deserialize, Serialize};

/// The certificate number (身体条件证明编号): the day of the examination,
/// the record number and a check digit (ISO 7064 MOD 11-2, as in the
/// resident ID), so a slip in typing it is caught before any look-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    pub fn new(examined_on: Date, record_id: i64) -> CertificateNumber {
        let body = format!(
            "{:04}{:02}{:02}{:08}",
            examined_on.year(),
            examined_on.month(),
            examined_on.day(),
            record_id
        );
        let check = check_char(&body);
        CertificateNumber(format!("{body}{check}"))
    }

    /// As typed: 17 characters, spaces, hyphens and full-width digits
    /// allowed, the last a digit or X.
    pub fn parse(raw: &str) -> Result<CertificateNumber, (&'static str, &'static str)> {
        let compact: String = crate::domain::text::compact_upper(raw)
            .chars()
            .filter(|c| *c != '-')
            .collect();
        let well_formed = compact.is_ascii()
            && compact.len() == 17
            && compact[..16].chars().all(|c| c.is_ascii_digit())
            && compact[16..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == 'X');
        if !well_formed {
            return Err((
                "证明编号为17位，请按身体条件证明上的编号填写",
                "The certificate number has 17 characters, as printed on the certificate",
            ));
        }
        if check_char(&compact[..16]) != compact.chars().last().unwrap_or(' ') {
            return Err((
                "证明编号有误，请核对后重新填写",
                "The certificate number is not right: check it and type it again",
            ));
        }
        Ok(CertificateNumber(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The record number inside it.
    pub fn record_id(&self) -> i64 {
        self.0[8..16].parse().unwrap_or(0)
    }
}

fn check_char(body: &str) -> char {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap_or(0) * (1u32 << ((i + 1) % 10)) % 11)
        .sum();
    let r = (12 - sum % 11) % 11;
    if r == 10 {
        'X'
    } else {
        char::from_digit(r, 10).unwrap_or('0')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn certificate_numbers_carry_a_check_digit() {
        let n = CertificateNumber::new(d(2026, 11, 29), 42);
        assert_eq!(n.as_str().len(), 17);
        assert!(n.as_str().starts_with("2026112900000042"));
        assert_eq!(n.record_id(), 42);
        let typed = format!("{} {}", &n.as_str()[..8], &n.as_str()[8..]).to_lowercase();
        assert_eq!(CertificateNumber::parse(&typed).unwrap(), n);
        let mut slip: Vec<char> = n.as_str().chars().collect();
        slip[10] = if slip[10] == '1' { '2' } else { '1' };
        let slip: String = slip.into_iter().collect();
        assert_eq!(
            CertificateNumber::parse(&slip).unwrap_err().0,
            "证明编号有误，请核对后重新填写"
        );
        assert!(CertificateNumber::parse("123").is_err());
        // Every record number gets a number that reads back.
        for id in 1..2000 {
            let n = CertificateNumber::new(d(2026, 1, 1), id);
            assert_eq!(
                CertificateNumber::parse(n.as_str()).unwrap().record_id(),
                id
            );
        }
    }

    #[test]
    fn full_width_and_odd_characters_are_read_or_refused_never_a_panic() {
        let n = CertificateNumber::new(d(2026, 11, 29), 7);
        let wide: String = n
            .as_str()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(CertificateNumber::parse(&wide).unwrap(), n);
        let dashed = format!("{}-{}", &n.as_str()[..8], &n.as_str()[8..]);
        assert_eq!(CertificateNumber::parse(&dashed).unwrap(), n);
        for odd in [
            "123456789012345é6",
            "１２３４５６７８９０１２３４５６é",
            "éééééééééééééééé7",
            "二〇二六一一二九〇〇〇〇〇〇〇七",
        ] {
            assert!(CertificateNumber::parse(odd).is_err(), "{odd}");
        }
    }
}
