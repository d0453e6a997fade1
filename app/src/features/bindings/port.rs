//! The port of the bindings feature: who an account is in the registry,
//! its bound vehicles and licence, and contact changes on registry records.

use super::{MyLicence, MyVehicle, UnboundVehicle};
pub use crate::domain::OwnerKey;
use crate::domain::{BindingKind, PhoneNumber, PlateNumber, VehicleType};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A vehicle as the registry holds it, for the binding rules.
#[derive(Clone, Debug)]
pub struct RegistryVehicle {
    pub id: i64,
    pub plate: Option<String>,
    pub vin: String,
    pub vehicle_type: VehicleType,
    pub owner: OwnerKey,
    /// The owner's phone on record (预留手机号码), for the owner's consent.
    pub owner_phone: String,
}

/// Whose contact details change: the driver (D3, by ID number) or the
/// owner's phone on one vehicle record (V4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactTarget {
    Driver(String),
    Owner(i64),
}

/// Why a binding was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum BindRejection {
    AlreadyBound,
    /// All three slots for vehicles not in the holder's name are taken.
    NonOwnSlotsFull,
}

/// Bindings (绑定) and the holder's view of the registry (我的机动车/驾驶证).
#[async_trait]
pub trait Bindings: Send + Sync {
    /// The vehicles bound to the account, with unhandled-violation counts.
    async fn bound_vehicles(&self, account_id: i64) -> PortResult<Vec<MyVehicle>>;
    /// Registered vehicles in the owner's name that the account has not bound.
    async fn unbound_own_vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
    ) -> PortResult<Vec<UnboundVehicle>>;
    async fn vehicle_by_plate(&self, plate: &PlateNumber) -> PortResult<Option<RegistryVehicle>>;
    async fn vehicle_by_id(&self, vehicle_id: i64) -> PortResult<Option<RegistryVehicle>>;
    /// Binds a vehicle. A vehicle not in the holder's name takes a free slot
    /// (the database refuses a fourth).
    async fn bind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>>;
    /// Unbinds; false when it was not bound.
    async fn unbind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// The licence held by this person (bound or not).
    async fn licence(&self, account_id: i64, id_number: &str) -> PortResult<Option<MyLicence>>;
    async fn bind_licence(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>>;
    async fn unbind_licence(&self, account_id: i64, actor: &Actor) -> PortResult<bool>;
    /// Records the new phone on the registry record; tells the new and the
    /// old number.
    async fn change_contact(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &PhoneNumber,
        actor: &Actor,
    ) -> PortResult<()>;
}
