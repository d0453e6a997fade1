//! Every refusal of a key (开放接口密钥): none, not a key, another secret,
//! a session cookie instead, out of scope, too many keys, calls the router
//! does not know, the minute's quota, a grant withdrawn, the unit
//! disabled, the key expired.

use super::{call, calls_audited, create_key, public_id, system, SCHOOL};
use crate::helpers::*;
use app::domain::api_key::CALLS_PER_MINUTE;
use serde_json::Value;

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

both_backends!(a_key_is_refused_unless_it_is_whole_live_in_scope_and_within_its_quota);
