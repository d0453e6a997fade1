//! The origin check (跨站请求防护, CSRF): state-changing requests must come
//! from this site's own pages. A browser says where a request comes from
//! (`Sec-Fetch-Site`, else `Origin`); a request carrying the session cookie
//! but neither header is refused too — every browser in use sends one of
//! them, so such a request is not this site's page. Clients that carry no
//! session cookie and neither header (the payment gateway's notice)
//! hold no one's session and go on; the open API (`/open/v1/`) takes no
//! cookie at all and is not checked. Every refusal is recorded in
//! the audit log, before any session is looked up.

use super::client_ip::client_address;
use super::WebState;
use app::domain::audit::{mask_id_numbers, SecurityEvent};
use app::ports::Actor;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// Refuses state-changing requests from other sites (403), recording each
/// refusal.
pub async fn same_origin_only(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The open API authenticates each call by its key, never by a cookie
    // (`open_api::gate`): a page elsewhere cannot make a browser send one.
    if safe || request.uri().path().starts_with(super::open_api::PREFIX) {
        return next.run(request).await;
    }
    let session_cookie = state.ports.profile.session_cookie.as_str();
    let Some(evidence) = cross_site_evidence(request.headers(), session_cookie) else {
        return next.run(request).await;
    };
    let event = SecurityEvent::CrossSiteRefused {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
        evidence,
    };
    // The path only: a query string may carry what a person typed.
    tracing::warn!(
        method = %request.method(),
        path = %mask_id_numbers(request.uri().path()),
        "cross-site request refused"
    );
    let actor = Actor {
        account_id: None,
        ip: client_ip(&state, &request),
        operator_id: None,
        api_key: None,
    };
    if let Err(e) = state.ports.audit.security_event(&actor, &event).await {
        tracing::error!(error = %e, "recording a cross-site refusal failed");
    }
    (
        StatusCode::FORBIDDEN,
        "跨站请求已被拒绝 / Cross-site request refused",
    )
        .into_response()
}

/// The client's address, as the session layer finds it (behind trusted
/// proxies, the client they name).
fn client_ip(state: &WebState, request: &Request) -> String {
    let Some(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".into();
    };
    let forwarded_for = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    client_address(peer.0.ip(), forwarded_for, &state.trusted_proxies).to_string()
}

/// Why a state-changing request is taken as cross-site (which header said
/// so, or that the session cookie, named `session_cookie` on this
/// platform, came with neither), or None when it may go on.
fn cross_site_evidence(headers: &HeaderMap, session_cookie: &str) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("(not text)");
        return (!matches!(site, "same-origin" | "none")).then(|| format!("Sec-Fetch-Site {site}"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("(not text)");
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| !host.is_empty() && rest == host);
        return (!same).then(|| format!("Origin {origin}"));
    }
    carries_session_cookie(headers, session_cookie)
        .then(|| "the session cookie with neither Sec-Fetch-Site nor Origin".to_string())
}

/// Whether a `Cookie` header names the session cookie `session_cookie`
/// (plain, or with the `__Host-` prefix it takes in production).
fn carries_session_cookie(headers: &HeaderMap, session_cookie: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.split_once('=').map(|(name, _)| name.trim()))
        .any(|name| name.strip_prefix("__Host-").unwrap_or(name) == session_cookie)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn refused(pairs: &[(&'static str, &str)]) -> bool {
        cross_site_evidence(&headers(pairs), "jgsid").is_some()
    }

    #[test]
    fn the_browser_headers_decide() {
        assert!(!refused(&[("sec-fetch-site", "same-origin")]));
        assert!(!refused(&[("sec-fetch-site", "none")]));
        assert!(refused(&[("sec-fetch-site", "cross-site")]));
        assert!(refused(&[("sec-fetch-site", "same-site")]));
        // Sec-Fetch-Site first: a same-origin Origin does not save it.
        assert!(refused(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ]));
        assert!(!refused(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ]));
        assert!(refused(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ]));
        assert!(refused(&[("origin", "null"), ("host", "127.0.0.1:3000")]));
        assert!(refused(&[("origin", "http://127.0.0.1:3000")]));
        assert_eq!(
            cross_site_evidence(&headers(&[("sec-fetch-site", "cross-site")]), "jgsid").as_deref(),
            Some("Sec-Fetch-Site cross-site")
        );
    }

    #[test]
    fn the_session_cookie_without_either_header_is_refused() {
        let token = "a".repeat(64);
        assert!(refused(&[("cookie", &format!("jgsid={token}"))]));
        assert!(refused(&[(
            "cookie",
            &format!("lang=en; __Host-jgsid={token}")
        )]));
        assert!(refused(&[("cookie", "lang=en"), ("cookie", "jgsid=x")]));
        // No session cookie, no headers: a server or an API client.
        assert!(!refused(&[]));
        assert!(!refused(&[("cookie", "lang=en; text=large")]));
        assert!(!refused(&[("cookie", "xjgsid=1; jgsid_old=2")]));
        // With a header, the header decides.
        assert!(!refused(&[
            ("cookie", &format!("jgsid={token}")),
            ("sec-fetch-site", "same-origin")
        ]));
    }

    #[test]
    fn each_platform_recognises_its_own_session_cookie() {
        let token = "a".repeat(64);
        let beijing = |pairs: &[(&'static str, &str)]| {
            cross_site_evidence(&headers(pairs), "jgsid_bj").is_some()
        };
        assert!(beijing(&[("cookie", &format!("jgsid_bj={token}"))]));
        assert!(beijing(&[("cookie", &format!("__Host-jgsid_bj={token}"))]));
        // The other platform's cookie on the same host holds no session here.
        assert!(!beijing(&[("cookie", &format!("jgsid={token}"))]));
        assert!(!refused(&[("cookie", &format!("jgsid_bj={token}"))]));
    }
}
