//! The server functions of a unit's operators. Managing them and reading
//! the audit start with `require_unit_agent` (the unit's own account; an
//! operator is refused); activating and logging in are for visitors.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{UnitAuditEntry, UnitOperator};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{Added, OperatorDesk, OperatorForm},
    crate::features::accounts::service::login as login_service,
    crate::features::accounts::session::{
        current_session, require_unit_agent, start_operator_session,
    },
    crate::features::request::{actor, client_ip, keep_typed, ports, redirect_to},
    crate::ui::encode_query_value,
};

/// Every operator of the unit.
#[server(prefix = "/api", endpoint = "unit/operators", output = crate::wire::JsonAnswer)]
pub async fn unit_operators() -> Result<Vec<UnitOperator>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    OperatorDesk::of(&ports).list(account.account_id).await
}

/// Adds an operator (登记经办人): the operator's phone gets the activation
/// code. The login name defaults to the name.
#[server(prefix = "/api", endpoint = "unit/add_operator", output = crate::wire::JsonAnswer)]
pub async fn add_operator(
    #[server(default)] login_name: String,
    full_name: String,
    id_number: String,
    phone: String,
    #[server(default)] services: Vec<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, credit_code) = require_unit_agent()?;
    let form = OperatorForm {
        login_name,
        full_name,
        id_number,
        phone,
        services,
    };
    let added = OperatorDesk::of(&ports)
        .add(
            account.account_id,
            (&account.display_name, &credit_code),
            form.clone(),
            &actor(),
        )
        .await;
    match added {
        Ok(Added::CodeSent(masked)) => redirect_to(&format!(
            "/unit/operators?done=added&phone={}",
            encode_query_value(&masked)
        )),
        Ok(Added::SendLater) => redirect_to("/unit/operators?done=added_later"),
        Err(e) => {
            keep_typed(
                &ports,
                &[
                    ("login_name", &form.login_name),
                    ("full_name", &form.full_name),
                    ("id_number", &form.id_number),
                    ("phone", &form.phone),
                    ("services", &form.services.join(",")),
                ],
            );
            return Err(e);
        }
    }
    Ok(())
}

/// Sends a pending operator a new activation code.
#[server(prefix = "/api", endpoint = "unit/resend_operator_code", output = crate::wire::JsonAnswer)]
pub async fn resend_operator_code(operator_id: i64) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, credit_code) = require_unit_agent()?;
    let masked = OperatorDesk::of(&ports)
        .resend_code(
            account.account_id,
            (&account.display_name, &credit_code),
            operator_id,
            &actor(),
        )
        .await?;
    redirect_to(&format!(
        "/unit/operators?done=resent&phone={}",
        encode_query_value(&masked)
    ));
    Ok(masked)
}

/// Sends an active operator (a forgotten password) or a disabled one
/// (enabled again) back to activation with a new code (重新激活).
#[server(prefix = "/api", endpoint = "unit/reactivate_operator", output = crate::wire::JsonAnswer)]
pub async fn reactivate_operator(operator_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, credit_code) = require_unit_agent()?;
    let sent = OperatorDesk::of(&ports)
        .reactivate(
            account.account_id,
            (&account.display_name, &credit_code),
            operator_id,
            &actor(),
        )
        .await?;
    match sent {
        Some(masked) => redirect_to(&format!(
            "/unit/operators?done=reactivated&phone={}",
            encode_query_value(&masked)
        )),
        None => redirect_to("/unit/operators?done=code_later"),
    }
    Ok(())
}

/// Changes what an operator may use (经办业务).
#[server(prefix = "/api", endpoint = "unit/operator_services", output = crate::wire::JsonAnswer)]
pub async fn operator_services(
    operator_id: i64,
    #[server(default)] services: Vec<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    OperatorDesk::of(&ports)
        .set_services(account.account_id, operator_id, &services, &actor())
        .await?;
    redirect_to("/unit/operators?done=services");
    Ok(())
}

/// Disables an operator at once (停用): their sessions end now.
#[server(prefix = "/api", endpoint = "unit/disable_operator", output = crate::wire::JsonAnswer)]
pub async fn disable_operator(operator_id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    OperatorDesk::of(&ports)
        .disable(account.account_id, operator_id, &actor())
        .await?;
    redirect_to("/unit/operators?done=disabled");
    Ok(())
}

/// One page of the unit's audit (操作记录), one operator's when chosen.
#[server(prefix = "/api", endpoint = "unit/audit", output = crate::wire::JsonAnswer)]
pub async fn unit_audit(
    #[server(default)] operator: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<UnitAuditEntry>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    OperatorDesk::of(&ports)
        .audit(account.account_id, operator.as_deref(), page.as_deref())
        .await
}

/// The operator activates the login (经办人激活): the unit's code, the
/// login name, the code from the SMS and a password of their own.
#[server(prefix = "/api", endpoint = "operator_activate", output = crate::wire::JsonAnswer)]
pub async fn operator_activate(
    unit_code: String,
    login_name: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let activated = OperatorDesk::of(&ports)
        .activate(
            &unit_code,
            &login_name,
            &code,
            &password,
            &password_confirm,
            &actor(),
        )
        .await;
    if activated.is_err() {
        keep_typed(
            &ports,
            &[("unit_code", &unit_code), ("login_name", &login_name)],
        );
    }
    activated?;
    redirect_to("/login/operator?done=activated");
    Ok(())
}

/// An operator logs in (经办人登录) with the unit's code (credit code or
/// organisation code), the login name and the password. Wrong credentials
/// get one message that does not say which part was wrong; failures slow
/// down like every login.
#[server(prefix = "/api", endpoint = "operator_login", output = crate::wire::JsonAnswer)]
pub async fn operator_login(
    unit_code: String,
    login_name: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<String, AppError> {
    let ports = ports()?;
    let checked = match login_service::parse_operator(&unit_code, &login_name) {
        Ok(identifier) => login_service::authenticate(&ports, &identifier, &password, &client_ip())
            .await
            .map(|c| (identifier, c)),
        Err(e) => Err(e),
    };
    let (identifier, credential) = match checked {
        Ok(found) => found,
        Err(e) => {
            keep_typed(
                &ports,
                &[("unit_code", &unit_code), ("login_name", &login_name)],
            );
            return Err(e);
        }
    };
    let Some(operator_id) = credential.operator_id else {
        return Err(crate::error::internal(
            "operator login",
            "an operator identifier answered a unit account",
        ));
    };
    if let Some(old) = current_session() {
        let _ = ports.accounts.end_session(&old.token_hash, &actor()).await;
    }
    start_operator_session(&ports, credential.account_id, operator_id).await?;
    let target = next
        .as_deref()
        .and_then(crate::policy::safe_return_path)
        .unwrap_or(login_service::home_of(&identifier))
        .to_string();
    redirect_to(&target);
    Ok(target)
}
