//! The local Alipay stand-in (模拟支付宝网关) and what the cases read from
//! the platform's pages: it verifies the app's RSA2 signature, signs notices
//! and returns with Alipay's own test key.

use crate::helpers::*;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use server::payments::alipay::{
    beijing_time, fen_from_yuan, signing_string, AlipaySettings, SigningRule,
};
use server::payments::rsa2::{SigningKey, VerifyingKey};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

pub(super) const APP_ID: &str = "2021000000000001";
pub(super) const SELLER_ID: &str = "2088000000000002";
pub(super) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alipay");
pub(super) const DESKTOP: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
pub(super) const IPHONE: &str =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

pub(super) type Fields = Vec<(String, String)>;

pub(super) fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// The local Alipay stand-in (模拟支付宝网关).
pub(super) struct StandIn {
    /// Its gateway address (`…/gateway.do`).
    pub(super) gateway: String,
    pub(super) state: Arc<Gateway>,
}

pub(super) struct Gateway {
    /// The app's public key, as registered on Alipay's open platform.
    pub(super) app_key: VerifyingKey,
    /// Alipay's own private key.
    pub(super) alipay_key: SigningKey,
    pub(super) http: reqwest::Client,
    /// Send the browser back before notifying (the notice is held).
    pub(super) hold_notices: AtomicBool,
    pub(super) held: Mutex<Vec<(String, Fields)>>,
    /// Each notice delivered and what the platform answered.
    pub(super) delivered: Mutex<Vec<(Fields, u16, String)>>,
    /// Each pay request accepted.
    pub(super) requests: Mutex<Vec<BTreeMap<String, String>>>,
    pub(super) trades: AtomicU32,
}

impl Gateway {
    /// Alipay's signature over a notice's or return's fields.
    pub(super) fn sign(&self, mut fields: Fields) -> Fields {
        fields.retain(|(k, _)| k != "sign");
        let content = signing_string(
            fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SigningRule::Notice,
        );
        fields.push(("sign".into(), self.alipay_key.sign(&content)));
        fields
    }

    pub(super) async fn deliver(&self, notify_url: &str, notice: Fields) -> (u16, String) {
        let res = self
            .http
            .post(notify_url)
            .form(&notice)
            .send()
            .await
            .expect("the platform answers notices");
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        self.delivered
            .lock()
            .unwrap()
            .push((notice, status, body.clone()));
        (status, body)
    }
}

pub(super) fn pairs(list: &[(&str, &str)]) -> Fields {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// An Alipay error page (Alipay shows 错误代码 and the reason).
pub(super) fn refused(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("错误代码 {code}")).into_response()
}

