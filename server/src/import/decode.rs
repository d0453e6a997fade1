//! Reading a registry export (登记数据导出文件): the bytes become text — UTF-8
//! with or without a byte-order mark, or GBK (国标码, what Excel saves a
//! Chinese CSV in) — and the text becomes records with the line each starts
//! on, quoting handled by the `csv` crate (a quoted value may hold commas,
//! doubled quotes and line breaks).

use super::Problem;
use encoding_rs::GBK;

/// The character encoding a file was read in (文件编码).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 starting with a byte-order mark (EF BB BF), as Excel writes
    /// "CSV UTF-8".
    Utf8Bom,
    /// GBK (a GB 18030 decoder, which reads every GBK file).
    Gbk,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Gbk => "GBK",
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file: valid UTF-8 (after an optional byte-order mark) is read
/// as UTF-8, anything else as GBK; bytes that are neither are a problem
/// naming the line they are on.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), Problem> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Problem::file(
            1,
            "文件为UTF-16编码，请另存为UTF-8或GBK编码的CSV文件",
            "The file is in UTF-16; save it as a UTF-8 or GBK CSV file",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_string(), Encoding::Utf8Bom)),
            Err(e) => Err(bad_bytes(line_of(rest, e.valid_up_to()), "UTF-8")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), Encoding::Utf8));
    }
    match GBK.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), Encoding::Gbk)),
        None => {
            // Where the first undecodable byte is: decode with replacement
            // and find the first replacement character's line.
            let (lossy, _) = GBK.decode_without_bom_handling(bytes);
            let line = lossy
                .find('\u{FFFD}')
                .map(|at| line_of(lossy.as_bytes(), at))
                .unwrap_or(1);
            Err(bad_bytes(line, "UTF-8 / GBK"))
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    line_breaks(bytes, 0, offset) + 1
}

/// The line breaks in `bytes[from..to]`: LF, CRLF, and a CR alone (as the
/// CSV reader ends a record at each, and as Excel's "CSV (Macintosh)" ends
/// its lines).
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u64 {
    (from..to)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count() as u64
}

fn bad_bytes(line: u64, tried: &str) -> Problem {
    Problem::file(
        line,
        format!("此行有无法识别的字符（文件应为UTF-8或GBK编码，按{tried}读取失败）"),
        format!("This line has bytes that are neither UTF-8 nor GBK (read as {tried}); save the file as UTF-8 or GBK"),
    )
}

/// One CSV record: the line it starts on and its values, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub values: Vec<String>,
}

/// Splits the text into records. Lines that are empty or hold only commas
/// (trailing rows of a spreadsheet) are skipped.
pub fn records(text: &str) -> Result<Vec<Record>, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Lines are counted here from each record's byte offset: the reader's
    // own line count leaves out line breaks inside quoted values, and its
    // offset may stand on the blank lines or the line break before the
    // record, which are skipped.
    let bytes = text.as_bytes();
    let (mut line, mut counted_to) = (1u64, 0usize);
    let mut line_at = |mut byte: usize| {
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte > counted_to {
            line += line_breaks(bytes, counted_to, byte);
            counted_to = byte;
        }
        line
    };
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(1, |p| line_at(p.byte() as usize));
            Problem::file(
                line,
                format!("无法读取此行：{e}"),
                format!("This line cannot be read: {e}"),
            )
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = line_at(record.position().map_or(0, |p| p.byte() as usize));
        out.push(Record {
            line,
            values: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "身份证明号码,姓名\n130102199001010012,张伟\n";

    #[test]
    fn plain_utf8_is_read_as_utf8() {
        let (text, encoding) = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!(text, SAMPLE);
        assert_eq!(encoding, Encoding::Utf8);
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let bytes = [BOM, SAMPLE.as_bytes()].concat();
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(text, SAMPLE, "no U+FEFF left in the first header");
        assert_eq!(encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn gbk_bytes_are_decoded_as_gbk() {
        let (bytes, _, unmappable) = GBK.encode(SAMPLE);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the sample is not UTF-8"
        );
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(text, SAMPLE);
        assert_eq!(encoding, Encoding::Gbk);
        // 张 in GBK is D5 C5.
        assert!(bytes.windows(2).any(|w| w == [0xD5, 0xC5]));
    }

    #[test]
    fn bytes_neither_utf8_nor_gbk_name_their_line() {
        // 0x80 alone is not a GBK lead byte; 0xFF is never valid.
        let bytes = b"a,b\nc,d\ne,\xFF\xFF\n".to_vec();
        let problem = decode(&bytes).unwrap_err();
        assert_eq!(problem.line, 3, "{problem}");
        // A broken UTF-8 file with a BOM is not guessed to be GBK.
        let bytes = [BOM, b"a\nb\xC3\n"].concat();
        assert_eq!(decode(&bytes).unwrap_err().line, 2);
        assert_eq!(decode(b"\xFF\xFEa\x00").unwrap_err().line, 1);
    }

    #[test]
    fn records_keep_their_line_and_quoting() {
        let text =
            "a,b,c\n 1 ,\"x, y\",\"say \"\"hi\"\"\"\n\n,,\n\"two\nlines\",2,3\r\nlast,row,here";
        let got = records(text).unwrap();
        let lines: Vec<u64> = got.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5, 7]);
        assert_eq!(got[1].values, ["1", "x, y", "say \"hi\""]);
        assert_eq!(got[2].values, ["two\nlines", "2", "3"]);
        assert_eq!(got[3].values, ["last", "row", "here"]);
    }

    #[test]
    fn rows_of_other_lengths_are_kept_for_the_caller_to_refuse() {
        let got = records("a,b\n1\n1,2,3\n").unwrap();
        assert_eq!(got[1].values.len(), 1);
        assert_eq!(got[2].values.len(), 3);
    }
}
