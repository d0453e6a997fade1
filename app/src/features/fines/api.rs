//! The fines feature's server functions.

use super::{Receipt, RefundItem, ViolationItem, ViolationsOverview};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{self, Payment},
    crate::domain::unit_operator::OperatorService,
    crate::domain::StaffPower,
    crate::features::accounts::session::require_citizen_for,
    crate::features::accounts::session::require_staff_power,
    crate::features::paging::{PageRequest, PAGE_ROWS, STAFF_PAGE_ROWS},
    crate::features::request::{actor, ports, redirect_to},
};

/// One page (`page` from 1, 20 a page) of the violations of the account's
/// bound vehicles, newest first.
#[server(prefix = "/api", endpoint = "my_violations", output = crate::wire::JsonAnswer)]
pub async fn my_violations(
    #[server(default)] page: Option<String>,
) -> Result<ViolationsOverview, AppError> {
    let ports = ports()?;
    let account = require_citizen_for(OperatorService::Violations)?;
    let page = PageRequest::parse(page.as_deref(), PAGE_ROWS)?;
    service::overview(&ports, account.account_id, page).await
}

/// One violation, if it is on one of the account's bound vehicles. On a
/// vehicle not in the person's name, one they may not handle is refused
/// with the rule (its details stay private).
#[server(prefix = "/api", endpoint = "violation_detail", output = crate::wire::JsonAnswer)]
pub async fn violation_detail(violation_id: i64) -> Result<ViolationItem, AppError> {
    service::detail(
        &ports()?,
        require_citizen_for(OperatorService::Violations)?.account_id,
        violation_id,
    )
    .await
}

/// Handles (acknowledges) a violation: the person confirms the facts and
/// the penalty decision is issued (处理). Refused with the rule when the
/// account may not handle it.
#[server(prefix = "/api", endpoint = "handle_violation", output = crate::wire::JsonAnswer)]
pub async fn handle_violation(violation_id: i64, confirm: Option<String>) -> Result<(), AppError> {
    let account = require_citizen_for(OperatorService::Violations)?;
    let by_unit = matches!(
        account.role,
        crate::features::accounts::AccountRole::Unit { .. }
    );
    let decided = service::handle(
        &ports()?,
        account.account_id,
        by_unit,
        violation_id,
        confirm.as_deref(),
        &actor(),
    )
    .await?;
    // Handled already (another tab): go on to payment.
    let done = if decided { "?handled=1" } else { "" };
    redirect_to(&format!("/account/violations/{violation_id}{done}"));
    Ok(())
}

/// Starts paying a handled fine: opens (or reuses) the payment order and
/// answers the gateway's checkout address (the browser goes there).
#[server(prefix = "/api", endpoint = "pay_fine", output = crate::wire::JsonAnswer)]
pub async fn pay_fine(violation_id: i64) -> Result<String, AppError> {
    let account = require_citizen_for(OperatorService::Violations)?;
    match service::pay(&ports()?, account.account_id, violation_id, &actor()).await? {
        Payment::Checkout(url) => {
            redirect_to(&url);
            Ok(url)
        }
        Payment::AlreadyPaid { receipt_no } => {
            if let Some(no) = receipt_no {
                redirect_to(&format!("/account/receipts/{no}"));
            }
            Err(service::already_paid())
        }
    }
}

/// Pays several handled fines in one payment order (合并缴款): the fines
/// ticked (`violation_ids[]`); answers the gateway's checkout address (the
/// browser goes there).
#[server(prefix = "/api", endpoint = "pay_fines", output = crate::wire::JsonAnswer)]
pub async fn pay_fines(#[server(default)] violation_ids: Vec<i64>) -> Result<String, AppError> {
    let account = require_citizen_for(OperatorService::Violations)?;
    let url = service::pay_several(&ports()?, account.account_id, violation_ids, &actor()).await?;
    redirect_to(&url);
    Ok(url)
}

/// A receipt of the account's own payment.
#[server(prefix = "/api", endpoint = "fine_receipt", output = crate::wire::JsonAnswer)]
pub async fn fine_receipt(receipt_no: String) -> Result<Receipt, AppError> {
    let account = require_citizen_for(OperatorService::Violations)?;
    let not_found = || {
        AppError::NotFound(crate::i18n::Text::new(
            "没有找到这张缴款凭证。",
            "That receipt was not found.",
        ))
    };
    let receipt_no = crate::domain::text::reference_number(&receipt_no).ok_or_else(not_found)?;
    let ports = ports()?;
    let mut receipt = ports
        .fine_payments
        .receipt(account.account_id, &receipt_no)
        .await?
        .ok_or_else(not_found)?;
    // Its QR code carries a credential signed by the platform; should that
    // fail, the receipt is shown without it (and the failure logged).
    let payee = ports.profile.seat().payee_zh.clone();
    let signed = crate::features::credentials::service::CredentialDesk::of(&ports)
        .receipt_url(
            account.account_id,
            &receipt,
            &payee,
            &crate::features::request::verify_base(&ports),
        )
        .await;
    match signed {
        Ok(url) => {
            receipt.qr_svg = Some(crate::features::request::qr_svg(&url));
            receipt.verify_url = Some(url);
        }
        Err(e) => {
            tracing::error!(error = ?e, receipt = %receipt.receipt_no, "a receipt's credential could not be signed")
        }
    }
    Ok(receipt)
}

/// Business-centre clerks: money owed back (default) or refunds recorded,
/// one page (`page` from 1, 50 a page).
#[server(prefix = "/api", endpoint = "staff/refunds", output = crate::wire::JsonAnswer)]
pub async fn staff_refunds(
    #[server(default)] done: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<RefundItem>, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::RecordRefunds)?;
    let page = PageRequest::parse(page.as_deref(), STAFF_PAGE_ROWS)?;
    Ok(ports
        .refunds
        .refunds(done.is_some_and(|d| d == "1"), page)
        .await?)
}

/// Business-centre clerks record a refund with its reference.
#[server(prefix = "/api", endpoint = "staff/record_refund", output = crate::wire::JsonAnswer)]
pub async fn staff_record_refund(payment_id: i64, reference: String) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::RecordRefunds)?;
    super::refunds::record(&ports, payment_id, &reference, &actor()).await?;
    redirect_to("/staff/refunds?recorded=1");
    Ok(())
}
