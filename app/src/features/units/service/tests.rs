//! The unit desk against an in-memory fleet.

use super::*;
use crate::domain::{VehicleStatus, VehicleType};
use crate::features::bindings::service::fake::block_on;
use crate::features::units::port::UnitFleet;
use crate::features::units::FleetCounts;
use crate::port_error::PortResult;
use async_trait::async_trait;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// Vehicles (id, plate, owner's code) and the ids bound to account 1.
struct Fleet {
    vehicles: Vec<(i64, Option<&'static str>, &'static str)>,
    bound: Mutex<BTreeSet<i64>>,
}

const UNIT: &str = "91130100MA0XXXXX0X";

fn fleet() -> Fleet {
    Fleet {
        vehicles: vec![
            (1, Some("冀A10001"), UNIT),
            (2, Some("冀A10002"), UNIT),
            (3, None, UNIT),
            (4, Some("冀A99999"), "someone else"),
        ],
        bound: Mutex::new(BTreeSet::new()),
    }
}

#[async_trait]
impl UnitFleet for Fleet {
    async fn fleet_counts(&self, _: i64, _: &str, _: Date, _: &str) -> PortResult<FleetCounts> {
        Ok(FleetCounts::default())
    }
    async fn fleet_vehicles(
        &self,
        _: i64,
        code: &str,
        _: &FleetQuery,
        _: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetVehicle>> {
        let rows = self
            .fleet_vehicles_after(1, code, &FleetQuery::default(), self.today(), 0, 100)
            .await?;
        let total = rows.len() as i64;
        Ok(ListPage::new(rows, total, page))
    }
    async fn fleet_vehicles_after(
        &self,
        _: i64,
        code: &str,
        _: &FleetQuery,
        _: Date,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<FleetVehicle>> {
        let bound = self.bound.lock().unwrap();
        Ok(self
            .vehicles
            .iter()
            .filter(|(id, _, owner)| *owner == code && *id > after_id)
            .take(limit as usize)
            .map(|(id, plate, _)| FleetVehicle {
                vehicle_id: *id,
                plate: plate.map(str::to_string),
                vehicle_type: VehicleType::K33,
                brand: "大众".into(),
                colour: "白".into(),
                status: VehicleStatus::Normal,
                inspection_due: None,
                bound: bound.contains(id),
                unhandled: 0,
                unpaid: 0,
            })
            .collect())
    }
    async fn bind_fleet(
        &self,
        _: i64,
        code: &str,
        selection: Selection<'_>,
        _: &Actor,
    ) -> PortResult<usize> {
        let mut bound = self.bound.lock().unwrap();
        let mut n = 0;
        for (id, plate, owner) in &self.vehicles {
            let named = match selection {
                Selection::These(ids) => ids.contains(id),
                Selection::AllUnbound => true,
            };
            if named && plate.is_some() && *owner == code && bound.insert(*id) {
                n += 1;
            }
        }
        Ok(n)
    }
    async fn unbind_fleet(&self, _: i64, ids: &[i64], _: &Actor) -> PortResult<usize> {
        let mut bound = self.bound.lock().unwrap();
        Ok(ids.iter().filter(|id| bound.remove(id)).count())
    }
    async fn fleet_violations(
        &self,
        _: i64,
        _: &FleetViolationQuery,
        page: PageRequest,
    ) -> PortResult<ListPage<FleetViolation>> {
        Ok(ListPage::new(Vec::new(), 0, page))
    }
    async fn fleet_violations_after(
        &self,
        _: i64,
        _: &FleetViolationQuery,
        _: i64,
        _: i64,
    ) -> PortResult<Vec<FleetViolation>> {
        Ok(Vec::new())
    }
}

impl Fleet {
    fn today(&self) -> Date {
        Date::parse_iso("2026-11-29").unwrap()
    }
}

/// A unit without drivers (the drivers desk has its own tests).
struct NoDrivers;

#[async_trait]
impl crate::features::units::drivers::port::UnitDrivers for NoDrivers {
    async fn driver_record(
        &self,
        _: &str,
    ) -> PortResult<Option<crate::features::units::drivers::port::DriverRecord>> {
        Ok(None)
    }
    async fn bound_driver(
        &self,
        _: i64,
        _: &str,
    ) -> PortResult<Option<crate::features::units::drivers::port::DriverRecord>> {
        Ok(None)
    }
    async fn drivers(
        &self,
        _: i64,
        _: crate::features::units::drivers::DriverFilter,
        _: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<crate::features::units::drivers::UnitDriver>> {
        Ok(ListPage::new(Vec::new(), 0, page))
    }
    async fn drivers_after(
        &self,
        _: i64,
        _: crate::features::units::drivers::DriverFilter,
        _: Date,
        _: i64,
        _: i64,
    ) -> PortResult<Vec<crate::features::units::drivers::UnitDriver>> {
        Ok(Vec::new())
    }
    async fn driver_counts(
        &self,
        _: i64,
        _: Date,
    ) -> PortResult<crate::features::units::drivers::DriverCounts> {
        Ok(Default::default())
    }
    async fn bind_driver(&self, _: i64, _: &str, _: &Actor) -> PortResult<bool> {
        Ok(false)
    }
    async fn unbind_driver(&self, _: i64, _: i64, _: &Actor) -> PortResult<bool> {
        Ok(false)
    }
    async fn ties_of_driver(
        &self,
        _: &str,
    ) -> PortResult<Vec<crate::features::units::drivers::DriverTie>> {
        Ok(Vec::new())
    }
    async fn end_tie(&self, _: &str, _: i64, _: &Actor) -> PortResult<bool> {
        Ok(false)
    }
}

fn desk(fleet: &Fleet) -> UnitDesk<'_> {
    UnitDesk {
        fleet,
        drivers: &NoDrivers,
        today: fleet.today(),
        home_province: "冀",
    }
}

fn actor() -> Actor {
    Actor {
        account_id: Some(1),
        ip: "127.0.0.1".into(),
        operator_id: None,
        api_key: None,
    }
}

#[test]
fn a_selection_binds_only_the_units_plated_vehicles() {
    block_on(async {
        let fleet = fleet();
        let request = BindRequest::parse(vec![1, 3, 4, 1], None).unwrap();
        assert_eq!(request, BindRequest::These(vec![1, 3, 4]));
        let n = desk(&fleet)
            .bind(1, UNIT, &request, &actor())
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(*fleet.bound.lock().unwrap(), BTreeSet::from([1]));
        // The same again binds nothing, and says why.
        let again = desk(&fleet).bind(1, UNIT, &request, &actor()).await;
        assert!(matches!(again, Err(AppError::Conflict(_))));
    });
}

#[test]
fn all_binds_every_plated_vehicle_not_bound_yet() {
    block_on(async {
        let fleet = fleet();
        let d = desk(&fleet);
        d.bind(1, UNIT, &BindRequest::These(vec![2]), &actor())
            .await
            .unwrap();
        let all = BindRequest::parse(vec![], Some("1")).unwrap();
        assert_eq!(d.bind(1, UNIT, &all, &actor()).await.unwrap(), 1);
        assert_eq!(*fleet.bound.lock().unwrap(), BTreeSet::from([1, 2]));
        assert_eq!(d.unbind(1, &[1, 2, 4], &actor()).await.unwrap(), 2);
        assert!(matches!(
            d.unbind(1, &[1], &actor()).await,
            Err(AppError::Conflict(_))
        ));
    });
}

#[test]
fn a_selection_names_one_to_two_hundred_vehicles() {
    let none = BindRequest::parse(vec![], None).unwrap_err();
    assert_eq!(none.field_problems()[0].field, "vehicle_ids");
    let too_many = selection((1..=201).collect()).unwrap_err();
    assert_eq!(too_many.field_problems()[0].field, "vehicle_ids");
    assert_eq!(selection((1..=200).collect()).unwrap().len(), 200);
}
