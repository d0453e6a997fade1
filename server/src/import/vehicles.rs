//! Vehicles (机动车信息): keyed by the VIN (车辆识别代号); the plate (号牌号码)
//! is unique too. A person owner must already be on record (import persons
//! first). A plate may move between vehicles of the same file (one vehicle
//! re-plated, another given its old plate); a plate that another vehicle
//! keeps is refused.

use super::table::{opt, req, Column, Row};
use super::{Applied, Lined, Problem};
use crate::store::{RegistryImport, StoreResult};
use app::domain::{
    CreditCode, Date, PhoneNumber, PlateNumber, ResidentId, VehicleStatus, VehicleType, Vin,
};
use std::collections::{HashMap, HashSet};

pub const COLUMNS: &[Column] = &[
    req("vin", "车辆识别代号"),
    opt("plate", "号牌号码"),
    req("vehicle_type", "车辆类型"),
    req("brand", "品牌"),
    req("colour", "车身颜色"),
    req("owner_kind", "所有人类型"),
    req("owner_id", "所有人证件号码"),
    req("status", "机动车状态"),
    opt("registered_on", "初次登记日期"),
    opt("inspection_due", "检验有效期止"),
    req("phone", "联系电话"),
];

/// Who owns a vehicle (机动车所有人).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A person, by resident ID number (个人).
    Person(ResidentId),
    /// An organisation, by unified social credit code (单位).
    Organisation(CreditCode),
}

impl Owner {
    pub fn kind_code(&self) -> &'static str {
        match self {
            Owner::Person(_) => "person",
            Owner::Organisation(_) => "organisation",
        }
    }
    pub fn id(&self) -> &str {
        match self {
            Owner::Person(id) => id.as_str(),
            Owner::Organisation(code) => code.as_str(),
        }
    }
}

/// A vehicle as the registry has it (机动车).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VehicleRecord {
    pub vin: Vin,
    /// None before registration (未登记).
    pub plate: Option<PlateNumber>,
    pub vehicle_type: VehicleType,
    pub brand: String,
    pub colour: String,
    pub owner: Owner,
    pub status: VehicleStatus,
    pub registered_on: Option<Date>,
    pub inspection_due: Option<Date>,
    /// The owner's phone on record (预留手机号码).
    pub phone: PhoneNumber,
}

pub fn key(v: &VehicleRecord) -> String {
    v.vin.as_str().to_string()
}

pub fn parse(row: &mut Row) -> Option<VehicleRecord> {
    let vin = row.parse("vin", Vin::parse);
    let plate = match row.raw("plate") {
        "" => Some(None),
        _ => row.parse("plate", PlateNumber::parse).map(Some),
    };
    let vehicle_type = row.coded(
        "vehicle_type",
        VehicleType::ALL,
        VehicleType::code,
        VehicleType::zh,
    );
    let brand = row.text("brand", 50);
    let colour = row.text("colour", 20);
    let owner = owner(row);
    let status = row.coded(
        "status",
        VehicleStatus::ALL,
        VehicleStatus::code,
        VehicleStatus::zh,
    );
    let registered_on = row.opt_date("registered_on");
    let inspection_due = row.opt_date("inspection_due");
    let phone = row.parse("phone", PhoneNumber::parse);
    if let (Some(Some(_)), Some(None)) = (&plate, registered_on) {
        row.fail(
            "registered_on",
            "有号牌号码的车辆须填写初次登记日期",
            "a vehicle with a plate needs its registration date",
        );
    }
    if let (Some(Some(from)), Some(Some(due))) = (registered_on, inspection_due) {
        if due < from {
            row.fail(
                "inspection_due",
                format!("检验有效期止{due}早于初次登记日期{from}"),
                format!("the inspection due date {due} is before the registration date {from}"),
            );
        }
    }
    Some(VehicleRecord {
        vin: vin?,
        plate: plate?,
        vehicle_type: vehicle_type?,
        brand: brand?,
        colour: colour?,
        owner: owner?,
        status: status?,
        registered_on: registered_on?,
        inspection_due: inspection_due?,
        phone: phone?,
    })
}

fn owner(row: &mut Row) -> Option<Owner> {
    let kind = row.present("owner_kind")?;
    match kind.to_ascii_lowercase().as_str() {
        "person" | "个人" => row.parse("owner_id", ResidentId::parse).map(Owner::Person),
        "organisation" | "organization" | "单位" => row
            .parse("owner_id", CreditCode::parse)
            .map(Owner::Organisation),
        _ => {
            row.fail(
                "owner_kind",
                format!("“{kind}”应为个人或单位"),
                format!("{kind:?} must be person (个人) or organisation (单位)"),
            );
            None
        }
    }
}

