//! The HTTP side: router, session resolution, origin check, security
//! headers, compression, static files.

use crate::store::sha256_hex;
use app::api::server::{ClientIp, CurrentSession};
use app::i18n::{Lang, TextSize};
use app::policy::SESSION_COOKIE;
use app::ports::Ports;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone)]
pub struct WebState {
    pub leptos: LeptosOptions,
    pub ports: Ports,
    /// The development SMS gateway's outbox, readable over HTTP only when
    /// `DEV_SMS_OUTBOX=1` (local runs and browser tests; never in production).
    pub dev_outbox: Option<sqlx::AnyPool>,
    /// The simulated bank behind the payment gateway port.
    pub bank: crate::payments::SimulatedBank,
}

impl axum::extract::FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> Self {
        state.leptos.clone()
    }
}

/// Builds the whole application router.
pub fn router(state: WebState) -> Router {
    let routes = generate_route_list(app::App);
    let ports = state.ports.clone();
    let context = move || {
        provide_context(ports.clone());
        leptos::nonce::provide_nonce();
    };
    let leptos_options = state.leptos.clone();
    let site_root = leptos_options.site_root.to_string();
    let mut router = Router::new();
    if state.dev_outbox.is_some() {
        router = router.route("/dev/sms-outbox", get(dev_sms_outbox));
    }
    router
        .route("/lang/{code}", get(switch_language))
        .route("/text-size/{size}", get(switch_text_size))
        .route("/healthz", get(|| async { "ok" }))
        .route("/payments/notify", post(crate::payments::notify))
        .route("/payments/return", get(crate::payments::browser_return))
        .route("/dev/bank/checkout", get(crate::payments::bank_checkout))
        .route("/dev/bank/pay", post(crate::payments::bank_pay))
        .route(
            "/account/licence/photo/upload",
            // The handler reads every upload to its end itself (a phone
            // photo of several MB gets the reason, a huge file a 413 page).
            post(crate::photos::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/account/licence/photo/image", get(crate::photos::image))
        .leptos_routes_with_context(&state, routes, context, move || {
            app::shell(leptos_options.clone())
        })
        .fallback_service(ServeDir::new(site_root).not_found_service(not_found_page(state.clone())))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer))
        .layer(middleware::from_fn(same_origin_only))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .with_state(state)
}

/// Any address that is neither a page nor a file: the app's own 404 page
/// (the router's fallback, in the visitor's language, with the header and
/// the way home), not the browser's.
fn not_found_page(
    state: WebState,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let ports = state.ports.clone();
    let options = state.leptos.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(ports.clone());
            leptos::nonce::provide_nonce();
        },
        move || app::shell(options.clone()),
    );
    tower::service_fn(move |request: Request| {
        let render = render.clone();
        async move {
            let mut response = render(request).await.into_response();
            *response.status_mut() = StatusCode::NOT_FOUND;
            Ok(response)
        }
    })
}

#[derive(serde::Deserialize)]
struct OutboxQuery {
    phone: String,
}

/// The newest messages the development SMS gateway "sent" to a phone.
async fn dev_sms_outbox(State(state): State<WebState>, Query(q): Query<OutboxQuery>) -> Response {
    use sqlx::Row;
    let Some(pool) = state.dev_outbox else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rows = sqlx::query(
        "SELECT body, created_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 10",
    )
    .bind(q.phone.trim())
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "body": r.try_get::<String, _>("body").unwrap_or_default(),
                        "created_at": r.try_get::<i64, _>("created_at").unwrap_or_default(),
                    })
                })
                .collect();
            axum::Json(list).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "reading the SMS outbox failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// `/lang/en` or `/lang/zh`: keeps the choice in a cookie and goes back.
async fn switch_language(
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = Lang::from_code(&code);
    remember_preference(Lang::COOKIE, lang.code(), back, &headers)
}

/// `/text-size/large` or `/text-size/standard`: the large-text mode (大字版),
/// kept in a cookie like the language.
async fn switch_text_size(
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: axum::http::HeaderMap,
) -> Response {
    let size = TextSize::from_code(&code);
    remember_preference(TextSize::COOKIE, size.code(), back, &headers)
}

/// Keeps a display preference in a cookie for a year and goes back to the
/// page the switch was on (`?back=` or the Referer), only ever on this site.
fn remember_preference(
    cookie: &str,
    value: &str,
    back: Back,
    headers: &axum::http::HeaderMap,
) -> Response {
    let target = back
        .back
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| {
                    r.find("://")
                        .map(|i| &r[i + 3..])
                        .and_then(|r| r.find('/').map(|j| r[j..].to_string()))
                })
        })
        .filter(|p| app::policy::safe_return_path(p).is_some())
        .unwrap_or_else(|| "/".to_string());
    let mut response = Redirect::to(&target).into_response();
    let cookie = format!("{cookie}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| n.trim() == name)
        .map(|(_, v)| v.trim())
}

/// Resolves the session cookie into the account and records the client's
/// address, as request extensions the server functions read.
async fn session_layer(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    request.extensions_mut().insert(ClientIp(ip));
    let token = cookie_value(request.headers(), SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    if let Some(token) = token {
        let token_hash = sha256_hex(&token);
        let now = state.ports.clock.now_ms();
        match state.ports.accounts.resolve_session(&token_hash, now).await {
            Ok(Some(account_id)) => match state.ports.accounts.session_account(account_id).await {
                Ok(Some(account)) => {
                    request.extensions_mut().insert(CurrentSession {
                        token_hash,
                        account,
                    });
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "loading session account failed"),
            },
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "resolving session failed"),
        }
    }
    next.run(request).await
}

/// Refuses state-changing requests from other sites (CSRF): the browser's
/// `Sec-Fetch-Site` or `Origin` must say same origin.
async fn same_origin_only(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !is_same_origin(request.headers()) {
        tracing::warn!(uri = %request.uri(), "cross-origin request refused");
        return (
            StatusCode::FORBIDDEN,
            "跨站请求已被拒绝 / Cross-site request refused",
        )
            .into_response();
    }
    next.run(request).await
}

fn is_same_origin(headers: &axum::http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // Non-browser clients (no Origin, no Sec-Fetch-Site) carry no ambient
        // browser credentials of another site.
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            origin
                .split_once("://")
                .map(|(_, rest)| rest == host)
                .unwrap_or(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_check() {
        assert!(is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(is_same_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_same_origin(&headers(&[])));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let h = headers(&[("cookie", "a=1; jgsid=abc; lang=en")]);
        assert_eq!(cookie_value(&h, "jgsid"), Some("abc"));
        assert_eq!(cookie_value(&h, "x"), None);
    }
}
