//! The server crate: adapters behind the ports (database store, argon2,
//! development SMS gateway, clock), the HTTP stack and the command line.

pub mod clock;
pub mod db;
pub mod demo;
pub mod jobs;
pub mod passwords;
pub mod payments;
pub mod photos;
pub mod store;
pub mod web;

use app::ports::Ports;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;

/// Settings read from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://data/platform.db` (default) or `postgres://…`.
    pub database_url: String,
    pub addr: SocketAddr,
    /// Folder with the built site (`pkg/` with WASM, JS, CSS).
    pub site_root: String,
    /// Set `Secure` on cookies (behind HTTPS).
    pub secure_cookies: bool,
    pub max_connections: u32,
    /// Use cheap argon2 parameters (tests only).
    pub fast_hashing: bool,
    /// Expose the development SMS outbox at /dev/sms-outbox.
    pub dev_sms_outbox: bool,
    /// Key the payment gateway signs its notices with (shared by the bank
    /// and every app server).
    pub payment_signing_key: String,
    /// How often the scheduled jobs (the blacklist sweep) run; None: never
    /// (tests run them by hand).
    pub sweep_every: Option<std::time::Duration>,
}

/// The simulated bank's key when none is configured (development only).
pub const DEV_PAYMENT_KEY: &str = "dev-simulated-bank-key";

impl Config {
    pub fn from_env() -> Config {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/platform.db".into()),
            addr: var("PLATFORM_ADDR")
                .or_else(|| var("LEPTOS_SITE_ADDR"))
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            secure_cookies: var("SECURE_COOKIES").is_some_and(|v| v == "1" || v == "true"),
            max_connections: var("DATABASE_MAX_CONNECTIONS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            fast_hashing: false,
            dev_sms_outbox: var("DEV_SMS_OUTBOX").is_some_and(|v| v == "1"),
            payment_signing_key: var("PAYMENT_SIGNING_KEY")
                .unwrap_or_else(|| DEV_PAYMENT_KEY.into()),
            sweep_every: Some(std::time::Duration::from_secs(
                var("SWEEP_EVERY_SECS")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300),
            ))
            .filter(|d| !d.is_zero()),
        }
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("platform")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

/// A running platform (for the binary and for tests).
#[derive(Clone)]
pub struct Platform {
    pub store: store::Store,
    pub ports: Ports,
    pub hasher: passwords::Argon2Hasher,
    pub bank: payments::SimulatedBank,
}

/// Connects, migrates and wires the ports.
pub async fn prepare(config: &Config) -> Result<Platform, String> {
    let (pool, backend) = db::connect(&config.database_url, config.max_connections).await?;
    db::migrate(&pool, backend)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    // SQLite: one more connection, for write transactions only.
    let writer = match backend {
        db::Backend::Sqlite => Some(db::connect(&config.database_url, 1).await?.0),
        db::Backend::Postgres => None,
    };
    let store = store::Store::new(pool, writer, backend);
    let hasher = if config.fast_hashing {
        passwords::Argon2Hasher::fast_for_tests()
    } else {
        passwords::Argon2Hasher::owasp()
    };
    let shared = Arc::new(store.clone());
    let bank = payments::SimulatedBank::new(&config.payment_signing_key);
    let ports = Ports {
        registry: shared.clone(),
        accounts: shared.clone(),
        bindings: shared.clone(),
        fines: shared.clone(),
        payments: Arc::new(bank.clone()),
        messages: shared.clone(),
        applications: shared.clone(),
        photos: shared.clone(),
        plates: shared.clone(),
        exams: shared.clone(),
        sms: shared,
        passwords: Arc::new(hasher.clone()),
        clock: Arc::new(clock::SystemClock),
        secure_cookies: config.secure_cookies,
    };
    Ok(Platform {
        store,
        ports,
        hasher,
        bank,
    })
}

/// Loads the demo registry when the database has none.
pub async fn load_demo_if_empty(platform: &Platform) -> Result<Option<demo::DemoSummary>, String> {
    use app::ports::Clock;
    if demo::is_loaded(&platform.store.pool)
        .await
        .map_err(|e| format!("checking demo data: {e}"))?
    {
        return Ok(None);
    }
    let hasher = platform.hasher.clone();
    let hash = move |p: &str| hasher.hash_now(p).expect("hashing works");
    let clock = clock::SystemClock;
    let summary = demo::load(&platform.store.pool, clock.today(), clock.now_ms(), &hash)
        .await
        .map_err(|e| format!("loading demo data: {e}"))?;
    load_plate_pool(platform, "冀A", 3000, 2026).await?;
    Ok(Some(summary))
}

/// Loads `count` unissued numbers of a city into the plate pool.
pub async fn load_plate_pool(
    platform: &Platform,
    city: &str,
    count: usize,
    seed: u64,
) -> Result<usize, String> {
    use sqlx::Row;
    let issued: std::collections::HashSet<String> =
        sqlx::query("SELECT plate FROM vehicles WHERE plate IS NOT NULL")
            .fetch_all(&platform.store.pool)
            .await
            .map_err(|e| format!("listing issued plates: {e}"))?
            .iter()
            .filter_map(|r| r.try_get("plate").ok())
            .collect();
    let pool = demo::plate_pool(city, count, seed, &issued);
    platform
        .ports
        .plates
        .load_pool(city, &pool, clock::unix_ms())
        .await
        .map_err(|e| format!("loading the plate pool: {e}"))
}

/// Serves on a bound listener until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: &Config,
    platform: &Platform,
) -> std::io::Result<()> {
    let state = web::WebState {
        leptos: config.leptos_options(),
        ports: platform.ports.clone(),
        dev_outbox: config.dev_sms_outbox.then(|| platform.store.pool.clone()),
        bank: platform.bank.clone(),
    };
    jobs::start(platform.ports.clone(), config.sweep_every);
    let app = web::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
