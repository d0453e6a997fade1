//! Migrations (数据库迁移): sqlx's migrator on a fresh database, a second
//! start that changes nothing, and the one-time bridge from the old
//! hand-written runner (`schema_migrations`) — each on SQLite and on
//! PostgreSQL as two named tests, `<case>::sqlite` and `<case>::postgres`.

use crate::helpers::{postgres_admin_url, Backend, TestClock};
use server::db;
use server::{prepare_with_clock, Config, Platform};
use sqlx::AnyPool;
use std::sync::atomic::{AtomicU32, Ordering};

/// `both_databases!(case)`: `async fn case(db: EmptyDatabase)` run on an
/// empty SQLite file and an empty PostgreSQL database (not migrated, unlike
/// `both_backends!`, which starts the app).
macro_rules! both_databases {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::run(super::Backend::Sqlite, super::$case).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::run(super::Backend::Postgres, super::$case).await
            }
        }
    )+};
}

both_databases!(
    fresh_database_gets_every_migration,
    second_start_changes_nothing,
    old_runner_database_upgrades,
);

/// An empty database of one backend; dropped (PostgreSQL) or removed
/// (SQLite) afterwards.
pub struct EmptyDatabase {
    backend: Backend,
    url: String,
    admin: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.admin.take() {
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(async move {
                        if let Ok(pool) = AnyPool::connect(&admin).await {
                            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(&drop).execute(&pool).await;
                        }
                    })
            })
            .join();
        }
    }
}

async fn run<F, Fut>(backend: Backend, case: F)
where
    F: FnOnce(EmptyDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    static N: AtomicU32 = AtomicU32::new(0);
    sqlx::any::install_default_drivers();
    let name = format!(
        "platform_migrations_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let database = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).unwrap();
            EmptyDatabase {
                backend,
                url: format!("sqlite://{}/old.db", dir.display()),
                admin: None,
                dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let Some(admin) = postgres_admin_url() else {
                return;
            };
            let pool = AnyPool::connect(&admin).await.expect("reach PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create database");
            pool.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            EmptyDatabase {
                backend,
                url: format!("{base}/{name}"),
                admin: Some((admin.clone(), name)),
                dir: None,
            }
        }
    };
    case(database).await
}

impl EmptyDatabase {
    fn server_backend(&self) -> db::Backend {
        match self.backend {
            Backend::Sqlite => db::Backend::Sqlite,
            Backend::Postgres => db::Backend::Postgres,
        }
    }

    /// Starts the platform on this database (connects and migrates).
    async fn start(&self) -> Platform {
        let mut config = Config::for_tests(&self.url);
        config.max_connections = 3;
        let clock = TestClock::at(server::clock::unix_ms());
        prepare_with_clock(&config, clock)
            .await
            .unwrap_or_else(|e| panic!("{}: start: {e}", self.backend))
    }

    /// The migration files of this backend, as the old runner read them.
    fn files(&self) -> Vec<(i64, String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(self.backend.to_string());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| {
                let stem = path.file_stem().unwrap().to_str().unwrap();
                let (version, name) = stem.split_once('_').unwrap();
                let sql = std::fs::read_to_string(path).unwrap();
                (version.parse().unwrap(), name.replace('_', " "), sql)
            })
            .collect()
    }

    /// Builds the database as the old hand-written runner did, up to and
    /// including `last`: its `schema_migrations` table, each file split on
    /// `;` at line ends, one transaction per file with its row.
    async fn migrate_like_the_old_runner(&self, last: i64) -> AnyPool {
        let (pool, _) = db::connect(&self.url, 2).await.unwrap();
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&pool)
        .await
        .unwrap();
        for (version, name, sql) in self.files().into_iter().filter(|f| f.0 <= last) {
            let mut tx = pool.begin().await.unwrap();
            for statement in old_split_statements(&sql) {
                sqlx::query(&statement).execute(&mut *tx).await.unwrap();
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(server::clock::unix_ms())
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        pool
    }
}

