//! The ports of the fines feature: violations, penalty decisions, payment
//! orders and their settlement, and the payment gateway.

use super::{Receipt, RefundItem, ViolationItem};
use crate::domain::{BindingKind, Date, VehicleType, ViolationFacts};
use crate::features::paging::{ListPage, PageRequest};
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

/// One fine of a combined order and what it owes today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FineDue {
    pub violation_id: i64,
    pub fine_fen: i64,
    pub surcharge_fen: i64,
}

/// Why a combined order was not opened: this fine can not be paid now
/// (paid meanwhile, or not handled).
#[derive(Debug, PartialEq, Eq)]
pub struct BatchRejection {
    pub violation_id: i64,
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

/// A violation of a bound vehicle as far as the rule on who sees it needs
/// (the rest is read for one page only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationHead {
    pub id: i64,
    pub vehicle_type: VehicleType,
    pub binding: BindingKind,
    pub recorded_province: String,
    pub fine_yuan: u32,
    pub points: u8,
}

impl ViolationHead {
    /// Whether the binder sees it (the rule of [`ViolationItem::visible_to_binder`]).
    pub fn visible_to_binder(&self, home_province: &str) -> bool {
        super::binder_sees(&ViolationFacts {
            fine_yuan: self.fine_yuan,
            points: self.points,
            recorded_province: self.recorded_province.clone(),
            home_province: home_province.into(),
            vehicle_type: self.vehicle_type,
            binding: self.binding,
        })
    }
}

/// Violations, decisions and fine payments (违法处理与罚款缴纳).
#[async_trait]
pub trait Fines: Send + Sync {
    /// What decides who sees each violation of the account's bound
    /// vehicles (a few numbers a row), newest first: the list's first pass.
    async fn violation_heads(&self, account_id: i64) -> PortResult<Vec<ViolationHead>>;
    /// These violations of the account's bound vehicles in full (one page:
    /// the ids come from [`Fines::violation_heads`]), newest first.
    async fn violations_by_id(
        &self,
        account_id: i64,
        ids: &[i64],
    ) -> PortResult<Vec<ViolationItem>>;
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
    /// Issues the decision of a violation with points on a unit's bound
    /// vehicle, naming the driver (指定驾驶人): the points go on the
    /// driver's licence in the same transaction, only while it is valid
    /// and stays under twelve points. Tells the driver.
    async fn decide_naming_driver(
        &self,
        account_id: i64,
        violation_id: i64,
        driver_id_number: &str,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<NamedDecision>;
}

/// What naming a driver came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedDecision {
    Decided,
    /// It was not unhandled any more (another tab, another operator).
    NotUnhandled,
    /// The licence could not take the points any more (its points or status
    /// changed since the check).
    LicenceRefused,
}

/// Paying fines (罚款缴纳): payment orders, the gateway's notices and the
/// receipts.
#[async_trait]
pub trait FinePayments: Send + Sync {
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
    /// Opens one payment order for several handled fines (合并缴款), or
    /// returns the open one for the same fines and amounts (a double
    /// click). Any other open order of these fines is closed (a late bank
    /// payment of it is still accepted, and refunded if the fine is paid).
    async fn open_batch(
        &self,
        account_id: i64,
        fines: &[FineDue],
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, BatchRejection>>;
    /// A fine's order, or a combined order (then `violation_id` is its
    /// first fine's and `receipt_no` that fine's receipt once paid).
    async fn payment_order(&self, order_no: &str) -> PortResult<Option<PaymentOrder>>;
    /// Records a verified bank notice (idempotent).
    async fn settle_payment(&self, notice: &PaymentNotice, now_ms: i64) -> PortResult<Settlement>;
    async fn receipt(&self, account_id: i64, receipt_no: &str) -> PortResult<Option<Receipt>>;
}

/// Which way a gateway's message came (支付结果通知的渠道).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeChannel {
    /// The gateway's server-to-server notice (异步通知): it retries until
    /// answered `success`.
    ServerNotice,
    /// The payer's browser sent back by the gateway (同步返回).
    BrowserReturn,
}

/// What a gateway's message says, once its signature and origin are checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayMessage {
    /// The money was paid: settle the order (idempotent).
    Paid(PaymentNotice),
    /// Authentic, about this order, but no proof of payment (a trade that
    /// closed unpaid, or a browser return, which the gateway's rules say is
    /// not to be trusted as payment): nothing is recorded.
    NoPayment { order_no: String },
}

/// Why a gateway's message was refused. Nothing is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeRefusal {
    /// Fields missing or not in the gateway's format.
    Malformed(String),
    /// Not from the gateway, or not for this platform: a bad signature, an
    /// unexpected signature type, another application's or seller's notice.
    NotAuthentic(String),
}

impl std::fmt::Display for NoticeRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoticeRefusal::Malformed(why) => write!(f, "malformed: {why}"),
            NoticeRefusal::NotAuthentic(why) => write!(f, "not authentic: {why}"),
        }
    }
}

/// The payer's device, for gateways with a separate phone checkout
/// (手机网站支付).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayerDevice {
    Computer,
    Phone,
}

/// A signed form that takes the payer's browser to the gateway: a page of
/// the platform submits it (GET) to `action`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

/// The payment gateway (支付平台): Alipay (支付宝) in production, a
/// simulated bank in development.
pub trait PaymentGateway: Send + Sync {
    /// Where the payer's browser goes to pay this order (a path on the
    /// platform).
    fn checkout_url(&self, order: &PaymentOrder) -> String;
    /// The signed form handing the payer over to the gateway, when
    /// `checkout_url` is the platform's hand-off page; `None` for a gateway
    /// whose checkout is `checkout_url` itself.
    fn hand_off(&self, order: &PaymentOrder, device: PayerDevice) -> Option<GatewayForm>;
    /// Reads a message from the gateway (its fields as received), checking
    /// its signature and that it is for this platform.
    fn read_message(
        &self,
        channel: NoticeChannel,
        fields: &[(String, String)],
    ) -> Result<GatewayMessage, NoticeRefusal>;
}

/// What recording a refund came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundRecorded {
    Recorded,
    /// No payment with this id is owed back.
    NotDue,
    /// Another clerk recorded it first.
    AlreadyRecorded,
}

/// Refunds of money paid twice (退款登记), for business-centre clerks.
#[async_trait]
pub trait Refunds: Send + Sync {
    /// Refunds still owed (oldest first) or, with `done`, recorded ones
    /// (newest first).
    async fn refunds(&self, done: bool, page: PageRequest) -> PortResult<ListPage<RefundItem>>;
    /// Records that a payment owed back was refunded, with the finance
    /// office's reference; tells the payer and audits.
    async fn record_refund(
        &self,
        payment_id: i64,
        reference: &str,
        actor: &Actor,
    ) -> PortResult<RefundRecorded>;
}
