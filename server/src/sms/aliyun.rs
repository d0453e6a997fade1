//! Alibaba Cloud SMS (阿里云短信服务) `SendSms`, API version 2017-05-25: an
//! RPC-style GET request signed with the v1 signature (HMAC-SHA1):
//!
//! 1. every parameter but `Signature`, sorted by name (byte order), name
//!    and value percent-encoded as RFC 3986 says (only `A-Z a-z 0-9 - _ . ~`
//!    stay as they are, a space is `%20`, UTF-8 bytes are `%XY` in upper
//!    case), joined as `name=value` with `&`: the canonical query;
//! 2. `StringToSign = "GET&%2F&" + percent_encode(canonical query)`;
//! 3. `Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`,
//!    sent as one more (percent-encoded) parameter.
//!
//! The answer is JSON (`Format=JSON`): `{"Code":"OK","Message":"OK",
//! "BizId":…,"RequestId":…}`, or an error code in `Code` (business errors
//! come with HTTP 200, request errors such as a bad signature with 4xx).
//! Which codes are worth a retry is [`is_retryable`].

use super::settings::AliyunSettings;
use app::domain::{PhoneNumber, Sms};
use app::ports::{SmsAccepted, SmsGateway, SmsRefused};
use async_trait::async_trait;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::BTreeMap;
use std::time::Duration;

