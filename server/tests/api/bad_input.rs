//! Bad input (错误输入): every server function and every hand-added route
//! that takes input gets at least one malformed request (wrong types,
//! missing fields, not the expected encoding) and one request with invalid
//! values (bad ID numbers, phones, plates, oversized strings, ids that name
//! nothing). Each must answer 4xx (or send the browser back with the reason)
//! with a specific message — never a 500, never "check your network". The
//! test fails when an entry of the route table has no row here.
//!
//! Pages take no input beyond their path and are covered by the
//! authorization matrix. `BAD_INPUT_PRINT=1` prints what each case got.

use crate::authorization::{address, send};
use crate::helpers::*;
use server::http::routes::{table, RouteEntry, Via};
use std::collections::BTreeSet;

pub(super) const ANON: &str = "anonymous";
const ONLINE: &str = "Online-registered individual (owner)";
const WINDOW: &str = "Window-registered individual (owner)";
const LEARNER: &str = "Learner";
const NEW_CAR: &str = "New-car owner";
const CLERK: &str = "Window clerk";
const CENTRE: &str = "Business-centre clerk";
const SUPERVISOR: &str = "Supervisor";
const ADMIN: &str = "Administrator";
const UNIT: &str = "Road transport company (unit)";
const HOSPITAL: &str = "Hospital (unit)";
const DEALER: &str = "Car dealer (unit)";
const SCHOOL: &str = "Driving school (unit)";

