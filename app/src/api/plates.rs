//! Plate pre-selection (机动车预选号牌, V7) server functions: the person's
//! eligible new vehicles, the commit–reveal random draw, custom numbers,
//! holds with one extension, and confirmation. Allocation is guaranteed by
//! the database (conditional updates and unique indexes, see
//! `server/src/store/plates.rs`); the rules are in `domain::plate_selection`.

use crate::domain::VehicleType;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The city whose pool this platform issues from.
pub const CITY: &str = "冀A";

/// A number held for a vehicle until confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateHold {
    pub plate: String,
    pub until_ms: i64,
    pub extended: bool,
}

/// A new vehicle that may get a pre-selected number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateVehicle {
    pub vin: String,
    pub vehicle_type: VehicleType,
    pub brand: String,
    pub batches_used: u32,
    pub hold: Option<PlateHold>,
    pub selected: Option<String>,
}

/// A prepared draw: the commitment is shown before the draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedDraw {
    pub batch_id: i64,
    pub commitment: String,
}

/// A drawn batch with everything needed to re-derive it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnBatch {
    pub batch_id: i64,
    pub commitment: String,
    pub server_seed: String,
    pub client_nonce: String,
    pub pool_size: i64,
    pub pool_digest: String,
    pub plates: Vec<String>,
    pub expires_at_ms: i64,
}

/// Why a pre-selection step was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateRefusal {
    BatchesUsed,
    NoSuchBatch,
    AlreadyDrawn,
    BatchExpired,
    Unavailable,
    AlreadyHolding(String),
    AlreadySelected(String),
    NoHold,
    AlreadyExtended,
}

impl PlateRefusal {
    pub fn into_error(self) -> AppError {
        use crate::domain::plate_selection::{EXTENSION_SECS, MAX_BATCHES_PER_VIN};
        use crate::i18n::Text;
        match self {
            PlateRefusal::BatchesUsed => AppError::not_allowed(
                Text::new(format!("每辆车最多随机选号{MAX_BATCHES_PER_VIN}次，已经用完。"), format!("Each vehicle gets at most {MAX_BATCHES_PER_VIN} random batches; none are left.")),
                Text::new("可以改用自编自选，或到车辆管理所现场选号。", "Use custom choice, or choose at a vehicle management office."),
            ),
            PlateRefusal::NoSuchBatch => AppError::NotFound(Text::new("没有找到这次选号。", "That batch was not found.")),
            PlateRefusal::AlreadyDrawn => AppError::Conflict(Text::new("这一批号码已经产生。", "This batch was already drawn.")),
            PlateRefusal::BatchExpired => AppError::Conflict(Text::new("选号时间已到，这一批号码已失效。", "Time is up; this batch has lapsed.")),
            PlateRefusal::Unavailable => AppError::field("plate", Text::new("该号码已被他人选用或正在被他人选择，请换一个号码", "That number is taken or being chosen by someone else; pick another")),
            PlateRefusal::AlreadyHolding(p) => AppError::Conflict(Text::new(format!("该车已保留号码{p}，请先确认或等待保留到期。"), format!("This vehicle already holds {p}; confirm it or let the hold lapse."))),
            PlateRefusal::AlreadySelected(p) => AppError::Conflict(Text::new(format!("该车已选定号码{p}，选定后不能更改。"), format!("This vehicle has already chosen {p}; a confirmed choice is final."))),
            PlateRefusal::NoHold => AppError::Conflict(Text::new("没有保留中的号码，可能已超时，请重新选号。", "No number is held (the hold may have lapsed); choose again.")),
            PlateRefusal::AlreadyExtended => AppError::Conflict(Text::new(format!("每次保留只能延长一次（{EXTENSION_SECS}秒）。"), format!("A hold can be extended once ({EXTENSION_SECS} seconds)."))),
        }
    }
}

/// The person's new (unregistered) vehicles and their pre-selection state.
#[server(prefix = "/api", endpoint = "plates/vehicles")]
pub async fn plate_vehicles() -> Result<Vec<PlateVehicle>, AppError> {
    use super::server::*;
    let ports = ports()?;
    let (account, owner) = selector().await?;
    ports
        .plates
        .vehicles(account.account_id, &owner, ports.clock.now_ms())
        .await
        .map_err(port("list plate vehicles"))
}

/// Step 1 of a random draw: the server commits to a secret seed and shows
/// its SHA-256 before anything is drawn.
#[server(prefix = "/api", endpoint = "plates/prepare")]
pub async fn prepare_plate_draw(vin: String) -> Result<PreparedDraw, AppError> {
    use super::server::*;
    use crate::domain::plate_selection::{commitment, hex_of};
    let ports = ports()?;
    let (account, owner) = selector().await?;
    let vehicle = eligible(&ports, account.account_id, &owner, &vin).await?;
    let seed: [u8; 32] = rand::random();
    let commitment = commitment(&seed);
    let batch_id = ports
        .plates
        .prepare(
            account.account_id,
            &vehicle.vin,
            CITY,
            &commitment,
            &hex_of(&seed),
            ports.clock.now_ms(),
        )
        .await
        .map_err(port("prepare draw"))?
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
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    let account = require_account()?;
    let nonce = crate::domain::plate_selection::client_nonce(&client_nonce)
        .map_err(|p| AppError::field("client_nonce", Text::new(p.zh(), p.en())))?;
    ports
        .plates
        .draw(account.account_id, batch_id, &nonce, ports.clock.now_ms())
        .await
        .map_err(port("draw batch"))?
        .map_err(PlateRefusal::into_error)
        .inspect(|_| redirect_to(&format!("/account/plates/draw?batch={batch_id}")))
}

