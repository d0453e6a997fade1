//! 机动车号牌号码: province abbreviation + issuing-authority letter + serial.

use super::{rules, string_newtype};
use serde::{Deserialize, Serialize};

/// The 31 province-level abbreviations used on plates.
pub const PROVINCES: &str = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新";

/// A plate number such as 冀A12345 (ordinary, 5-character serial) or
/// 冀AD12345 (new energy, 6 characters: D/F first and four digits last for
/// small vehicles, or five digits then D/F for large ones). I and O are
/// never used. Canonical form has no separator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlateNumber(String);
string_newtype!(PlateNumber);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlateNumberError {
    Empty,
    UnknownProvince,
    BadAuthorityLetter,
    ForbiddenLetter,
    BadSerialLength { len: usize },
    BadSerialCharacter,
    BadNewEnergyPattern,
}

rules!(PlateNumberError {
    PlateNumberError::Empty => ("plate.empty", "请输入号牌号码", "Enter the plate number"),
    PlateNumberError::UnknownProvince => ("plate.province",
        "号牌号码应以省份简称开头，如“冀”", "A plate number starts with a province abbreviation such as 冀"),
    PlateNumberError::BadAuthorityLetter => ("plate.authority",
        "省份简称后应为发牌机关代号字母，如“A”", "After the province comes the issuing authority's letter, such as A"),
    PlateNumberError::ForbiddenLetter => ("plate.io",
        "号牌号码中不使用字母I和O", "Plate numbers never use the letters I and O"),
    PlateNumberError::BadSerialLength { len } => ("plate.length",
        "号牌序号应为5位（新能源汽车为6位），您输入了{len}位",
        "The serial has 5 characters (6 for new-energy vehicles); you entered {len}"),
    PlateNumberError::BadSerialCharacter => ("plate.character",
        "号牌序号只能由字母和数字组成", "The serial may contain only letters and digits"),
    PlateNumberError::BadNewEnergyPattern => ("plate.new_energy",
        "新能源号牌序号应以D或F开头且后四位为数字，或前五位为数字且以D或F结尾",
        "A new-energy serial starts with D or F and ends in four digits, or has five digits then D or F"),
});

/// Separators people type inside a plate number: the dot printed on the
/// plate (·, and the look-alikes input methods produce), hyphens and full
/// stops.
const SEPARATORS: &[char] = &[
    '\u{00B7}', // · middle dot, as printed
    '\u{2022}', // • bullet
    '\u{2027}', // ‧ hyphenation point
    '\u{2219}', // ∙ bullet operator
    '\u{22C5}', // ⋅ dot operator
    '\u{30FB}', // ・ katakana middle dot (Chinese and Japanese input methods)
    '\u{FF65}', // ･ half-width katakana middle dot
    '.', '-', '\u{2010}', // ‐ hyphen
    '\u{2013}', // – en dash
    '\u{2014}', // — em dash
];

