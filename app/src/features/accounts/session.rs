//! The session (会话): the account the server's session layer found for the
//! request's cookie, and the cookie itself.

use super::{AccountOnRecord, SessionAccount};
use crate::domain::{PhoneNumber, ResidentId};
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
    SessionAccount {
        account_id: record.account_id,
        display_name: record.display_name,
        phone_masked: PhoneNumber::masked_or_stars(&record.phone),
        id_number_masked: record.id_number.as_deref().map(ResidentId::masked_or_stars),
        role: record.role,
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

/// The staff account (窗口民警/管理员), or a refusal.
pub fn require_staff() -> Result<SessionAccount, AppError> {
    let account = require_account()?;
    if account.is_staff() {
        Ok(account)
    } else {
        Err(AppError::not_allowed(
            Text::new("该功能仅限民警使用。", "This is for staff only."),
            Text::new("请使用民警账户登录。", "Log in with a staff account."),
        ))
    }
}

/// Starts a session for the account and sets the cookie.
pub async fn start_session(ports: &Ports, account_id: i64) -> Result<(), AppError> {
    use crate::policy::SESSION_ABSOLUTE_SECS;
    let now = ports.clock.now_ms();
    let actor = Actor {
        account_id: Some(account_id),
        ip: client_ip(),
    };
    let token = ports
        .accounts
        .create_session(account_id, &actor, &user_agent(), now)
        .await?;
    set_session_cookie(ports, &token, SESSION_ABSOLUTE_SECS);
    Ok(())
}

/// Writes the session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub fn set_session_cookie(ports: &Ports, token: &str, max_age_secs: i64) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IndividualKind, RegistrationChannel};
    use crate::features::accounts::AccountRole;

    fn record(phone: &str, id_number: Option<&str>) -> AccountOnRecord {
        AccountOnRecord {
            account_id: 3,
            display_name: "张三".into(),
            phone: phone.into(),
            id_number: id_number.map(Into::into),
            role: AccountRole::Individual {
                kind: IndividualKind::OwnerOrDriver,
                channel: RegistrationChannel::Online,
                window: None,
            },
        }
    }

    #[test]
    fn the_session_shows_numbers_masked_and_never_in_full() {
        let shown = session_account_of(record("13800001234", Some("110101199003071233")));
        assert_eq!(shown.phone_masked, "138****1234");
        assert_eq!(
            shown.id_number_masked.as_deref(),
            Some("110101********1233")
        );
        // A value the domain refuses is stars, not echoed back.
        let odd = session_account_of(record("1380000", Some("11010119900307")));
        assert_eq!(odd.phone_masked, "****");
        assert_eq!(odd.id_number_masked.as_deref(), Some("****"));
        assert_eq!(
            session_account_of(record("13800001234", None)).id_number_masked,
            None
        );
    }
}
