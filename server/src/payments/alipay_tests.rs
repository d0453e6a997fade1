//! The Alipay adapter against fixed vectors: Alipay's published test
//! signatures (through the signing-string rules), and a page-pay request and
//! an async notice whose signatures OpenSSL made with the test keys in
//! `server/tests/fixtures/alipay/`.

use super::*;
use crate::payments::rsa2::tests::{
    ALIPAY_SDK_VECTORS, APP_PRIVATE_KEY, PAGE_PAY_CONTENT, PAGE_PAY_OPENSSL_SIGNATURE,
};

const ALIPAY_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/alipay/alipay_public_key.pem");
const ALIPAY_PRIVATE_KEY: &str = include_str!("../../tests/fixtures/alipay/alipay_private_key.pem");
const APP_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/alipay/app_public_key.pem");
const APP_ID: &str = "2021000000000001";

/// 2025-01-15 12:00:00 in Beijing.
const NOON_MS: i64 = 1_736_913_600_000;

struct FixedClock(i64);

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

fn settings() -> AlipaySettings {
    AlipaySettings {
        app_id: Some(APP_ID.into()),
        private_key_text: Some(Secret(APP_PRIVATE_KEY.into())),
        alipay_public_key: Some(ALIPAY_PUBLIC_KEY.into()),
        public_url: Some("https://jgj.example.gov.cn/".into()),
        ..AlipaySettings::default()
    }
}

fn alipay(settings: &AlipaySettings) -> Alipay {
    settings
        .gateway(Arc::new(FixedClock(NOON_MS)), true)
        .unwrap()
        .unwrap()
}

fn order() -> PaymentOrder {
    PaymentOrder {
        order_no: "FK202501150000420123".into(),
        violation_id: 42,
        amount_fen: 20_000,
        status: "pending".into(),
        expires_at: NOON_MS + 30 * 60 * 1000,
        receipt_no: None,
    }
}

/// An async notice for the order, as Alipay posts it (unsorted), with the
/// signature OpenSSL made with `alipay_private_key.pem` over its signing
/// string (all fields but `sign` and `sign_type`, sorted).
fn openssl_signed_notice() -> Vec<(String, String)> {
    [
        ("gmt_create", "2025-01-15 12:01:02"),
        ("charset", "utf-8"),
        ("seller_id", "2088000000000002"),
        ("subject", "交通违法罚款"),
        ("sign", "IUiGiC/iGYXpLkAfBxBZZ32ZaCJwAbBAsMXIrILnZwQoC/MEI/DNGXKbLbEOo0Wxr7FYSscfZ4RE6c/JZISUcLkFyXjGR9JCDfC43ODKFtkSGs71TXVLyz5RuYzClYYbihtWJiPmy+KN/JuMdheFPzlMJ7iwvuCdJMapK0y9OTmeFhFeFA5FdZ08ZjNLN1FDzyLKgnyB6Rb0ooWX0hZYwHNuwTHcr0/BDY+VPCPEStSPAWRyeYFHZ0/Qpob8hEyRIPV/EZqk+ThgzSlAoGlgBAg2a9T0IOBk7PGcPxrajiJEukX4PoM1cyAKEmMII0EniNHxr8imE1ByqKiewYabig=="),
        ("buyer_id", "2088000000000003"),
        ("invoice_amount", "200.00"),
        ("notify_id", "2025011500222120103000000000000001"),
        ("fund_bill_list", r#"[{"amount":"200.00","fundChannel":"ALIPAYACCOUNT"}]"#),
        ("notify_type", "trade_status_sync"),
        ("trade_status", "TRADE_SUCCESS"),
        ("receipt_amount", "200.00"),
        ("app_id", APP_ID),
        ("buyer_pay_amount", "200.00"),
        ("sign_type", "RSA2"),
        ("gmt_payment", "2025-01-15 12:01:03"),
        ("notify_time", "2025-01-15 12:01:04"),
        ("version", "1.0"),
        ("out_trade_no", "FK202501150000420123"),
        ("total_amount", "200.00"),
        ("trade_no", "2025011522001400000000000001"),
        ("auth_app_id", APP_ID),
        ("buyer_logon_id", "138****0000"),
        ("point_amount", "0.00"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), if k == name { value.into() } else { v.clone() }))
        .collect()
}

