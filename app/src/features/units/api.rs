//! The unit dashboard's server functions (单位用户工作台). Every one starts
//! with `require_unit`: individuals, staff and visitors are refused.

use super::{FleetVehicle, FleetViolation, UnitOverview};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{selection, BindRequest, UnitDesk},
    super::{FleetQuery, FleetViolationQuery, UNIT_PAGE_ROWS},
    crate::domain::unit_operator::OperatorService,
    crate::features::accounts::session::{require_unit, require_unit_for},
    crate::features::paging::PageRequest,
    crate::features::request::{actor, ports, redirect_to},
};

/// The dashboard: the unit and its numbers.
#[server(prefix = "/api", endpoint = "unit/dashboard", output = crate::wire::JsonAnswer)]
pub async fn unit_dashboard() -> Result<UnitOverview, AppError> {
    let ports = ports()?;
    let (account, code) = require_unit()?;
    UnitDesk::of(&ports).dashboard(&account, &code).await
}

/// One page (50 rows) of the vehicles registered to the unit, searched,
/// filtered and sorted as the address says.
#[server(prefix = "/api", endpoint = "unit/vehicles", output = crate::wire::JsonAnswer)]
pub async fn unit_vehicles(
    #[server(default)] plate: Option<String>,
    #[server(default)] binding: Option<String>,
    #[server(default)] due: Option<String>,
    #[server(default)] violations: Option<String>,
    #[server(default)] sort: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<FleetVehicle>, AppError> {
    let ports = ports()?;
    let (account, code) = require_unit_for(&[OperatorService::Vehicles])?;
    let query = FleetQuery::parse(
        plate.as_deref(),
        binding.as_deref(),
        due.as_deref(),
        violations.as_deref(),
        sort.as_deref(),
    )?;
    let page = PageRequest::parse(page.as_deref(), UNIT_PAGE_ROWS)?;
    UnitDesk::of(&ports)
        .vehicles(account.account_id, &code, &query, page)
        .await
}

/// Binds the vehicles ticked (`vehicle_ids[]`), or with `all=1` every
/// vehicle of the unit not bound yet; answers how many were bound.
#[server(prefix = "/api", endpoint = "unit/bind_vehicles", output = crate::wire::JsonAnswer)]
pub async fn unit_bind_vehicles(
    #[server(default)] vehicle_ids: Vec<i64>,
    #[server(default)] all: Option<String>,
    #[server(default)] back: Option<String>,
) -> Result<usize, AppError> {
    let ports = ports()?;
    let (account, code) = require_unit_for(&[OperatorService::Vehicles])?;
    let request = BindRequest::parse(vehicle_ids, all.as_deref())?;
    let n = UnitDesk::of(&ports)
        .bind(account.account_id, &code, &request, &actor())
        .await?;
    redirect_to(&back_to_table(back.as_deref(), "bound", n));
    Ok(n)
}

/// Unbinds the vehicles ticked; answers how many were bound.
#[server(prefix = "/api", endpoint = "unit/unbind_vehicles", output = crate::wire::JsonAnswer)]
pub async fn unit_unbind_vehicles(
    #[server(default)] vehicle_ids: Vec<i64>,
    #[server(default)] back: Option<String>,
) -> Result<usize, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Vehicles])?;
    let ids = selection(vehicle_ids)?;
    let n = UnitDesk::of(&ports)
        .unbind(account.account_id, &ids, &actor())
        .await?;
    redirect_to(&back_to_table(back.as_deref(), "unbound", n));
    Ok(n)
}

/// One page (50 rows) of the violations of the unit's bound vehicles.
#[server(prefix = "/api", endpoint = "unit/violations", output = crate::wire::JsonAnswer)]
pub async fn unit_violations(
    #[server(default)] plate: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] points: Option<String>,
    #[server(default)] order: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<FleetViolation>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_for(&[OperatorService::Violations])?;
    let query = FleetViolationQuery::parse(
        plate.as_deref(),
        status.as_deref(),
        points.as_deref(),
        order.as_deref(),
    )?;
    let page = PageRequest::parse(page.as_deref(), UNIT_PAGE_ROWS)?;
    UnitDesk::of(&ports)
        .violations(account.account_id, &query, page)
        .await
}

/// Where a plain form goes back to: the vehicles table as it was (`back`,
/// a path on this site under `/unit/vehicles`), saying what was done.
#[cfg(feature = "ssr")]
fn back_to_table(back: Option<&str>, done: &str, n: usize) -> String {
    let table = back
        .and_then(crate::policy::safe_return_path)
        .filter(|p| *p == "/unit/vehicles" || p.starts_with("/unit/vehicles?"))
        .unwrap_or("/unit/vehicles");
    // Earlier news is replaced, the filters are kept.
    let kept: Vec<&str> = table
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter(|p| !p.starts_with("done=") && !p.starts_with("n="))
                .collect()
        })
        .unwrap_or_default();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("/unit/vehicles?{query}done={done}&n={n}")
}