/// A plate (or a part of one) as typed, in canonical form: full-width
/// forms folded to ASCII, white space and separators dropped, ASCII letters
/// upper-cased. "冀ａ·１２３４５" and "冀A 12345" both become "冀A12345".
pub fn fold_typed(input: &str) -> String {
    super::text::fold_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && !SEPARATORS.contains(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl PlateNumber {
    /// Parses a plate as people type it: full-width letters and digits,
    /// lower case, spaces and the dot printed on the plate are all accepted
    /// (see [`fold_typed`]).
    pub fn parse(input: &str) -> Result<PlateNumber, PlateNumberError> {
        let s = fold_typed(input);
        let mut chars = s.chars();
        let province = chars.next().ok_or(PlateNumberError::Empty)?;
        if !PROVINCES.contains(province) {
            return Err(PlateNumberError::UnknownProvince);
        }
        let authority = chars.next().ok_or(PlateNumberError::BadAuthorityLetter)?;
        if authority == 'I' || authority == 'O' {
            return Err(PlateNumberError::ForbiddenLetter);
        }
        if !authority.is_ascii_uppercase() {
            return Err(PlateNumberError::BadAuthorityLetter);
        }
        let serial: Vec<char> = chars.collect();
        if serial.iter().any(|c| !c.is_ascii_alphanumeric()) {
            return Err(PlateNumberError::BadSerialCharacter);
        }
        if serial.iter().any(|c| *c == 'I' || *c == 'O') {
            return Err(PlateNumberError::ForbiddenLetter);
        }
        match serial.len() {
            5 => {}
            6 => {
                let small =
                    matches!(serial[0], 'D' | 'F') && serial[2..].iter().all(char::is_ascii_digit);
                let large =
                    serial[..5].iter().all(char::is_ascii_digit) && matches!(serial[5], 'D' | 'F');
                if !(small || large) {
                    return Err(PlateNumberError::BadNewEnergyPattern);
                }
            }
            len => return Err(PlateNumberError::BadSerialLength { len }),
        }
        Ok(PlateNumber(s))
    }

    pub fn province(&self) -> char {
        self.0.chars().next().expect("validated")
    }
    pub fn authority(&self) -> char {
        self.0.chars().nth(1).expect("validated")
    }
    /// The part after the city prefix.
    pub fn serial(&self) -> &str {
        let start = self
            .0
            .char_indices()
            .nth(2)
            .map(|(i, _)| i)
            .expect("validated");
        &self.0[start..]
    }
    pub fn is_new_energy(&self) -> bool {
        self.serial().len() == 6
    }
    /// "冀A"
    pub fn city_prefix(&self) -> String {
        self.0.chars().take(2).collect()
    }
    pub fn letters_in_serial(&self) -> usize {
        self.serial()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .count()
    }
    /// "冀A·12345", as printed on the plate.
    pub fn display_dotted(&self) -> String {
        format!("{}·{}", self.city_prefix(), self.serial())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_are_accepted_as_people_type_them() {
        for typed in [
            "冀a·12345",
            "冀A 12345",
            "冀A12345",
            " 冀a12345 ",
            "冀Ａ１２３４５",
            "冀ａ・１２３４５",
            "冀A\u{3000}12345",
            "冀A-12345",
            "冀A.12345",
            "冀A•12345",
        ] {
            assert_eq!(
                PlateNumber::parse(typed).map(|p| p.as_str().to_string()),
                Ok("冀A12345".to_string()),
                "{typed:?}"
            );
        }
        assert_eq!(
            PlateNumber::parse("冀ａｄ１２３４５").unwrap().as_str(),
            "冀AD12345"
        );
        assert_eq!(fold_typed("ａｂ１"), "AB1");
        assert_eq!(
            PlateNumber::parse("冀Ａ１２３４Ｏ"),
            Err(PlateNumberError::ForbiddenLetter),
            "folding does not hide a forbidden letter"
        );
        assert_eq!(
            PlateNumber::parse("冀A12#45"),
            Err(PlateNumberError::BadSerialCharacter)
        );
    }

    #[test]
    fn plates() {
        assert_eq!(
            PlateNumber::parse("冀a·12345").unwrap().as_str(),
            "冀A12345"
        );
        let p = PlateNumber::parse("冀AD12345").unwrap();
        assert!(p.is_new_energy());
        assert_eq!(p.display_dotted(), "冀A·D12345");
        assert!(PlateNumber::parse("冀A12345F").is_ok());
        assert_eq!(
            PlateNumber::parse("X A12345"),
            Err(PlateNumberError::UnknownProvince)
        );
        assert_eq!(
            PlateNumber::parse("冀A1234O"),
            Err(PlateNumberError::ForbiddenLetter)
        );
        assert_eq!(
            PlateNumber::parse("冀I12345"),
            Err(PlateNumberError::ForbiddenLetter)
        );
        assert_eq!(
            PlateNumber::parse("冀A1234"),
            Err(PlateNumberError::BadSerialLength { len: 4 })
        );
        assert_eq!(
            PlateNumber::parse("冀AA12345"),
            Err(PlateNumberError::BadNewEnergyPattern)
        );
        assert!(
            PlateNumber::parse("冀A12B45").is_ok(),
            "5-character serials may mix letters"
        );
        assert_eq!(
            PlateNumber::parse("冀AD1C345"),
            Err(PlateNumberError::BadNewEnergyPattern)
        );
        assert_eq!(
            PlateNumber::parse("冀A1234DF"),
            Err(PlateNumberError::BadNewEnergyPattern)
        );
        assert_eq!(
            PlateNumber::parse("冀A1234567"),
            Err(PlateNumberError::BadSerialLength { len: 7 })
        );
        assert_eq!(
            PlateNumber::parse("冀A12A45").unwrap().letters_in_serial(),
            1
        );
    }
}
