//! The project route table (路由总表): every entry the platform answers —
//! server functions, pages and hand-added axum routes — with what it is for.
//!
//! - **Server functions** (`#[server]` in `app`) are registered by
//!   `server_fn`'s inventory and mounted by `leptos_axum`; their rows here
//!   must equal that inventory (a unit test below checks it, so a new server
//!   function without a row fails).
//! - **Pages** (Leptos routes) are mounted by `leptos_axum` from
//!   `generate_route_list(app::App)`; their rows must equal that list (same
//!   test).
//! - **Routes** (hand-added axum handlers) are mounted by
//!   [`super::router`] from this table and nowhere else.
//!
//! The authorization matrix (`server/tests/api/authorization.rs`) and the
//! bad-input test (`server/tests/api/bad_input.rs`) each have a row for every
//! entry and fail when one is missing: a new entry needs its rows there too.

mod open_api;
mod server_fns;

pub use server_fns::server_functions;

use super::{dev, display, keys, payments, photos, roaming, unit_export, WebState};
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{get, post, MethodRouter};

/// How an entry is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A `#[server]` function (POST, form-encoded arguments, JSON answer).
    ServerFn,
    /// A Leptos page, rendered on the server (GET).
    Page,
    /// A hand-added axum route, mounted from this table.
    Route,
}

/// When a hand-added route is mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    Always,
    /// Only in development with `DEV_SMS_OUTBOX=1` (local runs and browser
    /// tests); a 404 page otherwise.
    DevOutbox,
    /// Only in development with the simulated bank; a 404 page otherwise.
    SimulatedBank,
}

impl Availability {
    pub fn is_on(self, state: &WebState) -> bool {
        match self {
            Availability::Always => true,
            Availability::DevOutbox => state.dev_outbox.is_some(),
            Availability::SimulatedBank => state.bank.is_some(),
        }
    }
}

/// One entry of the table.
#[derive(Clone)]
pub struct RouteEntry {
    pub method: Method,
    /// As registered: `/api/…` for server functions, axum's `{param}` syntax.
    pub path: &'static str,
    pub via: Via,
    /// What it is for.
    pub purpose: &'static str,
    pub availability: Availability,
    /// The handler, for hand-added routes.
    pub mount: Option<fn() -> MethodRouter<WebState>>,
}

impl std::fmt::Debug for RouteEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.method, self.path, self.via)
    }
}

pub(super) fn server_fn_entry(path: &'static str, purpose: &'static str) -> RouteEntry {
    RouteEntry {
        method: Method::POST,
        path,
        via: Via::ServerFn,
        purpose,
        availability: Availability::Always,
        mount: None,
    }
}

fn page(path: &'static str, purpose: &'static str) -> RouteEntry {
    RouteEntry {
        method: Method::GET,
        path,
        via: Via::Page,
        purpose,
        availability: Availability::Always,
        mount: None,
    }
}

fn route(
    method: Method,
    path: &'static str,
    purpose: &'static str,
    mount: fn() -> MethodRouter<WebState>,
) -> RouteEntry {
    RouteEntry {
        method,
        path,
        via: Via::Route,
        purpose,
        availability: Availability::Always,
        mount: Some(mount),
    }
}

/// Every entry the platform answers.
pub fn table() -> Vec<RouteEntry> {
    let mut entries = server_functions();
    entries.extend(pages());
    entries.extend(hand_added());
    entries.extend(open_api::open_api());
    entries
}

