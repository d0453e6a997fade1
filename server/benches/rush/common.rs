//! Shared by the rush benchmarks: a fresh database (SQLite file or a new
//! PostgreSQL database), the real app on a random port, owners/learners
//! with live sessions, and latency percentiles.

use server::{prepare, Config, Platform};
use sqlx::Row;
use std::time::Duration;

pub fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `cargo bench` passes --bench; `cargo test --all-targets` runs a small
/// round of the same code (with its audit).
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

pub struct Bench {
    pub backend: String,
    pub platform: Platform,
    pub base: String,
    cleanup: Option<(String, String)>,
}

/// A fresh database of the chosen backend (BENCH_DATABASE) and the app
/// serving it.
pub async fn start(name: &str) -> Bench {
    start_with(name, |_| {}).await
}

/// As [`start`], with the configuration changed first.
pub async fn start_with(name: &str, change: impl FnOnce(&mut Config)) -> Bench {
    let backend = std::env::var("BENCH_DATABASE").unwrap_or_else(|_| "sqlite".into());
    let stamp = format!("{name}_{}", std::process::id());
    let (url, cleanup) = match backend.as_str() {
        "postgres" => {
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("PostgreSQL reachable");
            sqlx::query(&format!("CREATE DATABASE {stamp}"))
                .execute(&pool)
                .await
                .unwrap();
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            (format!("{base}/{stamp}"), Some((admin, stamp)))
        }
        _ => {
            let dir = std::env::temp_dir().join(&stamp);
            std::fs::create_dir_all(&dir).unwrap();
            (format!("sqlite://{}/bench.db", dir.display()), None)
        }
    };
    let mut config = Config::for_tests(&url);
    config.max_connections = env_num(
        "DATABASE_MAX_CONNECTIONS",
        if backend == "postgres" { 32 } else { 8 },
    ) as u32;
    // Measured as production keeps commits: synced to disk at each one.
    config.durability = Some(server::db::Durability::PowerLoss);
    change(&mut config);
    let platform = prepare(&config).await.expect("prepare");
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve_platform = platform.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, &config, &serve_platform).await;
    });
    Bench {
        backend,
        platform,
        base: format!("http://{addr}"),
        cleanup,
    }
}

impl Bench {
    /// Drops the PostgreSQL database; exits 1 when the audit failed.
    pub async fn finish(self, audit_ok: bool) {
        if let Some((admin, name)) = self.cleanup {
            self.platform.store.pool.close().await;
            if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&pool)
                    .await;
            }
        }
        if !audit_ok {
            eprintln!("AUDIT FAILED");
            std::process::exit(1);
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(&self.platform.store.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }
}

/// A person with an account and a live session, inside the caller's
/// transaction. Answers (session token, ID number, account id).
pub async fn person_with_session(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    i: usize,
    kind: &str,
    now: i64,
) -> (String, String, i64) {
    let birth = app::domain::Date::new(1990, 1, 1)
        .expect("valid date")
        .add_days((i / 1000) as i64);
    let id = app::domain::ResidentId::from_parts("130104", birth, (i % 1000) as u16)
        .as_str()
        .to_string();
    let phone = format!("139{:08}", i);
    sqlx::query("INSERT INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, 'M', '1990-01-01', $3, '石家庄市', $4)")
        .bind(&id).bind(format!("用户{i}")).bind(&phone).bind(now).execute(&mut **tx).await.unwrap();
    let account: i64 = sqlx::query(
        "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
         VALUES ('individual', 'online', $1, $2, $3, $4, 'x', $5) RETURNING id",
    )
    .bind(kind).bind(&id).bind(format!("用户{i}")).bind(&phone).bind(now)
    .fetch_one(&mut **tx).await.unwrap().get("id");
    let token = format!("{:064x}", (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15_u128);
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, '127.0.0.1', 'bench')")
        .bind(server::store::sha256_hex(&token)).bind(account).bind(now).execute(&mut **tx).await.unwrap();
    (token, id, account)
}

