//! Cross-site requests (跨站请求伪造, CSRF) over the whole project route
//! table: every state-changing entry (`server::http::routes::table()`, not
//! GET, HEAD or OPTIONS), sent by a logged-in client, is refused with 403
//! when it comes with a cross-site `Origin`, with `Sec-Fetch-Site:
//! cross-site`, or with the session cookie and neither header — and writes
//! nothing but the refusal's audit entry. Requests without a session cookie
//! and without either header (the payment gateway's notice, API clients)
//! go on, and so do the site's own pages.

use crate::authorization::address;
use crate::helpers::*;
use server::http::routes::{table, RouteEntry};
use std::collections::BTreeMap;

/// What the origin check answers (and no handler does).
const REFUSED: &str = "Cross-site request refused";

/// The audit action of a refusal.
const ACTION: &str = "security.cross_site_refused";

/// A client that keeps cookies and sends only the headers it is told to
/// (unlike `new_client`, which says `Sec-Fetch-Site: same-origin`).
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The three ways a state-changing request is cross-site.
const WAYS: [(&str, &[(&str, &str)]); 3] = [
    ("cross-site Origin", &[("origin", "http://evil.example")]),
    (
        "Sec-Fetch-Site: cross-site",
        &[("sec-fetch-site", "cross-site")],
    ),
    ("session cookie, neither header", &[]),
];

/// Rows in every table but the audit log, by table.
async fn row_counts(app: &TestApp) -> BTreeMap<String, i64> {
    let tables: Vec<String> = sqlx::query_scalar(match app.backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    })
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for table in tables.into_iter().filter(|t| t != "audit_log") {
        let n = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
        counts.insert(table, n);
    }
    counts
}

/// Sends one state-changing request with these headers; answers the
/// status and the body.
async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    entry: &RouteEntry,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = client
        .request(
            entry.method.clone(),
            format!("{}{}", app.base, address(entry)),
        )
        .header("accept", "application/json")
        .form(&[("id", "1")]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {entry:?}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn every_state_changing_entry_refuses_cross_site_requests(app: TestApp) {
    let mut entries: Vec<_> = table()
        .into_iter()
        .filter(|e| !matches!(e.method.as_str(), "GET" | "HEAD" | "OPTIONS"))
        .collect();
    // Were the check to let one through, logging out would end the session.
    entries.sort_by_key(|e| e.path == "/api/logout");
    assert!(entries.len() > 50, "{app}: {} entries", entries.len());
    let (login, password) = app.demo_login("Online-registered individual");
    let client = bare_client();
    // Logging in carries no session cookie yet: not refused.
    app.login(&client, &login, &password).await.expect("login");

    let audited_before = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{ACTION}'"
        ))
        .await;
    let rows_before = row_counts(&app).await;
    let mut let_through = Vec::new();
    for entry in &entries {
        for (way, headers) in WAYS {
            let (status, body) = send(&app, &client, entry, headers).await;
            // The open API takes no cookie: the origin check leaves it
            // alone, and a request without a key (a browser's) is refused
            // by its gate before anything is read.
            if entry.path.starts_with("/open/v1/") {
                if status != 401 || !body.contains("\"no_key\"") {
                    let_through.push(format!("{entry:?} with {way}: {status} {body:.120}"));
                }
                continue;
            }
            if status != 403 || !body.contains(REFUSED) {
                let_through.push(format!("{entry:?} with {way}: {status} {body:.120}"));
            }
        }
    }
    assert!(
        let_through.is_empty(),
        "{app}: {} cross-site requests not refused:\n{}",
        let_through.len(),
        let_through.join("\n")
    );
    // Nothing written but one audit entry per refusal.
    assert_eq!(row_counts(&app).await, rows_before, "{app}: rows written");
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{ACTION}'"
        ))
        .await;
    let checked = entries
        .iter()
        .filter(|e| !e.path.starts_with("/open/v1/"))
        .count();
    assert_eq!(
        audited - audited_before,
        3 * checked as i64,
        "{app}: every refusal audited"
    );
    let (subject, detail, ip): (String, String, String) = sqlx::query_as(&format!(
        "SELECT subject, detail, ip FROM audit_log WHERE action = '{ACTION}' ORDER BY id DESC LIMIT 1"
    ))
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    assert_eq!(subject, "path:/api/logout", "{app}");
    assert_eq!(
        detail, "POST the session cookie with neither Sec-Fetch-Site nor Origin",
        "{app}"
    );
    assert_eq!(ip, "127.0.0.1", "{app}");
    // The session is still there: the same client, as the site's own page.
    let (status, _) = send(
        &app,
        &client,
        entries.last().unwrap(),
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(status, 200, "{app}: logging out from the site's own page");
}

async fn requests_without_a_session_or_from_the_site_go_on(app: TestApp) {
    let entry = |path: &str| {
        table()
            .into_iter()
            .find(|e| e.path == path)
            .unwrap_or_else(|| panic!("{path} in the table"))
    };
    // No cookie, no header: an API client or a server.
    let anonymous = bare_client();
    let (status, body) = send(&app, &anonymous, &entry("/api/registration_windows"), &[]).await;
    assert_eq!(status, 200, "{app}: {body}");
    // The payment gateway's server-to-server notice reaches its handler
    // (which refuses a bad signature in its own words).
    let (_, body) = send(&app, &anonymous, &entry("/payments/notify"), &[]).await;
    assert!(!body.contains(REFUSED), "{app}: {body}");
    // Logged in, from the site's own pages: Origin or Sec-Fetch-Site.
    let (login, password) = app.demo_login("Online-registered individual");
    let client = bare_client();
    app.login(&client, &login, &password).await.expect("login");
    let my_account = entry("/api/my_account");
    let own_origin = app.base.clone();
    for headers in [
        vec![("origin", own_origin.as_str())],
        vec![("sec-fetch-site", "same-origin")],
    ] {
        let (status, body) = send(&app, &client, &my_account, &headers).await;
        assert_eq!(status, 200, "{app}: {headers:?}: {body}");
        assert!(body.contains("account_id"), "{app}: logged in: {body}");
    }
    // Reading needs no header.
    let page = client
        .get(format!("{}/account", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'security.cross_site_refused'")
            .await,
        0,
        "{app}"
    );
}

both_backends!(
    every_state_changing_entry_refuses_cross_site_requests,
    requests_without_a_session_or_from_the_site_go_on
);
