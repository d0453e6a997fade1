//! The request a server function serves: the ports from the Leptos context,
//! the client's address, who acts, and the redirect for forms posted without
//! JavaScript. The session's account is in [`super::accounts::session`].

use super::accounts::session::current_account;
use super::port::Actor;
use crate::error::{internal, AppError};
use crate::ports::Ports;
use leptos::prelude::*;

/// Request extension: the client's address as the server sees it.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The ports, provided as context by the server.
pub fn ports() -> Result<Ports, AppError> {
    use_context::<Ports>().ok_or_else(|| internal("ports missing from context", "no Ports"))
}

pub(crate) fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// A QR code of `text` (an address), as an SVG a phone can scan.
pub(crate) fn qr_svg(text: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// This site's public address: `PLATFORM_PUBLIC_URL` when set (always
/// in production, which takes payments), else as the browser reached it
/// (development): what a printed QR code links to.
/// The verification page's address (电子凭证核验), which a credential's
/// QR code opens with the credential in `?c=`.
pub(crate) fn verify_base(ports: &Ports) -> String {
    format!(
        "{}{}",
        site_origin(ports),
        crate::domain::credential::VERIFY_PATH
    )
}

pub(crate) fn site_origin(ports: &Ports) -> String {
    if let Some(url) = &ports.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = parts()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or_else(|| "localhost".into());
    let scheme = if ports.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub fn client_ip() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(200).collect())
        })
        .unwrap_or_default()
}

/// The actor for audit records: the logged-in account (if any) and address.
pub fn actor() -> Actor {
    let account = current_account();
    Actor {
        account_id: account.as_ref().map(|a| a.account_id),
        ip: client_ip(),
        operator_id: account.and_then(|a| a.operator.map(|o| o.id)),
        api_key: None,
    }
}

/// Redirects a no-JavaScript form post (the browser follows it); a
/// hydrated island navigates by itself.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(path);
}

/// True for a form posted by the browser itself (no JavaScript yet): it
/// does not ask for JSON, so the answer is a redirect back to the page.
pub fn is_plain_form_post() -> bool {
    parts().is_some_and(|p| {
        !p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json"))
    })
}

/// The cookie that keeps what a refused plain form had typed (one minute;
/// the page fills the form with it and clears it: `ui::components::form::
/// typed_values`). Never the address, never a password or a code.
pub const TYPED_FORM_COOKIE: &str = "jgoptyped";

/// Keeps what a refused plain form had typed for the page the browser goes
/// back to (forms posted with JavaScript keep it in the page anyway).
pub fn keep_typed(ports: &Ports, pairs: &[(&str, &str)]) {
    if !is_plain_form_post() {
        return;
    }
    let mut typed = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        typed.append_pair(k, v);
    }
    super::accounts::session::set_cookie(ports, TYPED_FORM_COOKIE, &typed.finish(), 60, "Strict");
}
