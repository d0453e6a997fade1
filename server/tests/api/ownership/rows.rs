//! The ownership matrix's rows (归属矩阵): every entry of the route table
//! naming an object, with whose objects it is called and what each visitor
//! gets; and every other entry, with why it names no citizen's object.

use super::setup::Pair;
use super::O::{self, *};

use Pair::{Learner as L, NewCar as N, Window as W};

/// The matrix: entry (method, path), whose objects, → outcome for
/// [owner, non-owner, unit, staff].
#[rustfmt::skip]
pub const MATRIX: &[(&str, &str, Pair, [O; 4])] = &[
    ("GET", "/account/vehicles/confirm", W, [Ok, Ok, To("/unit/vehicles"), To("/staff")]),
    ("GET", "/account/violations/{id}", W, [Shows, Hides, Hides, To("/staff")]),
    ("GET", "/account/receipts/{no}", W, [Shows, Hides, Hides, To("/staff")]),
    ("GET", "/account/contact", W, [Ok, Ok, Ok, To("/staff")]),
    ("GET", "/account/plates/draw", N, [Shows, Hides, Hides, To("/staff")]),
    ("GET", "/account/plates/custom", N, [Ok, Ok, Ok, To("/staff")]),
    ("GET", "/account/plates/hold", N, [Shows, Hides, Hides, To("/staff")]),
    ("GET", "/account/applications/{no}", W, [Shows, Hides, To("/unit"), To("/staff")]),
    ("GET", "/account/apply/{code}", W, [Shows, Hides, To("/unit"), To("/staff")]),
    ("GET", "/account/apply/{code}/check", W, [Shows, Hides, To("/unit"), To("/staff")]),
    ("GET", "/staff/applications/{no}", W, [S(403), S(403), S(403), Shows]),
    ("GET", "/staff/admin/staff/{id}", W, [S(403), S(403), S(403), S(403)]),
    ("GET", "/staff/accounts/{id}", W, [S(403), S(403), S(403), Shows]),
    ("GET", "/staff/exams/{id}", L, [S(403), S(403), S(403), S(403)]),
    ("GET", "/payments/checkout", W, [To("/dev/bank/checkout"), S(404), S(404), S(404)]),
    // The bank's signed return sends whoever holds it to the receipt's
    // address; the receipt page hides it from anyone but the payer.
    ("GET", "/payments/return", W, [To("/account/receipts/"), To("/account/receipts/"), To("/account/receipts/"), To("/account/receipts/")]),
    // The simulated bank (development only) answers any order, as a bank does.
    ("GET", "/dev/bank/checkout", W, [Ok, Ok, Ok, Ok]),
    ("POST", "/dev/bank/pay", W, [To("/payments/return"), To("/payments/return"), To("/payments/return"), To("/payments/return")]),
    ("GET", "/account/licence/photo/image", W, [Ok, S(404), S(404), S(404)]),
    ("POST", "/api/request_contact_change", W, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/confirm_contact_change", W, [Fields, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/bind_own_vehicle", W, [Conflict, NotFound, NotFound, NotAllowed]),
    // By design: anyone may ask; the code goes to the owner's phone (the
    // owner's consent), and a wrong code binds nothing.
    ("POST", "/api/request_other_vehicle", W, [Fields, Ok, NotAllowed, NotAllowed]),
    ("POST", "/api/confirm_other_vehicle", W, [Fields, Fields, NotAllowed, NotAllowed]),
    ("POST", "/api/violation_detail", W, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/handle_violation", W, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/pay_fine", W, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/pay_fines", W, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/fine_receipt", W, [Ok, NotFound, NotFound, NotAllowed]),
    // Another's vehicle is not among the subjects one may choose.
    ("POST", "/api/submit_application", W, [Ok, Fields, NotAllowed, NotAllowed]),
    // Someone else's draft id: a new draft of their own (the snapshot
    // shows the owner's untouched); a unit has no applications.
    ("POST", "/api/save_application_draft", W, [Ok, Ok, NotAllowed, NotAllowed]),
    ("POST", "/api/load_application_draft", W, [Ok, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/confirm_application", W, [Ok, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/delete_application_draft", W, [Ok, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/my_application", W, [Ok, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/application", W, [NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/staff/application_event", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/lift_blacklist", W, [NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/plates/prepare", N, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/draw", N, [Conflict, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/batch", N, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/hold", N, [Conflict, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/custom", N, [Conflict, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/extend", N, [Ok, NotFound, NotFound, NotAllowed]),
    ("POST", "/api/plates/confirm", N, [Ok, NotFound, NotFound, NotAllowed]),
    // The same answer as for a booking that does not exist.
    ("POST", "/api/exams/cancel", L, [Ok, Conflict, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/exams/allocate", L, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/admin/member", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/admin/set_disabled", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/admin/reset_password", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/accounts/open", W, [NotAllowed, NotAllowed, NotAllowed, Ok]),
    ("POST", "/api/staff/accounts/set_disabled", W, [NotAllowed, NotAllowed, NotAllowed, Conflict]),
    ("POST", "/api/appeal_blacklist", W, [Conflict, NotFound, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/decide_appeal", W, [NotAllowed, NotAllowed, NotAllowed, Fields]),
    ("POST", "/api/staff/window/upgrade", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/send_reset_code", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/reset_password", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/send_phone_code", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/window/change_phone", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/record_refund", W, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    ("POST", "/api/staff/exams/session", L, [NotAllowed, NotAllowed, NotAllowed, NotAllowed]),
    // A unit binds only vehicles registered to it: another's car is not.
    ("POST", "/api/unit/bind_vehicles", W, [NotAllowed, NotAllowed, Conflict, NotAllowed]),
    ("POST", "/api/unit/unbind_vehicles", W, [NotAllowed, NotAllowed, Conflict, NotAllowed]),
    ("POST", "/api/unbind_vehicle", W, [Ok, NotFound, NotFound, NotAllowed]),
    // Naming a driver is the unit's, on its own bound vehicles only.
    ("POST", "/api/unit/name_driver_request", W, [NotAllowed, NotAllowed, NotFound, NotAllowed]),
    ("POST", "/api/unit/name_driver_confirm", W, [NotAllowed, NotAllowed, NotFound, NotAllowed]),
];

/// The entries that name no citizen's object, and why.
#[rustfmt::skip]
pub const NAMES_NO_OBJECT: &[(&str, &str, &str)] = &[
    ("POST", "/api/my_account", OWN),
    ("POST", "/api/login", SIGN_IN),
    ("POST", "/api/logout", OWN),
    ("POST", "/api/request_password_reset", SIGN_IN),
    ("POST", "/api/reset_password", SIGN_IN),
    ("POST", "/api/registration_windows", PUBLIC),
    ("POST", "/api/send_registration_code", SIGN_IN),
    ("POST", "/api/complete_registration", SIGN_IN),
    ("POST", "/api/staff/register_individual", NEW),
    ("POST", "/api/staff/register_unit", NEW),
    ("POST", "/api/my_vehicles", OWN),
    ("POST", "/api/unit/dashboard", OWN),
    ("POST", "/api/unit/vehicles", OWN),
    ("POST", "/api/unit/violations", OWN),
    ("GET", "/unit", OWN),
    ("GET", "/unit/vehicles", OWN),
    ("GET", "/unit/violations", OWN),
    ("GET", "/unit/vehicles.csv", OWN),
    ("GET", "/unit/violations.csv", OWN),
    ("POST", "/api/unit/drivers", OWN),
    ("GET", "/unit/drivers", OWN),
    ("GET", "/unit/drivers/confirm", OWN),
    ("GET", "/unit/drivers.csv", OWN),
    ("POST", "/api/licence/unit_ties", OWN),
    ("POST", "/api/unit/driver_request", TIE),
    ("POST", "/api/unit/driver_confirm", TIE),
    ("POST", "/api/unit/driver_unbind", TIE),
    ("POST", "/api/licence/end_unit_tie", TIE),
    ("POST", "/api/exams/queue_sessions", PUBLIC),
    ("POST", "/api/exams/queue", PUBLIC),
    ("GET", "/exams/queue", PUBLIC),
    ("GET", "/exams/queue/{id}", PUBLIC),
    ("POST", "/api/unit/exams", OWN),
    ("GET", "/unit/exams", OWN),
    ("GET", "/unit/exams.csv", OWN),
    ("POST", "/api/licence/physical", OWN),
    ("POST", "/api/unit/record_exam", EXAM),
    ("POST", "/api/unit/learners", OWN),
    ("GET", "/unit/learners", OWN),
    ("POST", "/api/unit/enter_learner", LEARNER),
    ("POST", "/api/unit/resend_learner_code", LEARNER),
    ("POST", "/api/unit/confirm_learner", LEARNER),
    ("POST", "/api/unit/register_learner", LEARNER),
    ("POST", "/api/unit/withdraw_learner", LEARNER),
    ("POST", "/api/unit/temporary_plates", OWN),
    ("POST", "/api/account/temporary_plates", OWN),
    ("GET", "/unit/temporary-plates", OWN),
    ("GET", "/account/temporary-plates", OWN),
    ("POST", "/api/unit/temporary_plate", PLATE),
    ("GET", "/unit/temporary-plates/{id}", PLATE),
    ("POST", "/api/unit/enter_temporary_plate", PLATE),
    ("POST", "/api/unit/resend_temporary_plate_code", PLATE),
    ("POST", "/api/unit/issue_temporary_plate", PLATE),
    ("POST", "/api/unit/withdraw_temporary_plate", PLATE),
    ("POST", "/api/unit/revoke_temporary_plate", PLATE),
    ("POST", "/api/temporary_plates/check", PUBLIC),
    ("GET", "/temporary-plates/check", PUBLIC),
    ("POST", "/api/unit/submit_certificate", EXAM),
    ("POST", "/api/licence/submit_certificate", EXAM),
    ("POST", "/api/unit/operators", OWN),
    ("POST", "/api/unit/audit", OWN),
    ("GET", "/unit/operators", OWN),
    ("GET", "/unit/audit", OWN),
    ("POST", "/api/unit/add_operator", OPERATOR),
    ("POST", "/api/unit/resend_operator_code", OPERATOR),
    ("POST", "/api/unit/reactivate_operator", OPERATOR),
    ("POST", "/api/unit/operator_services", OPERATOR),
    ("POST", "/api/unit/disable_operator", OPERATOR),
    ("POST", "/api/operator_activate", SIGN_IN),
    ("POST", "/api/operator_login", SIGN_IN),
    ("GET", "/login/operator", SIGN_IN),
    ("GET", "/login/operator/activate", SIGN_IN),
    ("POST", "/api/licence_overview", OWN),
    ("POST", "/api/bind_licence", OWN),
    ("POST", "/api/unbind_licence", OWN),
    ("POST", "/api/licence_photo_status", OWN),
    ("POST", "/api/licence/electronic", OWN),
    ("POST", "/api/licence/renew_electronic", OWN),
    ("POST", "/api/credentials/verify", PUBLIC),
    ("POST", "/api/roaming/consent", OWN),
    ("POST", "/api/roaming/grant", ROAM),
    ("POST", "/api/roaming/homes", PUBLIC),
    ("POST", "/api/licence/share_codes", OWN),
    ("POST", "/api/licence/create_share_code", OWN),
    ("POST", "/api/licence/revoke_share_code", SHARE),
    ("POST", "/api/licence_check", SHARE_CHECK),
    ("POST", "/api/licence_check_result", SHARE_CHECK),
    ("POST", "/api/my_violations", OWN),
    ("POST", "/api/my_messages", OWN),
    ("POST", "/api/unread_message_count", OWN),
    ("POST", "/api/applications_overview", OWN),
    ("POST", "/api/application_form", OWN),
    ("POST", "/api/staff/applications", QUEUE),
    ("POST", "/api/plates/vehicles", OWN),
    ("POST", "/api/exams/overview", OWN),
    ("POST", "/api/exams/book", SESSION),
    ("POST", "/api/staff/second_factor_step", OWN),
    ("POST", "/api/staff/confirm_second_factor", OWN),
    ("POST", "/api/staff/admin/members", QUEUE),
    ("POST", "/api/staff/admin/create_staff", NEW),
    ("POST", "/api/my_record_views", OWN),
    ("POST", "/api/staff/accounts/find", QUEUE),
    ("POST", "/api/my_blacklist", OWN),
    ("POST", "/api/staff/appeals", QUEUE),
    ("POST", "/api/staff/refunds", QUEUE),
    ("POST", "/api/staff/exams/sessions", QUEUE),
    ("POST", "/api/staff/exams/add", NEW),
    ("POST", "/api/staff/plates/pools", QUEUE),
    ("POST", "/api/staff/plates/load_series", NOBODYS),
    ("POST", "/api/staff/plates/withhold_series", NOBODYS),
    ("POST", "/api/staff/windows/add", NEW),
    ("POST", "/api/staff/windows/update", NOBODYS),
    ("GET", "/", PUBLIC),
    ("GET", "/windows", PUBLIC),
    ("GET", "/verify", PUBLIC),
    ("GET", "/roam/authorize", OWN),
    ("GET", "/licence-check", SHARE_CHECK),
    ("GET", "/login", PUBLIC),
    ("GET", "/password-reset", PUBLIC),
    ("GET", "/register", PUBLIC),
    ("GET", "/register/unit", PUBLIC),
    ("GET", "/register/online", PUBLIC),
    ("GET", "/account", OWN),
    ("GET", "/account/vehicles", OWN),
    ("GET", "/account/licence", OWN),
    ("GET", "/account/licence/photo", OWN),
    ("GET", "/account/licence/share", OWN),
    ("GET", "/account/violations", OWN),
    ("GET", "/account/messages", OWN),
    ("GET", "/account/plates", OWN),
    ("GET", "/account/exams", OWN),
    ("GET", "/account/applications", OWN),
    ("GET", "/staff", QUEUE),
    ("GET", "/staff/applications", QUEUE),
    ("GET", "/staff/register/individual", NEW),
    ("GET", "/staff/register/unit", NEW),
    ("GET", "/login/second-factor", OWN),
    ("GET", "/staff/admin/staff", QUEUE),
    ("GET", "/staff/accounts", QUEUE),
    ("GET", "/staff/appeals", QUEUE),
    ("GET", "/staff/refunds", QUEUE),
    ("GET", "/staff/exams", QUEUE),
    ("GET", "/staff/plates", QUEUE),
    ("GET", "/staff/windows", QUEUE),
    ("GET", "/staff/windows/{id}", NOBODYS),
    ("GET", "/account/record-views", OWN),
    ("GET", "/account/blacklist", OWN),
    ("GET", "/healthz", PUBLIC),
    ("GET", "/.well-known/platform-keys.json", PUBLIC),
    ("GET", "/roam/start", PUBLIC),
    ("GET", "/roam/callback", ROAM),
    ("POST", "/roam/token", ROAM),
    ("POST", "/roam/notice", ROAM),
    ("POST", "/roam/credential-status", CREDENTIAL_STATUS),
    ("GET", "/lang/{code}", PUBLIC),
    ("GET", "/text-size/{size}", PUBLIC),
    ("POST", "/payments/notify", GATEWAY),
    ("POST", "/account/licence/photo/upload", OWN),
    ("GET", "/dev/sms-outbox", DEV),
    ("POST", "/api/unit/api_keys", KEY),
    ("POST", "/api/unit/create_api_key", KEY),
    ("POST", "/api/unit/revoke_api_key", KEY),
    ("GET", "/unit/api-keys", OWN),
    ("GET", "/open/v1/openapi.json", PUBLIC),
    ("GET", "/open/docs", PUBLIC),
    ("GET", "/open/docs/{file}", PUBLIC),
    ("GET", "/open/v1/learners", OPEN_API),
    ("POST", "/open/v1/learners", OPEN_API),
    ("POST", "/open/v1/learners/{id}/code", OPEN_API),
    ("POST", "/open/v1/learners/{id}/confirm", OPEN_API),
    ("POST", "/open/v1/learners/{id}/register", OPEN_API),
    ("DELETE", "/open/v1/learners/{id}", OPEN_API),
    ("GET", "/open/v1/temporary-plates", OPEN_API),
    ("POST", "/open/v1/temporary-plates", OPEN_API),
    ("GET", "/open/v1/temporary-plates/{id}", OPEN_API),
    ("DELETE", "/open/v1/temporary-plates/{id}", OPEN_API),
    ("POST", "/open/v1/temporary-plates/{id}/code", OPEN_API),
    ("POST", "/open/v1/temporary-plates/{id}/issue", OPEN_API),
    ("POST", "/open/v1/temporary-plates/{id}/revoke", OPEN_API),
    ("GET", "/open/v1/physical-exams", OPEN_API),
    ("POST", "/open/v1/physical-exams", OPEN_API),
    ("POST", "/open/v1/physical-exams/{id}/certificate", OPEN_API),
];

/// Why an entry names no citizen's object.
const OWN: &str = "the caller's own, by the session: no id to change";
const SIGN_IN: &str = "signing in, registering, resetting: by ID number and phone, with a code";
const PUBLIC: &str = "public: names nothing";
const NEW: &str = "makes a new object (staff forms): names none";
const QUEUE: &str = "a staff list or home: every citizen's, by the staff power";
const SESSION: &str = "an exam session is open to every learner: booking is no act on another's";
const NOBODYS: &str = "a registration window or plate series belongs to no citizen";
const GATEWAY: &str = "the gateway's notice: its signature is the check";
const OPERATOR: &str = "a unit's operator: found only among the unit's own (WHERE account_id = the unit), another unit's is not found (unit_operators.rs)";
const TIE: &str = "a unit's binding of a driver's licence: made with the driver's code; each side ends only its own (unit_drivers.rs)";
const EXAM: &str = "a hospital's examination: recorded for the person the registry names by ID number and name; submitted only by the hospital that recorded it, or by the examinee with its number (physical_exams.rs)";
const PLATE: &str = "a dealer's temporary plate: entered for the buyer the vehicle's sale record names, by ID number and name, issued with the buyer's code; found only among the dealer's own (WHERE dealer_account_id = the unit), another's is not found (temporary_plates/)";
const LEARNER: &str = "a school's learner entry: for the person the registry names by ID number and name, confirmed with the learner's code; found only among the school's own (WHERE school_account_id = the unit), another's is not found (learners.rs)";
const DEV: &str = "development only (DEV_SMS_OUTBOX=1): the outbox by phone";
const KEY: &str = "a unit's open API key: listed and revoked only among the unit's own (WHERE account_id = the unit), another's is not found (api_keys.rs)";
const SHARE: &str = "a holder's licence share code: listed and revoked only among the holder's own (WHERE account_id = the holder), another's is not found (share_codes.rs)";
const ROAM: &str = "roaming: a code is granted only to the session's own account, for a trusted peer, and redeemed only by that peer's signed request; an assertion or notice names the person by its home platform's signature, and the return must reach the browser that started (docs/roaming.md, roaming/refusals.rs)";
const CREDENTIAL_STATUS: &str = "a credential's status, asked by a trusted peer in a signed request: it names a credential by its id (128 random bits, known only to whoever holds it) and the answer says only valid, revoked or not on record, signed for that peer (docs/credentials.md, roaming/credential_status.rs)";
const SHARE_CHECK: &str = "the public licence check: the code the holder gave out, with the licence number's last four characters, is the permission; wrong ones are limited per address (licence_sharing/)";
const OPEN_API: &str = "the open API: by the key's unit, never a session; each call goes through the unit page's own desk, so a learner, plate or examination is found only among the unit's own (open_api.rs, bad_input/open_api.rs)";

/// (staff role, path, form, outcome).
pub type WrongKind = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    O,
);

/// Staff functions given an account of the wrong kind: the administrator's
/// staff desk reaches only staff accounts, the account desks only people's
/// and units'. (staff role, path, arguments — `{owner}` is the window
/// owner's account, `{admin}` the administrator's —, outcome.) Run with
/// arguments that would change the account, before the owner's calls.
#[rustfmt::skip]
pub const WRONG_KIND: &[WrongKind] = &[
    ("Administrator", "/api/staff/admin/member", &[("account_id", "{owner}")], NotFound),
    ("Administrator", "/api/staff/admin/set_disabled", &[("account_id", "{owner}"), ("disable", "1"), ("reason", "核实无误")], NotFound),
    ("Administrator", "/api/staff/admin/reset_password", &[("account_id", "{owner}"), ("password", "Abcdefgh1234"), ("password_confirm", "Abcdefgh1234")], NotFound),
    ("Supervisor", "/api/staff/accounts/open", &[("account_id", "{admin}")], NotFound),
    ("Supervisor", "/api/staff/accounts/set_disabled", &[("account_id", "{admin}"), ("disable", "1"), ("reason", "核实无误")], NotFound),
    ("Window clerk", "/api/staff/window/send_reset_code", &[("account_id", "{admin}"), ("identity_checked", "1")], NotFound),
    ("Window clerk", "/api/staff/window/upgrade", &[("account_id", "{admin}"), ("identity_checked", "1")], NotFound),
];
