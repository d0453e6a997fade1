//! Login and logout (登录/退出) for every account kind, SPEC §2–3.

use super::SessionAccount;
use crate::error::AppError;
use leptos::prelude::*;

/// The logged-in account, if any.
#[server(prefix = "/api", endpoint = "my_account")]
pub async fn my_account() -> Result<Option<SessionAccount>, AppError> {
    Ok(super::server::current_account())
}

/// Logs in with an ID number, phone number, unified social credit code or
/// staff username, and a password. Wrong credentials get one message that
/// does not say which part was wrong; repeated failures slow down (never lock).
/// Answers where to go: `next` (the page the person was sent here from)
/// when it is a path on this site, otherwise the account's home page.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    identifier: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<String, AppError> {
    use super::server::*;
    use crate::i18n::Text;
    use crate::policy::{login_delay_secs, LOGIN_WINDOW_SECS};
    use crate::ports::LoginIdentifier;

    let ports = ports()?;
    let identifier = parse_identifier(&identifier)?;
    let key = identifier_key(&identifier);
    let ip = client_ip();
    let now = ports.clock.now_ms();

    let (pair_failures, ip_failures) = ports
        .accounts
        .recent_login_failures(&key, &ip, now - LOGIN_WINDOW_SECS * 1000)
        .await
        .map_err(port("count login failures"))?;
    let delay = login_delay_secs(pair_failures, ip_failures);
    if delay > 0 {
        let last = ports
            .accounts
            .last_login_failure(&key, &ip)
            .await
            .map_err(port("last login failure"))?
            .unwrap_or(now);
        let wait = (last + delay * 1000 - now).div_euclid(1000);
        if wait > 0 {
            return Err(AppError::RateLimited {
                retry_after_secs: wait as u64,
                message: Text::new(
                    format!("登录失败次数较多，为保护您的账户，请{wait}秒后再试"),
                    format!("Several logins failed. To protect the account, try again in {wait} seconds."),
                ),
            });
        }
    }

    let credentials = ports
        .accounts
        .credentials(&identifier)
        .await
        .map_err(port("load credentials"))?;
    if credentials.len() > 1 {
        return Err(AppError::field(
            "identifier",
            Text::new(
                "该手机号码对应多个账户，请改用身份证号码登录",
                "Several accounts use this phone number. Please log in with your ID number.",
            ),
        ));
    }
    let credential = credentials.into_iter().next();
    let ok = ports
        .passwords
        .verify(
            &password,
            credential.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await;
    ports
        .accounts
        .record_login(&key, &ip, ok, now)
        .await
        .map_err(port("record login"))?;
    let credential = match credential {
        Some(c) if ok => c,
        _ => {
            return Err(AppError::field(
                "password",
                Text::new(
                    "账号或密码不正确，请核对后重新输入",
                    "The account or the password is wrong. Please check and try again.",
                ),
            ))
        }
    };
    if credential.disabled {
        return Err(AppError::not_allowed(
            Text::new("该账户已停用。", "This account has been disabled."),
            Text::new(
                "请携带身份证明到注册窗口咨询。",
                "Please ask at a registration window, bringing your identity document.",
            ),
        ));
    }
    // A fresh session id on every login (no session fixation).
    if let Some(old) = current_session() {
        let _ = ports.accounts.end_session(&old.token_hash, &actor()).await;
    }
    start_session(&ports, credential.account_id).await?;
    let home = match identifier {
        LoginIdentifier::StaffUsername(_) => "/staff",
        _ => "/account",
    };
    let target = next
        .as_deref()
        .and_then(crate::policy::safe_return_path)
        .unwrap_or(home)
        .to_string();
    redirect_to(&target);
    Ok(target)
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::server::*;
    let ports = ports()?;
    if let Some(session) = current_session() {
        ports
            .accounts
            .end_session(&session.token_hash, &actor())
            .await
            .map_err(port("end session"))?;
    }
    set_session_cookie(&ports, "", 0);
    redirect_to("/");
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_identifier(raw: &str) -> Result<crate::ports::LoginIdentifier, AppError> {
    use crate::domain::{CreditCode, PhoneNumber, ResidentId};
    use crate::i18n::Text;
    use crate::ports::LoginIdentifier;
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(AppError::field(
            "identifier",
            Text::new(
                "请输入身份证号码、手机号码或统一社会信用代码",
                "Enter your ID number, phone number or unified social credit code",
            ),
        ));
    }
    if let Ok(id) = ResidentId::parse(raw) {
        return Ok(LoginIdentifier::IdNumber(id));
    }
    if let Ok(code) = CreditCode::parse(raw) {
        return Ok(LoginIdentifier::CreditCode(code));
    }
    if let Ok(phone) = PhoneNumber::parse(raw) {
        return Ok(LoginIdentifier::Phone(phone));
    }
    let username_like = raw.len() <= 32
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && raw.chars().any(|c| c.is_ascii_alphabetic());
    if username_like {
        return Ok(LoginIdentifier::StaffUsername(raw.to_ascii_lowercase()));
    }
    Err(AppError::field(
        "identifier",
        Text::new(
            "账号格式不正确：请输入18位身份证号码、11位手机号码或18位统一社会信用代码",
            "That is not an account name: enter an 18-character ID number, an 11-digit phone number or an 18-character unified social credit code",
        ),
    ))
}

/// The canonical text an identifier is throttled under.
#[cfg(feature = "ssr")]
pub(crate) fn identifier_key(identifier: &crate::ports::LoginIdentifier) -> String {
    use crate::ports::LoginIdentifier::*;
    match identifier {
        IdNumber(id) => format!("id:{}", id.as_str()),
        CreditCode(code) => format!("unit:{}", code.as_str()),
        Phone(phone) => format!("phone:{}", phone.as_str()),
        StaffUsername(name) => format!("staff:{name}"),
    }
}

/// Starts a session for the account and sets the cookie.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(
    ports: &crate::ports::Ports,
    account_id: i64,
) -> Result<(), AppError> {
    use super::server::{client_ip, port, user_agent};
    use crate::policy::SESSION_ABSOLUTE_SECS;
    let now = ports.clock.now_ms();
    let actor = crate::ports::Actor {
        account_id: Some(account_id),
        ip: client_ip(),
    };
    let token = ports
        .accounts
        .create_session(account_id, &actor, &user_agent(), now)
        .await
        .map_err(port("create session"))?;
    set_session_cookie(ports, &token, SESSION_ABSOLUTE_SECS);
    Ok(())
}

/// Writes the session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.
#[cfg(feature = "ssr")]
fn set_session_cookie(ports: &crate::ports::Ports, token: &str, max_age_secs: i64) {
    use crate::policy::SESSION_COOKIE;
    let secure = if ports.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}
