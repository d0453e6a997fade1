//! The second step of a staff login (动态口令): after the password, a staff
//! member types the six-digit code of their authenticator app. At the
//! first login (or after the administrator reset the password) they first
//! add a new key to the app, shown once, and confirm it with a code.
//! The waiting login is a challenge with a short life and few attempts.

use crate::domain::totp::{TotpKey, TotpRefusal};
use crate::domain::Rule;
use crate::error::{internal, AppError};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The cookie that carries a waiting staff login (HttpOnly, Strict).
pub const CHALLENGE_COOKIE: &str = "jgstaff2fa";
/// How long a waiting login lasts.
pub const CHALLENGE_SECS: i64 = 300;
/// Wrong codes before the login must start again.
pub const CHALLENGE_ATTEMPTS: i64 = 5;
/// Wrong codes for one account, across logins and addresses, that lock
/// its second factor (a password alone can not try codes without end).
pub const LOCK_AFTER_FAILURES: i64 = 10;
/// How long such a lock lasts.
pub const LOCK_SECS: i64 = 15 * 60;
/// The name an authenticator app shows for the key.
pub const ISSUER: &str = "交通安全综合服务管理平台";

/// After the password: opens the challenge; answers its token.
pub async fn begin(ports: &Ports, account_id: i64) -> Result<String, AppError> {
    let expires = ports.clock.now_ms() + CHALLENGE_SECS * 1000;
    Ok(ports.staff.open_challenge(account_id, expires).await?)
}

/// What the second step shows.
pub struct SecondFactorStep {
    pub username: String,
    /// At enrolment: the key in groups of four and the app's address.
    pub enrol: Option<(String, String)>,
}

/// The waiting login of a token, or a refusal that sends back to login.
async fn live(ports: &Ports, token: &str) -> Result<(String, i64), AppError> {
    match ports.staff.challenge(token, ports.clock.now_ms()).await? {
        Some(c) if c.attempts < CHALLENGE_ATTEMPTS => Ok((token.to_string(), c.account_id)),
        _ => Err(AppError::not_allowed(
            Text::new(
                "登录已超时或动态口令错误次数过多。",
                "The login timed out, or too many wrong codes were typed.",
            ),
            Text::new(
                "请重新输入账号和密码登录。",
                "Please log in again with your username and password.",
            ),
        )),
    }
}

/// Too many wrong codes: wait, whatever login or address tries next.
fn locked(until_ms: i64, now_ms: i64) -> AppError {
    let minutes = ((until_ms - now_ms) / 60_000).max(1);
    AppError::RateLimited {
        retry_after_secs: ((until_ms - now_ms) / 1000).max(1) as u64,
        message: Text::new(
            format!("动态口令错误次数过多，为保护账户，请{minutes}分钟后再试。如非本人操作，请联系系统管理员。"),
            format!("Too many wrong codes. To protect the account, try again in {minutes} minutes. If this was not you, tell an administrator."),
        ),
    }
}

/// The step for a token: enrol (a key made now if there is none) or enter.
pub async fn step(ports: &Ports, token: &str) -> Result<SecondFactorStep, AppError> {
    let (_, account_id) = live(ports, token).await?;
    let member = ports
        .staff
        .staff_member(account_id)
        .await?
        .ok_or_else(|| internal("challenge for a non-staff account", account_id))?;
    // A key is made (a write) only at the first visit of an enrolment.
    let factor = match ports.staff.second_factor(account_id).await? {
        Some(factor) => factor,
        None => {
            ports
                .staff
                .offer_second_factor(account_id, &TotpKey::generate().to_base32())
                .await?
        }
    };
    let enrol = if factor.enrolled {
        None
    } else {
        let key = TotpKey::from_base32(&factor.key)
            .ok_or_else(|| internal("stored key is not Base32", account_id))?;
        Some((key.grouped(), key.otpauth_uri(ISSUER, &member.username)))
    };
    Ok(SecondFactorStep {
        username: member.username,
        enrol,
    })
}

/// Checks the code for the token's login; answers the account to start a
/// session for. The challenge ends on success and after too many misses.
pub async fn confirm(ports: &Ports, token: &str, code: &str, ip: &str) -> Result<i64, AppError> {
    let (hash, account_id) = live(ports, token).await?;
    let factor = ports
        .staff
        .second_factor(account_id)
        .await?
        .ok_or_else(|| internal("no key for a waiting login", account_id))?;
    let key = TotpKey::from_base32(&factor.key)
        .ok_or_else(|| internal("stored key is not Base32", account_id))?;
    let now = ports.clock.now_ms();
    if let Some(until) = factor.locked_until_ms.filter(|u| *u > now) {
        return Err(locked(until, now));
    }
    let actor = Actor {
        account_id: Some(account_id),
        ip: ip.to_string(),
        operator_id: None,
        api_key: None,
    };
    let refused =
        |refusal: TotpRefusal| AppError::field("code", Text::new(refusal.zh(), refusal.en()));
    let step = match key.verify(code, now, factor.last_step) {
        Ok(step) => step,
        Err(TotpRefusal::Malformed) => return Err(refused(TotpRefusal::Malformed)),
        Err(refusal) => {
            ports.staff.fail_challenge(&hash).await?;
            let lock_until = now + LOCK_SECS * 1000;
            let lock = ports
                .staff
                .fail_second_factor(account_id, LOCK_AFTER_FAILURES, lock_until, &actor)
                .await?;
            return Err(match lock {
                Some(until) => locked(until, now),
                None => refused(refusal),
            });
        }
    };
    if !ports
        .staff
        .accept_second_factor(account_id, step, &actor)
        .await?
    {
        ports.staff.fail_challenge(&hash).await?;
        return Err(refused(TotpRefusal::Reused));
    }
    ports.staff.close_challenge(&hash).await?;
    Ok(account_id)
}
