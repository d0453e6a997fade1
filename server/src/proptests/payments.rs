//! The payment gateways' parsers: Alipay's yuan amounts, signing strings,
//! notices and keys (RSA2, DER), and the simulated bank's notices. A notice
//! pays only when it is signed, and exactly as signed.

use super::*;
use crate::payments::alipay::{fen_from_yuan, signing_string, AlipaySettings, Secret, SigningRule};
use crate::payments::rsa2::{SigningKey, VerifyingKey};
use crate::payments::SimulatedBank;
use app::domain::violation::yuan_text;
use app::ports::{
    Clock, GatewayMessage, NoticeChannel, NoticeRefusal, PaymentGateway, PaymentNotice,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::sync::Arc;

const APP_PRIVATE_KEY: &str = include_str!("../../tests/fixtures/alipay/app_private_key.pem");
const ALIPAY_PRIVATE_KEY: &str = include_str!("../../tests/fixtures/alipay/alipay_private_key.pem");
const ALIPAY_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/alipay/alipay_public_key.pem");
const APP_ID: &str = "2021000000000001";
/// Alipay's largest amount, in fen.
const MAX_FEN: i64 = 10_000_000_000;

struct FixedClock;

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        1_736_913_600_000
    }
}

fn alipay() -> crate::payments::alipay::Alipay {
    AlipaySettings {
        app_id: Some(APP_ID.into()),
        private_key_text: Some(Secret(APP_PRIVATE_KEY.into())),
        alipay_public_key: Some(ALIPAY_PUBLIC_KEY.into()),
        public_url: Some("https://jgj.example.gov.cn".into()),
        ..AlipaySettings::default()
    }
    .gateway(Arc::new(FixedClock), true)
    .expect("the test keys")
    .expect("configured")
}

/// A DER length.
fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    [vec![tag], der_len(contents.len()), contents.to_vec()].concat()
}

/// A PKCS#1 `RSAPublicKey` with this modulus and exponent 65537.
fn rsa_public_key(modulus: &[u8]) -> Vec<u8> {
    let mut n = modulus.to_vec();
    if n[0] & 0x80 != 0 {
        n.insert(0, 0);
    }
    der(0x30, &[der(0x02, &n), der(0x02, &[1, 0, 1])].concat())
}

