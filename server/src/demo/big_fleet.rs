//! The big fleet (大型运输企业): the demo road transport company's 5,000
//! vehicles, 300 drivers with licences and 20,000 camera-recorded
//! violations, so that the unit dashboard is seen and measured at the size
//! of a real company. Demo and benchmark data only: the integration tests'
//! databases leave it out (`DemoSize::Standard`).

use super::batch::{insert, opt_s, s, Tx, V};
use super::licences::licence_dates;
use super::random::{address, name, phone, Rng};
use super::registry::Organisation;
use super::vehicles::{new_plate, vin, BRANDS, COLOURS, TRUCK_BRANDS};
use super::violations::{violation, VIOLATIONS};
use super::{licences, registry, vehicles, violations};
use app::domain::window::REGION_DISTRICTS;
use app::domain::{Date, LicenceClass, LicenceStatus, ResidentId, VehicleStatus, VehicleType};
use sqlx::Row;
use std::collections::HashSet;

/// Vehicles registered to the company.
pub(super) const VEHICLES: usize = 5_000;
/// Its drivers, each with a licence.
pub(super) const DRIVERS: usize = 300;
/// Violations of its vehicles.
pub(super) const VIOLATION_COUNT: usize = 20_000;

/// What was loaded.
pub(super) struct BigFleet {
    pub(super) vehicles: usize,
    pub(super) drivers: usize,
    /// Their ID numbers, in the order they were made.
    pub(super) driver_ids: Vec<String>,
    pub(super) violations: usize,
}

/// Loads the company's vehicles, drivers and violations.
pub(super) async fn big_fleet(
    tx: &mut Tx,
    rng: &mut Rng,
    company: &Organisation,
    phones: &mut HashSet<String>,
    today: Date,
    now_ms: i64,
) -> Result<BigFleet, sqlx::Error> {
    let mut plates: HashSet<String> =
        sqlx::query("SELECT plate FROM vehicles WHERE plate IS NOT NULL")
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("plate"))
            .collect::<Result<_, _>>()?;
    // Vans and light trucks (small vehicles) most, then buses and lorries.
    let types = [
        VehicleType::H31,
        VehicleType::H31,
        VehicleType::K33,
        VehicleType::K31,
        VehicleType::H11,
        VehicleType::H21,
        VehicleType::K11,
        VehicleType::Q11,
    ];
    let mut rows = Vec::with_capacity(VEHICLES);
    for i in 0..VEHICLES {
        let vehicle_type = *rng.pick(&types);
        let plate = new_plate(rng, vehicle_type, &mut plates);
        let inspection_due = today.add_days(rng.below(400) as i64 - 40);
        let status = if inspection_due < today {
            VehicleStatus::InspectionOverdue
        } else {
            VehicleStatus::Normal
        };
        rows.push(vec![
            s(plate),
            s(vin(rng, 300_000 + i as u64)),
            s(vehicle_type.code()),
            s(*rng.pick(
                if matches!(vehicle_type, VehicleType::K31 | VehicleType::K33) {
                    BRANDS
                } else {
                    TRUCK_BRANDS
                },
            )),
            s(*rng.pick(COLOURS)),
            s("organisation"),
            s(&company.code),
            s(status.code()),
            s(today.add_days(-(60 + rng.below(8 * 365) as i64)).to_iso()),
            s(inspection_due.to_iso()),
            s(&company.phone),
        ]);
    }
    insert(tx, "vehicles", vehicles::VEHICLE_COLUMNS, &rows).await?;
    let driver_ids = drivers(tx, rng, phones, today, now_ms).await?;
    let violations = violations(tx, rng, &company.code, today, now_ms).await?;
    Ok(BigFleet {
        vehicles: VEHICLES,
        drivers: driver_ids.len(),
        driver_ids,
        violations,
    })
}

/// Drivers the company has not bound yet (the demo binds one by SMS).
const DRIVERS_NOT_BOUND: usize = 20;

/// The company's account has bound its drivers' licences, all but the
/// last few (once the demo accounts exist). Answers, of those with a
/// valid licence and no points, the ones not bound and the first few bound:
/// (ID number, name, phone).
pub(super) async fn bind_drivers(
    tx: &mut Tx,
    company: &Organisation,
    driver_ids: &[String],
    today: Date,
    now_ms: i64,
) -> Result<FleetDrivers, sqlx::Error> {
    let bound = driver_ids.len().saturating_sub(DRIVERS_NOT_BOUND);
    let not_bound = clean_licences(tx, &driver_ids[bound..], today).await?;
    let mut some_bound = clean_licences(tx, &driver_ids[..bound.min(20)], today).await?;
    some_bound.truncate(4);
    for id_number in &driver_ids[..bound] {
        sqlx::query(
            "INSERT INTO unit_drivers (account_id, id_number, bound_at)
             SELECT id, $1, $2 FROM accounts WHERE credit_code = $3",
        )
        .bind(id_number)
        .bind(now_ms)
        .bind(&company.code)
        .execute(&mut **tx)
        .await?;
    }
    Ok(FleetDrivers {
        not_bound,
        some_bound,
    })
}

/// Drivers for the browser tests: (ID number, name, phone).
pub(super) struct FleetDrivers {
    pub(super) not_bound: Vec<(String, String, String)>,
    pub(super) some_bound: Vec<(String, String, String)>,
}

