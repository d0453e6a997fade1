//! The authorization matrix (权限矩阵): every entry of the project route
//! table (`server::http::routes::table()`: server functions, pages,
//! hand-added routes) × every kind of visitor, with the outcome the
//! platform gives today. The test fails when an entry has no row (or a row
//! has no entry), when an outcome differs (status code and, for server
//! functions, the error kind in the body), and on any transport error.
//!
//! Each request is harmless: arguments name nothing that exists (id
//! 999999, order `NOPE`) or are refused by the rules, so the answer says
//! whether the visitor got past the gate: `NotLoggedIn` and `NotAllowed`
//! are the gate; `NotFound`, `Fields` and `Ok` mean the visitor was let in.
//! The requests run in table order with `/api/logout` last, each visitor on
//! one logged-in client; `bind_licence` then `unbind_licence` leave the
//! licence as it was.
//!
//! `MATRIX_PRINT=1` prints the outcomes seen, as rows to paste.

use crate::helpers::*;
use server::http::routes::{table, RouteEntry, Via};
use std::collections::BTreeSet;

/// Who is asking (访问者).
pub(crate) const VISITORS: [&str; 11] = [
    "anonymous",
    "Online-registered individual (owner)",
    "Window-registered individual (owner)",
    "Driving school (unit)",
    "Unit operator (road transport company, violations only)",
    "Hospital (unit)",
    "Window clerk",
    "Business-centre clerk",
    "Supervisor",
    "Administrator",
    "Car dealer (unit)",
];

/// What a visitor gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum O {
    /// 2xx.
    Ok,
    /// A server function's error, by kind: its status (400, 401, 403,
    /// 404, 409, 429) and the kind in the JSON body.
    Fields,
    NotLoggedIn,
    NotAllowed,
    NotFound,
    Conflict,
    RateLimited,
    /// A redirect (302/303/307) to an address starting so.
    To(&'static str),
    /// Any other status (pages and routes).
    S(u16),
}
use O::*;

impl O {
    fn kind_and_status(self) -> Option<(&'static str, u16)> {
        Some(match self {
            Fields => ("Fields", 400),
            NotLoggedIn => ("NotLoggedIn", 401),
            NotAllowed => ("NotAllowed", 403),
            NotFound => ("NotFound", 404),
            Conflict => ("Conflict", 409),
            RateLimited => ("RateLimited", 429),
            _ => return None,
        })
    }
}

