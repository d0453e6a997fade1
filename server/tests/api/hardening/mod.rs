//! Secure by default (安全加固), on both databases: request bodies and
//! times are bounded, the client's address is believed only from trusted
//! proxies, production cookies take `__Host-` and every answer HSTS, a
//! logged-in answer is never cached, every answer has a content security
//! policy, no page shows an error written into its address, and a stored
//! photo keeps no EXIF.

use crate::helpers::*;
use app::features::accounts::api::MyAccount;
use app::features::staff::SecondFactorStep;
use leptos::server_fn::ServerFn;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The server's answer to a `POST /api/login` whose body is `total` bytes,
/// sent in 64 KiB pieces with a `Content-Length`, or chunked without one.
/// Sent over a raw connection: the answer is read while the body is still
/// being written (a client that only reads after sending would see the
/// connection closed under it).
async fn post_huge_login(app: &TestApp, total: usize, declared: bool) -> (String, Duration) {
    let addr = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let framing = if declared {
        format!("Content-Length: {}\r\n", total + "identifier=".len())
    } else {
        "Transfer-Encoding: chunked\r\n".to_string()
    };
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n{framing}\r\n",
        app.base
    );
    let started = Instant::now();
    let writer = tokio::spawn(async move {
        write.write_all(head.as_bytes()).await?;
        let mut piece = b"identifier=".to_vec();
        let mut left = total;
        loop {
            let n = left.min(64 * 1024);
            piece.resize(piece.len() + n, b'a');
            if declared {
                write.write_all(&piece).await?;
            } else {
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(&piece);
                chunk.extend_from_slice(b"\r\n");
                write.write_all(&chunk).await?;
            }
            piece.clear();
            left -= n;
            if left == 0 {
                break;
            }
        }
        if !declared {
            write.write_all(b"0\r\n\r\n").await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let reading = async {
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            // The head and the short body have come.
            if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"\n") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), reading)
        .await
        .expect("an answer within 30 s");
    let elapsed = started.elapsed();
    writer.abort();
    (String::from_utf8_lossy(&answer).into_owned(), elapsed)
}

async fn oversized_bodies_are_refused_and_the_server_stays_up(app: TestApp) {
    for declared in [true, false] {
        let (answer, elapsed) = post_huge_login(&app, 8 << 20, declared).await;
        let how = if declared { "with a length" } else { "chunked" };
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "{app}: 8 MB {how}: {answer}"
        );
        assert!(
            answer.contains("64KB") && answer.contains("too large"),
            "{app}: {answer}"
        );
        println!("{app}: 8 MB login body {how}: 413 after {elapsed:?}");
    }
    // The server goes on: a health check and a real login.
    let res = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{app}");
    let client = logged_in(&app, "Online-registered individual").await;
    assert!(app.me(&client).await.is_some(), "{app}");
}
both_backends!(oversized_bodies_are_refused_and_the_server_stays_up);

