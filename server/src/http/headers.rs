//! Security headers every response carries (安全响应头), whoever made it:
//! a page, a server function, a file, the 404 page, a refusal.
//!
//! - `Content-Security-Policy`: a rendered page sets its own, with the
//!   nonce of its bootstrap script (`app::ui`); any other response without
//!   one gets [`DEFAULT_CSP`] (nothing may load), or [`HTML_CSP`] when it
//!   is a hand-made HTML page (only this site's style sheets and images,
//!   no script).
//! - `Strict-Transport-Security` ([`HSTS`]) in production: the browser
//!   comes back only over HTTPS for a year, subdomains included.
//! - `Cache-Control: no-store` on every answer to a request that carries
//!   the session cookie (pages, server functions, photos, refusals…),
//!   unless the handler chose its own: nothing someone sees while logged in
//!   stays in a cache. The site's own files ([`StaticFile`]) are the same
//!   for everyone and keep their caching.

use super::WebState;
use app::features::accounts::session::site_cookie_name;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response as HttpResponse, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;

/// The policy of a response that is not a page: nothing may load, nothing
/// may frame it.
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// The policy of a hand-made HTML page without its own (a refusal page):
/// this site's style sheets and images, no script, forms only to this site.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// As [`HTML_CSP`], with inline styles, in development only (the simulated
/// bank's page styles itself inline).
pub const HTML_CSP_DEVELOPMENT: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// One year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Response extension: a file of the site (`/pkg/…`, the favicon), served
/// as it is to everyone.
#[derive(Clone, Copy, Debug)]
pub struct StaticFile;

/// Marks the file server's answers (a file, or "not modified") as
/// [`StaticFile`]; its 404 page is not one.
pub fn mark_static<B>(mut response: HttpResponse<B>) -> HttpResponse<B> {
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        response.extensions_mut().insert(StaticFile);
    }
    response
}

/// The middleware (outside all others but compression and tracing): the
/// content security policy, HSTS in production, `no-store` with a session.
pub async fn security_headers(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let production = !state.ports.development;
    let session_cookie = site_cookie_name(
        state.ports.profile.session_cookie.as_str(),
        state.ports.secure_cookies,
    );
    let with_session = CookieJar::from_headers(request.headers())
        .get(&session_cookie)
        .is_some();
    let mut response = next.run(request).await;
    let static_file = response.extensions().get::<StaticFile>().is_some();
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/html"));
        let csp = match (html, production) {
            (false, _) => DEFAULT_CSP,
            (true, true) => HTML_CSP,
            (true, false) => HTML_CSP_DEVELOPMENT,
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    if production {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if with_session && !static_file && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
