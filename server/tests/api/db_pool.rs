//! The connection pool (连接池): a connection that sat idle is tested
//! before it is handed out, so one the database dropped meanwhile (a
//! restart, an administrator ending it) is replaced without a failed
//! request; a connection used a moment ago is not tested again
//! (`server::db::TEST_IDLE_AFTER`). PostgreSQL only: a SQLite connection
//! is a file the process holds, which nothing else can end.

use crate::helpers::{database_for, postgres_admin_url, Backend};
use server::db::{connect_with, Durability, TEST_IDLE_AFTER};
use sqlx::{AnyPool, Row};

async fn backend_pid(pool: &AnyPool) -> Result<i32, sqlx::Error> {
    sqlx::query("SELECT pg_backend_pid() AS pid")
        .fetch_one(pool)
        .await
        .map(|row| row.get("pid"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_the_database_ended_is_replaced_before_use() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let (url, _guard) = database_for(Backend::Postgres).await;
    let (pool, _) = connect_with(&url, 1, Durability::ProcessCrash)
        .await
        .expect("connect");
    let first = backend_pid(&pool).await.expect("first query");

    // The database ends the pool's only connection while it sits idle.
    let admin = AnyPool::connect(&admin_url).await.expect("admin");
    let ended: bool = sqlx::query("SELECT pg_terminate_backend($1) AS ended")
        .bind(first)
        .fetch_one(&admin)
        .await
        .expect("terminate")
        .get("ended");
    assert!(ended, "the connection {first} was not ended");
    admin.close().await;
    tokio::time::sleep(TEST_IDLE_AFTER + std::time::Duration::from_millis(300)).await;

    // The test before use finds it gone: the query runs on a new one.
    let second = backend_pid(&pool)
        .await
        .expect("a query after the idle connection was ended");
    assert_ne!(first, second, "the ended connection was handed out again");
}
