//! A local stand-in for Alibaba Cloud SMS's `SendSms` (阿里云短信服务替身):
//! an HTTP server on 127.0.0.1 that checks each request the way the
//! provider does (the v1 HMAC-SHA1 signature recomputed from the decoded
//! parameters, the fixed parameters, a fresh nonce, the template code
//! known) and answers in the provider's JSON format, including the error
//! codes a test scripts for a phone number.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ACCESS_KEY_ID: &str = "LTAI-stand-in";
pub const ACCESS_KEY_SECRET: &str = "stand-in-secret";
pub const SIGN_NAME: &str = "石家庄交警";

/// What the stand-in was sent: one entry per request it accepted as
/// signed (whatever it answered).
#[derive(Clone, Debug)]
pub struct Received {
    pub params: BTreeMap<String, String>,
    pub answered: String,
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    /// Error codes to answer for a phone, one per request, before "OK".
    scripted: HashMap<String, VecDeque<&'static str>>,
    nonces: HashSet<String>,
    /// Requests refused for their signature.
    bad_signatures: usize,
    next_biz_id: u64,
}

#[derive(Clone)]
pub struct StandIn {
    pub endpoint: String,
    inner: Arc<Mutex<Inner>>,
    delay: Duration,
}

impl StandIn {
    /// Starts the stand-in; each answer waits `delay` (a slow provider).
    pub async fn start(delay: Duration) -> StandIn {
        let inner = Arc::new(Mutex::new(Inner {
            next_biz_id: 900_619_746_936_498_000,
            ..Inner::default()
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let stand_in = StandIn {
            endpoint,
            inner,
            delay,
        };
        let app = Router::new()
            .route("/", get(send_sms))
            .with_state(stand_in.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        stand_in
    }

    /// Answers these error codes, one per request, to `phone` before "OK".
    pub fn script(&self, phone: &str, codes: &[&'static str]) {
        self.inner
            .lock()
            .unwrap()
            .scripted
            .insert(phone.to_string(), codes.iter().copied().collect());
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    pub fn bad_signatures(&self) -> usize {
        self.inner.lock().unwrap().bad_signatures
    }

    /// The template settings the platform's gateway needs for this stand-in.
    pub fn settings(&self, secret: &str) -> server::sms::settings::AliyunSettings {
        server::sms::settings::AliyunSettings {
            access_key_id: Some(ACCESS_KEY_ID.into()),
            access_key_secret: Some(secret.into()),
            sign_name: Some(SIGN_NAME.into()),
            endpoint: self.endpoint.clone(),
            templates: template_codes(),
            malformed_templates: Vec::new(),
        }
    }
}

/// A template code per template, as the console would have issued them.
pub fn template_codes() -> BTreeMap<String, String> {
    app::domain::SmsTemplate::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), format!("SMS_{}", 460_000_100 + i)))
        .collect()
}

fn answer(status: StatusCode, code: &str, message: &str) -> axum::response::Response {
    (
        status,
        Json(json!({"Code": code, "Message": message, "RequestId": "5C2E8C7F-0000-4000-8000-STANDIN"})),
    )
        .into_response()
}

async fn send_sms(
    State(stand_in): State<StandIn>,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    tokio::time::sleep(stand_in.delay).await;
    let query = query.unwrap_or_default();
    let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected = server::sms::aliyun::signature(&params, ACCESS_KEY_SECRET);
    let mut inner = stand_in.inner.lock().unwrap();
    if params.get("Signature") != Some(&expected)
        || params.get("AccessKeyId").map(String::as_str) != Some(ACCESS_KEY_ID)
    {
        inner.bad_signatures += 1;
        return answer(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    for (name, value) in [
        ("Action", "SendSms"),
        ("Version", "2017-05-25"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("Format", "JSON"),
        ("SignName", SIGN_NAME),
    ] {
        if params.get(name).map(String::as_str) != Some(value) {
            return answer(StatusCode::BAD_REQUEST, "isv.INVALID_PARAMETERS", name);
        }
    }
    let timestamp = params.get("Timestamp").cloned().unwrap_or_default();
    if timestamp.len() != 20 || !timestamp.ends_with('Z') || timestamp.as_bytes()[10] != b'T' {
        return answer(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Format",
            &timestamp,
        );
    }
    let nonce = params.get("SignatureNonce").cloned().unwrap_or_default();
    if nonce.is_empty() || !inner.nonces.insert(nonce) {
        return answer(StatusCode::BAD_REQUEST, "SignatureNonceUsed", "nonce used");
    }
    let known = template_codes();
    let code = params.get("TemplateCode").cloned().unwrap_or_default();
    if !known.values().any(|c| *c == code) {
        return answer(StatusCode::OK, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法");
    }
    if let Some(p) = params.get("TemplateParam") {
        if serde_json::from_str::<BTreeMap<String, String>>(p).is_err() {
            return answer(
                StatusCode::OK,
                "isv.INVALID_JSON_PARAM",
                "JSON参数不合法，只接受字符串值",
            );
        }
    }
    let phone = params.get("PhoneNumbers").cloned().unwrap_or_default();
    let scripted = inner.scripted.get_mut(&phone).and_then(|q| q.pop_front());
    let response = match scripted {
        Some(code) => answer(StatusCode::OK, code, "scripted by the test"),
        None => {
            inner.next_biz_id += 1;
            let biz_id = inner.next_biz_id.to_string();
            (
                StatusCode::OK,
                Json(json!({"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"})),
            )
                .into_response()
        }
    };
    inner.received.push(Received {
        params,
        answered: scripted.unwrap_or("OK").to_string(),
    });
    response
}
