//! Electronic-surveillance violations and fines (电子监控违法处理和罚款缴纳,
//! V8): list, handle (the penalty decision), pay through the payment
//! gateway, and the receipt.

use crate::domain::violation::{amount_due_fen, may_handle_violation, surcharge_fen};
use crate::domain::{BindingKind, Date, Refusal, VehicleType, ViolationFacts, ViolationStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub fn facts(&self) -> ViolationFacts {
        ViolationFacts {
            fine_yuan: self.fine_yuan,
            points: self.points,
            recorded_province: self.recorded_province.clone(),
            vehicle_type: self.vehicle_type,
            binding: self.binding,
        }
    }

    /// Whether this account may handle and pay it here (the rule, SPEC §3).
    pub fn may_handle(&self) -> Result<(), Refusal> {
        may_handle_violation(&self.facts())
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
    pub fn visible_to_binder(&self) -> bool {
        self.binding == BindingKind::Own || self.may_handle().is_ok()
    }
}

/// The violations page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationsOverview {
    pub items: Vec<ViolationItem>,
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
}

/// The violations of the account's bound vehicles.
#[server(prefix = "/api", endpoint = "my_violations")]
pub async fn my_violations() -> Result<ViolationsOverview, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let all = ports
        .fines
        .violations(account.account_id)
        .await
        .map_err(port("list violations"))?;
    let (items, hidden): (Vec<_>, Vec<_>) = all.into_iter().partition(|v| v.visible_to_binder());
    Ok(ViolationsOverview {
        items,
        hidden_for_owner: hidden.len(),
    })
}

/// One violation, if it is on one of the account's bound vehicles. On a
/// vehicle not in the person's name, one they may not handle is refused
/// with the rule (its details stay private).
#[server(prefix = "/api", endpoint = "violation_detail")]
pub async fn violation_detail(violation_id: i64) -> Result<ViolationItem, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let item = load(&ports, account.account_id, violation_id).await?;
    if !item.visible_to_binder() {
        // Not the person's to see: explain the rule, show nothing of it.
        item.may_handle()?;
    }
    Ok(item)
}

/// Handles (acknowledges) a violation: the person confirms the facts and
/// the penalty decision is issued (处理). Refused with the rule when the
/// account may not handle it.
#[server(prefix = "/api", endpoint = "handle_violation")]
pub async fn handle_violation(violation_id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    let account = require_account()?;
    let item = load(&ports, account.account_id, violation_id).await?;
    item.may_handle()?;
    if confirm.as_deref() != Some("yes") {
        return Err(AppError::field(
            "confirm",
            Text::new(
                "请阅读违法事实并勾选“本人对违法事实无异议”",
                "Read the facts and tick \"I do not dispute the facts\"",
            ),
        ));
    }
    if item.status != ViolationStatus::Unhandled {
        // Handled already (another tab): go on to payment.
        redirect_to(&format!("/account/violations/{violation_id}"));
        return Ok(());
    }
    ports
        .fines
        .decide(
            account.account_id,
            violation_id,
            ports.clock.today(),
            &actor(),
        )
        .await
        .map_err(port("decide violation"))?;
    redirect_to(&format!("/account/violations/{violation_id}?handled=1"));
    Ok(())
}

/// Starts paying a handled fine: opens (or reuses) the payment order and
/// answers the gateway's checkout address (the browser goes there).
#[server(prefix = "/api", endpoint = "pay_fine")]
pub async fn pay_fine(violation_id: i64) -> Result<String, AppError> {
    use super::server::*;
    use crate::i18n::Text;
    use crate::ports::PayRejection;
    let ports = ports()?;
    let account = require_account()?;
    let item = load(&ports, account.account_id, violation_id).await?;
    item.may_handle()?;
    if item.fine_yuan == 0 {
        return Err(nothing_to_pay());
    }
    let today = ports.clock.today();
    let fine_fen = i64::from(item.fine_yuan) * 100;
    let surcharge = item.surcharge_fen(today);
    let order = ports
        .fines
        .open_payment(
            account.account_id,
            violation_id,
            fine_fen,
            surcharge,
            ports.clock.now_ms(),
            &actor(),
        )
        .await
        .map_err(port("open payment"))?;
    match order {
        Ok(order) => {
            let url = ports.payments.checkout_url(&order);
            redirect_to(&url);
            Ok(url)
        }
        Err(PayRejection::NotHandledYet) => Err(AppError::Conflict(Text::new(
            "请先处理该违法，再缴纳罚款。",
            "Handle the violation first, then pay the fine.",
        ))),
        Err(PayRejection::NothingToPay) => Err(nothing_to_pay()),
        Err(PayRejection::AlreadyPaid { receipt_no }) => {
            if let Some(no) = receipt_no {
                redirect_to(&format!("/account/receipts/{no}"));
            }
            Err(AppError::Conflict(Text::new(
                "该罚款已经缴纳，不会重复扣款。",
                "This fine is already paid; you will not be charged again.",
            )))
        }
    }
}

/// A receipt of the account's own payment.
#[server(prefix = "/api", endpoint = "fine_receipt")]
pub async fn fine_receipt(receipt_no: String) -> Result<Receipt, AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    let account = require_account()?;
    ports
        .fines
        .receipt(account.account_id, receipt_no.trim())
        .await
        .map_err(port("load receipt"))?
        .ok_or_else(|| {
            AppError::NotFound(Text::new(
                "没有找到这张缴款凭证。",
                "That receipt was not found.",
            ))
        })
}

/// A warning (or any decision without a fine) has nothing to pay: no
/// payment order is opened for it.
#[cfg(feature = "ssr")]
fn nothing_to_pay() -> AppError {
    AppError::Conflict(crate::i18n::Text::new(
        "该违法的处罚是警告，没有罚款，无需缴款。处理后即处理完毕。",
        "This violation carries a warning and no fine: there is nothing to pay. Once handled it is done.",
    ))
}

#[cfg(feature = "ssr")]
async fn load(
    ports: &crate::ports::Ports,
    account_id: i64,
    violation_id: i64,
) -> Result<ViolationItem, AppError> {
    use super::server::port;
    ports
        .fines
        .violation(account_id, violation_id)
        .await
        .map_err(port("load violation"))?
        .ok_or_else(|| {
            AppError::NotFound(crate::i18n::Text::new(
                "没有找到这条违法记录，或它不属于您绑定的机动车。",
                "That violation was not found, or it is not on a vehicle you have bound.",
            ))
        })
}
