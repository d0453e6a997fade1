//! The session (会话): the account the server's session layer found for the
//! request's cookie, and the cookie itself.

use super::{AccountOnRecord, SessionAccount};
use crate::domain::audit::SecurityEvent;
use crate::domain::unit_operator::OperatorService;
use crate::domain::{PhoneNumber, ResidentId, StaffPower};
use crate::error::AppError;
use crate::features::port::Actor;
use crate::features::request::{client_ip, parts, user_agent};
use crate::i18n::Text;
use crate::ports::Ports;
use leptos::prelude::*;

/// Request extension set by the server's session layer.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub token_hash: String,
    pub account: SessionAccount,
    /// Messages not yet read (0 for staff, and for requests that render no
    /// page: server functions, the site's files), counted as the request came in:
    /// the header shows the number without a resource of its own (two
    /// blocking resources on one page can hang the SSR stream under load:
    /// leptos-rs/leptos#4851).
    pub unread_messages: i64,
}

/// The account as a session shows it: the phone and the ID number masked.
/// A value the domain does not accept is shown as stars, never in full.
pub fn session_account_of(record: AccountOnRecord) -> SessionAccount {
    let owner = record.role.registry_owner(record.id_number.as_deref());
    SessionAccount {
        account_id: record.account_id,
        display_name: record.display_name,
        phone_masked: PhoneNumber::masked_or_stars(&record.phone),
        id_number_masked: record.id_number.as_deref().map(ResidentId::masked_or_stars),
        role: record.role,
        operator: None,
        roaming_from: record.roaming_from,
        owner,
    }
}

pub fn current_session() -> Option<CurrentSession> {
    parts().and_then(|p| p.extensions.get::<CurrentSession>().cloned())
}

pub fn current_account() -> Option<SessionAccount> {
    current_session().map(|s| s.account)
}

/// The account, or `NotLoggedIn`.
pub fn require_account() -> Result<SessionAccount, AppError> {
    current_account().ok_or(AppError::NotLoggedIn)
}

/// An individual or unit account (个人用户、单位用户), or `NotLoggedIn`; a
/// staff account is refused: staff serve citizens from the console and do
/// not use citizens' services under their own account; so is a unit's
/// operator (经办人), who may use only the services granted to them
/// ([`require_citizen_for`]). Every citizen server function starts here.
pub fn require_citizen() -> Result<SessionAccount, AppError> {
    let account = citizen_session()?;
    if account.operator.is_some() {
        return Err(unit_agent_only());
    }
    Ok(account)
}

/// Like [`require_citizen`], for a service a unit's operator may be
/// granted: an operator holding it is let in too.
pub fn require_citizen_for(service: OperatorService) -> Result<SessionAccount, AppError> {
    let account = citizen_session()?;
    operator_may(&account, &[service])?;
    Ok(account)
}

/// The refusal of what only the unit's own account may do (单位账户).
pub fn unit_agent_only() -> AppError {
    AppError::not_allowed(
        Text::new(
            "此功能只能由单位账户办理，经办人账户不能办理。",
            "Only the unit's own account can do this; an operator's login cannot.",
        ),
        Text::new(
            "请联系本单位的单位账户（单位管理员）办理。",
            "Ask your unit's own account (the unit's administrator) to do it.",
        ),
    )
}

/// An operator may do it only with every service it needs; anyone else
/// passes.
fn operator_may(account: &SessionAccount, needed: &[OperatorService]) -> Result<(), AppError> {
    if account.may_use_unit_service(needed) {
        return Ok(());
    }
    let names: Vec<&str> = needed.iter().map(|s| s.zh()).collect();
    let names_en: Vec<&str> = needed.iter().map(|s| s.en()).collect();
    Err(AppError::not_allowed(
        Text::new(
            format!("您的经办人账户未获准办理“{}”。", names.join("”“")),
            format!(
                "Your operator login is not allowed to use \"{}\".",
                names_en.join("\", \"")
            ),
        ),
        Text::new(
            "如需办理，请联系本单位的单位账户为您开通。",
            "Ask your unit's own account to grant it to you.",
        ),
    ))
}

/// A logged-in account that is not staff.
fn citizen_session() -> Result<SessionAccount, AppError> {
    let account = require_account()?;
    if account.is_staff() {
        return Err(AppError::not_allowed(
            Text::new(
                "此功能面向个人和单位用户，民警账户不能办理。",
                "This is for individual and unit users; staff accounts cannot use it.",
            ),
            Text::new(
                "办理本人业务请使用个人用户账户登录；为群众办理请使用工作台。",
                "For your own affairs, log in with your personal account; to serve the public, use the staff console.",
            ),
        ));
    }
    Ok(account)
}

/// An individual account (个人用户), or a refusal: units and staff do not
/// use the services of persons (licences, driving tests, documents).
pub fn require_individual() -> Result<SessionAccount, AppError> {
    let account = citizen_session()?;
    if matches!(account.role, super::AccountRole::Unit { .. }) {
        return Err(individuals_only());
    }
    Ok(account)
}

