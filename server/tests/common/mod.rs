//! Test harness: every case runs against SQLite and PostgreSQL, each on a
//! fresh database, through the real HTTP app on a random port.

#![allow(dead_code)]

use server::{prepare, Config, Platform};
use sqlx::Row;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestApp {
    pub base: String,
    pub backend: &'static str,
    pub platform: Platform,
    pub client: reqwest::Client,
    pub demo: server::demo::DemoSummary,
    _guard: DbGuard,
}

/// Drops the per-test PostgreSQL database (or SQLite folder) afterwards.
struct DbGuard {
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

/// The backends to run on: SQLite always; PostgreSQL when TEST_POSTGRES_URL
/// is set (required when REQUIRE_POSTGRES=1, so CI cannot skip it silently).
pub fn backends() -> Vec<&'static str> {
    let mut list = vec!["sqlite"];
    if std::env::var("TEST_POSTGRES_URL").is_ok() {
        list.push("postgres");
    } else if std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        panic!("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set");
    }
    list
}

async fn database_for(backend: &str) -> (String, DbGuard) {
    match backend {
        "sqlite" => {
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
        _ => {
            let admin = std::env::var("TEST_POSTGRES_URL").unwrap();
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

/// Starts the app on a fresh database of the given backend, with demo data.
pub async fn spawn(backend: &'static str) -> TestApp {
    let (url, guard) = database_for(backend).await;
    let mut config = Config::from_env();
    config.database_url = url;
    config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config.fast_hashing = true;
    config.dev_sms_outbox = true;
    config.max_connections = 5;
    config.sweep_every = None;
    let platform = prepare(&config).await.expect("prepare platform");
    let demo = server::load_demo_if_empty(&platform)
        .await
        .expect("load demo")
        .expect("fresh database gets demo data");
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve_platform = platform.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, &config, &serve_platform).await;
    });
    TestApp {
        base: format!("http://{addr}"),
        backend,
        platform,
        client: new_client(),
        demo,
        _guard: guard,
    }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A server that stops answering fails the test instead of hanging it.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// What a server function answered: Ok(JSON) or Err(AppError as JSON).
pub type Answer = Result<serde_json::Value, serde_json::Value>;

impl TestApp {
    /// Calls a server function the way the browser does (form-encoded POST).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Answer {
        self.call_with(&self.client, endpoint, form).await
    }

    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Answer {
        let res = client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request");
        let ok = res.status().is_success();
        let text = res.text().await.unwrap();
        let value: serde_json::Value = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        if ok {
            Ok(value)
        } else {
            Err(value)
        }
    }

    /// The newest SMS code sent to a phone, from the outbox table.
    pub async fn latest_code(&self, phone: &str) -> String {
        let body: String =
            sqlx::query("SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1")
                .bind(phone)
                .fetch_one(&self.platform.store.pool)
                .await
                .expect("an SMS was queued")
                .try_get("body")
                .unwrap();
        body.chars()
            .collect::<Vec<_>>()
            .windows(6)
            .map(|w| w.iter().collect::<String>())
            .find(|w| w.chars().all(|c| c.is_ascii_digit()))
            .expect("a 6-digit code in the SMS")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(&self.platform.store.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }

    pub fn demo_login(&self, role_en_prefix: &str) -> (String, String) {
        let l = self
            .demo
            .logins
            .iter()
            .find(|l| l.role_en.starts_with(role_en_prefix))
            .unwrap_or_else(|| panic!("demo login {role_en_prefix}"));
        (l.login.clone(), l.password.clone())
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        identifier: &str,
        password: &str,
    ) -> Answer {
        self.call_with(
            client,
            "login",
            &[("identifier", identifier), ("password", password)],
        )
        .await
    }
}

/// The variant name of an AppError in JSON (e.g. "Fields", "NotAllowed").
pub fn kind(err: &serde_json::Value) -> String {
    match err {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The fields named in a `Fields` error.
pub fn fields(err: &serde_json::Value) -> Vec<String> {
    err["Fields"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