/// A batch as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch_id: i64,
    pub vin: String,
    pub commitment: String,
    /// Present once drawn.
    pub drawn: Option<DrawnBatch>,
}

/// A batch of the person's: prepared (commitment only) or drawn.
#[server(prefix = "/api", endpoint = "plates/batch")]
pub async fn plate_batch(batch_id: i64) -> Result<BatchView, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    ports
        .plates
        .batch(account.account_id, batch_id)
        .await
        .map_err(port("load batch"))?
        .ok_or_else(|| PlateRefusal::NoSuchBatch.into_error())
}

/// Holds a number from a live batch (随机选号) for the vehicle.
#[server(prefix = "/api", endpoint = "plates/hold")]
pub async fn hold_plate(vin: String, plate: String, batch_id: i64) -> Result<PlateHold, AppError> {
    use super::server::*;
    let ports = ports()?;
    let (account, owner) = selector().await?;
    let vehicle = eligible(&ports, account.account_id, &owner, &vin).await?;
    ports
        .plates
        .hold(
            account.account_id,
            &vehicle.vin,
            plate.trim(),
            Some(batch_id),
            ports.clock.now_ms(),
            &actor(),
        )
        .await
        .map_err(port("hold plate"))?
        .map_err(PlateRefusal::into_error)
        .inspect(|_| redirect_to(&format!("/account/plates/hold?vin={}", vehicle.vin)))
}

/// Holds a custom number (自编自选) composed under the city's pattern.
#[server(prefix = "/api", endpoint = "plates/custom")]
pub async fn hold_custom_plate(vin: String, serial: String) -> Result<PlateHold, AppError> {
    use super::server::*;
    use crate::domain::plate_selection::check_custom_serial;
    use crate::i18n::Text;
    let ports = ports()?;
    let (account, owner) = selector().await?;
    let vehicle = eligible(&ports, account.account_id, &owner, &vin).await?;
    let serial = check_custom_serial(&serial, CITY)
        .map_err(|p| AppError::field("serial", Text::new(p.zh(), p.en())))?;
    ports
        .plates
        .hold(
            account.account_id,
            &vehicle.vin,
            &format!("{CITY}{serial}"),
            None,
            ports.clock.now_ms(),
            &actor(),
        )
        .await
        .map_err(port("hold custom plate"))?
        .map_err(PlateRefusal::into_error)
        .inspect(|_| redirect_to(&format!("/account/plates/hold?vin={}", vehicle.vin)))
}

/// Asks for more time once.
#[server(prefix = "/api", endpoint = "plates/extend")]
pub async fn extend_plate_hold(vin: String) -> Result<PlateHold, AppError> {
    use super::server::*;
    let ports = ports()?;
    let (account, owner) = selector().await?;
    let vehicle = eligible(&ports, account.account_id, &owner, &vin).await?;
    ports
        .plates
        .extend(&vehicle.vin, ports.clock.now_ms())
        .await
        .map_err(port("extend hold"))?
        .map_err(PlateRefusal::into_error)
        .inspect(|_| {
            redirect_to(&format!(
                "/account/plates/hold?vin={}&extended=1",
                vehicle.vin
            ))
        })
}

/// Confirms the held number: final, one per vehicle.
#[server(prefix = "/api", endpoint = "plates/confirm")]
pub async fn confirm_plate(vin: String) -> Result<String, AppError> {
    use super::server::*;
    let ports = ports()?;
    let (account, owner) = selector().await?;
    let vehicle = eligible(&ports, account.account_id, &owner, &vin).await?;
    ports
        .plates
        .confirm(
            account.account_id,
            &vehicle.vin,
            ports.clock.now_ms(),
            &actor(),
        )
        .await
        .map_err(port("confirm plate"))?
        .map_err(PlateRefusal::into_error)
        .inspect(|_| redirect_to("/account/plates?confirmed=1"))
}

#[cfg(feature = "ssr")]
async fn selector() -> Result<(super::SessionAccount, crate::ports::OwnerKey), AppError> {
    use super::server::*;
    use crate::domain::{may_use, ServiceCode};
    let ports = ports()?;
    let account = require_account()?;
    let actor = account.service_actor().ok_or_else(|| {
        AppError::not_allowed(
            crate::i18n::Text::new("民警账户不能选号。", "Staff accounts do not choose plates."),
            crate::i18n::Text::new("请使用车主账户。", "Use the owner's account."),
        )
    })?;
    may_use(&actor, ServiceCode::V7, ports.clock.today())?;
    let owner = ports
        .bindings
        .account_owner(account.account_id)
        .await
        .map_err(port("load owner"))?
        .ok_or(AppError::NotLoggedIn)?;
    Ok((account, owner))
}

/// The vehicle, if it is the person's (or unit's) own new small vehicle.
#[cfg(feature = "ssr")]
async fn eligible(
    ports: &crate::ports::Ports,
    account_id: i64,
    owner: &crate::ports::OwnerKey,
    vin: &str,
) -> Result<PlateVehicle, AppError> {
    use super::server::port;
    use crate::domain::{services::vehicle_service_allowed, ServiceCode};
    let vin = vin.trim().to_ascii_uppercase();
    let vehicle = ports
        .plates
        .vehicles(account_id, owner, ports.clock.now_ms())
        .await
        .map_err(port("list plate vehicles"))?
        .into_iter()
        .find(|v| v.vin == vin)
        .ok_or_else(|| {
            AppError::NotFound(crate::i18n::Text::new(
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
