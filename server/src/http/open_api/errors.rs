//! The open API's errors: one JSON shape for every refusal, in Chinese
//! with English beside it, and the body extractor whose refusals say what
//! in the JSON was wrong.

use app::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

/// A field that was refused, and why.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name in the request body.
    pub field: String,
    pub message: String,
    pub message_en: String,
}

/// What went wrong.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `fields`, `malformed`, `unsupported_media_type`,
    /// `no_key`, `unknown_key`, `revoked_key`, `expired_key`,
    /// `unit_disabled`, `scope`, `not_granted`, `not_allowed`, `not_found`,
    /// `method_not_allowed`, `conflict`, `rate_limited`, `internal`.
    pub code: String,
    /// In Chinese (the platform's language).
    pub message: String,
    pub message_en: String,
    /// What to do about it, when the rule says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy_en: Option<String>,
    /// The fields refused (`fields` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Quote it to the traffic authority's support (`internal` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Seconds to wait (`rate_limited` only; also `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// Every error answer: `{"error": {...}}`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// An error answer with its status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: an error passes through every `?` of a handler.
    pub body: Box<ErrorBody>,
}

fn detail(code: &str, zh: String, en: String) -> ErrorDetail {
    ErrorDetail {
        code: code.into(),
        message: zh,
        message_en: en,
        remedy: None,
        remedy_en: None,
        fields: Vec::new(),
        reference: None,
        retry_after_secs: None,
    }
}

