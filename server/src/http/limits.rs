//! Request limits (请求限制): how large a request body may be and how long
//! a request may take, for every request, before any handler or session
//! lookup runs.
//!
//! Server functions (`server_fn` 0.8) read the whole body into memory and
//! axum's `DefaultBodyLimit` does not reach them, so without this an
//! anonymous multi-gigabyte `POST /api/login` would be held in memory. Here
//! a body over [`BODY_LIMIT`] is refused with 413: at once when its
//! `Content-Length` says so, or as soon as that much has arrived of a body
//! sent without one (chunked). A body within the limit is read here and
//! handed on whole. The licence-photo upload has its own, larger limit
//! ([`super::photos`]) and a longer time ([`UPLOAD_TIMEOUT`]).
//!
//! Every request must be answered within [`REQUEST_TIMEOUT`] (408
//! otherwise; `REQUEST_TIMEOUT_SECS` changes it), reading of its body
//! included, so a body sent a byte a minute does not hold a connection and
//! its memory for ever.

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;
use std::time::Duration;

/// The largest request body read (64 KiB). The platform's forms are small:
/// the longest free-text field takes 200 characters (a refusal reason, a
/// note), an address 120; the largest form, an application, is under 4 KB
/// even with every Chinese character percent-encoded (9 bytes each); the
/// payment gateway's notice is under 3 KB. 64 KiB leaves ten times that and
/// keeps what a flood of anonymous requests can make the server hold small.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long a request may take, its body included (30 s by default).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a licence-photo upload may take (2 minutes, or the request
/// time if that is longer: a phone photo of several MB over a weak mobile
/// network).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The routes that read their own bodies with their own limit.
pub const OWN_BODY_LIMIT: &[&str] = &["/account/licence/photo/upload"];

/// The middleware: the body limit, then the handler, all within the time.
/// Its state is the request time (`WebState::request_timeout`).
pub async fn request_limits(
    State(request_timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let own_limit = OWN_BODY_LIMIT.contains(&request.uri().path());
    let time = if own_limit {
        UPLOAD_TIMEOUT.max(request_timeout)
    } else {
        request_timeout
    };
    let work = async move {
        let request = if own_limit {
            request
        } else {
            match within_body_limit(request).await {
                Ok(request) => request,
                Err(refused) => return refused,
            }
        };
        next.run(request).await
    };
    match tokio::time::timeout(time, work).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = time.as_secs(), "request timed out");
            timed_out(time)
        }
    }
}

/// The request with its body read (at most [`BODY_LIMIT`] bytes), or the
/// answer refusing it.
async fn within_body_limit(request: Request) -> Result<Request, Response> {
    if declared_length(request.headers()).is_some_and(|n| n > BODY_LIMIT as u64) {
        tracing::warn!(uri = %request.uri(), "request body over the limit (declared)");
        return Err(too_large());
    }
    if request.body().size_hint().exact() == Some(0) {
        return Ok(request);
    }
    let (parts, mut body) = request.into_parts();
    let mut read = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(frame) = frame else {
            return Err(unreadable());
        };
        if let Ok(data) = frame.into_data() {
            if read.len() + data.len() > BODY_LIMIT {
                tracing::warn!(uri = %parts.uri, "request body over the limit (streamed)");
                return Err(too_large());
            }
            read.extend_from_slice(&data);
        }
    }
    Ok(Request::from_parts(parts, Body::from(read)))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::CONNECTION, HeaderValue::from_static("close")),
        ],
        text,
    )
        .into_response()
}

/// 413, in both languages (the session and the language are not read yet).
pub fn too_large() -> Response {
    let kb = BODY_LIMIT / 1024;
    plain(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "提交的内容过大（超过{kb}KB），未予处理。\n\
             The request is too large (over {kb} KB) and was not processed.\n"
        ),
    )
}

/// 408, in both languages.
fn timed_out(time: Duration) -> Response {
    let secs = time.as_secs();
    plain(
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "请求未能在{secs}秒内完成，请稍后重试。\n\
             The request was not completed within {secs} seconds. Please try again.\n"
        ),
    )
}

/// 400: the body broke off or was not valid HTTP framing.
fn unreadable() -> Response {
    plain(
        StatusCode::BAD_REQUEST,
        "请求内容不完整，未予处理。\nThe request was incomplete and was not processed.\n".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route(
                "/echo",
                post(|body: axum::body::Bytes| async move { body.len().to_string() }),
            )
            .route(
                OWN_BODY_LIMIT[0],
                post(|body: axum::body::Bytes| async move { body.len().to_string() })
                    .layer(axum::extract::DefaultBodyLimit::disable()),
            )
            .route(
                "/slow",
                post(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_millis(200),
                request_limits,
            ))
    }

    async fn post_to(path: &str, body: Body, length: Option<usize>) -> (StatusCode, String) {
        let mut request = Request::post(path);
        if let Some(n) = length {
            request = request.header(header::CONTENT_LENGTH, n);
        }
        let response = app().oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn bodies_within_the_limit_pass_whole() {
        let (status, body) = post_to("/echo", Body::from(vec![b'a'; BODY_LIMIT]), None).await;
        assert_eq!((status, body), (StatusCode::OK, BODY_LIMIT.to_string()));
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_at_once() {
        let (status, body) = post_to("/echo", Body::empty(), Some(BODY_LIMIT + 1)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("64KB") && body.contains("64 KB"), "{body}");
        let (status, _) = post_to("/echo", Body::from(vec![b'a'; BODY_LIMIT + 1]), None).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_request_over_its_time_is_answered_408() {
        let (status, body) = post_to("/slow", Body::empty(), None).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert!(body.contains("Please try again"), "{body}");
    }

    #[test]
    fn the_routes_with_their_own_limit_are_in_the_route_table() {
        for path in OWN_BODY_LIMIT {
            assert!(
                super::super::routes::table()
                    .iter()
                    .any(|e| e.path == *path && e.method == axum::http::Method::POST),
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn the_photo_upload_keeps_its_own_limit() {
        let big = 3 * BODY_LIMIT;
        let (status, body) = post_to(OWN_BODY_LIMIT[0], Body::from(vec![b'a'; big]), None).await;
        assert_eq!((status, body), (StatusCode::OK, big.to_string()));
    }
}
