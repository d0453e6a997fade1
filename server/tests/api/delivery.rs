//! What a phone downloads (静态文件交付), on both databases: the site's
//! files go out as the release build compressed them and, named by their
//! content, are kept by the browser for good; pages name those names; a
//! page without an island names no script at all (every page is checked
//! in `pages.rs`).

use crate::helpers::*;
use std::path::PathBuf;

const CSS: &str = "body{margin:0}";
const CSS_HASH: &str = "c55Hash_-1";
const JS_HASH: &str = "j5Hash";
const WASM_HASH: &str = "w45mHash";

/// A release build's site, in miniature: content-named files under `pkg/`
/// with their brotli and gzip forms beside them, the hash file, an icon.
fn built_site() -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "site_{}_{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let css = format!("platform.{CSS_HASH}.css");
    std::fs::write(pkg.join(&css), CSS).unwrap();
    // Not real compressed data: the test tells which form was served.
    std::fs::write(pkg.join(format!("{css}.br")), b"BROTLI FORM").unwrap();
    std::fs::write(pkg.join(format!("{css}.gz")), b"GZIP FORM").unwrap();
    std::fs::write(pkg.join(format!("platform.{JS_HASH}.js")), "export {}").unwrap();
    std::fs::write(pkg.join(format!("platform.{WASM_HASH}.wasm")), b"\0asm").unwrap();
    std::fs::write(root.join("favicon.svg"), "<svg/>").unwrap();
    std::fs::write(
        root.join(server::config::HASH_FILE),
        format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .unwrap();
    root
}

async fn spawn_on_built_site(backend: Backend) -> TestApp {
    let site = built_site();
    spawn_with(backend, move |config, _| {
        config.site_root = site.display().to_string();
    })
    .await
}

async fn get(app: &TestApp, path: &str, encoding: Option<&str>) -> (u16, String, String, Vec<u8>) {
    // No automatic decompression in this client: the bytes as sent.
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    let res = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app} {path}: {e}"));
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (status, encoding, cache) = (
        res.status().as_u16(),
        header("content-encoding"),
        header("cache-control"),
    );
    (status, encoding, cache, res.bytes().await.unwrap().to_vec())
}

/// Each file goes out in the smallest form the browser takes, made at
/// build time; a content-named file is kept for a year without asking
/// again, anything else is asked for again each time.
async fn site_files_go_out_precompressed_and_cached_by_their_content_name(app: TestApp) {
    let css = format!("/pkg/platform.{CSS_HASH}.css");
    let (status, encoding, cache, body) = get(&app, &css, Some("gzip, deflate, br")).await;
    assert_eq!(
        (status, encoding.as_str(), body.as_slice()),
        (200, "br", b"BROTLI FORM".as_slice()),
        "{app}"
    );
    assert_eq!(cache, "public, max-age=31536000, immutable", "{app}");
    let (_, encoding, _, body) = get(&app, &css, Some("gzip")).await;
    assert_eq!(
        (encoding.as_str(), body.as_slice()),
        ("gzip", b"GZIP FORM".as_slice()),
        "{app}"
    );
    let (_, encoding, _, body) = get(&app, &css, None).await;
    assert_eq!(
        (encoding.as_str(), body.as_slice()),
        ("", CSS.as_bytes()),
        "{app}"
    );
    let (status, _, cache, _) = get(&app, "/favicon.svg", Some("br")).await;
    assert_eq!((status, cache.as_str()), (200, "no-cache"), "{app}");
    // A name that is not there is the app's 404 page, not a cached answer.
    let (status, _, cache, _) = get(&app, "/pkg/platform.css", Some("br")).await;
    assert_eq!(status, 404, "{app}");
    assert!(!cache.contains("immutable"), "{app}: {cache}");
}

/// Pages name the content-named files: the style sheet on every page, the
/// JS and WASM on a page with an island.
async fn pages_name_the_files_by_their_content(app: TestApp) {
    let (_, _, _, home) = get(&app, "/", None).await;
    let home = String::from_utf8(home).unwrap();
    assert!(
        home.contains(&format!("href=\"/pkg/platform.{CSS_HASH}.css\"")),
        "{app}: {home}"
    );
    assert!(
        !home.contains(".wasm") && !home.contains("<script"),
        "{app}: the home page has no island"
    );
    let (_, _, _, login) = get(&app, "/login", None).await;
    let login = String::from_utf8(login).unwrap();
    assert!(
        login.contains("<leptos-island"),
        "{app}: the login form is an island"
    );
    assert!(
        login.contains(&format!("/pkg/platform.{JS_HASH}.js")),
        "{app}: {login}"
    );
    assert!(
        login.contains(&format!("/pkg/platform.{WASM_HASH}.wasm")),
        "{app}: {login}"
    );
}

both_backends!(start = crate::delivery::spawn_on_built_site;
    site_files_go_out_precompressed_and_cached_by_their_content_name,
    pages_name_the_files_by_their_content,
);
