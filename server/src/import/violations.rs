//! Surveillance violations (电子监控违法记录): keyed by the registry's record
//! number (违法记录编号). The plate must be a vehicle on record. A violation
//! handled or paid on this platform is never set back by an import: when
//! the file says less (未处理 where ours is 已处理, 未缴款 where ours is
//! 已缴款), ours is kept and the row reported as a conflict; the rest of the
//! file still imports.

use super::table::{opt, req, Column, Row};
use super::{Applied, Conflict, Lined, Problem};
use crate::store::{RegistryImport, StoreResult};
use app::domain::plate::PROVINCES;
use app::domain::{Date, PlateNumber, ViolationStatus};
use std::collections::HashSet;

pub const COLUMNS: &[Column] = &[
    req("record_no", "违法记录编号"),
    req("plate", "号牌号码"),
    req("occurred_at", "违法时间"),
    req("place", "违法地点"),
    req("province", "违法地省份"),
    req("code", "违法代码"),
    req("description", "违法行为"),
    req("fine_yuan", "罚款金额"),
    req("points", "记分"),
    req("status", "处理状态"),
    opt("decided_on", "处罚决定日期"),
    opt("decision_no", "处罚决定书编号"),
];

/// The points a violation may carry (记分分值, 2022 rules).
const POINTS: [i64; 6] = [0, 1, 3, 6, 9, 12];

/// A violation as the registry has it (违法记录).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationRecord {
    pub record_no: String,
    pub plate: PlateNumber,
    /// UTC Unix milliseconds (the file gives Beijing time).
    pub occurred_at: i64,
    pub place: String,
    /// The province abbreviation of where it was recorded, e.g. 冀.
    pub province: String,
    pub code: String,
    pub description: String,
    pub fine_yuan: i64,
    pub points: i64,
    pub status: ViolationStatus,
    pub decided_on: Option<Date>,
    pub decision_no: Option<String>,
}

pub fn key(v: &ViolationRecord) -> String {
    v.record_no.clone()
}

/// How far a violation has come: what an import may not take back.
pub fn stage(status: ViolationStatus) -> u8 {
    match status {
        ViolationStatus::Unhandled => 0,
        ViolationStatus::HandledUnpaid => 1,
        ViolationStatus::Paid | ViolationStatus::Done => 2,
    }
}

pub fn parse(row: &mut Row) -> Option<ViolationRecord> {
    let record_no = record_no(row);
    let plate = row.parse("plate", PlateNumber::parse);
    let occurred_at = beijing_time(row, "occurred_at");
    let place = row.text("place", 200);
    let province = province(row);
    let code = violation_code(row);
    let description = row.text("description", 200);
    let fine_yuan = row.number("fine_yuan", 0..=100_000);
    let points = row.number("points", 0..=12);
    if let Some(p) = points.filter(|p| !POINTS.contains(p)) {
        row.fail(
            "points",
            format!("记分应为0、1、3、6、9或12分，不能是{p}分"),
            format!("a violation carries 0, 1, 3, 6, 9 or 12 points, not {p}"),
        );
    }
    let status = row.coded(
        "status",
        ViolationStatus::ALL,
        ViolationStatus::code,
        ViolationStatus::zh,
    );
    let decided_on = row.opt_date("decided_on");
    let decision_no = match row.raw("decision_no") {
        "" => Some(None),
        _ => row.text("decision_no", 40).map(Some),
    };
    if let (Some(status), Some(fine)) = (status, fine_yuan) {
        status_fits(row, status, fine, decided_on, decision_no.as_ref());
    }
    let points = points.filter(|p| POINTS.contains(p));
    Some(ViolationRecord {
        record_no: record_no?,
        plate: plate?,
        occurred_at: occurred_at?,
        place: place?,
        province: province?,
        code: code?,
        description: description?,
        fine_yuan: fine_yuan?,
        points: points?,
        status: status?,
        decided_on: decided_on?,
        decision_no: decision_no?,
    })
}

