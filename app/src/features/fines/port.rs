//! The ports of the fines feature: violations, penalty decisions, payment
//! orders and their settlement, and the payment gateway.

use super::{Receipt, ViolationItem};
use crate::domain::Date;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A payment order (缴款订单) for one violation's fine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentOrder {
    pub order_no: String,
    pub violation_id: i64,
    pub amount_fen: i64,
    pub status: String,
    pub expires_at: i64,
    pub receipt_no: Option<String>,
}

/// What the bank says happened (a signed callback or browser return).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentNotice {
    pub order_no: String,
    pub amount_fen: i64,
    pub bank_ref: String,
    pub signature: String,
}

/// The outcome of settling a bank notice. Settling is idempotent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// This notice paid the fine now.
    Paid {
        receipt_no: String,
        account_id: i64,
    },
    /// The order was already settled (a replayed callback, a second tab).
    AlreadyPaid {
        receipt_no: String,
        account_id: i64,
    },
    /// The money arrived for a fine another order had already paid: it is
    /// kept on record for refund (退款), never dropped.
    RefundDue {
        account_id: i64,
    },
    UnknownOrder,
    /// The amount differs from the order's: nothing is recorded as paid.
    AmountMismatch,
}

/// Why a payment order was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum PayRejection {
    NotHandledYet,
    AlreadyPaid {
        receipt_no: Option<String>,
    },
    /// No fine (a warning): there is nothing to pay.
    NothingToPay,
}

/// Violations, decisions and fine payments (违法处理与罚款缴纳).
#[async_trait]
pub trait Fines: Send + Sync {
    /// Violations of the account's bound vehicles, newest first.
    async fn violations(&self, account_id: i64) -> PortResult<Vec<ViolationItem>>;
    async fn violation(
        &self,
        account_id: i64,
        violation_id: i64,
    ) -> PortResult<Option<ViolationItem>>;
    /// Issues the penalty decision (unhandled → handled, unpaid). False when
    /// it was not unhandled any more (handled in another tab, say).
    async fn decide(
        &self,
        account_id: i64,
        violation_id: i64,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Opens the payment order for a handled fine, or returns the open one
    /// (so a double click or a second tab pays the same order).
    async fn open_payment(
        &self,
        account_id: i64,
        violation_id: i64,
        fine_fen: i64,
        surcharge_fen: i64,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, PayRejection>>;
    async fn payment_order(&self, order_no: &str) -> PortResult<Option<PaymentOrder>>;
    /// Records a verified bank notice (idempotent).
    async fn settle_payment(&self, notice: &PaymentNotice, now_ms: i64) -> PortResult<Settlement>;
    async fn receipt(&self, account_id: i64, receipt_no: &str) -> PortResult<Option<Receipt>>;
}

/// The payment gateway (支付平台). In development a simulated bank.
pub trait PaymentGateway: Send + Sync {
    /// Where the payer's browser goes to pay this order.
    fn checkout_url(&self, order: &PaymentOrder) -> String;
    /// Whether the notice carries the bank's valid signature.
    fn verify(&self, notice: &PaymentNotice) -> bool;
}