/// Of these drivers, those whose licence is valid for long yet and carries
/// no points.
async fn clean_licences(
    tx: &mut Tx,
    ids: &[String],
    today: Date,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let mut clean = Vec::new();
    for id_number in ids {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT p.name, p.phone FROM persons p JOIN driving_licences l ON l.id_number = p.id_number
             WHERE p.id_number = $1 AND l.points = 0 AND l.status = 'A' AND l.valid_until > $2",
        )
        .bind(id_number)
        .bind(today.add_days(200).to_iso())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((name, phone)) = row {
            clean.push((id_number.clone(), name, phone));
        }
    }
    Ok(clean)
}

/// The company's drivers: persons with professional or car licences, some
/// near expiry or with points.
async fn drivers(
    tx: &mut Tx,
    rng: &mut Rng,
    phones: &mut HashSet<String>,
    today: Date,
    now_ms: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let mut known: HashSet<String> = sqlx::query("SELECT id_number FROM persons")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id_number"))
        .collect::<Result<_, _>>()?;
    let (mut persons, mut licences) = (Vec::new(), Vec::new());
    while persons.len() < DRIVERS {
        let (region, district) = *rng.pick(REGION_DISTRICTS);
        let birth = today.add_days(-((24 * 365 + rng.below(34 * 365)) as i64));
        let id = ResidentId::from_parts(region, birth, rng.below(1000) as u16);
        if !known.insert(id.as_str().to_string()) {
            continue;
        }
        let n = persons.len();
        persons.push(vec![
            s(id.as_str()),
            s(name(rng)),
            s(id.sex().zh()),
            s(birth.to_iso()),
            s(phone(rng, phones)),
            s(address(rng, district)),
            V::I(now_ms),
        ]);
        let class = *rng.pick(&[LicenceClass::A2, LicenceClass::B2, LicenceClass::C1]);
        let wanted_until = if n % 15 == 0 {
            today.add_days(5 + rng.below(80) as i64)
        } else {
            today.add_days(120 + rng.below(3000) as i64)
        };
        let first = birth.add_years(20);
        let (first_issued, valid_from, valid_until) =
            licence_dates(birth, first, wanted_until, today);
        let points = match n % 10 {
            0 => 12,
            1..=3 => 1 + rng.below(9) as i64,
            _ => 0,
        };
        let status = if points >= 12 {
            LicenceStatus::PointsFull
        } else {
            LicenceStatus::Valid
        };
        licences.push(vec![
            s(id.as_str()),
            s(class.code()),
            s(first_issued.to_iso()),
            s(valid_from.to_iso()),
            s(valid_until.to_iso()),
            V::I(points),
            s(today.add_days(1 + rng.below(364) as i64).to_iso()),
            s(status.code()),
            opt_s(
                class
                    .is_professional()
                    .then(|| today.add_days(rng.below(360) as i64).to_iso()),
            ),
            opt_s(
                class
                    .is_professional()
                    .then(|| today.add_days(rng.below(360) as i64).to_iso()),
            ),
            s("河北省石家庄市公安局交通警察支队"),
        ]);
    }
    insert(tx, "persons", registry::PERSON_COLUMNS, &persons).await?;
    insert(tx, "driving_licences", licences::LICENCE_COLUMNS, &licences).await?;
    Ok(persons
        .iter()
        .map(|p| match &p[0] {
            V::S(id) => id.clone(),
            _ => unreachable!("the first column is the ID number"),
        })
        .collect())
}

/// The company's violations: mostly settled long ago, some waiting.
async fn violations(
    tx: &mut Tx,
    rng: &mut Rng,
    code: &str,
    today: Date,
    now_ms: i64,
) -> Result<usize, sqlx::Error> {
    let vehicles: Vec<(i64, String)> = sqlx::query(
        "SELECT id, plate FROM vehicles WHERE owner_kind = 'organisation' AND owner_id = $1 AND plate IS NOT NULL ORDER BY id",
    )
    .bind(code)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("plate")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let mut rows = Vec::with_capacity(VIOLATION_COUNT);
    for _ in 0..VIOLATION_COUNT {
        let vehicle = rng.pick(&vehicles).clone();
        let spec = *rng.pick(VIOLATIONS);
        let status = match rng.below(20) {
            0..=2 => "unhandled",
            3 => "handled_unpaid",
            _ => "paid",
        };
        let elsewhere = rng.chance(4);
        rows.push(violation(rng, now_ms, &vehicle, spec, elsewhere, status));
    }
    let first_id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS id FROM violations")
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    insert(tx, "violations", violations::VIOLATION_COLUMNS, &rows).await?;
    // The handled ones carry their decision: one date per month of
    // handling, set in a statement each, the number made from the id.
    for months_ago in 0..4 {
        let decided = today.add_days(-(months_ago * 30 + 1 + rng.below(28) as i64));
        let prefix = format!(
            "130100{:04}{:02}{:02}",
            decided.year(),
            decided.month(),
            decided.day()
        );
        sqlx::query(
            "UPDATE violations SET decided_on = $1,
                decision_no = CAST($2 AS TEXT) || SUBSTR(CAST(100000000 + id AS TEXT), 2)
             WHERE id > $3 AND status <> 'unhandled' AND decided_on IS NULL AND id % 4 = $4",
        )
        .bind(decided.to_iso())
        .bind(&prefix)
        .bind(first_id)
        .bind(months_ago)
        .execute(&mut **tx)
        .await?;
    }
    Ok(rows.len())
}
