//! Login devices (登录设备): every browser gets a long-lived random cookie
//! at login; a login from a browser the account has not used before sends
//! the holder an SMS alert (新设备登录提醒), so a stolen password shows.

use crate::domain::date::cst_date_time;
use crate::domain::device::device_label;
use crate::domain::Sms;
use crate::error::AppError;
use crate::features::accounts::session::{request_cookie, set_cookie};
use crate::features::request::{actor, user_agent};
use crate::ports::Ports;

/// The device cookie's name.
pub const DEVICE_COOKIE: &str = "jgdev";
/// How long a browser keeps its device cookie: 400 days, the longest
/// browsers allow.
pub const DEVICE_COOKIE_SECS: i64 = 400 * 24 * 60 * 60;

/// After a login: notes the device, alerting the holder when it is new.
pub async fn after_login(ports: &Ports, account_id: i64) -> Result<(), AppError> {
    let now = ports.clock.now_ms();
    let alert = Sms::new_device_login(&cst_date_time(now), &device_label(&user_agent()));
    note(ports, account_id, Some(&alert)).await
}

/// After registration: the browser the account was made on is its first
/// device, with no alert.
pub async fn after_registration(ports: &Ports, account_id: i64) -> Result<(), AppError> {
    note(ports, account_id, None).await
}

async fn note(ports: &Ports, account_id: i64, alert: Option<&Sms>) -> Result<(), AppError> {
    let now = ports.clock.now_ms();
    let held = request_cookie(DEVICE_COOKIE);
    let (token, _new) = ports
        .accounts
        .note_login_device(account_id, held.as_deref(), alert, &actor(), now)
        .await?;
    if held.as_deref() != Some(token.as_str()) {
        set_cookie(ports, DEVICE_COOKIE, &token, DEVICE_COOKIE_SECS, "Lax");
    }
    Ok(())
}
