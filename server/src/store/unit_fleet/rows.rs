//! The rows the unit fleet's queries read, and how each becomes the
//! feature's model (codes checked, dates parsed, counts clamped).

use crate::store::rows::{coded, date_opt};
use crate::store::StoreResult;
use app::domain::{VehicleStatus, VehicleType, ViolationStatus};
use app::features::units::{FleetVehicle, FleetViolation};

#[derive(sqlx::FromRow)]
pub(super) struct VehicleRow {
    id: i64,
    plate: Option<String>,
    vehicle_type: String,
    brand: String,
    colour: String,
    status: String,
    inspection_due: Option<String>,
    bound: i64,
    unhandled: i64,
    unpaid: i64,
}

impl VehicleRow {
    pub(super) fn into_vehicle(self) -> StoreResult<FleetVehicle> {
        Ok(FleetVehicle {
            vehicle_id: self.id,
            plate: self.plate,
            vehicle_type: coded("vehicle type", &self.vehicle_type, VehicleType::from_code)?,
            brand: self.brand,
            colour: self.colour,
            status: coded("vehicle status", &self.status, VehicleStatus::from_code)?,
            inspection_due: date_opt(self.inspection_due.as_deref()),
            bound: self.bound != 0,
            unhandled: self.unhandled,
            unpaid: self.unpaid,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ViolationRow {
    id: i64,
    plate: String,
    vehicle_type: String,
    occurred_at: i64,
    place: String,
    recorded_province: String,
    code: String,
    description: String,
    fine_yuan: i64,
    points: i64,
    status: String,
    decision_no: Option<String>,
}

impl ViolationRow {
    pub(super) fn into_violation(self) -> StoreResult<FleetViolation> {
        let fine_yuan = self.fine_yuan.clamp(0, u32::MAX as i64) as u32;
        Ok(FleetViolation {
            id: self.id,
            plate: self.plate,
            vehicle_type: coded("vehicle type", &self.vehicle_type, VehicleType::from_code)?,
            occurred_at_ms: self.occurred_at,
            place: self.place,
            recorded_province: self.recorded_province,
            code: self.code,
            description: self.description,
            fine_yuan,
            points: self.points.clamp(0, 12) as u8,
            status: coded("violation status", &self.status, ViolationStatus::from_code)?
                .with_fine(fine_yuan),
            decision_no: self.decision_no,
        })
    }
}
