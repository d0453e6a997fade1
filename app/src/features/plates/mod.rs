//! Plate pre-selection (机动车预选号牌, V7): the person's eligible new
//! vehicles, the commit–reveal random draw, custom numbers, holds with one
//! extension, and confirmation. Allocation is guaranteed by the database
//! (conditional updates and unique indexes, in the store's plates module);
//! the rules are in `domain::plate_selection`.

#[cfg(feature = "ssr")]
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::VehicleType;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A number held for a vehicle until confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateHold {
    pub plate: String,
    pub until_ms: i64,
    pub extended: bool,
}

/// A new vehicle that may get a pre-selected number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateVehicle {
    pub vin: String,
    pub vehicle_type: VehicleType,
    pub brand: String,
    pub batches_used: u32,
    pub hold: Option<PlateHold>,
    pub selected: Option<String>,
}

/// What a hold of a vehicle meets, read with the vehicle (so a hold in a
/// rush reads once before it queues for the write): whether a hold of its
/// has run out and still names it (put back before it takes another), and
/// whether the number asked for is free now (待选). A number from a batch
/// is asked for by none (the hold's statement checks the batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HoldStanding {
    pub lapsed_hold: bool,
    pub asked_free: bool,
}

/// A prepared draw: the commitment is shown before the draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedDraw {
    pub batch_id: i64,
    pub commitment: String,
}

/// A drawn batch with everything needed to re-derive it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnBatch {
    pub batch_id: i64,
    pub commitment: String,
    pub server_seed: String,
    pub client_nonce: String,
    pub pool_size: i64,
    pub pool_digest: String,
    pub plates: Vec<String>,
    pub expires_at_ms: i64,
}

/// Why a pre-selection step was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateRefusal {
    BatchesUsed,
    NoSuchBatch,
    AlreadyDrawn,
    BatchExpired,
    Unavailable,
    AlreadyHolding(String),
    AlreadySelected(String),
    NoHold,
    AlreadyExtended,
}

impl PlateRefusal {
    pub fn into_error(self) -> AppError {
        use crate::domain::plate_selection::{EXTENSION_SECS, MAX_BATCHES_PER_VIN};
        use crate::i18n::Text;
        match self {
            PlateRefusal::BatchesUsed => AppError::not_allowed(
                Text::new(format!("每辆车最多随机选号{MAX_BATCHES_PER_VIN}次，已经用完。"), format!("Each vehicle gets at most {MAX_BATCHES_PER_VIN} random batches; none are left.")),
                Text::new("可以改用自编自选，或到车辆管理所现场选号。", "Use custom choice, or choose at a vehicle management office."),
            ),
            PlateRefusal::NoSuchBatch => AppError::NotFound(Text::new("没有找到这次选号。", "That batch was not found.")),
            PlateRefusal::AlreadyDrawn => AppError::Conflict(Text::new("这一批号码已经产生。", "This batch was already drawn.")),
            PlateRefusal::BatchExpired => AppError::Conflict(Text::new("选号时间已到，这一批号码已失效。", "Time is up; this batch has lapsed.")),
            PlateRefusal::Unavailable => AppError::field("plate", Text::new("该号码已被他人选用或正在被他人选择，请换一个号码", "That number is taken or being chosen by someone else; pick another")),
            PlateRefusal::AlreadyHolding(p) => AppError::Conflict(Text::new(format!("该车已保留号码{p}，请先确认或等待保留到期。"), format!("This vehicle already holds {p}; confirm it or let the hold lapse."))),
            PlateRefusal::AlreadySelected(p) => AppError::Conflict(Text::new(format!("该车已选定号码{p}，选定后不能更改。"), format!("This vehicle has already chosen {p}; a confirmed choice is final."))),
            PlateRefusal::NoHold => AppError::Conflict(Text::new("没有保留中的号码，可能已超时，请重新选号。", "No number is held (the hold may have lapsed); choose again.")),
            PlateRefusal::AlreadyExtended => AppError::Conflict(Text::new(format!("每次保留只能延长一次（{EXTENSION_SECS}秒）。"), format!("A hold can be extended once ({EXTENSION_SECS} seconds)."))),
        }
    }
}

/// A batch as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch_id: i64,
    pub vin: String,
    pub commitment: String,
    /// Present once drawn.
    pub drawn: Option<DrawnBatch>,
}

/// One city's plate pool as the administrator sees it (号池).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolCity {
    /// The plate prefix, e.g. 冀A.
    pub city: String,
    pub available: i64,
    /// Shown in a draw right now.
    pub shown: i64,
    pub held: i64,
    pub taken: i64,
    /// Series withheld by the configuration file.
    pub configured_withheld: Vec<String>,
    /// Series withheld by an administrator: (series, reason).
    pub withheld: Vec<(String, String)>,
}