/// Signs fields as the stand-in Alipay does (after the OpenSSL vector
/// showed the signer agrees with OpenSSL).
fn alipay_signed(fields: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields: Vec<_> = fields
        .iter()
        .filter(|(k, _)| k != "sign")
        .cloned()
        .collect();
    let content = signing_string(
        fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SigningRule::Notice,
    );
    let sign = SigningKey::from_text(ALIPAY_PRIVATE_KEY)
        .unwrap()
        .sign(&content);
    fields.push(("sign".into(), sign));
    fields
}

#[test]
fn alipays_published_vectors_through_the_signing_string() {
    let key = VerifyingKey::from_text(
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAjuWo0SEz7Oa6h927DFEL8d4BxhbVLX9iahEQXvURXZu3jF7FyzSneE8YTEzUhe6vscRl9zWOyr7tTaSFGg0RWxp0FkyxU9O1zdqK6IdY3+BSJJvi4z+GcBFBJS3UzuYRfGklHPSRYmxJSqNzHYGi+7TRwYVshkZe/8fzpDMF8+lF32oBPfSt9KJlvcKO2J5UxOrrTCZYh13z/WtmkbL4QRcEYaRc5CgZMGBReh9AjPCtaKABM23/42DHrS440x4lMuTVFij7UX9XaJY2CwQKqFTrbzeJDpJyOZSGs5VW6HbRM5JoXHbFzM0LULDmo/6Ea0hOdi4YhMNXFKGjWT7ThQIDAQAB",
    )
    .unwrap();
    // The parameters of Alipay's SDK test, in the SDK's map (any order),
    // with an empty one the rules leave out.
    let (_, signature) = ALIPAY_SDK_VECTORS[1];
    let params = [
        ("sign", signature),
        ("method", "koubei.marketing.data.indicator.query"),
        ("sign_type", "RSA2"),
        ("extra", "中文测试"),
        ("empty", ""),
        ("app_id", "2019090366875133"),
    ];
    let content = signing_string(params, SigningRule::Request);
    assert_eq!(content, ALIPAY_SDK_VECTORS[1].0);
    assert!(key.verify(&content, signature));
    assert_eq!(
        signing_string(params, SigningRule::Notice),
        "app_id=2019090366875133&extra=中文测试&method=koubei.marketing.data.indicator.query"
    );
}

#[test]
fn the_page_pay_request_is_openssls_vector() {
    let alipay = alipay(&settings());
    let params = alipay.pay_request(&order(), PayerDevice::Computer);
    let content = signing_string(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SigningRule::Request,
    );
    assert_eq!(content, PAGE_PAY_CONTENT);
    let sign = &params.iter().find(|(k, _)| k == "sign").unwrap().1;
    assert_eq!(sign, PAGE_PAY_OPENSSL_SIGNATURE);
    // The hand-off form goes to the gateway with exactly these fields.
    let form = alipay.hand_off(&order(), PayerDevice::Computer).unwrap();
    assert_eq!(form.action, DEFAULT_GATEWAY_URL);
    assert_eq!(form.fields, params);
    assert_eq!(
        alipay.checkout_url(&order()),
        "/payments/checkout?order_no=FK202501150000420123"
    );
}

#[test]
fn a_phone_gets_wap_pay_signed_the_same_way() {
    let alipay = alipay(&settings());
    let params = alipay.pay_request(&order(), PayerDevice::Phone);
    let field = |name: &str| params.iter().find(|(k, _)| k == name).unwrap().1.clone();
    assert_eq!(field("method"), "alipay.trade.wap.pay");
    let biz: serde_json::Value = serde_json::from_str(&field("biz_content")).unwrap();
    assert_eq!(biz["product_code"], "QUICK_WAP_WAY");
    assert_eq!(biz["total_amount"], "200.00");
    assert_eq!(
        biz["quit_url"],
        "https://jgj.example.gov.cn/account/violations/42"
    );
    let content = signing_string(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SigningRule::Request,
    );
    let app_key = VerifyingKey::from_text(APP_PUBLIC_KEY).unwrap();
    assert!(app_key.verify(&content, &field("sign")));
}

