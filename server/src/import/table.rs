//! The shape of an import file (导入文件格式): a header row naming the
//! columns (by English key or Chinese name, in any order), then one row per
//! record. A row's values are read here, each with the domain parser that
//! owns it; every value that fails adds a [`Problem`] naming the line and
//! the column, so one pass reports everything wrong with a file.

use super::decode::Record;
use app::domain::{Date, Rule};
use std::fmt;

/// A column of an import file (列).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The English key, e.g. `id_number` (matched case-insensitively).
    pub key: &'static str,
    /// The Chinese name, e.g. 身份证明号码.
    pub zh: &'static str,
    pub required: bool,
}

/// A required column.
pub const fn req(key: &'static str, zh: &'static str) -> Column {
    Column {
        key,
        zh,
        required: true,
    }
}

/// An optional column: it may be left out of the header or left empty.
pub const fn opt(key: &'static str, zh: &'static str) -> Column {
    Column {
        key,
        zh,
        required: false,
    }
}

/// Something wrong with a line of the file (问题), in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the file (the header is line 1 when it comes first).
    pub line: u64,
    /// The column, when the problem is one value's.
    pub column: Option<Column>,
    pub zh: String,
    pub en: String,
}

impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        self.key == other.key
    }
}
impl Eq for Column {}

impl Problem {
    /// A problem with a line as a whole.
    pub fn file(line: u64, zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            line,
            column: None,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A problem with one value.
    pub fn value(
        line: u64,
        column: Column,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Problem {
        Problem {
            line,
            column: Some(column),
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行 line {}", self.line, self.line)?;
        if let Some(c) = self.column {
            write!(f, ", {} ({})", c.zh, c.key)?;
        }
        write!(f, ": {} / {}", self.zh, self.en)
    }
}

/// Where each of a kind's columns is in the file.
pub struct Header {
    columns: &'static [Column],
    /// For each of `columns`, its index in the file's rows.
    at: Vec<Option<usize>>,
    width: usize,
}

impl Header {
    /// Reads the header row: every name must be one of the kind's columns
    /// (English key or Chinese name), once; every required column present.
    pub fn read(columns: &'static [Column], record: &Record) -> Result<Header, Vec<Problem>> {
        let mut at = vec![None; columns.len()];
        let mut problems = Vec::new();
        let known = || {
            columns
                .iter()
                .map(|c| format!("{} ({})", c.key, c.zh))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, name) in record.values.iter().enumerate() {
            let found = columns
                .iter()
                .position(|c| c.key.eq_ignore_ascii_case(name) || c.zh == name);
            match found {
                Some(k) if at[k].is_some() => problems.push(Problem::file(
                    record.line,
                    format!("表头中“{name}”列出现了两次"),
                    format!("The header names the column {name:?} twice"),
                )),
                Some(k) => at[k] = Some(i),
                None => problems.push(Problem::file(
                    record.line,
                    format!("表头第{}列“{name}”不是本类文件的列；可用的列：{}", i + 1, known()),
                    format!(
                        "Column {} of the header, {name:?}, is not a column of this kind of file; the columns are: {}",
                        i + 1,
                        known()
                    ),
                )),
            }
        }
        for (k, c) in columns.iter().enumerate() {
            if c.required && at[k].is_none() {
                problems.push(Problem::file(
                    record.line,
                    format!("表头缺少必填列“{}”（{}）", c.zh, c.key),
                    format!("The header lacks the required column {} ({})", c.key, c.zh),
                ));
            }
        }
        if problems.is_empty() {
            Ok(Header {
                columns,
                at,
                width: record.values.len(),
            })
        } else {
            Err(problems)
        }
    }

    /// The row reader for one record; a record of another width is a
    /// problem at once.
    pub fn row<'a>(&'a self, record: &'a Record) -> Row<'a> {
        let mut problems = Vec::new();
        if record.values.len() != self.width {
            problems.push(Problem::file(
                record.line,
                format!(
                    "此行有{}个值，表头有{}列（值中含逗号时须加英文双引号）",
                    record.values.len(),
                    self.width
                ),
                format!(
                    "This line has {} values but the header has {} columns (quote a value that holds a comma)",
                    record.values.len(),
                    self.width
                ),
            ));
        }
        Row {
            header: self,
            record,
            problems,
        }
    }
}

/// One row being read: each accessor parses a value or records why not.
pub struct Row<'a> {
    header: &'a Header,
    record: &'a Record,
    problems: Vec<Problem>,
}

impl<'a> Row<'a> {
    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// The column with this key (a programming error if the kind has none).
    pub fn column(&self, key: &str) -> Column {
        *self
            .header
            .columns
            .iter()
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("no column {key}"))
    }

    /// The value of a column as written (trimmed), empty when absent.
    pub fn raw(&self, key: &str) -> &'a str {
        let k = self
            .header
            .columns
            .iter()
            .position(|c| c.key == key)
            .unwrap_or_else(|| panic!("no column {key}"));
        self.header.at[k]
            .and_then(|i| self.record.values.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Records a problem with a value.
    pub fn fail(&mut self, key: &str, zh: impl Into<String>, en: impl Into<String>) {
        let column = self.column(key);
        self.problems
            .push(Problem::value(self.line(), column, zh, en));
    }

    /// Records a problem with the row as a whole.
    pub fn fail_row(&mut self, zh: impl Into<String>, en: impl Into<String>) {
        self.problems.push(Problem::file(self.line(), zh, en));
    }

    /// The value, or a problem when it is empty.
    pub fn present(&mut self, key: &str) -> Option<&'a str> {
        let raw = self.raw(key);
        if raw.is_empty() {
            let c = self.column(key);
            self.fail(
                key,
                format!("“{}”不能为空", c.zh),
                format!("{} must not be empty", c.key),
            );
            return None;
        }
        Some(raw)
    }

    /// A required value through a domain parser, whose rule explains a
    /// failure.
    pub fn parse<T, E: Rule>(
        &mut self,
        key: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.present(key)?;
        match parse(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(
                    key,
                    format!("“{raw}”：{}", e.zh()),
                    format!("{raw:?}: {}", e.en()),
                );
                None
            }
        }
    }

