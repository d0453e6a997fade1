//! The port of temporary plates: the vehicle on record, the plates entered,
//! issued and revoked, and the seal their QR codes carry.

use super::TemporaryPlate;
use crate::domain::{Date, VehicleType};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A new vehicle on record (出厂合格证和销售信息), as the dealer's form
/// needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VehicleOnRecord {
    pub vin: String,
    pub model: String,
    pub vehicle_type: VehicleType,
    /// 号牌号码 once registered.
    pub plate: Option<String>,
    /// The owner's ID number when a person owns it.
    pub owner_id_number: Option<String>,
    /// The owner's name as the registry holds it.
    pub owner_name: Option<String>,
    /// The owner's mobile number on record (the buyer's code goes there).
    pub owner_phone: Option<String>,
}

/// A plate to enter, waiting for the buyer's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTemporaryPlate {
    pub dealer_account_id: i64,
    pub vin: String,
    /// 发牌机关代号 with the province (冀A).
    pub prefix: String,
    pub buyer_id_number: String,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub valid_from: Date,
    pub valid_until: Date,
}

/// A plate found by id or number, with what only the server reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlateFound {
    pub plate: TemporaryPlate,
    pub dealer_account_id: i64,
    pub buyer_id_number: String,
    pub buyer_phone: String,
}

/// Temporary plates (临时行驶车号牌).
#[async_trait]
pub trait TemporaryPlates: Send + Sync {
    async fn vehicle(&self, vin: &str) -> PortResult<Option<VehicleOnRecord>>;
    /// Enters the plate, waiting for the buyer, if the vehicle's plates so
    /// far (any dealer's) allow another (`may_issue`, checked in the
    /// transaction that inserts, the vehicle locked); a plate left waiting
    /// for a day lapses first. Audits. Answers the id, or why not.
    async fn enter(
        &self,
        new: &NewTemporaryPlate,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Result<i64, (String, String)>>;
    async fn plate(&self, id: i64, today: Date) -> PortResult<Option<PlateFound>>;
    async fn by_number(&self, number: &str, today: Date) -> PortResult<Option<PlateFound>>;
    /// Issues a waiting plate (the buyer's code was right); tells the
    /// buyer and audits. False: it was not waiting any more.
    async fn issue(&self, id: i64, actor: &Actor) -> PortResult<bool>;
    /// Withdraws a waiting plate; audits. False: not waiting any more.
    async fn withdraw(&self, id: i64, actor: &Actor) -> PortResult<bool>;
    /// Revokes an issued plate; tells the buyer and audits. False: not
    /// issued (any more).
    async fn revoke(&self, id: i64, reason: &str, actor: &Actor) -> PortResult<bool>;
    /// One page of the dealer's plates, newest first; `query`: only those
    /// whose number, VIN or buyer ID number it is.
    async fn dealer_plates(
        &self,
        account_id: i64,
        query: Option<&str>,
        today: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<TemporaryPlate>>;
    /// The plates issued to this buyer, newest first.
    async fn buyer_plates(&self, id_number: &str, today: Date) -> PortResult<Vec<TemporaryPlate>>;
    /// Whether `seal` is the seal of this plate's QR code: a MAC under the
    /// server's secret over the number, the VIN and the dates, compared in
    /// constant time, so a changed code is refused.
    fn seal_matches(&self, plate: &TemporaryPlate, seal: &str) -> bool;
}
