//! Forgotten password (忘记密码): an individual user resets the password
//! online with a one-time code sent to the phone on the account.
//!
//! Step 1 takes the ID number and the phone and sends a code only when they
//! match an account — but answers the same either way, so the page never
//! tells a stranger which ID numbers have accounts or which phone they use.
//! Step 2 takes the code and the new password (twice), sets it, ends every
//! session of the account and tells the owner by SMS. Both steps are slowed
//! down like login. Units reset at the unit window; staff ask an
//! administrator.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Answer to step 1, identical whether or not an account matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetCodeSent {
    /// The phone as typed, masked (never the phone on record).
    pub phone_masked: String,
    pub valid_for_secs: i64,
    pub resend_after_secs: i64,
}

/// Where the person goes after a reset: the login page, which says so.
pub const AFTER_RESET: &str = "/login?reset=1";

/// Step 1: sends a code when the ID number and the phone match an account.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(
    id_number: String,
    phone: String,
) -> Result<ResetCodeSent, AppError> {
    use super::server::*;
    use crate::policy::{
        reset_request_wait_secs, LOGIN_WINDOW_SECS, SMS_CODE_TTL_SECS, SMS_RESEND_GAP_SECS,
    };

    let ports = ports()?;
    let (id, phone) = rules::parse(&id_number, &phone)?;
    let key = format!("reset:id:{}", id.as_str());
    let ip = client_ip();
    let now = ports.clock.now_ms();

    // The wait depends only on this requester's own requests, never on
    // whether the account exists.
    let (requests, from_ip) = ports
        .accounts
        .recent_login_failures(&key, &ip, now - LOGIN_WINDOW_SECS * 1000)
        .await
        .map_err(port("count reset requests"))?;
    let last = ports
        .accounts
        .last_login_failure(&key, &ip)
        .await
        .map_err(port("last reset request"))?;
    let wait = reset_request_wait_secs(now, last, requests, from_ip);
    if wait > 0 {
        return Err(rules::wait_for_code(wait));
    }
    ports
        .accounts
        .record_login(&key, &ip, false, now)
        .await
        .map_err(port("record reset request"))?;

    let target = ports
        .accounts
        .reset_target(&id)
        .await
        .map_err(port("find account to reset"))?;
    let outcome = match target {
        Some((_, on_account)) if on_account == phone.as_str() => {
            match ports
                .sms
                .send_code(&phone, PURPOSE, id.as_str(), &ip, now)
                .await
                .map_err(port("send reset code"))?
            {
                Ok(()) => "code sent",
                // Another code went to this phone a moment ago (or the
                // hourly quota is spent): say nothing different.
                Err(_) => "code withheld by the SMS quota",
            }
        }
        Some(_) => "phone differs from the account",
        None => "no individual account",
    };
    ports
        .accounts
        .audit(
            &actor(),
            "password_reset.requested",
            id.as_str(),
            &format!("{}; {outcome}", phone.masked()),
        )
        .await
        .map_err(port("audit reset request"))?;
    // A form posted without JavaScript goes on to step 2.
    redirect_to("/password-reset?sent=1");
    Ok(ResetCodeSent {
        phone_masked: phone.masked(),
        valid_for_secs: SMS_CODE_TTL_SECS,
        resend_after_secs: SMS_RESEND_GAP_SECS,
    })
}

/// Step 2: checks the code, sets the new password and ends every session.
/// Answers where to go next (the login page).
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    id_number: String,
    phone: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<String, AppError> {
    use super::server::*;
    use crate::domain::Password;
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    use crate::policy::{login_delay_secs, LOGIN_WINDOW_SECS};
    use crate::ports::CodeRejection;

    let ports = ports()?;
    let (id, phone) = rules::parse(&id_number, &phone)?;
    let mut check = FieldCheck::new();
    let code = rules::code_field(&mut check, &code);
    let password = check.take(
        "password",
        Password::parse_for(&password, &[id.as_str(), phone.as_str()]),
    );
    if password.is_some() && password_confirm != password.as_ref().expect("some").expose() {
        check.push(
            "password_confirm",
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        );
    }
    check.finish()?;
    let (code, password) = (code.expect("checked"), password.expect("checked"));

    let key = format!("reset-code:id:{}", id.as_str());
    let ip = client_ip();
    let now = ports.clock.now_ms();
    let (failures, from_ip) = ports
        .accounts
        .recent_login_failures(&key, &ip, now - LOGIN_WINDOW_SECS * 1000)
        .await
        .map_err(port("count reset failures"))?;
    let delay = login_delay_secs(failures, from_ip);
    if delay > 0 {
        let last = ports
            .accounts
            .last_login_failure(&key, &ip)
            .await
            .map_err(port("last reset failure"))?
            .unwrap_or(now);
        let wait_ms = last + delay * 1000 - now;
        if wait_ms > 0 {
            return Err(rules::too_many_tries((wait_ms + 999) / 1000));
        }
    }

    let target = ports
        .accounts
        .reset_target(&id)
        .await
        .map_err(port("find account to reset"))?
        .filter(|(_, on_account)| on_account == phone.as_str());
    // No such account, or another phone: no code was ever sent, and the
    // answer is the one for a code that has expired.
    let verdict = match &target {
        Some(_) => ports
            .sms
            .use_code(&phone, PURPOSE, id.as_str(), &code, now)
            .await
            .map_err(port("check reset code"))?,
        None => Err(CodeRejection::NoLiveCode),
    };
    let account_id = match (verdict, target) {
        (Ok(()), Some((account_id, _))) => account_id,
        (rejection, _) => {
            ports
                .accounts
                .record_login(&key, &ip, false, now)
                .await
                .map_err(port("record reset failure"))?;
            let rejection = rejection.err().unwrap_or(CodeRejection::NoLiveCode);
            return Err(rejection.into_field_error("code"));
        }
    };
    let password_hash = ports
        .passwords
        .hash(password.expose())
        .await
        .map_err(port("hash password"))?;
    ports
        .accounts
        .reset_password(account_id, &password_hash, &actor(), now)
        .await
        .map_err(port("reset password"))?;
    // A done reset clears the reset counts and the login delay for this ID
    // number and phone from this address: the owner proved who they are.
    use crate::ports::LoginIdentifier;
    let login_keys = [
        super::auth::identifier_key(&LoginIdentifier::IdNumber(id.clone())),
        super::auth::identifier_key(&LoginIdentifier::Phone(phone.clone())),
    ];
    let reset_key = format!("reset:id:{}", id.as_str());
    for key in [key.as_str(), &reset_key, &login_keys[0], &login_keys[1]] {
        ports
            .accounts
            .record_login(key, &ip, true, now)
            .await
            .map_err(port("record reset"))?;
    }
    redirect_to(AFTER_RESET);
    Ok(AFTER_RESET.to_string())
}

