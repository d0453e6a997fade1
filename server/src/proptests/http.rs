//! What the HTTP layers parse, against a running server (SQLite, demo
//! data) over the loopback: the session cookie among any others, the
//! display switches' codes, `?back=` and Referer, the origin headers, and
//! the gateway's notice and return fields. No input gets a 5xx; a session
//! is found exactly when its token is sent; a switch goes back only to a
//! safe path on this site; a cross-site request that changes state is
//! refused.

use super::*;
use crate::Config;
use app::features::port::Actor;
use app::policy::{safe_return_path, SESSION_COOKIE};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::sync::OnceLock;

/// A server for all the properties here, started once per test process.
struct Server {
    runtime: tokio::runtime::Runtime,
    base: String,
    /// A live session's token (a demo individual's).
    token: String,
    client: reqwest::Client,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let (base, token) = runtime.block_on(async {
            let dir = std::env::temp_dir().join(format!("platform-proptests-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let config = Config::for_tests(&format!("sqlite://{}/platform.db", dir.display()));
            let platform = crate::prepare(&config).await.expect("the platform");
            crate::load_demo_if_empty(&platform).await.expect("the demo data");
            let id: i64 = sqlx::query_scalar(
                "SELECT id FROM accounts WHERE kind = 'individual' AND disabled_at IS NULL ORDER BY id LIMIT 1",
            )
            .fetch_one(&platform.store.pool)
            .await
            .expect("a demo individual");
            let actor = Actor { account_id: Some(id), ip: "127.0.0.1".into(), operator_id: None, api_key: None };
            let now = platform.ports.clock.now_ms();
            let token = platform
                .ports
                .accounts
                .create_session(id, &actor, "proptests", now)
                .await
                .expect("a session");
            let listener = tokio::net::TcpListener::bind(config.addr).await.expect("a port");
            let addr = listener.local_addr().expect("bound");
            tokio::spawn(async move {
                let _ = crate::serve(listener, &config, &platform).await;
            });
            (format!("http://{addr}"), token)
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        Server { runtime, base, token, client }
    })
}

/// Sends a request; the status, `Location`, `Set-Cookie` and body.
fn send(
    method: reqwest::Method,
    path: &str,
    headers: HeaderMap,
    body: Option<String>,
) -> (StatusCode, String, String, String) {
    let s = server();
    s.runtime.block_on(async {
        let mut request = s
            .client
            .request(method, format!("{}{path}", s.base))
            .headers(headers);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let response = request.send().await.expect("the server answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default()
        };
        let (location, cookie) = (header("location"), header("set-cookie"));
        let status = response.status();
        (
            status,
            location,
            cookie,
            response.text().await.unwrap_or_default(),
        )
    })
}

/// Bytes a header value may hold: visible ASCII, space, tab and obs-text
/// (0x80–0xFF, which is not UTF-8 on its own).
fn header_bytes(max: usize) -> impl Strategy<Value = HeaderValue> {
    let bytes: Vec<u8> = (0x20..=0x7e).chain([b'\t']).chain(0x80..=0xff).collect();
    vec(prop::sample::select(bytes), 0..=max)
        .prop_map(|b| HeaderValue::from_bytes(&b).expect("allowed bytes"))
}

/// Percent-encodes anything for a path segment or a query value.
fn encoded(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A cookie's value: a token's shape, near it, or anything.
fn cookie_value() -> BoxedStrategy<String> {
    prop_oneof![
        "[0-9a-f]{64}",
        "[0-9A-F]{64}",
        "[0-9a-fg]{63,65}",
        "\"[0-9a-f]{64}\"",
        "[ -:<-~]{0,30}",
    ]
    .boxed()
}

fn cookies(names: Vec<&'static str>) -> impl Strategy<Value = Vec<(String, String)>> {
    vec(
        (
            prop::sample::select(names).prop_map(String::from),
            cookie_value(),
        ),
        0..5,
    )
}

fn cookie_header(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The page that tells a session apart: without one the payer is sent to
/// log in; with one an unknown order is not found.
const PROBE: &str = "/payments/checkout?order_no=NO-SUCH-ORDER";

proptest! {
    #![proptest_config(config_with(96))]

    #[test]
    fn no_session_from_any_other_cookie(
        pairs in cookies(vec![SESSION_COOKIE, "JGSID", "jgsid ", "lang", "text", "a"]),
        raw in header_bytes(80),
        raw_first in any::<bool>(),
    ) {
        let s = server();
        let mut headers = HeaderMap::new();
        let cookie = HeaderValue::from_str(&cookie_header(&pairs)).expect("visible ASCII");
        let (first, second) = if raw_first { (raw, cookie) } else { (cookie, raw) };
        headers.append("cookie", first);
        headers.append("cookie", second);
        prop_assume!(!pairs.iter().any(|(_, v)| v.contains(&s.token)));
        let (status, location, _, _) = send(reqwest::Method::GET, PROBE, headers, None);
        prop_assert_eq!(status, StatusCode::SEE_OTHER);
        prop_assert_eq!(location, "/login");
    }

    #[test]
    fn the_session_is_found_among_any_other_cookies(
        before in cookies(vec!["lang", "text", "a", "jgsid2", "xjgsid"]),
        after in cookies(vec!["lang", "text", "b", "JGSID"]),
    ) {
        let s = server();
        let mut pairs = before;
        pairs.push((SESSION_COOKIE.to_string(), s.token.clone()));
        pairs.extend(after);
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_str(&cookie_header(&pairs)).expect("visible ASCII"));
        let (status, _, _, _) = send(reqwest::Method::GET, PROBE, headers, None);
        prop_assert_eq!(status, StatusCode::NOT_FOUND, "the session was not found");
    }

    #[test]
    fn display_switches_go_back_only_to_a_safe_path(
        switch in prop::sample::select(vec!["lang", "text-size"]),
        code in any_input("enzhlargestandard", 12),
        back in proptest::option::of(any_input("/account?=&#%2f\\:.", 40)),
        referer in proptest::option::of(header_bytes(60)),
    ) {
        let mut headers = HeaderMap::new();
        if let Some(r) = referer {
            headers.insert("referer", r);
        }
        let mut path = format!("/{switch}/{}", encoded(&code).replace('+', "%20"));
        if let Some(b) = &back {
            path.push_str(&format!("?back={}", encoded(b)));
        }
        let (status, location, cookie, _) = send(reqwest::Method::GET, &path, headers, None);
        prop_assert!(!status.is_server_error(), "{}", status);
        if status.is_redirection() {
            prop_assert!(location == "/" || safe_return_path(&location) == Some(location.as_str()), "{:?}", location);
            let expected = match switch {
                "lang" if code.trim().eq_ignore_ascii_case("en") => "lang=en;",
                "lang" => "lang=zh;",
                _ if code.trim().eq_ignore_ascii_case("large") => "text=large;",
                _ => "text=standard;",
            };
            prop_assert!(cookie.starts_with(expected), "{:?}", cookie);
        }
    }

    #[test]
    fn cross_site_changes_are_refused_and_no_notice_gets_a_server_error(
        fetch_site in proptest::option::of(prop_oneof![
            prop::sample::select(vec!["cross-site", "same-site", "same-origin", "none"]).prop_map(HeaderValue::from_static),
            header_bytes(16),
        ]),
        origin in proptest::option::of(prop_oneof![
            Just(HeaderValue::from_static("https://evil.example")),
            header_bytes(40),
        ]),
        fields in vec((any_input("order_noamountbank_refsignature", 12), any::<String>()), 0..6),
    ) {
        let mut headers = HeaderMap::new();
        if let Some(v) = &fetch_site {
            headers.insert("sec-fetch-site", v.clone());
        }
        if let Some(v) = &origin {
            headers.insert("origin", v.clone());
        }
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
        let (status, _, _, text) = send(reqwest::Method::POST, "/payments/notify", headers, Some(body));
        prop_assert!(!status.is_server_error(), "{} {}", status, text);
        let cross = match fetch_site.as_ref().map(|v| v.as_bytes()) {
            Some(b"cross-site" | b"same-site") => true,
            Some(_) => false,
            None => origin.as_ref().is_some_and(|o| o.as_bytes() == b"https://evil.example"),
        };
        if cross {
            prop_assert_eq!(status, StatusCode::FORBIDDEN);
            prop_assert!(text.contains("Cross-site"), "{}", text);
        } else if fetch_site.as_ref().is_some_and(|v| v.as_bytes() == b"same-origin") {
            prop_assert!(!text.contains("Cross-site"));
        }
        let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
        let (status, location, _, _) = send(reqwest::Method::GET, &format!("/payments/return?{query}"), HeaderMap::new(), None);
        prop_assert!(status.is_redirection(), "{}", status);
        prop_assert!(safe_return_path(&location).is_some(), "{:?}", location);
    }
}
