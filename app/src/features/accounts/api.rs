//! The accounts feature's server functions: login and logout, online
//! registration, the forgotten password and contact changes. Each parses
//! the form, calls `service` and answers; the work is in `service`.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{CodeSent, RegistrationWindow, ResetCodeSent, SessionAccount};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::port::LoginIdentifier,
    super::service::{contact, devices, login as login_service, password_reset, registration},
    super::session::start_session,
    super::session::{current_account, current_session, require_citizen},
    super::session::{set_cookie, set_session_cookie},
    super::AFTER_RESET,
    crate::features::request::{actor, client_ip, keep_typed, ports, redirect_to},
};

/// The logged-in account, if any.
#[server(prefix = "/api", endpoint = "my_account", output = crate::wire::JsonAnswer)]
pub async fn my_account() -> Result<Option<SessionAccount>, AppError> {
    Ok(current_account())
}

/// Logs in with an ID number, phone number, unified social credit code or
/// staff username, and a password. Wrong credentials get one message that
/// does not say which part was wrong; repeated failures slow down (never lock).
/// Answers where to go: `next` (the page the person was sent here from)
/// when it is a path on this site, otherwise the account's home page.
#[server(prefix = "/api", endpoint = "login", output = crate::wire::JsonAnswer)]
pub async fn login(
    identifier: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<String, AppError> {
    let ports = ports()?;
    let identifier = login_service::parse_identifier(&identifier)?;
    let account_id = login_service::authenticate(&ports, &identifier, &password, &client_ip())
        .await?
        .account_id;
    let next = next.as_deref().and_then(crate::policy::safe_return_path);
    // Staff (the only accounts with a username) go on to their second
    // factor; the session starts only after it.
    if matches!(identifier, LoginIdentifier::StaffUsername(_)) {
        use crate::features::staff::second_factor::{self, CHALLENGE_COOKIE, CHALLENGE_SECS};
        let token = second_factor::begin(&ports, account_id).await?;
        set_cookie(&ports, CHALLENGE_COOKIE, &token, CHALLENGE_SECS, "Strict");
        let target = match next {
            Some(n) => format!(
                "/login/second-factor?next={}",
                form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
            ),
            None => "/login/second-factor".to_string(),
        };
        redirect_to(&target);
        return Ok(target);
    }
    // A fresh session id on every login (no session fixation).
    if let Some(old) = current_session() {
        let _ = ports.accounts.end_session(&old.token_hash, &actor()).await;
    }
    start_session(&ports, account_id).await?;
    devices::after_login(&ports, account_id).await?;
    let target = next
        .unwrap_or(login_service::home_of(&identifier))
        .to_string();
    redirect_to(&target);
    Ok(target)
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "logout", output = crate::wire::JsonAnswer)]
pub async fn logout() -> Result<(), AppError> {
    let ports = ports()?;
    if let Some(session) = current_session() {
        // Its roaming sessions on other platforms end too (SPEC §6).
        crate::features::roaming::service::announcing(
            &ports,
            session.account.account_id,
            crate::domain::roaming::NoticeEvent::LoggedOut,
            ports.accounts.end_session(&session.token_hash, &actor()),
        )
        .await?;
    }
    set_session_cookie(&ports, "", 0);
    redirect_to("/");
    Ok(())
}

/// The registration windows (注册窗口), individual windows first.
#[server(prefix = "/api", endpoint = "registration_windows", output = crate::wire::JsonAnswer)]
pub async fn registration_windows() -> Result<Vec<RegistrationWindow>, AppError> {
    Ok(ports()?.registry.windows().await?)
}

/// Online registration, step 1: checks kind, ID number, name and phone
/// against the registry, then sends the code to the phone on record.
#[server(prefix = "/api", endpoint = "send_registration_code", output = crate::wire::JsonAnswer)]
pub async fn send_registration_code(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
) -> Result<CodeSent, AppError> {
    let ports = ports()?;
    let sent =
        match registration::identity(&ports, &kind, &id_number, &name, &phone, &actor()).await {
            Ok(who) => registration::send_code(&ports, &who, &actor()).await,
            Err(e) => Err(e),
        };
    // Posted before the page's script ran: the redirect back keeps no
    // typing, so what was typed waits in a short-lived cookie (never in
    // the address) for the page to fill the form with.
    if sent.is_err() && crate::features::request::is_plain_form_post() {
        let typed = registration::TypedIdentity {
            kind,
            id_number,
            name,
            phone,
        };
        set_cookie(
            &ports,
            registration::TYPED_COOKIE,
            &typed.to_cookie(),
            300,
            "Strict",
        );
    }
    sent
}

