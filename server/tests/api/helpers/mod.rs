//! Test harness: every case runs against SQLite and PostgreSQL, each on a
//! fresh database, through the real HTTP app on a random port.
//!
//! A case is one plain `async fn case(app: TestApp)`; `both_backends!(case)`
//! turns it into two named tests, `case::sqlite` and `case::postgres`, so a
//! failure on one database never hides the other's result.

pub use app::ports::Clock;
use leptos::server_fn::ServerFn;
use server::{prepare_with_clock, Config, Platform};
use sqlx::Row;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

mod database;
mod logins;
mod paging;
mod plates;
pub use database::*;
pub use logins::*;
pub use paging::*;
pub use plates::*;

/// Who did it, for a test that calls a store port directly: the account
/// (None: no one logged in), from the address "test".
pub fn test_actor(account_id: Option<i64>) -> app::ports::Actor {
    app::ports::Actor {
        account_id,
        ip: "test".into(),
        operator_id: None,
        api_key: None,
    }
}

/// The clock a test app runs on (测试时钟): it stands still unless a test
/// moves it, so no rule depends on how fast the machine is, and it starts
/// at noon in Beijing ([`beijing_noon_today`]), so no date a test compares
/// changes under it at midnight. Every timestamp the platform takes goes
/// through this `Clock` port.
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn at(ms: i64) -> Arc<TestClock> {
        Arc::new(TestClock(AtomicI64::new(ms)))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

/// 12:00 Beijing time (UTC+8) on today's date there, in Unix milliseconds:
/// the demo data stays current, and hours either way stay on the same day.
pub fn beijing_noon_today() -> i64 {
    const DAY_MS: i64 = 86_400_000;
    const HOUR_MS: i64 = 3_600_000;
    let beijing_day = (server::clock::unix_ms() + 8 * HOUR_MS).div_euclid(DAY_MS);
    beijing_day * DAY_MS + 4 * HOUR_MS
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    pub platform: Platform,
    pub client: reqwest::Client,
    pub demo: server::demo::DemoSummary,
    /// The platform's clock; `app.clock.now_ms()` is "now" for the app.
    pub clock: Arc<TestClock>,
    _guard: DbGuard,
}

/// Names the backend in assertion messages: `assert!(ok, "{app}: …")`.
impl std::fmt::Display for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.backend.fmt(f)
    }
}

/// Runs one case on a fresh app of the given backend (skipping PostgreSQL
/// when it is not configured); used by `both_backends!`.
pub async fn run_case<F, Fut>(backend: Backend, case: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_case_on(backend, spawn, case).await
}

/// As [`run_case`], on an app started by `start` (`spawn_with_jobs`, say).
pub async fn run_case_on<T, S, SFut, F, Fut>(backend: Backend, start: S, case: F)
where
    S: FnOnce(Backend) -> SFut,
    SFut: std::future::Future<Output = T>,
    F: FnOnce(T) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        return;
    }
    // A case that stops making progress fails with its name instead of
    // holding the whole run until CI's own limit.
    tokio::time::timeout(std::time::Duration::from_secs(300), async {
        case(start(backend).await).await
    })
    .await
    .unwrap_or_else(|_| panic!("{backend:?}: the case did not finish within 5 minutes"))
}

/// `both_backends!(case_a, case_b)`: for each `async fn case(app: TestApp)`
/// in scope, a module `case` with the tests `case::sqlite` and
/// `case::postgres`, each on its own fresh database.
/// `both_backends!(start = path::to::spawner; case_a, …)`: the same, on
/// apps started by that function (`helpers::spawn_with_jobs`, say).
macro_rules! both_backends {
    (start = $start:path; $($case:ident),+ $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run_case_on($crate::helpers::Backend::Sqlite, $start, super::$case).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run_case_on($crate::helpers::Backend::Postgres, $start, super::$case).await
            }
        }
    )+};
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run_case($crate::helpers::Backend::Sqlite, super::$case).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run_case($crate::helpers::Backend::Postgres, super::$case).await
            }
        }
    )+};
}

/// Starts the app on a fresh database of the given backend, with demo data.
pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, |_, _| {}).await
}

/// As [`spawn`], with the test configuration changed by `configure` first,
/// which also gets the app's address (bound before the platform starts, so
/// that settings can name it).
pub async fn spawn_with(
    backend: Backend,
    configure: impl FnOnce(&mut Config, SocketAddr),
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    spawn_on(backend, listener, configure).await
}

