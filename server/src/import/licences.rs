//! Driving licences (驾驶证信息): keyed by the holder's resident ID number,
//! which is the licence number (驾驶证号). The holder must already be on
//! record (import persons first).

use super::table::{opt, req, Column, Row};
use super::{Applied, Lined, Problem};
use crate::store::{RegistryImport, StoreResult};
use app::domain::{Date, LicenceClass, LicenceStatus, ResidentId};

pub const COLUMNS: &[Column] = &[
    req("id_number", "身份证明号码"),
    req("class", "准驾车型"),
    req("first_issued", "初次领证日期"),
    req("valid_from", "有效期起始日期"),
    req("valid_until", "有效期截止日期"),
    req("points", "累积记分"),
    req("cycle_ends", "记分周期截止日期"),
    req("status", "驾驶证状态"),
    opt("review_due", "审验日期"),
    opt("physical_due", "体检日期"),
    req("issuing_authority", "发证机关"),
];

/// A driving licence as the registry has it (机动车驾驶证).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceRecord {
    pub id: ResidentId,
    pub class: LicenceClass,
    pub first_issued: Date,
    pub valid_from: Date,
    pub valid_until: Date,
    /// Points of the current cycle (累积记分).
    pub points: i64,
    pub cycle_ends: Date,
    pub status: LicenceStatus,
    pub review_due: Option<Date>,
    pub physical_due: Option<Date>,
    pub issuing_authority: String,
}

pub fn key(l: &LicenceRecord) -> String {
    l.id.as_str().to_string()
}

pub fn parse(row: &mut Row) -> Option<LicenceRecord> {
    let id = row.parse("id_number", ResidentId::parse);
    let class = row.coded(
        "class",
        LicenceClass::ALL,
        LicenceClass::code,
        LicenceClass::zh,
    );
    let first_issued = row.date("first_issued");
    let valid_from = row.date("valid_from");
    let valid_until = row.date("valid_until");
    let points = row.number("points", 0..=99);
    let cycle_ends = row.date("cycle_ends");
    let status = row.coded(
        "status",
        LicenceStatus::ALL,
        LicenceStatus::code,
        LicenceStatus::zh,
    );
    let review_due = row.opt_date("review_due");
    let physical_due = row.opt_date("physical_due");
    let issuing_authority = row.text("issuing_authority", 100);
    if let (Some(first), Some(from)) = (first_issued, valid_from) {
        if from < first {
            row.fail(
                "valid_from",
                format!("有效期起始日期{from}早于初次领证日期{first}"),
                format!(
                    "the validity starts ({from}) before the licence was first issued ({first})"
                ),
            );
        }
    }
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        if until <= from {
            row.fail(
                "valid_until",
                format!("有效期截止日期{until}不晚于起始日期{from}"),
                format!("the validity ends ({until}) on or before it starts ({from})"),
            );
        }
    }
    if let (Some(id), Some(first)) = (&id, first_issued) {
        let adult = id.birth_date().add_years(18);
        if first < adult {
            row.fail(
                "first_issued",
                format!(
                    "初次领证日期{first}时持证人未满18周岁（出生于{}）",
                    id.birth_date()
                ),
                format!(
                    "on {first} the holder (born {}) was not yet 18",
                    id.birth_date()
                ),
            );
        }
    }
    Some(LicenceRecord {
        id: id?,
        class: class?,
        first_issued: first_issued?,
        valid_from: valid_from?,
        valid_until: valid_until?,
        points: points?,
        cycle_ends: cycle_ends?,
        status: status?,
        review_due: review_due?,
        physical_due: physical_due?,
        issuing_authority: issuing_authority?,
    })
}

/// Checks that every holder is on record, then adds or updates.
pub async fn apply(
    tx: &mut RegistryImport,
    rows: &[Lined<LicenceRecord>],
    write: bool,
) -> StoreResult<Result<Applied, Vec<Problem>>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.record.id.as_str()).collect();
    let persons = tx.persons_on_record(&ids).await?;
    let column = COLUMNS[0];
    let problems: Vec<Problem> = rows
        .iter()
        .filter(|r| !persons.contains(r.record.id.as_str()))
        .map(|r| {
            let id = &r.record.id;
            Problem::value(
                r.line,
                column,
                format!("登记信息中没有身份证明号码为{id}的人员（请先导入人员信息）"),
                format!("no person with ID number {id} is on record (import the persons first)"),
            )
        })
        .collect();
    if !problems.is_empty() || !write {
        return Ok(Err(problems));
    }
    let on_record = tx.licences_on_record(&ids).await?;
    let records: Vec<&LicenceRecord> = rows.iter().map(|r| &r.record).collect();
    let written = tx.upsert_licences(&records).await?;
    Ok(Ok(Applied::count(&ids, &on_record, &written)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{one_row, problem_columns, problems_of};

    const HEADER: &str = "id_number,class,first_issued,valid_from,valid_until,points,cycle_ends,status,review_due,physical_due,issuing_authority";

    #[test]
    fn a_good_row_becomes_a_licence() {
        let l = one_row(
            COLUMNS,
            parse,
            HEADER,
            "130102199003070011,C1,2010-06-01,2022-06-01,2032-06-01,3,2026-12-31,正常,,,河北省石家庄市公安局交通警察支队",
        )
        .unwrap();
        assert_eq!(l.class, LicenceClass::C1);
        assert_eq!(l.status, LicenceStatus::Valid);
        assert_eq!(l.points, 3);
        assert_eq!(l.review_due, None);
    }

    #[test]
    fn every_bad_value_is_named() {
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "130102199003070011,C9,2008-01-01,2007-06-01,2007-06-01,-1,,Z,2026-13-01,,河北",
        );
        let columns = problem_columns(&problems);
        assert_eq!(
            columns,
            [
                "class",
                "points",
                "cycle_ends",
                "status",
                "review_due",
                "valid_from",
                "valid_until",
                "first_issued"
            ],
            "{problems:?}"
        );
        assert!(problems[7].en.contains("was not yet 18"));
    }
}