/// A body sent too slowly is cut off with 408 (the request time is set to
/// 2 s here; 30 s by default).
async fn a_body_that_never_ends_is_cut_off(backend: Backend) {
    let app = spawn_with(backend, |config, _| {
        config.request_timeout = Duration::from_secs(2);
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nidentifier="
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{backend:?}: {answer}");
    assert!(started.elapsed() < Duration::from_secs(10), "{backend:?}");
}

mod a_body_that_never_ends_is_cut_off {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_body_that_never_ends_is_cut_off(crate::helpers::Backend::Sqlite).await
    }
}

/// The address a session was started from.
async fn session_ip(app: &TestApp, role: &str) -> String {
    let id = account_id(app, role).await;
    app.scalar(
        "SELECT ip FROM sessions WHERE account_id = $1 ORDER BY created_at DESC LIMIT 1",
        id,
    )
    .await
}

/// Logs in with this `X-Forwarded-For`.
async fn login_forwarded_for(app: &TestApp, role: &str, forwarded_for: &str) {
    let (login, password) = app.demo_login(role);
    let res = new_client()
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("accept", "application/json")
        .header("origin", &app.base)
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{app}: {}", res.status());
}

async fn a_forwarded_address_counts_only_from_a_trusted_proxy(app: TestApp) {
    // This server trusts no proxy: the header is the client's own word.
    login_forwarded_for(&app, "Online-registered individual", "203.0.113.7").await;
    assert_eq!(
        session_ip(&app, "Online-registered individual").await,
        "127.0.0.1",
        "{app}: a spoofed X-Forwarded-For is ignored"
    );
    // A server behind a proxy at 127.0.0.1: the right-most address that is
    // not the proxy is the client, whatever the client put before it.
    let behind = spawn_with(app.backend, |config, _| {
        config.trusted_proxies = server::http::client_ip::TrustedProxies::parse("127.0.0.1");
    })
    .await;
    login_forwarded_for(
        &behind,
        "Online-registered individual",
        "198.51.100.1, 203.0.113.7",
    )
    .await;
    assert_eq!(
        session_ip(&behind, "Online-registered individual").await,
        "203.0.113.7",
        "{behind}: the trusted proxy names the client"
    );
}
both_backends!(a_forwarded_address_counts_only_from_a_trusted_proxy);

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// `name=value` of the cookie called `name` among these `Set-Cookie`s.
fn cookie_pair(cookies: &[String], name: &str) -> Option<String> {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// Every kind of answer: a page, the 404 page, a server function, a
/// refusal, a file or its 404, a route, a 413.
async fn every_kind_of_answer(
    app: &TestApp,
    cookie: Option<&str>,
) -> Vec<(String, reqwest::Response)> {
    let client = new_client();
    let with = |b: reqwest::RequestBuilder| match cookie {
        Some(c) => b.header("cookie", c),
        None => b,
    };
    let mut answers = Vec::new();
    for path in [
        "/",
        "/no/such/page",
        "/healthz",
        "/favicon.svg",
        "/account/licence/photo/image",
    ] {
        let res = with(client.get(format!("{}{path}", app.base)))
            .send()
            .await
            .unwrap();
        answers.push((format!("GET {path}"), res));
    }
    let res = with(client.post(format!("{}{}", app.base, MyAccount::PATH)))
        .header("accept", "application/json")
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    answers.push(("POST my_account".into(), res));
    let res = with(client.post(format!("{}{}", app.base, MyAccount::PATH)))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    answers.push(("cross-site POST".into(), res));
    let res = with(client.post(format!("{}{}", app.base, MyAccount::PATH)))
        .header("origin", &app.base)
        .header("content-length", "1000000")
        .body(vec![b'a'; 1_000_000])
        .send()
        .await;
    if let Ok(res) = res {
        answers.push(("POST of 1 MB".into(), res));
    }
    answers
}

async fn production_cookies_take_host_and_every_answer_carries_hsts(app: TestApp) {
    let (login, password) = app.demo_login("Online-registered individual");
    let res = new_client()
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("origin", &app.base)
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&res);
    let session = cookie_pair(&cookies, "__Host-jgsid")
        .unwrap_or_else(|| panic!("{app}: a __Host- session cookie: {cookies:?}"));
    for cookie in &cookies {
        assert!(
            cookie.starts_with("__Host-")
                && cookie.contains("; Path=/")
                && cookie.contains("; Secure")
                && !cookie.to_ascii_lowercase().contains("domain="),
            "{app}: {cookie}"
        );
    }
    // The prefixed cookie is the session; the plain name is not.
    let token = session.split_once('=').unwrap().1;
    for (cookie, logged_in) in [(session.clone(), true), (format!("jgsid={token}"), false)] {
        let res = new_client()
            .get(format!("{}/account", app.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status() == 200,
            logged_in,
            "{app}: {cookie}: {}",
            res.status()
        );
    }
    for (what, res) in every_kind_of_answer(&app, Some(&session)).await {
        assert_eq!(
            res.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000; includeSubDomains"),
            "{app}: {what} ({})",
            res.status()
        );
    }

    // The staff second factor's cookie too, read back by its prefixed name.
    let (username, password) = app.demo_login("Window clerk");
    let res = new_client()
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("origin", &app.base)
        .header("accept", "application/json")
        .form(&[
            ("identifier", username.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&res);
    let challenge = cookie_pair(&cookies, "__Host-jgstaff2fa")
        .unwrap_or_else(|| panic!("{app}: a __Host- challenge cookie: {cookies:?}"));
    let token = challenge.split_once('=').unwrap().1;
    for (cookie, found) in [
        (challenge.clone(), true),
        (format!("jgstaff2fa={token}"), false),
    ] {
        let res = new_client()
            .post(format!("{}{}", app.base, SecondFactorStep::PATH))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().is_success(), found, "{app}: {cookie}");
    }

    // Development (plain HTTP on 127.0.0.1): plain names, no HSTS.
    let dev = spawn(app.backend).await;
    let (login, password) = dev.demo_login("Online-registered individual");
    let res = new_client()
        .post(format!(
            "{}{}",
            dev.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("origin", &dev.base)
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(cookie_pair(&set_cookies(&res), "jgsid").is_some(), "{dev}");
    assert!(
        res.headers().get("strict-transport-security").is_none(),
        "{dev}"
    );
}
both_backends!(start = crate::run_modes::spawn_production; production_cookies_take_host_and_every_answer_carries_hsts);

async fn logged_in_answers_are_not_cached_and_every_answer_has_a_csp(app: TestApp) {
    let (login, password) = app.demo_login("Online-registered individual");
    let client = new_client();
    let res = client
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("origin", &app.base)
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let session = cookie_pair(&set_cookies(&res), "jgsid").expect("a session cookie");

    for (what, res) in every_kind_of_answer(&app, Some(&session)).await {
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src"),
            "{app}: {what} ({}): CSP {csp:?}",
            res.status()
        );
        let html = header("content-type").starts_with("text/html");
        if what == "GET /" || what == "GET /no/such/page" {
            assert!(html && csp.contains("'nonce-"), "{app}: {what}: {csp}");
        } else if !html {
            assert_eq!(
                csp, "default-src 'none'; frame-ancestors 'none'",
                "{app}: {what}"
            );
        }
        // Nothing a logged-in person is answered stays in a cache (the
        // site's own files, the same for everyone, aside).
        let cache = header("cache-control");
        let static_file = what == "GET /favicon.svg" && res.status() == 200;
        assert!(
            static_file || cache.contains("no-store"),
            "{app}: {what} ({}): Cache-Control {cache:?}",
            res.status()
        );
    }
    // Anonymous answers are not forced to no-store (the pages say no-cache).
    for (what, res) in every_kind_of_answer(&app, None).await {
        if what == "POST my_account" || what == "GET /healthz" {
            assert!(
                res.headers().get("cache-control").is_none(),
                "{app}: {what}: {:?}",
                res.headers().get("cache-control")
            );
        }
        assert!(
            res.headers().contains_key("content-security-policy"),
            "{app}: {what}"
        );
    }
}
both_backends!(logged_in_answers_are_not_cached_and_every_answer_has_a_csp);

mod form_errors;
mod photos;
