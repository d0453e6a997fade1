//! Database connection and migrations for both backends through `sqlx::Any`.
//!
//! SQLite (the embedded default) and PostgreSQL (scale-out) run the same
//! portable SQL; each has its own migration files because DDL differs.

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
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

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "citizen services",
        include_str!("../migrations/sqlite/0002_citizen_services.sql"),
    ),
    (
        3,
        "applications",
        include_str!("../migrations/sqlite/0003_applications.sql"),
    ),
    (
        4,
        "application drafts",
        include_str!("../migrations/sqlite/0004_application_drafts.sql"),
    ),
    (
        5,
        "licence photos",
        include_str!("../migrations/sqlite/0005_licence_photos.sql"),
    ),
    (
        6,
        "plate selection",
        include_str!("../migrations/sqlite/0006_plate_selection.sql"),
    ),
    (
        7,
        "exam booking",
        include_str!("../migrations/sqlite/0007_exam_booking.sql"),
    ),
    (
        8,
        "application from draft",
        include_str!("../migrations/sqlite/0008_application_from_draft.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "citizen services",
        include_str!("../migrations/postgres/0002_citizen_services.sql"),
    ),
    (
        3,
        "applications",
        include_str!("../migrations/postgres/0003_applications.sql"),
    ),
    (
        4,
        "application drafts",
        include_str!("../migrations/postgres/0004_application_drafts.sql"),
    ),
    (
        5,
        "licence photos",
        include_str!("../migrations/postgres/0005_licence_photos.sql"),
    ),
    (
        6,
        "plate selection",
        include_str!("../migrations/postgres/0006_plate_selection.sql"),
    ),
    (
        7,
        "exam booking",
        include_str!("../migrations/postgres/0007_exam_booking.sql"),
    ),
    (
        8,
        "application from draft",
        include_str!("../migrations/postgres/0008_application_from_draft.sql"),
    ),
];

/// Opens a pool. For SQLite: creates the file and its folder, WAL mode,
/// foreign keys, a busy timeout.
pub async fn connect(url: &str, max_connections: u32) -> Result<(AnyPool, Backend), String> {
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
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
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

/// Applies the migrations not yet applied, each in its own transaction.
pub async fn migrate(pool: &AnyPool, backend: Backend) -> Result<usize, sqlx::Error> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let migrations = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    let mut applied = 0;
    for (version, name, sql) in migrations {
        let mut tx = pool.begin().await?;
        if backend == Backend::Postgres {
            // Several app servers may start together: one migrates, the others wait.
            sqlx::query("SELECT pg_advisory_xact_lock(7122)")
                .execute(&mut *tx)
                .await?;
        }
        let done: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if done > 0 {
            tx.rollback().await?;
            continue;
        }
        for statement in split_statements(sql) {
            sqlx::query(&statement).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(*version)
        .bind(*name)
        .bind(crate::clock::unix_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

/// Splits a migration file into statements (on `;` at the end of a line),
/// dropping `--` comment lines.
fn split_statements(sql: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_on_line_end_semicolons() {
        let sql = "-- c\nCREATE TABLE a (x BIGINT);\n\nCREATE INDEX i ON a (x);\nINSERT INTO a VALUES (1);";
        assert_eq!(
            split_statements(sql),
            vec![
                "CREATE TABLE a (x BIGINT)",
                "CREATE INDEX i ON a (x)",
                "INSERT INTO a VALUES (1)"
            ]
        );
    }

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
}
