//! The audit log's hash chain (审计日志防篡改): the sealing job seals the
//! entries in id order, `server verify-audit` checks the chain and names
//! the first entry changed, deleted or slipped in after sealing; the app's
//! own database connection can not change or delete an entry or a seal;
//! and on PostgreSQL the sealer waits for a transaction that took a lower
//! id to commit before it seals past it.

use crate::helpers::*;
use app::domain::audit::SecurityEvent;
use app::ports::Actor;
use server::cli::verify_audit;

/// Writes one security event through the port (its own transaction).
async fn event(app: &TestApp, n: usize) {
    app.platform
        .ports
        .audit
        .security_event(
            &Actor {
                account_id: None,
                ip: "10.0.0.1".into(),
                operator_id: None,
                api_key: None,
            },
            &SecurityEvent::LoginFailed {
                identifier: format!("user{n}"),
                reason: "password".into(),
            },
        )
        .await
        .unwrap();
}

async fn seal(app: &TestApp) -> usize {
    app.platform
        .ports
        .audit
        .seal(app.clock.now_ms())
        .await
        .unwrap()
}

/// Runs a statement on the app's own pool; answers its error, if any.
async fn try_sql(app: &TestApp, sql: &str) -> Option<String> {
    sqlx::query(sql)
        .execute(&app.platform.store.pool)
        .await
        .err()
        .map(|e| e.to_string())
}

async fn sql(app: &TestApp, sql: &str) {
    if let Some(e) = try_sql(app, sql).await {
        panic!("{app}: {sql}: {e}");
    }
}

/// The triggers that keep entries as written.
pub(crate) fn drop_triggers(app: &TestApp) -> &'static [&'static str] {
    match app.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER audit_log_append_only ON audit_log"],
    }
}

async fn sealed_entries_verify_and_a_tampered_one_is_named(app: TestApp) {
    for n in 0..5 {
        event(&app, n).await;
    }
    let (login, password) = app.demo_login("Online-registered individual");
    app.login(&new_client(), &login, &password).await.unwrap();
    let entries = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(entries >= 6, "{app}: {entries}");

    // The scheduled job seals them all.
    let outcomes =
        server::jobs::run_once(server::jobs::JOBS, &app.platform.ports, app.clock.now_ms()).await;
    let sealing = outcomes
        .iter()
        .find(|o| o.job == "audit log sealing")
        .expect("the sealing job runs with the others");
    assert!(
        matches!(sealing.result, Ok(n) if n as i64 >= entries),
        "{app}: {sealing:?}"
    );
    // The sealing job runs last: what the jobs before it wrote is sealed too.
    assert_eq!(seal(&app).await, 0, "{app}: all sealed");
    let total = app.count("SELECT COUNT(*) FROM audit_log").await;
    let report = verify_audit(&app.platform).await.expect("a whole chain");
    assert!(
        report.starts_with(&format!("OK: {total} audit entries sealed")),
        "{app}: {report}"
    );
    assert!(
        report.ends_with("0 newer entries not sealed yet"),
        "{app}: {report}"
    );

    // A newer entry waits for the next run.
    event(&app, 99).await;
    let report = verify_audit(&app.platform).await.unwrap();
    assert!(
        report.ends_with("1 newer entries not sealed yet"),
        "{app}: {report}"
    );
    assert_eq!(seal(&app).await, 1, "{app}");
    assert_eq!(seal(&app).await, 0, "{app}: nothing twice");

    // Changed behind the database's back (its trigger dropped first).
    let middle: i64 = app
        .scalar(
            "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET $1",
            total / 2,
        )
        .await;
    let detail: String = app
        .scalar("SELECT detail FROM audit_log WHERE id = $1", middle)
        .await;
    for statement in drop_triggers(&app) {
        sql(&app, statement).await;
    }
    sql(
        &app,
        &format!("UPDATE audit_log SET detail = 'forged' WHERE id = {middle}"),
    )
    .await;
    let broken = verify_audit(&app.platform)
        .await
        .expect_err("a changed entry");
    assert!(
        broken.starts_with(&format!(
            "BROKEN at audit entry {middle}: the entry was changed"
        )),
        "{app}: {broken}"
    );
    // Put back as it was, it checks out again: the seal is of the content.
    sqlx::query("UPDATE audit_log SET detail = $1 WHERE id = $2")
        .bind(&detail)
        .bind(middle)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    verify_audit(&app.platform).await.expect("restored");

    // Deleted.
    let first: i64 = app
        .scalar("SELECT MIN(id) FROM audit_log WHERE id > $1", 0_i64)
        .await;
    sql(&app, &format!("DELETE FROM audit_log WHERE id = {first}")).await;
    let broken = verify_audit(&app.platform)
        .await
        .expect_err("a deleted entry");
    assert!(
        broken.starts_with(&format!(
            "BROKEN at audit entry {first}: the entry was deleted"
        )),
        "{app}: {broken}"
    );
}

