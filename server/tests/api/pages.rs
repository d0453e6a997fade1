//! Every page for every visitor (页面): rendered without leaked source,
//! and unknown addresses answered with the platform's own 404 page.

use crate::helpers::*;

/// The text a person sees on a page: the HTML without scripts, styles and tags.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let lower = tail.get(..7).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            tail.find("</script>").map(|i| i + 9)
        } else if lower.starts_with("<style") {
            tail.find("</style>").map(|i| i + 8)
        } else {
            tail.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => {
                out.push(' ');
                rest = &tail[n..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every route of the app, rendered for every kind of visitor, shows no
/// Rust source as text (a `>` inside a `view!` attribute closure once ended
/// the tag and printed the closure on the page), never fails with a 500,
/// is not kept by the browser when it shows a logged-in visitor's page,
/// and names the JS and WASM only when it has an island.
async fn every_page_renders_without_leaked_source_for_every_visitor(app: TestApp) {
    const LEAKS: &[&str] = &[
        "move |",
        "move||",
        ".get()",
        "get_untracked",
        "on : click",
        "on:click",
        "aria - ",
        "class:",
        "=> ",
    ];
    let violation_id = app
        .count("SELECT MIN(id) FROM violations")
        .await
        .to_string();
    let routes: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert!(routes.len() >= 25, "{app}: route list {routes:?}");
    let mut paths = Vec::new();
    for route in &routes {
        let values: &[&str] = if route.contains("code") {
            &["V1", "V4", "D1", "D10", "D11", "ZZ"]
        } else if route.contains("id") {
            &[violation_id.as_str()]
        } else if route.contains(":no") || route.contains("{no}") {
            &["NO-SUCH-NUMBER"]
        } else {
            &[""]
        };
        for v in values {
            let path = route
                .split('/')
                .map(|seg| {
                    if seg.starts_with(':') || seg.starts_with('{') {
                        v.to_string()
                    } else {
                        seg.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            paths.push(if path.is_empty() { "/".into() } else { path });
        }
    }
    paths.push("/register/online?kind=learner".into());
    paths.push("/no/such/page".into());
    let visitors = [
        None,
        Some("Online-registered"),
        Some("Window-registered"),
        Some("Car dealer"),
        Some("Window clerk"),
    ];
    for visitor in visitors {
        let client = new_client();
        if let Some(role) = visitor {
            let (login, password) = app.demo_login(role);
            app.login(&client, &login, &password)
                .await
                .unwrap_or_else(|e| panic!("{app}: {role} logs in: {e}"));
        }
        for path in &paths {
            let res = client
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{app} {visitor:?} {path}: {e}"));
            let status = res.status();
            assert!(
                !status.is_server_error(),
                "{app} {visitor:?} {path}: {status}"
            );
            // Someone's records are never kept by the browser (Back after
            // logging out, Back to a submitted form).
            if visitor.is_some() && status == 200 {
                let cache = res
                    .headers()
                    .get("cache-control")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(
                    cache.contains("no-store"),
                    "{app} {visitor:?} {path}: cache-control {cache:?}"
                );
            }
            let link = res
                .headers()
                .get("link")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let html = res.text().await.unwrap();
            // A page loads the JS and WASM exactly when it has an island
            // to hydrate (a phone downloads no WASM for a page to read).
            let islands = html.contains("<leptos-island");
            let hydration = [
                "modulepreload",
                ".wasm",
                "<script type=\"module\"",
                "<script nonce=",
            ]
            .map(|tag| html.contains(tag));
            assert_eq!(
                hydration, [islands; 4],
                "{app} {visitor:?} {path}: islands {islands}, hydration tags {hydration:?}"
            );
            // ... and names them (as its head does) in its Link header,
            // for the browser to fetch before it parses the head.
            assert_eq!(
                link.contains(".wasm>; rel=preload"),
                islands,
                "{app} {visitor:?} {path}: Link {link:?}"
            );
            for named in link.split(", ").filter(|_| islands) {
                let href = named
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap_or("");
                assert!(
                    html.contains(&format!(" href=\"{href}\"")),
                    "{app} {visitor:?} {path}: Link names {href}, the page does not"
                );
            }
            let text = visible_text(&html);
            for leak in LEAKS {
                assert!(
                    !text.contains(leak),
                    "{app} {visitor:?} {path}: page text shows source `{leak}`: …{}…",
                    text.split(leak)
                        .next()
                        .unwrap_or("")
                        .chars()
                        .rev()
                        .take(80)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>()
                );
            }
        }
    }
}
both_backends!(every_page_renders_without_leaked_source_for_every_visitor);

/// An unknown address gets the platform's own 404 page, in the visitor's
/// language, with the way home — not an empty answer the browser replaces.
async fn unknown_addresses_get_the_platform_404_page(app: TestApp) {
    for (cookie, heading) in [("lang=zh", "页面不存在"), ("lang=en", "Page not found")] {
        let res = app
            .client
            .get(format!("{}/no/such/page?x=1", app.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 404, "{app}");
        assert!(res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")));
        let body = res.text().await.unwrap();
        assert!(body.contains(heading), "{app}: {body}");
        assert!(body.contains("href=\"/\""), "{app}: a link home");
    }
}
both_backends!(unknown_addresses_get_the_platform_404_page);
