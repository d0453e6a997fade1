//! Database connection and migrations for both backends through `sqlx::Any`.
//!
//! SQLite (the embedded default) and PostgreSQL (scale-out) run the same
//! portable SQL; each has its own migration files because DDL differs
//! (`migrations/sqlite`, `migrations/postgres`, run by sqlx's migrator).

use crate::config::RunMode;
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::{AnyPool, Connection, Executor};
use std::time::Duration;

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// The migrations of each backend (`migrations/sqlite`, `migrations/postgres`),
/// embedded at compile time with their checksums.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The migrator for a backend.
pub fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATOR,
        Backend::Postgres => &POSTGRES_MIGRATOR,
    }
}

/// How far a commit the client was told of is kept (持久性) on SQLite:
/// `PRAGMA synchronous` under WAL. PostgreSQL already flushes its log at
/// every commit (`synchronous_commit = on`, its default) and is left as it
/// is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// `FULL`: the WAL is synced to disk at every commit, so an
    /// acknowledged commit (a paid fine, a confirmed plate) survives power
    /// loss and an operating-system crash. Production.
    PowerLoss,
    /// `NORMAL`: synced only at checkpoints. A commit survives the server
    /// process being killed (`kill -9`: the WAL is in the operating
    /// system's cache), but the last ones may be lost on power loss.
    /// Development and the tests, where a lost commit costs nothing and a
    /// sync per commit would slow every write.
    ProcessCrash,
}

impl Durability {
    /// Production keeps every acknowledged commit through power loss.
    pub fn of_mode(mode: RunMode) -> Durability {
        match mode {
            RunMode::Production => Durability::PowerLoss,
            RunMode::Development => Durability::ProcessCrash,
        }
    }

    fn synchronous(self) -> &'static str {
        match self {
            Durability::PowerLoss => "PRAGMA synchronous = FULL",
            Durability::ProcessCrash => "PRAGMA synchronous = NORMAL",
        }
    }
}

/// SQLite: map up to 1 GiB of the database file into memory (no effect
/// past the file's size).
const SQLITE_MMAP: &str = "PRAGMA mmap_size = 1073741824";
/// SQLite: each connection's own page cache, 16 MiB (the default is 2).
const SQLITE_CACHE: &str = "PRAGMA cache_size = -16384";

/// A pooled connection idle this long is tested (pinged) before it is
/// handed out; one used more recently is not. sqlx tests every connection
/// as it goes back to the pool, so one idle for less than this was found
/// working a moment ago. Testing it again at every acquire made each
/// query three round trips to the database (on SQLite, to the
/// connection's own thread) instead of two: test, query, test on return
/// (`make bench`, the plate rush). A connection the database dropped
/// within the second (a restart) fails the one query that meets it, and
/// sqlx's test on return then closes it.
pub const TEST_IDLE_AFTER: Duration = Duration::from_secs(1);

/// Opens a pool that keeps commits through power loss
/// ([`Durability::PowerLoss`]); see [`connect_with`].
pub async fn connect(url: &str, max_connections: u32) -> Result<(AnyPool, Backend), String> {
    connect_with(url, max_connections, Durability::PowerLoss).await
}

/// Opens a pool. For SQLite: creates the file and its folder, WAL mode,
/// foreign keys, a busy timeout, and the durability asked for.
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    durability: Durability,
) -> Result<(AnyPool, Backend), String> {
    install_default_drivers();
    let backend = Backend::of_url(url)
        .ok_or_else(|| format!("DATABASE_URL must start with sqlite: or postgres: (got {url})"))?;
    let url = match backend {
        Backend::Sqlite => {
            // Every connection (readers and the writer) must see one
            // database, so it has to be a file.
            let path = sqlite_path(url).ok_or_else(|| {
                format!("DATABASE_URL must name a SQLite file, e.g. sqlite://data/platform.db (got {url})")
            })?;
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
            }
            if url.contains('?') {
                url.to_string()
            } else {
                format!("{url}?mode=rwc")
            }
        }
        Backend::Postgres => url.to_string(),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= TEST_IDLE_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute(durability.synchronous()).await?;
                    // Reads straight from the operating system's page
                    // cache, shared by every connection, instead of each
                    // connection copying pages into a small cache of its
                    // own: with several requests at once on a big table
                    // (the unit's 20,000 violations) the copies were the
                    // cost (`make bench`, units).
                    conn.execute(SQLITE_MMAP).await?;
                    conn.execute(SQLITE_CACHE).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    if backend == Backend::Sqlite {
        // WAL is a property of the file: set once, kept.
        sqlx::query("PRAGMA journal_mode = WAL")
            .fetch_optional(&pool)
            .await
            .map_err(|e| format!("cannot enable WAL: {e}"))?;
    }
    Ok((pool, backend))
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_string())
    }
}