/// What a bad request must get.
#[derive(Clone, Copy, Debug)]
enum E {
    /// 400, `Malformed`: the arguments could not be read.
    Malformed,
    /// 400, `Fields`, naming this field with a Chinese message containing
    /// the needle.
    Field(&'static str, &'static str),
    /// A refusal of this kind (`NotFound`, `NotAllowed`, `Conflict`…) whose
    /// Chinese text contains the needle.
    Kind(&'static str, &'static str),
    /// This status, the body containing the needle (routes).
    Status(u16, &'static str),
    /// A redirect whose address starts so (plain-form routes send the
    /// browser back with the reason in the query).
    To(&'static str),
}
use E::*;

mod credentials;
mod open_api;
mod roaming;
mod units;

/// Entries that take no input at all.
pub(crate) const NO_INPUT: &[&str] = &[
    "/api/licence/physical",
    "/api/account/temporary_plates",
    "/api/my_account",
    "/api/logout",
    "/api/registration_windows",
    "/api/my_vehicles",
    "/api/licence_overview",
    "/api/bind_licence",
    "/api/unbind_licence",
    "/api/licence_photo_status",
    "/api/licence/electronic",
    "/api/licence/renew_electronic",
    "/api/licence/share_codes",
    "/api/roaming/homes",
    "/.well-known/platform-keys.json",
    "/api/unread_message_count",
    "/api/plates/vehicles",
    "/healthz",
    "/account/licence/photo/image",
    "/api/staff/second_factor_step",
    "/api/my_record_views",
    "/api/my_blacklist",
    "/api/staff/plates/pools",
    "/api/unit/dashboard",
    "/api/licence/unit_ties",
    "/api/unit/operators",
    "/api/unit/api_keys",
    "/open/v1/openapi.json",
    "/open/docs",
];

/// Server functions whose every argument is an optional string: no form
/// is malformed for them (their invalid values are still tested).
const ANY_FORM_READS: &[&str] = &[
    "/api/staff/applications",
    "/api/staff/appeals",
    "/api/staff/refunds",
    "/api/my_violations",
    "/api/my_messages",
    "/api/applications_overview",
    "/api/exams/overview",
    "/api/staff/admin/members",
    "/api/staff/exams/sessions",
    "/api/unit/vehicles",
    "/api/unit/violations",
    "/api/unit/drivers",
    "/api/unit/exams",
    "/api/unit/temporary_plates",
    "/api/unit/learners",
    "/api/exams/queue_sessions",
    "/api/unit/audit",
];

/// (entry path, who, form or query, expected).
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    E,
);

/// The cases.
#[rustfmt::skip]
const CASES: &[Case] = &[
    ("/api/login", ANON, &[("identifier", "x")], Malformed),
    ("/api/login", ANON, &[("identifier", ""), ("password", "")], Field("identifier", "请输入身份证号码")),
    ("/api/request_password_reset", ANON, &[("id_number", "110101199003077777")], Malformed),
    ("/api/request_password_reset", ANON, &[("id_number", "11010119900307777X"), ("phone", "1380000")], Field("phone", "手机号码应为11位数字")),
    ("/api/reset_password", ANON, &[("id_number", "x"), ("phone", "x")], Malformed),
    ("/api/reset_password", ANON, &[("id_number", "110101199003077777"), ("phone", "23800000000"), ("code", "12"), ("password", "a"), ("password_confirm", "b")], Field("phone", "应以13至19开头")),
    ("/api/request_contact_change", ONLINE, &[("target", "account")], Malformed),
    ("/api/request_contact_change", ONLINE, &[("target", "account"), ("phone", "138-0000")], Kind("NotFound", "请选择已绑定的本人驾驶证")),
    ("/api/confirm_contact_change", ONLINE, &[("phone", "13800000000")], Malformed),
    ("/api/confirm_contact_change", ONLINE, &[("target", "account"), ("phone", "13800000000"), ("code", "abcdef")], Kind("NotFound", "请选择已绑定的本人驾驶证")),
    ("/api/send_registration_code", ANON, &[("kind", "owner")], Malformed),
    ("/api/send_registration_code", ANON, &[("kind", "owner"), ("id_number", "123"), ("name", "BIG"), ("phone", "999")], Field("name", "姓名不能超过50个字")),
    ("/api/complete_registration", ANON, &[("kind", "owner"), ("id_number", "110101199003077777")], Malformed),
    ("/api/complete_registration", ANON, &[("kind", "pilot"), ("id_number", "110101199003077777"), ("name", "张三"), ("phone", "13800000000"), ("code", "000000"), ("password", "short"), ("password_confirm", "short")], Field("id_number", "第18位校验码不正确")),
    ("/api/staff/register_individual", CLERK, &[("kind", "owner"), ("id_number", "110101199003077777")], Malformed),
    ("/api/staff/register_individual", CLERK, &[("kind", "owner"), ("id_number", "110101199003077770"), ("name", "BIG"), ("phone", "12345"), ("password", "Abcdefgh1234"), ("password_confirm", "Abcdefgh1234")], Field("phone", "手机号码应为11位数字")),
    ("/api/staff/register_unit", CLERK, &[("unit_kind", "school")], Malformed),
    ("/api/staff/register_unit", CLERK, &[("unit_kind", "school"), ("unit_name", "BIG"), ("credit_code", "91130100MA0000000X"), ("attorney_ref", ""), ("agent_id_number", "1"), ("agent_name", "李四"), ("agent_phone", "1"), ("password", "Abcdefgh1234"), ("password_confirm", "Abcdefgh1234")], Kind("NotAllowed", "单位用户只能在单位用户注册窗口注册")),
    ("/api/bind_own_vehicle", ONLINE, &[("vehicle_id", "abc")], Malformed),
    ("/api/bind_own_vehicle", ONLINE, &[("vehicle_id", "-1")], Kind("NotFound", "没有找到这辆机动车")),
    ("/api/request_other_vehicle", ONLINE, &[("plate", "冀A12345")], Malformed),
    ("/api/request_other_vehicle", ONLINE, &[("plate", "XX12345"), ("vin_suffix", "12")], Kind("NotAllowed", "绑定他人机动车仅限窗口注册用户")),
    ("/api/confirm_other_vehicle", ONLINE, &[("code", "123456")], Malformed),
    ("/api/confirm_other_vehicle", ONLINE, &[("plate", "冀A"), ("code", "12")], Kind("NotAllowed", "绑定他人机动车仅限窗口注册用户")),
    ("/api/unbind_vehicle", ONLINE, &[("vehicle_id", "1.5")], Malformed),
    ("/api/unbind_vehicle", ONLINE, &[("vehicle_id", "999999999999")], Kind("NotFound", "没有找到这辆机动车")),
    ("/api/violation_detail", ONLINE, &[("violation_id", "")], Malformed),
    ("/api/violation_detail", ONLINE, &[("violation_id", "0")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/handle_violation", ONLINE, &[("violation_id", "x")], Malformed),
    ("/api/handle_violation", ONLINE, &[("violation_id", "-5")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/pay_fine", ONLINE, &[], Malformed),
    ("/api/pay_fine", ONLINE, &[("violation_id", "0")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/pay_fines", ONLINE, &[("violation_ids[]", "abc")], Malformed),
    ("/api/pay_fines", ONLINE, &[], Field("violation_ids", "请先勾选要缴纳的罚款")),
    ("/api/pay_fines", ONLINE, &[("violation_ids[]", "0"), ("violation_ids[]", "0")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/fine_receipt", ONLINE, &[], Malformed),
    ("/api/fine_receipt", ONLINE, &[("receipt_no", "BIG")], Kind("NotFound", "没有找到这张缴款凭证")),
    ("/api/application_form", ONLINE, &[], Malformed),
    ("/api/application_form", ONLINE, &[("service", "ZZ9")], Kind("NotFound", "没有这项业务")),
    ("/api/submit_application", ONLINE, &[("subject", "x")], Malformed),
    ("/api/submit_application", ONLINE, &[("service", "V1"), ("subject", "BIG"), ("recipient_phone", "12")], Kind("NotAllowed", "该业务仅限窗口注册用户办理")),
    ("/api/save_application_draft", ONLINE, &[("service", "V1"), ("draft", "abc")], Malformed),
    ("/api/save_application_draft", ONLINE, &[("service", "ZZ9"), ("subject", "x")], Kind("NotFound", "没有这项业务")),
    ("/api/load_application_draft", ONLINE, &[("draft", "one")], Malformed),
    ("/api/load_application_draft", ONLINE, &[("draft", "0")], Kind("NotFound", "没有找到这份草稿")),
    ("/api/confirm_application", ONLINE, &[], Malformed),
    ("/api/confirm_application", ONLINE, &[("draft", "-1")], Kind("NotFound", "没有找到这份草稿")),
    ("/api/my_application", ONLINE, &[], Malformed),
    ("/api/my_application", ONLINE, &[("application_no", "BIG")], Kind("NotFound", "没有找到这笔业务")),
    // FINDING: an unknown status filter is ignored (200, empty list), not refused.
    ("/api/staff/applications", CENTRE, &[("status", "BIG")], Status(200, "\"total\":0")),
    // A page past the end is the last page; a page that is no number is refused.
    ("/api/staff/applications", CENTRE, &[("status", "nonsense"), ("service", "ZZ9"), ("page", "99999999999"), ("order", "<x>")], Status(200, "\"page\":1")),
    ("/api/staff/applications", CENTRE, &[("page", "-5")], Field("page", "页码应为从1开始的整数")),
    ("/api/my_violations", ONLINE, &[("page", "two")], Field("page", "页码应为从1开始的整数")),
    ("/api/my_violations", ONLINE, &[("page", "0")], Field("page", "页码应为从1开始的整数")),
    ("/api/my_violations", ONLINE, &[("page", "999")], Status(200, "\"page\":1")),
    ("/api/my_messages", ONLINE, &[("page", "BIG")], Field("page", "页码应为从1开始的整数")),
    ("/api/my_messages", ONLINE, &[("page", "1.5")], Field("page", "页码应为从1开始的整数")),
    ("/api/applications_overview", ONLINE, &[("page", "<script>")], Field("page", "页码应为从1开始的整数")),
    ("/api/applications_overview", ONLINE, &[("page", "999")], Status(200, "\"page\":1")),
    ("/api/delete_application_draft", ONLINE, &[("draft", "abc")], Malformed),
    ("/api/delete_application_draft", ONLINE, &[("draft", "999999")], Kind("NotFound", "没有找到这份草稿")),
    ("/api/staff/application", CENTRE, &[], Malformed),
    ("/api/staff/application", CENTRE, &[("application_no", "<script>")], Kind("NotFound", "没有找到这笔业务")),
    ("/api/staff/application_event", CENTRE, &[("application_no", "X")], Malformed),
    ("/api/staff/application_event", CENTRE, &[("application_no", "NOPE"), ("event", "explode")], Field("event", "请选择办理结果")),
    ("/api/staff/lift_blacklist", SUPERVISOR, &[("entry_id", "x"), ("reason", "r"), ("application_no", "A")], Malformed),
    ("/api/staff/lift_blacklist", SUPERVISOR, &[("entry_id", "999999"), ("reason", ""), ("application_no", "NOPE")], Field("reason", "请写明解除原因")),
    ("/api/plates/prepare", NEW_CAR, &[], Malformed),
    ("/api/plates/prepare", NEW_CAR, &[("vin", "BIG")], Kind("NotFound", "尚未注册的这辆新车")),
    ("/api/plates/draw", NEW_CAR, &[("batch_id", "x"), ("client_nonce", "00")], Malformed),
    ("/api/plates/draw", NEW_CAR, &[("batch_id", "999999"), ("client_nonce", "BIG")], Field("client_nonce", "随机字符最多64个")),
    ("/api/plates/batch", NEW_CAR, &[("batch_id", "1e3")], Malformed),
    ("/api/plates/batch", NEW_CAR, &[("batch_id", "0")], Kind("NotFound", "没有找到这次选号")),
    ("/api/plates/hold", NEW_CAR, &[("vin", "V"), ("plate", "冀A12345")], Malformed),
    ("/api/plates/hold", NEW_CAR, &[("vin", "NOPE"), ("plate", "冀Z!!"), ("batch_id", "999999")], Kind("NotFound", "尚未注册的这辆新车")),
    ("/api/plates/custom", NEW_CAR, &[("serial", "A1234")], Malformed),
    ("/api/plates/custom", NEW_CAR, &[("vin", "NOPE"), ("serial", "IIIII")], Kind("NotFound", "尚未注册的这辆新车")),
    ("/api/plates/extend", NEW_CAR, &[], Malformed),
    ("/api/plates/extend", NEW_CAR, &[("vin", "BIG")], Kind("NotFound", "尚未注册的这辆新车")),
    ("/api/plates/confirm", NEW_CAR, &[], Malformed),
    ("/api/plates/confirm", NEW_CAR, &[("vin", "BIG")], Kind("NotFound", "尚未注册的这辆新车")),
    ("/api/exams/overview", LEARNER, &[("page", "-1")], Field("page", "页码应为从1开始的整数")),
    ("/api/exams/overview", LEARNER, &[("page", "BIG")], Field("page", "页码应为从1开始的整数")),
    ("/api/exams/book", LEARNER, &[("session_id", "first")], Malformed),
    ("/api/exams/book", LEARNER, &[("session_id", "-1")], Kind("Conflict", "该场次已停止预约或不存在")),
    ("/api/exams/cancel", LEARNER, &[], Malformed),
    ("/api/exams/cancel", LEARNER, &[("booking_id", "0")], Kind("Conflict", "只能取消尚未分配的预约")),
    ("/api/staff/exams/allocate", ADMIN, &[("session_id", "")], Malformed),
    // FINDING: allocating a session that does not exist answers 200 (0 allocated).
    ("/api/staff/exams/allocate", ADMIN, &[("session_id", "0")], Status(200, "0")),
    ("/api/staff/confirm_second_factor", ANON, &[], Malformed),
    ("/api/staff/confirm_second_factor", ANON, &[("code", "12")], Kind("NotAllowed", "没有等待验证的登录")),
    ("/api/staff/admin/create_staff", ADMIN, &[("username", "x")], Malformed),
    ("/api/staff/admin/create_staff", ADMIN, &[("username", "1x"), ("display_name", ""), ("role", "boss"), ("police_no", "12"), ("unit", ""), ("window_id", "abc"), ("password", "a"), ("password_confirm", "b")], Field("username", "登录名为3至16位")),
    ("/api/staff/admin/set_disabled", ADMIN, &[("account_id", "x"), ("disable", "1")], Malformed),
    ("/api/staff/admin/set_disabled", ADMIN, &[("account_id", "999999"), ("disable", "1"), ("reason", "")], Field("reason", "请填写停用原因")),
    ("/api/staff/admin/members", ADMIN, &[("page", "x")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/admin/members", ADMIN, &[("page", "999")], Status(200, "\"page\":1")),
    ("/api/staff/admin/member", ADMIN, &[("account_id", "one")], Malformed),
    ("/api/staff/admin/member", ADMIN, &[("account_id", "0")], Kind("NotFound", "没有找到该民警账户")),
    ("/api/staff/admin/reset_password", ADMIN, &[("account_id", "1")], Malformed),
    ("/api/staff/admin/reset_password", ADMIN, &[("account_id", "999999"), ("password", "a"), ("password_confirm", "b")], Kind("NotFound", "没有找到该民警账户")),
    ("/api/staff/accounts/find", SUPERVISOR, &[], Malformed),
    ("/api/staff/accounts/find", SUPERVISOR, &[("query", "<script>")], Field("query", "请输入18位身份证号码")),
    ("/api/staff/accounts/open", SUPERVISOR, &[("account_id", "x")], Malformed),
    ("/api/staff/accounts/open", SUPERVISOR, &[("account_id", "0")], Kind("NotFound", "没有找到该账户")),
    ("/api/staff/accounts/set_disabled", SUPERVISOR, &[("disable", "1")], Malformed),
    ("/api/staff/accounts/set_disabled", SUPERVISOR, &[("account_id", "999999"), ("disable", "1"), ("reason", "")], Field("reason", "请填写原因")),
    ("/api/appeal_blacklist", ONLINE, &[("entry_id", "x"), ("reason", "r")], Malformed),
    ("/api/appeal_blacklist", ONLINE, &[("entry_id", "999999"), ("reason", "")], Field("reason", "请写明申诉理由")),
    // An unknown filter shows the waiting appeals (none in the demo).
    ("/api/staff/appeals", SUPERVISOR, &[("decided", "BIG")], Status(200, "\"items\":[]")),
    ("/api/staff/appeals", SUPERVISOR, &[("decided", "<script>"), ("page", "9")], Status(200, "\"items\":[]")),
    ("/api/staff/appeals", SUPERVISOR, &[("page", "x9")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/decide_appeal", SUPERVISOR, &[("appeal_id", "x")], Malformed),
    ("/api/staff/decide_appeal", SUPERVISOR, &[("appeal_id", "999999"), ("decision", "maybe"), ("reason", "")], Field("decision", "请选择审核结果")),
    ("/api/staff/window/upgrade", CLERK, &[("account_id", "x")], Malformed),
    ("/api/staff/window/upgrade", CLERK, &[("account_id", "999999")], Field("identity_checked", "请先核验")),
    ("/api/staff/window/send_reset_code", CLERK, &[], Malformed),
    ("/api/staff/window/send_reset_code", CLERK, &[("account_id", "999999")], Field("identity_checked", "请先核验")),
    ("/api/staff/window/reset_password", CLERK, &[("account_id", "1")], Malformed),
    ("/api/staff/window/reset_password", CLERK, &[("account_id", "999999"), ("code", "1"), ("password", "a"), ("password_confirm", "b")], Kind("NotFound", "没有找到该账户")),
    ("/api/staff/window/send_phone_code", CLERK, &[("account_id", "1")], Malformed),
    ("/api/staff/window/send_phone_code", CLERK, &[("account_id", "999999"), ("new_phone", "123"), ("identity_checked", "1")], Field("new_phone", "手机号码应为11位数字")),
    ("/api/staff/window/change_phone", CLERK, &[("account_id", "1")], Malformed),
    ("/api/staff/window/change_phone", CLERK, &[("account_id", "999999"), ("new_phone", "13800000000"), ("code", "12")], Field("code", "请输入短信中的6位数字验证码")),
    ("/api/staff/windows/add", ADMIN, &[("code", "W28")], Malformed),
    ("/api/staff/windows/add", ADMIN, &[("code", "W-28"), ("name", "窗"), ("address", "短"), ("serves", "both"), ("phone", "电话")], Field("code", "窗口编号为2至10位字母和数字")),
    ("/api/staff/windows/update", ADMIN, &[("window_id", "x"), ("name", "n")], Malformed),
    ("/api/staff/windows/update", ADMIN, &[("window_id", "1"), ("name", "窗口"), ("address", "河北省石家庄市某路1号"), ("phone", "12")], Field("phone", "请输入咨询电话")),
    ("/api/staff/plates/load_series", ADMIN, &[("city", "冀A")], Malformed),
    ("/api/staff/plates/load_series", ADMIN, &[("city", "冀A"), ("series", "DI2")], Field("series", "号段只能含数字和字母")),
    ("/api/staff/plates/withhold_series", ADMIN, &[("series", "88")], Malformed),
    ("/api/staff/plates/withhold_series", ADMIN, &[("city", "沪A"), ("series", "88888"), ("reason", "")], Field("city", "请选择本省配置的号牌发牌机关")),
    ("/api/staff/exams/add", ADMIN, &[("centre_id", "1")], Malformed),
    ("/api/staff/exams/add", ADMIN, &[("centre_id", "999"), ("subject", "5"), ("day", "2020-01-01"), ("period", "夜间"), ("capacity", "0")], Field("centre_id", "请选择考场")),
    ("/api/staff/exams/sessions", ADMIN, &[("page", "0")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/exams/sessions", ADMIN, &[("page", "BIG")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/exams/session", ADMIN, &[("session_id", "0"), ("page", "x")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/exams/session", ADMIN, &[("session_id", "x")], Malformed),
    ("/api/staff/exams/session", ADMIN, &[("session_id", "0")], Kind("NotFound", "没有找到该考试场次")),
    ("/api/staff/refunds", CENTRE, &[("done", "BIG")], Status(200, "\"items\":[]")),
    ("/api/staff/refunds", CENTRE, &[("done", "<script>"), ("page", "9")], Status(200, "\"items\":[]")),
    ("/api/staff/refunds", CENTRE, &[("page", "BIG")], Field("page", "页码应为从1开始的整数")),
    ("/api/staff/record_refund", CENTRE, &[("payment_id", "x")], Malformed),
    ("/api/staff/record_refund", CENTRE, &[("payment_id", "999999"), ("reference", "退")], Field("reference", "请填写财务退款凭证号")),
    ("/lang/{code}", ANON, &[("back", "//evil.example/")], To("/")),
    ("/lang/{code}", ANON, &[("back", "https://evil.example/")], To("/")),
    ("/text-size/{size}", ANON, &[("back", "//evil.example/")], To("/")),
    ("/text-size/{size}", ANON, &[("back", "javascript:alert(1)")], To("/")),
    ("/payments/checkout", ONLINE, &[], Status(404, "订单不存在")),
    ("/payments/checkout", ONLINE, &[("order_no", "BIG")], Status(404, "订单不存在")),
    ("/payments/notify", ANON, &[("order_no", "X")], Status(400, "missing field `amount_fen`")),
    ("/payments/notify", ANON, &[("order_no", "X"), ("amount_fen", "1元"), ("bank_ref", "B"), ("signature", "00")], Status(400, "amount_fen is not a number")),
    ("/payments/notify", ANON, &[("order_no", "X"), ("amount_fen", "1"), ("bank_ref", "B"), ("signature", "zz")], Status(403, "bad signature")),
    ("/payments/return", ONLINE, &[("order_no", "X")], To("/account/violations?payment=failed")),
    ("/payments/return", ONLINE, &[("order_no", "X"), ("amount_fen", "-1"), ("bank_ref", "B"), ("signature", "00")], To("/account/violations?payment=failed")),
    ("/dev/bank/checkout", ONLINE, &[], Status(400, "missing field `order_no`")),
    ("/dev/bank/checkout", ONLINE, &[("order_no", "BIG")], Status(404, "订单不存在")),
    ("/dev/bank/pay", ONLINE, &[], Status(422, "missing field `order_no`")),
    ("/dev/bank/pay", ONLINE, &[("order_no", "BIG")], Status(404, "no such order")),
    ("/account/licence/photo/upload", WINDOW, &[("photo", "not multipart")], To("/account/licence/photo?error=photo.missing")),
    // No form given: a multipart upload whose photo is not an image.
    ("/account/licence/photo/upload", WINDOW, &[], To("/account/licence/photo")),
    ("/dev/sms-outbox", ANON, &[], Status(400, "missing field `phone`")),
    ("/dev/sms-outbox", ANON, &[("phone", "BIG")], Status(200, "[]")),
];

/// The cases here and the unit dashboard's (`bad_input/units.rs`).
fn all_cases() -> impl Iterator<Item = &'static Case> {
    CASES
        .iter()
        .chain(units::UNIT_CASES)
        .chain(credentials::CREDENTIAL_CASES)
        .chain(roaming::ROAMING_CASES)
}

/// Everything a case got, to compare and to print.
struct Got {
    status: u16,
    body: serde_json::Value,
    text: String,
    location: Option<String>,
}

impl Got {
    fn describe(&self) -> String {
        let zh: Vec<String> = match &self.body {
            serde_json::Value::Object(map) => map
                .values()
                .flat_map(|v| match v {
                    serde_json::Value::Array(list) => list
                        .iter()
                        .map(|p| format!("{}: {}", p["field"], p["message"]["zh"]))
                        .collect::<Vec<_>>(),
                    other => vec![other.to_string()],
                })
                .collect(),
            _ => vec![self.text.chars().take(80).collect()],
        };
        format!(
            "{} {} {:?} {}",
            self.status,
            kind(&self.body),
            self.location,
            zh.join(" | ")
        )
    }

    /// The Chinese texts in an error body.
    fn chinese(&self) -> String {
        fn walk(v: &serde_json::Value, out: &mut String) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        if k == "zh" {
                            out.push_str(v.as_str().unwrap_or_default());
                            out.push('|');
                        } else {
                            walk(v, out);
                        }
                    }
                }
                serde_json::Value::Array(list) => list.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = String::new();
        walk(&self.body, &mut out);
        out
    }

    fn is(&self, expected: E) -> bool {
        match expected {
            Malformed => self.status == 400 && kind(&self.body) == "Malformed",
            Field(field, needle) => {
                self.status == 400
                    && self.body["Fields"].as_array().is_some_and(|list| {
                        list.iter().any(|p| {
                            p["field"] == field
                                && p["message"]["zh"]
                                    .as_str()
                                    .is_some_and(|m| m.contains(needle))
                                && p["message"]["en"].as_str().is_some_and(|m| !m.is_empty())
                        })
                    })
            }
            Kind(name, needle) => {
                (400..500).contains(&self.status)
                    && kind(&self.body) == name
                    && self.chinese().contains(needle)
            }
            Status(status, needle) => self.status == status && self.text.contains(needle),
            To(prefix) => {
                (300..400).contains(&self.status)
                    && self
                        .location
                        .as_deref()
                        .is_some_and(|l| l.starts_with(prefix))
            }
        }
    }
}

async fn send_case(
    app: &TestApp,
    client: &reqwest::Client,
    entry: &RouteEntry,
    form: &[(&str, &str)],
) -> Got {
    if entry.path == "/account/licence/photo/upload" && form.is_empty() {
        let seen = send(app, client, entry, form).await;
        return Got {
            status: seen.status,
            body: serde_json::Value::Null,
            text: String::new(),
            location: seen.location,
        };
    }
    let url = format!("{}{}", app.base, address(entry));
    // "BIG" stands for an oversized value (3,000 characters).
    let big = "张".repeat(3000);
    let form: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| (k, if v == "BIG" { big.as_str() } else { v }))
        .collect();
    let form = form.as_slice();
    let request = match entry.via {
        Via::ServerFn => client
            .post(&url)
            .header("accept", "application/json")
            .form(form),
        _ if entry.method == reqwest::Method::POST => client.post(&url).form(form),
        _ => {
            let base = url.split('?').next().unwrap_or_default().to_string();
            client.get(base).query(form)
        }
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {entry:?}: transport error {e}"));
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Got {
        status,
        body,
        text,
        location,
    }
}

async fn bad_input_is_refused_with_a_reason(app: TestApp) {
    let print = std::env::var("BAD_INPUT_PRINT").is_ok_and(|v| v == "1");
    let entries: Vec<RouteEntry> = table().into_iter().filter(|e| e.via != Via::Page).collect();
    let covered: BTreeSet<&str> = all_cases()
        .map(|c| c.0)
        .chain(open_api::API_CASES.iter().map(|c| c.1))
        .chain(NO_INPUT.iter().copied())
        .collect();
    let listed: BTreeSet<&str> = entries.iter().map(|e| e.path).collect();
    let missing: Vec<_> = listed.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&listed).collect();
    assert!(
        print || (missing.is_empty() && stale.is_empty()),
        "{app}: entries without bad-input rows: {missing:?}; rows without an entry: {stale:?}"
    );
    // Each entry with input: two cases at least; a server function's
    // include a malformed one (routes read paths and queries leniently).
    for path in listed.iter().filter(|p| !NO_INPUT.contains(p)) {
        let cases: Vec<_> = all_cases().filter(|c| c.0 == *path).collect();
        let api_cases = open_api::API_CASES.iter().filter(|c| c.1 == *path).count();
        let malformed = !path.starts_with("/api/")
            || ANY_FORM_READS.contains(path)
            || cases.iter().any(|c| matches!(c.3, Malformed));
        assert!(
            print || (cases.len() + api_cases >= 2 && malformed),
            "{path}: needs a malformed and an invalid case"
        );
    }
    let mut clients: Vec<(&str, reqwest::Client)> = vec![(ANON, new_client())];
    for who in [
        ONLINE, WINDOW, LEARNER, NEW_CAR, CLERK, CENTRE, SUPERVISOR, ADMIN, UNIT, HOSPITAL, DEALER,
        SCHOOL,
    ] {
        clients.push((who, logged_in(&app, who).await));
    }
    let mut wrong = Vec::new();
    for (path, who, form, expected) in all_cases() {
        let Some(entry) = entries.iter().find(|e| e.path == *path) else {
            continue;
        };
        let client = &clients.iter().find(|(w, _)| w == who).expect("a visitor").1;
        let got = send_case(&app, client, entry, form).await;
        if print {
            println!("{path} as {who} {form:?}: {}", got.describe());
        }
        let network = got.chinese().contains("检查网络") || got.text.contains("检查网络");
        if got.status >= 500 || network || !got.is(*expected) {
            wrong.push(format!(
                "{path} as {who} with {form:?}: expected {expected:?}, got {}",
                got.describe()
            ));
        }
    }
    wrong.extend(open_api::run(&app, print).await);
    // Entries without input answer a stray body without failing.
    for entry in entries.iter().filter(|e| NO_INPUT.contains(&e.path)) {
        let seen = send(&app, &clients[1].1, entry, &[("x", "%ZZ")]).await;
        if seen.status >= 500 {
            wrong.push(format!("{entry:?} with a stray body: {seen:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{app}: {} bad-input cases differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

both_backends!(bad_input_is_refused_with_a_reason);
