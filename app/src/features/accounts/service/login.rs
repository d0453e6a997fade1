//! Login (登录): which account an identifier names, and the password check
//! with its slow-down after failures (never a lock-out).

use super::throttle_wait_ms;
use crate::error::AppError;
use crate::features::accounts::port::LoginIdentifier;
use crate::i18n::Text;
use crate::ports::Ports;

/// Checks the password for the identifier; answers the account to start a
/// session for. Wrong credentials get one message that does not say which
/// part was wrong; repeated failures from the same address slow down.
pub async fn authenticate(
    ports: &Ports,
    identifier: &LoginIdentifier,
    password: &str,
    ip: &str,
) -> Result<i64, AppError> {
    let key = identifier_key(identifier);
    let now = ports.clock.now_ms();
    if let Some(wait_ms) = throttle_wait_ms(ports, &key, ip, now).await? {
        let wait = wait_ms.div_euclid(1000);
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

    let credentials = ports.accounts.credentials(identifier).await?;
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
            password,
            credential.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await;
    ports.accounts.record_login(&key, ip, ok, now).await?;
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
    Ok(credential.account_id)
}

/// Where an account goes after login when it was not sent from a page.
pub fn home_of(identifier: &LoginIdentifier) -> &'static str {
    match identifier {
        LoginIdentifier::StaffUsername(_) => "/staff",
        _ => "/account",
    }
}

/// What was typed as the account: an ID number, a credit code, a phone
/// number or a staff username.
pub fn parse_identifier(raw: &str) -> Result<LoginIdentifier, AppError> {
    use crate::domain::{CreditCode, PhoneNumber, ResidentId};
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
pub fn identifier_key(identifier: &LoginIdentifier) -> String {
    use LoginIdentifier::*;
    match identifier {
        IdNumber(id) => format!("id:{}", id.as_str()),
        CreditCode(code) => format!("unit:{}", code.as_str()),
        Phone(phone) => format!("phone:{}", phone.as_str()),
        StaffUsername(name) => format!("staff:{name}"),
    }
}