/// What the reset journey calls the SMS purpose.
#[cfg(feature = "ssr")]
const PURPOSE: &str = "password_reset";

#[cfg(feature = "ssr")]
mod rules {
    //! Parsing and the messages both steps share.

    use crate::domain::{CreditCode, PhoneNumber, ResidentId};
    use crate::error::{AppError, FieldCheck};
    use crate::i18n::Text;

    /// The ID number and the phone. A credit code or a staff username gets
    /// the way to reset for that kind of account — decided by the shape of
    /// what was typed, never by looking anything up.
    pub fn parse(id_number: &str, phone: &str) -> Result<(ResidentId, PhoneNumber), AppError> {
        // Some ID numbers also have the shape of a credit code: an ID first.
        if ResidentId::parse(id_number).is_err() && CreditCode::parse(id_number).is_ok() {
            let mut refusal = AppError::not_allowed(
                Text::new(
                    "单位用户不能在网上重置密码。",
                    "A unit account's password cannot be reset online.",
                ),
                Text::new(
                    "请代理人携带委托书和本人身份证明到单位用户注册窗口重置密码。",
                    "The unit's agent resets it at the unit registration window, bringing the power of attorney and their identity document.",
                ),
            );
            if let AppError::NotAllowed(r) = &mut refusal {
                r.see_windows = true;
            }
            return Err(refusal);
        }
        if staff_username_like(id_number) {
            return Err(AppError::not_allowed(
                Text::new(
                    "民警工作账号不能在网上重置密码。",
                    "A staff account's password cannot be reset online.",
                ),
                Text::new(
                    "请联系系统管理员重置密码。",
                    "Please ask a system administrator to reset it.",
                ),
            ));
        }
        let mut check = FieldCheck::new();
        let id = check.take("id_number", ResidentId::parse(id_number));
        let phone = check.take("phone", PhoneNumber::parse(phone));
        check.finish()?;
        Ok((id.expect("checked"), phone.expect("checked")))
    }

    /// A staff username (letters and digits, like `clerk01`) rather than a
    /// mistyped ID number (which has 17 or 18 digits).
    fn staff_username_like(raw: &str) -> bool {
        let raw = raw.trim();
        raw.len() <= 32
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && raw.chars().any(|c| c.is_ascii_alphabetic())
            && raw.chars().filter(|c| c.is_ascii_digit()).count() < 15
    }

    /// The 6 digits of the code, or a problem on the code field.
    pub fn code_field(check: &mut FieldCheck, code: &str) -> Option<String> {
        let digits: String = code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == crate::policy::SMS_CODE_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            Some(digits)
        } else {
            check.push(
                "code",
                Text::new(
                    "请输入短信中的6位数字验证码",
                    "Enter the 6-digit code from the text message",
                ),
            );
            None
        }
    }

    pub fn wait_for_code(wait_secs: i64) -> AppError {
        AppError::RateLimited {
            retry_after_secs: wait_secs.max(1) as u64,
            message: Text::new(
                format!("获取验证码过于频繁，请{wait_secs}秒后再试"),
                format!("Codes were requested too often. Try again in {wait_secs} seconds."),
            ),
        }
    }

    pub fn too_many_tries(wait_secs: i64) -> AppError {
        AppError::RateLimited {
            retry_after_secs: wait_secs.max(1) as u64,
            message: Text::new(
                format!("验证码错误次数较多，为保护您的账户，请{wait_secs}秒后再试"),
                format!("Several codes were wrong. To protect the account, try again in {wait_secs} seconds."),
            ),
        }
    }
}