async fn an_entry_slipped_in_among_sealed_ones_is_named(app: TestApp) {
    event(&app, 1).await;
    let last: i64 = app
        .scalar("SELECT MAX(id) FROM audit_log WHERE id > $1", 0_i64)
        .await;
    // An entry ten ids on leaves a gap (as rolled-back transactions do).
    let gap_end = last + 10;
    sql(
        &app,
        &format!(
            "INSERT INTO audit_log (id, at, action, subject, detail, ip) VALUES ({gap_end}, 1, 'test', 's', 'd', 'ip')"
        ),
    )
    .await;
    if app.backend == Backend::Postgres {
        sql(
            &app,
            &format!("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), {gap_end})"),
        )
        .await;
    }
    event(&app, 2).await;
    seal(&app).await;
    verify_audit(&app.platform)
        .await
        .expect("gaps are no break");
    // Written into the gap after the chain passed it.
    let slipped = last + 5;
    sql(
        &app,
        &format!(
            "INSERT INTO audit_log (id, at, action, subject, detail, ip) VALUES ({slipped}, 1, 'test', 's', 'd', 'ip')"
        ),
    )
    .await;
    let broken = verify_audit(&app.platform).await.expect_err("slipped in");
    assert!(
        broken.starts_with(&format!(
            "BROKEN at audit entry {slipped}: the entry was added among sealed entries"
        )),
        "{app}: {broken}"
    );
}

async fn the_app_connection_can_not_change_or_delete_entries_or_seals(app: TestApp) {
    event(&app, 1).await;
    seal(&app).await;
    let entries = app.count("SELECT COUNT(*) FROM audit_log").await;
    let seals = app.count("SELECT COUNT(*) FROM audit_seals").await;
    let mut refused = vec![
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
        "UPDATE audit_seals SET hash = 'x'",
        "DELETE FROM audit_seals",
    ];
    if app.backend == Backend::Postgres {
        refused.extend(["TRUNCATE audit_log", "TRUNCATE audit_seals"]);
    }
    for statement in refused {
        let error = try_sql(&app, statement)
            .await
            .unwrap_or_else(|| panic!("{app}: {statement} was allowed"));
        assert!(error.contains("append-only"), "{app}: {statement}: {error}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, entries);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_seals").await, seals);
    verify_audit(&app.platform).await.expect("untouched");
}

both_backends!(
    sealed_entries_verify_and_a_tampered_one_is_named,
    an_entry_slipped_in_among_sealed_ones_is_named,
    the_app_connection_can_not_change_or_delete_entries_or_seals,
);

/// PostgreSQL hands out ids before commit: a transaction holding a lower
/// id commits after a higher one. The sealer waits for it rather than
/// seal past it (which would leave it out of the chain for good).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealing_waits_for_a_transaction_holding_a_lower_id() {
    run_case(Backend::Postgres, |app| async move {
        event(&app, 1).await;
        seal(&app).await;
        let insert = "INSERT INTO audit_log (at, action, subject, detail, ip) VALUES (1, 'test', 's', 'd', 'ip') RETURNING id";
        let mut held = app.platform.store.pool.begin().await.unwrap();
        let lower: i64 = sqlx::query_scalar(insert)
            .fetch_one(&mut *held)
            .await
            .unwrap();
        event(&app, 2).await;
        let higher: i64 = app.scalar("SELECT MAX(id) FROM audit_log WHERE id > $1", 0_i64).await;
        assert!(higher > lower);
        let ports = app.platform.ports.clone();
        let now = app.clock.now_ms();
        let sealer = tokio::spawn(async move { ports.audit.seal(now).await.unwrap() });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!sealer.is_finished(), "the sealer waits for the open writer");
        held.commit().await.unwrap();
        assert_eq!(sealer.await.unwrap(), 2, "both, in id order");
        let order: Vec<i64> =
            sqlx::query_scalar("SELECT entry_id FROM audit_seals ORDER BY seq DESC LIMIT 2")
                .fetch_all(&app.platform.store.pool)
                .await
                .unwrap();
        assert_eq!(order, vec![higher, lower]);
        verify_audit(&app.platform).await.expect("a whole chain");

        // One that stays open: the run gives up and seals nothing; rolled
        // back, its id is a gap the chain passes.
        let mut stuck = app.platform.store.pool.begin().await.unwrap();
        sqlx::query_scalar::<_, i64>(insert)
            .fetch_one(&mut *stuck)
            .await
            .unwrap();
        event(&app, 3).await;
        assert_eq!(seal(&app).await, 0, "a long writer holds the sealing back");
        stuck.rollback().await.unwrap();
        assert_eq!(seal(&app).await, 1);
        verify_audit(&app.platform).await.expect("a whole chain");
    })
    .await
}
