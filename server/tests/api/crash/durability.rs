//! Power loss is stricter than `kill -9`: a production server on SQLite
//! syncs its WAL at every commit (`PRAGMA synchronous = FULL`), so a paid
//! fine the payer was told of is on disk; development keeps NORMAL, which
//! survives a killed process (the crash test) but not power loss.

use crate::helpers::{spawn, Backend, TestApp};

async fn synchronous(app: &TestApp) -> i64 {
    sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&app.platform.store.pool)
        .await
        .expect("SQLite answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_sqlite_syncs_every_commit_to_disk() {
    let production = crate::run_modes::spawn_production(Backend::Sqlite).await;
    assert_eq!(synchronous(&production).await, 2, "FULL in production");
    let development = spawn(Backend::Sqlite).await;
    assert_eq!(synchronous(&development).await, 1, "NORMAL in development");
}
