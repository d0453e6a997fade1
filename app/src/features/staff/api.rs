//! The staff console's server functions: the second step of a staff login
//! and window registration.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{self, UnitForm},
    super::{admin, second_factor},
    crate::domain::StaffPower,
    crate::features::accounts::session::require_staff_power,
    crate::features::accounts::session::{current_session, request_cookie, require_account},
    crate::features::accounts::session::{set_cookie, start_session},
    crate::features::paging::{PageRequest, STAFF_PAGE_ROWS},
    crate::features::request::{actor, client_ip, ports, redirect_to},
};

/// Registers an individual on their identity document at the clerk's window.
/// The person chooses the password on the counter keypad.
#[server(prefix = "/api", endpoint = "staff/register_individual", output = crate::wire::JsonAnswer)]
pub async fn register_individual(
    /// A radio group: a plain form leaves it out when nothing is ticked.
    #[server(default)]
    kind: String,
    id_number: String,
    name: String,
    phone: String,
    password: String,
    password_confirm: String,
    /// The form's one-time token: the same form posted twice registers once.
    #[server(default)]
    form: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let identity = [kind, id_number, name, phone];
    let registered = service::register_individual(
        &ports,
        &require_account()?,
        &identity,
        &password,
        &password_confirm,
        &form,
        &actor(),
    )
    .await;
    let [kind, id_number, name, phone] = &identity;
    back_to_form(
        &ports,
        registered,
        "/staff/register/individual",
        &[
            ("kind", kind),
            ("id_number", id_number),
            ("name", name),
            ("phone", phone),
        ],
    )
}

/// A plain form's way back to its page: the new account's number in
/// [`REGISTERED_COOKIE`](super::REGISTERED_COOKIE) (one minute, HttpOnly,
/// SameSite=Strict: no link can show a registration that did not happen),
/// or what was typed (no password) beside the error.
#[cfg(feature = "ssr")]
fn back_to_form(
    ports: &crate::ports::Ports,
    registered: Result<i64, AppError>,
    page: &str,
    typed: &[(&str, &str)],
) -> Result<i64, AppError> {
    match &registered {
        Ok(id) => {
            if crate::features::request::is_plain_form_post() {
                set_cookie(
                    ports,
                    super::REGISTERED_COOKIE,
                    &id.to_string(),
                    60,
                    "Strict",
                );
            }
            redirect_to(page);
        }
        Err(_) => crate::features::request::keep_typed(ports, typed),
    }
    registered
}

/// Registers a unit at the unit window on its credit code, power of attorney
/// (委托书) and agent's identity; grants the special services ticked
/// (only those the unit's kind may have).
#[server(prefix = "/api", endpoint = "staff/register_unit", output = crate::wire::JsonAnswer)]
pub async fn register_unit(
    /// A radio group: a plain form leaves it out when nothing is ticked.
    #[server(default)]
    unit_kind: String,
    unit_name: String,
    credit_code: String,
    attorney_ref: String,
    agent_id_number: String,
    agent_name: String,
    agent_phone: String,
    password: String,
    password_confirm: String,
    /// The special services ticked: `granted[]` in a plain form.
    #[server(default)]
    granted: Vec<String>,
    /// The form's one-time token: the same form posted twice registers once.
    #[server(default)]
    form: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let typed_granted = granted.join(",");
    let typed = [
        ("unit_kind", unit_kind.clone()),
        ("unit_name", unit_name.clone()),
        ("credit_code", credit_code.clone()),
        ("attorney_ref", attorney_ref.clone()),
        ("agent_id_number", agent_id_number.clone()),
        ("agent_name", agent_name.clone()),
        ("agent_phone", agent_phone.clone()),
        ("granted", typed_granted),
    ];
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
        form,
    };
    let registered = service::register_unit(&ports, &require_account()?, form, &actor()).await;
    let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    back_to_form(&ports, registered, "/staff/register/unit", &typed)
}

/// The second step of a staff login, as its page shows it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SecondFactorView {
    pub username: String,
    /// At enrolment (first login): the new key in groups of four, the
    /// authenticator app's address and its QR code (SVG).
    pub enrol: Option<Enrolment>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Enrolment {
    pub key: String,
    pub uri: String,
    pub qr_svg: String,
}

/// What the waiting staff login shows: enrol a key, or type a code.
#[server(prefix = "/api", endpoint = "staff/second_factor_step", output = crate::wire::JsonAnswer)]
pub async fn second_factor_step() -> Result<SecondFactorView, AppError> {
    let ports = ports()?;
    let token = waiting_login()?;
    let step = second_factor::step(&ports, &token).await?;
    Ok(SecondFactorView {
        username: step.username,
        enrol: step.enrol.map(|(key, uri)| Enrolment {
            qr_svg: crate::features::request::qr_svg(&uri),
            key,
            uri,
        }),
    })
}