#[test]
fn openssls_notice_pays_the_order_in_fen() {
    let alipay = alipay(&settings());
    let paid = alipay.read_message(NoticeChannel::ServerNotice, &openssl_signed_notice());
    assert_eq!(
        paid,
        Ok(GatewayMessage::Paid(PaymentNotice {
            order_no: "FK202501150000420123".into(),
            amount_fen: 20_000,
            bank_ref: "2025011522001400000000000001".into(),
            signature: openssl_signed_notice()
                .into_iter()
                .find(|(k, _)| k == "sign")
                .unwrap()
                .1,
        }))
    );
    // The same signed fields coming back with the browser prove nothing.
    assert_eq!(
        alipay.read_message(NoticeChannel::BrowserReturn, &openssl_signed_notice()),
        Ok(GatewayMessage::NoPayment {
            order_no: "FK202501150000420123".into()
        })
    );
}

#[test]
fn tampered_or_foreign_notices_are_refused() {
    let alipay = alipay(&settings());
    let notice = openssl_signed_notice();
    let refused = |fields: &[(String, String)]| {
        alipay
            .read_message(NoticeChannel::ServerNotice, fields)
            .unwrap_err()
    };
    let bad_signature = NoticeRefusal::NotAuthentic("bad signature".into());
    // Any signed field changed: the amount, the order, the status.
    for (name, value) in [
        ("total_amount", "0.01"),
        ("out_trade_no", "FK202501150000420124"),
        ("trade_status", "TRADE_FINISHED"),
    ] {
        assert_eq!(
            refused(&with(&notice, name, value)),
            bad_signature,
            "{name}"
        );
    }
    // A field added; the signature replaced by one of other content.
    let mut added = notice.clone();
    added.push(("refund_fee".into(), "200.00".into()));
    assert_eq!(refused(&added), bad_signature);
    assert_eq!(
        refused(&with(&notice, "sign", PAGE_PAY_OPENSSL_SIGNATURE)),
        bad_signature
    );
    // Signed by Alipay, but for another application or seller.
    let other_app = alipay_signed(&with(&notice, "app_id", "2021000000000009"));
    assert_eq!(
        refused(&other_app),
        NoticeRefusal::NotAuthentic("app_id 2021000000000009 is not this platform's".into())
    );
    let strict = self::alipay(&AlipaySettings {
        seller_id: Some("2088000000000001".into()),
        ..settings()
    });
    assert!(matches!(
        strict.read_message(NoticeChannel::ServerNotice, &notice),
        Err(NoticeRefusal::NotAuthentic(why)) if why.contains("seller_id")
    ));
    // Signed by the app itself (anyone with the app's public key cannot
    // forge, and the app's own key is not Alipay's).
    let mut self_signed: Vec<_> = notice
        .iter()
        .filter(|(k, _)| k != "sign")
        .cloned()
        .collect();
    let content = signing_string(
        self_signed.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SigningRule::Notice,
    );
    let sign = SigningKey::from_text(APP_PRIVATE_KEY)
        .unwrap()
        .sign(&content);
    self_signed.push(("sign".into(), sign));
    assert_eq!(refused(&self_signed), bad_signature);
    // RSA (SHA-1) is not accepted; a field twice is malformed.
    assert!(matches!(
        refused(&with(&notice, "sign_type", "RSA")),
        NoticeRefusal::NotAuthentic(_)
    ));
    let mut twice = notice.clone();
    twice.push(("total_amount".into(), "200.00".into()));
    assert!(matches!(refused(&twice), NoticeRefusal::Malformed(_)));
    let unsigned: Vec<_> = notice
        .iter()
        .filter(|(k, _)| k != "sign")
        .cloned()
        .collect();
    assert!(matches!(refused(&unsigned), NoticeRefusal::Malformed(_)));
}