/// The matrix: entry (method, path) → outcome for
/// [anonymous, online individual, window individual, unit (driving
/// school), unit operator (violations only), hospital (granted
/// examinations and certificates), window clerk, business-centre clerk,
/// supervisor, admin, car dealer (granted temporary plates)].
#[rustfmt::skip]
pub(crate) const MATRIX: &[(&str, &str, [O; 11])] = &[
    ("POST", "/api/my_account", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/unit/dashboard", [NotLoggedIn, NotAllowed, NotAllowed, Ok, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/vehicles", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/bind_vehicles", [NotLoggedIn, NotAllowed, NotAllowed, Conflict, NotAllowed, Conflict, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Conflict]),
    ("POST", "/api/unit/unbind_vehicles", [NotLoggedIn, NotAllowed, NotAllowed, Conflict, NotAllowed, Conflict, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Conflict]),
    ("POST", "/api/unit/violations", [NotLoggedIn, NotAllowed, NotAllowed, Ok, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/operators", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/add_operator", [NotLoggedIn, NotAllowed, NotAllowed, Fields, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/unit/resend_operator_code", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/reactivate_operator", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/operator_services", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/disable_operator", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/audit", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/api_keys", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/create_api_key", [NotLoggedIn, NotAllowed, NotAllowed, Fields, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/unit/revoke_api_key", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/operator_activate", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/operator_login", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/unit/drivers", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/driver_request", [NotLoggedIn, NotAllowed, NotAllowed, Fields, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/unit/driver_confirm", [NotLoggedIn, NotAllowed, NotAllowed, Fields, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/unit/driver_unbind", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/name_driver_request", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/name_driver_confirm", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/licence/unit_ties", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/end_unit_tie", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/exams/queue_sessions", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/exams/queue", [NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("POST", "/api/unit/exams", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/record_exam", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/submit_certificate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/learners", [NotLoggedIn, NotAllowed, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/enter_learner", [NotLoggedIn, NotAllowed, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/resend_learner_code", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/confirm_learner", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/register_learner", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/withdraw_learner", [NotLoggedIn, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unit/temporary_plates", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unit/temporary_plate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/enter_temporary_plate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/unit/resend_temporary_plate_code", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/issue_temporary_plate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/withdraw_temporary_plate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/unit/revoke_temporary_plate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/temporary_plates/check", [NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("POST", "/api/account/temporary_plates", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/physical", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/submit_certificate", [NotLoggedIn, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/login", [Fields, Fields, Fields, Fields, RateLimited, RateLimited, RateLimited, RateLimited, RateLimited, RateLimited, RateLimited]),
    ("POST", "/api/request_password_reset", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/reset_password", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/request_contact_change", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/confirm_contact_change", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/registration_windows", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/send_registration_code", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/complete_registration", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/staff/register_individual", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/register_unit", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/my_vehicles", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/bind_own_vehicle", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/request_other_vehicle", [NotLoggedIn, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/confirm_other_vehicle", [NotLoggedIn, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unbind_vehicle", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/licence_overview", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/bind_licence", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/unbind_licence", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence_photo_status", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/electronic", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/renew_electronic", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/credentials/verify", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/roaming/consent", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/roaming/grant", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/roaming/homes", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/licence/share_codes", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/create_share_code", [NotLoggedIn, Fields, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence/revoke_share_code", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/licence_check", [Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields, Fields]),
    ("POST", "/api/licence_check_result", [NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("POST", "/api/my_violations", [NotLoggedIn, Ok, Ok, Ok, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/violation_detail", [NotLoggedIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/handle_violation", [NotLoggedIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/pay_fine", [NotLoggedIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/pay_fines", [NotLoggedIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/fine_receipt", [NotLoggedIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/my_messages", [NotLoggedIn, Ok, Ok, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/unread_message_count", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("POST", "/api/applications_overview", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/application_form", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/submit_application", [NotLoggedIn, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/save_application_draft", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/load_application_draft", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/confirm_application", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/delete_application_draft", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/my_application", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/applications", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, Ok, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/application", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/application_event", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/lift_blacklist", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Conflict, NotAllowed, NotAllowed]),
    ("POST", "/api/plates/vehicles", [NotLoggedIn, Ok, Ok, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/plates/prepare", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/draw", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/batch", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/hold", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/custom", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/extend", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/plates/confirm", [NotLoggedIn, NotFound, NotFound, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound]),
    ("POST", "/api/exams/overview", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/exams/book", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/exams/cancel", [NotLoggedIn, Conflict, Conflict, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/exams/allocate", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed]),
    ("POST", "/api/staff/second_factor_step", [NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/confirm_second_factor", [NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/admin/members", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed]),
    ("POST", "/api/staff/admin/member", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed]),
    ("POST", "/api/staff/admin/create_staff", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/admin/set_disabled", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/admin/reset_password", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed]),
    ("POST", "/api/my_record_views", [NotLoggedIn, Ok, Ok, Ok, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/staff/accounts/find", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed, Fields, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/accounts/open", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/accounts/set_disabled", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/my_blacklist", [NotLoggedIn, Ok, Ok, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/appeal_blacklist", [NotLoggedIn, NotFound, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/appeals", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/decide_appeal", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/upgrade", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/send_reset_code", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/reset_password", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/send_phone_code", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/change_phone", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/refunds", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/record_refund", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/exams/sessions", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed]),
    ("POST", "/api/staff/exams/add", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/exams/session", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed]),
    ("POST", "/api/staff/plates/pools", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Ok, NotAllowed]),
    ("POST", "/api/staff/plates/load_series", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/plates/withhold_series", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/windows/add", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, Fields, NotAllowed]),
    ("POST", "/api/staff/windows/update", [NotLoggedIn, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotAllowed, NotFound, NotAllowed]),
    ("GET", "/", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/windows", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/verify", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/roam/authorize", [To("/login"), Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/licence-check", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/login", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/login/operator", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/login/operator/activate", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/password-reset", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/register", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/register/unit", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/register/online", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/account", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/unit", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/vehicles", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/violations", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/drivers", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/exams/queue", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/exams/queue/{id}", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/unit/exams", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/learners", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/temporary-plates", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/temporary-plates/{id}", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/temporary-plates/check", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/account/temporary-plates", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/unit/operators", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/audit", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/api-keys", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/unit/drivers/confirm", [To("/login"), To("/account"), To("/account"), Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/vehicles", [To("/login"), Ok, Ok, To("/unit/vehicles"), To("/unit/vehicles"), To("/unit/vehicles"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/vehicles")]),
    ("GET", "/account/vehicles/confirm", [To("/login"), Ok, Ok, To("/unit/vehicles"), To("/unit/vehicles"), To("/unit/vehicles"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/vehicles")]),
    ("GET", "/account/licence", [To("/login"), Ok, Ok, To("/unit/drivers"), To("/unit/drivers"), To("/unit/drivers"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/drivers")]),
    ("GET", "/account/licence/share", [To("/login"), Ok, Ok, To("/unit/drivers"), To("/unit/drivers"), To("/unit/drivers"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/drivers")]),
    ("GET", "/account/licence/photo", [To("/login"), Ok, Ok, To("/unit/drivers"), To("/unit/drivers"), To("/unit/drivers"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/drivers")]),
    ("GET", "/account/violations", [To("/login"), Ok, Ok, To("/unit/violations"), To("/unit/violations"), To("/unit/violations"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit/violations")]),
    ("GET", "/account/violations/{id}", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/receipts/{no}", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/messages", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/contact", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/plates", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/plates/draw", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/plates/custom", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/plates/hold", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/exams", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/account/applications", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/account/applications/{no}", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/account/apply/{code}", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/account/apply/{code}/check", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/staff", [To("/login"), S(403), S(403), S(403), S(403), S(403), Ok, Ok, Ok, Ok, S(403)]),
    ("GET", "/staff/applications", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), Ok, Ok, S(403), S(403)]),
    ("GET", "/staff/applications/{no}", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), Ok, Ok, S(403), S(403)]),
    ("GET", "/staff/register/individual", [To("/login"), S(403), S(403), S(403), S(403), S(403), Ok, S(403), S(403), S(403), S(403)]),
    ("GET", "/staff/register/unit", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403)]),
    ("GET", "/login/second-factor", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/staff/admin/staff", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/admin/staff/{id}", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/accounts", [To("/login"), S(403), S(403), S(403), S(403), S(403), Ok, S(403), Ok, S(403), S(403)]),
    ("GET", "/staff/accounts/{id}", [To("/login"), S(403), S(403), S(403), S(403), S(403), Ok, S(403), Ok, S(403), S(403)]),
    ("GET", "/staff/appeals", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403), S(403)]),
    ("GET", "/staff/refunds", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403), S(403), S(403)]),
    ("GET", "/staff/exams", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/plates", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/windows", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/windows/{id}", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/staff/exams/{id}", [To("/login"), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), Ok, S(403)]),
    ("GET", "/account/record-views", [To("/login"), Ok, Ok, Ok, Ok, Ok, To("/staff"), To("/staff"), To("/staff"), To("/staff"), Ok]),
    ("GET", "/account/blacklist", [To("/login"), Ok, Ok, To("/unit"), To("/unit"), To("/unit"), To("/staff"), To("/staff"), To("/staff"), To("/staff"), To("/unit")]),
    ("GET", "/healthz", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/.well-known/platform-keys.json", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/roam/start", [To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login")]),
    ("GET", "/roam/callback", [To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login"), To("/login")]),
    ("POST", "/roam/token", [S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400)]),
    ("POST", "/roam/notice", [S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400)]),
    ("POST", "/roam/credential-status", [S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400), S(400)]),
    ("GET", "/lang/{code}", [To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/")]),
    ("GET", "/text-size/{size}", [To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/"), To("/")]),
    ("GET", "/payments/checkout", [To("/login"), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404)]),
    ("POST", "/payments/notify", [S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403), S(403)]),
    ("GET", "/payments/return", [To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations"), To("/account/violations")]),
    ("GET", "/dev/bank/checkout", [S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404)]),
    ("POST", "/dev/bank/pay", [S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404)]),
    ("POST", "/account/licence/photo/upload", [To("/login"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo"), To("/account/licence/photo")]),
    ("GET", "/account/licence/photo/image", [S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404), S(404)]),
    ("GET", "/unit/vehicles.csv", [To("/login"), S(403), S(403), Ok, S(403), Ok, S(403), S(403), S(403), S(403), Ok]),
    ("GET", "/unit/violations.csv", [To("/login"), S(403), S(403), Ok, Ok, Ok, S(403), S(403), S(403), S(403), Ok]),
    ("GET", "/unit/exams.csv", [To("/login"), S(403), S(403), S(403), S(403), Ok, S(403), S(403), S(403), S(403), S(403)]),
    ("GET", "/unit/drivers.csv", [To("/login"), S(403), S(403), Ok, S(403), Ok, S(403), S(403), S(403), S(403), Ok]),
    ("GET", "/dev/sms-outbox", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/open/v1/openapi.json", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/open/docs", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    ("GET", "/open/docs/{file}", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
    // The open API takes a key, never a session: every visitor is refused.
    ("GET", "/open/v1/learners", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/learners", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/learners/{id}/code", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/learners/{id}/confirm", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/learners/{id}/register", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("DELETE", "/open/v1/learners/{id}", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("GET", "/open/v1/temporary-plates", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/temporary-plates", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("GET", "/open/v1/temporary-plates/{id}", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("DELETE", "/open/v1/temporary-plates/{id}", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/temporary-plates/{id}/code", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/temporary-plates/{id}/issue", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/temporary-plates/{id}/revoke", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("GET", "/open/v1/physical-exams", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/physical-exams", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/open/v1/physical-exams/{id}/certificate", [S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/api/logout", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
];

pub(crate) use args::ARGS;
pub use requests::{address, send, Seen};

mod args;
mod requests;

/// The form a hand-added POST route gets in the matrix.
fn route_form(path: &str) -> &'static [(&'static str, &'static str)] {
    match path {
        "/payments/notify" => &[
            ("order_no", "NOPE"),
            ("amount_fen", "1"),
            ("bank_ref", "B"),
            ("signature", "00"),
        ],
        "/dev/bank/pay" => &[("order_no", "NOPE")],
        _ => &[],
    }
}

fn entry_order(entries: &mut [RouteEntry]) {
    // Logging out ends the visitor's session: last.
    entries.sort_by_key(|e| e.path == "/api/logout");
}

async fn authorization_matrix(app: TestApp) {
    let mut entries = table();
    entry_order(&mut entries);
    let listed: BTreeSet<(String, &str)> = entries
        .iter()
        .map(|e| (e.method.to_string(), e.path))
        .collect();
    let rows: BTreeSet<(String, &str)> =
        MATRIX.iter().map(|(m, p, _)| (m.to_string(), *p)).collect();
    let print = std::env::var("MATRIX_PRINT").is_ok_and(|v| v == "1");
    let missing: Vec<_> = listed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&listed).collect();
    assert!(
        print || (missing.is_empty() && stale.is_empty()),
        "{app}: route-table entries without a matrix row: {missing:?}; rows without an entry: {stale:?}"
    );
    let mut clients = vec![new_client()];
    for who in &VISITORS[1..] {
        clients.push(logged_in(&app, who).await);
    }
    let mut wrong = Vec::new();
    for entry in &entries {
        let form = match entry.via {
            Via::ServerFn => ARGS
                .iter()
                .find(|(p, _)| *p == entry.path)
                .map(|(_, f)| *f)
                .unwrap_or(&[]),
            _ => route_form(entry.path),
        };
        let expected = MATRIX
            .iter()
            .find(|(m, p, _)| *m == entry.method.as_str() && *p == entry.path)
            .map(|(_, _, row)| row);
        let mut seen_row = Vec::new();
        for (i, client) in clients.iter().enumerate() {
            let seen = send(&app, client, entry, form).await;
            if let Some(row) = expected {
                if !seen.is(row[i], entry.via) {
                    wrong.push(format!(
                        "{} {} as {}: expected {:?}, got {seen:?}",
                        entry.method, entry.path, VISITORS[i], row[i]
                    ));
                }
            }
            seen_row.push(seen.outcome());
        }
        if print {
            println!(
                "    (\"{}\", \"{}\", [{}]),",
                entry.method,
                entry.path,
                seen_row.join(", ")
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "{app}: {} cells differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

both_backends!(authorization_matrix);
