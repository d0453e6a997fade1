//! The unit dashboard's orchestration: the numbers, the tables, binding a
//! selection or every vehicle, unbinding. The rules are in `domain::fleet`;
//! the queries are checked in `query`; the reads are bounded in the port.

use super::port::{Selection, UnitFleet};
use super::{
    FleetQuery, FleetVehicle, FleetViolation, FleetViolationQuery, UnitOverview, MAX_SELECTION,
};
use crate::domain::fleet::inspection_soon_until;
use crate::domain::Date;
use crate::error::AppError;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

#[cfg(test)]
mod tests;

/// The unit desk (单位业务): the fleet port and the day.
pub struct UnitDesk<'a> {
    pub fleet: &'a dyn UnitFleet,
    pub drivers: &'a dyn super::drivers::port::UnitDrivers,
    pub today: Date,
    /// The province this platform serves (its violations are handled here).
    pub home_province: &'a str,
}

/// What a bind or unbind asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindRequest {
    These(Vec<i64>),
    AllUnbound,
}

impl BindRequest {
    /// The vehicles ticked (`vehicle_ids`) or "all" (`all=1`): at least one
    /// and at most [`MAX_SELECTION`] named.
    pub fn parse(vehicle_ids: Vec<i64>, all: Option<&str>) -> Result<BindRequest, AppError> {
        if all.map(str::trim) == Some("1") {
            return Ok(BindRequest::AllUnbound);
        }
        selection(vehicle_ids).map(BindRequest::These)
    }
}

/// The vehicles ticked: duplicates dropped; none, or more than a bind may
/// name, is a field problem.
pub fn selection(mut vehicle_ids: Vec<i64>) -> Result<Vec<i64>, AppError> {
    vehicle_ids.sort_unstable();
    vehicle_ids.dedup();
    if vehicle_ids.is_empty() {
        return Err(AppError::field(
            "vehicle_ids",
            Text::new("请先勾选要办理的车辆", "Tick the vehicles first"),
        ));
    }
    if vehicle_ids.len() > MAX_SELECTION {
        return Err(AppError::field(
            "vehicle_ids",
            Text::new(
                format!("一次最多选择{MAX_SELECTION}辆车"),
                format!("Choose at most {MAX_SELECTION} vehicles at a time"),
            ),
        ));
    }
    Ok(vehicle_ids)
}

impl<'a> UnitDesk<'a> {
    pub fn of(ports: &'a Ports) -> UnitDesk<'a> {
        UnitDesk {
            fleet: &*ports.units,
            drivers: &*ports.unit_drivers,
            today: ports.clock.today(),
            home_province: ports.profile.home_province(),
        }
    }

    /// The dashboard of the unit.
    pub async fn dashboard(
        &self,
        account: &SessionAccount,
        credit_code: &str,
    ) -> Result<UnitOverview, AppError> {
        let AccountRole::Unit {
            kind,
            granted,
            window,
            ..
        } = &account.role
        else {
            return Err(AppError::NotLoggedIn);
        };
        let counts = self
            .fleet
            .fleet_counts(
                account.account_id,
                credit_code,
                inspection_soon_until(self.today),
                self.home_province,
            )
            .await?;
        Ok(UnitOverview {
            unit_name: account.display_name.clone(),
            credit_code: credit_code.to_string(),
            kind: *kind,
            granted: granted.clone(),
            window: window.clone(),
            counts,
            drivers: self
                .drivers
                .driver_counts(
                    account.account_id,
                    crate::domain::unit_driver::licence_soon_until(self.today),
                )
                .await?,
        })
    }

    /// One page of the unit's vehicles.
    pub async fn vehicles(
        &self,
        account_id: i64,
        credit_code: &str,
        query: &FleetQuery,
        page: PageRequest,
    ) -> Result<ListPage<FleetVehicle>, AppError> {
        Ok(self
            .fleet
            .fleet_vehicles(
                account_id,
                credit_code,
                query,
                inspection_soon_until(self.today),
                page,
            )
            .await?)
    }

    /// One page of the violations of the unit's bound vehicles.
    pub async fn violations(
        &self,
        account_id: i64,
        query: &FleetViolationQuery,
        page: PageRequest,
    ) -> Result<ListPage<FleetViolation>, AppError> {
        Ok(self.fleet.fleet_violations(account_id, query, page).await?)
    }

    /// Binds the selection or every vehicle not bound yet; answers how many.
    /// Nothing bound is a conflict that says why.
    pub async fn bind(
        &self,
        account_id: i64,
        credit_code: &str,
        request: &BindRequest,
        actor: &Actor,
    ) -> Result<usize, AppError> {
        let selection = match request {
            BindRequest::These(ids) => Selection::These(ids),
            BindRequest::AllUnbound => Selection::AllUnbound,
        };
        let bound = self
            .fleet
            .bind_fleet(account_id, credit_code, selection, actor)
            .await?;
        if bound == 0 {
            return Err(AppError::Conflict(Text::new(
                "没有可以绑定的车辆：所选车辆已经绑定，或尚未上牌，或不是登记在本单位名下的机动车。",
                "Nothing to bind: the vehicles chosen are bound already, have no plate yet, or are not registered to the unit.",
            )));
        }
        Ok(bound)
    }

    /// Unbinds the selection; answers how many were bound.
    pub async fn unbind(
        &self,
        account_id: i64,
        vehicle_ids: &[i64],
        actor: &Actor,
    ) -> Result<usize, AppError> {
        let removed = self
            .fleet
            .unbind_fleet(account_id, vehicle_ids, actor)
            .await?;
        if removed == 0 {
            return Err(AppError::Conflict(Text::new(
                "所选车辆都没有绑定，无需解绑。",
                "None of the vehicles chosen is bound.",
            )));
        }
        Ok(removed)
    }
}
