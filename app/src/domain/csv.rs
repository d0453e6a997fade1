//! Spreadsheet export (CSV 导出): how one row of a table is written so that
//! spreadsheet programs open it as it is meant — UTF-8 with a byte-order
//! mark (without it, Excel on a Chinese system reads the file as GBK), every
//! cell that needs it quoted (RFC 4180), and no cell that would run as a
//! formula: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading apostrophe, so it stays text (CSV injection).

/// The byte-order mark that opens every exported file.
pub const BOM: &str = "\u{feff}";

/// One cell as written: quoted when it holds a comma, a quote or a line
/// break (quotes doubled); a would-be formula turned into text.
pub fn cell(value: &str) -> String {
    let defused = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One line of cells, ended by CRLF (RFC 4180).
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_stay_as_they_are() {
        assert_eq!(cell("冀A12345"), "冀A12345");
        assert_eq!(cell(""), "");
        assert_eq!(row(&["a", "b"]), "a,b\r\n");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_become_text() {
        for bad in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(bad).trim_start_matches('"').starts_with('\''), "{bad}");
        }
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        // A minus inside a value is not a formula.
        assert_eq!(cell("2026-11-29"), "2026-11-29");
    }
}