/// Checks the owners and plates against the registry, then adds or
/// updates the vehicles.
pub async fn apply(
    tx: &mut RegistryImport,
    rows: &[Lined<VehicleRecord>],
    write: bool,
) -> StoreResult<Result<Applied, Vec<Problem>>> {
    let mut problems = Vec::new();
    let persons: Vec<&str> = rows
        .iter()
        .filter_map(|r| match &r.record.owner {
            Owner::Person(id) => Some(id.as_str()),
            Owner::Organisation(_) => None,
        })
        .collect();
    let on_record = tx.persons_on_record(&persons).await?;
    for r in rows {
        if let Owner::Person(id) = &r.record.owner {
            if !on_record.contains(id.as_str()) {
                problems.push(Problem::value(
                    r.line,
                    column("owner_id"),
                    format!("登记信息中没有身份证明号码为{id}的人员（请先导入人员信息）"),
                    format!(
                        "no person with ID number {id} is on record (import the persons first)"
                    ),
                ));
            }
        }
    }
    let vins: Vec<&str> = rows.iter().map(|r| r.record.vin.as_str()).collect();
    let in_file: HashSet<&str> = vins.iter().copied().collect();
    let plates: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.record.plate.as_ref().map(PlateNumber::as_str))
        .collect();
    let holders: HashMap<String, String> = tx
        .vehicles_by_plate(&plates)
        .await?
        .into_iter()
        .map(|(plate, (_, vin))| (plate, vin))
        .collect();
    // Vehicles of this file whose present plate another row takes: their
    // plate is cleared first, so that swaps and moves pass the unique plate.
    let mut movers: HashSet<String> = HashSet::new();
    for r in rows {
        let Some(plate) = &r.record.plate else {
            continue;
        };
        match holders.get(plate.as_str()) {
            Some(holder) if holder != r.record.vin.as_str() => {
                if in_file.contains(holder.as_str()) {
                    movers.insert(holder.clone());
                } else {
                    problems.push(Problem::value(
                        r.line,
                        column("plate"),
                        format!("号牌号码{plate}已登记在车辆{holder}上，而该车不在本文件中"),
                        format!("plate {plate} is on record for vehicle {holder}, which this file does not re-plate"),
                    ));
                }
            }
            _ => {}
        }
    }
    if !problems.is_empty() || !write {
        return Ok(Err(problems));
    }
    let present = tx.vehicles_on_record(&vins).await?;
    let movers: Vec<&str> = movers.iter().map(String::as_str).collect();
    tx.clear_plates(&movers).await?;
    let records: Vec<&VehicleRecord> = rows.iter().map(|r| &r.record).collect();
    let mut written = tx.upsert_vehicles(&records).await?;
    // A vehicle whose plate was cleared has changed even when its row now
    // matches the cleared state (it leaves the file without a plate).
    written.extend(movers.iter().map(|v| v.to_string()));
    Ok(Ok(Applied::count(&vins, &present, &written)))
}

fn column(key: &str) -> Column {
    *COLUMNS
        .iter()
        .find(|c| c.key == key)
        .expect("a vehicle column")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{one_row, problem_columns, problems_of};

    const HEADER: &str = "车辆识别代号,号牌号码,车辆类型,品牌,车身颜色,所有人类型,所有人证件号码,机动车状态,初次登记日期,检验有效期止,联系电话";

    #[test]
    fn a_good_row_becomes_a_vehicle() {
        let v = one_row(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU218XN2183294,冀A·12345,轿车,大众,白,个人,130102199003070011,A,2019-05-01,2027-05-31,13803112233",
        )
        .unwrap();
        assert_eq!(v.plate.as_ref().map(|p| p.as_str()), Some("冀A12345"));
        assert_eq!(v.vehicle_type, VehicleType::K33);
        assert_eq!(v.owner.kind_code(), "person");
        assert_eq!(v.status, VehicleStatus::Normal);
        // Unregistered, owned by an organisation, codes instead of names.
        let v = one_row(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU218XN2183294,,K33,大众,白,单位,91130102MA0012345N,A,,,13803112233",
        )
        .unwrap();
        assert_eq!(v.plate, None);
        assert_eq!(v.owner.kind_code(), "organisation");
        assert_eq!(v.owner.id(), "91130102MA0012345N");
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU218XN2183294,,K33,大众,白,单位,91130102MA0012345X,A,,,13803112233",
        );
        assert_eq!(
            problems[0].column.map(|c| c.key),
            Some("owner_id"),
            "{problems:?}"
        );
    }

    #[test]
    fn every_bad_value_is_named() {
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU2180N2183294,冀I12345,Z99,,白,某人,130102199003070011,Q9,,2027-05-31,0311",
        );
        let columns = problem_columns(&problems);
        assert_eq!(
            columns,
            [
                "vin",
                "plate",
                "vehicle_type",
                "brand",
                "owner_kind",
                "status",
                "phone"
            ],
            "{problems:?}"
        );
        // A plate needs a registration date; inspection after registration.
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU218XN2183294,冀A12345,K33,大众,白,个人,130102199003070011,A,,2027-05-31,13803112233",
        );
        assert_eq!(problems[0].column.map(|c| c.key), Some("registered_on"));
        let problems = problems_of(
            COLUMNS,
            parse,
            HEADER,
            "LSVAU218XN2183294,冀A12345,K33,大众,白,个人,130102199003070011,A,2027-06-01,2027-05-31,13803112233",
        );
        assert!(problems[0].en.contains("before the registration date"));
    }
}
