//! Display switches (显示设置): the language (`/lang/zh`, `/lang/en`) and
//! the large-text mode (大字版, `/text-size/large`, `/text-size/standard`),
//! each kept in a cookie for a year; the switch goes back to the page it
//! was on.

use app::i18n::{Lang, TextSize};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// `?back=` — the page to go back to.
#[derive(serde::Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `GET /lang/{code}`: keeps the language in a cookie and goes back.
pub async fn switch_language(
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_code(&code);
    remember_preference(Lang::COOKIE, lang.code(), back, &headers)
}

/// `GET /text-size/{size}`: the large-text mode, kept like the language.
pub async fn switch_text_size(
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let size = TextSize::from_code(&code);
    remember_preference(TextSize::COOKIE, size.code(), back, &headers)
}

/// Keeps a display preference in a cookie for a year and goes back to the
/// page the switch was on (`?back=` or the Referer), only ever on this site.
fn remember_preference(
    cookie: &'static str,
    value: &'static str,
    back: Back,
    headers: &HeaderMap,
) -> Response {
    let target = back
        .back
        .or_else(|| referer_path(headers))
        .filter(|p| app::policy::safe_return_path(p).is_some())
        .unwrap_or_else(|| "/".to_string());
    let preference = Cookie::build((cookie, value))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(SameSite::Lax);
    (CookieJar::new().add(preference), Redirect::to(&target)).into_response()
}

/// The path and query of the Referer (the page the switch was on).
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer: Uri = headers.get(header::REFERER)?.to_str().ok()?.parse().ok()?;
    referer.path_and_query().map(|p| p.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_referer_gives_the_page_to_go_back_to() {
        let mut h = HeaderMap::new();
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:3000/account/vehicles?x=1"),
        );
        assert_eq!(referer_path(&h).as_deref(), Some("/account/vehicles?x=1"));
        assert_eq!(referer_path(&HeaderMap::new()), None);
    }

    #[test]
    fn the_switch_sets_a_year_long_cookie_and_goes_back() {
        let back = Back {
            back: Some("/exams".into()),
        };
        let response = remember_preference("lang", "en", back, &HeaderMap::new());
        assert_eq!(response.headers()[header::LOCATION], "/exams");
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("lang=en"), "{cookie}");
        assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        let away = Back {
            back: Some("//evil.example/".into()),
        };
        let response = remember_preference("lang", "en", away, &HeaderMap::new());
        assert_eq!(response.headers()[header::LOCATION], "/");
    }
}