/// The hand-added axum routes (mounted from here by the router).
pub fn hand_added() -> Vec<RouteEntry> {
    vec![
        route(
            Method::GET,
            "/healthz",
            "liveness probe (健康检查): `ok`",
            || get(|| async { "ok" }),
        ),
        route(
            Method::GET,
            "/.well-known/platform-keys.json",
            "public: this platform's public signing keys (公钥), for peers and verifiers",
            || get(keys::platform_keys),
        ),
        route(
            Method::GET,
            "/roam/start",
            "roaming login, visited platform (用其他省份账号登录): state cookie, then to the home platform",
            || get(roaming::start),
        ),
        route(
            Method::GET,
            "/roam/callback",
            "roaming login, visited platform: back from home with a code; exchanged, checked, session",
            || get(roaming::callback),
        ),
        route(
            Method::POST,
            "/roam/token",
            "roaming, home platform: a peer's signed token request answered with a signed assertion",
            || post(roaming::token),
        ),
        route(
            Method::POST,
            "/roam/notice",
            "roaming, visited platform: a home platform's signed notice ends the person's sessions",
            || post(roaming::notice),
        ),
        route(
            Method::POST,
            "/roam/credential-status",
            "credentials, issuing platform (凭证状态查询): a peer's signed question on a credential issued here, answered signed from the records",
            || post(roaming::credential_status),
        ),
        route(
            Method::GET,
            "/lang/{code}",
            "language switch (语言): cookie, then back",
            || get(display::switch_language),
        ),
        route(
            Method::GET,
            "/text-size/{size}",
            "large-text mode switch (大字版): cookie, then back",
            || get(display::switch_text_size),
        ),
        route(
            Method::GET,
            "/payments/checkout",
            "hand-off to the payment gateway (前往支付): the payer's own open order, signed now",
            || get(payments::checkout),
        ),
        route(
            Method::POST,
            "/payments/notify",
            "payment gateway's signed server-to-server notice (支付结果通知)",
            || post(payments::notify),
        ),
        route(
            Method::GET,
            "/payments/return",
            "payer's browser back from the bank, signed (支付返回)",
            || get(payments::browser_return),
        ),
        RouteEntry {
            availability: Availability::SimulatedBank,
            ..route(
                Method::GET,
                "/dev/bank/checkout",
                "simulated bank's payment page (模拟银行, development only)",
                || get(payments::bank_checkout),
            )
        },
        RouteEntry {
            availability: Availability::SimulatedBank,
            ..route(
                Method::POST,
                "/dev/bank/pay",
                "simulated bank: the payer confirms; notice, then return",
                || post(payments::bank_pay),
            )
        },
        route(
            Method::POST,
            "/account/licence/photo/upload",
            "licence photo upload, plain multipart form (驾驶证照片上传)",
            // The handler reads every upload to its end itself (a phone
            // photo of several MB gets the reason, a huge file a 413 page).
            || post(photos::upload).layer(DefaultBodyLimit::disable()),
        ),
        route(
            Method::GET,
            "/account/licence/photo/image",
            "the holder's own licence photo (本人照片)",
            || get(photos::image),
        ),
        route(
            Method::GET,
            "/unit/vehicles.csv",
            "unit: its vehicles as CSV, streamed (单位车辆导出)",
            || get(unit_export::vehicles),
        ),
        route(
            Method::GET,
            "/unit/violations.csv",
            "unit: its bound vehicles' violations as CSV, streamed (单位违法导出)",
            || get(unit_export::violations),
        ),
        route(
            Method::GET,
            "/unit/drivers.csv",
            "unit: its drivers' licences as CSV, streamed (单位驾驶人导出)",
            || get(unit_export::drivers),
        ),
        route(
            Method::GET,
            "/unit/exams.csv",
            "hospital: its examinations as CSV, streamed (体检记录导出)",
            || get(unit_export::exams),
        ),
        RouteEntry {
            availability: Availability::DevOutbox,
            ..route(
                Method::GET,
                "/dev/sms-outbox",
                "development SMS outbox (短信发件箱, DEV_SMS_OUTBOX=1 only)",
                || get(dev::sms_outbox),
            )
        },
    ]
}