/// The old runner's splitter, kept here to rebuild its databases: splits on
/// `;` at the end of a line, dropping `--` comment lines.
fn old_split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// (version, checksum) as sqlx's table records them, all successful.
async fn recorded(pool: &AnyPool) -> Vec<(i64, Vec<u8>)> {
    let failed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = FALSE")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(failed, 0, "no migration left half-done");
    sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// What the migrator of this backend would record.
fn expected(backend: db::Backend) -> Vec<(i64, Vec<u8>)> {
    db::migrator(backend)
        .iter()
        .map(|m| (m.version, m.checksum.to_vec()))
        .collect()
}

async fn fresh_database_gets_every_migration(db: EmptyDatabase) {
    let platform = db.start().await;
    let pool = &platform.store.pool;
    let want = expected(db.server_backend());
    assert_eq!(want.len(), db.files().len(), "one migration per file");
    assert_eq!(recorded(pool).await, want, "{}", db.backend);
    // The old runner's table is not made on a new database.
    let old = sqlx::query("SELECT COUNT(*) FROM schema_migrations")
        .execute(pool)
        .await;
    assert!(old.is_err(), "{}: schema_migrations exists", db.backend);
    // The app works on it: the demo registry loads.
    let demo = server::load_demo_if_empty(&platform).await.unwrap();
    assert!(demo.is_some(), "{}: demo data loaded", db.backend);
}

async fn second_start_changes_nothing(db: EmptyDatabase) {
    let first = db.start().await;
    server::load_demo_if_empty(&first).await.unwrap().unwrap();
    let pool = first.store.pool.clone();
    let before = recorded(&pool).await;
    let installed: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(installed_on AS TEXT) FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let second = db.start().await;
    assert_eq!(recorded(&pool).await, before, "{}", db.backend);
    let again: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(installed_on AS TEXT) FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(again, installed, "{}: nothing re-applied", db.backend);
    assert_eq!(
        db::migrate(&pool, db.server_backend()).await.unwrap(),
        0,
        "{}: nothing left to apply",
        db.backend
    );
    // The data stays and the app still answers.
    assert!(server::load_demo_if_empty(&second).await.unwrap().is_none());
    let windows = second.ports.registry.windows().await.unwrap();
    assert!(!windows.is_empty(), "{}: windows kept", db.backend);
}

async fn old_runner_database_upgrades(db: EmptyDatabase) {
    // The old runner had applied all but the last migration, and the
    // platform had data in it.
    let last = db.files().last().unwrap().0;
    let old = db.migrate_like_the_old_runner(last - 1).await;
    sqlx::query(
        "INSERT INTO registration_windows (id, code, name, address, serves, phone)
         VALUES (9001, 'OLD-9001', '旧窗口', '石家庄市', 'individual', '0311-1234567')",
    )
    .execute(&old)
    .await
    .unwrap();
    old.close().await;

    let platform = db.start().await;
    let pool = &platform.store.pool;
    // Every migration is recorded with the migrator's checksums: the old
    // ones by the bridge, the last one applied now.
    assert_eq!(
        recorded(pool).await,
        expected(db.server_backend()),
        "{}",
        db.backend
    );
    let draft_ids: i64 = sqlx::query_scalar("SELECT COUNT(draft_id) FROM applications")
        .fetch_one(pool)
        .await
        .expect("the last migration's column exists");
    assert_eq!(draft_ids, 0);
    // The old history is kept as it was.
    let old_rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(old_rows, last - 1, "{}", db.backend);
    // The data is kept, and the app works on the upgraded database.
    let window = platform.ports.registry.window(9001).await.unwrap();
    assert_eq!(window.map(|w| w.name), Some("旧窗口".to_string()));
    let demo = server::load_demo_if_empty(&platform).await.unwrap();
    assert!(demo.is_some(), "{}: demo data loads", db.backend);
    // A second start after the upgrade changes nothing.
    let again = db.start().await;
    assert_eq!(
        recorded(&again.store.pool).await,
        expected(db.server_backend())
    );
}
