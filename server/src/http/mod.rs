//! The HTTP side (HTTP 接口层): the router built from the project route
//! table ([`routes`]), the layers every request passes (body limit and
//! time limit, origin check, session, security headers, compression,
//! tracing) and serving with a graceful shutdown.
//!
//! | module | what |
//! | --- | --- |
//! | [`routes`] | the one table of every entry the platform answers |
//! | [`assets`] | the site's files: precompressed, cached by content name |
//! | [`hydration`] | pages without an island get no script and no WASM |
//! | [`session`] | session cookie → the account, the client's address |
//! | [`client_ip`] | the client behind trusted proxies (`X-Forwarded-For`) |
//! | [`limits`] | request body limit (413) and request time limit (408) |
//! | [`headers`] | CSP and HSTS on every response, `no-store` when logged in |
//! | [`form_errors`] | a no-JavaScript form's error: out of the address |
//! | [`origin`] | refuses cross-site state changes (CSRF) |
//! | [`open_api`] | the open API for units' systems: keys, quota, audit |
//! | [`display`] | language (中文/English) and text size (大字版) switches |
//! | [`payments`] | the payment gateway's notice and return, the simulated bank |
//! | [`photos`] | licence photo upload and image |
//! | [`photo_clean`] | photos decoded and encoded again: no EXIF |
//! | [`dev`] | development-only pages (the SMS outbox) |
//! | [`not_found`] | the app's own 404 page |

pub mod assets;
pub mod client_ip;
pub mod dev;
pub mod display;
pub mod form_errors;
pub mod headers;
pub mod hydration;
pub mod keys;
pub mod limits;
pub mod not_found;
pub mod open_api;
pub mod origin;
pub mod payments;
pub mod photo_clean;
pub mod photos;
pub mod roaming;
pub mod routes;
pub mod session;
pub mod unit_export;

use app::ports::Ports;
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach: one shared [`WebShared`], so that each
/// middleware's copy of the state, on every request, costs one reference
/// count.
#[derive(Clone)]
pub struct WebState(std::sync::Arc<WebShared>);

impl WebState {
    pub fn new(shared: WebShared) -> WebState {
        WebState(std::sync::Arc::new(shared))
    }
}

impl std::ops::Deref for WebState {
    type Target = WebShared;
    fn deref(&self) -> &WebShared {
        &self.0
    }
}

/// The state itself (see [`WebState`]).
pub struct WebShared {
    pub leptos: LeptosOptions,
    pub ports: Ports,
    /// The development SMS gateway's outbox, readable over HTTP only when
    /// `DEV_SMS_OUTBOX=1` (local runs and browser tests; never in production).
    pub dev_outbox: Option<sqlx::AnyPool>,
    /// The simulated bank behind the payment gateway port (development
    /// only; its routes are not mounted without it).
    pub bank: Option<crate::payments::SimulatedBank>,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: std::sync::Arc<client_ip::TrustedProxies>,
    /// How long a request may take (408 after).
    pub request_timeout: std::time::Duration,
}

impl axum::extract::FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> Self {
        state.leptos.clone()
    }
}

/// The Leptos pages, listed once per process. Listing them renders the app
/// with resource loading suppressed by a process-wide flag; a resource
/// first polled by another server in the same process at that moment (the
/// integration tests run many) never resolves (leptos-rs/leptos#4773), so
/// the list is made once, before any server of this process answers.
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static PAGES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    PAGES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Builds the whole application router: the hand-added routes of the
/// route table, the Leptos pages and server functions, static files, and
/// the app's own 404 page for anything else.
pub fn router(state: WebState) -> Router {
    let pages = page_routes();
    let ports = state.ports.clone();
    let context = move || {
        provide_context(ports.clone());
        leptos::nonce::provide_nonce();
    };
    let leptos_options = state.leptos.clone();
    let mut router = Router::new();
    let mut off = std::collections::BTreeSet::new();
    for entry in routes::table() {
        if let Some(mount) = entry.mount {
            if entry.availability.is_on(&state) {
                router = router.route(entry.path, mount());
            } else if off.insert(entry.path) {
                // Not here (development routes in production): the 404
                // page for every method, not the file server's 405.
                router = router.route_service(entry.path, not_found::service(state.clone()));
            }
        }
    }
    router
        .leptos_routes_with_context(&state, pages, context, move || {
            app::shell(leptos_options.clone())
        })
        .fallback_service(assets::service(state.clone()))
        .layer(middleware::from_fn(hydration::leave_out_unused_scripts))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            form_errors::error_out_of_address,
        ))
        // Inside the session layer (the client's address); API calls hold
        // no session.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            open_api::gate,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::session_layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            origin::same_origin_only,
        ))
        // Before the session is looked up: a body too large or too slow
        // costs no database query.
        .layer(middleware::from_fn_with_state(
            state.request_timeout,
            limits::request_limits,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM from a
/// service manager): the server then finishes the requests in flight.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
