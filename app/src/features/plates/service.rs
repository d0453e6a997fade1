//! Who may pre-select a plate for which vehicle.

use super::{PlateHold, PlateRefusal, PlateVehicle};
use crate::domain::services::vehicle_service_allowed;
use crate::domain::{may_use, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::OwnerKey;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The owner an account selects plates for, if it may (V7).
pub async fn selector(ports: &Ports, account: &SessionAccount) -> Result<OwnerKey, AppError> {
    let actor = account.service_actor().ok_or_else(|| {
        AppError::not_allowed(
            Text::new("民警账户不能选号。", "Staff accounts do not choose plates."),
            Text::new("请使用车主账户。", "Use the owner's account."),
        )
    })?;
    may_use(&actor, ServiceCode::V7, ports.clock.today())?;
    ports
        .bindings
        .account_owner(account.account_id)
        .await?
        .ok_or(AppError::NotLoggedIn)
}

/// The vehicle, if it is the person's (or unit's) own new small vehicle
/// without a confirmed number.
pub async fn eligible(
    ports: &Ports,
    account_id: i64,
    owner: &OwnerKey,
    vin: &str,
) -> Result<PlateVehicle, AppError> {
    let vin = vin.trim().to_ascii_uppercase();
    let vehicle = ports
        .plates
        .vehicles(account_id, owner, ports.clock.now_ms())
        .await?
        .into_iter()
        .find(|v| v.vin == vin)
        .ok_or_else(|| {
            AppError::NotFound(Text::new(
                "没有找到登记在您名下、尚未注册的这辆新车。",
                "No new, unregistered vehicle with that VIN is in your name.",
            ))
        })?;
    vehicle_service_allowed(ServiceCode::V7, vehicle.vehicle_type)?;
    if let Some(p) = &vehicle.selected {
        return Err(PlateRefusal::AlreadySelected(p.clone()).into_error());
    }
    Ok(vehicle)
}

/// Holds a number for the vehicle: from a live batch (Some) or, for a
/// custom number, straight from the pool (None).
pub async fn hold(
    ports: &Ports,
    account_id: i64,
    vehicle: &PlateVehicle,
    plate: &str,
    batch_id: Option<i64>,
    actor: &Actor,
) -> Result<PlateHold, AppError> {
    let now = ports.clock.now_ms();
    ports
        .plates
        .hold(account_id, &vehicle.vin, plate, batch_id, now, actor)
        .await?
        .map_err(PlateRefusal::into_error)
}
