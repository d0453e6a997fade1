//! Plate pre-selection (机动车预选号牌, V7): who may pre-select a plate for
//! which vehicle, and each step of the draw, the hold and the choice.
//! Unit-tested against in-memory fakes of the ports (`service/tests.rs`).

use super::port::PlateSelection;
use super::{
    BatchView, DrawnBatch, HoldStanding, PlateHold, PlateRefusal, PlateVehicle, PreparedDraw,
};
use crate::domain::plate_selection::{check_custom_serial, client_nonce, commitment, hex_of};
use crate::domain::services::vehicle_service_allowed;
use crate::domain::{may_use, Date, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::{Bindings, OwnerKey};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;
use crate::profile::City;

#[cfg(test)]
mod tests;

/// The plate desk (选号): the selection store, who the account is in the
/// registry, the city whose numbers are offered, and the time.
pub struct PlateDesk<'a> {
    pub plates: &'a dyn PlateSelection,
    pub bindings: &'a dyn Bindings,
    /// The seat city (its plate prefix and withheld series, 保留号段).
    pub city: &'a City,
    pub now_ms: i64,
    pub today: Date,
}

/// A VIN (车辆识别代号) as typed, in the form the registry holds it.
pub fn typed_vin(vin: &str) -> String {
    vin.trim().to_ascii_uppercase()
}