/// The status agrees with the fine and the decision: a fine is paid or
/// waits for payment, a warning is done; handled ones carry their decision
/// (处罚决定书), unhandled ones none.
fn status_fits(
    row: &mut Row,
    status: ViolationStatus,
    fine: i64,
    decided_on: Option<Option<Date>>,
    decision_no: Option<&Option<String>>,
) {
    let settled = status != ViolationStatus::Unhandled;
    if settled && (status == ViolationStatus::Done) != (fine == 0) {
        row.fail(
            "status",
            format!("罚款{fine}元的违法不能是“{}”：有罚款的为已处理未缴款或已缴款，警告为处理完毕", status.zh()),
            format!("a violation with a fine of {fine} yuan cannot be {}: with a fine it is handled_unpaid or paid, a warning is done", status.code()),
        );
    }
    for (key, present) in [
        ("decided_on", decided_on.map(|d| d.is_some())),
        ("decision_no", decision_no.map(Option::is_some)),
    ] {
        match present {
            Some(false) if settled => row.fail(
                key,
                "已处理的违法须填写处罚决定日期和决定书编号",
                "a handled violation needs its decision date and number",
            ),
            Some(true) if !settled => row.fail(
                key,
                "未处理的违法不能有处罚决定",
                "an unhandled violation has no decision yet",
            ),
            _ => {}
        }
    }
}

fn record_no(row: &mut Row) -> Option<String> {
    let raw = row.present("record_no")?;
    let folded = app::domain::text::compact_upper(raw);
    let n = folded.chars().count();
    if (6..=32).contains(&n) && folded.chars().all(|c| c.is_ascii_alphanumeric()) {
        Some(folded)
    } else {
        row.fail(
            "record_no",
            format!("“{raw}”不是有效的违法记录编号（6至32位字母或数字）"),
            format!("{raw:?} is not a record number (6 to 32 letters or digits)"),
        );
        None
    }
}

fn province(row: &mut Row) -> Option<String> {
    let raw = row.present("province")?;
    let mut chars = raw.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if PROVINCES.contains(c) => Some(c.to_string()),
        _ => {
            row.fail(
                "province",
                format!("“{raw}”不是省份简称，如“冀”"),
                format!("{raw:?} is not a province abbreviation such as 冀"),
            );
            None
        }
    }
}

fn violation_code(row: &mut Row) -> Option<String> {
    let raw = row.present("code")?;
    if (4..=5).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
        Some(raw.to_string())
    } else {
        row.fail(
            "code",
            format!("“{raw}”不是违法代码（4或5位数字）"),
            format!("{raw:?} is not a violation code (4 or 5 digits)"),
        );
        None
    }
}

/// `YYYY-MM-DD HH:MM[:SS]` (or with slashes) in Beijing time, as UTC
/// milliseconds.
fn beijing_time(row: &mut Row, key: &str) -> Option<i64> {
    let raw = row.present(key)?;
    match parse_beijing_time(raw) {
        Some(ms) => Some(ms),
        None => {
            row.fail(
                key,
                format!("“{raw}”不是有效时间，应为YYYY-MM-DD HH:MM（北京时间）"),
                format!("{raw:?} is not a time; write YYYY-MM-DD HH:MM (Beijing time)"),
            );
            None
        }
    }
}

pub fn parse_beijing_time(raw: &str) -> Option<i64> {
    let (day, time) = raw.trim().split_once([' ', 'T'])?;
    let day = Date::parse_iso(&day.replace('/', "-"))?;
    let parts: Vec<&str> = time.trim().split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<i64>().ok());
    let (h, m, s) = (num(0)?, num(1)?, num(2)?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let secs = day.days_since_epoch() * 86_400 + h * 3600 + m * 60 + s - 8 * 3600;
    Some(secs * 1000)
}

