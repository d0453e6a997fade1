//! Persons (人员信息): one row per resident, keyed by the resident ID number.
//! Sex and birth date come from the number; when the file has them too they
//! must agree with it.

use super::table::{opt, req, Column, Row};
use super::{Applied, Lined, Problem};
use crate::store::{RegistryImport, StoreResult};
use app::domain::{PersonName, PhoneNumber, ResidentId, Sex};

pub const COLUMNS: &[Column] = &[
    req("id_number", "身份证明号码"),
    req("name", "姓名"),
    req("phone", "手机号码"),
    req("address", "住所地址"),
    opt("sex", "性别"),
    opt("birth_date", "出生日期"),
];

/// A person as the registry has them (人员).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: ResidentId,
    pub name: PersonName,
    pub phone: PhoneNumber,
    pub address: String,
}

pub fn key(p: &PersonRecord) -> String {
    p.id.as_str().to_string()
}

pub fn parse(row: &mut Row) -> Option<PersonRecord> {
    let id = row.parse("id_number", ResidentId::parse);
    let name = row.parse("name", PersonName::parse);
    let phone = row.parse("phone", PhoneNumber::parse);
    let address = row.text("address", 200);
    if let Some(id) = &id {
        agrees_with_id(row, id);
    }
    Some(PersonRecord {
        id: id?,
        name: name?,
        phone: phone?,
        address: address?,
    })
}

/// The optional sex and birth-date columns say what the ID number says.
fn agrees_with_id(row: &mut Row, id: &ResidentId) {
    let sex = row.raw("sex");
    if !sex.is_empty() {
        let said = match sex.to_ascii_lowercase().as_str() {
            "男" | "1" | "m" | "male" => Some(Sex::Male),
            "女" | "2" | "f" | "female" => Some(Sex::Female),
            _ => None,
        };
        match said {
            None => row.fail(
                "sex",
                format!("“{sex}”不是有效性别，应为男或女"),
                format!("{sex:?} is not a sex; write 男 or 女 (1 or 2)"),
            ),
            Some(s) if s != id.sex() => row.fail(
                "sex",
                format!("与身份证明号码不符（号码为{}性）", id.sex().zh()),
                format!(
                    "does not agree with the ID number, which is a {}",
                    if id.sex() == Sex::Male {
                        "man's"
                    } else {
                        "woman's"
                    }
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(Some(birth)) = row.opt_date("birth_date") {
        if birth != id.birth_date() {
            row.fail(
                "birth_date",
                format!("与身份证明号码中的出生日期{}不符", id.birth_date()),
                format!(
                    "does not agree with the birth date in the ID number, {}",
                    id.birth_date()
                ),
            );
        }
    }
}

/// Adds or updates the persons (nothing to check against the registry:
/// persons come first).
pub async fn apply(
    tx: &mut RegistryImport,
    rows: &[Lined<PersonRecord>],
    write: bool,
) -> StoreResult<Result<Applied, Vec<Problem>>> {
    if !write {
        return Ok(Err(Vec::new()));
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.record.id.as_str()).collect();
    let on_record = tx.persons_on_record(&ids).await?;
    let records: Vec<&PersonRecord> = rows.iter().map(|r| &r.record).collect();
    let written = tx.upsert_persons(&records).await?;
    Ok(Ok(Applied::count(&ids, &on_record, &written)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{one_row, problem_columns, problems_of};

    const HEADER: &str = "身份证明号码,姓名,手机号码,住所地址,性别,出生日期";

    #[test]
    fn a_good_row_becomes_a_person() {
        let p = one_row(
            COLUMNS,
            parse,
            HEADER,
            "130102199003070011,张 伟,138 0311 2233,石家庄市长安区中山东路1号,男,1990-03-07",
        )
        .unwrap();
        assert_eq!(p.id.as_str(), "130102199003070011");
        assert_eq!(p.name.as_str(), "张 伟");
        assert_eq!(p.phone.as_str(), "13803112233");
        // Sex and birth date may be left out.
        let p = one_row(
            COLUMNS,
            parse,
            "id_number,name,phone,address",
            "130102199003070011,李娜,13803112233,桥西区",
        );
        assert!(p.is_ok());
    }

    #[test]
    fn every_bad_value_is_named() {
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "130102199003070012,李,12345,,女,1990-03-08",
        );
        let columns = problem_columns(&problems);
        assert_eq!(
            columns,
            ["id_number", "name", "phone", "address"],
            "{problems:?}"
        );
        // With a good number, sex and birth date are compared with it.
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "130102199003070011,李娜,13803112233,桥西区,女,1990-03-08",
        );
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].contains("性别 (sex)") && text[0].contains("a man's"));
        assert!(text[1].contains("1990-03-07"));
    }
}
