//! The open API for units' own systems (开放接口): JSON over HTTPS under
//! `/open/v1/`, each call with `Authorization: Bearer <key>` — a key the
//! unit's own account created on its dashboard (`features::api_keys`).
//!
//! [`gate`] runs before every call: it finds the key (only its digest is
//! stored, compared in constant time), refuses a revoked or expired key or
//! a disabled unit, counts the call in the database against the key's
//! minute quota (every app server shares the count), and audits the call
//! with the key once it is answered. Each handler then checks the key's
//! scope and the unit's grant for its service and calls the feature's
//! service, as the unit's own pages do. API calls carry no cookie, so the
//! session and the browser origin check play no part.
//!
//! | module | what |
//! | --- | --- |
//! | [`errors`] | the error body, and how a service's error reads in it |
//! | [`learners`] | a driving school's learners (学员) |
//! | [`temporary_plates`] | a dealer's temporary plates (临时号牌) |
//! | [`physical_exams`] | a hospital's examinations and certificates (体检) |
//! | [`docs`] | the OpenAPI document and its Swagger UI page |

pub mod docs;
pub mod errors;
pub mod learners;
pub mod physical_exams;
pub mod temporary_plates;

use super::WebState;
use app::domain::api_key::{minute_of, parse_key, secret_digest, secs_to_next_minute, ApiScope};
use app::domain::api_key::{KeyState, CALLS_PER_MINUTE, KEY_PREFIX};
use app::domain::SpecialService;
use app::features::accounts::session::session_account_of;
use app::features::accounts::{AccountRole, SessionAccount};
use app::features::request::ClientIp;
use app::ports::{Actor, ApiCall};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
pub use errors::{ApiError, Body};

/// Where the open API answers.
pub const PREFIX: &str = "/open/v1/";

/// The caller of an API call: the key and the unit it belongs to.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub key_id: i64,
    pub public_id: String,
    pub unit: SessionAccount,
    pub scopes: Vec<ApiScope>,
    pub ip: String,
}

impl ApiCaller {
    /// The key has the scope of this service and the unit is granted it
    /// (a grant withdrawn after the key was made is refused at once).
    pub fn require(&self, service: SpecialService) -> Result<(), ApiError> {
        let scope = ApiScope::of(service);
        if !self.scopes.contains(&scope) {
            return Err(ApiError::refused(
                403,
                "scope",
                format!(
                    "此密钥没有“{}”接口权限。请在单位管理页面创建含该权限的密钥。",
                    scope.zh()
                ),
                format!(
                    "This key has no \"{}\" scope. Create a key with it on the unit's dashboard.",
                    scope.en()
                ),
            ));
        }
        let granted = match &self.unit.role {
            AccountRole::Unit { kind, granted, .. } => {
                service.allowed_for(*kind) && granted.contains(&service)
            }
            _ => false,
        };
        if !granted {
            return Err(ApiError::refused(
                403,
                "not_granted",
                format!("本单位未获交管部门授权办理“{}”业务。", service.zh()),
                format!(
                    "The traffic authority has not granted this unit \"{}\".",
                    service.en()
                ),
            ));
        }
        Ok(())
    }

    /// Who acts, for the audit: the unit's account, from the caller's
    /// address (the call's own entry names the key).
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: Some(self.unit.account_id),
            ip: self.ip.clone(),
            operator_id: None,
            api_key: Some(self.key_name()),
        }
    }

    /// The key as the unit's list names it (`jgk_` and its public id).
    pub fn key_name(&self) -> String {
        format!("{KEY_PREFIX}{}", self.public_id)
    }
}

/// Whether a path is an API call that needs a key (the OpenAPI document
/// is public).
fn needs_key(path: &str) -> bool {
    path.starts_with(PREFIX) && path != docs::DOCUMENT_PATH
}

/// The gate of every API call: the key, the quota, and the call's audit.
pub async fn gate(State(state): State<WebState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !needs_key(&path) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| "unknown".into());
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(str::to_string);
    let now_ms = state.ports.clock.now_ms();
    let caller = match authenticate(&state, presented.as_deref(), now_ms, &ip).await {
        Ok(caller) => caller,
        Err(refusal) => {
            let response = refusal.error.into_response();
            // A key on record that was refused goes into its unit's audit;
            // a call with no key at all costs no write (only the log).
            if let Some((account_id, key)) = refusal.key {
                let call = Call {
                    key,
                    method,
                    path,
                    status: response.status().as_u16(),
                    refused: Some(refusal.why),
                };
                let actor = Actor {
                    account_id: Some(account_id),
                    ip,
                    operator_id: None,
                    api_key: None,
                };
                audit(&state, call, actor).await;
            } else {
                tracing::info!(why = refusal.why, %method, %ip, "open API call without a key");
            }
            return with_bearer_challenge(response);
        }
    };
    let calls = state
        .ports
        .api_keys
        .count_call(caller.key_id, minute_of(now_ms), now_ms, CALLS_PER_MINUTE)
        .await;
    let (response, audited) = match calls {
        Err(e) => (
            ApiError::from(app::error::AppError::from(e)).into_response(),
            true,
        ),
        Ok(n) if n > CALLS_PER_MINUTE => {
            let wait = secs_to_next_minute(now_ms);
            // Only the first call past the quota is audited: a client that
            // keeps on costs no write a call.
            (
                ApiError::rate_limited(wait, CALLS_PER_MINUTE).into_response(),
                n == CALLS_PER_MINUTE + 1,
            )
        }
        Ok(_) => {
            request.extensions_mut().insert(caller.clone());
            (errors::json_for_unrouted(next.run(request).await), true)
        }
    };
    if audited {
        let call = Call {
            key: caller.key_name(),
            method,
            path,
            status: response.status().as_u16(),
            refused: None,
        };
        audit(&state, call, caller.actor()).await;
    }
    no_store(response)
}

