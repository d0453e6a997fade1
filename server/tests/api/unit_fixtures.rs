//! What the unit tests share: the demo road transport company, and a
//! vehicle of it, bound, with one violation recorded in this province.

use crate::helpers::*;
use app::features::units::api::UnitBindVehicles;
use leptos::server_fn::ServerFn;

pub(crate) const COMPANY: &str = "Road transport company (unit)";

/// A saloon car registered to the unit and bound by it, with one
/// unhandled violation of `points` points recorded here; answers the
/// violation.
pub(crate) async fn violation_with_points(
    app: &TestApp,
    client: &reqwest::Client,
    tag: &str,
    points: i64,
) -> i64 {
    let pool = &app.platform.store.pool;
    let (code, _) = app.demo_login(COMPANY);
    let plate = format!("冀A{tag}");
    sqlx::query(
        "INSERT INTO vehicles (plate, vin, vehicle_type, brand, colour, owner_kind, owner_id, status, registered_on, inspection_due, phone)
         VALUES ($1, $2, 'K33', '大众', '白', 'organisation', $3, 'A', '2020-01-01', '2030-01-01', '13900000000')",
    )
    .bind(&plate)
    .bind(format!("LDRV{tag}000000000"))
    .bind(&code)
    .execute(pool)
    .await
    .unwrap();
    let vehicle: i64 = app
        .scalar("SELECT id FROM vehicles WHERE plate = $1", plate.as_str())
        .await;
    let ids = vehicle.to_string();
    let endpoint = UnitBindVehicles::PATH.trim_start_matches("/api/");
    app.call_with(client, endpoint, &[("vehicle_ids[]", ids.as_str())])
        .await
        .unwrap_or_else(|e| panic!("{app}: binding the car: {e}"));
    let home = app.platform.ports.profile.home_province().to_string();
    let now = app.platform.ports.clock.now_ms();
    sqlx::query(
        "INSERT INTO violations (vehicle_id, plate, occurred_at, place, recorded_province, code, description, fine_yuan, points, status, source)
         VALUES ($1, $2, $3, '石家庄市中华大街', $4, '1303', '超速未达20%', 200, $5, 'unhandled', 'surveillance')",
    )
    .bind(vehicle)
    .bind(&plate)
    .bind(now - 86_400_000)
    .bind(&home)
    .bind(points)
    .execute(pool)
    .await
    .unwrap();
    app.scalar(
        "SELECT MAX(id) FROM violations WHERE vehicle_id = $1",
        vehicle,
    )
    .await
}
