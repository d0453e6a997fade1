//! Page throughput (页面吞吐): how many pages the server renders per second
//! next to how many files of the same size it serves, in one run.
//!
//! Starts the real app (release build) on a fresh database with one
//! citizen logged in, renders their account page once, and saves that very
//! page as a static file in the site root. Then, for the same time each and
//! on the same keep-alive connections: the home page (anonymous), the
//! account page (a session looked up, the person's records read, the page
//! rendered) and the saved file. A request that fails or answers other than
//! 200 with the full page fails the bench. Bodies are uncompressed (no
//! `Accept-Encoding`), so the comparison is of rendering against serving a
//! file; the target is the account page at half the file's rate or more.
//!
//! ```sh
//! cargo bench -p server --bench rush -- pages
//! PAGES_CONNECTIONS=64 PAGES_SECONDS=10 cargo bench -p server --bench rush -- pages
//! ```

use crate::common::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The account page's share of the file's requests per second to reach.
const TARGET_SHARE: f64 = 0.5;

pub async fn run() {
    let connections = env_num("PAGES_CONNECTIONS", 16);
    let seconds = env_num("PAGES_SECONDS", if measuring() { 5 } else { 1 }) as u64;
    let site = std::env::temp_dir().join(format!("pages_site_{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let site_root = site.display().to_string();
    let bench = start_with("pages", |config| config.site_root = site_root).await;
    let now = server::clock::unix_ms();
    let mut tx = bench.platform.store.pool.begin().await.unwrap();
    let (token, _, _) = person_with_session(&mut tx, 1, "owner_or_driver", now).await;
    tx.commit().await.unwrap();
    let cookie = session_cookie(&token);

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/account", bench.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("the account page answers");
    assert_eq!(page.status(), 200, "the account page");
    let page = page.bytes().await.unwrap();
    std::fs::write(site.join("same-size.html"), &page).unwrap();
    println!(
        "page throughput on {}: {connections} keep-alive connections, {seconds} s each, account page {:.1} KB",
        bench.backend,
        page.len() as f64 / 1024.0
    );

    let mut ok = true;
    let mut rates = Vec::new();
    for (what, path, with_session) in [
        ("home page /", "/", false),
        ("account page /account", "/account", true),
        ("file of the same size", "/same-size.html", false),
    ] {
        let url = Arc::new(format!("{}{path}", bench.base));
        let cookie = with_session.then(|| cookie.clone());
        let tally = hammer(
            &client,
            url,
            cookie,
            connections,
            Duration::from_secs(seconds),
        )
        .await;
        println!(" {what}");
        let failed = tally.failed;
        let rate = tally.done as f64 / seconds as f64;
        tally.report("pages", seconds as f64);
        ok &= check(
            "no failed requests",
            failed == 0,
            format!("{failed} failed"),
        );
        rates.push(rate);
    }
    let share = rates[1] / rates[2].max(1.0);
    println!(
        "  account page at {:.0}% of the file's requests per second (target {:.0}%: {})",
        share * 100.0,
        TARGET_SHARE * 100.0,
        if share >= TARGET_SHARE {
            "met"
        } else {
            "not met"
        }
    );
    let _ = std::fs::remove_dir_all(&site);
    bench.finish(ok).await;
}

/// `connections` clients asking for `url` one request after another until
/// `time` is up.
async fn hammer(
    client: &reqwest::Client,
    url: Arc<String>,
    cookie: Option<String>,
    connections: usize,
    time: Duration,
) -> Tally {
    let until = Instant::now() + time;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (client, url, cookie) = (client.clone(), url.clone(), cookie.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < until {
                    let t = Instant::now();
                    let mut request = client.get(url.as_str());
                    if let Some(cookie) = &cookie {
                        request = request.header("cookie", cookie);
                    }
                    let outcome = match request.send().await {
                        Err(e) => Outcome::Failed(format!("transport: {e}")),
                        Ok(res) if res.status() != 200 => {
                            Outcome::Failed(format!("HTTP {}", res.status()))
                        }
                        Ok(res) => match res.bytes().await {
                            Ok(body)
                                if body.ends_with(b"</html>") || body.ends_with(b"</html>\n") =>
                            {
                                Outcome::Done(serde_json::Value::Null)
                            }
                            Ok(body) => {
                                Outcome::Failed(format!("a cut page of {} bytes", body.len()))
                            }
                            Err(e) => Outcome::Failed(format!("reading: {e}")),
                        },
                    };
                    tally.record(&outcome, t.elapsed());
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        all.merge(task.await.unwrap());
    }
    all
}