/// A notice's fields as Alipay might post them (names never empty).
fn notice_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        "[A-Z0-9]{0,24}",
        prop::sample::select(vec![
            "TRADE_SUCCESS",
            "TRADE_FINISHED",
            "WAIT_BUYER_PAY",
            "TRADE_CLOSED",
            "",
            "TRADE_PAID",
        ]),
        prop_oneof![
            (0..=MAX_FEN + 1).prop_map(yuan_text),
            any_input("0123456789.-+", 14)
        ],
        "[0-9]{0,28}",
        prop::sample::select(vec![None, Some("RSA2"), Some("RSA")]),
        vec(("[a-z_]{1,12}", any_input("abc 中文=&", 12)), 0..4),
    )
        .prop_map(|(order_no, status, total, trade_no, sign_type, extra)| {
            let mut fields: Vec<(String, String)> = vec![
                ("app_id".into(), APP_ID.into()),
                ("out_trade_no".into(), order_no),
                ("trade_status".into(), status.into()),
                ("total_amount".into(), total),
                ("trade_no".into(), trade_no),
            ];
            if let Some(t) = sign_type {
                fields.push(("sign_type".into(), t.into()));
            }
            fields.extend(extra);
            fields
        })
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn yuan_amounts_take_any_input_and_read_back(s in any_input("0123456789.", 16), fen in 0..=MAX_FEN) {
        if let Some(f) = fen_from_yuan(&s) {
            prop_assert!((0..=MAX_FEN).contains(&f));
            prop_assert!(s.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            prop_assert_eq!(fen_from_yuan(&yuan_text(f)), Some(f));
        }
        prop_assert_eq!(fen_from_yuan(&yuan_text(fen)), Some(fen));
        prop_assert_eq!(fen_from_yuan(&format!("+{}", yuan_text(fen))), None);
    }

    #[test]
    fn signing_strings_keep_what_the_rule_keeps_sorted(
        fields in vec((any_input("abcsign_type", 10), any_input("xyz=&", 10)), 0..8),
        notice in any::<bool>(),
    ) {
        let rule = if notice { SigningRule::Notice } else { SigningRule::Request };
        let text = signing_string(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())), rule);
        let mut kept: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .filter(|(k, v)| !(k.is_empty() || v.is_empty() || *k == "sign" || (notice && *k == "sign_type")))
            .collect();
        kept.sort_unstable();
        let kept: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
        prop_assert_eq!(text, kept.join("&"));
    }

    #[test]
    fn the_simulated_bank_pays_exactly_what_it_signed(
        order_no in any_input("FK0123456789|", 24),
        amount_fen in any::<i64>(),
        bank_ref in any_input("BK0123456789|", 24),
        tamper in 0..5usize,
        junk in vec((any_input("order_nobank_refamountsignature", 12), any::<String>()), 0..6),
    ) {
        let bank = SimulatedBank::new("k");
        let notice = PaymentNotice {
            signature: bank.sign(&order_no, amount_fen, &bank_ref),
            order_no,
            amount_fen,
            bank_ref,
        };
        let mut fields = SimulatedBank::notice_fields(&notice);
        prop_assert_eq!(
            bank.read_message(NoticeChannel::ServerNotice, &fields),
            Ok(GatewayMessage::Paid(notice.clone()))
        );
        if tamper < 4 {
            fields[tamper].1.push('0');
            prop_assert!(bank.read_message(NoticeChannel::ServerNotice, &fields).is_err());
        }
        prop_assert!(bank.read_message(NoticeChannel::BrowserReturn, &junk).is_err());
    }

    #[test]
    fn rsa_public_keys_take_any_text(
        text in any_input("ABCDEFabcdef0123456789+/=-\n BEGIN PUBLIC KEY", 120),
        bytes in vec(any::<u8>(), 0..300),
        label in prop::sample::select(vec!["PUBLIC KEY", "RSA PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "X"]),
    ) {
        let _ = VerifyingKey::from_text(&text);
        let b64 = STANDARD.encode(&bytes);
        let _ = VerifyingKey::from_text(&b64);
        let pem = format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n");
        let _ = VerifyingKey::from_text(&pem);
        let _ = VerifyingKey::from_text(&pem.replace('\n', "\\n"));
        let _ = SigningKey::from_text(&text);
        let _ = SigningKey::from_text(&pem);
        for prefix in [vec![0x30, 0x82], vec![0x30, 0x81], vec![0x30, 0x83, 0xff, 0xff, 0xff], vec![0x30, 0x84]] {
            let _ = VerifyingKey::from_text(&STANDARD.encode([prefix, bytes.clone()].concat()));
        }
    }
}

proptest! {
    #![proptest_config(config_with(64))]

    #[test]
    fn rsa_public_keys_are_read_by_their_modulus_size(
        len in prop_oneof![240usize..=260, 1020usize..=1030, 260usize..1020],
        modulus in vec(any::<u8>(), 1030),
        top in 1u8..=255,
    ) {
        let mut modulus = modulus[..len].to_vec();
        modulus[0] = top;
        let bits = len * 8 - top.leading_zeros() as usize;
        let pkcs1 = rsa_public_key(&modulus);
        let read = VerifyingKey::from_text(&STANDARD.encode(&pkcs1));
        prop_assert_eq!(read.is_ok(), (2048..=8192).contains(&bits), "{} bits: {:?}", bits, read);
        if let Ok(key) = read {
            let spki = key.to_base64_spki();
            prop_assert_eq!(VerifyingKey::from_text(&spki), Ok(key.clone()));
            let pem = format!("-----BEGIN PUBLIC KEY-----\n{spki}\n-----END PUBLIC KEY-----");
            prop_assert_eq!(VerifyingKey::from_text(&pem), Ok(key.clone()));
            let pkcs1_pem = format!("-----BEGIN RSA PUBLIC KEY-----\\n{}\\n-----END RSA PUBLIC KEY-----", STANDARD.encode(&pkcs1));
            prop_assert_eq!(VerifyingKey::from_text(&pkcs1_pem), Ok(key.clone()));
            prop_assert!(!key.verify("content", &STANDARD.encode(&modulus)));
        }
    }

    #[test]
    fn alipay_notices_pay_only_when_signed_and_exactly_as_signed(
        fields in notice_fields(),
        forged in any_input("ABCabc+/=", 40),
        tamper in any::<prop::sample::Index>(),
        channel in prop::sample::select(vec![NoticeChannel::ServerNotice, NoticeChannel::BrowserReturn]),
    ) {
        let gateway = alipay();
        let alipay_key = SigningKey::from_text(ALIPAY_PRIVATE_KEY).expect("the test key");
        let content = signing_string(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())), SigningRule::Notice);
        let mut signed = fields.clone();
        signed.push(("sign".into(), alipay_key.sign(&content)));
        let unique = {
            let mut names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            names.windows(2).all(|w| w[0] != w[1])
        };
        let status = field(&fields, "trade_status");
        let total = field(&fields, "total_amount");
        match gateway.read_message(channel, &signed) {
            Ok(GatewayMessage::Paid(notice)) => {
                prop_assert_eq!(channel, NoticeChannel::ServerNotice);
                prop_assert!(matches!(status, "TRADE_SUCCESS" | "TRADE_FINISHED"));
                prop_assert_eq!(Some(notice.amount_fen), fen_from_yuan(total));
                prop_assert_eq!(notice.order_no.as_str(), field(&fields, "out_trade_no"));
                prop_assert_eq!(notice.bank_ref.as_str(), field(&fields, "trade_no"));
            }
            Ok(GatewayMessage::NoPayment { order_no }) => {
                prop_assert!(channel == NoticeChannel::BrowserReturn || matches!(status, "WAIT_BUYER_PAY" | "TRADE_CLOSED"));
                prop_assert_eq!(order_no.as_str(), field(&fields, "out_trade_no"));
            }
            Err(refusal) => {
                let would_pay = unique
                    && channel == NoticeChannel::ServerNotice
                    && field(&fields, "sign_type") != "RSA"
                    && matches!(status, "TRADE_SUCCESS" | "TRADE_FINISHED")
                    && fen_from_yuan(total).is_some()
                    && !field(&fields, "out_trade_no").is_empty()
                    && !field(&fields, "trade_no").is_empty();
                prop_assert!(!would_pay, "a signed payment was refused: {}", refusal);
            }
        }
        // Any other value of a signed field, or another signature, is refused.
        let i = tamper.index(fields.len());
        let mut altered = signed.clone();
        if altered[i].0 != "sign_type" {
            altered[i].1.push('0');
            prop_assert!(gateway.read_message(channel, &altered).is_err());
        }
        let mut forged_fields = fields.clone();
        forged_fields.push(("sign".into(), forged));
        prop_assert!(matches!(
            gateway.read_message(channel, &forged_fields),
            Err(NoticeRefusal::NotAuthentic(_) | NoticeRefusal::Malformed(_))
        ));
    }
}
