//! The bad-input sweep (错误输入全覆盖): every server function of the route
//! table that takes input, called by a visitor who gets past its gate (the
//! authorization matrix says who), with its arguments carrying control
//! characters, with oversized arguments and with a body that is not UTF-8;
//! and every one, as a stranger, with an argument it does not know.
//!
//! None may answer 5xx or ask the person to check their network; the
//! damaged requests must be refused (4xx); an extra argument changes
//! nothing (forms posted without JavaScript send every named input). The
//! row counts of every table but the audit log, its seals and the
//! throttling records are the same before and after: bad input writes
//! nothing else. The closing note counts the requests sent.

use crate::authorization::{address, Seen, ARGS, MATRIX, O, VISITORS};
use crate::bad_input::NO_INPUT;
use crate::helpers::*;
use server::http::routes::{table, RouteEntry, Via};

/// Tables bad input may write to: the audit log and its seals (refusals
/// and security events are recorded), login and identity-check attempts
/// (throttling) and sessions (their idle timer).
const MAY_GROW: &[&str] = &[
    "audit_log",
    "audit_seals",
    "login_attempts",
    "sessions",
    "write_gate",
];

/// Every table's row count, by name.
async fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    let names_sql = match app.backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' ORDER BY table_name"
        }
    };
    let names: Vec<String> = sqlx::query_scalar(names_sql)
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap();
    let mut counts = Vec::new();
    for name in names
        .into_iter()
        .filter(|n| !MAY_GROW.contains(&n.as_str()))
    {
        let n = app.count(&format!("SELECT COUNT(*) FROM {name}")).await;
        counts.push((name, n));
    }
    counts
}

/// The first visitor the matrix lets past the entry's gate (anonymous
/// when nobody is).
fn past_the_gate(method: &str, path: &str) -> usize {
    let Some((_, _, outcomes)) = MATRIX.iter().find(|(m, p, _)| *m == method && *p == path) else {
        return 0;
    };
    outcomes
        .iter()
        .position(|o| {
            !matches!(
                o,
                O::NotLoggedIn | O::NotAllowed | O::S(401) | O::S(403) | O::To("/login")
            )
        })
        .unwrap_or(0)
}

/// Posts a raw form body to a server function.
async fn post_raw(
    app: &TestApp,
    client: &reqwest::Client,
    entry: &RouteEntry,
    body: Vec<u8>,
) -> (u16, String) {
    let response = client
        .post(format!("{}{}", app.base, address(entry)))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {}: transport error {e}", entry.path));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn encode(form: &[(String, String)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish()
        .into_bytes()
}

async fn every_server_function_refuses_damaged_arguments_and_writes_nothing(app: TestApp) {
    let entries: Vec<RouteEntry> = table()
        .into_iter()
        .filter(|e| e.via == Via::ServerFn && !NO_INPUT.contains(&e.path))
        .collect();
    let mut clients = vec![new_client()];
    for who in &VISITORS[1..] {
        clients.push(logged_in(&app, who).await);
    }
    let before = row_counts(&app).await;
    let mut sent = 0;
    let mut tested = 0;
    let mut wrong = Vec::new();
    for entry in &entries {
        let args: Vec<(String, String)> = ARGS
            .iter()
            .find(|(p, _)| *p == entry.path)
            .map(|(_, a)| {
                a.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        if args.is_empty() {
            continue;
        }
        tested += 1;
        let who = past_the_gate(entry.method.as_str(), entry.path);
        let client = &clients[who];
        let variants: [(&str, Vec<u8>); 3] = [
            (
                "control characters",
                encode(
                    &args
                        .iter()
                        .map(|(k, v)| (k.clone(), format!("{v}\u{0}\u{7}\u{1b}[2J\r\n\u{202e}")))
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "oversized",
                encode(
                    &args
                        .iter()
                        .map(|(k, v)| (k.clone(), format!("{v}{}", "车".repeat(5_000))))
                        .collect::<Vec<_>>(),
                ),
            ),
            ("not UTF-8", {
                let mut body = encode(&args[1..]);
                if !body.is_empty() {
                    body.push(b'&');
                }
                body.extend_from_slice(args[0].0.as_bytes());
                body.extend_from_slice(b"=%FF%FE%C3%28");
                body
            }),
        ];
        for (what, body) in variants {
            let (status, text) = post_raw(&app, client, entry, body).await;
            sent += 1;
            if !(400..500).contains(&status) || text.contains("检查网络") {
                wrong.push(format!(
                    "{} as {} with {what}: {status} {}",
                    entry.path,
                    VISITORS[who],
                    text.chars().take(160).collect::<String>()
                ));
            }
        }
        // An argument the function does not know is ignored: a stranger
        // gets what the matrix says strangers get.
        let mut extra = args.clone();
        extra.push(("submit_button".into(), "提交".into()));
        let (status, text) = post_raw(&app, &clients[0], entry, encode(&extra)).await;
        sent += 1;
        let expected = MATRIX
            .iter()
            .find(|(m, p, _)| *m == entry.method.as_str() && *p == entry.path)
            .map(|(_, _, o)| o[0]);
        let json = serde_json::from_str::<serde_json::Value>(&text).ok();
        let seen = Seen {
            status,
            kind: json.filter(|_| status >= 400).map(|v| kind(&v)),
            location: None,
        };
        if expected.is_none_or(|o| !seen.is(o, Via::ServerFn)) {
            wrong.push(format!(
                "{} with an extra argument: {} (matrix: {expected:?})",
                entry.path,
                seen.outcome()
            ));
        }
    }
    let after = row_counts(&app).await;
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| format!("{}: {} → {}", b.0, b.1, a.1))
        .collect();
    assert!(
        wrong.is_empty(),
        "{app}: {} of {sent} requests answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        changed.is_empty(),
        "{app}: bad input wrote rows: {changed:?}"
    );
    // Every server function that takes input has its arguments in the
    // matrix, so the sweep reaches them all.
    assert_eq!(sent, 4 * tested, "{app}");
    assert!(tested >= 55, "{app}: only {tested} server functions swept");
    if std::env::var("BAD_INPUT_PRINT").is_ok_and(|v| v == "1") {
        println!("{app}: {sent} damaged requests to {tested} server functions");
    }
}
both_backends!(every_server_function_refuses_damaged_arguments_and_writes_nothing);