/// Applies the migrations not yet applied (sqlx's migrator: each in its
/// own transaction, checksums of applied ones verified, one migrator at a
/// time on PostgreSQL). Returns how many were applied.
pub async fn migrate(pool: &AnyPool, backend: Backend) -> Result<usize, MigrateError> {
    bridge_old_runner(pool, backend).await?;
    let migrator = migrator(backend);
    let mut conn = pool.acquire().await?;
    conn.ensure_migrations_table().await?;
    let before = conn.list_applied_migrations().await?.len();
    migrator.run_direct(&mut *conn).await?;
    let after = conn.list_applied_migrations().await?.len();
    Ok(after.saturating_sub(before))
}

/// Databases made before sqlx's migrator kept their history in
/// `schema_migrations` (version, name, applied_at). Once, when that table
/// exists and sqlx's does not: record those versions in sqlx's table with
/// the migrator's checksums, so the migrator takes over where the old
/// runner stopped. The old table stays, unused.
async fn bridge_old_runner(pool: &AnyPool, backend: Backend) -> Result<(), MigrateError> {
    let table_exists = match backend {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let mut tx = pool.begin().await?;
    if backend == Backend::Postgres {
        // Several app servers may start together: one bridges, the others
        // wait and then find sqlx's table.
        sqlx::query("SELECT pg_advisory_xact_lock(7122)")
            .execute(&mut *tx)
            .await?;
    }
    let exists = |name: &'static str| sqlx::query_scalar::<_, i64>(table_exists).bind(name);
    let old = exists("schema_migrations").fetch_one(&mut *tx).await? > 0;
    let new = exists("_sqlx_migrations").fetch_one(&mut *tx).await? > 0;
    if !old || new {
        return Ok(tx.rollback().await?);
    }
    tx.ensure_migrations_table().await?;
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *tx)
            .await?;
    for version in applied {
        let migration = migrator(backend)
            .iter()
            .find(|m| m.version == version)
            .ok_or(MigrateError::VersionMissing(version))?;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES ($1, $2, TRUE, $3, 0)",
        )
        .bind(version)
        .bind(migration.description.to_string())
        .bind(migration.checksum.to_vec())
        .execute(&mut *tx)
        .await?;
    }
    Ok(tx.commit().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url() {
        assert_eq!(Backend::of_url("sqlite://data/x.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://x"), None);
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc").as_deref(),
            Some("data/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://"), None);
    }

    /// `PRAGMA synchronous` on every connection of a pool: 2 is FULL, 1
    /// NORMAL.
    async fn synchronous_of(durability: Option<Durability>) -> Vec<i64> {
        let name = match durability {
            Some(Durability::PowerLoss) => "full",
            Some(Durability::ProcessCrash) => "normal",
            None => "default",
        };
        let dir = std::env::temp_dir().join(format!("db-durability-{}-{name}", std::process::id()));
        let url = format!("sqlite://{}/d.db", dir.display());
        let (pool, _) = match durability {
            Some(durability) => connect_with(&url, 3, durability).await,
            None => connect(&url, 3).await,
        }
        .unwrap();
        let mut held = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..3 {
            let mut conn = pool.acquire().await.unwrap();
            seen.push(
                sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap(),
            );
            held.push(conn);
        }
        drop(held);
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
        seen
    }

    #[tokio::test]
    async fn production_syncs_every_commit_development_at_checkpoints() {
        assert_eq!(
            Durability::of_mode(RunMode::Production),
            Durability::PowerLoss
        );
        assert_eq!(
            Durability::of_mode(RunMode::Development),
            Durability::ProcessCrash
        );
        assert_eq!(synchronous_of(Some(Durability::PowerLoss)).await, [2, 2, 2]);
        assert_eq!(
            synchronous_of(Some(Durability::ProcessCrash)).await,
            [1, 1, 1]
        );
        // Unless told otherwise, a pool keeps commits through power loss.
        assert_eq!(synchronous_of(None).await, [2, 2, 2]);
    }
}
