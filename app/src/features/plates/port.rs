//! The port of plate pre-selection.

use super::{BatchView, DrawnBatch, HoldStanding, PlateHold, PlateRefusal, PlateVehicle};
use crate::features::bindings::port::OwnerKey;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// Plate pre-selection (机动车预选号牌): the pool, batches, holds and
/// confirmed choices. Every allocation is a conditional update or guarded
/// by a unique index; nothing is decided by reading then writing.
#[async_trait]
pub trait PlateSelection: Send + Sync {
    /// The owner's registered-to-be (no plate yet) vehicles with their state.
    async fn vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
        now_ms: i64,
    ) -> PortResult<Vec<PlateVehicle>>;
    /// One of them, by VIN: what a hold, a draw or a confirmation acts on
    /// (one row read, however many new vehicles the owner has).
    async fn vehicle(
        &self,
        owner: &OwnerKey,
        vin: &str,
        now_ms: i64,
    ) -> PortResult<Option<PlateVehicle>>;
    /// The same vehicle with what a hold of it meets, in one read: a
    /// number of the owner's choosing is `asked` (None for a batch's).
    async fn vehicle_for_hold(
        &self,
        owner: &OwnerKey,
        vin: &str,
        asked: Option<&str>,
        now_ms: i64,
    ) -> PortResult<Option<(PlateVehicle, HoldStanding)>>;
    /// Takes one of the vehicle's three batch slots and stores the seed.
    async fn prepare(
        &self,
        account_id: i64,
        vin: &str,
        city: &str,
        commitment: &str,
        server_seed_hex: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, PlateRefusal>>;
    async fn draw(
        &self,
        account_id: i64,
        batch_id: i64,
        client_nonce: &str,
        now_ms: i64,
    ) -> PortResult<Result<DrawnBatch, PlateRefusal>>;
    /// Holds a number for the vehicle: from a live batch (Some) or, for a
    /// custom number, straight from the pool (None). `lapsed_hold` is what
    /// the read before found ([`HoldStanding`]): the vehicle's lapsed hold
    /// goes back to the pool first. A hold the number's state or the
    /// vehicle's refuses changes nothing and says why.
    #[allow(clippy::too_many_arguments)]
    async fn hold(
        &self,
        account_id: i64,
        vin: &str,
        plate: &str,
        batch_id: Option<i64>,
        lapsed_hold: bool,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PlateHold, PlateRefusal>>;
    async fn batch(&self, account_id: i64, batch_id: i64) -> PortResult<Option<BatchView>>;
    async fn extend(&self, vin: &str, now_ms: i64) -> PortResult<Result<PlateHold, PlateRefusal>>;
    async fn confirm(
        &self,
        account_id: i64,
        vin: &str,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<String, PlateRefusal>>;
    /// Returns every hold whose time ran out (保留期满) to the pool, once
    /// each however many servers run it (a conditional update); answers how
    /// many numbers went back.
    async fn release_lapsed_holds(&self, now_ms: i64) -> PortResult<usize>;
    /// Loads numbers into a city's pool (withheld ones are skipped by the
    /// caller); answers how many were new.
    async fn load_pool(&self, city: &str, plates: &[String], now_ms: i64) -> PortResult<usize>;
}

/// What withholding a series came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeriesWithheld {
    /// Withheld; this many available numbers left the pool.
    Withheld(usize),
    AlreadyWithheld,
}

/// The administrator's plate pools (号池管理).
#[async_trait]
pub trait PlatePoolAdmin: Send + Sync {
    /// Counts by status and the administrator's withheld series, per city
    /// that has a pool or a withheld series.
    async fn pools(&self) -> PortResult<Vec<super::PoolCity>>;
    /// The series withheld by administrators in a city.
    async fn withheld_series(&self, city: &str) -> PortResult<Vec<String>>;
    /// Adds the numbers not yet issued (no vehicle has them) and not in the
    /// pool; answers how many were added. Audited.
    async fn load_numbers(&self, city: &str, plates: &[String], actor: &Actor)
        -> PortResult<usize>;
    /// Withholds a series: its available numbers leave the pool. Audited.
    async fn withhold_series(
        &self,
        city: &str,
        series: &str,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<SeriesWithheld>;
}