/// Refuses a change of contact details to a person roaming here (漫游
/// 用户): it is confirmed with the account's password, and a roaming
/// account has none (`services::roaming_contact_refused`).
pub fn not_roaming(account: &SessionAccount) -> Result<(), AppError> {
    match &account.roaming_from {
        None => Ok(()),
        Some(_) => Err(crate::domain::services::roaming_contact_refused().into()),
    }
}

/// The refusal of a person's service to a unit, pointing to the dashboard.
pub fn individuals_only() -> AppError {
    AppError::not_allowed(
        Text::new(
            "此业务只面向个人用户，单位用户不能办理。",
            "This service is for individual users; units cannot use it.",
        ),
        Text::new(
            "单位车辆和违法请在单位用户工作台办理；驾驶证业务由驾驶人本人办理。",
            "Manage the unit's vehicles and violations on the unit dashboard; licence services are for the driver in person.",
        ),
    )
}

/// A unit account (单位用户) or one of its operators, and the unit's
/// unified social credit code, or a refusal: the dashboard is the unit's
/// own.
pub fn require_unit() -> Result<(SessionAccount, String), AppError> {
    require_unit_for(&[])
}

/// Like [`require_unit`], for what needs these services: an operator must
/// hold every one.
pub fn require_unit_for(needed: &[OperatorService]) -> Result<(SessionAccount, String), AppError> {
    let unit = unit_session()?;
    operator_may(&unit.0, needed)?;
    Ok(unit)
}

/// A unit the traffic authority granted this special service (委托业务和
/// 专项服务授权), or an operator of it holding the matching service; a
/// unit of another kind, or one not granted it, is refused whatever a
/// page offered.
pub fn require_unit_granted(
    special: crate::domain::SpecialService,
) -> Result<(SessionAccount, String), AppError> {
    use crate::domain::SpecialService::*;
    let unit = unit_session()?;
    let granted = match &unit.0.role {
        super::AccountRole::Unit { kind, granted, .. } => {
            special.allowed_for(*kind) && granted.contains(&special)
        }
        _ => false,
    };
    if !granted {
        return Err(AppError::not_allowed(
            Text::new(
                format!("本单位未获交管部门授权办理“{}”业务。", special.zh()),
                format!(
                    "The traffic authority has not granted this unit \"{}\".",
                    special.en()
                ),
            ),
            Text::new(
                "委托业务和专项服务的授权，请持相关资质证明到单位用户注册窗口申请。",
                "Apply for the grant at the unit registration window with the unit's qualification documents.",
            ),
        ));
    }
    match special {
        PhysicalExam | SubmitPhysicalCertificate => {
            operator_may(&unit.0, &[OperatorService::Medical])?
        }
        TemporaryPlates => operator_may(&unit.0, &[OperatorService::TemporaryPlates])?,
        LearnerAppointmentQuery | LearnerPreEntry | LearnerWindowRegistration => {
            operator_may(&unit.0, &[OperatorService::Learners])?
        }
    }
    Ok(unit)
}

/// The unit's own account (单位账户), not an operator: managing the
/// operators and reading the unit's audit.
pub fn require_unit_agent() -> Result<(SessionAccount, String), AppError> {
    let unit = unit_session()?;
    if unit.0.operator.is_some() {
        return Err(unit_agent_only());
    }
    Ok(unit)
}

fn unit_session() -> Result<(SessionAccount, String), AppError> {
    let account = citizen_session()?;
    match &account.role {
        super::AccountRole::Unit { credit_code, .. } => {
            let code = credit_code.clone();
            Ok((account, code))
        }
        _ => Err(AppError::not_allowed(
            Text::new(
                "此功能只面向单位用户。",
                "This is for unit users only.",
            ),
            Text::new(
                "单位用户须持统一社会信用代码证明、委托书和经办人身份证明到单位用户注册窗口注册。",
                "Units register at the unit registration window with the credit-code certificate, a power of attorney and the agent's ID.",
            ),
        )),
    }
}

/// A staff account whose role may do it (岗位权限), or a refusal naming the
/// roles that may. Every staff server function starts here.
pub fn require_staff_power(power: StaffPower) -> Result<SessionAccount, AppError> {
    let account = require_account()?;
    match account.staff_role() {
        Some(role) if role.may(power) => Ok(account),
        _ => {
            record_denial(account.account_id, power.code().to_string());
            Err(staff_power_refused(power))
        }
    }
}

/// A staff account whose role holds any of the powers (the work is shared
/// by several roles), or a refusal naming the roles that may.
pub fn require_any_staff_power(powers: &[StaffPower]) -> Result<SessionAccount, AppError> {
    let account = require_account()?;
    if powers.iter().any(|p| account.may(*p)) {
        return Ok(account);
    }
    let wanted: Vec<&str> = powers.iter().map(|p| p.code()).collect();
    record_denial(account.account_id, wanted.join(" or "));
    let roles = crate::domain::staff::holders_of(powers);
    let (zh, en) = (
        crate::domain::staff::roles_zh(&roles),
        crate::domain::staff::roles_en(&roles),
    );
    Err(AppError::not_allowed(
        Text::new(
            format!("此功能仅限{zh}使用。"),
            format!("This is for the {en} only."),
        ),
        Text::new(
            "请使用相应岗位的民警账户登录工作台。",
            "Log in to the staff console with an account of that role.",
        ),
    ))
}