/// The Leptos pages (`generate_route_list(app::App)`), each a GET.
pub fn pages() -> Vec<RouteEntry> {
    vec![
        page("/", "home (首页)"),
        page("/windows", "registration windows (注册窗口)"),
        page(
            "/licence-check",
            "public: check a licence with its holder's share code (驾驶证信息核查)",
        ),
        page(
            "/verify",
            "public: check a signed credential, such as an electronic licence (电子凭证核验)",
        ),
        page("/login", "log in (登录)"),
        page(
            "/roam/authorize",
            "home platform: agree to log in at another province's platform (漫游登录确认)",
        ),
        page("/login/operator", "a unit's operator logs in (经办人登录)"),
        page(
            "/login/operator/activate",
            "an operator activates the login (经办人激活)",
        ),
        page("/password-reset", "forgotten password (找回密码)"),
        page("/register", "choose how to register (注册)"),
        page(
            "/register/unit",
            "unit registration: at a window (单位注册)",
        ),
        page("/register/online", "online registration (网上注册)"),
        page("/account", "my account (个人中心)"),
        page("/unit", "unit dashboard (单位用户工作台)"),
        page("/unit/vehicles", "unit: its vehicles (单位车辆)"),
        page("/unit/violations", "unit: its violations (单位违法处理)"),
        page("/unit/drivers", "unit: its drivers' licences (单位驾驶人)"),
        page(
            "/exams/queue",
            "public: how test seats were given (考试名额分配公示)",
        ),
        page(
            "/exams/queue/{id}",
            "public: one session's queue by priority date",
        ),
        page(
            "/unit/exams",
            "hospital: examinations and certificates (驾驶人体检)",
        ),
        page("/unit/learners", "driving school: its learners (驾校学员)"),
        page(
            "/unit/temporary-plates",
            "dealer: issue temporary plates (临时号牌核发)",
        ),
        page(
            "/unit/temporary-plates/{id}",
            "dealer: one temporary plate, printed or revoked",
        ),
        page(
            "/temporary-plates/check",
            "public: check a temporary plate (临时号牌查验)",
        ),
        page(
            "/account/temporary-plates",
            "buyer: my temporary plates (我的临时号牌)",
        ),
        page("/unit/operators", "unit account: its operators (经办人)"),
        page("/unit/audit", "unit account: who did what (操作记录)"),
        page(
            "/unit/api-keys",
            "unit account: its open API keys (开放接口密钥)",
        ),
        page(
            "/unit/drivers/confirm",
            "unit: bind a licence with the driver's code",
        ),
        page("/account/vehicles", "my vehicles (机动车)"),
        page(
            "/account/vehicles/confirm",
            "confirm another's vehicle by SMS code",
        ),
        page("/account/licence", "my driving licence (驾驶证)"),
        page(
            "/account/licence/share",
            "my licence share codes: make, see uses, revoke (驾驶证信息分享)",
        ),
        page("/account/licence/photo", "licence photo (驾驶证照片)"),
        page("/account/violations", "my violations (违法记录)"),
        page("/account/violations/{id}", "one violation (违法详情)"),
        page("/account/receipts/{no}", "fine receipt (缴款凭证)"),
        page("/account/messages", "messages (消息)"),
        page("/account/contact", "change the phone number (联系方式)"),
        page("/account/plates", "choose a plate (选号)"),
        page("/account/plates/draw", "plate draw (随机选号)"),
        page("/account/plates/custom", "custom plate (自编号牌)"),
        page("/account/plates/hold", "the plate held (号牌预留)"),
        page("/account/exams", "driving tests (考试预约)"),
        page("/account/applications", "my applications (业务申请)"),
        page("/account/applications/{no}", "one application (申请详情)"),
        page("/account/apply/{code}", "apply for a service (申请)"),
        page("/account/apply/{code}/check", "check your answers (核对)"),
        page("/staff", "staff home (民警工作台)"),
        page("/staff/applications", "applications to handle (待办业务)"),
        page("/staff/applications/{no}", "one application, staff view"),
        page(
            "/staff/register/individual",
            "window registration: person (窗口注册)",
        ),
        page(
            "/staff/register/unit",
            "window registration: unit (单位注册)",
        ),
        page(
            "/login/second-factor",
            "staff login: one-time code (动态口令)",
        ),
        page("/staff/admin/staff", "admin: staff accounts (民警账户管理)"),
        page("/staff/admin/staff/{id}", "admin: one staff account"),
        page(
            "/staff/accounts",
            "window and supervisor: find an account (账户查询)",
        ),
        page("/staff/accounts/{id}", "an account file, opened (账户档案)"),
        page("/staff/appeals", "supervisor: blacklist appeals (申诉审核)"),
        page("/staff/refunds", "business centre: refunds (退款登记)"),
        page("/staff/exams", "admin: exam sessions (考试场次管理)"),
        page("/staff/plates", "admin: plate pools (号池管理)"),
        page(
            "/staff/windows",
            "admin: registration windows (注册窗口管理)",
        ),
        page("/staff/windows/{id}", "admin: edit a window"),
        page(
            "/staff/exams/{id}",
            "admin: one session, bookings and ranks",
        ),
        page(
            "/account/record-views",
            "who viewed my record (谁查看过我的信息)",
        ),
        page(
            "/account/blacklist",
            "my blacklist entries and appeals (黑名单申诉)",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn rows(via: Via) -> BTreeSet<(String, String)> {
        table()
            .into_iter()
            .filter(|e| e.via == via)
            .map(|e| (e.method.to_string(), e.path.to_string()))
            .collect()
    }

    #[test]
    fn every_registered_server_function_has_exactly_one_row() {
        let registered: BTreeSet<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (method.to_string(), path.to_string()))
            .collect();
        assert!(!registered.is_empty(), "the server_fn inventory is empty");
        let table = rows(Via::ServerFn);
        let missing: Vec<_> = registered.difference(&table).collect();
        let stale: Vec<_> = table.difference(&registered).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "server functions without a row: {missing:?}; rows without a server function: {stale:?}"
        );
    }

    #[test]
    fn every_page_has_exactly_one_row() {
        let generated: BTreeSet<(String, String)> = super::super::page_routes()
            .iter()
            .map(|r| ("GET".to_string(), r.path().to_string()))
            .collect();
        let table = rows(Via::Page);
        let missing: Vec<_> = generated.difference(&table).collect();
        let stale: Vec<_> = table.difference(&generated).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "pages without a row: {missing:?}; rows without a page: {stale:?}"
        );
    }

    #[test]
    fn no_entry_is_listed_twice_and_routes_have_handlers() {
        let all = table();
        let distinct: BTreeSet<_> = all.iter().map(|e| (e.method.as_str(), e.path)).collect();
        assert_eq!(distinct.len(), all.len(), "an entry is listed twice");
        for e in &all {
            assert_eq!(e.mount.is_some(), e.via == Via::Route, "{e:?}");
            assert!(!e.purpose.is_empty(), "{e:?} says what it is for");
        }
    }
}