    /// Plain text of at most `max` characters, without control characters.
    pub fn text(&mut self, key: &str, max: usize) -> Option<String> {
        let raw = self.present(key)?;
        let n = raw.chars().count();
        if n > max {
            self.fail(
                key,
                format!("不能超过{max}个字（现有{n}个）"),
                format!("at most {max} characters (this has {n})"),
            );
            return None;
        }
        if raw.chars().any(char::is_control) {
            self.fail(
                key,
                "含有控制字符或换行",
                "holds a control character or a line break",
            );
            return None;
        }
        Some(raw.to_string())
    }

    /// One of a coded list (代码), by its code or its Chinese name.
    pub fn coded<T: Copy>(
        &mut self,
        key: &str,
        all: &[T],
        code: impl Fn(T) -> &'static str,
        zh: impl Fn(T) -> &'static str,
    ) -> Option<T> {
        let raw = self.present(key)?;
        let folded = app::domain::text::compact_upper(raw);
        let plain = |s: &str| s.replace(['，', ','], "");
        if let Some(v) = all
            .iter()
            .find(|v| code(**v).eq_ignore_ascii_case(&folded) || plain(zh(**v)) == plain(raw))
        {
            return Some(*v);
        }
        let codes = all.iter().map(|v| code(*v)).collect::<Vec<_>>().join(", ");
        self.fail(
            key,
            format!("“{raw}”不是有效代码，可用：{codes}（或其中文名称）"),
            format!("{raw:?} is not a valid code; use one of {codes} (or its Chinese name)"),
        );
        None
    }

    /// A date, `YYYY-MM-DD` or `YYYYMMDD` (`YYYY/MM/DD` as Excel writes).
    pub fn date(&mut self, key: &str) -> Option<Date> {
        let raw = self.present(key)?;
        self.date_of(key, raw)
    }

    /// An optional date: None when empty.
    pub fn opt_date(&mut self, key: &str) -> Option<Option<Date>> {
        let raw = self.raw(key);
        if raw.is_empty() {
            return Some(None);
        }
        self.date_of(key, raw).map(Some)
    }

