//! The plate pool's series (号段): the administrator loads a range of
//! numbers by its leading characters, and withholds a series from issue
//! (保留号段). A series is 3 or 4 characters of the serial alphabet with at
//! most two letters; loading it adds every ordinary number in it.

use super::plate::fold_typed;
use super::plate_selection::{is_withheld, MAX_LETTERS, SERIAL_ALPHABET, SERIAL_LEN};
use super::rules;

/// Why a series is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesProblem {
    /// Not 3 or 4 characters.
    Length,
    /// A character not used on plates (I and O are not).
    Character,
    /// More than two letters.
    TooManyLetters,
}

rules!(SeriesProblem {
    SeriesProblem::Length => ("plate_series.length", "号段为号牌序号的前3或4位，如D12", "A series is the first 3 or 4 characters of the serial, such as D12"),
    SeriesProblem::Character => ("plate_series.character", "号段只能含数字和字母（不含I、O）", "A series has only digits and letters (not I or O)"),
    SeriesProblem::TooManyLetters => ("plate_series.letters", "号段最多含2个字母", "A series has at most 2 letters"),
});

/// A series as typed (lower case, full width, spaces folded).
pub fn parse_series(input: &str) -> Result<String, SeriesProblem> {
    let series = fold_typed(input);
    if !series.chars().all(|c| SERIAL_ALPHABET.contains(c)) {
        return Err(SeriesProblem::Character);
    }
    if !(3..=4).contains(&series.chars().count()) {
        return Err(SeriesProblem::Length);
    }
    if series.chars().filter(char::is_ascii_alphabetic).count() > MAX_LETTERS {
        return Err(SeriesProblem::TooManyLetters);
    }
    Ok(series)
}

/// Every ordinary serial in a (parsed) series: the remaining characters
/// over the alphabet, at most two letters in all, none withheld by rule.
pub fn serials_in_series(series: &str) -> Vec<String> {
    let mut out = vec![series.to_string()];
    while out[0].len() < SERIAL_LEN {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                let letters = prefix.chars().filter(char::is_ascii_alphabetic).count();
                SERIAL_ALPHABET
                    .chars()
                    .filter(move |c| !(c.is_ascii_alphabetic() && letters >= MAX_LETTERS))
                    .map(move |c| format!("{prefix}{c}"))
            })
            .collect();
    }
    out.retain(|s| !is_withheld(s));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_read_as_typed_and_checked() {
        assert_eq!(parse_series(" d12 "), Ok("D12".into()));
        assert_eq!(parse_series("Ｄ１２３"), Ok("D123".into()));
        assert_eq!(parse_series("D1"), Err(SeriesProblem::Length));
        assert_eq!(parse_series("D1234"), Err(SeriesProblem::Length));
        assert_eq!(parse_series("DI2"), Err(SeriesProblem::Character));
        assert_eq!(parse_series("DAB"), Err(SeriesProblem::TooManyLetters));
    }

    #[test]
    fn a_series_holds_every_ordinary_number_in_it() {
        // Four fixed: the last character over all 34 (two letters at most).
        assert_eq!(serials_in_series("D123").len(), 34);
        // Two letters already: only digits follow.
        let two = serials_in_series("DA12");
        assert_eq!(two.len(), 10);
        assert!(two.iter().all(|s| s.starts_with("DA12")));
        // Withheld by rule: 12345 and 11111 are never in the pool.
        assert!(!serials_in_series("1234").contains(&"12345".to_string()));
        assert!(!serials_in_series("1111").contains(&"11111".to_string()));
        // Three fixed: 34 × 34, less the 24 × 24 with two more letters.
        assert_eq!(serials_in_series("D12").len(), 34 * 34 - 24 * 24);
        // No letter yet: 34 × 34 less 12345, withheld by rule.
        assert_eq!(serials_in_series("123").len(), 34 * 34 - 1);
    }
}
