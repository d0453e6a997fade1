//! The open API on both databases (开放接口): a driving school creates a
//! key on its dashboard and then works through the API alone — enters a
//! learner, confirms with the learner's code, registers the account, and
//! reads the booking's rank and the result after allocation — then revokes
//! the key, which is refused from the next call. Every refusal of a key
//! (none, unknown, wrong secret, expired, revoked, out of scope, grant
//! withdrawn, unit disabled, over the minute's quota) is checked, and what
//! the clients were told is compared with the database and the audit.

use crate::helpers::*;
use app::domain::api_key::CALLS_PER_MINUTE;
use app::features::api_keys::{RevokeApiKey, UnitApiKeys};
use serde_json::{json, Value};

const SCHOOL: &str = "Driving school (unit)";
const PASSWORD: &str = "Jiekou2026abc";

/// A client of the unit's own system: no cookie store, no browser headers.
fn system() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

/// One call: (status, body). A transport error fails the test.
async fn call(
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

fn public_id(key: &str) -> &str {
    &key[4..20]
}

async fn calls_audited(app: &TestApp, key: &str, action: &str) -> i64 {
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

async fn a_key_is_refused_unless_it_is_whole_live_in_scope_and_within_its_quota(app: TestApp) {
    let pool = &app.platform.store.pool;
    let school_id = account_id(&app, SCHOOL).await;
    let key = create_key(&app, SCHOOL, &["learners"], "30").await;
    let k = Some(key.as_str());
    let refused = |status: u16, body: &Value| {
        (
            status,
            body["error"]["code"].as_str().unwrap_or("").to_string(),
        )
    };

    // No key, not a key, a key with another secret.
    let (s, b) = call(&app, None, "GET", "/open/v1/learners", None).await;
    assert_eq!(refused(s, &b), (401, "no_key".into()), "{app}: {b}");
    let (s, b) = call(&app, Some("hello"), "GET", "/open/v1/learners", None).await;
    assert_eq!(refused(s, &b), (401, "unknown_key".into()), "{app}: {b}");
    let forged = format!("{}{}", &key[..21], "0".repeat(64));
    let (s, b) = call(&app, Some(&forged), "GET", "/open/v1/learners", None).await;
    assert_eq!(refused(s, &b), (401, "unknown_key".into()), "{app}: {b}");
    assert_eq!(
        calls_audited(&app, &key, "api_key.refused").await,
        1,
        "{app}: the forged secret, with the key's id"
    );
    // A session cookie is no key.
    let school = logged_in(&app, SCHOOL).await;
    let response = school
        .get(format!("{}/open/v1/learners", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "{app}");
    assert_eq!(response.headers()["www-authenticate"], "Bearer", "{app}");

    // The document is public; it names the calls.
    let (s, doc) = call(&app, None, "GET", "/open/v1/openapi.json", None).await;
    assert_eq!(s, 200, "{app}");
    assert!(
        doc["paths"]["/open/v1/learners/{id}/register"]["post"].is_object(),
        "{app}"
    );

    // Out of scope; a scope the unit may not give.
    let (s, b) = call(&app, k, "GET", "/open/v1/temporary-plates", None).await;
    assert_eq!(refused(s, &b), (403, "scope".into()), "{app}: {b}");
    let err = app
        .call_with(
            &school,
            "unit/create_api_key",
            &[
                ("name", "x"),
                ("scopes[]", "temporary_plates"),
                ("days", "30"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["scopes"], "{app}: {err}");
    // Ten active keys at most.
    for n in 0..9 {
        let name = format!("系统{n}");
        app.call_with(
            &school,
            "unit/create_api_key",
            &[
                ("name", name.as_str()),
                ("scopes[]", "learners"),
                ("days", "30"),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: key {n}: {e}"));
    }
    let err = app
        .call_with(
            &school,
            "unit/create_api_key",
            &[
                ("name", "第十一个"),
                ("scopes[]", "learners"),
                ("days", "30"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL")
            .await,
        10,
        "{app}"
    );
    // What the router answers itself comes in the same JSON shape; a body
    // that is not declared JSON is a 415.
    let (s, b) = call(&app, k, "GET", "/open/v1/nothing", None).await;
    assert_eq!(refused(s, &b), (404, "not_found".into()), "{app}: {b}");
    let (s, b) = call(&app, k, "DELETE", "/open/v1/learners", None).await;
    assert_eq!(
        refused(s, &b),
        (405, "method_not_allowed".into()),
        "{app}: {b}"
    );
    let response = system()
        .post(format!("{}/open/v1/learners", app.base))
        .bearer_auth(&key)
        .body(r#"{"id_number": "1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415, "{app}");
    assert_eq!(response.headers()["cache-control"], "no-store", "{app}");

    // A browser's origin check does not apply: no cookie, no session.
    let response = system()
        .post(format!("{}/open/v1/learners/999999/code", app.base))
        .bearer_auth(&key)
        .header("origin", "https://school.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        404,
        "{app}: past the origin check"
    );

    // The minute's quota, counted in the database for every server.
    let key_id: i64 = app
        .scalar(
            "SELECT id FROM api_keys WHERE public_id = $1",
            public_id(&key).to_string(),
        )
        .await;
    let counted: i64 = app
        .scalar(
            "SELECT CAST(SUM(calls) AS BIGINT) FROM api_key_calls WHERE key_id = $1",
            key_id,
        )
        .await;
    assert_eq!(
        counted,
        calls_audited(&app, &key, "api.call").await,
        "{app}: each call counted once"
    );
    sqlx::query("UPDATE api_key_calls SET calls = $1 WHERE key_id = $2")
        .bind(CALLS_PER_MINUTE)
        .bind(key_id)
        .execute(pool)
        .await
        .unwrap();
    let response = system()
        .get(format!("{}/open/v1/learners", app.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429, "{app}");
    // Past the quota: each call refused, the first one audited, none counted.
    for _ in 0..2 {
        let (s, b) = call(&app, k, "GET", "/open/v1/learners", None).await;
        assert_eq!(refused(s, &b), (429, "rate_limited".into()), "{app}: {b}");
    }
    let counted: i64 = app
        .scalar(
            "SELECT CAST(SUM(calls) AS BIGINT) FROM api_key_calls WHERE key_id = $1",
            key_id,
        )
        .await;
    assert_eq!(
        counted,
        CALLS_PER_MINUTE + 1,
        "{app}: the calls past it are not counted"
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'api.call' AND subject = $1 AND detail LIKE '% 429'",
    )
    .bind(format!("api_key:{}", &key[..20]))
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(audited, 1, "{app}: only the first refusal is audited");
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{app}: {wait}");
    app.clock.advance_secs(60);
    let (s, b) = call(&app, k, "GET", "/open/v1/learners", None).await;
    assert_eq!(s, 200, "{app}: the next minute: {b}");

    // The grant withdrawn at the window: refused at once.
    sqlx::query(
        "DELETE FROM unit_special_services WHERE account_id = $1 AND service = 'learner_pre_entry'",
    )
    .bind(school_id)
    .execute(pool)
    .await
    .unwrap();
    let (s, b) = call(&app, k, "POST", "/open/v1/learners/1/code", None).await;
    assert_eq!(refused(s, &b), (403, "not_granted".into()), "{app}: {b}");
    let (s, _) = call(&app, k, "GET", "/open/v1/learners", None).await;
    assert_eq!(s, 200, "{app}: the query is still granted");

    // The unit disabled; then the key expired.
    sqlx::query("UPDATE accounts SET disabled_at = 1 WHERE id = $1")
        .bind(school_id)
        .execute(pool)
        .await
        .unwrap();
    let (s, b) = call(&app, k, "GET", "/open/v1/learners", None).await;
    assert_eq!(refused(s, &b), (403, "unit_disabled".into()), "{app}: {b}");
    sqlx::query("UPDATE accounts SET disabled_at = NULL WHERE id = $1")
        .bind(school_id)
        .execute(pool)
        .await
        .unwrap();
    app.clock.advance_secs(30 * 86_400);
    let (s, b) = call(&app, k, "GET", "/open/v1/learners", None).await;
    assert_eq!(refused(s, &b), (401, "expired_key".into()), "{app}: {b}");
}

both_backends!(
    a_school_works_through_the_api_alone_and_a_revoked_key_is_refused,
    a_key_is_refused_unless_it_is_whole_live_in_scope_and_within_its_quota
);

async fn a_dealer_issues_and_revokes_a_plate_and_a_hospital_records_an_examination_through_the_api(
    app: TestApp,
) {
    let pool = &app.platform.store.pool;
    // The dealer: a plate for the buyer's new car, issued with the code
    // the buyer reads out, then revoked.
    let key = create_key(
        &app,
        crate::temporary_plates::DEALER,
        &["temporary_plates"],
        "30",
    )
    .await;
    let k = Some(key.as_str());
    let buyer = crate::temporary_plates::buyer(&app).await;
    let form = crate::temporary_plates::entry(&app, &buyer, "10");
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/temporary-plates",
        Some(json!({
            "vin": form.vin, "buyer_id_number": form.buyer_id_number, "buyer_name": form.buyer_name,
            "buyer_phone": form.buyer_phone, "prefix": form.prefix, "valid_from": form.valid_from, "days": form.days,
        })),
    )
    .await;
    assert_eq!(status, 201, "{app}: {body}");
    let id = body["id"].as_i64().unwrap();
    let code = app.latest_code(&buyer.2).await;
    let (status, plate) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/temporary-plates/{id}/issue"),
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!(status, 200, "{app}: {plate}");
    let (number, state): (String, String) =
        sqlx::query_as("SELECT number, state FROM temporary_plates WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        (plate["number"].as_str(), plate["state"].as_str()),
        (Some(number.as_str()), Some(state.as_str())),
        "{app}"
    );
    assert_eq!(
        (state.as_str(), plate["standing"].as_str()),
        ("issued", Some("valid")),
        "{app}"
    );
    let (status, list) = call(
        &app,
        k,
        "GET",
        &format!("/open/v1/temporary-plates?query={}", urlencoding(&number)),
        None,
    )
    .await;
    assert_eq!(
        (status, list["total"].as_i64()),
        (200, Some(1)),
        "{app}: {list}"
    );
    let (status, plate) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/temporary-plates/{id}/revoke"),
        Some(json!({"reason": "车辆退货"})),
    )
    .await;
    assert_eq!(
        (status, plate["state"].as_str()),
        (200, Some("revoked")),
        "{app}: {plate}"
    );
    let state: String = app
        .scalar("SELECT state FROM temporary_plates WHERE id = $1", id)
        .await;
    assert_eq!(state, "revoked", "{app}");

    // The hospital: an examination recorded, found by its number.
    let key = create_key(&app, "Hospital (unit)", &["physical_exams"], "30").await;
    let k = Some(key.as_str());
    let (id_number, name, class): (String, String, String) = sqlx::query_as(
        "SELECT p.id_number, p.name, l.class FROM persons p
         JOIN driving_licences l ON l.id_number = p.id_number ORDER BY p.id_number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let exam = crate::physical_exams::sound_exam(&app, &id_number, &name, &class);
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/physical-exams",
        Some(json!({
            "id_number": exam.id_number, "name": exam.name, "class": exam.class, "examined_on": exam.examined_on,
            "height_cm": exam.height_cm, "vision_left": exam.vision_left, "vision_right": exam.vision_right,
            "colour_vision": exam.colour_vision, "hearing": exam.hearing, "upper_limbs": exam.upper_limbs,
            "lower_limbs": exam.lower_limbs, "trunk_neck": exam.trunk_neck, "conclusion": exam.conclusion,
        })),
    )
    .await;
    assert_eq!(status, 201, "{app}: {body}");
    let certificate = body["certificate_no"].as_str().unwrap().to_string();
    let hospital: i64 = app
        .scalar(
            "SELECT hospital_account_id FROM physical_exams WHERE certificate_no = $1",
            certificate.clone(),
        )
        .await;
    assert_eq!(hospital, account_id(&app, "Hospital (unit)").await, "{app}");
    let (status, list) = call(
        &app,
        k,
        "GET",
        &format!("/open/v1/physical-exams?person={certificate}"),
        None,
    )
    .await;
    assert_eq!(
        (status, list["items"][0]["id"].as_i64()),
        (200, body["id"].as_i64()),
        "{app}: {list}"
    );
    assert_eq!(list["items"][0]["conclusion"], "fit", "{app}: {list}");
}

fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

both_backends!(
    a_dealer_issues_and_revokes_a_plate_and_a_hospital_records_an_examination_through_the_api
);
