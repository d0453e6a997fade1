//! The registry import (登记数据导入): `server import-registry KIND FILE.csv`
//! loads persons, vehicles, licences or violations exported from the
//! national registry (全国公安交通管理信息系统).
//!
//! A file is read whole ([`decode`]: UTF-8 with or without BOM, or GBK),
//! its header mapped ([`table`]), every row checked with the domain parsers
//! (one file per kind) and against the registry on record; when anything is
//! wrong, every problem is reported with its line and nothing from the file
//! is imported. Otherwise the rows are upserted by their natural key in one
//! transaction, so importing the same file twice changes nothing. A
//! violation handled or paid on this platform is never set back (see
//! [`violations`]).

pub mod decode;
pub mod licences;
pub mod persons;
pub mod table;
pub mod vehicles;
pub mod violations;

pub use decode::Encoding;
pub use licences::LicenceRecord;
pub use persons::PersonRecord;
pub use table::Problem;
pub use vehicles::{Owner, VehicleRecord};
pub use violations::ViolationRecord;

use crate::store::Store;
use app::domain::ViolationStatus;
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use table::{Column, Header, Row};

/// What a file holds (导入类别).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryKind {
    /// 人员信息
    Persons,
    /// 机动车信息
    Vehicles,
    /// 驾驶证信息
    Licences,
    /// 电子监控违法记录
    Violations,
}

impl RegistryKind {
    pub const ALL: [RegistryKind; 4] = [
        RegistryKind::Persons,
        RegistryKind::Vehicles,
        RegistryKind::Licences,
        RegistryKind::Violations,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RegistryKind::Persons => "persons",
            RegistryKind::Vehicles => "vehicles",
            RegistryKind::Licences => "licences",
            RegistryKind::Violations => "violations",
        }
    }

    pub fn from_code(code: &str) -> Option<RegistryKind> {
        RegistryKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            RegistryKind::Persons => persons::COLUMNS,
            RegistryKind::Vehicles => vehicles::COLUMNS,
            RegistryKind::Licences => licences::COLUMNS,
            RegistryKind::Violations => violations::COLUMNS,
        }
    }
}

/// A parsed row with the line it started on.
pub struct Lined<T> {
    pub line: u64,
    pub record: T,
}

/// A violation this platform settled that the file would set back (冲突):
/// ours is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub line: u64,
    pub record_no: String,
    pub ours: ViolationStatus,
    pub file: ViolationStatus,
}

/// What the import did with the rows it applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
}

impl Applied {
    /// Counts by key: written and new is added, written and on record is
    /// changed, not written is unchanged.
    pub fn count(keys: &[&str], on_record: &HashSet<String>, written: &HashSet<String>) -> Applied {
        let mut applied = Applied::default();
        for key in keys {
            match (written.contains(*key), on_record.contains(*key)) {
                (true, false) => applied.added += 1,
                (true, true) => applied.changed += 1,
                (false, _) => applied.unchanged += 1,
            }
        }
        applied
    }
}

/// The outcome of an import that went in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: RegistryKind,
    pub encoding: Encoding,
    pub rows: usize,
    pub applied: Applied,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file has problems; every one is listed, in line order.
    Rejected(Vec<Problem>),
    /// The database failed.
    Store(String),
}

/// Imports one file's bytes: all of it, or (with the reasons) none of it.
pub async fn import_registry(
    store: &Store,
    kind: RegistryKind,
    bytes: &[u8],
) -> Result<ImportReport, ImportFailure> {
    let (text, encoding) = decode::decode(bytes).map_err(|p| ImportFailure::Rejected(vec![p]))?;
    let records = decode::records(&text).map_err(|p| ImportFailure::Rejected(vec![p]))?;
    let rows = records.len().saturating_sub(1);
    // Every row is read before the transaction begins; rows that read
    // are then checked against the registry too, so one run reports every
    // problem of the file.
    let (parsed, problems) = match kind {
        RegistryKind::Persons => {
            let (rows, problems) = read(&records, kind, persons::parse, persons::key)?;
            (Parsed::Persons(rows), problems)
        }
        RegistryKind::Vehicles => {
            let (rows, problems) = read(&records, kind, vehicles::parse, vehicles::key)?;
            (Parsed::Vehicles(rows), problems)
        }
        RegistryKind::Licences => {
            let (rows, problems) = read(&records, kind, licences::parse, licences::key)?;
            (Parsed::Licences(rows), problems)
        }
        RegistryKind::Violations => {
            let (rows, problems) = read(&records, kind, violations::parse, violations::key)?;
            (Parsed::Violations(rows), problems)
        }
    };
    let applied = apply(store, kind, rows, &parsed, problems).await?;
    Ok(ImportReport {
        kind,
        encoding,
        rows,
        applied,
    })
}