/// Online registration, step 2: checks the code and the password, creates
/// the account and logs in.
#[server(prefix = "/api", endpoint = "complete_registration", output = crate::wire::JsonAnswer)]
pub async fn complete_registration(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let who = registration::identity(&ports, &kind, &id_number, &name, &phone, &actor()).await?;
    let account_id =
        registration::register_online(&ports, who, &code, &password, &password_confirm, &actor())
            .await?;
    start_session(&ports, account_id).await?;
    devices::after_registration(&ports, account_id).await?;
    redirect_to("/account");
    Ok(())
}

/// Forgotten password, step 1: sends a code when the ID number and the
/// phone match an account (and answers the same when they do not).
#[server(prefix = "/api", endpoint = "request_password_reset", output = crate::wire::JsonAnswer)]
pub async fn request_password_reset(
    id_number: String,
    phone: String,
) -> Result<ResetCodeSent, AppError> {
    let ports = ports()?;
    let (id, phone) = password_reset::parse_identity(&id_number, &phone)?;
    let sent = password_reset::request_reset(&ports, &id, &phone, &actor()).await?;
    // A form posted without JavaScript goes on to step 2.
    redirect_to("/password-reset?sent=1");
    Ok(sent)
}

/// Forgotten password, step 2: checks the code, sets the new password and
/// ends every session. Answers where to go next (the login page).
#[server(prefix = "/api", endpoint = "reset_password", output = crate::wire::JsonAnswer)]
pub async fn reset_password(
    id_number: String,
    phone: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<String, AppError> {
    let ports = ports()?;
    let who = password_reset::parse_identity(&id_number, &phone)?;
    password_reset::reset(&ports, who, &code, &password, &password_confirm, &actor()).await?;
    redirect_to(AFTER_RESET);
    Ok(AFTER_RESET.to_string())
}

/// Contact change, step 1: the new mobile number; a code goes to it.
/// Answers the masked number.
#[server(prefix = "/api", endpoint = "request_contact_change", output = crate::wire::JsonAnswer)]
pub async fn request_contact_change(target: String, phone: String) -> Result<String, AppError> {
    let ports = ports()?;
    let account = require_citizen()?;
    super::session::not_roaming(&account)?;
    // The number goes back to the form either way (never in the address).
    keep_typed(&ports, &[("phone", &phone)]);
    let masked = contact::request_change(&ports, &account, &target, &phone, &actor()).await?;
    redirect_to(&format!(
        "/account/contact?target={}&sent={}",
        crate::ui::encode_query_value(&target),
        crate::ui::encode_query_value(&masked)
    ));
    Ok(masked)
}

/// Contact change, step 2: the code from the new number and the login
/// password again. Changes the record; the old number is told.
#[server(prefix = "/api", endpoint = "confirm_contact_change", output = crate::wire::JsonAnswer)]
pub async fn confirm_contact_change(
    target: String,
    phone: String,
    code: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_citizen()?;
    super::session::not_roaming(&account)?;
    contact::confirm_change(
        &ports,
        &account,
        &target,
        &phone,
        &code,
        &password,
        &actor(),
    )
    .await
    .inspect_err(|_| keep_typed(&ports, &[("phone", &phone)]))?;
    redirect_to("/account?contact=1");
    Ok(())
}

/// Who viewed my record (谁查看过我的信息): the staff reads of the
/// account's record, newest first (the latest 200).
#[server(prefix = "/api", endpoint = "my_record_views", output = crate::wire::JsonAnswer)]
pub async fn my_record_views() -> Result<Vec<super::RecordView>, AppError> {
    let ports = ports()?;
    let account = require_citizen()?;
    if account.is_staff() {
        return Err(AppError::not_allowed(
            crate::i18n::Text::new(
                "此功能面向个人和单位用户。",
                "This is for individual and unit users.",
            ),
            crate::i18n::Text::new(
                "民警的查阅记录在审计日志中。",
                "Staff reads are in the audit log.",
            ),
        ));
    }
    Ok(ports.record_views.views_of(account.account_id, 200).await?)
}
