//! Pages without an island get no WASM (无交互页面不下载 WASM).
//!
//! Every page is rendered by the one shell, whose head names the JS and
//! WASM that hydrate islands. A page with no island (the home page, the
//! windows list, most of what a citizen reads) needs neither, and on a slow
//! phone they are most of what it downloads; so once the page is rendered
//! (pages render completely before the response starts), this layer takes
//! the hydration tags out of any page whose body holds no island. Whether a
//! page is interactive is read from what was rendered, so a page that gains
//! an island gains its script with no list to keep. A page that keeps
//! them names its files in a `Link` header too ([`preload_header`]).

use super::headers::StaticFile;
use app::i18n::Lang;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::http::HeaderValue;
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
    let text = std::str::from_utf8(&bytes).ok();
    let body = match text.and_then(without_hydration) {
        Some(page) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(page)
        }
        None => {
            let preloads = text.and_then(preload_header);
            if let Some(value) = preloads.and_then(|v| HeaderValue::from_str(&v).ok()) {
                parts.headers.insert(header::LINK, value);
            }
            Body::from(bytes)
        }
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

/// The `Link` header (预加载) of a page that hydrates: its stylesheet, JS
/// and WASM, as its head names them. A phone starts fetching them from the
/// response's headers, before its slow CPU has parsed the head (measured on
/// the slow-phone profile, each load in a new renderer: the WASM arrived
/// about 40 ms sooner). The WASM
/// is fetched as the JS fetches it (CORS, no credentials), so the preload
/// is the one download.
pub fn preload_header(page: &str) -> Option<String> {
    if !page.contains(ISLAND) {
        return None;
    }
    let head = &page[..page.find("</head>")?];
    let href = |tag_start: &str| -> Option<&str> {
        let tag = &head[head.find(tag_start)?..];
        let tag = &tag[..tag.find('>')?];
        let value = &tag[tag.find(" href=\"")? + 7..];
        Some(&value[..value.find('"')?])
    };
    let css = href("<link rel=\"stylesheet\"");
    let js = href(PRELOADS[0])?;
    let wasm = href(PRELOADS[1])?;
    let mut links = Vec::with_capacity(3);
    if let Some(css) = css {
        links.push(format!("<{css}>; rel=preload; as=style"));
    }
    links.push(format!("<{js}>; rel=modulepreload"));
    links.push(format!(
        "<{wasm}>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin"
    ));
    Some(links.join(", "))
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
    fn a_page_with_an_island_names_its_files_in_a_link_header() {
        let page = format!(
            "<html>{HEAD}<body><leptos-island data-component=\"X\"></leptos-island></body></html>"
        );
        assert_eq!(
            preload_header(&page).as_deref(),
            Some("</pkg/p.css>; rel=preload; as=style, </pkg/p.js>; rel=modulepreload, </pkg/p.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin")
        );
        let without = format!("<html>{HEAD}<body><main>读</main></body></html>");
        assert_eq!(preload_header(&without), None, "no island, no preloads");
        let unnamed = "<html><head></head><body><leptos-island></leptos-island></body></html>";
        assert_eq!(preload_header(unnamed), None, "nothing to name");
    }

    #[test]
    fn a_page_without_the_tags_is_left_alone() {
        assert_eq!(without_hydration("<html><body>refused</body></html>"), None);
    }
}
