//! The bad-input cases of the open API (开放接口): each call gets a body
//! that is not the JSON it expects (or an id that is not a number) and
//! values the rules refuse, sent by the unit's own system with a key of
//! the right scope. Each must answer its status with the error code and a
//! Chinese message containing the needle — never a 500.

use super::{ANON, DEALER, HOSPITAL, SCHOOL};
use crate::helpers::*;

/// (method, route-table path, address, who — `ANON` sends no key — JSON
/// body, status, error code, needle in the body).
pub(super) type ApiCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    u16,
    &'static str,
    &'static str,
);

const FIELDS: &str = "请求中有字段不正确";

#[rustfmt::skip]
pub(super) const API_CASES: &[ApiCase] = &[
    ("GET", "/open/v1/learners", "/open/v1/learners?page=x", SCHOOL, None, 400, "fields", "页码应为从1开始的整数"),
    ("GET", "/open/v1/learners", "/open/v1/learners", ANON, None, 401, "no_key", "Bearer"),
    ("POST", "/open/v1/learners", "/open/v1/learners", SCHOOL, Some(r#"{"id_number": 1}"#), 400, "malformed", "JSON"),
    ("POST", "/open/v1/learners", "/open/v1/learners", SCHOOL, Some(r#"{"id_number": "<script>", "name": "张三", "phone": "13800000000", "class": "A1"}"#), 400, "fields", "初次申领"),
    ("POST", "/open/v1/learners", "/open/v1/learners", SCHOOL, Some(r#"{"id_number": "110101199003077774", "name": "张三", "phone": "13800000000", "class": "C1", "extra": 1}"#), 400, "malformed", "unknown field"),
    ("POST", "/open/v1/learners/{id}/code", "/open/v1/learners/x/code", SCHOOL, None, 404, "not_found", "不是数字"),
    ("POST", "/open/v1/learners/{id}/code", "/open/v1/learners/999999/code", SCHOOL, None, 404, "not_found", "没有找到本校预录入的这名学员"),
    ("POST", "/open/v1/learners/{id}/confirm", "/open/v1/learners/1/confirm", SCHOOL, Some("[1]"), 400, "malformed", "JSON"),
    ("POST", "/open/v1/learners/{id}/confirm", "/open/v1/learners/999999/confirm", SCHOOL, Some(r#"{"code": "12"}"#), 404, "not_found", "没有找到本校预录入的这名学员"),
    ("POST", "/open/v1/learners/{id}/register", "/open/v1/learners/1/register", SCHOOL, Some(r#"{"password": "x"}"#), 400, "malformed", "password_confirm"),
    ("POST", "/open/v1/learners/{id}/register", "/open/v1/learners/999999/register", SCHOOL, Some(r#"{"password": "Abcdefgh1234", "password_confirm": "Abcdefgh1234"}"#), 404, "not_found", "没有找到本校预录入的这名学员"),
    ("DELETE", "/open/v1/learners/{id}", "/open/v1/learners/1.5", SCHOOL, None, 404, "not_found", "不是数字"),
    ("DELETE", "/open/v1/learners/{id}", "/open/v1/learners/999999", SCHOOL, None, 404, "not_found", "没有找到本校预录入的这名学员"),
    ("GET", "/open/v1/temporary-plates", "/open/v1/temporary-plates?query=%3Cscript%3E", DEALER, None, 400, "fields", "请输入号牌号码"),
    ("GET", "/open/v1/temporary-plates", "/open/v1/temporary-plates?page=0", DEALER, None, 400, "fields", "页码应为从1开始的整数"),
    ("GET", "/open/v1/temporary-plates", "/open/v1/temporary-plates", SCHOOL, None, 403, "scope", "接口权限"),
    ("POST", "/open/v1/temporary-plates", "/open/v1/temporary-plates", DEALER, Some(r#"{"vin": 5}"#), 400, "malformed", "JSON"),
    ("POST", "/open/v1/temporary-plates", "/open/v1/temporary-plates", DEALER, Some(r#"{"vin": "BAD", "buyer_id_number": "1", "buyer_name": "", "buyer_phone": "1", "prefix": "京A", "valid_from": "2020-02-30", "days": "99"}"#), 400, "fields", FIELDS),
    ("GET", "/open/v1/temporary-plates/{id}", "/open/v1/temporary-plates/x", DEALER, None, 404, "not_found", "不是数字"),
    ("GET", "/open/v1/temporary-plates/{id}", "/open/v1/temporary-plates/999999", DEALER, None, 404, "not_found", "没有找到本单位核发的这副临时号牌"),
    ("DELETE", "/open/v1/temporary-plates/{id}", "/open/v1/temporary-plates/-1", DEALER, None, 404, "not_found", "没有找到本单位核发的这副临时号牌"),
    ("DELETE", "/open/v1/temporary-plates/{id}", "/open/v1/temporary-plates/99999999999999999999", DEALER, None, 404, "not_found", "不是数字"),
    ("POST", "/open/v1/temporary-plates/{id}/code", "/open/v1/temporary-plates/x/code", DEALER, None, 404, "not_found", "不是数字"),
    ("POST", "/open/v1/temporary-plates/{id}/code", "/open/v1/temporary-plates/999999/code", DEALER, None, 404, "not_found", "没有找到本单位核发的这副临时号牌"),
    ("POST", "/open/v1/temporary-plates/{id}/issue", "/open/v1/temporary-plates/1/issue", DEALER, Some("{}"), 400, "malformed", "code"),
    ("POST", "/open/v1/temporary-plates/{id}/issue", "/open/v1/temporary-plates/999999/issue", DEALER, Some(r#"{"code": "123456"}"#), 404, "not_found", "没有找到本单位核发的这副临时号牌"),
    ("POST", "/open/v1/temporary-plates/{id}/revoke", "/open/v1/temporary-plates/1/revoke", DEALER, Some(r#"{"reason": 1}"#), 400, "malformed", "JSON"),
    ("POST", "/open/v1/temporary-plates/{id}/revoke", "/open/v1/temporary-plates/999999/revoke", DEALER, Some(r#"{"reason": "车辆退货"}"#), 404, "not_found", "没有找到本单位核发的这副临时号牌"),
    ("GET", "/open/v1/physical-exams", "/open/v1/physical-exams?page=x", HOSPITAL, None, 400, "fields", "页码应为从1开始的整数"),
    ("GET", "/open/v1/physical-exams", "/open/v1/physical-exams?person=%E5%BC%A0%E4%B8%89%27--", HOSPITAL, None, 400, "fields", "18位身份证明号码或17位"),
    ("POST", "/open/v1/physical-exams", "/open/v1/physical-exams", HOSPITAL, Some("not json"), 400, "malformed", "JSON"),
    ("POST", "/open/v1/physical-exams", "/open/v1/physical-exams", HOSPITAL, Some(r#"{"id_number": "110101199003077774", "name": "张三", "class": "C1", "examined_on": "2026-02-30", "height_cm": "1e3", "vision_left": "4.9", "vision_right": "5.4", "colour_vision": "normal", "hearing": "normal", "upper_limbs": "normal", "lower_limbs": "normal", "trunk_neck": "normal", "conclusion": "fit"}"#), 400, "fields", "100至230"),
    ("POST", "/open/v1/physical-exams/{id}/certificate", "/open/v1/physical-exams/x/certificate", HOSPITAL, None, 404, "not_found", "不是数字"),
    ("POST", "/open/v1/physical-exams/{id}/certificate", "/open/v1/physical-exams/999999/certificate", HOSPITAL, None, 404, "not_found", "本院没有这条体检记录"),
    ("GET", "/open/docs/{file}", "/open/docs/..%2f..%2fCargo.toml", ANON, None, 404, "", ""),
    ("GET", "/open/docs/{file}", "/open/docs/index.html", ANON, None, 404, "", ""),
];

/// Runs the cases; answers what differed.
pub(super) async fn run(app: &TestApp, print: bool) -> Vec<String> {
    let keys = [
        (
            SCHOOL,
            crate::open_api::create_key(app, SCHOOL, &["learners"], "30").await,
        ),
        (
            DEALER,
            crate::open_api::create_key(app, DEALER, &["temporary_plates"], "30").await,
        ),
        (
            HOSPITAL,
            crate::open_api::create_key(app, HOSPITAL, &["physical_exams"], "30").await,
        ),
    ];
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();
    for &(method, _, address, who, body, status, code, needle) in API_CASES {
        let url = format!("{}{address}", app.base);
        let mut request = match method {
            "GET" => client.get(&url),
            "DELETE" => client.delete(&url),
            _ => client.post(&url),
        };
        if let Some((_, key)) = keys.iter().find(|(w, _)| *w == who) {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{app}: {method} {address}: transport error {e}"));
        let got_status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let got_code = json["error"]["code"].as_str().unwrap_or_default();
        if print {
            println!("{method} {address} as {who}: {got_status} {text}");
        }
        let english = code.is_empty()
            || json["error"]["message_en"]
                .as_str()
                .is_some_and(|m| !m.is_empty());
        if got_status != status || got_code != code || !text.contains(needle) || !english {
            wrong.push(format!(
                "{method} {address} as {who}: expected {status} {code} «{needle}», got {got_status} {text}"
            ));
        }
    }
    wrong
}
