//! Vehicles (机动车): plate serials (号牌号码), VINs (车辆识别代号), the
//! registered fleet with the demo owners' cars first, the new cars awaiting
//! a plate, and the numbers of a city's plate pool (号牌号码资源).

use super::batch::{insert, opt_s, s, Tx};
use super::cast;
use super::random::Rng;
use super::registry::{Organisation, Person};
use super::DemoCar;
use app::domain::{Date, VehicleStatus, VehicleType, Vin};
use std::collections::HashSet;

/// The columns the demo writes into `vehicles`, in the order of its rows.
pub(super) const VEHICLE_COLUMNS: &[&str] = &[
    "plate",
    "vin",
    "vehicle_type",
    "brand",
    "colour",
    "owner_kind",
    "owner_id",
    "status",
    "registered_on",
    "inspection_due",
    "phone",
];

pub(super) const BRANDS: &[&str] = &[
    "大众",
    "丰田",
    "本田",
    "比亚迪",
    "长城",
    "吉利",
    "奇瑞",
    "别克",
    "福特",
    "长安",
    "日产",
    "哈弗",
];
pub(super) const TRUCK_BRANDS: &[&str] = &["解放", "东风", "重汽", "陕汽", "福田", "宇通", "金龙"];
pub(super) const COLOURS: &[&str] = &["白", "黑", "银", "灰", "红", "蓝"];
/// World manufacturer identifiers (世界制造厂识别代号) of Chinese makers.
const WMIS: &[&str] = &["LSV", "LFV", "LGB", "LVS", "LBV", "LGW", "LSG", "LFP"];
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Vehicles generated in all; the last `NEW_CARS` have no plate yet.
const TOTAL: usize = 860;
/// New cars, not yet registered (for plate pre-selection).
const NEW_CARS: usize = 24;

/// A plate serial of the kind a city issues: mostly digits, at most two letters.
pub(super) fn ordinary_serial(rng: &mut Rng) -> String {
    let letters = match rng.below(10) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    let mut chars: Vec<u8> = (0..5).map(|_| b'0' + rng.below(10) as u8).collect();
    for _ in 0..letters {
        let at = rng.below(5) as usize;
        chars[at] = *rng.pick(LETTERS);
    }
    String::from_utf8(chars).expect("ascii")
}

/// A new-energy serial (新能源号牌): D (electric) or F (hybrid) and five more.
fn new_energy_serial(rng: &mut Rng) -> String {
    let second = if rng.chance(50) {
        *rng.pick(LETTERS) as char
    } else {
        (b'0' + rng.below(10) as u8) as char
    };
    format!(
        "{}{second}{:04}",
        if rng.chance(70) { 'D' } else { 'F' },
        rng.below(10_000)
    )
}

/// Numbers for a city's plate pool (号牌号码资源): ordinary serials not yet
/// issued, without the series withheld by rule. Deterministic for a seed.
pub fn plate_pool(
    city: &str,
    withheld_series: &[String],
    count: usize,
    seed: u64,
    issued: &HashSet<String>,
) -> Vec<String> {
    use app::domain::plate_selection::is_withheld;
    let mut rng = Rng::seeded(seed);
    let mut out = HashSet::new();
    let mut tries = 0;
    while out.len() < count && tries < count * 20 {
        tries += 1;
        let serial = ordinary_serial(&mut rng);
        let plate = format!("{city}{serial}");
        let in_withheld_series = withheld_series
            .iter()
            .any(|w| serial.starts_with(w.as_str()));
        if !is_withheld(&serial) && !in_withheld_series && !issued.contains(&plate) {
            out.insert(plate);
        }
    }
    let mut pool: Vec<String> = out.into_iter().collect();
    pool.sort();
    pool
}