/// Checks the plates and times against the registry, keeps what this
/// platform settled, then adds or updates the rest.
pub async fn apply(
    tx: &mut RegistryImport,
    rows: &[Lined<ViolationRecord>],
    write: bool,
) -> StoreResult<Result<Applied, Vec<Problem>>> {
    let plates: Vec<&str> = rows.iter().map(|r| r.record.plate.as_str()).collect();
    let vehicles = tx.vehicles_by_plate(&plates).await?;
    let now = tx.now_ms();
    let mut problems = Vec::new();
    for r in rows {
        let plate = &r.record.plate;
        if !vehicles.contains_key(plate.as_str()) {
            problems.push(Problem::value(
                r.line,
                COLUMNS[1],
                format!("登记信息中没有号牌号码为{plate}的机动车（请先导入机动车信息）"),
                format!("no vehicle with plate {plate} is on record (import the vehicles first)"),
            ));
        }
        if r.record.occurred_at > now {
            problems.push(Problem::value(
                r.line,
                COLUMNS[2],
                "违法时间晚于当前时间",
                "the violation is dated in the future",
            ));
        }
    }
    if !problems.is_empty() || !write {
        return Ok(Err(problems));
    }
    let numbers: Vec<&str> = rows.iter().map(|r| r.record.record_no.as_str()).collect();
    let ours = tx.violations_on_record(&numbers).await?;
    let mut conflicts = Vec::new();
    let mut kept: HashSet<&str> = HashSet::new();
    for r in rows {
        let Some(on_record) = ours.get(&r.record.record_no) else {
            continue;
        };
        if on_record.settled_here && stage(r.record.status) < stage(on_record.status) {
            conflicts.push(Conflict {
                line: r.line,
                record_no: r.record.record_no.clone(),
                ours: on_record.status,
                file: r.record.status,
            });
            kept.insert(r.record.record_no.as_str());
        }
    }
    let records: Vec<(i64, &ViolationRecord)> = rows
        .iter()
        .filter(|r| !kept.contains(r.record.record_no.as_str()))
        .map(|r| (vehicles[r.record.plate.as_str()].0, &r.record))
        .collect();
    let written = tx.upsert_violations(&records).await?;
    let present: HashSet<String> = ours.keys().cloned().collect();
    let numbers: Vec<&str> = records.iter().map(|(_, r)| r.record_no.as_str()).collect();
    let mut applied = Applied::count(&numbers, &present, &written);
    applied.conflicts = conflicts;
    Ok(Ok(applied))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{one_row, problem_columns, problems_of};

    const HEADER: &str = "违法记录编号,号牌号码,违法时间,违法地点,违法地省份,违法代码,违法行为,罚款金额,记分,处理状态,处罚决定日期,处罚决定书编号";

    #[test]
    fn a_good_row_becomes_a_violation() {
        let v = one_row(
            COLUMNS,
            parse,
            HEADER,
            "1301047900123456,冀A12345,2026-03-14 08:31,石家庄市中山路与建设大街交叉口,冀,1625,驾驶机动车违反道路交通信号灯通行的,200,6,未处理,,",
        )
        .unwrap();
        assert_eq!(v.status, ViolationStatus::Unhandled);
        // 08:31 Beijing is 00:31 UTC.
        let day = Date::new(2026, 3, 14).unwrap().days_since_epoch();
        assert_eq!(v.occurred_at, (day * 86_400 + 31 * 60) * 1000);
        let v = one_row(
            COLUMNS,
            parse,
            HEADER,
            "1301047900123457,冀A12345,2026/03/14 08:31:05,某路,京,1344,警告,0,0,处理完毕,2026-03-20,130104-2026-0001",
        )
        .unwrap();
        assert_eq!(v.status, ViolationStatus::Done);
        assert_eq!(v.decision_no.as_deref(), Some("130104-2026-0001"));
    }

    #[test]
    fn every_bad_value_is_named() {
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "12-3,冀A1234,2026-03-14 25:00,,冀A,16x5,,-5,4,lost,,",
        );
        let columns = problem_columns(&problems);
        assert_eq!(
            columns,
            [
                "record_no",
                "plate",
                "occurred_at",
                "place",
                "province",
                "code",
                "description",
                "fine_yuan",
                "points",
                "status"
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn the_status_agrees_with_the_fine_and_the_decision() {
        let row = |fine: &str, status: &str, decided: &str, no: &str| {
            let line = format!("1301047900123456,冀A12345,2026-03-14 08:31,某路,冀,1625,闯红灯,{fine},6,{status},{decided},{no}");
            match one_row(COLUMNS, parse, HEADER, &line) {
                Ok(_) => Vec::new(),
                Err(problems) => problem_columns(&problems),
            }
        };
        assert_eq!(row("200", "paid", "", ""), ["decided_on", "decision_no"]);
        assert_eq!(row("200", "unhandled", "2026-03-20", ""), ["decided_on"]);
        assert_eq!(row("200", "done", "2026-03-20", "X1"), ["status"]);
        assert_eq!(row("0", "paid", "2026-03-20", "X1"), ["status"]);
        assert!(row("200", "已处理，未缴款", "2026-03-20", "X1").is_empty());
    }

    #[test]
    fn beijing_times() {
        assert_eq!(parse_beijing_time("1970-01-01 08:00"), Some(0));
        assert_eq!(parse_beijing_time("1970-01-01T08:00:01"), Some(1000));
        assert_eq!(parse_beijing_time("1970-01-01 8:00"), None);
        assert_eq!(parse_beijing_time("1970-01-01"), None);
        assert_eq!(parse_beijing_time("1970-01-01 08:60"), None);
    }
}
