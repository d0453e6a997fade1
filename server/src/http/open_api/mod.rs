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
use app::domain::api_key::{KeyState, CALLS_PER_MINUTE};
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
        }
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
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let now_ms = state.ports.clock.now_ms();
    let caller = match authenticate(&state, presented.as_deref(), now_ms, &ip).await {
        Ok(caller) => caller,
        Err((error, public_id, why)) => {
            let response = error.into_response();
            let call = ApiCall {
                public_id: &public_id,
                method: &method,
                path: &path,
                status: response.status().as_u16(),
            };
            let actor = Actor {
                account_id: None,
                ip,
                operator_id: None,
            };
            if let Err(e) = state
                .ports
                .api_keys
                .audit_call(&call, Some(why), &actor)
                .await
            {
                tracing::error!(error = %e, "auditing a refused API key failed");
            }
            return with_bearer_challenge(response);
        }
    };
    let calls = state
        .ports
        .api_keys
        .count_call(caller.key_id, minute_of(now_ms), now_ms)
        .await;
    let response = match calls {
        Err(e) => ApiError::from(app::error::AppError::from(e)).into_response(),
        Ok(n) if n > CALLS_PER_MINUTE => {
            let wait = secs_to_next_minute(now_ms);
            ApiError::rate_limited(wait, CALLS_PER_MINUTE).into_response()
        }
        Ok(_) => {
            request.extensions_mut().insert(caller.clone());
            next.run(request).await
        }
    };
    let call = ApiCall {
        public_id: &caller.public_id,
        method: &method,
        path: &path,
        status: response.status().as_u16(),
    };
    if let Err(e) = state
        .ports
        .api_keys
        .audit_call(&call, None, &caller.actor())
        .await
    {
        tracing::error!(error = %e, "auditing an API call failed");
    }
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

/// The key presented, checked: the caller, or the error with the key's
/// public id (as presented) and why, for the audit.
async fn authenticate(
    state: &WebState,
    presented: Option<&str>,
    now_ms: i64,
    ip: &str,
) -> Result<ApiCaller, (ApiError, String, &'static str)> {
    let Some(presented) = presented else {
        return Err((ApiError::no_key(), String::new(), "no key"));
    };
    let Some((public_id, secret)) = parse_key(presented) else {
        return Err((ApiError::unknown_key(), String::new(), "not a key"));
    };
    let found = state
        .ports
        .api_keys
        .key_by_public_id(public_id)
        .await
        .map_err(|e| {
            let error = ApiError::from(app::error::AppError::from(e));
            (error, public_id.to_string(), "look-up failed")
        })?;
    let digest = secret_digest(secret);
    let Some(key) = found.filter(|k| same(&k.secret_digest, &digest)) else {
        return Err((
            ApiError::unknown_key(),
            public_id.to_string(),
            "unknown key",
        ));
    };
    match KeyState::of(key.expires_at_ms, key.revoked_at_ms, now_ms) {
        KeyState::Revoked => {
            return Err((ApiError::revoked_key(), key.public_id, "revoked"));
        }
        KeyState::Expired => {
            return Err((ApiError::expired_key(), key.public_id, "expired"));
        }
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
            .map_err(|e| {
                let error = ApiError::from(app::error::AppError::from(e));
                (error, key.public_id.clone(), "look-up failed")
            })?
    };
    let Some(record) = record else {
        return Err((ApiError::unit_disabled(), key.public_id, "unit disabled"));
    };
    Ok(ApiCaller {
        key_id: key.id,
        public_id: key.public_id,
        unit: session_account_of(record),
        scopes: key.scopes,
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
    fn digests_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