/// p50 and p99 in milliseconds (0 when nothing was answered).
pub fn percentiles(mut latencies: Vec<Duration>) -> (f64, f64) {
    if latencies.is_empty() {
        return (0.0, 0.0);
    }
    latencies.sort();
    let pct =
        |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    (pct(0.5), pct(0.99))
}

/// The `Cookie` header of a live session, named as the app names it.
pub fn session_cookie(token: &str) -> String {
    format!("{}={token}", app::policy::SESSION_COOKIE)
}

/// What one request came to (结果): done, refused by a rule (a lost race
/// is a refusal), or failed — a transport error, a non-JSON answer, an
/// internal error, or "not logged in" / "not found" (the bench's sessions
/// and ids are valid, so those are faults too). Failures fail the bench: a
/// dead server must not pass.
#[derive(Debug)]
pub enum Outcome {
    Done(serde_json::Value),
    Refused,
    Failed(String),
}

/// Reads a server-function answer into an [`Outcome`].
pub async fn outcome(res: Result<reqwest::Response, reqwest::Error>) -> Outcome {
    use app::error::AppError;
    let res = match res {
        Ok(res) => res,
        Err(e) => return Outcome::Failed(format!("transport: {e}")),
    };
    let status = res.status();
    let text = match res.text().await {
        Ok(text) => text,
        Err(e) => return Outcome::Failed(format!("reading the answer: {e}")),
    };
    if status.is_success() {
        return match serde_json::from_str(&text) {
            Ok(value) => Outcome::Done(value),
            Err(_) => Outcome::Failed(format!("{status}: not JSON: {text:.200}")),
        };
    }
    match serde_json::from_str::<AppError>(&text) {
        // A rule said no (a number someone else holds is a field error on
        // the number): the request was served.
        Ok(
            AppError::Fields(_)
            | AppError::Conflict(_)
            | AppError::NotAllowed(_)
            | AppError::RateLimited { .. },
        ) => Outcome::Refused,
        Ok(other) => Outcome::Failed(format!("{status}: {other:?}")),
        Err(_) => Outcome::Failed(format!("{status}: {text:.200}")),
    }
}

/// Attempts and what they came to, with the latency of answered requests
/// only (failures are counted, never timed).
#[derive(Default)]
pub struct Tally {
    pub done: usize,
    pub refused: usize,
    pub failed: usize,
    pub first_failure: Option<String>,
    pub latencies: Vec<Duration>,
}

impl Tally {
    pub fn record(&mut self, outcome: &Outcome, took: Duration) {
        match outcome {
            Outcome::Done(_) => self.done += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Failed(why) => {
                self.failed += 1;
                self.first_failure.get_or_insert_with(|| why.clone());
                return;
            }
        }
        self.latencies.push(took);
    }

    pub fn merge(&mut self, other: Tally) {
        self.done += other.done;
        self.refused += other.refused;
        self.failed += other.failed;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
        self.latencies.extend(other.latencies);
    }

    pub fn attempts(&self) -> usize {
        self.done + self.refused + self.failed
    }

    /// Prints attempts and successes per second, failures and latency.
    pub fn report(self, what: &str, elapsed: f64) {
        let attempts = self.attempts();
        println!(
            "  attempts            {attempts} ({:.0} requests/s)",
            attempts as f64 / elapsed
        );
        println!(
            "  {what:<19} {} ({:.0}/s)",
            self.done,
            self.done as f64 / elapsed
        );
        println!("  refused (lost race) {}", self.refused);
        println!("  failed              {}", self.failed);
        if let Some(why) = &self.first_failure {
            println!("  first failure       {why}");
        }
        let (p50, p99) = percentiles(self.latencies);
        println!("  latency p50 / p99   {p50:.1} ms / {p99:.1} ms (answered requests)");
    }
}

/// One audit line: prints it and answers whether it holds.
pub fn check(name: &str, holds: bool, detail: String) -> bool {
    println!("  {} {name}: {detail}", if holds { "ok  " } else { "FAIL" });
    holds
}

/// A deterministic generator per client, so a run can be repeated.
pub fn client_rng(client: usize) -> rand::rngs::StdRng {
    rand::SeedableRng::seed_from_u64(client as u64)
}
