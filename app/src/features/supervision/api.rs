//! Supervision's server functions: finding and opening accounts, disabling
//! them, the person's blacklist and appeal, and the supervisor's appeal
//! queue and decision.

use super::{AccountFile, AccountHit, Appeal, MyBlacklistEntry};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service,
    crate::domain::StaffPower,
    crate::features::accounts::session::{
        require_any_staff_power, require_individual, require_staff_power,
    },
    crate::features::paging::{PageRequest, PAGE_ROWS},
    crate::features::request::{actor, ports, redirect_to},
};

/// The powers that may look people's accounts up: window work and
/// supervision.
#[cfg(feature = "ssr")]
const FINDERS: &[StaffPower] = &[StaffPower::ServeAtWindow, StaffPower::DisableAccounts];

/// Finds individual and unit accounts by ID number, credit code or phone;
/// the answer is masked.
#[server(prefix = "/api", endpoint = "staff/accounts/find", output = crate::wire::JsonAnswer)]
pub async fn find_accounts(query: String) -> Result<Vec<AccountHit>, AppError> {
    let ports = ports()?;
    require_any_staff_power(FINDERS)?;
    service::find(&ports, &query).await
}

/// Opens an account's file in full: recorded as a view the holder sees.
#[server(prefix = "/api", endpoint = "staff/accounts/open", output = crate::wire::JsonAnswer)]
pub async fn open_account_file(account_id: i64) -> Result<AccountFile, AppError> {
    let ports = ports()?;
    let me = require_any_staff_power(FINDERS)?;
    let why = if me.may(StaffPower::DisableAccounts) {
        "supervision:account"
    } else {
        "window:account"
    };
    service::open(&ports, account_id, why, &actor()).await
}

/// A supervisor disables (`disable` = "1") or re-enables an account, with
/// the reason the holder is told.
#[server(prefix = "/api", endpoint = "staff/accounts/set_disabled", output = crate::wire::JsonAnswer)]
pub async fn set_account_disabled(
    account_id: i64,
    disable: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::DisableAccounts)?;
    let disable = disable == "1";
    service::set_disabled(&ports, account_id, disable, &reason, &actor()).await?;
    redirect_to(&format!(
        "/staff/accounts/{account_id}?{}=1",
        if disable { "disabled" } else { "enabled" }
    ));
    Ok(())
}

/// My blacklist entries (黑名单) with my appeals.
#[server(prefix = "/api", endpoint = "my_blacklist", output = crate::wire::JsonAnswer)]
pub async fn my_blacklist() -> Result<Vec<MyBlacklistEntry>, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let today = ports.clock.today();
    service::my_blacklist(&ports, account.account_id, today).await
}

/// Appeals against one of my blacklist entries, with my reason.
#[server(prefix = "/api", endpoint = "appeal_blacklist", output = crate::wire::JsonAnswer)]
pub async fn appeal_blacklist(entry_id: i64, reason: String) -> Result<i64, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let today = ports.clock.today();
    let id = service::file_appeal(
        &ports,
        account.account_id,
        entry_id,
        &reason,
        today,
        &actor(),
    )
    .await?;
    redirect_to("/account/blacklist?appealed=1");
    Ok(id)
}

/// The supervisor's appeal queue: waiting (default, oldest first) or
/// decided (newest first), one page (`page` from 1, 20 a page).
#[server(prefix = "/api", endpoint = "staff/appeals", output = crate::wire::JsonAnswer)]
pub async fn appeal_queue(
    #[server(default)] decided: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<Appeal>, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::DecideAppeals)?;
    let page = PageRequest::parse(page.as_deref(), PAGE_ROWS)?;
    Ok(ports
        .supervision
        .appeal_queue(decided.is_some_and(|d| d == "1"), page)
        .await?)
}

/// A supervisor decides an appeal: `decision` "lift" or "uphold", with the
/// reason the appellant is told.
#[server(prefix = "/api", endpoint = "staff/decide_appeal", output = crate::wire::JsonAnswer)]
pub async fn decide_appeal(
    appeal_id: i64,
    #[server(default)] decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::DecideAppeals)?;
    service::decide_appeal(&ports, appeal_id, &decision, &reason, &actor()).await?;
    redirect_to("/staff/appeals?decided_one=1");
    Ok(())
}
