//! The open API's documentation (开放接口文档): the OpenAPI 3 document,
//! generated from the handlers and their types by `utoipa`, and a page
//! that shows it with Swagger UI. Swagger UI's files come from the npm
//! package `swagger-ui-dist` that `make` installs under `api-docs/`
//! (`OPEN_API_DOCS_DIR` names another place); nothing is fetched from
//! elsewhere, at build time or by the browser.

use super::errors::{CodeSent, Created, Done, ErrorBody, ErrorDetail, FieldError};
use super::{learners, physical_exams, temporary_plates};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Where the document is served (no key needed).
pub const DOCUMENT_PATH: &str = "/open/v1/openapi.json";
/// Where Swagger UI's files are looked for when `OPEN_API_DOCS_DIR` is
/// not set (relative to the working directory, as `target/site` is).
pub const DEFAULT_DIR: &str = "api-docs/node_modules/swagger-ui-dist";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "互联网交通安全综合服务管理平台 开放接口 / Open API",
        version = "1",
        description = "For the systems of units granted entrusted services (委托业务): driving schools, hospitals and car dealers. \
Each call sends `Authorization: Bearer <key>`; the unit's own account creates keys on its dashboard (单位管理 → 开放接口密钥), \
each with scopes among the unit's granted services, an expiry, and revocation at any time. \
A key may make 120 calls a minute (429 with `Retry-After` beyond). Every call is recorded in the unit's audit with the key. \
Errors answer `{\"error\": {\"code\", \"message\", \"message_en\", ...}}`."
    ),
    paths(
        learners::list,
        learners::enter,
        learners::resend_code,
        learners::confirm,
        learners::register,
        learners::withdraw,
        temporary_plates::list,
        temporary_plates::one,
        temporary_plates::enter,
        temporary_plates::resend_code,
        temporary_plates::issue,
        temporary_plates::withdraw,
        temporary_plates::revoke,
        physical_exams::list,
        physical_exams::record,
        physical_exams::submit_certificate,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldError, Created, CodeSent, Done)),
    modifiers(&KeyScheme),
    tags(
        (name = "learners", description = "驾校学员业务: learner pre-entry, registration at the school, bookings and results (scope `learners`)"),
        (name = "temporary_plates", description = "临时号牌核发: a dealer's temporary plates (scope `temporary_plates`)"),
        (name = "physical_exams", description = "驾驶人体检和身体条件证明: a hospital's examinations and certificates (scope `physical_exams`)"),
    )
)]
pub struct OpenApiDoc;

struct KeyScheme;

impl Modify for KeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some("开放接口密钥 (jgk_…), created by the unit's own account".into());
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

/// The document as JSON.
pub fn document() -> String {
    OpenApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}

/// `GET /open/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        document(),
    )
        .into_response()
}

/// The page's policy: this site's scripts and styles (Swagger UI styles
/// some elements inline), its SVG icons as data, calls to this site only.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn docs_dir() -> std::path::PathBuf {
    std::env::var_os("OPEN_API_DOCS_DIR")
        .map(Into::into)
        .unwrap_or_else(|| DEFAULT_DIR.into())
}

/// `GET /open/docs`: the document in Swagger UI, or, when its files are
/// not installed, a page that says so and links the document itself.
pub async fn page() -> Response {
    let installed = docs_dir().join("swagger-ui-bundle.js").is_file();
    let body = if installed {
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>开放接口文档 Open API - 互联网交通安全综合服务管理平台</title>
<link rel="stylesheet" href="/open/docs/swagger-ui.css"><link rel="stylesheet" href="/open/docs/platform.css"></head>
<body><header style="padding:0.75rem 1.25rem;font-family:sans-serif;border-bottom:1px solid #ddd"><a href="/">互联网交通安全综合服务管理平台</a> · <a href="/unit/api-keys">开放接口密钥 API keys</a></header>
<main><h1 style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">开放接口文档 Open API</h1><div id="swagger-ui"></div></main>
<script src="/open/docs/swagger-ui-bundle.js"></script><script src="/open/docs/start.js"></script></body></html>"#
    } else {
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>开放接口文档 Open API - 互联网交通安全综合服务管理平台</title></head>
<body><main><h1>开放接口文档 Open API</h1>
<p>本服务器未安装接口文档浏览组件。接口说明文件：<a href="/open/v1/openapi.json">/open/v1/openapi.json</a>（OpenAPI 3）。</p>
<p lang="en">The documentation viewer is not installed on this server. The document itself: <a href="/open/v1/openapi.json">/open/v1/openapi.json</a> (OpenAPI 3).</p>
</main></body></html>"#
    };
    let mut response = Html(body).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    );
    response
}

/// Starts Swagger UI on the document (a file: the page allows no inline
/// script).
const START_JS: &str = r#"window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/open/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: false, validatorUrl: null });
});
"#;

/// Swagger UI's colours darkened to a contrast of 4.5:1 or more on white
/// (WCAG 2.1 AA): the method badges, links, the version badges, the
/// Authorize button and the schemas' expand buttons.
const PLATFORM_CSS: &str = r#".swagger-ui .info .title small { background: #555; }
.swagger-ui .info .title small.version-stamp { background: #3d6b00; }
.swagger-ui .info a, .swagger-ui .info .url, .swagger-ui .info .link { color: #1d4f91; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize span { color: #1e6b45; border-color: #1e6b45; }
.swagger-ui .btn.authorize svg { fill: #1e6b45; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f5f99; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1e6b45; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3262d; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #1d4f91; }
"#;

/// `GET /open/docs/{file}`: Swagger UI's script and style sheet, the
/// script that starts it and the colours that make it readable.
pub async fn file(Path(name): Path<String>) -> Response {
    let (content_type, body) = match name.as_str() {
        "start.js" => ("text/javascript", Ok(START_JS.as_bytes().to_vec())),
        "platform.css" => ("text/css", Ok(PLATFORM_CSS.as_bytes().to_vec())),
        "swagger-ui-bundle.js" => (
            "text/javascript",
            tokio::fs::read(docs_dir().join(&name)).await,
        ),
        "swagger-ui.css" => ("text/css", tokio::fs::read(docs_dir().join(&name)).await),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match body {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_every_call_and_the_key() {
        let doc: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/open/v1/learners",
            "/open/v1/learners/{id}/register",
            "/open/v1/temporary-plates/{id}/issue",
            "/open/v1/physical-exams/{id}/certificate",
        ] {
            assert!(paths.contains_key(path), "{path} missing");
        }
        assert_eq!(
            doc["components"]["securitySchemes"]["api_key"]["scheme"],
            "bearer"
        );
        assert!(doc["components"]["schemas"]["LearnerIn"].is_object());
    }
}
