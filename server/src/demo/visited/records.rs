//! The rows of the visited demo as 京's registry holds them: the windows,
//! and each visitor's person record (人员), vehicles (机动车), surveillance
//! violations (电子监控违法记录) and driving licence (驾驶证), drawn from a
//! seed made of the visitor's ID number.

use super::super::batch::{opt_s, s, V};
use super::super::licences::licence_dates;
use super::super::random::Rng;
use super::super::vehicles::{ordinary_serial, vin, BRANDS, COLOURS};
use super::super::violations::{Spec, VIOLATIONS};
use super::super::DemoCar;
use super::Visitor;
use app::domain::{
    Date, LicenceClass, LicenceStatus, PlateNumber, ResidentId, VehicleStatus, VehicleType,
};
use std::collections::HashSet;

/// The registration windows (注册窗口): (name, address, phone). The first
/// two serve individuals in their district's traffic division (交通支队),
/// the last serves units at the vehicle administration office.
pub(super) const WINDOWS: [(&str, &str, &str); 3] = [
    (
        "东城交通支队个人用户注册窗口",
        "北京市东城区东四十条甲22号东城交通支队服务大厅",
        "010-64041122",
    ),
    (
        "朝阳交通支队个人用户注册窗口",
        "北京市朝阳区朝阳路42号朝阳交通支队服务大厅",
        "010-85951122",
    ),
    (
        "北京市车辆管理所单位用户注册窗口",
        "北京市丰台区南四环西路188号车辆管理所业务大厅",
        "010-83651122",
    ),
];

/// The authority that issues driving licences here (发证机关).
pub(super) const AUTHORITY: &str = "北京市公安局公安交通管理局";
/// The plate prefix of the visitors' cars registered here.
pub(super) const PLATE_PREFIX: &str = "京N";

/// Where the visitors live in Beijing (居住地): (district, street).
const HOMES: &[(&str, &str)] = &[
    ("东城区", "东直门南大街"),
    ("西城区", "阜成门外大街"),
    ("朝阳区", "望京街"),
    ("朝阳区", "建国路"),
    ("海淀区", "学院路"),
    ("丰台区", "丽泽路"),
    ("通州区", "新华大街"),
    ("昌平区", "回龙观西大街"),
];
/// Where the cameras (电子监控) caught them.
const CAMERAS: &[&str] = &[
    "北京市朝阳区东三环中路与建国路交叉口",
    "北京市海淀区中关村大街与北四环西路交叉口",
    "北京市东城区东直门南大街东直门桥南",
    "北京市西城区阜成门外大街与三里河路交叉口",
    "北京市丰台区南三环西路玉泉营桥",
    "北京市朝阳区京承高速公路望京出口",
];

/// Unlawful parking (违法停车) as Beijing fines it: 200 yuan, no points
/// (each province sets its fines within the national range; the 冀 demo's
/// are 100).
fn parking_here() -> Spec {
    let (code, description, _, points) = VIOLATIONS[0];
    (code, description, 200, points)
}

