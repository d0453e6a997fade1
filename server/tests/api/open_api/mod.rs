//! The open API on both databases (开放接口): a driving school creates a
//! key on its dashboard and then works through the API alone — enters a
//! learner, confirms with the learner's code, registers the account, and
//! reads the booking's rank and the result after allocation — then revokes
//! the key, which is refused from the next call. Every refusal of a key
//! (none, unknown, wrong secret, expired, revoked, out of scope, grant
//! withdrawn, unit disabled, over the minute's quota) is checked, and what
//! the clients were told is compared with the database and the audit.

use crate::helpers::*;
use app::features::api_keys::{RevokeApiKey, UnitApiKeys};
use serde_json::{json, Value};

mod refusals;
mod units;

pub(super) const SCHOOL: &str = "Driving school (unit)";
const PASSWORD: &str = "Jiekou2026abc";

/// A client of the unit's own system: no cookie store, no browser headers.
pub(super) fn system() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

/// One call: (status, body). A transport error fails the test.
pub(super) async fn call(
    app: &TestApp,
    key: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = system();
    let url = format!("{}{path}", app.base);
    let mut request = match method {
        "GET" => client.get(&url),
        "POST" => client.post(&url),
        "DELETE" => client.delete(&url),
        other => panic!("method {other}"),
    };
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {method} {path}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{app}: {method} {path} {status}: not JSON ({e}): {text}"));
    (status, value)
}

