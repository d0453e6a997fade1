//! Temporary plates (临时号牌核发), a car dealer's entrusted service: the
//! dealer enters a vehicle it sold (a new vehicle on record, not yet
//! registered) and its buyer; the buyer confirms with the SMS code sent to
//! the phone the dealer typed; the dealer prints the plate with its QR code;
//! anyone checks the plate on the public page; the dealer may revoke it; the
//! buyer sees it in their account and goes on to plate pre-selection. The
//! rules are in `domain::temporary_plate`; the gate is
//! `accounts::session::require_unit_granted`.

pub mod api;
#[cfg(feature = "ssr")]
mod check;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::temporary_plate::{PlateState, Standing};
use crate::domain::{Date, VehicleType};
use serde::{Deserialize, Serialize};

/// One temporary plate (临时行驶车号牌) as the dealer's table, the printed
/// plate and the buyer's page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryPlate {
    pub id: i64,
    /// 号牌号码 as stored (冀A000123; printed 冀A·000123); shown once issued.
    pub number: String,
    pub vin: String,
    /// 品牌型号, from the vehicle's record.
    pub model: String,
    pub vehicle_type: VehicleType,
    pub dealer: String,
    pub buyer_name: String,
    pub buyer_id_masked: String,
    pub buyer_phone_masked: String,
    pub valid_from: Date,
    pub valid_until: Date,
    pub state: PlateState,
    /// What it means today.
    pub standing: Standing,
    pub entered_at_ms: i64,
    pub issued_at_ms: Option<i64>,
    /// 注销原因
    pub revoked_reason: Option<String>,
    /// The public check address the QR code carries, once issued.
    pub check_path: Option<String>,
}

/// A plate with what printing it needs: the QR code of its signed
/// credential, and the check address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateSheet {
    pub plate: TemporaryPlate,
    /// The public check address (by the seal), once issued: printed for
    /// typing.
    pub check_url: Option<String>,
    /// The verification address with the plate's signed credential (电子
    ///凭证), once issued: what the QR code carries, checkable offline.
    pub verify_url: Option<String>,
    /// The QR code as SVG, once issued.
    pub qr_svg: Option<String>,
}

/// What the public check page (临时号牌查验) tells anyone: no buyer's ID or
/// phone, the name masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateCheck {
    pub number: String,
    pub vin_tail: String,
    pub model: String,
    pub vehicle_type: VehicleType,
    pub dealer: String,
    pub buyer_name_masked: String,
    pub valid_from: Date,
    pub valid_until: Date,
    pub standing: Standing,
    /// The QR code's seal was checked (not only the typed VIN tail).
    pub sealed: bool,
}

/// Plates the dealer's table shows a page.
pub const PLATE_PAGE_ROWS: u32 = 50;
/// The purpose of the buyer's consent code (临时号牌核发验证码).
pub const BUYER_CODE_PURPOSE: &str = "temporary_plate";
pub use crate::domain::temporary_plate::MAX_REASON_CHARS;

/// The public check page's address for a plate (what its QR code carries).
pub fn check_path(number: &str, seal: &str) -> String {
    format!(
        "/temporary-plates/check?number={}&seal={}",
        crate::ui::encode_query_value(number),
        seal
    )
}
