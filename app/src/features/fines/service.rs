//! Handling a violation and paying its fine: the rule on who may handle
//! what (`domain::violation`), the decision, and the payment order.

use super::port::PayRejection;
use super::{ViolationItem, ViolationsOverview};
use crate::domain::ViolationStatus;
use crate::error::AppError;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// One page of the violations of the account's bound vehicles; on
/// vehicles not in the person's name, only those the person may handle.
/// The rule is applied to a few numbers a row, then one page is read in
/// full.
pub async fn overview(
    ports: &Ports,
    account_id: i64,
    page: PageRequest,
) -> Result<ViolationsOverview, AppError> {
    let home = ports.profile.home_province();
    let (seen, hidden): (Vec<_>, Vec<_>) = ports
        .fines
        .violation_heads(account_id)
        .await?
        .into_iter()
        .partition(|v| v.visible_to_binder(home));
    let total = seen.len() as i64;
    let page = page.within(total);
    let ids: Vec<i64> = seen
        .iter()
        .skip(page.offset() as usize)
        .take(page.limit() as usize)
        .map(|v| v.id)
        .collect();
    let items = if ids.is_empty() {
        Vec::new()
    } else {
        ports.fines.violations_by_id(account_id, &ids).await?
    };
    Ok(ViolationsOverview {
        items: ListPage::new(items, total, page),
        hidden_for_owner: hidden.len(),
    })
}

/// One violation, if it is on one of the account's bound vehicles. On a
/// vehicle not in the person's name, one they may not handle is refused
/// with the rule (its details stay private).
pub async fn detail(
    ports: &Ports,
    account_id: i64,
    violation_id: i64,
) -> Result<ViolationItem, AppError> {
    let item = load(ports, account_id, violation_id).await?;
    if !item.visible_to_binder(ports.profile.home_province()) {
        // Not the person's to see: explain the rule, show nothing of it.
        item.may_handle(ports.profile.home_province())?;
    }
    Ok(item)
}

/// Handles the violation (the penalty decision is issued). Answers false
/// when it was handled already (another tab).
pub async fn handle(
    ports: &Ports,
    account_id: i64,
    by_unit: bool,
    violation_id: i64,
    confirm: Option<&str>,
    actor: &Actor,
) -> Result<bool, AppError> {
    let item = load(ports, account_id, violation_id).await?;
    item.may_handle_by(ports.profile.home_province(), by_unit)?;
    if confirm != Some("yes") {
        return Err(AppError::field(
            "confirm",
            Text::new(
                "请阅读违法事实并勾选“本人对违法事实无异议”",
                "Read the facts and tick \"I do not dispute the facts\"",
            ),
        ));
    }
    if item.status != ViolationStatus::Unhandled {
        return Ok(false);
    }
    ports
        .fines
        .decide(account_id, violation_id, ports.clock.today(), actor)
        .await?;
    Ok(true)
}

/// What paying a fine leads to: the gateway's checkout, or the receipt of
/// a fine paid already.
pub enum Payment {
    Checkout(String),
    AlreadyPaid { receipt_no: Option<String> },
}

/// Opens (or reuses) the payment order of a handled fine.
pub async fn pay(
    ports: &Ports,
    account_id: i64,
    violation_id: i64,
    actor: &Actor,
) -> Result<Payment, AppError> {
    let item = load(ports, account_id, violation_id).await?;
    item.may_handle(ports.profile.home_province())?;
    if item.fine_yuan == 0 {
        return Err(nothing_to_pay());
    }
    let today = ports.clock.today();
    let fine_fen = i64::from(item.fine_yuan) * 100;
    let surcharge = item.surcharge_fen(today);
    let order = ports
        .fine_payments
        .open_payment(
            account_id,
            violation_id,
            fine_fen,
            surcharge,
            ports.clock.now_ms(),
            actor,
        )
        .await?;
    match order {
        Ok(order) => Ok(Payment::Checkout(ports.payments.checkout_url(&order))),
        Err(PayRejection::NotHandledYet) => Err(AppError::Conflict(Text::new(
            "请先处理该违法，再缴纳罚款。",
            "Handle the violation first, then pay the fine.",
        ))),
        Err(PayRejection::NothingToPay) => Err(nothing_to_pay()),
        Err(PayRejection::AlreadyPaid { receipt_no }) => Ok(Payment::AlreadyPaid { receipt_no }),
    }
}