#[test]
fn only_paid_statuses_pay_and_amounts_are_exact() {
    let alipay = alipay(&settings());
    let notice = openssl_signed_notice();
    for status in ["WAIT_BUYER_PAY", "TRADE_CLOSED"] {
        let signed = alipay_signed(&with(&notice, "trade_status", status));
        assert_eq!(
            alipay.read_message(NoticeChannel::ServerNotice, &signed),
            Ok(GatewayMessage::NoPayment {
                order_no: "FK202501150000420123".into()
            })
        );
    }
    let signed = alipay_signed(&with(&notice, "trade_status", "TRADE_FINISHED"));
    assert!(matches!(
        alipay.read_message(NoticeChannel::ServerNotice, &signed),
        Ok(GatewayMessage::Paid(_))
    ));
    for (yuan, fen) in [
        ("0.01", 1),
        ("200.00", 20000),
        ("200", 20000),
        ("200.5", 20050),
        ("19.99", 1999),
    ] {
        let signed = alipay_signed(&with(&notice, "total_amount", yuan));
        match alipay.read_message(NoticeChannel::ServerNotice, &signed) {
            Ok(GatewayMessage::Paid(paid)) => assert_eq!(paid.amount_fen, fen, "{yuan}"),
            other => panic!("{yuan}: {other:?}"),
        }
    }
    for bad in [
        "",
        "-1.00",
        "1e3",
        "1.001",
        "1.",
        ".5",
        "+1",
        "1,000.00",
        "１.00",
        "100000000.01",
    ] {
        assert_eq!(fen_from_yuan(bad), None, "{bad}");
    }
    assert_eq!(fen_from_yuan("100000000.00"), Some(MAX_FEN));
}

#[test]
fn times_are_beijing_time() {
    assert_eq!(beijing_time(NOON_MS), "2025-01-15 12:00:00");
    assert_eq!(
        beijing_time(NOON_MS + 12 * 3_600_000 - 1),
        "2025-01-15 23:59:59"
    );
    assert_eq!(
        beijing_time(NOON_MS + 12 * 3_600_000),
        "2025-01-16 00:00:00"
    );
}

#[test]
fn settings_name_each_problem() {
    let problems = |settings: AlipaySettings, https_only: bool| {
        settings
            .gateway(Arc::new(FixedClock(NOON_MS)), https_only)
            .err()
            .unwrap_or_default()
            .join("\n")
    };
    assert!(AlipaySettings::default()
        .gateway(Arc::new(FixedClock(0)), true)
        .unwrap()
        .is_none());
    let only_id = problems(
        AlipaySettings {
            app_id: Some(APP_ID.into()),
            ..AlipaySettings::default()
        },
        true,
    );
    for name in [
        "ALIPAY_APP_PRIVATE_KEY_FILE",
        "ALIPAY_PUBLIC_KEY is missing",
        "PLATFORM_PUBLIC_URL is missing",
    ] {
        assert!(only_id.contains(name), "{name}: {only_id}");
    }
    let wrong = problems(
        AlipaySettings {
            app_id: Some("my-app".into()),
            alipay_public_key: Some(APP_PUBLIC_KEY.into()),
            gateway_url: Some("http://openapi.alipay.com/gateway.do?charset=utf-8".into()),
            public_url: Some("http://jgj.example.gov.cn".into()),
            seller_id: Some("123".into()),
            ..settings()
        },
        true,
    );
    for name in [
        "ALIPAY_APP_ID is not",
        "ALIPAY_PUBLIC_KEY is the app's own public key",
        "ALIPAY_GATEWAY_URL must be https",
        "PLATFORM_PUBLIC_URL must be https",
        "ALIPAY_SELLER_ID",
    ] {
        assert!(wrong.contains(name), "{name}: {wrong}");
    }
    // Development accepts http (the local stand-in), never a query string.
    let local = AlipaySettings {
        gateway_url: Some("http://127.0.0.1:9999/gateway.do".into()),
        public_url: Some("http://127.0.0.1:3000".into()),
        ..settings()
    };
    assert!(local.gateway(Arc::new(FixedClock(0)), false).is_ok());
    assert!(problems(local, true).contains("must be https"));
    let both = problems(
        AlipaySettings {
            private_key_file: Some("/nowhere/key.pem".into()),
            ..settings()
        },
        true,
    );
    assert!(both.contains("both set"), "{both}");
    let unreadable = problems(
        AlipaySettings {
            private_key_file: Some("/nowhere/key.pem".into()),
            private_key_text: None,
            ..settings()
        },
        true,
    );
    assert!(
        unreadable.contains("cannot read /nowhere/key.pem"),
        "{unreadable}"
    );
    let garbage = problems(
        AlipaySettings {
            private_key_text: Some(Secret("not a key".into())),
            ..settings()
        },
        true,
    );
    assert!(garbage.starts_with("ALIPAY_APP_PRIVATE_KEY: "), "{garbage}");
    assert!(
        !format!("{:?}", settings()).contains("PRIVATE"),
        "the key is never printed"
    );
}