/// As [`spawn_with`], answering on a listener bound already (two platforms
/// that name each other in their settings).
pub async fn spawn_on(
    backend: Backend,
    listener: tokio::net::TcpListener,
    configure: impl FnOnce(&mut Config, SocketAddr),
) -> TestApp {
    spawn_on_at(backend, listener, beijing_noon_today(), configure).await
}

/// As [`spawn_on`], its clock starting at `start_ms` (two platforms on one
/// noon, even when they are made on either side of midnight in Beijing).
pub async fn spawn_on_at(
    backend: Backend,
    listener: tokio::net::TcpListener,
    start_ms: i64,
    configure: impl FnOnce(&mut Config, SocketAddr),
) -> TestApp {
    let (url, guard) = database_for(backend).await;
    let mut config = Config::for_tests(&url);
    config.dev_sms_outbox = true;
    config.max_connections = 5;
    let addr = listener.local_addr().unwrap();
    configure(&mut config, addr);
    let clock = TestClock::at(start_ms);
    let platform = prepare_with_clock(&config, clock.clone())
        .await
        .expect("prepare platform");
    let demo = server::load_demo_if_empty(&platform)
        .await
        .expect("load demo")
        .expect("fresh database gets demo data");
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
        clock,
        _guard: guard,
    }
}

/// How often the scheduled jobs run in an app from [`spawn_with_jobs`].
pub const JOBS_EVERY_IN_TESTS: std::time::Duration = std::time::Duration::from_secs(1);

/// As [`spawn`], with every scheduled job running on its timer (every
/// [`JOBS_EVERY_IN_TESTS`]), as on a real server: the test moves the clock
/// and waits, and presses no button.
pub async fn spawn_with_jobs(backend: Backend) -> TestApp {
    spawn_with(backend, |config, _| {
        config.jobs_every = Some(JOBS_EVERY_IN_TESTS);
    })
    .await
}

