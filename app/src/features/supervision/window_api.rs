//! The window desk's server functions (窗口业务): upgrade, password reset
//! and phone change for the person at the counter. Each needs a window
//! clerk at a window; the clerk confirms the identity document was checked.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::window,
    crate::domain::StaffPower,
    crate::features::accounts::session::require_staff_power,
    crate::features::request::{actor, ports, redirect_to},
};

/// Back to the account's file with what was done.
#[cfg(feature = "ssr")]
fn back(account_id: i64, done: &str) {
    redirect_to(&format!("/staff/accounts/{account_id}?{done}=1"));
}

/// Upgrades an online registration to a window registration (转为窗口注册).
#[server(prefix = "/api", endpoint = "staff/window/upgrade", output = crate::wire::JsonAnswer)]
pub async fn upgrade_at_window(
    account_id: i64,
    #[server(default)] identity_checked: Option<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    let clerk = require_staff_power(StaffPower::ServeAtWindow)?;
    window::upgrade(
        &ports,
        &clerk,
        account_id,
        identity_checked.is_some(),
        &actor(),
    )
    .await?;
    back(account_id, "upgraded");
    Ok(())
}

/// Sends a password-reset code to the phone on the account.
#[server(prefix = "/api", endpoint = "staff/window/send_reset_code", output = crate::wire::JsonAnswer)]
pub async fn send_window_reset_code(
    account_id: i64,
    #[server(default)] identity_checked: Option<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    let clerk = require_staff_power(StaffPower::ServeAtWindow)?;
    window::send_reset_code(
        &ports,
        &clerk,
        account_id,
        identity_checked.is_some(),
        &actor(),
    )
    .await?;
    back(account_id, "reset_sent");
    Ok(())
}

/// The person types the code and a new password on the counter keypad.
#[server(prefix = "/api", endpoint = "staff/window/reset_password", output = crate::wire::JsonAnswer)]
pub async fn reset_password_at_window(
    account_id: i64,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let clerk = require_staff_power(StaffPower::ServeAtWindow)?;
    window::reset_password(
        &ports,
        &clerk,
        account_id,
        &code,
        &password,
        &password_confirm,
        &actor(),
    )
    .await?;
    back(account_id, "reset");
    Ok(())
}

/// Sends a code to the new phone number the person gives.
#[server(prefix = "/api", endpoint = "staff/window/send_phone_code", output = crate::wire::JsonAnswer)]
pub async fn send_window_phone_code(
    account_id: i64,
    new_phone: String,
    #[server(default)] identity_checked: Option<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    let clerk = require_staff_power(StaffPower::ServeAtWindow)?;
    window::send_phone_code(
        &ports,
        &clerk,
        account_id,
        &new_phone,
        identity_checked.is_some(),
        &actor(),
    )
    .await?;
    back(account_id, "phone_sent");
    Ok(())
}

/// Changes the phone once the code sent to the new number is typed.
#[server(prefix = "/api", endpoint = "staff/window/change_phone", output = crate::wire::JsonAnswer)]
pub async fn change_phone_at_window(
    account_id: i64,
    new_phone: String,
    code: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let clerk = require_staff_power(StaffPower::ServeAtWindow)?;
    window::change_phone(&ports, &clerk, account_id, &new_phone, &code, &actor()).await?;
    back(account_id, "phone");
    Ok(())
}