/// One call, for its audit entry.
struct Call {
    key: String,
    method: String,
    path: String,
    status: u16,
    refused: Option<&'static str>,
}

/// Audits a call in a task of its own, so that a client hanging up (or
/// the request's time running out) once the handler answered does not
/// drop the entry; the gate still waits for it, so the entry is there
/// when the client reads the answer.
async fn audit(state: &WebState, call: Call, actor: Actor) {
    let keys = state.ports.api_keys.clone();
    let task = tokio::spawn(async move {
        // The path as asked, cut short: it is the caller's text.
        let path: String = call.path.chars().take(200).collect();
        let entry = ApiCall {
            public_id: &call.key,
            method: &call.method,
            path: &path,
            status: call.status,
        };
        if let Err(e) = keys.audit_call(&entry, call.refused, &actor).await {
            tracing::error!(error = %e, "auditing an open API call failed");
        }
    });
    if let Err(e) = task.await {
        tracing::error!(error = %e, "the open API call's audit task failed");
    }
}

/// The key of an `Authorization` header's Bearer credentials (the scheme's
/// name in any case, RFC 9110).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

/// Answers carry personal data: never kept by a cache.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

fn with_bearer_challenge(mut response: Response) -> Response {
    if response.status() == axum::http::StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Why a call was refused before its handler: the error, the key's unit
/// and name when the key is on record, and the reason for the audit.
struct Refusal {
    error: ApiError,
    key: Option<(i64, String)>,
    why: &'static str,
}

fn refused(error: ApiError, why: &'static str) -> Refusal {
    Refusal {
        error,
        key: None,
        why,
    }
}

/// The key presented, checked: the caller, or why it was refused.
async fn authenticate(
    state: &WebState,
    presented: Option<&str>,
    now_ms: i64,
    ip: &str,
) -> Result<ApiCaller, Refusal> {
    let Some(presented) = presented else {
        return Err(refused(ApiError::no_key(), "no key"));
    };
    let Some((public_id, secret)) = parse_key(presented) else {
        return Err(refused(ApiError::unknown_key(), "not a key"));
    };
    let found = state
        .ports
        .api_keys
        .key_by_public_id(public_id)
        .await
        .map_err(|e| refused(app::error::AppError::from(e).into(), "look-up failed"))?;
    let Some(key) = found else {
        return Err(refused(ApiError::unknown_key(), "unknown key"));
    };
    let on_record = |error: ApiError, why: &'static str| Refusal {
        error,
        key: Some((key.account_id, format!("{KEY_PREFIX}{}", key.public_id))),
        why,
    };
    if !same(&key.secret_digest, &secret_digest(secret)) {
        return Err(on_record(ApiError::unknown_key(), "wrong secret"));
    }
    match KeyState::of(key.expires_at_ms, key.revoked_at_ms, now_ms) {
        KeyState::Revoked => return Err(on_record(ApiError::revoked_key(), "revoked")),
        KeyState::Expired => return Err(on_record(ApiError::expired_key(), "expired")),
        KeyState::Active => {}
    }
    let record = if key.account_disabled {
        None
    } else {
        state
            .ports
            .accounts
            .account_on_record(key.account_id)
            .await
            .map_err(|e| on_record(app::error::AppError::from(e).into(), "look-up failed"))?
    };
    let Some(record) = record else {
        return Err(on_record(ApiError::unit_disabled(), "unit disabled"));
    };
    Ok(ApiCaller {
        key_id: key.id,
        public_id: key.public_id.clone(),
        unit: session_account_of(record),
        scopes: key.scopes.clone(),
        ip: ip.to_string(),
    })
}

/// Equal digests, compared in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_need_a_key() {
        assert!(needs_key("/open/v1/learners"));
        assert!(!needs_key(docs::DOCUMENT_PATH));
        assert!(!needs_key("/open/docs"));
        assert!(!needs_key("/api/unit/learners"));
    }

    #[test]
    fn the_scheme_is_read_in_any_case() {
        assert_eq!(bearer("Bearer jgk_x"), Some("jgk_x"));
        assert_eq!(bearer("bearer  jgk_x "), Some("jgk_x"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
    }

    #[test]
    fn digests_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
