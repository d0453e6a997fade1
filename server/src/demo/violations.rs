//! Surveillance violations (电子监控违法记录) on registered vehicles: a fixed
//! set on each online owner's fleet for the fine journeys, the rest drawn,
//! and the penalty decisions (处罚决定书) of those already handled.

use super::batch::{insert, s, Tx, V};
use super::cast;
use super::random::{Rng, STREETS};
use app::domain::violation::status_once_handled;
use app::domain::{Date, VehicleType};
use sqlx::Row;

/// The columns the demo writes into `violations`, in the order of its rows.
pub(super) const VIOLATION_COLUMNS: &[&str] = &[
    "vehicle_id",
    "plate",
    "occurred_at",
    "place",
    "recorded_province",
    "code",
    "description",
    "fine_yuan",
    "points",
    "status",
    "source",
];

/// (code, description, fine yuan, points)
pub(super) type Spec = (&'static str, &'static str, i64, i64);

pub(super) const VIOLATIONS: &[Spec] = &[
    (
        "1039",
        "机动车违反规定停放、临时停车且驾驶人不在现场，妨碍其他车辆、行人通行的",
        100,
        0,
    ),
    ("1019", "机动车违反禁止标线指示的", 100, 0),
    ("1345", "机动车违反禁令标志指示的", 200, 3),
    ("1352", "机动车行驶超过规定时速未达20%的", 200, 3),
    ("1625", "驾驶机动车违反道路交通信号灯通行的", 200, 6),
    ("1301", "机动车逆向行驶的", 200, 3),
    ("1208", "机动车不按规定车道行驶的", 100, 0),
    ("1042", "不按规定使用安全带的", 50, 0),
    (
        "1357",
        "驾驶机动车行经人行横道未按规定减速、停车、避让行人的",
        200,
        3,
    ),
    ("1090", "机动车违反规定使用专用车道的", 150, 0),
    ("1344", "机动车违反禁止标线指示的（警告）", 0, 0),
    ("1636", "机动车行驶超过规定时速20%以上未达50%的", 200, 6),
];
const OTHER_PROVINCES: &[(&str, &str)] = &[
    ("京", "北京市朝阳区京港澳高速公路杜家坎收费站"),
    ("晋", "山西省太原市迎泽大街与解放路交叉口"),
    ("豫", "河南省郑州市中原路与嵩山路交叉口"),
    ("鲁", "山东省济南市经十路与舜耕路交叉口"),
];
/// An online owner's small car: (violation, recorded in another province).
const OWNER_CAR: [(usize, bool); 5] = [
    (0, false),  // 100 yuan, no points
    (1, false),  // 100 yuan, no points (for a non-owner to settle)
    (2, false),  // 200 yuan, 3 points
    (10, false), // warning
    (4, true),   // recorded in another province
];
/// An online owner's truck: a large-vehicle violation.
const OWNER_TRUCK: usize = 6;

/// One violation row, with the place and time drawn.
pub(super) fn violation(
    rng: &mut Rng,
    now_ms: i64,
    vehicle: &(i64, String),
    spec: Spec,
    elsewhere: bool,
    status: &str,
) -> Vec<V> {
    let (province, place) = if elsewhere {
        let (province, place) = *rng.pick(OTHER_PROVINCES);
        (province, place.to_string())
    } else {
        let place = format!("石家庄市{}与{}交叉口", rng.pick(STREETS), rng.pick(STREETS));
        ("冀", place)
    };
    // Handled ones stand where the rule puts them: a warning has
    // nothing to pay, so it is done, never "unpaid" or "paid".
    let status = if status != "unhandled" && spec.2 == 0 {
        status_once_handled(0).code()
    } else {
        status
    };
    vec![
        V::I(vehicle.0),
        s(&vehicle.1),
        V::I(now_ms - (rng.below(400 * 86_400) as i64 + 3600) * 1000),
        s(place),
        s(province),
        s(spec.0),
        s(spec.1),
        V::I(spec.2),
        V::I(spec.3),
        s(status),
        s("surveillance"),
    ]
}

/// Loads the violations; answers how many.
pub(super) async fn violations(
    tx: &mut Tx,
    rng: &mut Rng,
    today: Date,
    now_ms: i64,
) -> Result<usize, sqlx::Error> {
    let ids: Vec<(i64, String)> =
        sqlx::query("SELECT id, plate FROM vehicles WHERE plate IS NOT NULL ORDER BY id")
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("plate")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let mut rows = Vec::new();
    // The online owners' fleets come first, so vehicle n is `ids[n]`.
    for (n, (vehicle_type, owner)) in cast::FLEETS.iter().enumerate() {
        if !cast::ONLINE_OWNERS.contains(owner) {
            continue;
        }
        let vehicle = &ids[n];
        if *vehicle_type == VehicleType::K33 {
            for (spec, elsewhere) in OWNER_CAR {
                let spec = VIOLATIONS[spec];
                rows.push(violation(
                    rng,
                    now_ms,
                    vehicle,
                    spec,
                    elsewhere,
                    "unhandled",
                ));
            }
        } else {
            let spec = VIOLATIONS[OWNER_TRUCK];
            rows.push(violation(rng, now_ms, vehicle, spec, false, "unhandled"));
        }
    }
    while rows.len() < 1600 {
        let vehicle = rng.pick(&ids).clone();
        let spec = *rng.pick(VIOLATIONS);
        let elsewhere = rng.chance(6);
        let status = match rng.below(10) {
            0..=6 => "unhandled",
            7 => "handled_unpaid",
            _ => "paid",
        };
        rows.push(violation(rng, now_ms, &vehicle, spec, elsewhere, status));
    }
    insert(tx, "violations", VIOLATION_COLUMNS, &rows).await?;
    // Handled ones carry their penalty decision (a few days to months old).
    let handled: Vec<i64> =
        sqlx::query("SELECT id FROM violations WHERE status <> 'unhandled' ORDER BY id")
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
    for id in handled {
        let decided = today.add_days(-(rng.below(120) as i64 + 1));
        sqlx::query("UPDATE violations SET decided_on = $1, decision_no = $2 WHERE id = $3")
            .bind(decided.to_iso())
            .bind(app::domain::violation::decision_number(decided, id))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(rows.len())
}
