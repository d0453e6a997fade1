//! Pages without an island get no WASM (无交互页面不下载 WASM).
//!
//! Every page is rendered by the one shell, whose head names the JS and
//! WASM that hydrate islands. A page with no island (the home page, the
//! windows list, most of what a citizen reads) needs neither, and on a slow
//! phone they are most of what it downloads; so once the page is rendered
//! (pages render completely before the response starts), this layer takes
//! the hydration tags out of any page whose body holds no island. Whether a
//! page is interactive is read from what was rendered, so a page that gains
//! an island gains its script with no list to keep.

use super::headers::StaticFile;
use app::i18n::Lang;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where an island starts in rendered HTML.
const ISLAND: &str = "<leptos-island";
/// What hydration adds to a page: the preloads of the JS and the WASM
/// (`HydrationScripts`), the module script that loads both, and the inline
/// scripts that hand resources and streamed chunks to the WASM, all inline
/// and carrying the page's nonce. A page's own script file (`<script
/// src=…>`, the licence photo page's) stays.
const PRELOADS: [&str; 2] = ["<link rel=\"modulepreload\"", "<link rel=\"preload\""];
const SCRIPTS: [&str; 2] = ["<script type=\"module\"", "<script nonce="];
const SCRIPT_END: &str = "</script>";

/// The middleware, on every response: an HTML page without an island
/// leaves without the hydration tags.
pub async fn leave_out_unused_scripts(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"));
    if !html || response.extensions().get::<StaticFile>().is_some() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The page is already whole in memory: reading it adds no limit to lift.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let error = app::error::internal("reading a rendered page", error);
            let text = [Lang::Zh, Lang::En]
                .map(|lang| error.summary(lang))
                .join("\n");
            return (StatusCode::INTERNAL_SERVER_ERROR, text).into_response();
        }
    };
    let page = std::str::from_utf8(&bytes).ok().and_then(without_hydration);
    let body = match page {
        Some(page) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(page)
        }
        None => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// The page without its hydration tags, when it has some and no island.
pub fn without_hydration(page: &str) -> Option<String> {
    if page.contains(ISLAND) {
        return None;
    }
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    let mut removed = false;
    while let Some((start, end)) = next_hydration_tag(rest) {
        out.push_str(&rest[..start]);
        rest = &rest[end..];
        removed = true;
    }
    out.push_str(rest);
    removed.then_some(out)
}

/// The first hydration tag in `html`: where it starts and ends. One pass
/// over the tags (every page goes through here).
fn next_hydration_tag(html: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = html[from..].find('<') {
        let start = from + offset;
        let tag = &html[start..];
        let end = if SCRIPTS.iter().any(|p| tag.starts_with(p)) {
            tag.find(SCRIPT_END).map(|e| e + SCRIPT_END.len())
        } else if PRELOADS.iter().any(|p| tag.starts_with(p)) {
            tag.find('>').map(|e| e + 1)
        } else {
            from = start + 1;
            continue;
        };
        return end.map(|end| (start, start + end));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "<head><link rel=\"stylesheet\" href=\"/pkg/p.css\"><link rel=\"modulepreload\" href=\"/pkg/p.js\" crossorigin=\"n\"><link rel=\"preload\" href=\"/pkg/p.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"n\"><script type=\"module\" nonce=\"n\">((a) => {})(\"\")</script><title>T</title></head>";
    const TAIL: &str = "<script src=\"/page.js\" defer></script><script nonce=\"n\">__RESOLVED_RESOURCES=[];</script><script nonce=\"n\">__INCOMPLETE_CHUNKS=[];</script>";

    #[test]
    fn a_page_without_islands_loses_exactly_the_hydration_tags() {
        let page = format!("<!DOCTYPE html><html>{HEAD}<body><main>读</main>{TAIL}</body></html>");
        let out = without_hydration(&page).expect("stripped");
        assert_eq!(
            out,
            "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/pkg/p.css\"><title>T</title></head><body><main>读</main><script src=\"/page.js\" defer></script></body></html>"
        );
    }

    #[test]
    fn a_page_with_an_island_keeps_them() {
        let page = format!(
            "<html>{HEAD}<body><leptos-island data-component=\"X\"></leptos-island></body></html>"
        );
        assert_eq!(without_hydration(&page), None);
    }

    #[test]
    fn a_page_without_the_tags_is_left_alone() {
        assert_eq!(without_hydration("<html><body>refused</body></html>"), None);
    }
}