/// Percent-encoding as the signature wants it (RFC 3986 unreserved
/// characters kept, everything else `%XY` in upper case, per UTF-8 byte).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The canonical query: every parameter but `Signature`, sorted, encoded.
pub fn canonical_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(name, _)| name.as_str() != "Signature")
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET&%2F&` and the encoded canonical query.
pub fn string_to_sign(params: &BTreeMap<String, String>) -> String {
    format!(
        "GET&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

/// The v1 signature of a GET request with these parameters.
pub fn signature(params: &BTreeMap<String, String>, access_key_secret: &str) -> String {
    let key = format!("{access_key_secret}&");
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(string_to_sign(params).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The request's query string: the canonical query with the signature.
pub fn signed_query(params: &BTreeMap<String, String>, access_key_secret: &str) -> String {
    format!(
        "Signature={}&{}",
        percent_encode(&signature(params, access_key_secret)),
        canonical_query(params)
    )
}

/// ISO 8601 UTC to the second, as `Timestamp` wants it
/// (2017-07-12T02:42:19Z).
pub fn timestamp(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let date = app::domain::Date::from_days_since_epoch(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date.to_iso(),
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// Whether an error code is worth another try later: the provider's own
/// trouble, flow control and quotas (they reset), an account without
/// money (it can be topped up), a nonce that happened to repeat. Anything
/// else — a bad number, a template or sign name not approved, bad
/// parameters, a wrong key — fails the same way every time.
pub fn is_retryable(code: &str) -> bool {
    matches!(
        code,
        "isp.SYSTEM_ERROR"
            | "isv.BUSINESS_LIMIT_CONTROL"
            | "isv.DAY_LIMIT_CONTROL"
            | "isv.MONTH_LIMIT_CONTROL"
            | "isv.OUT_OF_SERVICE"
            | "isv.AMOUNT_NOT_ENOUGH"
            | "SignatureNonceUsed"
            | "ServiceUnavailable"
            | "InternalError"
    ) || code.starts_with("Throttling")
}

/// The answer's fields the gateway reads.
#[derive(Debug, serde::Deserialize)]
struct Answer {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "BizId")]
    biz_id: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

/// What an answer (HTTP status and body) means.
pub fn read_answer(status: u16, body: &str) -> Result<SmsAccepted, SmsRefused> {
    let Ok(answer) = serde_json::from_str::<Answer>(body) else {
        let reason = format!("HTTP {status} without a JSON answer");
        // A proxy's error page or a cut answer: the provider may be fine later.
        return Err(SmsRefused::Retryable(reason));
    };
    let code = answer.code.unwrap_or_default();
    if code == "OK" && (200..300).contains(&status) {
        return Ok(SmsAccepted {
            provider_message_id: answer.biz_id.filter(|b| !b.is_empty()),
        });
    }
    let reason = format!(
        "{} (HTTP {status}): {} [RequestId {}]",
        if code.is_empty() { "no Code" } else { &code },
        answer.message.unwrap_or_default(),
        answer.request_id.unwrap_or_default()
    );
    if is_retryable(&code) || (code.is_empty() && status >= 500) {
        Err(SmsRefused::Retryable(reason))
    } else {
        Err(SmsRefused::Permanent(reason))
    }
}

/// The Alibaba Cloud SMS gateway.
pub struct AliyunGateway {
    access_key_id: String,
    access_key_secret: String,
    sign_name: String,
    endpoint: String,
    /// Template name → template code.
    templates: BTreeMap<String, String>,
    client: reqwest::Client,
    clock: std::sync::Arc<dyn app::ports::Clock>,
}

/// How long one request may take before it counts as failed (and is
/// tried again later; the outbox worker waits, never a person).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

impl AliyunGateway {
    /// The gateway, when the settings are complete.
    pub fn new(
        settings: &AliyunSettings,
        clock: std::sync::Arc<dyn app::ports::Clock>,
    ) -> Result<AliyunGateway, String> {
        let problems = settings.problems();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot build the HTTP client for Alibaba Cloud SMS: {e}"))?;
        Ok(AliyunGateway {
            access_key_id: settings.access_key_id.clone().unwrap_or_default(),
            access_key_secret: settings.access_key_secret.clone().unwrap_or_default(),
            sign_name: settings.sign_name.clone().unwrap_or_default(),
            endpoint: settings.endpoint.clone(),
            templates: settings.templates.clone(),
            client,
            clock,
        })
    }

    /// The parameters of one `SendSms` request (without `Signature`).
    pub fn request_params(
        &self,
        phone: &PhoneNumber,
        template_code: &str,
        sms: &Sms,
        nonce: &str,
        now_ms: i64,
    ) -> BTreeMap<String, String> {
        let template_param: BTreeMap<&str, &str> = sms
            .params()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut params = BTreeMap::new();
        for (name, value) in [
            ("AccessKeyId", self.access_key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", phone.as_str()),
            ("RegionId", "cn-hangzhou"),
            ("SignName", self.sign_name.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", template_code),
            ("Version", "2017-05-25"),
        ] {
            params.insert(name.to_string(), value.to_string());
        }
        params.insert("Timestamp".into(), timestamp(now_ms));
        if !template_param.is_empty() {
            params.insert(
                "TemplateParam".into(),
                serde_json::to_string(&template_param).expect("strings are JSON"),
            );
        }
        params
    }
}

#[async_trait]
impl SmsGateway for AliyunGateway {
    fn name(&self) -> &'static str {
        "aliyun"
    }

    async fn send(&self, phone: &PhoneNumber, sms: &Sms) -> Result<SmsAccepted, SmsRefused> {
        let Some(template_code) = self.templates.get(sms.template().name()) else {
            return Err(SmsRefused::Permanent(format!(
                "no template code for {} in ALIYUN_SMS_TEMPLATES",
                sms.template()
            )));
        };
        let nonce = hex::encode(rand::random::<[u8; 16]>());
        let params = self.request_params(phone, template_code, sms, &nonce, self.clock.now_ms());
        let url = format!(
            "{}/?{}",
            self.endpoint,
            signed_query(&params, &self.access_key_secret)
        );
        let response = self.client.get(&url).send().await.map_err(|e| {
            // Never the URL: it carries the parameters (and so the code).
            SmsRefused::Retryable(format!(
                "request to Alibaba Cloud SMS failed: {}",
                e.without_url()
            ))
        })?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| {
            SmsRefused::Retryable(format!("reading the answer failed: {}", e.without_url()))
        })?;
        read_answer(status, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Alibaba Cloud's SMS documentation ("HTTP协议
    /// 及签名", the `SendSms` request with AccessKeyId testId and
    /// AccessKeySecret testSecret): its canonical query, string to sign and
    /// signature, as published.
    fn documented_request() -> BTreeMap<String, String> {
        [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn the_providers_published_example_signs_the_same() {
        let params = documented_request();
        assert_eq!(
            canonical_query(&params),
            "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
        );
        assert_eq!(
            string_to_sign(&params),
            "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
        );
        assert_eq!(
            signature(&params, "testSecret"),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
        assert!(signed_query(&params, "testSecret")
            .starts_with("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&"));
        // A Signature already among the parameters is not signed.
        let mut with_old = params.clone();
        with_old.insert("Signature".into(), "old".into());
        assert_eq!(
            signature(&with_old, "testSecret"),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn percent_encoding_follows_rfc_3986() {
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("~-_."), "~-_.");
        assert_eq!(percent_encode("/=&+"), "%2F%3D%26%2B");
        assert_eq!(percent_encode("交"), "%E4%BA%A4");
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        // 2017-07-12T02:42:19Z, the documented example's time.
        assert_eq!(timestamp(1_499_827_339_000), "2017-07-12T02:42:19Z");
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn answers_are_read_as_the_provider_means_them() {
        let ok = r#"{"Code":"OK","Message":"OK","BizId":"9006197469364984400","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}"#;
        assert_eq!(
            read_answer(200, ok),
            Ok(SmsAccepted {
                provider_message_id: Some("9006197469364984400".into())
            })
        );
        let limited = r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1","RequestId":"R1"}"#;
        assert!(
            matches!(read_answer(200, limited), Err(SmsRefused::Retryable(r)) if r.contains("isv.BUSINESS_LIMIT_CONTROL"))
        );
        let bad_number =
            r#"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号","RequestId":"R2"}"#;
        assert!(
            matches!(read_answer(200, bad_number), Err(SmsRefused::Permanent(r)) if r.contains("非法手机号"))
        );
        let bad_signature = r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation.","RequestId":"R3"}"#;
        assert!(matches!(
            read_answer(400, bad_signature),
            Err(SmsRefused::Permanent(_))
        ));
        assert!(matches!(
            read_answer(503, r#"{"Code":"ServiceUnavailable"}"#),
            Err(SmsRefused::Retryable(_))
        ));
        assert!(matches!(
            read_answer(502, "<html>Bad gateway</html>"),
            Err(SmsRefused::Retryable(_))
        ));
        assert!(matches!(
            read_answer(200, r#"{"Code":"Throttling.User"}"#),
            Err(SmsRefused::Retryable(_))
        ));
        for permanent in [
            "isv.TEMPLATE_MISSING_PARAMETERS",
            "isv.SMS_TEMPLATE_ILLEGAL",
            "isv.SMS_SIGNATURE_ILLEGAL",
            "isv.INVALID_PARAMETERS",
            "isv.PARAM_LENGTH_LIMIT",
            "isv.BLACK_KEY_CONTROL_LIMIT",
            "isp.RAM_PERMISSION_DENY",
            "InvalidAccessKeyId.NotFound",
        ] {
            assert!(!is_retryable(permanent), "{permanent}");
        }
    }
}