/// Records a staff power refused to a logged-in account in the audit log
/// (安全事件), without holding up the answer (the gate stays synchronous):
/// who, from where, which power, at which entry.
fn record_denial(account_id: i64, wanted: String) {
    let Some(ports) = use_context::<Ports>() else {
        return;
    };
    let event = SecurityEvent::PermissionDenied {
        account_id,
        wanted,
        entry: parts()
            .map(|p| p.uri.path().to_string())
            .unwrap_or_default(),
    };
    let actor = Actor {
        account_id: Some(account_id),
        ip: client_ip(),
        operator_id: None,
        api_key: None,
    };
    leptos::task::spawn(async move {
        if let Err(e) = ports.audit.security_event(&actor, &event).await {
            tracing::error!(error = %e, "recording a refused staff power failed");
        }
    });
}

/// "Only … may do this", naming the roles that hold the power.
pub fn staff_power_refused(power: StaffPower) -> AppError {
    AppError::not_allowed(
        Text::new(
            format!("“{}”仅限{}办理。", power.zh(), power.holders_zh()),
            format!("{} is for the {} only.", power.en(), power.holders_en()),
        ),
        Text::new(
            "请使用相应岗位的民警账户登录工作台。",
            "Log in to the staff console with an account of that role.",
        ),
    )
}

/// Starts a session for the account and sets the cookie.
pub async fn start_session(ports: &Ports, account_id: i64) -> Result<(), AppError> {
    open_session(ports, account_id, None).await
}

/// Starts a session for a unit's operator (经办人): the unit's account,
/// acted for by the operator.
pub async fn start_operator_session(
    ports: &Ports,
    account_id: i64,
    operator_id: i64,
) -> Result<(), AppError> {
    open_session(ports, account_id, Some(operator_id)).await
}

async fn open_session(
    ports: &Ports,
    account_id: i64,
    operator_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::policy::SESSION_ABSOLUTE_SECS;
    let now = ports.clock.now_ms();
    let actor = Actor {
        account_id: Some(account_id),
        ip: client_ip(),
        operator_id,
        api_key: None,
    };
    let token = ports
        .accounts
        .create_session(account_id, &actor, &user_agent(), now)
        .await?;
    set_session_cookie(ports, &token, SESSION_ABSOLUTE_SECS);
    Ok(())
}

/// Writes the session cookie, by this platform's name for it
/// (`PlatformProfile::session_cookie`): HttpOnly, SameSite=Lax, Secure
/// over HTTPS.
pub fn set_session_cookie(ports: &Ports, token: &str, max_age_secs: i64) {
    let name = ports.profile.session_cookie.as_str();
    set_cookie(ports, name, token, max_age_secs, "Lax");
}

/// A site cookie's name as it is sent: with the `__Host-` prefix where
/// cookies are `Secure` (production), so that the browser takes it only
/// from this very host over HTTPS, for `Path=/`, with no `Domain` (a
/// neighbouring subdomain can not plant or overwrite it); the plain name in
/// development, which runs on http://127.0.0.1.
pub fn site_cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// The `Set-Cookie` text of an HttpOnly cookie for the whole site: Secure
/// and named with `__Host-` when `secure` ([`site_cookie_name`]).
pub fn site_cookie(
    secure: bool,
    name: &str,
    value: &str,
    max_age_secs: i64,
    same_site: &str,
) -> String {
    let name = site_cookie_name(name, secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}"
    )
}

/// Writes an HttpOnly cookie for the whole site (Secure over HTTPS, and
/// then named with `__Host-`: [`site_cookie_name`]).
pub fn set_cookie(ports: &Ports, name: &str, value: &str, max_age_secs: i64, same_site: &str) {
    let cookie = site_cookie(ports.secure_cookies, name, value, max_age_secs, same_site);
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// A cookie the request carries (one [`set_cookie`] wrote: by its name as
/// sent, [`site_cookie_name`]).
/// A one-minute cookie a plain form's answer left for its page (what was
/// typed, the account just registered): read once, then cleared.
pub fn take_cookie(name: &str) -> Option<String> {
    let value = request_cookie(name)?;
    if let Some(ports) = use_context::<Ports>() {
        set_cookie(&ports, name, "", 0, "Strict");
    }
    Some(value)
}

pub fn request_cookie(name: &str) -> Option<String> {
    let secure = use_context::<Ports>().is_some_and(|p| p.secure_cookies);
    let name = site_cookie_name(name, secure);
    let parts = parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| cookie::Cookie::split_parse(h.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

#[cfg(test)]
mod tests;
