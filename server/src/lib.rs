//! The server crate: adapters behind the ports (database store, argon2,
//! development SMS gateway, payment gateway, clock), the HTTP stack
//! ([`http`]), scheduled [`jobs`] and the command line ([`cli`]).

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod import;
pub mod jobs;
pub mod passwords;
pub mod payments;
pub mod peer_link;
pub mod profile;
#[cfg(test)]
mod proptests;
pub mod signing;
pub mod sms;
pub mod store;

pub use config::{Config, DEV_PAYMENT_KEY};

/// mimalloc instead of glibc's malloc, for every binary built on this
/// crate (the server, its tests and benchmarks alike). Rendering a page
/// and answering a request make many small, short-lived allocations on
/// two worker threads: in the page benchmark a fifth of the time was
/// glibc's malloc and free (`make bench`, README "Fast on a phone").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use app::ports::{Clock, PortSet, Ports};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// A running platform (for the binary and for tests).
#[derive(Clone)]
pub struct Platform {
    pub store: store::Store,
    pub ports: Ports,
    pub hasher: passwords::Argon2Hasher,
    /// The simulated bank, in development only (and only when Alipay is
    /// not configured).
    pub bank: Option<payments::SimulatedBank>,
    /// The SMS outbox and its gateway: the jobs deliver with
    /// [`sms::Outbox::deliver_due`].
    pub outbox: sms::Outbox,
}

/// Connects, migrates and wires the ports, on the system clock (moved by
/// the development clock offset, if one is set).
pub async fn prepare(config: &Config) -> Result<Platform, String> {
    let clock: Arc<dyn Clock> = match config.clock_offset_secs {
        0 => Arc::new(clock::SystemClock),
        secs if config.is_development() => Arc::new(clock::OffsetClock::new(secs)),
        _ => return Err("DEV_CLOCK_OFFSET_SECS is for development only".into()),
    };
    prepare_with_clock(config, clock).await
}