impl ApiError {
    fn new(status: u16, detail: ErrorDetail) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: Box::new(ErrorBody { error: detail }),
        }
    }

    pub fn refused(status: u16, code: &str, zh: String, en: String) -> ApiError {
        ApiError::new(status, detail(code, zh, en))
    }

    pub fn no_key() -> ApiError {
        ApiError::refused(
            401,
            "no_key",
            "请在 Authorization 请求头中以 Bearer 方式提供开放接口密钥。".into(),
            "Send the open API key in the Authorization header: Bearer <key>.".into(),
        )
    }

    pub fn unknown_key() -> ApiError {
        ApiError::refused(
            401,
            "unknown_key",
            "开放接口密钥不正确。请核对密钥是否完整复制；遗失的密钥无法找回，请在单位管理页面创建新密钥。".into(),
            "The open API key is not right. Check it was copied whole; a lost key cannot be recovered: create a new one on the unit's dashboard.".into(),
        )
    }

    pub fn revoked_key() -> ApiError {
        ApiError::refused(
            401,
            "revoked_key",
            "此开放接口密钥已被吊销，不能再使用。".into(),
            "This open API key has been revoked and can no longer be used.".into(),
        )
    }

    pub fn expired_key() -> ApiError {
        ApiError::refused(
            401,
            "expired_key",
            "此开放接口密钥已过有效期。请在单位管理页面创建新密钥。".into(),
            "This open API key has expired. Create a new one on the unit's dashboard.".into(),
        )
    }

    pub fn unit_disabled() -> ApiError {
        ApiError::refused(
            403,
            "unit_disabled",
            "本单位账户已停用，其开放接口密钥不能使用。".into(),
            "The unit's account is disabled; its open API keys cannot be used.".into(),
        )
    }

    pub fn rate_limited(wait_secs: u64, per_minute: i64) -> ApiError {
        let mut d = detail(
            "rate_limited",
            format!("每个密钥每分钟最多调用{per_minute}次，请{wait_secs}秒后再试。"),
            format!("A key may make {per_minute} calls a minute; try again in {wait_secs} s."),
        );
        d.retry_after_secs = Some(wait_secs);
        ApiError::new(429, d)
    }

    pub fn malformed(what: String) -> ApiError {
        ApiError::refused(
            400,
            "malformed",
            format!("请求体不是所需的JSON：{what}"),
            format!("The request body is not the JSON expected: {what}"),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        let status = error.status();
        let d = match error {
            AppError::Fields(problems) => {
                let mut d = detail(
                    "fields",
                    "请求中有字段不正确，请按各字段的说明更正。".into(),
                    "Some fields are not right; see each field's message.".into(),
                );
                d.fields = problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.field,
                        message: p.message.zh,
                        message_en: p.message.en,
                    })
                    .collect();
                d
            }
            AppError::NotAllowed(refusal) => {
                let mut d = detail("not_allowed", refusal.rule.zh, refusal.rule.en);
                d.remedy = Some(refusal.remedy.zh);
                d.remedy_en = Some(refusal.remedy.en);
                d
            }
            AppError::NotLoggedIn => return ApiError::no_key(),
            AppError::NotFound(t) => detail("not_found", t.zh, t.en),
            AppError::Conflict(t) => detail("conflict", t.zh, t.en),
            AppError::RateLimited {
                retry_after_secs,
                message,
            } => {
                let mut d = detail("rate_limited", message.zh, message.en);
                d.retry_after_secs = Some(retry_after_secs);
                d
            }
            AppError::Malformed(what) => return ApiError::malformed(what),
            AppError::Internal { reference } | AppError::Transport(reference) => {
                let mut d = detail(
                    "internal",
                    format!("系统内部错误，请稍后再试。如多次出现，请向交管部门报告参考编号{reference}。"),
                    format!("Something failed inside. Try again later; if it happens again, report reference {reference}."),
                );
                d.reference = Some(reference);
                d
            }
        };
        ApiError::new(status, d)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.body.error.retry_after_secs;
        let mut response = (self.status, Json(*self.body)).into_response();
        if let Some(secs) = retry {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// An answer the router made itself (no such call, or not with this
/// method) in the open API's JSON shape; any other answer as it is.
pub fn json_for_unrouted(response: Response) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return response;
    }
    match response.status() {
        StatusCode::NOT_FOUND => ApiError::refused(
            404,
            "not_found",
            "没有这个接口。请查阅开放接口文档（/open/docs）。".into(),
            "No such call. See the open API's documentation (/open/docs).".into(),
        )
        .into_response(),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = response.headers().get(header::ALLOW).cloned();
            let mut refused = ApiError::refused(
                405,
                "method_not_allowed",
                "这个接口不接受此请求方法。请查阅开放接口文档（/open/docs）。".into(),
                "This call does not take this method. See the open API's documentation (/open/docs).".into(),
            )
            .into_response();
            if let Some(allow) = allow {
                refused.headers_mut().insert(header::ALLOW, allow);
            }
            refused
        }
        _ => response,
    }
}

/// A JSON request body, refused with what was wrong in it.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::refused(
                415,
                "unsupported_media_type",
                "请求体须为JSON，请在请求头中设置 Content-Type: application/json。".into(),
                "The body must be JSON: send Content-Type: application/json.".into(),
            )),
            Err(rejection) => Err(ApiError::malformed(rejection.body_text())),
        }
    }
}

/// A created thing's id (201).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Where an SMS code went: the phone, masked.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CodeSent {
    pub phone_masked: String,
}

/// The answer of a step that answers nothing else.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// Status of the empty answer: 200 with `{"ok": true}`.
pub fn done() -> Json<Done> {
    Json(Done { ok: true })
}

/// 201 with the id.
pub fn created(id: i64) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id }))
}

/// An id in the path, refused with a clear message when it is not one.
pub struct Id(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::refused(
                404,
                "not_found",
                "地址中的编号不是数字，没有这项记录。".into(),
                "The id in the address is not a number; there is no such record.".into(),
            )),
        }
    }
}

/// The query string, refused with what was wrong in it.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(ApiError::refused(
                400,
                "malformed",
                format!("查询参数不正确：{}", rejection.body_text()),
                format!("The query is not right: {}", rejection.body_text()),
            )),
        }
    }
}
