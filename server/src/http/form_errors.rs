//! Errors of forms posted without JavaScript (无脚本表单的错误), moved out
//! of the address (`app::ui::form_error`).
//!
//! `server_fn` answers a plain form post with a redirect back to the form,
//! the error in the address (`?__path=…&__err=…`). This middleware takes
//! both out of the `Location` and keeps them in a short-lived HttpOnly
//! cookie (`__Host-` in production) for the page to show once. A request
//! whose address carries them anyway (a link someone made: the framework's
//! router would hand `__err` to the page's actions) is sent to the same
//! address without them, so a link can not put words in the platform's
//! error box. A server function that succeeds clears a cookie left over.

use super::WebState;
use app::error::AppError;
use app::features::accounts::session::site_cookie_name;
use app::ui::form_error::{cookie_value, FORM_ERROR_COOKIE, FORM_ERROR_SECS};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use leptos::server_fn::error::FromServerFnError;

/// The longest cookie kept (browsers keep cookies of up to 4096 bytes,
/// name and attributes included).
const COOKIE_VALUE_MAX: usize = 3800;

/// The middleware: a server function's error redirect leaves its error in
/// the cookie; an address with an error in it is answered without it.
pub async fn error_out_of_address(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(query) = request.uri().query() {
        if form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "__err" || k == "__path") {
            let asked = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let (clean, _) = split_error(asked);
            if matches!(*request.method(), Method::GET | Method::HEAD) {
                return Redirect::to(&clean).into_response();
            }
            if let Ok(uri) = clean.parse() {
                *request.uri_mut() = uri;
            }
        }
    }
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let secure = state.ports.secure_cookies;
    let name = site_cookie_name(FORM_ERROR_COOKIE, secure);
    let had_cookie = CookieJar::from_headers(request.headers())
        .get(&name)
        .is_some();
    let mut response = next.run(request).await;
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return response;
    };
    let (clean, error) = split_error(location);
    let value = match error {
        Some((path, encoded)) => match fitting(&path, &encoded) {
            Some(value) => Some((value, FORM_ERROR_SECS)),
            None => {
                tracing::warn!(path, "a form's error is too long for its cookie");
                None
            }
        },
        None if had_cookie => Some((String::new(), 0)),
        None => None,
    };
    if let Ok(clean) = HeaderValue::from_str(&clean) {
        response.headers_mut().insert(header::LOCATION, clean);
    }
    if let Some((value, max_age)) = value {
        let secure = if secure { "; Secure" } else { "" };
        let cookie =
            format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// The address without `__path` and `__err`, and those two when both are
/// there.
fn split_error(location: &str) -> (String, Option<(String, String)>) {
    let (base, query) = match location.split_once('?') {
        Some((base, query)) => (base, query),
        None => return (location.to_string(), None),
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut path = None;
    let mut error = None;
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any_kept = false;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "__path" => path = Some(value.into_owned()),
            "__err" => error = Some(value.into_owned()),
            _ => {
                kept.append_pair(&key, &value);
                any_kept = true;
            }
        }
    }
    let mut clean = base.to_string();
    if any_kept {
        clean.push('?');
        clean.push_str(&kept.finish());
    }
    if let Some(fragment) = fragment {
        clean.push('#');
        clean.push_str(fragment);
    }
    (clean, path.zip(error))
}

/// The cookie's value, short enough for a browser to keep: a long list of
/// field problems keeps its first ones (the person fixes those and sends
/// again); any other error too long is not kept.
fn fitting(path: &str, encoded: &str) -> Option<String> {
    let value = cookie_value(path, encoded);
    if value.len() <= COOKIE_VALUE_MAX {
        return Some(value);
    }
    let base64 = base64::engine::general_purpose::URL_SAFE;
    let bytes = base64.decode(encoded).ok()?;
    let AppError::Fields(mut problems) = AppError::de(bytes.into()) else {
        return None;
    };
    while problems.len() > 1 {
        problems.pop();
        let shorter = base64.encode(AppError::Fields(problems.clone()).ser());
        let value = cookie_value(path, &shorter);
        if value.len() <= COOKIE_VALUE_MAX {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::i18n::Text;

    fn encoded(error: &AppError) -> String {
        base64::engine::general_purpose::URL_SAFE.encode(error.ser())
    }

    #[test]
    fn the_error_leaves_the_address_and_the_rest_stays() {
        let (clean, error) = split_error(
            "http://127.0.0.1:3000/register/online?kind=owner_or_driver&__path=%2Fapi%2Flogin&__err=abc%3D",
        );
        assert_eq!(
            clean,
            "http://127.0.0.1:3000/register/online?kind=owner_or_driver"
        );
        assert_eq!(error, Some(("/api/login".into(), "abc=".into())));
        let (clean, error) = split_error("/login?__path=%2Fapi%2Flogin&__err=x#top");
        assert_eq!((clean.as_str(), error.is_some()), ("/login#top", true));
        let (clean, error) = split_error("/account?uploaded=1");
        assert_eq!((clean.as_str(), error), ("/account?uploaded=1", None));
        assert_eq!(split_error("/account").0, "/account");
    }

    #[test]
    fn a_long_list_of_field_problems_keeps_its_first_ones() {
        let problem = |i: usize| {
            app::error::FieldProblem::new(
                &format!("field{i}"),
                Text::new(
                    "请填写正确的内容，".repeat(8),
                    "Fill this in correctly. ".repeat(4),
                ),
            )
        };
        let short = AppError::Fields((0..3).map(problem).collect());
        let value = fitting("/api/x", &encoded(&short)).unwrap();
        assert_eq!(value, cookie_value("/api/x", &encoded(&short)));
        let long = AppError::Fields((0..40).map(problem).collect());
        let value = fitting("/api/x", &encoded(&long)).unwrap();
        assert!(value.len() <= COOKIE_VALUE_MAX);
        let kept = app::ui::form_error::encoded_error_for(&value, "/api/x").unwrap();
        let kept = base64::engine::general_purpose::URL_SAFE
            .decode(kept)
            .unwrap();
        match AppError::de(kept.into()) {
            AppError::Fields(problems) => {
                assert!(problems.len() > 1 && problems.len() < 40);
                assert_eq!(problems[0].field, "field0");
            }
            other => panic!("{other:?}"),
        }
        let huge = AppError::Conflict(Text::new("长".repeat(2000), "long"));
        assert_eq!(fitting("/api/x", &encoded(&huge)), None);
    }
}
