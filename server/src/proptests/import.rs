//! The registry import's decoder (bytes to text, text to records) and its
//! row readers: any file is read without a panic, and a row is kept
//! exactly when no problem was found with it.

use super::*;
use crate::import::decode::{decode, records, Encoding, Record};
use crate::import::table::{Column, Header, Row};
use crate::import::violations::parse_beijing_time;
use crate::import::{licences, persons, vehicles, violations};
use crate::payments::alipay::beijing_time;
use app::domain::vehicle::{VehicleStatus, VehicleType, Vin};
use app::domain::{Date, LicenceClass, LicenceStatus, ResidentId, ViolationStatus};
use encoding_rs::GBK;

/// Text near a CSV's own alphabet: separators, quotes, line breaks.
const CSV_CHARS: &str = "ab1中文,\"\n\r ;";

/// The lines of a text as an editor shows them: LF, CRLF and a lone CR
/// each end one.
fn lines(bytes: &[u8]) -> u64 {
    let breaks = (0..bytes.len())
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// A value of one column: something the column's parser may accept, an
/// empty cell, or anything.
fn cell(valid: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![6 => valid, 1 => Just(String::new()), 2 => any_input("0123456789-/: ", 24)].boxed()
}

fn id_number() -> BoxedStrategy<String> {
    (-25_000i64..15_000, 0u16..1000)
        .prop_map(|(days, seq)| {
            ResidentId::from_parts("130102", Date::from_days_since_epoch(days), seq).to_string()
        })
        .boxed()
}

fn date() -> BoxedStrategy<String> {
    (-20_000i64..25_000, 0..3usize)
        .prop_map(|(days, style)| {
            let iso = Date::from_days_since_epoch(days).to_iso();
            match style {
                0 => iso,
                1 => iso.replace('-', "/"),
                _ => iso.replace('-', ""),
            }
        })
        .boxed()
}

fn codes(all: Vec<&'static str>) -> BoxedStrategy<String> {
    prop::sample::select(all).prop_map(String::from).boxed()
}

fn text() -> BoxedStrategy<String> {
    "[a-z中文路号 ]{1,30}".boxed()
}

fn number(max: i64) -> BoxedStrategy<String> {
    (0..=max + 2).prop_map(|n| n.to_string()).boxed()
}

fn plate() -> BoxedStrategy<String> {
    "冀[AB][0-9A-HJ-NP-Z]{5}".boxed()
}

fn vin() -> BoxedStrategy<String> {
    "[0-9A-HJ-NPR-Z]{17}"
        .prop_map(|v| Vin::with_check_digit(&v).expect("the alphabet").to_string())
        .boxed()
}

/// A header naming every column (by key or Chinese name, in any order) and
/// a row with a value for each.
fn table(
    columns: &'static [Column],
    values: Vec<BoxedStrategy<String>>,
) -> impl Strategy<Value = (Record, Record)> {
    let n = columns.len();
    (
        Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
        vec(any::<bool>(), n),
        values,
    )
        .prop_map(move |(order, chinese, values)| {
            let name = |i: usize| {
                if chinese[i] {
                    columns[i].zh.to_string()
                } else {
                    columns[i].key.to_ascii_uppercase()
                }
            };
            let header = Record {
                line: 1,
                values: order.iter().map(|&i| name(i)).collect(),
            };
            let row = Record {
                line: 2,
                values: order
                    .iter()
                    .map(|&i| values[i].trim().to_string())
                    .collect(),
            };
            (header, row)
        })
}

/// Reads the row: no panic, and it is kept exactly when it has no problem.
fn reads<T>(
    columns: &'static [Column],
    parse: fn(&mut Row) -> Option<T>,
    (header, row): &(Record, Record),
) -> Result<bool, TestCaseError> {
    let header = Header::read(columns, header).expect("every column, once");
    let mut reader = header.row(row);
    let parsed = parse(&mut reader);
    match reader.finish() {
        Ok(()) => prop_assert!(parsed.is_some(), "a row without problems was dropped"),
        Err(problems) => prop_assert!(problems.iter().all(|p| p.line == 2)),
    }
    Ok(parsed.is_some())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_decode_or_name_their_line(
        head in prop::sample::select(vec![b"".to_vec(), b"\xEF\xBB\xBF".to_vec(), b"\xFF\xFE".to_vec()]),
        body in vec(any::<u8>(), 0..200),
    ) {
        let bytes = [head.clone(), body].concat();
        match decode(&bytes) {
            Ok((text, Encoding::Utf8)) => prop_assert_eq!(text.as_bytes(), &bytes[..]),
            Ok((text, Encoding::Utf8Bom)) => prop_assert_eq!(text.as_bytes(), &bytes[3..]),
            Ok((_, Encoding::Gbk)) => prop_assert!(std::str::from_utf8(&bytes).is_err()),
            Err(problem) => {
                prop_assert!((1..=lines(&bytes)).contains(&problem.line), "{}", problem);
            }
        }
    }

    #[test]
    fn gbk_files_read_back(text in "[a-z0-9,\n张伟李娜冀石家庄市路号（）：、]{0,60}") {
        let (bytes, _, unmappable) = GBK.encode(&text);
        prop_assert!(!unmappable);
        // A short GBK text can happen to be valid UTF-8 too ("伟" is CE B0,
        // "ΰ"): read as UTF-8, as the decoder says.
        prop_assume!(std::str::from_utf8(&bytes).is_err() || text.is_ascii());
        let (read, _) = decode(&bytes).expect("GBK");
        prop_assert_eq!(read, text);
    }

    #[test]
    fn any_text_splits_into_records_or_names_its_line(text in any_input(CSV_CHARS, 120)) {
        let lines = lines(text.as_bytes());
        match records(&text) {
            Ok(found) => {
                let mut last = 0;
                for r in &found {
                    prop_assert!(r.line > last && r.line <= lines, "{:?}", found);
                    last = r.line;
                    prop_assert!(r.values.iter().any(|v| !v.is_empty()));
                }
            }
            Err(problem) => prop_assert!((1..=lines).contains(&problem.line)),
        }
    }

    #[test]
    fn written_records_read_back_on_their_lines(
        rows in vec(vec(noisy("ab1中,\"\n\r\t;", 12), 1..5), 0..8),
        blank_lines in vec(0..3usize, 8),
    ) {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(|v| {
                // (The CSV reader drops a byte-order mark at the start; the
                // decoder has dropped the file's own already.)
                v.replace('\u{feff}', "").trim_matches(|c: char| c.is_whitespace() || c.is_control()).to_string()
            }).collect::<Vec<_>>())
            .filter(|r| r.iter().any(|v| !v.is_empty()))
            .collect();
        let mut text = String::new();
        let mut expected = Vec::new();
        for (row, blanks) in rows.iter().zip(&blank_lines) {
            text.push_str(&"\n".repeat(*blanks));
            let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            writer.write_record(row).unwrap();
            let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
            expected.push(Record {
                line: lines(text.as_bytes()),
                values: row.clone(),
            });
            text.push_str(&written);
        }
        prop_assert_eq!(records(&text).expect("csv's own writing"), expected);
    }

    #[test]
    fn person_rows_are_kept_exactly_without_problems(
        t in table(persons::COLUMNS, vec![
            cell(id_number()),
            cell("张伟|李娜|王芳|John Smith".boxed()),
            cell("1[3-9][0-9]{9}".boxed()),
            cell(text()),
            cell(codes(vec!["男", "女", "1", "2", "M", "female"])),
            cell(date()),
        ]),
    ) {
        reads(persons::COLUMNS, persons::parse, &t)?;
    }

    #[test]
    fn vehicle_rows_are_kept_exactly_without_problems(
        t in table(vehicles::COLUMNS, vec![
            cell(vin()),
            cell(plate()),
            cell(codes(VehicleType::ALL.iter().flat_map(|v| [v.code(), v.zh()]).collect())),
            cell(text()),
            cell(text()),
            cell(codes(vec!["person", "个人", "organisation", "单位"])),
            cell(prop_oneof![id_number(), Just("91130100MA0A1B2C3X".to_string())].boxed()),
            cell(codes(VehicleStatus::ALL.iter().flat_map(|v| [v.code(), v.zh()]).collect())),
            cell(date()),
            cell(date()),
            cell("1[3-9][0-9]{9}".boxed()),
        ]),
    ) {
        reads(vehicles::COLUMNS, vehicles::parse, &t)?;
    }

    #[test]
    fn licence_rows_are_kept_exactly_without_problems(
        t in table(licences::COLUMNS, vec![
            cell(id_number()),
            cell(codes(LicenceClass::ALL.iter().flat_map(|v| [v.code(), v.zh()]).collect())),
            cell(date()),
            cell(date()),
            cell(date()),
            cell(number(99)),
            cell(date()),
            cell(codes(LicenceStatus::ALL.iter().flat_map(|v| [v.code(), v.zh()]).collect())),
            cell(date()),
            cell(date()),
            cell(text()),
        ]),
    ) {
        reads(licences::COLUMNS, licences::parse, &t)?;
    }

    #[test]
    fn violation_rows_are_kept_exactly_without_problems(
        t in table(violations::COLUMNS, vec![
            cell("[A-Z0-9]{6,32}".boxed()),
            cell(plate()),
            cell("20[0-2][0-9]-0[1-9]-[0-2][0-9] [0-2][0-9]:[0-5][0-9](:[0-5][0-9])?".boxed()),
            cell(text()),
            cell(codes(vec!["冀", "京", "粤", "冀A", "X"])),
            cell("[0-9]{4,5}".boxed()),
            cell(text()),
            cell(prop_oneof![Just("0".to_string()), number(5000)].boxed()),
            cell(codes(vec!["0", "1", "2", "3", "6", "9", "12", "13"])),
            cell(codes(ViolationStatus::ALL.iter().flat_map(|v| [v.code(), v.zh()]).collect())),
            cell(date()),
            cell("[0-9]{10,20}".boxed()),
        ]),
    ) {
        reads(violations::COLUMNS, violations::parse, &t)?;
    }

    #[test]
    fn beijing_times_take_any_input_and_only_their_own_shape(s in prop_oneof![
        any_input("0123456789-/: T+", 24),
        " ?20[0-9]{2}[-/][01][0-9][-/][0-3][0-9][ T]([0-9]{2}|[+-][0-9]):([0-9]{2}|[+-][0-9])(:([0-9]{2}|[+-][0-9]))? ?",
    ]) {
        if let Some(ms) = parse_beijing_time(&s) {
            let (day, time) = s.trim().split_once([' ', 'T']).expect("a day and a time");
            prop_assert!(Date::parse_iso(&day.replace('/', "-")).is_some());
            let time = time.trim();
            prop_assert!(
                time.bytes().enumerate().all(|(i, b)| if i % 3 == 2 { b == b':' } else { b.is_ascii_digit() })
                    && matches!(time.len(), 5 | 8),
                "{:?} read as {}", s, ms
            );
        }
    }

    #[test]
    fn beijing_times_read_back(ms in -2_000_000_000_000i64..4_000_000_000_000) {
        let written = beijing_time(ms);
        prop_assert_eq!(parse_beijing_time(&written), Some(ms.div_euclid(1000) * 1000));
        prop_assert_eq!(
            parse_beijing_time(&written[..16].replace(' ', "T")),
            Some(ms.div_euclid(60_000) * 60_000)
        );
    }
}
