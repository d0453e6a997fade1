//! The port of the unit dashboard: the unit's registered vehicles with
//! their bindings and violation counts, and the violations of the vehicles
//! it has bound. Every read is bounded: one page, or one chunk of an export.

use super::{FleetCounts, FleetQuery, FleetVehicle, FleetViolation, FleetViolationQuery};
use crate::domain::Date;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// Which vehicles a bind names: a selection, or every one not bound yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection<'a> {
    These(&'a [i64]),
    AllUnbound,
}

/// The unit's fleet (单位车辆) as the registry and the bindings hold it.
/// `credit_code` is the unit's code: the vehicles registered to it
/// (`owner_kind = 'organisation'`).
#[async_trait]
pub trait UnitFleet: Send + Sync {
    /// The dashboard's numbers; inspections due on or before
    /// `inspection_until` count as falling due; violations recorded in
    /// `home_province` are handled here.
    async fn fleet_counts(
        &self,
        account_id: i64,
        credit_code: &str,
        inspection_until: Date,
        home_province: &str,
    ) -> PortResult<FleetCounts>;

    /// One page of the unit's registered vehicles.
    async fn fleet_vehicles(
        &self,
        account_id: i64,
        credit_code: &str,
        query: &FleetQuery,
        inspection_until: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetVehicle>>;

    /// The next `limit` vehicles after `after_id` in id order (the export
    /// reads the whole list a chunk at a time).
    async fn fleet_vehicles_after(
        &self,
        account_id: i64,
        credit_code: &str,
        query: &FleetQuery,
        inspection_until: Date,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<FleetVehicle>>;

    /// Binds vehicles registered to the unit with a plate (others in the
    /// selection are left alone); answers how many were bound now.
    async fn bind_fleet(
        &self,
        account_id: i64,
        credit_code: &str,
        selection: Selection<'_>,
        actor: &Actor,
    ) -> PortResult<usize>;

    /// Unbinds the vehicles named; answers how many were bound.
    async fn unbind_fleet(
        &self,
        account_id: i64,
        vehicle_ids: &[i64],
        actor: &Actor,
    ) -> PortResult<usize>;

    /// One page of the violations of the vehicles the account has bound.
    async fn fleet_violations(
        &self,
        account_id: i64,
        query: &FleetViolationQuery,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetViolation>>;

    /// The next `limit` violations after `after_id` in id order (export).
    async fn fleet_violations_after(
        &self,
        account_id: i64,
        query: &FleetViolationQuery,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<FleetViolation>>;
}
