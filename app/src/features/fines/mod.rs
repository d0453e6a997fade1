//! Electronic-surveillance violations and fines (电子监控违法处理和罚款缴纳,
//! V8): list, handle (the penalty decision), pay through the payment
//! gateway, and the receipt.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod refunds;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::violation::{amount_due_fen, may_handle_violation, surcharge_fen};
use crate::domain::{BindingKind, Date, Refusal, VehicleType, ViolationFacts, ViolationStatus};
use crate::features::paging::ListPage;
use serde::{Deserialize, Serialize};

/// Most fines one payment order pays (合并缴款): a table page's worth.
pub const MAX_FINES_PER_ORDER: usize = 50;

/// One violation of a bound vehicle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationItem {
    pub id: i64,
    pub vehicle_id: i64,
    pub plate: String,
    pub vehicle_type: VehicleType,
    pub binding: BindingKind,
    pub occurred_at_ms: i64,
    pub place: String,
    /// Province abbreviation where it was recorded (采集地).
    pub recorded_province: String,
    /// 违法代码
    pub code: String,
    /// 违法行为
    pub description: String,
    pub fine_yuan: u32,
    pub points: u8,
    pub status: ViolationStatus,
    pub decided_on: Option<Date>,
    /// 处罚决定书编号
    pub decision_no: Option<String>,
    pub receipt_no: Option<String>,
}

impl ViolationItem {
    /// The facts the rule needs, on a platform serving `home_province`.
    pub fn facts(&self, home_province: &str) -> ViolationFacts {
        ViolationFacts {
            fine_yuan: self.fine_yuan,
            points: self.points,
            recorded_province: self.recorded_province.clone(),
            home_province: home_province.into(),
            vehicle_type: self.vehicle_type,
            binding: self.binding,
        }
    }

    /// Whether this account may handle and pay it here (the rule, SPEC §3).
    pub fn may_handle(&self, home_province: &str) -> Result<(), Refusal> {
        may_handle_violation(&self.facts(home_province))
    }

    /// [`Self::may_handle`], and for a unit (`by_unit`) only a violation
    /// without points (`domain::fleet::unit_may_handle`).
    pub fn may_handle_by(&self, home_province: &str, by_unit: bool) -> Result<(), Refusal> {
        self.may_handle(home_province)?;
        if by_unit {
            crate::domain::fleet::unit_may_handle(self.points)?;
        }
        Ok(())
    }

    /// What is owed today, in fen, once decided.
    pub fn amount_due_fen(&self, today: Date) -> i64 {
        let decided = self.decided_on.unwrap_or(today);
        amount_due_fen(self.fine_yuan, decided, today)
    }

    pub fn surcharge_fen(&self, today: Date) -> i64 {
        let decided = self.decided_on.unwrap_or(today);
        surcharge_fen(self.fine_yuan, decided, today)
    }

    /// A vehicle not in the person's name shows only the violations the
    /// person may handle; the owner's other records stay private.
    pub fn visible_to_binder(&self, home_province: &str) -> bool {
        binder_sees(&self.facts(home_province))
    }
}

/// Whether the person who bound the vehicle sees the violation: always on
/// a vehicle in their name, else only one they may handle.
pub fn binder_sees(facts: &ViolationFacts) -> bool {
    facts.binding == BindingKind::Own || may_handle_violation(facts).is_ok()
}

/// The violations page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationsOverview {
    /// One page of the violations the person sees, newest first.
    pub items: ListPage<ViolationItem>,
    /// Violations on vehicles not in the person's name that only the owner
    /// may handle (not listed).
    pub hidden_for_owner: usize,
}

/// A paid fine's receipt (罚款缴纳凭证).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt_no: String,
    pub order_no: String,
    pub decision_no: String,
    pub plate: String,
    pub violation_code: String,
    pub description: String,
    pub occurred_at_ms: i64,
    pub place: String,
    pub fine_fen: i64,
    pub surcharge_fen: i64,
    pub amount_fen: i64,
    pub paid_at_ms: i64,
    pub bank_ref: String,
    pub payer: String,
    /// The other fines paid by the same combined order (合并缴款), each with
    /// its own receipt; empty for an order of one fine.
    #[serde(default)]
    pub same_order: Vec<PaidWithIt>,
    /// The verification address the receipt's QR code carries (a signed
    /// credential, `domain::credential`), and that QR code as SVG.
    #[serde(default)]
    pub verify_url: Option<String>,
    #[serde(default)]
    pub qr_svg: Option<String>,
}

/// Another fine paid by the same combined order: its receipt, plate and
/// amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidWithIt {
    pub receipt_no: String,
    pub plate: String,
    pub amount_fen: i64,
}

/// Money to send back (退款): a payment that arrived after the fine was
/// paid, and its refund once recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundItem {
    pub payment_id: i64,
    pub order_no: String,
    pub plate: String,
    /// Who paid (the account's name).
    pub payer: String,
    pub amount_fen: i64,
    pub paid_at_ms: i64,
    pub bank_ref: String,
    /// When, with what reference, and by whom (police number) it was
    /// refunded.
    pub refunded: Option<(i64, String, String)>,
}