/// Reads the header and every row: the rows that read, and the problems of
/// the others (the same key twice is a problem on the later line). A
/// missing or bad header fails at once.
fn read<T>(
    records: &[decode::Record],
    kind: RegistryKind,
    parse: fn(&mut Row) -> Option<T>,
    key: fn(&T) -> String,
) -> Result<(Vec<Lined<T>>, Vec<Problem>), ImportFailure> {
    let Some((first, rest)) = records.split_first() else {
        return Err(ImportFailure::Rejected(vec![Problem::file(
            1,
            "文件为空：第一行应为表头",
            "The file is empty: the first line must be the header",
        )]));
    };
    let header = Header::read(kind.columns(), first).map_err(ImportFailure::Rejected)?;
    let mut problems = Vec::new();
    let mut rows = Vec::with_capacity(rest.len());
    let mut seen: HashMap<String, u64> = HashMap::with_capacity(rest.len());
    for record in rest {
        let mut row = header.row(record);
        let parsed = parse(&mut row);
        if let Err(mut found) = row.finish() {
            problems.append(&mut found);
            continue;
        }
        let Some(parsed) = parsed else { continue };
        let k = key(&parsed);
        if let Some(first) = seen.get(&k) {
            problems.push(Problem::value(
                record.line,
                kind.columns()[0],
                format!("{k}在本文件中重复出现（首次在第{first}行）"),
                format!("{k} appears again (first on line {first})"),
            ));
            continue;
        }
        seen.insert(k, record.line);
        rows.push(Lined {
            line: record.line,
            record: parsed,
        });
    }
    Ok((rows, problems))
}

/// A file's rows, read.
enum Parsed {
    Persons(Vec<Lined<PersonRecord>>),
    Vehicles(Vec<Lined<VehicleRecord>>),
    Licences(Vec<Lined<LicenceRecord>>),
    Violations(Vec<Lined<ViolationRecord>>),
}

/// Runs a kind's checks against the registry and, when neither the rows
/// (`problems`) nor the checks found anything, its writes, in one
/// transaction. An import that added or changed rows is audited; one that
/// changed nothing writes nothing.
async fn apply(
    store: &Store,
    kind: RegistryKind,
    rows: usize,
    parsed: &Parsed,
    mut problems: Vec<Problem>,
) -> Result<Applied, ImportFailure> {
    let write = problems.is_empty();
    let store_error = |e: crate::store::StoreError| ImportFailure::Store(e.to_string());
    let mut tx = store.begin_registry_import().await.map_err(store_error)?;
    let outcome = match parsed {
        Parsed::Persons(rows) => persons::apply(&mut tx, rows, write).await,
        Parsed::Vehicles(rows) => vehicles::apply(&mut tx, rows, write).await,
        Parsed::Licences(rows) => licences::apply(&mut tx, rows, write).await,
        Parsed::Violations(rows) => violations::apply(&mut tx, rows, write).await,
    };
    match outcome.map_err(store_error)? {
        Ok(applied) if write => {
            if applied.added + applied.changed > 0 {
                let detail = format!(
                    "{rows} rows: {} added, {} changed, {} unchanged, {} kept as settled here",
                    applied.added,
                    applied.changed,
                    applied.unchanged,
                    applied.conflicts.len()
                );
                tx.audit(&format!("registry:{}", kind.code()), &detail)
                    .await
                    .map_err(store_error)?;
            }
            tx.commit().await.map_err(store_error)?;
            Ok(applied)
        }
        Ok(_) => Err(ImportFailure::Rejected(problems)),
        Err(found) => {
            problems.extend(found);
            problems.sort_by_key(|p| p.line);
            Err(ImportFailure::Rejected(problems))
        }
    }
}

/// How many problems are printed; the rest are counted.
pub const PRINTED_PROBLEMS: usize = 200;

/// The problems as printed: at most [`PRINTED_PROBLEMS`] lines, then how
/// many more there are.
pub fn problem_lines(problems: &[Problem]) -> Vec<String> {
    let mut lines: Vec<String> = problems
        .iter()
        .take(PRINTED_PROBLEMS)
        .map(|p| p.to_string())
        .collect();
    if problems.len() > PRINTED_PROBLEMS {
        let more = problems.len() - PRINTED_PROBLEMS;
        lines.push(format!(
            "……另有{more}个问题未列出 / … and {more} more problems"
        ));
    }
    lines
}

/// The report as printed.
pub fn report_lines(report: &ImportReport, seconds: f64) -> Vec<String> {
    let a = &report.applied;
    let (mut en, mut zh) = (
        format!(
            "{} added, {} changed, {} unchanged",
            a.added, a.changed, a.unchanged
        ),
        format!(
            "新增{}条，更新{}条，未变{}条",
            a.added, a.changed, a.unchanged
        ),
    );
    if report.kind == RegistryKind::Violations {
        let kept = a.conflicts.len();
        en.push_str(&format!(", {kept} kept as handled or paid here"));
        zh.push_str(&format!("，保留本平台已处理或已缴款记录{kept}条"));
    }
    let mut lines = vec![format!(
        "{} ({}): {} rows in {seconds:.1} s — {en} / {zh}",
        report.kind.code(),
        report.encoding.label(),
        report.rows,
    )];
    for c in &a.conflicts {
        lines.push(format!(
            "第{line}行 line {line}, 违法记录编号 {no}: 本平台为“{}”，文件为“{}”，保留本平台记录 / settled here as {}, the file says {}: ours is kept",
            c.ours.zh(),
            c.file.zh(),
            c.ours.code(),
            c.file.code(),
            line = c.line,
            no = c.record_no,
        ));
    }
    lines
}

