//! Fixed vectors for RSA2, from outside this code: Alipay's own published
//! test signatures, and signatures OpenSSL made with the test keys in
//! `server/tests/fixtures/alipay/` (see its README).

use super::*;

pub const APP_PRIVATE_KEY: &str = include_str!("../../tests/fixtures/alipay/app_private_key.pem");
const APP_PRIVATE_KEY_PKCS1: &str =
    include_str!("../../tests/fixtures/alipay/app_private_key_pkcs1.pem");
const APP_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/alipay/app_public_key.pem");

/// The public key of Alipay's test application 2019091767145019, taken by
/// `openssl x509 -pubkey` from the certificate in Alipay's official Java
/// SDK (alipay/alipay-sdk-java-all,
/// `src/test/resources/fixture/appCertPublicKey_2019091767145019.crt`).
const ALIPAY_SDK_TEST_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAjuWo0SEz7Oa6h927DFEL8d4BxhbVLX9iahEQXvURXZu3jF7FyzSneE8YTEzUhe6vscRl9zWOyr7tTaSFGg0RWxp0FkyxU9O1zdqK6IdY3+BSJJvi4z+GcBFBJS3UzuYRfGklHPSRYmxJSqNzHYGi+7TRwYVshkZe/8fzpDMF8+lF32oBPfSt9KJlvcKO2J5UxOrrTCZYh13z/WtmkbL4QRcEYaRc5CgZMGBReh9AjPCtaKABM23/42DHrS440x4lMuTVFij7UX9XaJY2CwQKqFTrbzeJDpJyOZSGs5VW6HbRM5JoXHbFzM0LULDmo/6Ea0hOdi4YhMNXFKGjWT7ThQIDAQAB";

/// The RSA2 signatures of Alipay's SDK test `RSACheckTest`
/// (`should_pass_rsa_check_when_sign_type_is_rsa2` and
/// `…_when_charset_is_utf8`), over the parameters' signing strings.
pub const ALIPAY_SDK_VECTORS: [(&str, &str); 2] = [
    (
        "app_id=2019090366875133&method=koubei.marketing.data.indicator.query&sign_type=RSA2",
        "JzoDc8VxY1/w6yN9WdWV10aipS3YcRpK+jw4xfLybf90ZK9L3AHLUJbNLWVnHW3IuLoJbBeSGVxSbPBhe4ggPklcYUkPowgtlZ6YlthuQDtjF23h2obXuXkQRd+RPbDWvOA5AYQjsKH8uSHil5aRARewPIPhukl9Mn4HEovUccsBR/RirQFSGmGYiMM0zvhVSR7pXZDEhiADzvzAkvVVTI1/HbNqcoBU4ctSPAGsuDPO/mah1+IwGQAuPP6xoEPL+3zQ0wztQCwHT2o8aQmxFJ9a09q8ybRprHaNjCgTaLDeTWE0o1pllZIE8c7wnG3cOuj6quYjTcQyLm6P4M87Zw==",
    ),
    (
        "app_id=2019090366875133&extra=中文测试&method=koubei.marketing.data.indicator.query&sign_type=RSA2",
        "KrRGUY3/2JX3KtlLgus8CbK0xuUIBDCpOdJkVzJDefez6HvlA8RA6uCVj2rrMd7DgVfarG5SROdSnkZbf8MLKHbVoFqi9w0QCvto9mc8n3ezfWejZECJVCZhbJ3OslB+4gij9+F70usrnCNEJZm02ntyNdVzcqMbgdRMB93BJIRC1jjmCotpXgXWrRdTb/SfhIAkoHqgGi2aCUHuLDInLGZCn8NeziGWMnFOic6/sE/nMpwriOmwLb2nyzD0fGiolwuuxlOGMcBHAb22J8XqchFHyCpbs2A/rWdJMjhUfqsErbtZQM93fi1xfL2pUa9RMWX0Q81Qk7iSEeHCR+NGyQ==",
    ),
];

/// A page-pay request's signing string and the signature OpenSSL made of it
/// with `app_private_key.pem` (`openssl dgst -sha256 -sign`).
pub const PAGE_PAY_CONTENT: &str = r#"app_id=2021000000000001&biz_content={"out_trade_no":"FK202501150000420123","total_amount":"200.00","subject":"交通违法罚款","product_code":"FAST_INSTANT_TRADE_PAY","time_expire":"2025-01-15 12:30:00"}&charset=utf-8&format=JSON&method=alipay.trade.page.pay&notify_url=https://jgj.example.gov.cn/payments/notify&return_url=https://jgj.example.gov.cn/payments/return&sign_type=RSA2&timestamp=2025-01-15 12:00:00&version=1.0"#;
pub const PAGE_PAY_OPENSSL_SIGNATURE: &str = "RsKdRFMh3e8DeN0E4ao6mO19SOWPaU29qXWUf/USBx35O1VYwhOFc8gIAfKp6BUuYaIqxXFfbGAUqkr4uYPLQnYvT8sFjCqkkDinSi43SpUMsJbwuG1ZCwHVl4T6hMY4OY/0YV8wfz3ctXqdJ206i7Mjh9Pke3GIYD1VmTNugigymCmzYUujAKzK5hYbyKX+I/6bfK5ZzAFPkTmuW7z36CSaA6uIgRwgeMCBacn8/YkWrtp8Kanjf59sEPJ9F2zi1iep9TOkKQA307/yuU1t3NRO9/1VUTgARrM3BQubadLLyX2co1Ly30CxmE+drU3vWvGKJPjaBl3WA7d1H7FRMg==";

