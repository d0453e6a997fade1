//! The plate pre-selection server functions.

use super::{BatchView, DrawnBatch, PlateHold, PlateVehicle, PreparedDraw};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{eligible, hold, selector},
    super::PlateRefusal,
    crate::features::accounts::session::require_account,
    crate::features::accounts::SessionAccount,
    crate::features::request::{actor, ports, redirect_to},
    crate::i18n::Text,
    crate::ports::Ports,
};

/// The person's new (unregistered) vehicles and their pre-selection state.
#[server(prefix = "/api", endpoint = "plates/vehicles")]
pub async fn plate_vehicles() -> Result<Vec<PlateVehicle>, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let owner = selector(&ports, &account).await?;
    Ok(ports
        .plates
        .vehicles(account.account_id, &owner, ports.clock.now_ms())
        .await?)
}

/// Step 1 of a random draw: the server commits to a secret seed and shows
/// its SHA-256 before anything is drawn.
#[server(prefix = "/api", endpoint = "plates/prepare")]
pub async fn prepare_plate_draw(vin: String) -> Result<PreparedDraw, AppError> {
    use crate::domain::plate_selection::{commitment, hex_of};
    let (ports, account, vehicle) = own_vehicle(&vin).await?;
    let seed: [u8; 32] = rand::random();
    let commitment = commitment(&seed);
    let batch_id = ports
        .plates
        .prepare(
            account.account_id,
            &vehicle.vin,
            &ports.profile.seat().plate_prefix,
            &commitment,
            &hex_of(&seed),
            ports.clock.now_ms(),
        )
        .await?
        .map_err(PlateRefusal::into_error)?;
    redirect_to(&format!("/account/plates/draw?batch={batch_id}"));
    Ok(PreparedDraw {
        batch_id,
        commitment,
    })
}

/// Step 2: the person's nonce (any text, sent after seeing the commitment)
/// is mixed in as typed (`domain::plate_selection::client_nonce`), the
/// batch is drawn and the seed revealed.
#[server(prefix = "/api", endpoint = "plates/draw")]
pub async fn draw_plate_batch(batch_id: i64, client_nonce: String) -> Result<DrawnBatch, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let nonce = crate::domain::plate_selection::client_nonce(&client_nonce)
        .map_err(|p| AppError::field("client_nonce", Text::new(p.zh(), p.en())))?;
    let drawn = ports
        .plates
        .draw(account.account_id, batch_id, &nonce, ports.clock.now_ms())
        .await?
        .map_err(PlateRefusal::into_error)?;
    redirect_to(&format!("/account/plates/draw?batch={batch_id}"));
    Ok(drawn)
}

/// A batch of the person's: prepared (commitment only) or drawn.
#[server(prefix = "/api", endpoint = "plates/batch")]
pub async fn plate_batch(batch_id: i64) -> Result<BatchView, AppError> {
    let account = require_account()?;
    ports()?
        .plates
        .batch(account.account_id, batch_id)
        .await?
        .ok_or_else(|| PlateRefusal::NoSuchBatch.into_error())
}

/// Holds a number from a live batch (随机选号) for the vehicle.
#[server(prefix = "/api", endpoint = "plates/hold")]
pub async fn hold_plate(vin: String, plate: String, batch_id: i64) -> Result<PlateHold, AppError> {
    let (ports, account, vehicle) = own_vehicle(&vin).await?;
    let plate = plate.trim();
    let hold = hold(
        &ports,
        account.account_id,
        &vehicle,
        plate,
        Some(batch_id),
        &actor(),
    )
    .await?;
    redirect_to(&format!("/account/plates/hold?vin={}", vehicle.vin));
    Ok(hold)
}

/// Holds a custom number (自编自选) composed under the city's pattern.
#[server(prefix = "/api", endpoint = "plates/custom")]
pub async fn hold_custom_plate(vin: String, serial: String) -> Result<PlateHold, AppError> {
    use crate::domain::plate_selection::check_custom_serial;
    let (ports, account, vehicle) = own_vehicle(&vin).await?;
    let city = ports.profile.seat();
    let serial = check_custom_serial(&serial, &city.plate_prefix, &city.withheld_series)
        .map_err(|p| AppError::field("serial", Text::new(p.zh(), p.en())))?;
    let plate = format!("{}{serial}", city.plate_prefix);
    let hold = hold(&ports, account.account_id, &vehicle, &plate, None, &actor()).await?;
    redirect_to(&format!("/account/plates/hold?vin={}", vehicle.vin));
    Ok(hold)
}

/// Asks for more time once.
#[server(prefix = "/api", endpoint = "plates/extend")]
pub async fn extend_plate_hold(vin: String) -> Result<PlateHold, AppError> {
    let (ports, _, vehicle) = own_vehicle(&vin).await?;
    let hold = ports
        .plates
        .extend(&vehicle.vin, ports.clock.now_ms())
        .await?
        .map_err(PlateRefusal::into_error)?;
    redirect_to(&format!(
        "/account/plates/hold?vin={}&extended=1",
        vehicle.vin
    ));
    Ok(hold)
}

/// Confirms the held number: final, one per vehicle.
#[server(prefix = "/api", endpoint = "plates/confirm")]
pub async fn confirm_plate(vin: String) -> Result<String, AppError> {
    let (ports, account, vehicle) = own_vehicle(&vin).await?;
    let plate = ports
        .plates
        .confirm(
            account.account_id,
            &vehicle.vin,
            ports.clock.now_ms(),
            &actor(),
        )
        .await?
        .map_err(PlateRefusal::into_error)?;
    redirect_to("/account/plates?confirmed=1");
    Ok(plate)
}

/// The ports, the account and its vehicle with this VIN, if it may get a
/// pre-selected number.
#[cfg(feature = "ssr")]
async fn own_vehicle(vin: &str) -> Result<(Ports, SessionAccount, PlateVehicle), AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let owner = selector(&ports, &account).await?;
    let vehicle = eligible(&ports, account.account_id, &owner, vin).await?;
    Ok((ports, account, vehicle))
}
