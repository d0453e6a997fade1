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

use super::login::identifier_key;
use super::{code_field, wait_for_code};
use crate::domain::{CreditCode, Password, PhoneNumber, ResidentId};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::{CodeRejection, LoginIdentifier};
use crate::features::accounts::ResetCodeSent;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::policy::{
    reset_request_wait_secs, LOGIN_WINDOW_SECS, SMS_CODE_TTL_SECS, SMS_RESEND_GAP_SECS,
};
use crate::ports::Ports;

/// What the reset journey calls the SMS purpose.
const PURPOSE: &str = "password_reset";

/// Step 1: sends a code when the ID number and the phone match an account.
pub async fn request_reset(
    ports: &Ports,
    id: &ResidentId,
    phone: &PhoneNumber,
    actor: &Actor,
) -> Result<ResetCodeSent, AppError> {
    let key = format!("reset:id:{}", id.as_str());
    let ip = actor.ip.as_str();
    let now = ports.clock.now_ms();

    // The wait depends only on this requester's own requests, never on
    // whether the account exists.
    let (requests, from_ip) = ports
        .accounts
        .recent_login_failures(&key, ip, now - LOGIN_WINDOW_SECS * 1000)
        .await?;
    let last = ports.accounts.last_login_failure(&key, ip).await?;
    let wait = reset_request_wait_secs(now, last, requests, from_ip);
    if wait > 0 {
        return Err(wait_for_code(wait));
    }
    ports.accounts.record_login(&key, ip, false, now).await?;

    let target = ports.accounts.reset_target(id).await?;
    let outcome = match target {
        Some((_, on_account)) if on_account == phone.as_str() => {
            match ports
                .sms
                .send_code(phone, PURPOSE, id.as_str(), ip, now)
                .await?
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
            actor,
            "password_reset.requested",
            id.as_str(),
            &format!("{}; {outcome}", phone.masked()),
        )
        .await?;
    Ok(ResetCodeSent {
        phone_masked: phone.masked(),
        valid_for_secs: SMS_CODE_TTL_SECS,
        resend_after_secs: SMS_RESEND_GAP_SECS,
    })
}

/// Step 2: checks the code, sets the new password and ends every session.
pub async fn reset(
    ports: &Ports,
    (id, phone): (ResidentId, PhoneNumber),
    code: &str,
    password: &str,
    password_confirm: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let mut check = FieldCheck::new();
    let code = code_field(&mut check, code);
    let password = check.take(
        "password",
        Password::parse_for(password, &[id.as_str(), phone.as_str()]),
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
    let ip = actor.ip.as_str();
    let now = ports.clock.now_ms();
    // Counted before the code is checked, so parallel tries can not all
    // get past the limit.
    let attempt = ports
        .accounts
        .claim_login_attempt(&key, ip, now)
        .await?
        .map_err(|wait_ms| too_many_tries((wait_ms + 999) / 1000))?;

    let target = ports
        .accounts
        .reset_target(&id)
        .await?
        .filter(|(_, on_account)| on_account == phone.as_str());
    // No such account, or another phone: no code was ever sent, and the
    // answer is the one for a code that has expired.
    let verdict = match &target {
        Some(_) => {
            ports
                .sms
                .use_code(&phone, PURPOSE, id.as_str(), &code, now)
                .await?
        }
        None => Err(CodeRejection::NoLiveCode),
    };
    let account_id = match (verdict, target) {
        (Ok(()), Some((account_id, _))) => account_id,
        (rejection, _) => {
            let rejection = rejection.err().unwrap_or(CodeRejection::NoLiveCode);
            return Err(rejection.into_field_error("code"));
        }
    };
    set_new_password(ports, account_id, &password, actor).await?;
    // A done reset clears the reset counts and the login delay for this ID
    // number and phone from this address: the owner proved who they are.
    let login_keys = [
        identifier_key(&LoginIdentifier::IdNumber(id.clone())),
        identifier_key(&LoginIdentifier::Phone(phone.clone())),
    ];
    let reset_key = format!("reset:id:{}", id.as_str());
    ports.accounts.login_succeeded(attempt).await?;
    for key in [&reset_key, &login_keys[0], &login_keys[1]] {
        ports.accounts.record_login(key, ip, true, now).await?;
    }
    Ok(())
}

/// The ID number and the phone. A credit code or a staff username gets
/// the way to reset for that kind of account — decided by the shape of
/// what was typed, never by looking anything up.
pub fn parse_identity(id_number: &str, phone: &str) -> Result<(ResidentId, PhoneNumber), AppError> {
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

fn too_many_tries(wait_secs: i64) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait_secs.max(1) as u64,
        message: Text::new(
            format!("验证码错误次数较多，为保护您的账户，请{wait_secs}秒后再试"),
            format!("Several codes were wrong. To protect the account, try again in {wait_secs} seconds."),
        ),
    }
}

/// Sets a person's new password (online, or at a window): every session of
/// the account ends, here and — by notices — on the platforms it roamed to.
pub async fn set_new_password(
    ports: &Ports,
    account_id: i64,
    password: &crate::domain::Password,
    actor: &Actor,
) -> Result<(), AppError> {
    let hash = ports.passwords.hash(password.expose()).await?;
    crate::features::roaming::service::announcing(
        ports,
        account_id,
        crate::domain::roaming::NoticeEvent::LoggedOut,
        ports
            .accounts
            .reset_password(account_id, &hash, actor, ports.clock.now_ms()),
    )
    .await?;
    Ok(())
}
