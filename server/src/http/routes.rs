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

use super::{dev, display, payments, photos, WebState};
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

fn server_fn(path: &'static str, purpose: &'static str) -> RouteEntry {
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
        page("/login", "log in (登录)"),
        page("/password-reset", "forgotten password (找回密码)"),
        page("/register", "choose how to register (注册)"),
        page(
            "/register/unit",
            "unit registration: at a window (单位注册)",
        ),
        page("/register/online", "online registration (网上注册)"),
        page("/account", "my account (个人中心)"),
        page("/account/vehicles", "my vehicles (机动车)"),
        page(
            "/account/vehicles/confirm",
            "confirm another's vehicle by SMS code",
        ),
        page("/account/licence", "my driving licence (驾驶证)"),
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

/// The `#[server]` functions, by their registered paths.
pub fn server_functions() -> Vec<RouteEntry> {
    vec![
        // Accounts and sessions (账户)
        server_fn("/api/my_account", "the logged-in account, or none"),
        server_fn("/api/login", "log in (登录)"),
        server_fn("/api/logout", "log out (退出)"),
        server_fn(
            "/api/request_password_reset",
            "send a reset code (找回密码)",
        ),
        server_fn("/api/reset_password", "set a new password with the code"),
        server_fn("/api/request_contact_change", "send a code to a new phone"),
        server_fn(
            "/api/confirm_contact_change",
            "change the phone with the code",
        ),
        // Registration (注册)
        server_fn("/api/registration_windows", "list the registration windows"),
        server_fn(
            "/api/send_registration_code",
            "online registration: SMS code",
        ),
        server_fn("/api/complete_registration", "online registration: create"),
        server_fn("/api/staff/register_individual", "clerk registers a person"),
        server_fn("/api/staff/register_unit", "clerk registers a unit (单位)"),
        // Vehicles and licence (机动车、驾驶证)
        server_fn("/api/my_vehicles", "my vehicles and bindings"),
        server_fn("/api/bind_own_vehicle", "bind a vehicle I own (绑定)"),
        server_fn("/api/request_other_vehicle", "bind another's vehicle: code"),
        server_fn(
            "/api/confirm_other_vehicle",
            "bind another's vehicle: confirm",
        ),
        server_fn("/api/unbind_vehicle", "unbind a vehicle (解绑)"),
        server_fn("/api/licence_overview", "my driving licence"),
        server_fn("/api/bind_licence", "bind my driving licence"),
        server_fn("/api/unbind_licence", "unbind my driving licence"),
        server_fn("/api/licence_photo_status", "licence photo: status"),
        // Violations and fines (违法、罚款)
        server_fn("/api/my_violations", "my violations"),
        server_fn("/api/violation_detail", "one violation"),
        server_fn("/api/handle_violation", "handle a violation (处理)"),
        server_fn("/api/pay_fine", "pay a fine: the bank's address (缴款)"),
        server_fn("/api/fine_receipt", "a fine's receipt"),
        server_fn("/api/my_messages", "my messages (消息)"),
        server_fn(
            "/api/unread_message_count",
            "unread messages, for the header",
        ),
        // Applications (业务申请)
        server_fn("/api/applications_overview", "my applications"),
        server_fn("/api/application_form", "a service's form options"),
        server_fn("/api/submit_application", "submit (no JavaScript path)"),
        server_fn(
            "/api/save_application_draft",
            "save answers before checking",
        ),
        server_fn("/api/load_application_draft", "answers to check"),
        server_fn("/api/confirm_application", "confirm the checked answers"),
        server_fn("/api/delete_application_draft", "delete one of my drafts"),
        server_fn("/api/my_application", "one of my applications"),
        server_fn("/api/staff/applications", "staff: applications by status"),
        server_fn("/api/staff/application", "staff: one application"),
        server_fn(
            "/api/staff/application_event",
            "staff: accept, post, refuse…",
        ),
        server_fn("/api/staff/lift_blacklist", "staff: lift a blacklist entry"),
        // Plates (选号)
        server_fn("/api/plates/vehicles", "vehicles that may choose a plate"),
        server_fn("/api/plates/prepare", "commit to a draw's seed"),
        server_fn("/api/plates/draw", "draw a batch of numbers"),
        server_fn("/api/plates/batch", "a drawn batch"),
        server_fn("/api/plates/hold", "hold a drawn number"),
        server_fn("/api/plates/custom", "hold a custom number"),
        server_fn("/api/plates/extend", "extend a hold"),
        server_fn("/api/plates/confirm", "confirm the held number"),
        // Driving tests (考试预约)
        server_fn("/api/exams/overview", "my tests and bookable sessions"),
        server_fn("/api/exams/book", "book a session"),
        server_fn("/api/exams/cancel", "cancel a booking"),
        server_fn(
            "/api/staff/exams/allocate",
            "staff: allocate a closed session",
        ),
        // Staff login and staff accounts (民警账户)
        server_fn(
            "/api/staff/second_factor_step",
            "staff login: enrol or enter a code",
        ),
        server_fn(
            "/api/staff/confirm_second_factor",
            "staff login: check the code",
        ),
        server_fn(
            "/api/staff/admin/members",
            "admin: staff accounts and windows",
        ),
        server_fn("/api/staff/admin/member", "admin: one staff account"),
        server_fn(
            "/api/staff/admin/create_staff",
            "admin: create a staff account",
        ),
        server_fn(
            "/api/staff/admin/set_disabled",
            "admin: disable or enable staff",
        ),
        server_fn(
            "/api/staff/admin/reset_password",
            "admin: reset a staff password",
        ),
        // Records people can see, supervision and the window (审核、窗口)
        server_fn("/api/my_record_views", "who viewed my record"),
        server_fn("/api/staff/accounts/find", "find accounts (masked)"),
        server_fn(
            "/api/staff/accounts/open",
            "open an account file (recorded)",
        ),
        server_fn(
            "/api/staff/accounts/set_disabled",
            "supervisor: disable or enable",
        ),
        server_fn("/api/my_blacklist", "my blacklist entries and appeals"),
        server_fn("/api/appeal_blacklist", "appeal a blacklist entry"),
        server_fn("/api/staff/appeals", "supervisor: the appeal queue"),
        server_fn("/api/staff/decide_appeal", "supervisor: decide an appeal"),
        server_fn(
            "/api/staff/window/upgrade",
            "window: online to window registration",
        ),
        server_fn(
            "/api/staff/window/send_reset_code",
            "window: reset code to the phone on record",
        ),
        server_fn(
            "/api/staff/window/reset_password",
            "window: set a new password with the code",
        ),
        server_fn(
            "/api/staff/window/send_phone_code",
            "window: code to a new phone",
        ),
        server_fn(
            "/api/staff/window/change_phone",
            "window: change a lost phone",
        ),
        server_fn("/api/staff/refunds", "business centre: money owed back"),
        server_fn(
            "/api/staff/record_refund",
            "business centre: record a refund",
        ),
        server_fn("/api/staff/exams/sessions", "admin: sessions and centres"),
        server_fn("/api/staff/exams/add", "admin: add a session"),
        server_fn("/api/staff/exams/session", "admin: one session's bookings"),
        server_fn("/api/staff/plates/pools", "admin: plate pools by city"),
        server_fn("/api/staff/plates/load_series", "admin: load a series"),
        server_fn(
            "/api/staff/plates/withhold_series",
            "admin: withhold a series",
        ),
        server_fn("/api/staff/windows/add", "admin: add a registration window"),
        server_fn("/api/staff/windows/update", "admin: change a window"),
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