#[test]
fn alipays_published_signatures_verify_and_altered_content_does_not() {
    let key = VerifyingKey::from_text(ALIPAY_SDK_TEST_PUBLIC_KEY).unwrap();
    for (content, signature) in ALIPAY_SDK_VECTORS {
        assert!(key.verify(content, signature), "{content}");
        assert!(!key.verify(&content.replace("RSA2", "RSA"), signature));
    }
    // Each signature belongs to its own content only.
    assert!(!key.verify(ALIPAY_SDK_VECTORS[0].0, ALIPAY_SDK_VECTORS[1].1));
    assert_eq!(key.to_base64_spki(), ALIPAY_SDK_TEST_PUBLIC_KEY);
}

#[test]
fn signing_gives_openssls_signature_byte_for_byte() {
    // RSA PKCS#1 v1.5 is deterministic: the same key and content give the
    // same signature, whoever computes it.
    for text in [APP_PRIVATE_KEY, APP_PRIVATE_KEY_PKCS1] {
        let key = SigningKey::from_text(text).unwrap();
        assert_eq!(key.sign(PAGE_PAY_CONTENT), PAGE_PAY_OPENSSL_SIGNATURE);
    }
    // The bare base64 form (Alipay's key tool) and a one-line variable with
    // `\n` written out read the same key.
    let bare: String = APP_PRIVATE_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let one_line = APP_PRIVATE_KEY.trim().replace('\n', "\\n");
    for text in [bare, one_line] {
        let key = SigningKey::from_text(&text).unwrap();
        assert_eq!(key.sign(PAGE_PAY_CONTENT), PAGE_PAY_OPENSSL_SIGNATURE);
    }
}

#[test]
fn the_public_key_verifies_what_the_private_key_signs() {
    let signing = SigningKey::from_text(APP_PRIVATE_KEY).unwrap();
    let public = VerifyingKey::from_text(APP_PUBLIC_KEY).unwrap();
    assert_eq!(signing.verifying_key(), public);
    assert!(public.verify(PAGE_PAY_CONTENT, PAGE_PAY_OPENSSL_SIGNATURE));
    let signature = signing.sign("total_amount=0.01");
    assert!(public.verify("total_amount=0.01", &signature));
    assert!(!public.verify("total_amount=0.02", &signature));
    assert!(!public.verify("total_amount=0.01", "not base64!"));
    assert!(!public.verify("total_amount=0.01", ""));
    // A bit flipped in the signature.
    let mut raw = STANDARD.decode(&signature).unwrap();
    raw[10] ^= 1;
    assert!(!public.verify("total_amount=0.01", &STANDARD.encode(raw)));
    // Alipay's SDK key does not verify this key's signatures.
    let other = VerifyingKey::from_text(ALIPAY_SDK_TEST_PUBLIC_KEY).unwrap();
    assert!(!other.verify(PAGE_PAY_CONTENT, PAGE_PAY_OPENSSL_SIGNATURE));
}

#[test]
fn unusable_keys_are_refused_with_the_reason() {
    // A 1024-bit key (made by openssl for this test): too small for RSA2.
    let small = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC8IBSYYZHFF1CyjtVuzzlFLSS1JSVVtnYpZSEoL1Apk6AmUxZjR1M6HCjtuzTmGNT8RgRfwbhRhNASfCiqwI3MFFBZeZ177newZHGo6fYfSkcce0J1oV79QDOTtnwnatOs07qXw7I+xSac9b9GP2ZVLZ8NsAONgb5ryRFSbhvayQIDAQAB";
    let err = VerifyingKey::from_text(small).unwrap_err().to_string();
    assert!(err.contains("1024-bit"), "{err}");
    for bad in [
        "",
        "not a key",
        "QUJD",
        "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----",
    ] {
        assert!(VerifyingKey::from_text(bad).is_err(), "{bad}");
        assert!(SigningKey::from_text(bad).is_err(), "{bad}");
    }
    // A public key is not a private key, and the other way round.
    assert!(SigningKey::from_text(APP_PUBLIC_KEY).is_err());
    assert!(VerifyingKey::from_text(APP_PRIVATE_KEY).is_err());
    // Debug never shows the private key.
    let shown = format!("{:?}", SigningKey::from_text(APP_PRIVATE_KEY).unwrap());
    assert_eq!(shown, "SigningKey(RSA 2048 bits, hidden)");
}
