//! The port of a unit's drivers: the registry's licences, the unit's
//! bindings of them, and the driver's view of who bound theirs.

use super::{DriverCounts, DriverFilter, DriverTie, UnitDriver};
use crate::domain::unit_driver::DriverStanding;
use crate::domain::Date;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A licence holder as the registry knows them (驾驶人信息).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriverRecord {
    pub name: String,
    /// The phone on record (预留手机号码), for the driver's consent.
    pub phone: String,
    pub standing: DriverStanding,
}

/// The drivers' licences units bind (单位绑定驾驶证).
#[async_trait]
pub trait UnitDrivers: Send + Sync {
    /// The licence held under this ID number, bound or not.
    async fn driver_record(&self, id_number: &str) -> PortResult<Option<DriverRecord>>;
    /// The licence, if this unit has bound it.
    async fn bound_driver(
        &self,
        account_id: i64,
        id_number: &str,
    ) -> PortResult<Option<DriverRecord>>;
    /// One page of the unit's drivers, by name; "expiring" means ending on
    /// or before `soon_until`.
    async fn drivers(
        &self,
        account_id: i64,
        filter: DriverFilter,
        soon_until: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<UnitDriver>>;
    /// The next `limit` drivers after binding `after_id`, in id order (the
    /// export).
    async fn drivers_after(
        &self,
        account_id: i64,
        filter: DriverFilter,
        soon_until: Date,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<UnitDriver>>;
    async fn driver_counts(&self, account_id: i64, soon_until: Date) -> PortResult<DriverCounts>;
    /// Binds the licence; false when it was bound already. Tells the
    /// driver and audits.
    async fn bind_driver(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// The unit ends a binding; false when it has no such binding.
    async fn unbind_driver(&self, account_id: i64, tie_id: i64, actor: &Actor) -> PortResult<bool>;
    /// The units that have bound this person's licence.
    async fn ties_of_driver(&self, id_number: &str) -> PortResult<Vec<DriverTie>>;
    /// The driver ends a binding; false when there is no such binding of
    /// their licence. Tells the unit and audits.
    async fn end_tie(&self, id_number: &str, tie_id: i64, actor: &Actor) -> PortResult<bool>;
}
