//! The site's files (站点文件): the style sheet, the JS and WASM of the
//! interactive parts, the icon.
//!
//! - Served as the release build compressed them (`--precompress`: brotli
//!   at quality 11 and gzip beside each file), so nothing is compressed
//!   per request and a phone gets the smallest form its browser takes.
//! - Under `/pkg/`, when the build named the files by their content (the
//!   hash file is there), kept by browsers for a year without asking again
//!   (`immutable`): a new build has new names. Everything else is asked
//!   for again each time (`no-cache`), answered "not modified" when it is.

use super::{headers, not_found, WebState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Cache policy of a file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of every other file: kept, but checked each time.
pub const REVALIDATE: &str = "no-cache";

/// The router's fallback: a file of the site, or the app's 404 page.
pub fn service(state: WebState) -> axum::Router {
    let site_root = state.leptos.site_root.to_string();
    let hashed = state.leptos.hash_files;
    let pkg = format!("/{}/", state.leptos.site_pkg_dir);
    let files = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(not_found::service(state))
        .map_response(headers::mark_static);
    axum::Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(
            (hashed, std::sync::Arc::<str>::from(pkg)),
            cache_policy,
        ))
}

async fn cache_policy(
    State((hashed, pkg)): State<(bool, std::sync::Arc<str>)>,
    request: Request,
    next: Next,
) -> Response {
    let named_by_content = hashed && request.uri().path().starts_with(&*pkg);
    let mut response = next.run(request).await;
    if response.extensions().get::<headers::StaticFile>().is_some() {
        let policy = if named_by_content {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
