//! The roaming routes (漫游, `app::domain::roaming` describes the
//! protocol): the visited platform's start (`GET /roam/start`) and return
//! (`GET /roam/callback`) for the browser, and the server-to-server
//! exchange (`POST /roam/token`, on the home platform), notices
//! (`POST /roam/notice`, on the visited platform) and credential status
//! requests (`POST /roam/credential-status`, on a credential's issuer). The
//! consent page in between is a Leptos page (`/roam/authorize`).
//!
//! Server to server, a message travels as the body, `application/jose`;
//! an answer is the signed message (200, `application/jose`), or a refusal
//! as JSON `{"error": "<code>"}` (400 malformed, 403 not trusted or not
//! authentic, 409 replayed, 410 code used or expired, 500 with a
//! `reference` when this platform failed).

use super::WebState;
use app::domain::roaming::{Refusal, MAX_CHARS, STATE_SECS};
use app::features::accounts::session::{site_cookie, site_cookie_name};
use app::features::request::ClientIp;
use app::features::roaming::service::RoamingDesk;
use app::policy::SESSION_ABSOLUTE_SECS;
use app::ports::Actor;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

/// The cookie that ties the browser's return to its start.
pub const STATE_COOKIE: &str = "roam_state";
/// The media type of a signed message (RFC 7515).
pub const JOSE: &str = "application/jose";

fn actor(ip: &ClientIp) -> Actor {
    Actor {
        account_id: None,
        ip: ip.0.clone(),
        operator_id: None,
        api_key: None,
    }
}

/// A cookie for the whole site as the platform writes them (HttpOnly,
/// SameSite=Lax; Secure with `__Host-` in production).
fn cookie(state: &WebState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let text = site_cookie(state.ports.secure_cookies, name, value, max_age_secs, "Lax");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A 303 to `location`, with cookies.
fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn to_login(state: &WebState, refusal: Refusal) -> Response {
    let reference = refusal
        .reference()
        .map(|r| format!("&ref={r}"))
        .unwrap_or_default();
    see_other(
        &format!("/login?roaming={}{reference}", refusal.code()),
        vec![cookie(state, STATE_COOKIE, "", 0)],
    )
}

#[derive(Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    home: String,
}

/// `GET /roam/start?home=冀`: off to the home platform, with the state
/// cookie set.
pub async fn start(State(state): State<WebState>, Query(q): Query<StartQuery>) -> Response {
    match RoamingDesk::of(&state.ports).depart(&q.home) {
        Ok(d) => see_other(
            &d.location,
            vec![cookie(&state, STATE_COOKIE, &d.state_cookie, STATE_SECS)],
        ),
        Err(_) => to_login(&state, Refusal::UnknownIssuer),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
}

/// `GET /roam/callback?code=…&state=…`: back from the home platform. The
/// code is exchanged and the assertion checked; a roaming session opens,
/// or the login page says why not.
pub async fn callback(
    State(state): State<WebState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let jar = CookieJar::from_headers(&headers);
    let started = jar
        .get(&site_cookie_name(STATE_COOKIE, state.ports.secure_cookies))
        .map(|c| c.value().to_string());
    let actor = actor(&ip);
    let desk = RoamingDesk::of(&state.ports);
    let account_id = match desk
        .arrive(&q.code, &q.state, started.as_deref(), &actor)
        .await
    {
        Ok(id) => id,
        Err(refusal) => return to_login(&state, refusal),
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect::<String>();
    let actor = Actor {
        account_id: Some(account_id),
        ..actor
    };
    match state
        .ports
        .accounts
        .create_session(account_id, &actor, &user_agent, desk.now_ms)
        .await
    {
        Ok(token) => see_other(
            "/account",
            vec![
                cookie(&state, STATE_COOKIE, "", 0),
                cookie(
                    &state,
                    state.ports.profile.session_cookie.as_str(),
                    &token,
                    SESSION_ABSOLUTE_SECS,
                ),
            ],
        ),
        Err(e) => to_login(
            &state,
            Refusal::internal(
                &format!("opening a roaming session of account {account_id}"),
                e,
            ),
        ),
    }
}

fn status_of(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::Malformed | Refusal::Algorithm => StatusCode::BAD_REQUEST,
        Refusal::Replayed => StatusCode::CONFLICT,
        Refusal::CodeRefused => StatusCode::GONE,
        Refusal::HomeUnreachable => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::FORBIDDEN,
    }
}

fn refused(refusal: Refusal) -> Response {
    let body = match refusal.reference() {
        Some(reference) => serde_json::json!({ "error": refusal.code(), "reference": reference }),
        None => serde_json::json!({ "error": refusal.code() }),
    };
    (status_of(refusal), axum::Json(body)).into_response()
}

/// The body as a signed message: text no longer than the protocol's
/// longest.
fn message(body: &Bytes) -> Result<&str, Refusal> {
    if body.len() > MAX_CHARS {
        return Err(Refusal::Malformed);
    }
    std::str::from_utf8(body)
        .map(str::trim)
        .map_err(|_| Refusal::Malformed)
}

/// A peer's signed request (the body) answered with a signed message, or
/// refused.
async fn answered(
    body: &Bytes,
    answer: impl AsyncFnOnce(&str) -> Result<String, Refusal>,
) -> Response {
    match message(body) {
        Ok(request) => match answer(request).await {
            Ok(signed) => signed_answer(signed),
            Err(r) => refused(r),
        },
        Err(r) => refused(r),
    }
}

/// A signed answer (200, `application/jose`, never cached).
fn signed_answer(answer: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, JOSE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        answer,
    )
        .into_response()
}

/// `POST /roam/token` (home platform): a peer's signed token request,
/// answered with the assertion.
pub async fn token(
    State(state): State<WebState>,
    Extension(ip): Extension<ClientIp>,
    body: Bytes,
) -> Response {
    let desk = RoamingDesk::of(&state.ports);
    answered(&body, async |request| {
        desk.answer_exchange(request, &actor(&ip)).await
    })
    .await
}

/// `POST /roam/credential-status` (a credential's issuer): a peer's signed
/// question about a credential this platform issued, answered with what
/// its records say, signed.
pub async fn credential_status(
    State(state): State<WebState>,
    Extension(ip): Extension<ClientIp>,
    body: Bytes,
) -> Response {
    let desk = RoamingDesk::of(&state.ports);
    answered(&body, async |request| {
        desk.answer_credential_status(request, &actor(&ip)).await
    })
    .await
}

/// `POST /roam/notice` (visited platform): a home platform's signed
/// notice; the person's roaming sessions here end.
pub async fn notice(
    State(state): State<WebState>,
    Extension(ip): Extension<ClientIp>,
    body: Bytes,
) -> Response {
    let notice = match message(&body) {
        Ok(m) => m,
        Err(r) => return refused(r),
    };
    match RoamingDesk::of(&state.ports)
        .receive_notice(notice, &actor(&ip))
        .await
    {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(r) => refused(r),
    }
}