/// Creates a key on the dashboard, as the unit's own account; answers it as
/// the page showed it once.
pub(crate) async fn create_key(app: &TestApp, role: &str, scopes: &[&str], days: &str) -> String {
    let unit = logged_in(app, role).await;
    let mut form = vec![("name", "驾校管理系统"), ("days", days)];
    form.extend(scopes.iter().map(|s| ("scopes[]", *s)));
    app.call_with(&unit, "unit/create_api_key", &form)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let page = app.call_fn(&unit, UnitApiKeys {}).await.unwrap();
    let key = page["new_key"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{app}: the new key is shown: {page}"))
        .to_string();
    // Once only.
    let again = app.call_fn(&unit, UnitApiKeys {}).await.unwrap();
    assert!(again["new_key"].is_null(), "{app}: shown once: {again}");
    assert!(
        !again.to_string().contains(&key[21..]),
        "{app}: never the secret again"
    );
    key
}

pub(super) fn public_id(key: &str) -> &str {
    &key[4..20]
}

pub(super) async fn calls_audited(app: &TestApp, key: &str, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2")
        .bind(action)
        .bind(format!("api_key:{}", &key[..20]))
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
}

async fn a_school_works_through_the_api_alone_and_a_revoked_key_is_refused(app: TestApp) {
    let pool = &app.platform.store.pool;
    let school_id = account_id(&app, SCHOOL).await;
    let key = create_key(&app, SCHOOL, &["learners"], "90").await;
    let digest: String = app
        .scalar(
            "SELECT secret_digest FROM api_keys WHERE public_id = $1",
            public_id(&key).to_string(),
        )
        .await;
    assert_eq!(digest.len(), 64, "{app}");
    assert!(!digest.contains(&key[21..]), "{app}: only a digest is kept");
    let (id_number, name, phone): (String, String, String) = sqlx::query_as(
        "SELECT p.id_number, p.name, p.phone FROM persons p
         JOIN learner_records l ON l.id_number = p.id_number
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id_number = p.id_number)
         ORDER BY p.id_number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let k = Some(key.as_str());
    let mut made = 0;

    // Fields refused each by name; a body that is not the JSON expected
    // says what is wrong with it.
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/learners",
        Some(json!({"id_number": "1", "name": "", "phone": "2", "class": "B2"})),
    )
    .await;
    made += 1;
    assert_eq!(status, 400, "{app}: {body}");
    assert_eq!(body["error"]["code"], "fields", "{app}: {body}");
    let mut named: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    named.sort();
    assert_eq!(named, ["class", "id_number", "name", "phone"], "{app}");
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/learners",
        Some(json!({"id_number": id_number})),
    )
    .await;
    made += 1;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("malformed")),
        "{app}: {body}"
    );
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("name"),
        "{app}: {body}"
    );

    // Entered; the learner's code confirms it.
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/learners",
        Some(json!({"id_number": id_number, "name": name, "phone": phone, "class": "C1"})),
    )
    .await;
    made += 1;
    assert_eq!(status, 201, "{app}: {body}");
    let id = body["id"].as_i64().unwrap();
    let (school, state): (i64, String) =
        sqlx::query_as("SELECT school_account_id, state FROM learner_entries WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        (school, state.as_str()),
        (school_id, "awaiting_learner"),
        "{app}"
    );
    let code = app.latest_code(&phone).await;
    let (status, body) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/learners/{id}/confirm"),
        Some(json!({"code": code})),
    )
    .await;
    made += 1;
    assert_eq!((status, &body), (200, &json!({"ok": true})), "{app}");
    let (status, body) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/learners/{id}/register"),
        Some(json!({"password": PASSWORD, "password_confirm": PASSWORD})),
    )
    .await;
    made += 1;
    assert_eq!(status, 201, "{app}: {body}");
    let account = body["id"].as_i64().unwrap();
    let (by, channel): (i64, String) = sqlx::query_as(
        "SELECT registered_by, channel FROM accounts WHERE id = $1 AND id_number = $2",
    )
    .bind(account)
    .bind(&id_number)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((by, channel.as_str()), (school_id, "window"), "{app}");
    // Another school's entry, or none: not found, never another's.
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/learners/999999/confirm",
        Some(json!({"code": "123456"})),
    )
    .await;
    made += 1;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found")),
        "{app}: {body}"
    );
    let (status, body) = call(&app, k, "DELETE", "/open/v1/learners/abc", None).await;
    made += 1;
    assert_eq!(status, 404, "{app}: {body}");

    // The learner books on the platform; the administrator allocates.
    let (_, session) = crate::learners::books_subject_one(&app, &id_number, PASSWORD).await;
    let (status, list) = call(&app, k, "GET", "/open/v1/learners", None).await;
    made += 1;
    assert_eq!(status, 200, "{app}: {list}");
    let row = &list["items"][0];
    assert_eq!(
        (row["id"].as_i64(), row["state"].as_str()),
        (Some(id), Some("registered")),
        "{app}: {row}"
    );
    assert_eq!(row["bookings"][0]["status"], "pending", "{app}: {row}");
    crate::learners::allocates(&app, session).await;
    sqlx::query(
        "INSERT INTO exam_results (id_number, subject, day, passed) VALUES ($1, '1', $2, 1)",
    )
    .bind(&id_number)
    .bind(app.platform.ports.clock.today().to_string())
    .execute(pool)
    .await
    .unwrap();
    let (status, list) = call(&app, k, "GET", "/open/v1/learners?page=1", None).await;
    made += 1;
    assert_eq!(status, 200, "{app}: {list}");
    let (db_status, rank): (String, i64) =
        sqlx::query_as("SELECT status, rank FROM exam_bookings WHERE id_number = $1")
            .bind(&id_number)
            .fetch_one(pool)
            .await
            .unwrap();
    let row = &list["items"][0];
    assert_eq!(
        row["bookings"][0]["status"],
        db_status.as_str(),
        "{app}: {row}"
    );
    assert_eq!(
        row["bookings"][0]["rank"], rank,
        "{app}: the rank the database holds"
    );
    assert_eq!(
        row["results"][0],
        json!({"subject": "1", "day": app.platform.ports.clock.today().to_string(), "passed": true}),
        "{app}: {row}"
    );
    assert!(
        !list.to_string().contains(&id_number),
        "{app}: ID numbers masked"
    );

    // Every call audited with the key, refused ones too; the steps as well.
    assert_eq!(calls_audited(&app, &key, "api.call").await, made, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('learner.enter', 'learner.confirm', 'learner.register')").await,
        3,
        "{app}"
    );

    // The steps' own entries name the key, in their own transactions.
    let with_key: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'learner.%' AND actor_api_key = $1 AND actor_account_id = $2",
    )
    .bind(&key[..20])
    .bind(school_id)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        with_key, 3,
        "{app}: entered, confirmed, registered with the key"
    );

    // Revoked on the dashboard: the next call is refused, and audited.
    let key_id: i64 = app
        .scalar(
            "SELECT id FROM api_keys WHERE public_id = $1",
            public_id(&key).to_string(),
        )
        .await;
    let unit = logged_in(&app, SCHOOL).await;
    app.call_fn(&unit, RevokeApiKey { id: key_id })
        .await
        .unwrap();
    let (status, body) = call(&app, k, "GET", "/open/v1/learners", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("revoked_key")),
        "{app}: {body}"
    );
    assert_eq!(
        calls_audited(&app, &key, "api_key.refused").await,
        1,
        "{app}"
    );
    assert_eq!(
        calls_audited(&app, &key, "api.call").await,
        made,
        "{app}: not counted as a call"
    );
    let err = app
        .call_fn(&unit, RevokeApiKey { id: key_id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: revoked once: {err}");
}

both_backends!(a_school_works_through_the_api_alone_and_a_revoked_key_is_refused);
