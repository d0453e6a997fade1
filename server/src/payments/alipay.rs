//! The Alipay gateway (支付宝) adapter: 电脑网站支付 (`alipay.trade.page.pay`)
//! for computers, 手机网站支付 (`alipay.trade.wap.pay`) for phones, the
//! asynchronous notice (异步通知) and the synchronous return (同步返回),
//! all signed RSA2 ([`super::rsa2`]) in Alipay's public-key mode (公钥模式).
//!
//! - **Request.** The payer's browser is handed a GET form to the gateway
//!   with the public parameters, `biz_content` (JSON) and `sign`: the app's
//!   RSA2 signature of the signing string (待签名字符串) — every parameter
//!   but `sign` with a non-empty value, sorted by name, `name=value` joined
//!   by `&`, values as they are (not URL-encoded).
//! - **Notice.** Alipay POSTs the trade's fields to `/payments/notify`. It
//!   is verified with Alipay's public key over the signing string without
//!   `sign` and `sign_type`, then its `app_id` (and `seller_id`, when
//!   configured) must be this platform's; `total_amount` (yuan) becomes fen
//!   exactly and the store compares it with the order's; only
//!   `TRADE_SUCCESS` and `TRADE_FINISHED` pay. The answer is `success`.
//! - **Return.** The browser comes back to `/payments/return` with signed
//!   fields; they are verified the same way, but a return is not proof of
//!   payment (Alipay's rule): the payer sees the receipt once the notice has
//!   settled the order.

use super::rsa2::{SigningKey, VerifyingKey};
use app::domain::Date;
use app::ports::{
    Clock, GatewayForm, GatewayMessage, NoticeChannel, NoticeRefusal, PayerDevice, PaymentGateway,
    PaymentNotice, PaymentOrder,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Alipay's production gateway.
pub const DEFAULT_GATEWAY_URL: &str = "https://openapi.alipay.com/gateway.do";
/// What the payer sees as the item (订单标题).
const SUBJECT: &str = "交通违法罚款";
/// Alipay's largest single amount: 100,000,000.00 yuan.
const MAX_FEN: i64 = 10_000_000_000;

/// Which parameters a signing string leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningRule {
    /// A request the app signs: all but `sign`.
    Request,
    /// A notice or return Alipay signs: all but `sign` and `sign_type`.
    Notice,
}

/// The signing string (待签名字符串) of some parameters: every parameter
/// the rule keeps with a non-empty name and value, sorted by name (byte
/// order, which is ASCII order), `name=value` joined by `&`, not encoded.
pub fn signing_string<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    rule: SigningRule,
) -> String {
    let mut kept: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(k, v)| !k.is_empty() && !v.is_empty() && *k != "sign")
        .filter(|(k, _)| rule == SigningRule::Request || *k != "sign_type")
        .collect();
    kept.sort_unstable();
    kept.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Fen from Alipay's yuan amount (`200.00`, also `200` or `200.5`):