/// As [`prepare`], on the given clock (tests pass a fixed one).
pub async fn prepare_with_clock(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<Platform, String> {
    let profile = Arc::new(profile::load(config)?);
    // SQLite commits survive power loss in production (db::Durability).
    let durability = config
        .durability
        .unwrap_or_else(|| db::Durability::of_mode(config.mode));
    let (pool, backend) =
        db::connect_with(&config.database_url, config.max_connections, durability).await?;
    db::migrate(&pool, backend)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    // SQLite: one more connection, for write transactions only.
    let writer = match backend {
        db::Backend::Sqlite => Some(
            db::connect_with(&config.database_url, 1, durability)
                .await?
                .0,
        ),
        db::Backend::Postgres => None,
    };
    let store = store::Store::new(pool, writer, backend, clock.clone()).with_collection_address(
        profile
            .collection_centre()
            .map(|c| c.address_zh.as_str())
            .unwrap_or_default(),
    );
    // SMS codes are kept as HMAC-SHA256 under the server's secret.
    let code_secret = config
        .sms
        .code_secret
        .as_deref()
        .ok_or("SMS_CODE_SECRET is missing")?;
    let store = store.with_sms_code_secret(code_secret);
    let key_ring = match &config.signing_keys {
        Some(source) => signing::KeyRing::load(&profile, source, config.signing_key_id.as_deref())?,
        None => return Err("SIGNING_KEYS_DIR is missing".into()),
    };
    store
        .seed_windows(&profile.registration_windows)
        .await
        .map_err(|e| format!("seeding the registration windows: {e}"))?;
    store
        .seed_exam_centres(&profile.exam_centres)
        .await
        .map_err(|e| format!("seeding the driving-test centres: {e}"))?;
    let hasher = if config.fast_hashing {
        passwords::Argon2Hasher::fast_for_tests()
    } else {
        passwords::Argon2Hasher::owasp()
    };
    let shared = Arc::new(store.clone());
    let bank = match (&config.simulated_bank, &config.payment_signing_key) {
        (true, Some(key)) if config.is_development() => Some(payments::SimulatedBank::new(key)),
        _ => None,
    };
    // Alipay when configured (in production it must be); otherwise the
    // simulated bank, in development only.
    let alipay = config
        .alipay
        .gateway(clock.clone(), !config.is_development())
        .map_err(|problems| format!("the Alipay settings: {}", problems.join("; ")))?;
    let (gateway, bank): (Arc<dyn app::ports::PaymentGateway>, _) = match (alipay, bank) {
        (Some(alipay), bank) => {
            if bank.is_some() {
                tracing::info!("Alipay is configured: the simulated bank is off");
            }
            (Arc::new(alipay), None)
        }
        (None, Some(bank)) => (Arc::new(bank.clone()), Some(bank)),
        (None, None) => {
            return Err(
                "no payment gateway is configured: set ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY_FILE, ALIPAY_PUBLIC_KEY and PLATFORM_PUBLIC_URL (or PLATFORM_ENV=development for the simulated bank)"
                    .into(),
            )
        }
    };
    let sms_gateway = sms::gateway(&config.sms, config.is_development(), clock.clone())
        .map_err(|problems| format!("the SMS settings: {problems}"))?;
    let outbox = sms::Outbox::new(
        store.clone(),
        sms_gateway,
        clock.clone(),
        config.is_development(),
    );
    let ports = Ports::new(PortSet {
        registry: shared.clone(),
        accounts: shared.clone(),
        bindings: shared.clone(),
        fines: shared.clone(),
        fine_payments: shared.clone(),
        payments: gateway,
        messages: shared.clone(),
        applications: shared.clone(),
        progress: shared.clone(),
        blacklists: shared.clone(),
        staff: shared.clone(),
        record_views: shared.clone(),
        units: shared.clone(),
        unit_drivers: shared.clone(),
        physical_exams: shared.clone(),
        temporary_plates: shared.clone(),
        learners: shared.clone(),
        api_keys: shared.clone(),
        credentials: shared.clone(),
        licence_shares: shared.clone(),
        credential_keys: Arc::new(key_ring),
        roaming: shared.clone(),
        peer_link: Arc::new(peer_link::HttpPeers::new()?),
        peer_answers: Arc::default(),
        unit_operators: shared.clone(),
        supervision: shared.clone(),
        refunds: shared.clone(),
        exam_admin: shared.clone(),
        plate_pools: shared.clone(),
        windows: shared.clone(),
        photos: shared.clone(),
        plates: shared.clone(),
        exams: shared.clone(),
        audit: shared.clone(),
        sms: shared,
        outbox: Arc::new(outbox.clone()),
        passwords: Arc::new(hasher.clone()),
        clock,
        secure_cookies: config.secure_cookies(),
        public_url: config.alipay.public_url.clone(),
        development: config.is_development(),
        profile,
    });
    Ok(Platform {
        store,
        ports,
        hasher,
        bank,
        outbox,
    })
}

/// Loads the demo registry when the database has none (without the big
/// fleet: the integration tests' databases). A platform whose province is
/// not the demo registry's (冀) gets the visited demo's windows and staff
/// (`demo::visited`), its summary listing the staff logins only.
pub async fn load_demo_if_empty(platform: &Platform) -> Result<Option<demo::DemoSummary>, String> {
    load_demo_sized(platform, demo::DemoSize::Standard).await
}

/// Loads the demo registry of this size when the database has none (the
/// visited demo, of one size, on a platform of another province).
pub async fn load_demo_sized(
    platform: &Platform,
    size: demo::DemoSize,
) -> Result<Option<demo::DemoSummary>, String> {
    let pool = &platform.store.pool;
    let home = platform.ports.profile.home_province() == demo::HOME_PROVINCE;
    let loaded = if home {
        demo::is_loaded(pool).await
    } else {
        demo::visited::is_loaded(pool).await
    };
    if loaded.map_err(|e| format!("checking demo data: {e}"))? {
        return Ok(None);
    }
    let hasher = platform.hasher.clone();
    let hash = move |p: &str| hasher.hash_now(p).expect("hashing works");
    let clock = &platform.ports.clock;
    let summary = if home {
        demo::load(pool, clock.today(), clock.now_ms(), &hash, size).await
    } else {
        demo::visited::load(pool, clock.now_ms(), &hash).await
    }
    .map_err(|e| format!("loading demo data: {e}"))?;
    seed_plate_pools(platform, 2026).await?;
    Ok(Some(summary))
}

/// First start: each configured city whose pool is still empty gets its
/// `plate_pool_size` numbers. Answers how many numbers were added.
pub async fn seed_plate_pools(platform: &Platform, seed: u64) -> Result<usize, String> {
    let mut added = 0;
    for city in &platform.ports.profile.cities {
        let empty = platform
            .store
            .plate_pool_is_empty(&city.plate_prefix)
            .await
            .map_err(|e| format!("checking the {} plate pool: {e}", city.plate_prefix))?;
        if empty && city.plate_pool_size > 0 {
            added +=
                load_plate_pool(platform, &city.plate_prefix, city.plate_pool_size, seed).await?;
        }
    }
    Ok(added)
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
    let withheld = platform
        .ports
        .profile
        .city(city)
        .map(|c| c.withheld_series.clone())
        .unwrap_or_default();
    let pool = demo::plate_pool(city, &withheld, count, seed, &issued);
    platform
        .ports
        .plates
        .load_pool(city, &pool, platform.ports.clock.now_ms())
        .await
        .map_err(|e| format!("loading the plate pool: {e}"))
}

/// Serves on a bound listener until the process ends (tests, benches).
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: &Config,
    platform: &Platform,
) -> std::io::Result<()> {
    serve_until(listener, config, platform, std::future::pending()).await
}

/// Serves until `shutdown` resolves, then finishes the requests in flight
/// (the binary passes [`http::shutdown_signal`]: Ctrl-C or SIGTERM).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    config: &Config,
    platform: &Platform,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = http::WebState::new(http::WebShared {
        leptos: config.leptos_options(),
        ports: platform.ports.clone(),
        dev_outbox: (config.is_development() && config.dev_sms_outbox)
            .then(|| platform.store.pool.clone()),
        bank: platform.bank.clone(),
        trusted_proxies: std::sync::Arc::new(config.trusted_proxies.clone()),
        request_timeout: config.request_timeout,
    });
    jobs::start(platform.ports.clone(), config.jobs_every);
    let app = http::router(state);
    // Without TCP_NODELAY a response written in two parts (headers, then
    // a file's body) waits for the client's delayed ACK, ~40 ms per
    // request on a keep-alive connection.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY on a connection");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
