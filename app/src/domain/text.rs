//! How people type codes: Chinese input methods produce full-width
//! characters (全角, `１２３` `Ａ` `＋`) and the ideographic space; pasted
//! numbers carry spaces and dashes. Every parser of a typed code folds the
//! input here first, so what the person sees as the same number is the same
//! number.

/// Folds full-width ASCII forms (U+FF01–U+FF5E) to their ASCII characters and
/// the ideographic space (U+3000) to a plain space; everything else is kept.
pub fn fold_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Folds width, drops white space and upper-cases ASCII letters: how long
/// codes (ID numbers, credit codes) are compared.
pub fn compact_upper(input: &str) -> String {
    fold_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The digits of a one-time code as typed or pasted ("482 483", "４８２４８３");
/// None when anything other than digits, spaces or dashes was typed.
pub fn code_digits(input: &str) -> Option<String> {
    let folded = fold_width(input);
    let mut digits = String::new();
    for c in folded.chars() {
        match c {
            '0'..='9' => digits.push(c),
            c if c.is_whitespace() || c == '-' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// The longest reference number the platform issues (业务流水号, 缴款凭证号,
/// 订单号…) with room to spare.
pub const REFERENCE_MAX_CHARS: usize = 40;

/// A reference number as typed, pasted or carried in a link: width folded,
/// white space dropped, letters upper-cased; None when it holds anything
/// but ASCII letters, digits and dashes or is empty or too long — such a
/// thing names no record, and never reaches a database query.
pub fn reference_number(input: &str) -> Option<String> {
    let compact = compact_upper(input);
    let ok = !compact.is_empty()
        && compact.chars().count() <= REFERENCE_MAX_CHARS
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(fold_width("１３０１３０　１９９５ｘ"), "130130 1995x");
        assert_eq!(fold_width("＋８６－１３８"), "+86-138");
        assert_eq!(fold_width("冀Ａ·１２３"), "冀A·123");
    }

    #[test]
    fn compact_upper_removes_spaces_of_every_kind() {
        assert_eq!(
            compact_upper(" 130130 19950606\u{3000}420x\t"),
            "13013019950606420X"
        );
    }

    #[test]
    fn codes_accept_spaces_and_full_width_digits_only() {
        assert_eq!(code_digits("482 483").as_deref(), Some("482483"));
        assert_eq!(code_digits("４８２４８３").as_deref(), Some("482483"));
        assert_eq!(code_digits("48248a"), None);
    }

    #[test]
    fn reference_numbers_are_read_as_typed_and_nothing_else_passes() {
        assert_eq!(
            reference_number(" sq２０２６-0001 ").as_deref(),
            Some("SQ2026-0001")
        );
        assert_eq!(
            reference_number("R20261129000001").as_deref(),
            Some("R20261129000001")
        );
        for bad in [
            "",
            "   ",
            "SQ\u{0}1",
            "SQ';--",
            "申请1",
            "A\u{202e}B",
            &"9".repeat(41),
        ] {
            assert_eq!(reference_number(bad), None, "{bad:?}");
        }
    }
}