/// Asks `probe` once a tenth of a second until it answers Some, for at
/// most `seconds` (a scheduled job's work, seen from outside).
pub async fn eventually<T, Fut>(seconds: u64, mut probe: impl FnMut() -> Fut) -> Option<T>
where
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(found) = probe().await {
            return Some(found);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A client as a browser on the site's own pages: it keeps cookies and
/// says `Sec-Fetch-Site: same-origin` (without it, the origin check
/// refuses a state-changing request that carries the session cookie).
pub fn new_client() -> reqwest::Client {
    let mut same_origin = reqwest::header::HeaderMap::new();
    same_origin.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    reqwest::Client::builder()
        .default_headers(same_origin)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A server that stops answering fails the test instead of hanging it.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A page's HTML as `client` gets it (a transport error fails the test).
pub async fn html(client: &reqwest::Client, url: &str) -> String {
    let res = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    res.text()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: reading the page: {e}"))
}

/// The order number in a checkout address (`…?order_no=…`).
pub fn order_of(checkout: &serde_json::Value) -> String {
    checkout
        .as_str()
        .and_then(|url| url.rsplit('=').next())
        .unwrap_or_else(|| panic!("not a checkout address: {checkout}"))
        .to_string()
}

/// What a server function answered: Ok(JSON) or Err(AppError as JSON).
pub type Answer = Result<serde_json::Value, serde_json::Value>;

impl TestApp {
    /// Calls a server function by its own argument type, the way the
    /// browser does (a form-encoded POST): the path and the argument names
    /// come from the app, so renaming either breaks this crate's build.
    pub async fn call_fn<F>(&self, client: &reqwest::Client, args: F) -> Answer
    where
        F: ServerFn + serde::Serialize,
    {
        self.post_form(client, F::url(), &args).await
    }

    /// Calls a server function by its endpoint with a hand-made form — for
    /// malformed or incomplete requests only; use [`TestApp::call_fn`].
    #[allow(dead_code)] // for the bad-input cases
    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Answer {
        self.post_form(client, &format!("/api/{endpoint}"), form)
            .await
    }

    async fn post_form<T: serde::Serialize + ?Sized>(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &T,
    ) -> Answer {
        // As the browser's server-function client encodes them (serde_qs,
        // which writes a list as `name[0]=…`); plain pairs as they are.
        let body = serde_urlencoded::to_string(form)
            .ok()
            .or_else(|| serde_qs::to_string(&form).ok())
            .expect("an encodable form");
        let res = client
            .post(format!("{}{path}", self.base))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
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

    /// The newest SMS code sent to a phone: the `code` of the newest
    /// message in the outbox.
    pub async fn latest_code(&self, phone: &str) -> String {
        let rows = self
            .platform
            .store
            .outbox_for_phone(phone, 1)
            .await
            .expect("reading the outbox");
        let row = rows.first().expect("an SMS was queued");
        let sms = server::store::sms_outbox::sms_of_row(&row.template, &row.params).unwrap();
        let code = sms.param("code").expect("the newest SMS carries a code");
        assert!(
            code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
            "{code}"
        );
        code.to_string()
    }

    /// The texts of the SMS queued for a phone, oldest first (rendered
    /// from their templates).
    pub async fn sms_texts(&self, phone: &str) -> Vec<String> {
        let mut rows = self
            .platform
            .store
            .outbox_for_phone(phone, 1000)
            .await
            .expect("reading the outbox");
        rows.reverse();
        rows.iter().map(|r| r.text().unwrap()).collect()
    }

    /// The first column of the first row of a query with one argument
    /// (`$1`).
    pub async fn scalar<'q, T, A>(&self, sql: &'q str, arg: A) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
        A: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
    {
        sqlx::query(sql)
            .bind(arg)
            .fetch_one(&self.platform.store.pool)
            .await
            .unwrap_or_else(|e| panic!("{self}: {sql}: {e}"))
            .try_get::<T, _>(0)
            .unwrap_or_else(|e| panic!("{self}: {sql}: {e}"))
    }

    /// Handles a violation (the penalty decision), with the facts
    /// confirmed or not.
    pub async fn handle_violation(
        &self,
        client: &reqwest::Client,
        violation_id: i64,
        confirmed: bool,
    ) -> Answer {
        self.call_fn(
            client,
            app::features::fines::api::HandleViolation {
                violation_id,
                confirm: confirmed.then(|| "yes".into()),
            },
        )
        .await
    }

    /// The simulated bank pays the order; answers where it sends the
    /// browser.
    pub async fn bank_pays(&self, order_no: &str) -> String {
        let res = self
            .client
            .post(format!("{}/dev/bank/pay", self.base))
            .form(&[("order_no", order_no)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{self}: transport error {e}"));
        assert_eq!(res.status(), 303, "{self}");
        res.headers()["location"].to_str().unwrap().to_string()
    }

    /// Pays a handled violation's fine as its holder does: the order, then
    /// the simulated bank. Answers where the bank sends the browser.
    pub async fn pay_through_bank(&self, client: &reqwest::Client, violation_id: i64) -> String {
        let checkout = self
            .call_fn(client, app::features::fines::api::PayFine { violation_id })
            .await
            .unwrap_or_else(|e| panic!("{self}: paying {violation_id}: {e}"));
        self.bank_pays(&order_of(&checkout)).await
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

/// The variant name of an AppError in JSON (e.g. "Fields", "NotAllowed").
pub fn kind(err: &serde_json::Value) -> String {
    match err {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The error a refusal by a domain rule reaches the browser as.
pub fn refused(refusal: app::domain::Refusal) -> serde_json::Value {
    serde_json::to_value(app::error::AppError::from(refusal)).unwrap()
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

/// The id of the violation with this code on the vehicle with this plate.
pub async fn violation_id(app: &TestApp, plate: &str, code: &str) -> i64 {
    sqlx::query(
        "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND code = $2 AND status = 'unhandled'",
    )
    .bind(plate)
    .bind(code)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get::<i64, _>("id")
}

/// The online owner's fleet: (car id, car plate, truck id).
pub async fn online_owner_fleet(app: &TestApp) -> (i64, String, i64) {
    let (login, _) = app.demo_login("Online-registered individual");
    let rows =
        sqlx::query("SELECT id, plate, vehicle_type FROM vehicles WHERE owner_id = $1 ORDER BY id")
            .bind(login)
            .fetch_all(&app.platform.store.pool)
            .await
            .unwrap();
    let car = rows
        .iter()
        .find(|r| r.get::<String, _>("vehicle_type") == "K33")
        .unwrap();
    let truck = rows
        .iter()
        .find(|r| r.get::<String, _>("vehicle_type") == "H11")
        .unwrap();
    (car.get("id"), car.get("plate"), truck.get("id"))
}
