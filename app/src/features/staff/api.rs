//! The staff console's server functions for window registration.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{self, UnitForm},
    crate::features::accounts::session::require_account,
    crate::features::request::{actor, ports},
};

/// Registers an individual on their identity document at the clerk's window.
/// The person chooses the password on the counter keypad.
#[server(prefix = "/api", endpoint = "staff/register_individual")]
pub async fn register_individual(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
    password: String,
    password_confirm: String,
) -> Result<i64, AppError> {
    let identity = [kind, id_number, name, phone];
    service::register_individual(
        &ports()?,
        &require_account()?,
        &identity,
        &password,
        &password_confirm,
        &actor(),
    )
    .await
}

/// Registers a unit at the unit window on its credit code, power of attorney
/// (委托书) and agent's identity; grants the special services ticked
/// (only those the unit's kind may have).
#[server(prefix = "/api", endpoint = "staff/register_unit")]
pub async fn register_unit(
    unit_kind: String,
    unit_name: String,
    credit_code: String,
    attorney_ref: String,
    agent_id_number: String,
    agent_name: String,
    agent_phone: String,
    password: String,
    password_confirm: String,
    granted: Option<String>,
) -> Result<i64, AppError> {
    let form = UnitForm {
        unit_kind,
        unit_name,
        credit_code,
        attorney_ref,
        agent_id_number,
        agent_name,
        agent_phone,
        password,
        password_confirm,
        granted,
    };
    service::register_unit(&ports()?, &require_account()?, form, &actor()).await
}