/// `GET /gateway.do`: the page-pay or wap-pay request from the payer's
/// browser. The payer pays at once.
pub(super) async fn gateway_do(
    State(gw): State<Arc<Gateway>>,
    Query(fields): Query<Fields>,
) -> Response {
    let mut p = BTreeMap::new();
    for (k, v) in &fields {
        if p.insert(k.clone(), v.clone()).is_some() {
            return refused("duplicate-parameter");
        }
    }
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let content = signing_string(
        p.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SigningRule::Request,
    );
    if get("sign_type") != "RSA2" || !gw.app_key.verify(&content, &get("sign")) {
        return refused("invalid-signature");
    }
    if get("app_id") != APP_ID {
        return refused("isv.invalid-app-id");
    }
    if (get("charset"), get("format"), get("version"))
        != ("utf-8".into(), "JSON".into(), "1.0".into())
        || get("timestamp").len() != 19
    {
        return refused("invalid-parameter");
    }
    let method = get("method");
    let product = match method.as_str() {
        "alipay.trade.page.pay" => "FAST_INSTANT_TRADE_PAY",
        "alipay.trade.wap.pay" => "QUICK_WAP_WAY",
        _ => return refused("invalid-method"),
    };
    let Ok(biz) = serde_json::from_str::<serde_json::Value>(&get("biz_content")) else {
        return refused("invalid-biz-content");
    };
    let text = |k: &str| biz[k].as_str().unwrap_or_default().to_string();
    let (out_trade_no, total) = (text("out_trade_no"), text("total_amount"));
    if out_trade_no.is_empty()
        || fen_from_yuan(&total).is_none()
        || text("subject").is_empty()
        || text("product_code") != product
        || text("time_expire").len() != 19
        || get("notify_url").is_empty()
        || get("return_url").is_empty()
    {
        return refused("invalid-parameter");
    }
    gw.requests.lock().unwrap().push(p.clone());

    let n = gw.trades.fetch_add(1, Ordering::SeqCst) + 1;
    let trade_no = format!("2025011522001400{n:012}");
    let now = beijing_time(server::clock::unix_ms());
    let notice = gw.sign(pairs(&[
        ("notify_time", &now),
        ("notify_type", "trade_status_sync"),
        ("notify_id", &format!("20250115002221201030{n:014}")),
        ("app_id", APP_ID),
        ("auth_app_id", APP_ID),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("sign_type", "RSA2"),
        ("trade_no", &trade_no),
        ("out_trade_no", &out_trade_no),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", &total),
        ("receipt_amount", &total),
        ("buyer_pay_amount", &total),
        ("invoice_amount", &total),
        ("seller_id", SELLER_ID),
        ("buyer_id", "2088000000000003"),
        ("subject", &text("subject")),
        ("gmt_create", &now),
        ("gmt_payment", &now),
    ]));
    let notify_url = get("notify_url");
    if gw.hold_notices.load(Ordering::SeqCst) {
        gw.held.lock().unwrap().push((notify_url, notice));
    } else {
        gw.deliver(&notify_url, notice).await;
    }
    let back = gw.sign(pairs(&[
        ("charset", "utf-8"),
        ("out_trade_no", &out_trade_no),
        ("method", &format!("{method}.return")),
        ("total_amount", &total),
        ("trade_no", &trade_no),
        ("auth_app_id", APP_ID),
        ("version", "1.0"),
        ("app_id", APP_ID),
        ("sign_type", "RSA2"),
        ("seller_id", SELLER_ID),
        ("timestamp", &now),
    ]));
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&back)
        .finish();
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{}?{query}", get("return_url")))],
    )
        .into_response()
}

impl StandIn {
    pub(super) async fn start() -> StandIn {
        let state = Arc::new(Gateway {
            app_key: VerifyingKey::from_text(&fixture("app_public_key.pem")).unwrap(),
            alipay_key: SigningKey::from_text(&fixture("alipay_private_key.pem")).unwrap(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap(),
            hold_notices: AtomicBool::new(false),
            held: Mutex::default(),
            delivered: Mutex::default(),
            requests: Mutex::default(),
            trades: AtomicU32::new(0),
        });
        let router = axum::Router::new()
            .route("/gateway.do", axum::routing::get(gateway_do))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        StandIn {
            gateway: format!("http://{addr}/gateway.do"),
            state,
        }
    }

    /// A platform in development mode paying through this stand-in.
    pub(super) async fn platform(&self, backend: Backend) -> TestApp {
        let gateway = self.gateway.clone();
        spawn_with(backend, move |config, addr| {
            config.alipay = AlipaySettings {
                app_id: Some(APP_ID.into()),
                private_key_file: Some(format!("{FIXTURES}/app_private_key.pem")),
                alipay_public_key: Some(fixture("alipay_public_key.pem")),
                gateway_url: Some(gateway),
                seller_id: Some(SELLER_ID.into()),
                public_url: Some(format!("http://{addr}")),
                ..AlipaySettings::default()
            };
        })
        .await
    }

    pub(super) fn delivered(&self) -> Vec<(Fields, u16, String)> {
        self.state.delivered.lock().unwrap().clone()
    }
}

/// A hand-off page's form: (action, fields), as a browser reads it.
pub(super) fn read_form(html: &str) -> (String, Fields) {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let len = tag[start..].find('"')?;
        Some(unescape(&tag[start..start + len]))
    };
    let form_tag = &html[html.find("<form").expect("a form")..];
    let form_tag = &form_tag[..form_tag.find('>').unwrap()];
    assert_eq!(attr(form_tag, "method").as_deref(), Some("get"), "{html}");
    let action = attr(form_tag, "action").expect("an action");
    let fields = html
        .split("<input ")
        .skip(1)
        .map(|tag| &tag[..tag.find('>').unwrap()])
        .map(|tag| (attr(tag, "name").unwrap(), attr(tag, "value").unwrap()))
        .collect();
    (action, fields)
}

pub(super) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
}

pub(super) fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {}", res.status()))
        .to_str()
        .unwrap()
        .to_string()
}