/// A VIN with its check digit, ending in the vehicle's serial.
pub(super) fn vin(rng: &mut Rng, serial: u64) -> String {
    let mut body = rng.pick(WMIS).to_string();
    for _ in 0..5 {
        body.push(*rng.pick(b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789") as char);
    }
    body.push('0');
    body.push(*rng.pick(b"DEFGHJKLMNPR") as char);
    body.push(*rng.pick(b"ABCDEFGHJ123456789") as char);
    body.push_str(&format!("{:06}", serial % 1_000_000));
    Vin::with_check_digit(&body)
        .expect("valid VIN body")
        .as_str()
        .to_string()
}

/// A free plate number for the city, new-energy for some small vehicles.
pub(super) fn new_plate(
    rng: &mut Rng,
    vehicle_type: VehicleType,
    plates: &mut HashSet<String>,
) -> String {
    loop {
        let serial = if vehicle_type.is_small() && rng.chance(8) {
            new_energy_serial(rng)
        } else {
            ordinary_serial(rng)
        };
        let plate = format!("冀A{serial}");
        if app::domain::PlateNumber::parse(&plate).is_ok() && plates.insert(plate.clone()) {
            return plate;
        }
    }
}

/// What the vehicles step tells the rest of the loader.
pub(super) struct Fleet {
    pub(super) count: usize,
    /// The online owners' small cars, in the order of `cast::ONLINE_OWNERS`.
    pub(super) owner_cars: Vec<DemoCar>,
}

/// Vehicles: the demo owners' fixed fleets first, then a generated fleet
/// owned by persons and some organisations, then new cars without plates
/// (the last ones belong to the demo new-car owners).
pub(super) async fn vehicles(
    tx: &mut Tx,
    rng: &mut Rng,
    persons: &[Person],
    orgs: &[Organisation],
    today: Date,
) -> Result<Fleet, sqlx::Error> {
    let small = [
        VehicleType::K33,
        VehicleType::K33,
        VehicleType::K33,
        VehicleType::K31,
        VehicleType::K41,
        VehicleType::H31,
    ];
    let large = [
        VehicleType::K11,
        VehicleType::K21,
        VehicleType::H11,
        VehicleType::H21,
        VehicleType::Q11,
        VehicleType::M21,
        VehicleType::N11,
    ];
    let fixed = cast::FLEETS.len();
    let mut plates = HashSet::new();
    let mut rows = Vec::new();
    let mut owner_cars: Vec<(usize, DemoCar)> = Vec::new();
    for i in 0..TOTAL {
        let vehicle_type = match cast::FLEETS.get(i) {
            Some((t, _)) => *t,
            None if i % 6 == 5 => *rng.pick(&large),
            None => *rng.pick(&small),
        };
        let unregistered = i >= TOTAL - NEW_CARS;
        let new_car_owner = (TOTAL - 1 - i < cast::NEW_CAR_OWNERS.len())
            .then(|| &persons[cast::NEW_CAR_OWNERS[TOTAL - 1 - i]]);
        let (owner_kind, owner_id, owner_phone) = if let Some(p) = new_car_owner {
            ("person", &p.id, &p.phone)
        } else if i >= fixed && i % 13 == 0 {
            let o = rng.pick(orgs);
            ("organisation", &o.code, &o.phone)
        } else {
            let p = match cast::FLEETS.get(i) {
                Some((_, owner)) => &persons[*owner],
                None => {
                    // Persons from 500 on are learners, without vehicles.
                    let mut k = 3 + (i * 37) % (cast::OWNERS_END - 3);
                    while cast::is_demo_owner(k) {
                        k += 1;
                    }
                    &persons[k]
                }
            };
            ("person", &p.id, &p.phone)
        };
        let plate = (!unregistered).then(|| new_plate(rng, vehicle_type, &mut plates));
        let registered_on = today.add_days(-(30 + rng.below(12 * 365) as i64));
        let inspection_due = today.add_days(rng.below(540) as i64 - 120);
        let status = if unregistered {
            VehicleStatus::Normal
        } else if inspection_due < today {
            VehicleStatus::InspectionOverdue
        } else if rng.chance(3) {
            VehicleStatus::ViolationPending
        } else {
            VehicleStatus::Normal
        };
        let brand = if vehicle_type.is_small() {
            rng.pick(BRANDS)
        } else {
            rng.pick(TRUCK_BRANDS)
        };
        let vin = vin(rng, i as u64 * 7919 + 100_003);
        if let Some((VehicleType::K33, owner)) = cast::FLEETS.get(i) {
            if let Some(n) = cast::ONLINE_OWNERS.iter().position(|o| o == owner) {
                let car = DemoCar {
                    plate: plate.clone().unwrap_or_default(),
                    vin: vin.clone(),
                    owner_phone: owner_phone.clone(),
                };
                owner_cars.push((n, car));
            }
        }
        rows.push(vec![
            opt_s(plate),
            s(vin),
            s(vehicle_type.code()),
            s(*brand),
            s(*rng.pick(COLOURS)),
            s(if unregistered { "person" } else { owner_kind }),
            s(owner_id),
            s(status.code()),
            opt_s((!unregistered).then(|| registered_on.to_iso())),
            opt_s((!unregistered).then(|| inspection_due.to_iso())),
            s(owner_phone),
        ]);
    }
    insert(tx, "vehicles", VEHICLE_COLUMNS, &rows).await?;
    owner_cars.sort_by_key(|(n, _)| *n);
    Ok(Fleet {
        count: rows.len(),
        owner_cars: owner_cars.into_iter().map(|(_, car)| car).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_and_vins_are_valid() {
        let mut rng = Rng::seeded(1);
        for _ in 0..1000 {
            let p = format!("冀A{}", ordinary_serial(&mut rng));
            let parsed = app::domain::PlateNumber::parse(&p).unwrap();
            assert!(parsed.letters_in_serial() <= 2);
            assert!(app::domain::PlateNumber::parse(&format!(
                "冀A{}",
                new_energy_serial(&mut rng)
            ))
            .is_ok());
            assert!(Vin::parse(&vin(&mut rng, 42)).is_ok());
        }
    }

    #[test]
    fn the_plate_pool_is_the_same_for_a_seed_and_leaves_issued_numbers_out() {
        let issued: HashSet<String> = plate_pool("冀A", &[], 5, 9, &HashSet::new())
            .into_iter()
            .collect();
        let withheld = ["1".to_string()];
        let a = plate_pool("冀A", &withheld, 200, 2026, &issued);
        assert_eq!(a, plate_pool("冀A", &withheld, 200, 2026, &issued));
        assert_eq!(a.len(), 200);
        assert!(a
            .iter()
            .all(|p| !issued.contains(p) && p.starts_with("冀A") && !p.starts_with("冀A1")));
        assert_ne!(a, plate_pool("冀A", &withheld, 200, 2027, &issued));
    }
}