/// Opens one payment order for several handled fines (合并缴款): each must
/// be the account's to pay here, handled and not paid; at most
/// [`super::MAX_FINES_PER_ORDER`].
pub async fn pay_several(
    ports: &Ports,
    account_id: i64,
    violation_ids: Vec<i64>,
    actor: &Actor,
) -> Result<String, AppError> {
    let mut ids = violation_ids;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::field(
            "violation_ids",
            Text::new("请先勾选要缴纳的罚款", "Tick the fines to pay first"),
        ));
    }
    if ids.len() > super::MAX_FINES_PER_ORDER {
        return Err(AppError::field(
            "violation_ids",
            Text::new(
                format!("一次最多合并缴纳{}笔罚款", super::MAX_FINES_PER_ORDER),
                format!(
                    "At most {} fines can be paid in one order",
                    super::MAX_FINES_PER_ORDER
                ),
            ),
        ));
    }
    let today = ports.clock.today();
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        let item = load(ports, account_id, id).await?;
        item.may_handle(ports.profile.home_province())?;
        if item.status != ViolationStatus::HandledUnpaid || item.fine_yuan == 0 {
            return Err(not_payable(&item));
        }
        due.push(super::port::FineDue {
            violation_id: id,
            fine_fen: i64::from(item.fine_yuan) * 100,
            surcharge_fen: item.surcharge_fen(today),
        });
    }
    match ports
        .fine_payments
        .open_batch(account_id, &due, ports.clock.now_ms(), actor)
        .await?
    {
        Ok(order) => Ok(ports.payments.checkout_url(&order)),
        Err(rejection) => {
            let item = load(ports, account_id, rejection.violation_id).await?;
            Err(not_payable(&item))
        }
    }
}

/// A fine ticked that is not waiting for payment (paid meanwhile, a
/// warning, not handled yet), named by its plate and time.
fn not_payable(item: &ViolationItem) -> AppError {
    let when = crate::domain::date::cst_date_time(item.occurred_at_ms);
    AppError::Conflict(Text::new(
        format!(
            "{}于{when}的违法不是待缴款状态（已缴清、警告或尚未处理），请取消勾选后再合并缴款。",
            item.plate
        ),
        format!(
            "The violation of {} at {when} is not waiting for payment (paid, a warning, or not handled yet). Untick it and pay again.",
            item.plate
        ),
    ))
}

/// The answer for a fine paid already (after the redirect to its receipt).
pub fn already_paid() -> AppError {
    AppError::Conflict(Text::new(
        "该罚款已经缴纳，不会重复扣款。",
        "This fine is already paid; you will not be charged again.",
    ))
}

/// A warning (or any decision without a fine) has nothing to pay: no
/// payment order is opened for it.
fn nothing_to_pay() -> AppError {
    AppError::Conflict(Text::new(
        "该违法的处罚是警告，没有罚款，无需缴款。处理后即处理完毕。",
        "This violation carries a warning and no fine: there is nothing to pay. Once handled it is done.",
    ))
}

async fn load(
    ports: &Ports,
    account_id: i64,
    violation_id: i64,
) -> Result<ViolationItem, AppError> {
    ports
        .fines
        .violation(account_id, violation_id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(Text::new(
                "没有找到这条违法记录，或它不属于您绑定的机动车。",
                "That violation was not found, or it is not on a vehicle you have bound.",
            ))
        })
}
