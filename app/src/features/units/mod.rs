//! The unit dashboard (单位用户工作台): a unit's vehicles (单位车辆) — every
//! vehicle registered to its code, which it binds and unbinds — and the
//! violations of those it has bound, as dense tables with search, filters,
//! sorting, pages and CSV export.

pub mod api;
pub mod drivers;
#[cfg(feature = "ssr")]
pub mod export;
pub mod operators;
#[cfg(feature = "ssr")]
pub mod port;
mod query;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use query::{FleetBinding, FleetQuery, FleetSort, FleetViolationQuery, PointsFilter};

use crate::domain::{Date, SpecialService, UnitKind, VehicleStatus, VehicleType, ViolationStatus};
use serde::{Deserialize, Serialize};

/// Rows per page of the unit's tables: dense, for a desktop working day.
pub const UNIT_PAGE_ROWS: u32 = 50;

/// Most vehicles one bind or unbind names (a page holds 50; "all" is
/// asked for separately).
pub const MAX_SELECTION: usize = 200;

/// The numbers at the top of the dashboard (概况).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetCounts {
    /// Vehicles registered to the unit's code (登记在本单位名下).
    pub registered: i64,
    /// Of those, bound to this account (已绑定).
    pub bound: i64,
    /// Registered with a plate and not bound yet: they can be bound.
    pub bindable: i64,
    /// Violations of bound vehicles not handled yet (待处理违法).
    pub violations_unhandled: i64,
    /// Of those, the ones carrying points (the driver handles them).
    pub violations_with_points: i64,
    /// Of those, the ones the unit handles here: a small vehicle, recorded
    /// in this province, no points (`domain::fleet::unit_handling`).
    pub violations_online: i64,
    /// Handled violations whose fine is not paid (待缴罚款), and their sum
    /// in yuan before any late surcharge.
    pub fines_due: i64,
    pub fines_due_yuan: i64,
    /// Bound vehicles whose inspection falls due within 30 days or is
    /// overdue (检验即将到期).
    pub inspections_soon: i64,
}

/// The dashboard: who the unit is and its numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOverview {
    pub unit_name: String,
    pub credit_code: String,
    pub kind: UnitKind,
    pub granted: Vec<SpecialService>,
    /// The unit window that registered it (units register only there).
    pub window: Option<String>,
    pub counts: FleetCounts,
    /// The drivers' licences it has bound.
    pub drivers: drivers::DriverCounts,
}

/// One vehicle registered to the unit (单位名下机动车).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetVehicle {
    pub vehicle_id: i64,
    /// None for a new vehicle not yet given a plate (未上牌).
    pub plate: Option<String>,
    pub vehicle_type: VehicleType,
    pub brand: String,
    pub colour: String,
    pub status: VehicleStatus,
    /// 检验有效期至
    pub inspection_due: Option<Date>,
    pub bound: bool,
    /// Violations not handled (未处理违法).
    pub unhandled: i64,
    /// Handled violations with the fine not paid (未缴款).
    pub unpaid: i64,
}

/// One violation of a vehicle the unit has bound.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetViolation {
    pub id: i64,
    pub plate: String,
    pub vehicle_type: VehicleType,
    pub occurred_at_ms: i64,
    pub place: String,
    pub recorded_province: String,
    pub code: String,
    pub description: String,
    pub fine_yuan: u32,
    pub points: u8,
    pub status: ViolationStatus,
    pub decision_no: Option<String>,
}