    fn date_of(&mut self, key: &str, raw: &str) -> Option<Date> {
        let dashed = raw.replace('/', "-");
        match Date::parse_iso(&dashed).or_else(|| Date::parse_compact(raw)) {
            Some(d) => Some(d),
            None => {
                self.fail(
                    key,
                    format!("“{raw}”不是有效日期，应为YYYY-MM-DD"),
                    format!("{raw:?} is not a valid date; write YYYY-MM-DD"),
                );
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn number(&mut self, key: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let raw = self.present(key)?;
        match raw.parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                let (lo, hi) = (range.start(), range.end());
                self.fail(
                    key,
                    format!("“{raw}”应为{lo}到{hi}之间的整数"),
                    format!("{raw:?} must be a whole number from {lo} to {hi}"),
                );
                None
            }
        }
    }

    /// The problems found; None when the row is good.
    pub fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[req("id_number", "身份证明号码"), opt("note", "备注")];

    fn record(line: u64, values: &[&str]) -> Record {
        Record {
            line,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn the_header_takes_keys_or_chinese_names_in_any_order() {
        let h = Header::read(COLUMNS, &record(1, &["备注", "ID_NUMBER"])).unwrap();
        let r = record(2, &["hello", "130102199001010012"]);
        let row = h.row(&r);
        assert_eq!(row.raw("id_number"), "130102199001010012");
        assert_eq!(row.raw("note"), "hello");
        // An optional column may be left out.
        let h = Header::read(COLUMNS, &record(1, &["身份证明号码"])).unwrap();
        let r = record(2, &["1"]);
        assert_eq!(h.row(&r).raw("note"), "");
    }

    #[test]
    fn a_bad_header_names_every_problem() {
        let Err(problems) = Header::read(COLUMNS, &record(1, &["备注", "备注", "colour"]))
        else {
            panic!("accepted")
        };
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 3, "{text:?}");
        assert!(text[0].contains("twice"), "{}", text[0]);
        assert!(text[1].contains("\"colour\"") && text[1].contains("id_number (身份证明号码)"));
        assert!(text[2].contains("lacks the required column id_number"));
        assert!(problems.iter().all(|p| p.line == 1));
    }

    #[test]
    fn values_are_checked_and_each_failure_names_line_and_column() {
        let h = Header::read(COLUMNS, &record(1, &["id_number", "note"])).unwrap();
        let r = record(7, &["130102199001010013", ""]);
        let mut row = h.row(&r);
        assert!(row
            .parse("id_number", app::domain::ResidentId::parse)
            .is_none());
        assert!(row.text("note", 10).is_none());
        let problems = row.finish().unwrap_err();
        assert_eq!(problems.len(), 2);
        let first = problems[0].to_string();
        assert!(
            first.starts_with("第7行 line 7, 身份证明号码 (id_number): “130102199001010013”："),
            "{first}"
        );
        assert!(first.contains("check digit"), "{first}");
        assert!(problems[1].to_string().contains("note must not be empty"));
    }

    #[test]
    fn a_row_of_another_width_is_refused() {
        let h = Header::read(COLUMNS, &record(1, &["id_number", "note"])).unwrap();
        let r = record(3, &["a"]);
        let problems = h.row(&r).finish().unwrap_err();
        assert!(problems[0].en.contains("1 values but the header has 2"));
    }

    #[test]
    fn dates_numbers_codes_and_text() {
        const C: &[Column] = &[
            opt("d", "日期"),
            opt("n", "数"),
            opt("s", "状态"),
            opt("t", "文字"),
        ];
        let h = Header::read(C, &record(1, &["d", "n", "s", "t"])).unwrap();
        let good = record(2, &["2026/03/01", "12", "已处理未缴款", "石家庄"]);
        let mut row = h.row(&good);
        assert_eq!(row.date("d"), Date::new(2026, 3, 1));
        assert_eq!(row.number("n", 0..=12), Some(12));
        use app::domain::ViolationStatus as S;
        let status = row.coded("s", S::ALL, S::code, S::zh);
        assert_eq!(status, Some(S::HandledUnpaid));
        assert_eq!(row.text("t", 3).as_deref(), Some("石家庄"));
        assert!(row.finish().is_ok());

        let bad = record(3, &["2026-02-30", "13", "lost", "a\u{7}"]);
        let mut row = h.row(&bad);
        assert!(row.date("d").is_none());
        assert!(row.number("n", 0..=12).is_none());
        assert!(row.coded("s", S::ALL, S::code, S::zh).is_none());
        assert!(row.text("t", 9).is_none());
        let problems = row.finish().unwrap_err();
        assert_eq!(problems.len(), 4);
        assert!(problems[2]
            .en
            .contains("unhandled, handled_unpaid, paid, done"));
        let compact = record(4, &["20260301", "0", "PAID", ""]);
        let mut row = h.row(&compact);
        assert_eq!(row.opt_date("d"), Some(Date::new(2026, 3, 1)));
        assert_eq!(row.coded("s", S::ALL, S::code, S::zh), Some(S::Paid));
    }
}