impl<'a> PlateDesk<'a> {
    pub fn of(ports: &'a Ports) -> PlateDesk<'a> {
        PlateDesk {
            plates: &*ports.plates,
            bindings: &*ports.bindings,
            city: ports.profile.seat(),
            now_ms: ports.clock.now_ms(),
            today: ports.clock.today(),
        }
    }

    /// The owner an account selects plates for, if it may (V7).
    pub async fn selector(&self, account: &SessionAccount) -> Result<OwnerKey, AppError> {
        let actor = account.service_actor().ok_or_else(|| {
            AppError::not_allowed(
                Text::new("民警账户不能选号。", "Staff accounts do not choose plates."),
                Text::new("请使用车主账户。", "Use the owner's account."),
            )
        })?;
        may_use(&actor, ServiceCode::V7, self.today)?;
        account.registry_owner()
    }

    /// The person's new (unregistered) vehicles and their pre-selection
    /// state.
    pub async fn vehicles(&self, account: &SessionAccount) -> Result<Vec<PlateVehicle>, AppError> {
        let owner = self.selector(account).await?;
        Ok(self
            .plates
            .vehicles(account.account_id, &owner, self.now_ms)
            .await?)
    }

    /// The vehicle with this VIN, if it is the account's own new small
    /// vehicle without a confirmed number.
    pub async fn own_vehicle(
        &self,
        account: &SessionAccount,
        vin: &str,
    ) -> Result<PlateVehicle, AppError> {
        let owner = self.selector(account).await?;
        let vin = typed_vin(vin);
        let found = if is_registry_vin(&vin) {
            self.plates.vehicle(&owner, &vin, self.now_ms).await?
        } else {
            None
        };
        may_choose_for(found.ok_or_else(no_such_vehicle)?)
    }

    /// The account's own vehicle as [`Self::own_vehicle`] finds it, and
    /// what a hold of it meets (`asked`: a number of the owner's
    /// choosing), in one read.
    async fn vehicle_for_hold(
        &self,
        account: &SessionAccount,
        vin: &str,
        asked: Option<&str>,
    ) -> Result<(PlateVehicle, HoldStanding), AppError> {
        let owner = self.selector(account).await?;
        let vin = typed_vin(vin);
        let found = if is_registry_vin(&vin) {
            self.plates
                .vehicle_for_hold(&owner, &vin, asked, self.now_ms)
                .await?
        } else {
            None
        };
        let (vehicle, standing) = found.ok_or_else(no_such_vehicle)?;
        Ok((may_choose_for(vehicle)?, standing))
    }

    /// Step 1 of a random draw (随机选号): one of the vehicle's batches,
    /// committed to the server's secret seed, whose SHA-256 is shown
    /// before anything is drawn.
    pub async fn prepare(
        &self,
        account: &SessionAccount,
        vin: &str,
        seed: &[u8; 32],
    ) -> Result<PreparedDraw, AppError> {
        let vehicle = self.own_vehicle(account, vin).await?;
        let commitment = commitment(seed);
        let batch_id = self
            .plates
            .prepare(
                account.account_id,
                &vehicle.vin,
                &self.city.plate_prefix,
                &commitment,
                &hex_of(seed),
                self.now_ms,
            )
            .await?
            .map_err(PlateRefusal::into_error)?;
        Ok(PreparedDraw {
            batch_id,
            commitment,
        })
    }

    /// Step 2: the person's nonce (any text, sent after seeing the
    /// commitment) is mixed in as typed (`domain::plate_selection::
    /// client_nonce`), the batch is drawn and the seed revealed.
    pub async fn draw(
        &self,
        account: &SessionAccount,
        batch_id: i64,
        typed_nonce: &str,
    ) -> Result<DrawnBatch, AppError> {
        let nonce = client_nonce(typed_nonce)
            .map_err(|p| AppError::field("client_nonce", Text::new(p.zh(), p.en())))?;
        self.plates
            .draw(account.account_id, batch_id, &nonce, self.now_ms)
            .await?
            .map_err(PlateRefusal::into_error)
    }

    /// A batch of the person's: prepared (commitment only) or drawn.
    pub async fn batch(
        &self,
        account: &SessionAccount,
        batch_id: i64,
    ) -> Result<BatchView, AppError> {
        self.plates
            .batch(account.account_id, batch_id)
            .await?
            .ok_or_else(|| PlateRefusal::NoSuchBatch.into_error())
    }

    /// Holds a number from a live batch for the vehicle.
    pub async fn hold_drawn(
        &self,
        account: &SessionAccount,
        vin: &str,
        plate: &str,
        batch_id: i64,
        actor: &Actor,
    ) -> Result<PlateHold, AppError> {
        let (vehicle, standing) = self.vehicle_for_hold(account, vin, None).await?;
        self.hold(
            account,
            &vehicle,
            standing,
            plate.trim(),
            Some(batch_id),
            actor,
        )
        .await
    }

    /// Holds a custom number (自编自选) composed under the city's pattern,
    /// straight from the pool.
    pub async fn hold_custom(
        &self,
        account: &SessionAccount,
        vin: &str,
        serial: &str,
        actor: &Actor,
    ) -> Result<PlateHold, AppError> {
        let plate = match check_custom_serial(
            serial,
            &self.city.plate_prefix,
            &self.city.withheld_series,
        ) {
            Ok(serial) => Ok(format!("{}{serial}", self.city.plate_prefix)),
            Err(p) => Err(AppError::field("serial", Text::new(p.zh(), p.en()))),
        };
        // A well-formed number is read with the vehicle; the vehicle's
        // refusals come before the number's.
        let (vehicle, standing) = self
            .vehicle_for_hold(account, vin, plate.as_deref().ok())
            .await?;
        let plate = plate?;
        self.hold(account, &vehicle, standing, &plate, None, actor)
            .await
    }

    /// Asks for more time once (延长保留).
    pub async fn extend(&self, account: &SessionAccount, vin: &str) -> Result<PlateHold, AppError> {
        let vehicle = self.own_vehicle(account, vin).await?;
        self.plates
            .extend(&vehicle.vin, self.now_ms)
            .await?
            .map_err(PlateRefusal::into_error)
    }

    /// Confirms the held number (确认选号): final, one per vehicle.
    /// Answers the number.
    pub async fn confirm(
        &self,
        account: &SessionAccount,
        vin: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let vehicle = self.own_vehicle(account, vin).await?;
        self.plates
            .confirm(account.account_id, &vehicle.vin, self.now_ms, actor)
            .await?
            .map_err(PlateRefusal::into_error)
    }

    /// In a rush most attempts are for numbers already gone: those are
    /// refused from the read, without queueing for the write. A hold is
    /// given only by the store's conditional update.
    async fn hold(
        &self,
        account: &SessionAccount,
        vehicle: &PlateVehicle,
        standing: HoldStanding,
        plate: &str,
        batch_id: Option<i64>,
        actor: &Actor,
    ) -> Result<PlateHold, AppError> {
        if let Some(hold) = &vehicle.hold {
            return Err(PlateRefusal::AlreadyHolding(hold.plate.clone()).into_error());
        }
        if !standing.asked_free {
            return Err(PlateRefusal::Unavailable.into_error());
        }
        self.plates
            .hold(
                account.account_id,
                &vehicle.vin,
                plate,
                batch_id,
                standing.lapsed_hold,
                self.now_ms,
                actor,
            )
            .await?
            .map_err(PlateRefusal::into_error)
    }
}

/// A registry VIN is letters and digits: anything else (a control
/// character, which PostgreSQL refuses to compare) is no vehicle.
fn is_registry_vin(vin: &str) -> bool {
    !vin.is_empty() && vin.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn no_such_vehicle() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到登记在您名下、尚未注册的这辆新车。",
        "No new, unregistered vehicle with that VIN is in your name.",
    ))
}

/// The owner's new vehicle, if a number may be chosen for it: a small
/// vehicle (V7) whose number is not chosen yet.
fn may_choose_for(vehicle: PlateVehicle) -> Result<PlateVehicle, AppError> {
    vehicle_service_allowed(ServiceCode::V7, vehicle.vehicle_type)?;
    if let Some(p) = &vehicle.selected {
        return Err(PlateRefusal::AlreadySelected(p.clone()).into_error());
    }
    Ok(vehicle)
}
