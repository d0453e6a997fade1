//! The server functions of a unit's drivers. The unit's start with
//! `require_unit`; the driver's own (who bound my licence, end it) with
//! `require_individual`.

use super::{DriverTie, UnitDriver};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::DriverDesk,
    super::DriverFilter,
    crate::domain::unit_operator::OperatorService,
    crate::features::accounts::session::{require_individual, require_unit_for},
    crate::features::bindings::port::OwnerKey,
    crate::features::paging::PageRequest,
    crate::features::request::{actor, ports, redirect_to},
    crate::features::units::UNIT_PAGE_ROWS,
    crate::ui::encode_query_value,
};

/// One page (50 rows) of the drivers whose licences the unit has bound.
#[server(prefix = "/api", endpoint = "unit/drivers", output = crate::wire::JsonAnswer)]
pub async fn unit_drivers(
    #[server(default)] show: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<UnitDriver>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Drivers])?;
    let filter = DriverFilter::parse(show.as_deref())?;
    let page = PageRequest::parse(page.as_deref(), UNIT_PAGE_ROWS)?;
    DriverDesk::of(&ports)
        .drivers(account.account_id, filter, page)
        .await
}

/// Step 1 of binding a driver's licence: the driver's ID number and name;
/// the driver gets a code. Answers the masked phone.
#[server(prefix = "/api", endpoint = "unit/driver_request", output = crate::wire::JsonAnswer)]
pub async fn unit_driver_request(id_number: String, name: String) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Drivers])?;
    let masked = DriverDesk::of(&ports)
        .request_binding(&account, &id_number, &name, &actor())
        .await?;
    redirect_to(&format!(
        "/unit/drivers/confirm?phone={}",
        encode_query_value(&masked)
    ));
    Ok(masked)
}

/// Step 2: the code the driver passed on binds the licence.
#[server(prefix = "/api", endpoint = "unit/driver_confirm", output = crate::wire::JsonAnswer)]
pub async fn unit_driver_confirm(id_number: String, code: String) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Drivers])?;
    DriverDesk::of(&ports)
        .confirm_binding(&account, &id_number, &code, &actor())
        .await?;
    redirect_to("/unit/drivers?done=bound");
    Ok(())
}

/// The unit ends the binding of a driver's licence.
#[server(prefix = "/api", endpoint = "unit/driver_unbind", output = crate::wire::JsonAnswer)]
pub async fn unit_driver_unbind(driver_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Drivers])?;
    DriverDesk::of(&ports)
        .unbind(account.account_id, driver_id, &actor())
        .await?;
    redirect_to("/unit/drivers?done=unbound");
    Ok(())
}

/// Step 1 of naming a driver for a violation with points: the driver (by
/// ID number, bound to the unit) gets a code with the facts and the
/// points. Answers the masked phone.
#[server(prefix = "/api", endpoint = "unit/name_driver_request", output = crate::wire::JsonAnswer)]
pub async fn unit_name_driver_request(
    violation_id: i64,
    id_number: String,
) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Violations, OperatorService::Drivers])?;
    let masked = DriverDesk::of(&ports)
        .request_naming(&account, violation_id, &id_number, &actor())
        .await?;
    redirect_to(&format!(
        "/account/violations/{violation_id}?code_sent={}",
        encode_query_value(&masked)
    ));
    Ok(masked)
}

/// Step 2: the unit confirms and enters the driver's code; the decision is
/// issued and the points go on the driver's licence.
#[server(prefix = "/api", endpoint = "unit/name_driver_confirm", output = crate::wire::JsonAnswer)]
pub async fn unit_name_driver_confirm(
    violation_id: i64,
    id_number: String,
    code: String,
    #[server(default)] confirm: Option<String>,
) -> Result<bool, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Violations, OperatorService::Drivers])?;
    let decided = DriverDesk::of(&ports)
        .confirm_naming(
            &account,
            violation_id,
            &id_number,
            &code,
            confirm.as_deref(),
            &actor(),
        )
        .await?;
    redirect_to(&format!("/account/violations/{violation_id}?handled=1"));
    Ok(decided)
}

/// The units that have bound the person's licence (the driver's view).
#[server(prefix = "/api", endpoint = "licence/unit_ties", output = crate::wire::JsonAnswer)]
pub async fn licence_unit_ties() -> Result<Vec<DriverTie>, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    match account.registry_owner()? {
        OwnerKey::Person(id) => DriverDesk::of(&ports).ties(&id).await,
        OwnerKey::Organisation(_) => Ok(Vec::new()),
    }
}

/// The driver ends a unit's binding of their licence.
#[server(prefix = "/api", endpoint = "licence/end_unit_tie", output = crate::wire::JsonAnswer)]
pub async fn licence_end_unit_tie(tie_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let OwnerKey::Person(id) = account.registry_owner()? else {
        return Err(AppError::NotLoggedIn);
    };
    DriverDesk::of(&ports)
        .end_tie(&id, tie_id, &actor())
        .await?;
    redirect_to("/account/licence?tie_ended=1");
    Ok(())
}