/// digits, at most two decimals, no sign, within Alipay's range.
pub fn fen_from_yuan(yuan: &str) -> Option<i64> {
    let (whole, fraction) = yuan.split_once('.').unwrap_or((yuan, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 9
        || !digits(whole)
        || fraction.len() > 2
        || !digits(fraction)
        || (yuan.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let cents = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    let fen = whole.parse::<i64>().ok()? * 100 + cents;
    (fen <= MAX_FEN).then_some(fen)
}

/// `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8), as Alipay writes times.
pub fn beijing_time(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let of_day = (secs + 8 * 3600).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        Date::from_unix_seconds(secs, 8).to_iso(),
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The Alipay settings as read from the environment (README: settings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlipaySettings {
    /// `ALIPAY_APP_ID`: the application's id (APPID) on Alipay's open
    /// platform.
    pub app_id: Option<String>,
    /// `ALIPAY_APP_PRIVATE_KEY_FILE`: the app's private key (应用私钥),
    /// PEM or Alipay's key-tool base64, in a file readable by the server.
    pub private_key_file: Option<String>,
    /// `ALIPAY_APP_PRIVATE_KEY`: the same key in the variable itself.
    pub private_key_text: Option<Secret>,
    /// `ALIPAY_PUBLIC_KEY`: Alipay's public key (支付宝公钥), as the open
    /// platform shows it.
    pub alipay_public_key: Option<String>,
    /// `ALIPAY_GATEWAY_URL`: the gateway (default Alipay's production
    /// gateway; the sandbox is `https://openapi-sandbox.dl.alipaydev.com/gateway.do`).
    pub gateway_url: Option<String>,
    /// `ALIPAY_SELLER_ID`: when set, notices must name this seller (the
    /// 2088… partner id that receives the money).
    pub seller_id: Option<String>,
    /// `PLATFORM_PUBLIC_URL`: the platform's public address; Alipay sends
    /// notices to `…/payments/notify` and payers back to `…/payments/return`.
    pub public_url: Option<String>,
}

/// A setting's value that is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

impl AlipaySettings {
    /// Reads the settings from a source of variables (unset and empty are
    /// the same).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> AlipaySettings {
        AlipaySettings {
            app_id: var("ALIPAY_APP_ID"),
            private_key_file: var("ALIPAY_APP_PRIVATE_KEY_FILE"),
            private_key_text: var("ALIPAY_APP_PRIVATE_KEY").map(Secret),
            alipay_public_key: var("ALIPAY_PUBLIC_KEY"),
            gateway_url: var("ALIPAY_GATEWAY_URL"),
            seller_id: var("ALIPAY_SELLER_ID"),
            public_url: var("PLATFORM_PUBLIC_URL"),
        }
    }

    /// Whether any Alipay setting is given (then all of them must be).
    pub fn is_configured(&self) -> bool {
        self.app_id.is_some()
            || self.private_key_file.is_some()
            || self.private_key_text.is_some()
            || self.alipay_public_key.is_some()
            || self.gateway_url.is_some()
            || self.seller_id.is_some()
    }

    /// The adapter, or one line per wrong or missing setting, each naming
    /// it. `Ok(None)` when Alipay is not configured at all. Production
    /// (`https_only`) needs HTTPS for the gateway and the public address.
    pub fn gateway(
        &self,
        clock: Arc<dyn Clock>,
        https_only: bool,
    ) -> Result<Option<Alipay>, Vec<String>> {
        if !self.is_configured() {
            return Ok(None);
        }
        let mut problems = Vec::new();
        let app_id = match self.app_id.as_deref().map(str::trim) {
            None => {
                problems.push("ALIPAY_APP_ID is missing".to_string());
                None
            }
            Some(id) if id.len() >= 8 && id.bytes().all(|b| b.is_ascii_digit()) => {
                Some(id.to_string())
            }
            Some(_) => {
                problems.push(
                    "ALIPAY_APP_ID is not an Alipay application id (digits, e.g. 2021000000000001)"
                        .into(),
                );
                None
            }
        };
        let signing = self.signing_key().map_err(|p| problems.push(p)).ok();
        let verifying = match self.alipay_public_key.as_deref() {
            None => {
                problems.push(
                    "ALIPAY_PUBLIC_KEY is missing: set Alipay's public key (支付宝公钥) from the open platform"
                        .into(),
                );
                None
            }
            Some(text) => VerifyingKey::from_text(text)
                .map_err(|e| problems.push(format!("ALIPAY_PUBLIC_KEY: {e}")))
                .ok(),
        };
        if let (Some(signing), Some(verifying)) = (&signing, &verifying) {
            if signing.verifying_key() == *verifying {
                problems.push(
                    "ALIPAY_PUBLIC_KEY is the app's own public key: set Alipay's public key (支付宝公钥), not the application's"
                        .into(),
                );
            }
        }
        let gateway_url = self
            .gateway_url
            .clone()
            .unwrap_or_else(|| DEFAULT_GATEWAY_URL.into());
        if let Err(why) = check_url(&gateway_url, https_only) {
            problems.push(format!("ALIPAY_GATEWAY_URL {why}"));
        }
        let public_url = match self.public_url.as_deref() {
            None => {
                problems.push(
                    "PLATFORM_PUBLIC_URL is missing: Alipay sends its notices to PLATFORM_PUBLIC_URL/payments/notify"
                        .into(),
                );
                None
            }
            Some(url) => {
                let url = url.trim_end_matches('/');
                match check_url(url, https_only) {
                    Ok(()) => Some(url.to_string()),
                    Err(why) => {
                        problems.push(format!("PLATFORM_PUBLIC_URL {why}"));
                        None
                    }
                }
            }
        };
        let seller_id = self.seller_id.clone();
        if let Some(id) = &seller_id {
            if !(id.len() == 16 && id.starts_with("2088") && id.bytes().all(|b| b.is_ascii_digit()))
            {
                problems.push(
                    "ALIPAY_SELLER_ID is not an Alipay partner id (16 digits starting 2088)".into(),
                );
            }
        }
        match (app_id, signing, verifying, public_url) {
            (Some(app_id), Some(signing), Some(alipay_key), Some(public_url))
                if problems.is_empty() =>
            {
                Ok(Some(Alipay {
                    app_id,
                    signing,
                    alipay_key,
                    gateway_url,
                    public_url,
                    seller_id,
                    clock,
                }))
            }
            _ => Err(problems),
        }
    }

    fn signing_key(&self) -> Result<SigningKey, String> {
        let (name, text) = match (&self.private_key_file, &self.private_key_text) {
            (Some(_), Some(_)) => {
                return Err(
                    "ALIPAY_APP_PRIVATE_KEY_FILE and ALIPAY_APP_PRIVATE_KEY are both set: set one"
                        .into(),
                )
            }
            (None, None) => {
                return Err(
                    "ALIPAY_APP_PRIVATE_KEY_FILE (or ALIPAY_APP_PRIVATE_KEY) is missing: the app's private key (应用私钥)"
                        .into(),
                )
            }
            (Some(path), None) => (
                "ALIPAY_APP_PRIVATE_KEY_FILE",
                std::fs::read_to_string(path)
                    .map_err(|e| format!("ALIPAY_APP_PRIVATE_KEY_FILE: cannot read {path}: {e}"))?,
            ),
            (None, Some(Secret(text))) => ("ALIPAY_APP_PRIVATE_KEY", text.clone()),
        };
        SigningKey::from_text(&text).map_err(|e| format!("{name}: {e}"))
    }
}

/// An absolute http(s) URL without query or fragment (a GET form would
/// drop the query).
fn check_url(url: &str, https_only: bool) -> Result<(), String> {
    let rest = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => rest,
        (None, Some(_)) if https_only => return Err(format!("must be https:// ({url})")),
        (None, Some(rest)) => rest,
        _ => return Err(format!("is not an http(s) address ({url})")),
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || url.contains(['?', '#']) || url.chars().any(char::is_whitespace) {
        return Err(format!("is not a plain address without ? or # ({url})"));
    }
    Ok(())
}

/// The Alipay adapter.
pub struct Alipay {
    app_id: String,
    signing: SigningKey,
    alipay_key: VerifyingKey,
    gateway_url: String,
    public_url: String,
    seller_id: Option<String>,
    clock: Arc<dyn Clock>,
}

#[derive(serde::Serialize)]
struct BizContent<'a> {
    out_trade_no: &'a str,
    total_amount: String,
    subject: &'a str,
    product_code: &'a str,
    time_expire: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    quit_url: Option<String>,
}

impl Alipay {
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }

    /// The signed page-pay (computer) or wap-pay (phone) request.
    pub fn pay_request(&self, order: &PaymentOrder, device: PayerDevice) -> Vec<(String, String)> {
        let (method, product_code, quit_url) = match device {
            PayerDevice::Computer => ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY", None),
            PayerDevice::Phone => (
                "alipay.trade.wap.pay",
                "QUICK_WAP_WAY",
                Some(format!(
                    "{}/account/violations/{}",
                    self.public_url, order.violation_id
                )),
            ),
        };
        let biz = BizContent {
            out_trade_no: &order.order_no,
            total_amount: app::domain::violation::yuan_text(order.amount_fen),
            subject: SUBJECT,
            product_code,
            time_expire: beijing_time(order.expires_at),
            quit_url,
        };
        let mut params: Vec<(String, String)> = [
            ("app_id", self.app_id.clone()),
            ("method", method.into()),
            ("format", "JSON".into()),
            ("charset", "utf-8".into()),
            ("sign_type", "RSA2".into()),
            ("timestamp", beijing_time(self.clock.now_ms())),
            ("version", "1.0".into()),
            ("notify_url", format!("{}/payments/notify", self.public_url)),
            ("return_url", format!("{}/payments/return", self.public_url)),
            (
                "biz_content",
                serde_json::to_string(&biz).expect("plain strings serialise"),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let content = signing_string(
            params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SigningRule::Request,
        );
        params.push(("sign".into(), self.signing.sign(&content)));
        params
    }

    /// Checks a notice's or return's signature and origin; the verified
    /// fields by name.
    fn verified(
        &self,
        fields: &[(String, String)],
    ) -> Result<BTreeMap<String, String>, NoticeRefusal> {
        let mut map = BTreeMap::new();
        for (k, v) in fields {
            if map.insert(k.clone(), v.clone()).is_some() {
                return Err(NoticeRefusal::Malformed(format!("field `{k}` given twice")));
            }
        }
        let Some(sign) = map.get("sign") else {
            return Err(NoticeRefusal::Malformed("missing field `sign`".into()));
        };
        match map.get("sign_type").map(String::as_str) {
            None | Some("RSA2") => {}
            Some(other) => {
                return Err(NoticeRefusal::NotAuthentic(format!(
                    "sign_type {other} is not RSA2"
                )))
            }
        }
        let content = signing_string(
            map.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SigningRule::Notice,
        );
        if !self.alipay_key.verify(&content, sign) {
            return Err(NoticeRefusal::NotAuthentic("bad signature".into()));
        }
        let app_id = map.get("app_id").map(String::as_str).unwrap_or_default();
        if app_id != self.app_id {
            return Err(NoticeRefusal::NotAuthentic(format!(
                "app_id {app_id} is not this platform's"
            )));
        }
        if let Some(seller) = &self.seller_id {
            let named = map.get("seller_id").map(String::as_str).unwrap_or_default();
            if named != seller {
                return Err(NoticeRefusal::NotAuthentic(format!(
                    "seller_id {named} is not this platform's"
                )));
            }
        }
        Ok(map)
    }
}

fn required<'a>(map: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, NoticeRefusal> {
    map.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| NoticeRefusal::Malformed(format!("missing field `{name}`")))
}

impl PaymentGateway for Alipay {
    /// The platform's hand-off page, which signs the request when the payer
    /// arrives (a fresh timestamp) and sends the browser on.
    fn checkout_url(&self, order: &PaymentOrder) -> String {
        format!("/payments/checkout?order_no={}", order.order_no)
    }

    fn hand_off(&self, order: &PaymentOrder, device: PayerDevice) -> Option<GatewayForm> {
        Some(GatewayForm {
            action: self.gateway_url.clone(),
            fields: self.pay_request(order, device),
        })
    }

    fn read_message(
        &self,
        channel: NoticeChannel,
        fields: &[(String, String)],
    ) -> Result<GatewayMessage, NoticeRefusal> {
        let map = self.verified(fields)?;
        let order_no = required(&map, "out_trade_no")?.to_string();
        if channel == NoticeChannel::BrowserReturn {
            return Ok(GatewayMessage::NoPayment { order_no });
        }
        match required(&map, "trade_status")? {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => {}
            "WAIT_BUYER_PAY" | "TRADE_CLOSED" => return Ok(GatewayMessage::NoPayment { order_no }),
            other => {
                return Err(NoticeRefusal::Malformed(format!(
                    "unknown trade_status {other}"
                )))
            }
        }
        let total = required(&map, "total_amount")?;
        let amount_fen = fen_from_yuan(total).ok_or_else(|| {
            NoticeRefusal::Malformed(format!("total_amount {total} is not a yuan amount"))
        })?;
        Ok(GatewayMessage::Paid(PaymentNotice {
            order_no,
            amount_fen,
            bank_ref: required(&map, "trade_no")?.to_string(),
            signature: map["sign"].clone(),
        }))
    }
}

#[cfg(test)]
#[path = "alipay_tests.rs"]
mod tests;
