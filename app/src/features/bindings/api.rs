//! The bindings feature's server functions (my vehicles, my licence).

use super::{MyLicence, VehiclesOverview};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::BindingDesk,
    crate::domain::unit_operator::OperatorService,
    crate::features::accounts::session::{require_citizen_for, require_individual},
    crate::features::request::{actor, keep_typed, ports, redirect_to},
};

/// The vehicles page: bound vehicles, own vehicles still to bind, and the
/// allowance for vehicles not in the holder's name.
#[server(prefix = "/api", endpoint = "my_vehicles", output = crate::wire::JsonAnswer)]
pub async fn my_vehicles() -> Result<VehiclesOverview, AppError> {
    BindingDesk::of(&ports()?)
        .overview(require_individual()?)
        .await
}

/// Binds a vehicle registered in the holder's name (the registry decides).
#[server(prefix = "/api", endpoint = "bind_own_vehicle", output = crate::wire::JsonAnswer)]
pub async fn bind_own_vehicle(vehicle_id: i64) -> Result<(), AppError> {
    BindingDesk::of(&ports()?)
        .bind_own(
            &require_citizen_for(OperatorService::Vehicles)?,
            vehicle_id,
            &actor(),
        )
        .await?;
    redirect_to("/account/vehicles?bound=1");
    Ok(())
}

/// Step 1 of binding a vehicle not in the holder's name (window-registered
/// individuals): the plate and the VIN's last six characters; the owner
/// gets an SMS code on the phone on record. Answers the masked phone.
#[server(prefix = "/api", endpoint = "request_other_vehicle", output = crate::wire::JsonAnswer)]
pub async fn request_other_vehicle(plate: String, vin_suffix: String) -> Result<String, AppError> {
    let account = require_individual()?;
    let ports = ports()?;
    let requested = BindingDesk::of(&ports)
        .request_other(account, &plate, &vin_suffix, &actor())
        .await;
    let (plate, masked) = requested.inspect_err(|_| {
        keep_typed(&ports, &[("plate", &plate), ("vin_suffix", &vin_suffix)]);
    })?;
    redirect_to(&format!(
        "/account/vehicles/confirm?plate={}&phone={}",
        crate::ui::encode_query_value(plate.as_str()),
        crate::ui::encode_query_value(&masked)
    ));
    Ok(masked)
}

/// Step 2: the code the owner passed on. Binds into a free slot (of three).
#[server(prefix = "/api", endpoint = "confirm_other_vehicle", output = crate::wire::JsonAnswer)]
pub async fn confirm_other_vehicle(plate: String, code: String) -> Result<(), AppError> {
    BindingDesk::of(&ports()?)
        .confirm_other(&require_individual()?, &plate, &code, &actor())
        .await?;
    redirect_to("/account/vehicles?bound=1");
    Ok(())
}

/// Unbinds a vehicle (解绑).
#[server(prefix = "/api", endpoint = "unbind_vehicle", output = crate::wire::JsonAnswer)]
pub async fn unbind_vehicle(vehicle_id: i64) -> Result<(), AppError> {
    let account = require_citizen_for(OperatorService::Vehicles)?;
    BindingDesk::of(&ports()?)
        .unbind_vehicle(&account, vehicle_id, &actor())
        .await?;
    redirect_to("/account/vehicles?unbound=1");
    Ok(())
}

/// The person's licence, if the registry has one for their ID number.
#[server(prefix = "/api", endpoint = "licence_overview", output = crate::wire::JsonAnswer)]
pub async fn licence_overview() -> Result<Option<MyLicence>, AppError> {
    BindingDesk::of(&ports()?)
        .licence(&require_individual()?)
        .await
}

/// Binds the person's own driving licence (绑定驾驶证).
#[server(prefix = "/api", endpoint = "bind_licence", output = crate::wire::JsonAnswer)]
pub async fn bind_licence() -> Result<(), AppError> {
    BindingDesk::of(&ports()?)
        .bind_licence(&require_individual()?, &actor())
        .await?;
    redirect_to("/account/licence?bound=1");
    Ok(())
}

/// Unbinds the licence.
#[server(prefix = "/api", endpoint = "unbind_licence", output = crate::wire::JsonAnswer)]
pub async fn unbind_licence() -> Result<(), AppError> {
    let account = require_individual()?;
    BindingDesk::of(&ports()?)
        .unbind_licence(&account, &actor())
        .await?;
    redirect_to("/account/licence");
    Ok(())
}
