//! Test databases: a fresh one per case on each backend, dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};

/// Drops the per-test PostgreSQL database (or SQLite folder) afterwards.
pub struct DbGuard {
    cleanup: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.cleanup.take() {
            // Best effort, on a separate runtime (we may be inside one).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    sqlx::any::install_default_drivers();
                    if let Ok(pool) = sqlx::AnyPool::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&pool)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// The database a test app runs on (数据库).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// The PostgreSQL server to make test databases on: TEST_POSTGRES_URL.
/// Unset, the PostgreSQL half of a case is skipped with a note — unless
/// REQUIRE_POSTGRES=1, when it fails, so CI cannot skip it silently.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        }
        _ => {
            eprintln!("note: TEST_POSTGRES_URL is not set; skipping the PostgreSQL run");
            None
        }
    }
}

/// A fresh database of the backend (a new PostgreSQL database, or a new
/// SQLite folder), dropped with its guard.
pub async fn database_for(backend: Backend) -> (String, DbGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique_name("platform_test"));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}/test.db", dir.display());
            (
                url,
                DbGuard {
                    cleanup: None,
                    dir: Some(dir),
                },
            )
        }
        Backend::Postgres => {
            let admin = postgres_admin_url().expect("TEST_POSTGRES_URL");
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
            let name = unique_name("platform_test");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (
                format!("{base}/{name}"),
                DbGuard {
                    cleanup: Some((admin.clone(), name)),
                    dir: None,
                },
            )
        }
    }
}
