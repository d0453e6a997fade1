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
use app::ui::assets::hash_of;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Where an island starts in rendered HTML.
const ISLAND: &str = "<leptos-island";
/// What hydration adds to a page: the preloads of the JS and the WASM
/// (`HydrationScripts`), the module script that loads both, and the inline
/// scripts that hand resources and streamed chunks to the WASM. The
/// platform's pages have no other script (the content security policy
/// allows only these).
const PRELOADS: [&str; 2] = ["<link rel=\"modulepreload\"", "<link rel=\"preload\""];
const SCRIPT: &str = "<script";
const SCRIPT_END: &str = "</script>";

/// The WASM each lazy island needs beyond the main module, from the split
/// build's manifest (`cargo leptos build --split`): a page with such an
/// island preloads those files with the main module instead of asking for
/// them only once the main module runs (a round trip later on a phone).
#[derive(Debug, Default)]
pub struct IslandFiles {
    pkg: String,
    /// The loader's name (`login_form_loader_<n>`) → files, without `.wasm`.
    needs: Vec<(String, Vec<String>)>,
    /// The split module's loader script.
    loader_js: Option<String>,
}

impl IslandFiles {
    /// Reads the manifest the site's build wrote, if it split the WASM.
    pub fn of_site(options: &LeptosOptions) -> IslandFiles {
        let hashes = options
            .hash_files
            .then(|| std::fs::read_to_string(options.hash_file.as_ref()).ok())
            .flatten()
            .unwrap_or_default();
        let named = |stem: &str, kind: &str, ext: &str, plain: &str| match hash_of(&hashes, kind) {
            Some(hash) => format!("{stem}.{hash}.{ext}"),
            None => plain.to_string(),
        };
        let pkg = format!("{}/{}", options.site_root, options.site_pkg_dir);
        let manifest = named(
            "__wasm_split_manifest",
            "manifest",
            "json",
            "__wasm_split_manifest.json",
        );
        let Ok(text) = std::fs::read_to_string(format!("{pkg}/{manifest}")) else {
            return IslandFiles::default();
        };
        let needs: std::collections::BTreeMap<String, Vec<String>> =
            match serde_json::from_str(&text) {
                Ok(needs) => needs,
                Err(error) => {
                    tracing::error!(%error, manifest, "the split WASM manifest does not read");
                    return IslandFiles::default();
                }
            };
        IslandFiles {
            pkg: format!("/{}", options.site_pkg_dir),
            needs: needs.into_iter().collect(),
            loader_js: Some(named(
                "__wasm_split",
                "split",
                "js",
                "__wasm_split.______________________.js",
            )),
        }
    }

    /// Preload tags for the lazy islands of a rendered page.
    fn preloads(&self, page: &str) -> String {
        let mut files: Vec<&str> = Vec::new();
        for component in page.split("data-component=\"").skip(1) {
            let Some(id) = component.split('"').next() else {
                continue;
            };
            let name = id.rsplit_once('_').map_or(id, |(name, _)| name);
            let prefix = format!("{}_loader_", snake_case(name));
            for (_, needed) in self
                .needs
                .iter()
                .filter(|(key, _)| key.starts_with(&prefix))
            {
                for file in needed {
                    if !files.contains(&file.as_str()) {
                        files.push(file);
                    }
                }
            }
        }
        let Some(loader) = self.loader_js.as_deref().filter(|_| !files.is_empty()) else {
            return String::new();
        };
        let pkg = &self.pkg;
        let mut tags = format!(
            "<link rel=\"modulepreload\" href=\"{pkg}/{loader}\" crossorigin=\"anonymous\">"
        );
        for file in files {
            tags.push_str(&format!(
                "<link rel=\"preload\" href=\"{pkg}/{file}.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\">"
            ));
        }
        tags
    }
}

/// `OnlineRegistrationForm` → `online_registration_form`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The middleware, on every response: an HTML page without an island
/// leaves without the hydration tags; one with lazy islands preloads
/// their files.
pub async fn leave_out_unused_scripts(
    State(files): State<Arc<IslandFiles>>,
    request: Request,
    next: Next,
) -> Response {
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
    let page = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|page| without_hydration(page).or_else(|| with_island_preloads(page, &files)));
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

/// The page with its lazy islands' files preloaded, when it has some.
fn with_island_preloads(page: &str, files: &IslandFiles) -> Option<String> {
    let head_end = page.find("</head>")?;
    let tags = files.preloads(page);
    if tags.is_empty() {
        return None;
    }
    Some(format!("{}{tags}{}", &page[..head_end], &page[head_end..]))
}

/// The first hydration tag in `html`: where it starts and ends. One pass
/// over the tags (every page goes through here).
fn next_hydration_tag(html: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = html[from..].find('<') {
        let start = from + offset;
        let tag = &html[start..];
        let end = if tag.starts_with(SCRIPT) {
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
    const TAIL: &str = "<script nonce=\"n\">__RESOLVED_RESOURCES=[];</script><script nonce=\"n\">__INCOMPLETE_CHUNKS=[];</script>";

    #[test]
    fn a_page_without_islands_loses_exactly_the_hydration_tags() {
        let page = format!("<!DOCTYPE html><html>{HEAD}<body><main>读</main>{TAIL}</body></html>");
        let out = without_hydration(&page).expect("stripped");
        assert_eq!(
            out,
            "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/pkg/p.css\"><title>T</title></head><body><main>读</main></body></html>"
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
    fn a_lazy_island_preloads_the_files_it_needs_once_each() {
        let files = IslandFiles {
            pkg: "/pkg".into(),
            needs: vec![
                (
                    "login_form_loader_41".into(),
                    vec!["chunk_1.h".into(), "split_login_form_loader_41.h".into()],
                ),
                (
                    "online_registration_form_loader_7".into(),
                    vec!["chunk_1.h".into(), "chunk_2.h".into()],
                ),
                (
                    "register_unit_form_loader_9".into(),
                    vec!["chunk_3.h".into()],
                ),
            ],
            loader_js: Some("__wasm_split.s.js".into()),
        };
        let page = "<html><head><title>T</title></head><body><leptos-island data-component=\"OnlineRegistrationForm_123\"></leptos-island><leptos-island data-component=\"LoginForm_9\"></leptos-island><leptos-island data-component=\"Countdown_5\"></leptos-island></body></html>";
        let out = with_island_preloads(page, &files).expect("preloads");
        let head = &out[..out.find("</head>").unwrap()];
        assert_eq!(head.matches("href=\"").count(), 4, "{head}");
        for file in [
            "/pkg/__wasm_split.s.js",
            "/pkg/chunk_1.h.wasm",
            "/pkg/chunk_2.h.wasm",
            "/pkg/split_login_form_loader_41.h.wasm",
        ] {
            assert_eq!(head.matches(file).count(), 1, "{file} in {head}");
        }
        assert!(!head.contains("chunk_3"), "{head}");
        let eager_only = "<html><head></head><body><leptos-island data-component=\"Countdown_5\"></leptos-island></body></html>";
        assert_eq!(with_island_preloads(eager_only, &files), None);
        assert_eq!(
            snake_case("OnlineRegistrationForm"),
            "online_registration_form"
        );
    }

    #[test]
    fn a_page_without_the_tags_is_left_alone() {
        assert_eq!(without_hydration("<html><body>refused</body></html>"), None);
    }
}
