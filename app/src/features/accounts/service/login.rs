//! Login (登录): which account an identifier names, and the password check
//! with its slow-down after failures (never a lock-out).

use crate::error::AppError;
use crate::features::accounts::port::{Credential, LoginIdentifier};
use crate::i18n::Text;
use crate::ports::Ports;

/// Checks the password for the identifier; answers the credential (the
/// account, and the operator for an operator's login) to start a session
/// for. Wrong credentials get one message that does not say which
/// part was wrong; repeated failures from the same address slow down.
pub async fn authenticate(
    ports: &Ports,
    identifier: &LoginIdentifier,
    password: &str,
    ip: &str,
) -> Result<Credential, AppError> {
    let key = identifier_key(identifier);
    let now = ports.clock.now_ms();
    // The try is counted before the password is checked, so parallel
    // tries can not all get past the limits.
    let attempt = match ports.accounts.claim_login_attempt(&key, ip, now).await? {
        Ok(attempt) => attempt,
        Err(wait_ms) => {
            audit_failure(ports, &key, "throttled", ip).await;
            return Err(too_many_failures(wait_ms));
        }
    };

    // A phone number may be on several accounts: the password decides
    // which, so the answer never tells whether a phone has several
    // accounts to someone who does not know a password. An identifier
    // with no account costs a hash all the same.
    let credentials = ports.accounts.credentials(identifier).await?;
    if credentials.is_empty() {
        ports.passwords.verify(password, None).await;
    }
    let mut matching = Vec::new();
    for credential in credentials {
        if ports
            .passwords
            .verify(password, Some(credential.password_hash.as_str()))
            .await
        {
            matching.push(credential);
        }
    }
    if matching.is_empty() {
        audit_failure(ports, &key, "password", ip).await;
        return Err(AppError::field(
            "password",
            Text::new(
                "账号或密码不正确，请核对后重新输入",
                "The account or the password is wrong. Please check and try again.",
            ),
        ));
    }
    ports.accounts.login_succeeded(attempt).await?;
    if matching.len() > 1 {
        return Err(AppError::field(
            "identifier",
            Text::new(
                "该手机号码对应多个账户，请改用身份证号码登录",
                "Several accounts use this phone number. Please log in with your ID number.",
            ),
        ));
    }
    let credential = matching.remove(0);
    if credential.disabled && credential.operator_id.is_some() {
        audit_failure(ports, &key, "disabled", ip).await;
        return Err(AppError::not_allowed(
            Text::new(
                "该经办人账户已停用，或本单位的账户已停用。",
                "This operator login, or the unit's account, has been disabled.",
            ),
            Text::new(
                "如需继续办理，请联系本单位的单位账户（单位管理员）重新登记。",
                "Ask your unit's own account (the unit's administrator) to register you again.",
            ),
        ));
    }
    if credential.disabled {
        audit_failure(ports, &key, "disabled", ip).await;
        return Err(AppError::not_allowed(
            Text::new("该账户已停用。", "This account has been disabled."),
            Text::new(
                "请携带身份证明到注册窗口咨询。",
                "Please ask at a registration window, bringing your identity document.",
            ),
        ));
    }
    Ok(credential)
}

/// Records a failed login in the audit log (安全事件); a failure to record
/// is logged and does not change the answer.
async fn audit_failure(ports: &Ports, key: &str, reason: &str, ip: &str) {
    let event = crate::domain::audit::SecurityEvent::LoginFailed {
        identifier: key.to_string(),
        reason: reason.to_string(),
    };
    let actor = crate::features::port::Actor {
        account_id: None,
        ip: ip.to_string(),
        operator_id: None,
        api_key: None,
    };
    if let Err(e) = ports.audit.security_event(&actor, &event).await {
        tracing::error!(error = %e, "recording a failed login failed");
    }
}

/// Several tries failed: wait this long (ms, rounded up to seconds).
pub fn too_many_failures(wait_ms: i64) -> AppError {
    let wait = (wait_ms + 999).div_euclid(1000).max(1);
    AppError::RateLimited {
        retry_after_secs: wait as u64,
        message: Text::new(
            format!("登录失败次数较多，为保护您的账户，请{wait}秒后再试"),
            format!("Several logins failed. To protect the account, try again in {wait} seconds."),
        ),
    }
}

/// Asks for the login password again before a change that matters
/// (重新验证登录密码), counted against the login limits under
/// `reauth:<account>` so a session can not be used to guess it.
pub async fn confirm_password(
    ports: &Ports,
    account_id: i64,
    password: &str,
    ip: &str,
) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::field(
            "password",
            Text::new(
                "请输入登录密码，以确认是您本人操作",
                "Enter your login password to confirm it is you",
            ),
        ));
    }
    let key = format!("reauth:{account_id}");
    let now = ports.clock.now_ms();
    let attempt = ports
        .accounts
        .claim_login_attempt(&key, ip, now)
        .await?
        .map_err(too_many_failures)?;
    let hash = ports.accounts.password_hash_of(account_id).await?;
    if !ports.passwords.verify(password, hash.as_deref()).await {
        audit_failure(ports, &key, "password", ip).await;
        return Err(AppError::field(
            "password",
            Text::new(
                "登录密码不正确，请重新输入",
                "The login password is wrong. Please type it again.",
            ),
        ));
    }
    ports.accounts.login_succeeded(attempt).await?;
    Ok(())
}

/// Where an account goes after login when it was not sent from a page.
pub fn home_of(identifier: &LoginIdentifier) -> &'static str {
    match identifier {
        LoginIdentifier::StaffUsername(_) => "/staff",
        LoginIdentifier::CreditCode(_) | LoginIdentifier::Operator { .. } => "/unit",
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

/// An operator's login as typed: the unit's code and the login name.
pub fn parse_operator(unit_code: &str, login_name: &str) -> Result<LoginIdentifier, AppError> {
    use crate::domain::unit_operator::{OperatorLogin, UnitCode};
    use crate::error::FieldCheck;
    let mut check = FieldCheck::new();
    let unit = UnitCode::parse(unit_code);
    if unit.is_none() {
        check.push(
            "unit_code",
            crate::features::units::operators::service::unit_code_problem(),
        );
    }
    let login = check.take("login_name", OperatorLogin::parse(login_name));
    check.finish()?;
    Ok(LoginIdentifier::Operator {
        unit: unit.expect("checked"),
        login: login.expect("checked"),
    })
}

/// The canonical text an identifier is throttled under.
pub fn identifier_key(identifier: &LoginIdentifier) -> String {
    use LoginIdentifier::*;
    match identifier {
        IdNumber(id) => format!("id:{}", id.as_str()),
        CreditCode(code) => format!("unit:{}", code.as_str()),
        Phone(phone) => format!("phone:{}", phone.as_str()),
        StaffUsername(name) => format!("staff:{name}"),
        Operator { unit, login } => {
            format!("operator:{}/{}", unit.organisation_part(), login.as_str())
        }
    }
}