/// Checks the staff member's one-time code and starts the session.
#[server(prefix = "/api", endpoint = "staff/confirm_second_factor", output = crate::wire::JsonAnswer)]
pub async fn confirm_second_factor(
    code: String,
    #[server(default)] next: Option<String>,
) -> Result<String, AppError> {
    let ports = ports()?;
    let token = waiting_login()?;
    let account_id = second_factor::confirm(&ports, &token, &code, &client_ip()).await?;
    if let Some(old) = current_session() {
        let _ = ports.accounts.end_session(&old.token_hash, &actor()).await;
    }
    set_cookie(&ports, second_factor::CHALLENGE_COOKIE, "", 0, "Strict");
    start_session(&ports, account_id).await?;
    crate::features::accounts::service::devices::after_login(&ports, account_id).await?;
    let target = next
        .as_deref()
        .and_then(crate::policy::safe_return_path)
        .unwrap_or("/staff")
        .to_string();
    redirect_to(&target);
    Ok(target)
}

/// The token of the login waiting on its second factor.
#[cfg(feature = "ssr")]
fn waiting_login() -> Result<String, AppError> {
    request_cookie(second_factor::CHALLENGE_COOKIE)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::not_allowed(
                crate::i18n::Text::new(
                    "没有等待验证的登录，或登录已超时。",
                    "There is no login waiting for its code, or it timed out.",
                ),
                crate::i18n::Text::new(
                    "请重新输入账号和密码登录。",
                    "Please log in again with your username and password.",
                ),
            )
        })
}

/// The administrator's list of staff accounts, one page (`page` from 1,
/// 50 a page), with the windows a clerk can be placed at (one answer: a
/// page loads one resource).
#[server(prefix = "/api", endpoint = "staff/admin/members", output = crate::wire::JsonAnswer)]
pub async fn staff_roster(
    #[server(default)] page: Option<String>,
) -> Result<super::StaffRoster, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageStaff)?;
    let page = PageRequest::parse(page.as_deref(), STAFF_PAGE_ROWS)?;
    Ok(super::StaffRoster {
        members: ports.staff.staff_members(page).await?,
        windows: ports.registry.windows().await?,
    })
}

/// One staff account, for the administrator.
#[server(prefix = "/api", endpoint = "staff/admin/member", output = crate::wire::JsonAnswer)]
pub async fn staff_member(account_id: i64) -> Result<super::StaffMember, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageStaff)?;
    ports
        .staff
        .staff_member(account_id)
        .await?
        .ok_or_else(admin::no_such_staff)
}

/// The administrator creates a staff account (the officer sets up the
/// second factor at first login).
#[server(prefix = "/api", endpoint = "staff/admin/create_staff", output = crate::wire::JsonAnswer)]
pub async fn create_staff_member(
    username: String,
    display_name: String,
    role: String,
    police_no: String,
    unit: String,
    #[server(default)] window_id: Option<String>,
    password: String,
    password_confirm: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageStaff)?;
    let form = admin::StaffForm {
        username,
        display_name,
        role,
        police_no,
        unit,
        window_id,
        password,
        password_confirm,
    };
    let id = admin::create(&ports, form, &actor()).await?;
    redirect_to("/staff/admin/staff?created=1");
    Ok(id)
}

/// The administrator disables (`disable` = "1", with a reason) or
/// re-enables a staff account.
#[server(prefix = "/api", endpoint = "staff/admin/set_disabled", output = crate::wire::JsonAnswer)]
pub async fn set_staff_disabled(
    account_id: i64,
    disable: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let me = require_staff_power(StaffPower::ManageStaff)?;
    let disable = disable == "1";
    admin::set_disabled(&ports, &me, account_id, disable, &reason, &actor()).await?;
    redirect_to(if disable {
        "/staff/admin/staff?disabled=1"
    } else {
        "/staff/admin/staff?enabled=1"
    });
    Ok(())
}

/// The administrator sets a new password for a staff account.
#[server(prefix = "/api", endpoint = "staff/admin/reset_password", output = crate::wire::JsonAnswer)]
pub async fn reset_staff_password(
    account_id: i64,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let me = require_staff_power(StaffPower::ManageStaff)?;
    admin::reset_password(
        &ports,
        &me,
        account_id,
        &password,
        &password_confirm,
        &actor(),
    )
    .await?;
    redirect_to("/staff/admin/staff?reset=1");
    Ok(())
}

/// The administrator adds a registration window.
#[server(prefix = "/api", endpoint = "staff/windows/add", output = crate::wire::JsonAnswer)]
pub async fn add_window(
    code: String,
    name: String,
    address: String,
    #[server(default)] serves: String,
    phone: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageWindows)?;
    let id =
        super::windows::add(&ports, [&code, &name, &address, &serves, &phone], &actor()).await?;
    redirect_to("/staff/windows?added=1");
    Ok(id)
}

/// The administrator changes a window's name, address and telephone.
#[server(prefix = "/api", endpoint = "staff/windows/update", output = crate::wire::JsonAnswer)]
pub async fn update_window(
    window_id: i64,
    name: String,
    address: String,
    phone: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ManageWindows)?;
    super::windows::update(&ports, window_id, [&name, &address, &phone], &actor()).await?;
    redirect_to("/staff/windows?updated=1");
    Ok(())
}