/// The command: reads the file, imports it, prints the outcome.
pub async fn run(store: &Store, kind: RegistryKind, path: &std::path::Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let started = Instant::now();
    match import_registry(store, kind, &bytes).await {
        Ok(report) => {
            for line in report_lines(&report, started.elapsed().as_secs_f64()) {
                println!("{line}");
            }
            Ok(())
        }
        Err(ImportFailure::Rejected(problems)) => {
            for line in problem_lines(&problems) {
                eprintln!("{line}");
            }
            let lines: HashSet<u64> = problems.iter().map(|p| p.line).collect();
            let (n, on) = (problems.len(), lines.len());
            Err(format!(
                "{}: nothing imported — {n} problem{} on {on} line{} / 未导入任何数据：{on}行共{n}个问题",
                path.display(),
                if n == 1 { "" } else { "s" },
                if on == 1 { "" } else { "s" },
            ))
        }
        Err(ImportFailure::Store(e)) => Err(format!("{}: nothing imported — {e}", path.display())),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Reads one data row of a kind under a header.
    pub fn one_row<T>(
        columns: &'static [Column],
        parse: fn(&mut Row) -> Option<T>,
        header: &str,
        line: &str,
    ) -> Result<T, Vec<Problem>> {
        let records = decode::records(&format!("{header}\n{line}\n")).unwrap();
        let header = Header::read(columns, &records[0]).expect("header");
        let mut row = header.row(&records[1]);
        let parsed = parse(&mut row);
        row.finish()?;
        Ok(parsed.expect("a row without problems parses"))
    }

    /// The problems of one data row (it must have some).
    pub fn problems_of<T: std::fmt::Debug>(
        columns: &'static [Column],
        parse: fn(&mut Row) -> Option<T>,
        header: &str,
        line: &str,
    ) -> Vec<Problem> {
        let problems = one_row(columns, parse, header, line).expect_err("the row has problems");
        assert!(problems.iter().all(|p| p.line == 2));
        problems
    }

    /// The columns the problems name, in order ("-" for the whole row).
    pub fn problem_columns(problems: &[Problem]) -> Vec<&'static str> {
        problems
            .iter()
            .map(|p| p.column.map(|c| c.key).unwrap_or("-"))
            .collect()
    }

    #[test]
    fn a_bad_row_and_a_repeated_key_are_named_by_line() {
        let text = "id_number,name,phone,address\n\
                    130102199003070011,张伟,13803112233,长安区\n\
                    130102199003070012,李娜,13803112234,桥西区\n\
                    130102199003070011,张伟,13803112233,长安区\n";
        let records = decode::records(text).unwrap();
        let Ok((rows, problems)) = read(
            &records,
            RegistryKind::Persons,
            persons::parse,
            persons::key,
        ) else {
            panic!("no header")
        };
        assert_eq!(rows.len(), 1, "the first row reads");
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(problems[1].en.contains("appears again (first on line 2)"));
    }

    #[test]
    fn the_printed_list_is_capped_with_a_count_of_the_rest() {
        let problems: Vec<Problem> = (1..=205).map(|i| Problem::file(i, "错", "wrong")).collect();
        let lines = problem_lines(&problems);
        assert_eq!(lines.len(), PRINTED_PROBLEMS + 1);
        assert!(lines[PRINTED_PROBLEMS].contains("5 more problems"));
        assert_eq!(problem_lines(&problems[..3]).len(), 3);
    }

    #[test]
    fn an_empty_file_or_a_header_alone() {
        let Err(ImportFailure::Rejected(p)) =
            read(&[], RegistryKind::Vehicles, vehicles::parse, vehicles::key)
        else {
            panic!()
        };
        assert!(p[0].en.contains("empty"));
        let records = decode::records("vin,plate\n").unwrap();
        let Err(ImportFailure::Rejected(p)) = read(
            &records,
            RegistryKind::Vehicles,
            vehicles::parse,
            vehicles::key,
        ) else {
            panic!()
        };
        assert!(p
            .iter()
            .any(|p| p.en.contains("lacks the required column vehicle_type")));
    }

    #[test]
    fn counting() {
        let on_record: HashSet<String> = ["b", "c"].map(String::from).into();
        let written: HashSet<String> = ["a", "b"].map(String::from).into();
        let a = Applied::count(&["a", "b", "c"], &on_record, &written);
        assert_eq!((a.added, a.changed, a.unchanged), (1, 1, 1));
    }
}
