//! Sessions (登录会话): resolves the session cookie into the account and
//! records the client's address, as request extensions the server
//! functions and handlers read (`CurrentSession`, `ClientIp`). The address
//! is the socket's peer, or the client a trusted proxy names
//! ([`super::client_ip`]).

use super::client_ip::client_address;
use super::WebState;
use crate::store::sha256_hex;
use app::features::accounts::session::{session_account_of, site_cookie_name, CurrentSession};
use app::features::request::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use std::net::SocketAddr;

/// A session token as the login hands it out: 64 hexadecimal characters.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The middleware: every request passes here before its handler.
pub async fn session_layer(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| {
            let forwarded_for = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok());
            client_address(c.0.ip(), forwarded_for, &state.trusted_proxies).to_string()
        })
        .unwrap_or_else(|| "unknown".into());
    request.extensions_mut().insert(ClientIp(ip));
    let cookie_name = site_cookie_name(
        state.ports.profile.session_cookie.as_str(),
        state.ports.secure_cookies,
    );
    // The open API takes a key, never a session: its calls look none up.
    let token = CookieJar::from_headers(request.headers())
        .get(&cookie_name)
        .map(|c| c.value().to_string())
        .filter(|t| well_formed(t))
        .filter(|_| !request.uri().path().starts_with(super::open_api::PREFIX));
    // Only a page shows the header with the unread count: server functions
    // and the site's files need no count (one query fewer on each).
    let path = request.uri().path();
    let renders_page = request.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/");
    if let Some(token) = token {
        if let Some(session) = resolve(&state, &token, renders_page).await {
            request.extensions_mut().insert(session);
        }
    }
    next.run(request).await
}

/// The account behind a token, when the session is still open; with the
/// unread messages counted when the request renders a page.
async fn resolve(state: &WebState, token: &str, renders_page: bool) -> Option<CurrentSession> {
    let token_hash = sha256_hex(token);
    let now = state.ports.clock.now_ms();
    let (record, operator_id) = match state.ports.accounts.resolve_session(&token_hash, now).await {
        Ok(found) => found?,
        Err(e) => {
            tracing::error!(error = %e, "resolving session failed");
            return None;
        }
    };
    // An operator's session holds only while the operator is active.
    let operator = match operator_id {
        None => None,
        Some(id) => match state.ports.unit_operators.on_session(id).await {
            Ok(found) => Some(found?),
            Err(e) => {
                tracing::error!(error = %e, "loading the session's operator failed");
                return None;
            }
        },
    };
    let account_id = record.account_id;
    let mut account = session_account_of(record);
    account.operator = operator;
    // The message centre is the unit's own account's.
    let unread_messages = if account.is_staff() || account.operator.is_some() || !renders_page {
        0
    } else {
        state
            .ports
            .messages
            .unread_count(account_id)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "counting unread messages failed");
                0
            })
    };
    Some(CurrentSession {
        token_hash,
        account,
        unread_messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::policy::SESSION_COOKIE;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        let token = "ab".repeat(32);
        let cookie = format!("a=1; {SESSION_COOKIE}={token}; lang=en");
        h.insert("cookie", HeaderValue::from_str(&cookie).unwrap());
        let jar = CookieJar::from_headers(&h);
        assert_eq!(jar.get(SESSION_COOKIE).map(|c| c.value()), Some(&*token));
        assert!(jar.get("x").is_none());
        assert!(well_formed(&token));
        assert!(!well_formed("abc"));
        assert!(!well_formed(&"zz".repeat(32)));
    }
}
