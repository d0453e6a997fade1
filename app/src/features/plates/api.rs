//! The plate pre-selection server functions.

use super::{BatchView, DrawnBatch, PlateHold, PlateVehicle, PreparedDraw};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{typed_vin, PlateDesk},
    crate::domain::unit_operator::OperatorService,
    crate::domain::StaffPower,
    crate::features::accounts::session::{require_citizen_for, require_staff_power},
    crate::features::request::{actor, ports, redirect_to},
};

/// The person's new (unregistered) vehicles and their pre-selection state.
#[server(prefix = "/api", endpoint = "plates/vehicles", output = crate::wire::JsonAnswer)]
pub async fn plate_vehicles() -> Result<Vec<PlateVehicle>, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    PlateDesk::of(&ports).vehicles(&account).await
}

/// Step 1 of a random draw: the server commits to a secret seed and shows
/// its SHA-256 before anything is drawn.
#[server(prefix = "/api", endpoint = "plates/prepare", output = crate::wire::JsonAnswer)]
pub async fn prepare_plate_draw(vin: String) -> Result<PreparedDraw, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let seed: [u8; 32] = rand::random();
    let prepared = PlateDesk::of(&ports).prepare(&account, &vin, &seed).await?;
    redirect_to(&format!("/account/plates/draw?batch={}", prepared.batch_id));
    Ok(prepared)
}

/// Step 2: the person's nonce (any text, sent after seeing the commitment)
/// is mixed in as typed (`domain::plate_selection::client_nonce`), the
/// batch is drawn and the seed revealed.
#[server(prefix = "/api", endpoint = "plates/draw", output = crate::wire::JsonAnswer)]
pub async fn draw_plate_batch(batch_id: i64, client_nonce: String) -> Result<DrawnBatch, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let drawn = PlateDesk::of(&ports)
        .draw(&account, batch_id, &client_nonce)
        .await?;
    redirect_to(&format!("/account/plates/draw?batch={batch_id}"));
    Ok(drawn)
}

/// A batch of the person's: prepared (commitment only) or drawn.
#[server(prefix = "/api", endpoint = "plates/batch", output = crate::wire::JsonAnswer)]
pub async fn plate_batch(batch_id: i64) -> Result<BatchView, AppError> {
    let account = require_citizen_for(OperatorService::Plates)?;
    PlateDesk::of(&ports()?).batch(&account, batch_id).await
}

/// Holds a number from a live batch (随机选号) for the vehicle.
#[server(prefix = "/api", endpoint = "plates/hold", output = crate::wire::JsonAnswer)]
pub async fn hold_plate(vin: String, plate: String, batch_id: i64) -> Result<PlateHold, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let hold = PlateDesk::of(&ports)
        .hold_drawn(&account, &vin, &plate, batch_id, &actor())
        .await?;
    redirect_to(&format!("/account/plates/hold?vin={}", typed_vin(&vin)));
    Ok(hold)
}

/// Holds a custom number (自编自选) composed under the city's pattern.
#[server(prefix = "/api", endpoint = "plates/custom", output = crate::wire::JsonAnswer)]
pub async fn hold_custom_plate(vin: String, serial: String) -> Result<PlateHold, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let hold = PlateDesk::of(&ports)
        .hold_custom(&account, &vin, &serial, &actor())
        .await?;
    redirect_to(&format!("/account/plates/hold?vin={}", typed_vin(&vin)));
    Ok(hold)
}

/// Asks for more time once.
#[server(prefix = "/api", endpoint = "plates/extend", output = crate::wire::JsonAnswer)]
pub async fn extend_plate_hold(vin: String) -> Result<PlateHold, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let hold = PlateDesk::of(&ports).extend(&account, &vin).await?;
    redirect_to(&format!(
        "/account/plates/hold?vin={}&extended=1",
        typed_vin(&vin)
    ));
    Ok(hold)
}

/// Confirms the held number: final, one per vehicle.
#[server(prefix = "/api", endpoint = "plates/confirm", output = crate::wire::JsonAnswer)]
pub async fn confirm_plate(vin: String) -> Result<String, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Plates)?;
    let plate = PlateDesk::of(&ports)
        .confirm(&account, &vin, &actor())
        .await?;
    redirect_to("/account/plates?confirmed=1");
    Ok(plate)
}

/// The administrator's plate pools: every configured city's counts and
/// withheld series.
#[server(prefix = "/api", endpoint = "staff/plates/pools", output = crate::wire::JsonAnswer)]
pub async fn staff_plate_pools() -> Result<Vec<super::PoolCity>, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManagePlatePools)?;
    super::admin::pools(&ports).await
}

/// The administrator loads a series (3 or 4 leading characters) into a
/// city's pool.
#[server(prefix = "/api", endpoint = "staff/plates/load_series", output = crate::wire::JsonAnswer)]
pub async fn staff_load_plate_series(city: String, series: String) -> Result<usize, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManagePlatePools)?;
    let added = super::admin::load_series(&ports, &city, &series, &actor()).await?;
    redirect_to(&format!("/staff/plates?loaded={added}"));
    Ok(added)
}

/// The administrator withholds a series from issue, with the reason.
#[server(prefix = "/api", endpoint = "staff/plates/withhold_series", output = crate::wire::JsonAnswer)]
pub async fn staff_withhold_plate_series(
    city: String,
    series: String,
    #[server(default)] reason: String,
) -> Result<usize, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManagePlatePools)?;
    let removed = super::admin::withhold(&ports, &city, &series, &reason, &actor()).await?;
    redirect_to(&format!("/staff/plates?withheld={removed}"));
    Ok(removed)
}