/// A seed made of an ID number (FNV-1a): a visitor's records are the same
/// whatever the order or number of visitors.
pub(super) fn seed_of(id_number: &str) -> u64 {
    id_number.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn resident_id(visitor: &Visitor) -> Result<ResidentId, sqlx::Error> {
    ResidentId::parse(&visitor.id_number).map_err(|_| {
        sqlx::Error::InvalidArgument(format!(
            "visitor {}: {:?} is not a resident ID number",
            visitor.name, visitor.id_number
        ))
    })
}

/// The person record (`PERSON_COLUMNS`), with a Beijing address.
pub(super) fn person(rng: &mut Rng, visitor: &Visitor, now_ms: i64) -> Result<Vec<V>, sqlx::Error> {
    let id = resident_id(visitor)?;
    let (district, street) = rng.pick(HOMES);
    let address = format!(
        "北京市{district}{street}{}号院{}号楼{}单元{}室",
        rng.below(200) + 1,
        rng.below(20) + 1,
        rng.below(4) + 1,
        rng.below(1800) + 101
    );
    Ok(vec![
        s(id.as_str()),
        s(&visitor.name),
        s(id.sex().zh()),
        s(id.birth_date().to_iso()),
        s(&visitor.phone),
        s(address),
        V::I(now_ms),
    ])
}

/// A small car (小型轿车, K33) of the visitor's (`VEHICLE_COLUMNS`).
fn small_car(
    rng: &mut Rng,
    visitor: &Visitor,
    car: &DemoCar,
    registered_on: Option<Date>,
    inspection_due: Option<Date>,
) -> Vec<V> {
    vec![
        s(&car.plate),
        s(&car.vin),
        s(VehicleType::K33.code()),
        s(*rng.pick(BRANDS)),
        s(*rng.pick(COLOURS)),
        s("person"),
        s(&visitor.id_number),
        s(VehicleStatus::Normal.code()),
        opt_s(registered_on.map(|d| d.to_iso())),
        opt_s(inspection_due.map(|d| d.to_iso())),
        s(&visitor.phone),
    ]
}

/// The visitor's home car as recorded here: its plate and VIN, its owner;
/// its registration and inspection are the home province's business.
pub(super) fn home_car(rng: &mut Rng, visitor: &Visitor, car: &DemoCar) -> Vec<V> {
    small_car(rng, visitor, car, None, None)
}

/// The visitor's car registered here (京N…): registered months or years
/// ago, its inspection due in the future; answers the row and the car.
pub(super) fn car_here(
    rng: &mut Rng,
    visitor: &Visitor,
    today: Date,
    plates: &mut HashSet<String>,
    vins: &mut HashSet<String>,
) -> (Vec<V>, DemoCar) {
    let plate = loop {
        let plate = format!("{PLATE_PREFIX}{}", ordinary_serial(rng));
        if PlateNumber::parse(&plate).is_ok() && plates.insert(plate.clone()) {
            break plate;
        }
    };
    let vin = loop {
        let serial = rng.below(1_000_000);
        let vin = vin(rng, serial);
        if vins.insert(vin.clone()) {
            break vin;
        }
    };
    let car = DemoCar {
        plate,
        vin,
        owner_phone: visitor.phone.clone(),
    };
    let registered_on = today.add_days(-(60 + rng.below(5 * 365) as i64));
    let inspection_due = today.add_days(30 + rng.below(600) as i64);
    let row = small_car(
        rng,
        visitor,
        &car,
        Some(registered_on),
        Some(inspection_due),
    );
    (row, car)
}

/// An unhandled surveillance violation recorded here in the last month
/// (`VIOLATION_COLUMNS`).
fn violation(rng: &mut Rng, vehicle: (i64, &str), spec: Spec, now_ms: i64) -> Vec<V> {
    let (code, description, fine_yuan, points) = spec;
    vec![
        V::I(vehicle.0),
        s(vehicle.1),
        V::I(now_ms - (rng.below(30 * 86_400) as i64 + 3600) * 1000),
        s(*rng.pick(CAMERAS)),
        s("京"),
        s(code),
        s(description),
        V::I(fine_yuan),
        V::I(points),
        s("unhandled"),
        s("surveillance"),
    ]
}

/// The home car's two: unlawful parking (200 yuan, no points) and a
/// prohibition line crossed (违反禁止标线, 100 yuan, no points).
pub(super) fn home_car_violations(rng: &mut Rng, vehicle: (i64, &str), now_ms: i64) -> Vec<Vec<V>> {
    vec![
        violation(rng, vehicle, parking_here(), now_ms),
        violation(rng, vehicle, VIOLATIONS[1], now_ms),
    ]
}

/// The car registered here has one: a bus lane used (违反规定使用专用车道).
pub(super) fn car_here_violations(rng: &mut Rng, vehicle: (i64, &str), now_ms: i64) -> Vec<Vec<V>> {
    vec![violation(rng, vehicle, VIOLATIONS[9], now_ms)]
}

/// A driving licence issued here (`LICENCE_COLUMNS`): class C1, valid for
/// years yet, no points.
pub(super) fn licence(
    rng: &mut Rng,
    visitor: &Visitor,
    today: Date,
) -> Result<Vec<V>, sqlx::Error> {
    let id = resident_id(visitor)?;
    let birth = id.birth_date();
    let age = Date::years_between(birth, today);
    let preferred_first = birth.add_years(18 + rng.below((age - 17).max(1) as u64) as i32);
    let wanted_until = today.add_days(120 + rng.below(3000) as i64);
    let (first_issued, valid_from, valid_until) =
        licence_dates(birth, preferred_first, wanted_until, today);
    let physical_due = (age >= 60).then(|| today.add_days(30 + rng.below(330) as i64));
    Ok(vec![
        s(id.as_str()),
        s(LicenceClass::C1.code()),
        s(first_issued.to_iso()),
        s(valid_from.to_iso()),
        s(valid_until.to_iso()),
        V::I(0),
        s(today.add_days(1 + rng.below(364) as i64).to_iso()),
        s(LicenceStatus::Valid.code()),
        V::NullS,
        opt_s(physical_due.map(|d| d.to_iso())),
        s(AUTHORITY),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor() -> Visitor {
        Visitor {
            id_number: ResidentId::from_parts("130102", Date::new(1988, 5, 17).unwrap(), 123)
                .as_str()
                .to_string(),
            name: "王伟".into(),
            phone: "13900000001".into(),
            home_car: None,
            car_here: true,
            licence_here: true,
        }
    }

    fn text(v: &V) -> &str {
        match v {
            V::S(text) => text,
            _ => panic!("not text"),
        }
    }

    #[test]
    fn a_visitor_always_gets_the_same_records() {
        let today = Date::new(2026, 11, 26).unwrap();
        let draw = |v: &Visitor| {
            let mut rng = Rng::seeded(seed_of(&v.id_number));
            let person = person(&mut rng, v, 0).unwrap();
            let (row, car) = car_here(&mut rng, v, today, &mut HashSet::new(), &mut HashSet::new());
            let licence = licence(&mut rng, v, today).unwrap();
            (
                text(&person[5]).to_string(),
                car.plate,
                car.vin,
                text(&row[9]).to_string(),
                text(&licence[4]).to_string(),
            )
        };
        let v = visitor();
        assert_eq!(draw(&v), draw(&v));
        let mut other = visitor();
        other.id_number = ResidentId::from_parts("130104", Date::new(1990, 1, 2).unwrap(), 7)
            .as_str()
            .to_string();
        assert_ne!(draw(&v).1, draw(&other).1);
    }

    #[test]
    fn the_car_here_is_a_valid_beijing_plate_due_for_inspection_later() {
        let today = Date::new(2026, 11, 26).unwrap();
        let v = visitor();
        let mut plates = HashSet::new();
        let mut vins = HashSet::new();
        let mut rng = Rng::seeded(seed_of(&v.id_number));
        for _ in 0..200 {
            let (row, car) = car_here(&mut rng, &v, today, &mut plates, &mut vins);
            assert!(car.plate.starts_with("京N"), "{}", car.plate);
            assert!(PlateNumber::parse(&car.plate).is_ok(), "{}", car.plate);
            assert!(app::domain::Vin::parse(&car.vin).is_ok(), "{}", car.vin);
            assert_eq!(text(&row[2]), "K33");
            assert_eq!(text(&row[7]), VehicleStatus::Normal.code());
            assert!(Date::parse_iso(text(&row[8])).unwrap() < today);
            assert!(Date::parse_iso(text(&row[9])).unwrap() > today);
        }
        assert_eq!(
            (plates.len(), vins.len()),
            (200, 200),
            "never the same twice"
        );
    }

    #[test]
    fn the_licence_here_is_a_valid_c1_without_points() {
        let v = visitor();
        let mut rng = Rng::seeded(seed_of(&v.id_number));
        for days in 0..400 {
            let today = Date::new(2026, 1, 1).unwrap().add_days(days);
            let row = licence(&mut rng, &v, today).unwrap();
            assert_eq!(text(&row[1]), "C1");
            let (first, from, until) = (
                Date::parse_iso(text(&row[2])).unwrap(),
                Date::parse_iso(text(&row[3])).unwrap(),
                Date::parse_iso(text(&row[4])).unwrap(),
            );
            assert!(first >= Date::new(2006, 5, 17).unwrap() && first <= from);
            assert!(
                from <= today && until > today.add_days(90),
                "{from}–{until}"
            );
            assert!(matches!(row[5], V::I(0)));
            assert_eq!(text(&row[7]), LicenceStatus::Valid.code());
            assert_eq!(text(&row[10]), AUTHORITY);
        }
        let mut bad = visitor();
        bad.id_number = "13010219880517".into();
        assert!(licence(&mut rng, &bad, Date::new(2026, 1, 1).unwrap()).is_err());
    }

    #[test]
    fn the_violations_here_are_unhandled_and_recorded_in_beijing() {
        let mut rng = Rng::seeded(1);
        let home = home_car_violations(&mut rng, (7, "冀A12345"), 1_800_000_000_000);
        let fines: Vec<_> = home
            .iter()
            .map(|row| match (&row[7], &row[8]) {
                (V::I(fine), V::I(points)) => (*fine, *points),
                _ => panic!("numbers"),
            })
            .collect();
        assert_eq!(fines, [(200, 0), (100, 0)]);
        let here = car_here_violations(&mut rng, (8, "京N12345"), 1_800_000_000_000);
        for row in home.iter().chain(&here) {
            assert_eq!(text(&row[4]), "京");
            assert!(text(&row[3]).starts_with("北京市"));
            assert_eq!(
                (text(&row[9]), text(&row[10])),
                ("unhandled", "surveillance")
            );
            assert!(matches!(row[2], V::I(at) if at < 1_800_000_000_000));
        }
    }

    #[test]
    fn the_windows_are_in_beijing() {
        for (name, address, phone) in WINDOWS {
            assert!(name.ends_with("注册窗口") && address.starts_with("北京市"));
            assert!(phone.starts_with("010-") && phone.len() == 12, "{phone}");
        }
        assert!(WINDOWS[super::super::UNIT_WINDOW as usize - 1]
            .0
            .contains("单位用户"));
    }
}
