//! Signed credentials (电子凭证): what a platform signs so that anyone can
//! check it — the electronic driving licence's QR code (电子驾驶证) today.
//!
//! A credential is a JWS in compact form (RFC 7515) signed with Ed25519
//! (`alg` `EdDSA`, RFC 8037) or SM2 with SM3 (`alg` `SM2SM3`):
//! `header.claims.signature`, each part
//! base64url without padding. The header names the signing key (`kid`);
//! the claims name the issuing platform by its province (`iss`, such as
//! `冀`), the credential (`jti`), when it was issued and until when it holds
//! (`iat`, `exp`, seconds since 1970), and what it says (`kind` and the
//! facts). Anyone with the issuer's public key checks the signature and the
//! dates offline; the issuer's verification page also knows revocation,
//! and a trusted peer's asks the issuer (`roaming::credential_status`).
//! `docs/credentials.md` writes the format down for other implementers.
//!
//! This module parses and checks; the keys (signing, and the trust list of
//! peers' public keys) are the server's.

use super::date::Date;
use super::licence::{LicenceClass, LicenceStatus};
use serde::{Deserialize, Serialize};

/// The signature algorithms (Ed25519, SM2 with SM3).
pub use super::jws::Alg;
/// The header's `typ`: a platform credential.
pub const TYP: &str = "JG-CRED";
/// Longer than any credential this format makes: refused unread.
pub const MAX_CHARS: usize = 2_000;
/// Clocks of issuer and verifier may differ by this much.
pub const CLOCK_SKEW_SECS: i64 = 60;
/// How long an electronic licence's QR code holds: a screenshot stops
/// proving anything the next day.
pub const LICENCE_HOURS: i64 = 24;
/// The licence page shows a new code once the one it has holds for less
/// than this.
pub const LICENCE_REISSUE_BELOW_HOURS: i64 = 12;
/// The path of the verification page (电子凭证核验); a QR code carries
/// `{origin}{VERIFY_PATH}?c={credential}`.
pub const VERIFY_PATH: &str = "/verify";

/// The protected header (`jws::Header`): exactly `alg`, `kid` and `typ`.
pub use super::jws::Header;

/// What a credential says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The issuing platform's province (签发平台), such as `冀`.
    pub iss: String,
    /// The credential's own id (凭证编号).
    pub jti: String,
    /// Issued at, seconds since 1970 (UTC).
    pub iat: i64,
    /// Holds until, seconds since 1970 (UTC).
    pub exp: i64,
    #[serde(flatten)]
    pub facts: Facts,
}

/// The facts a credential vouches for, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Facts {
    /// 电子驾驶证
    DrivingLicence(LicenceFacts),
    /// 临时行驶车号牌, as printed.
    TemporaryPlate(PlateFacts),
    /// 罚款缴纳凭证, as printed.
    FineReceipt(ReceiptFacts),
}

impl Facts {
    /// The kind as stored and audited.
    pub fn kind(&self) -> CredentialKind {
        match self {
            Facts::DrivingLicence(_) => CredentialKind::DrivingLicence,
            Facts::TemporaryPlate(_) => CredentialKind::TemporaryPlate,
            Facts::FineReceipt(_) => CredentialKind::FineReceipt,
        }
    }
}

/// The kinds of credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialKind {
    DrivingLicence,
    TemporaryPlate,
    FineReceipt,
}

super::coded_enum!(CredentialKind {
    DrivingLicence => ("driving_licence", "电子驾驶证", "electronic driving licence"),
    TemporaryPlate => ("temporary_plate", "临时行驶车号牌", "temporary plate"),
    FineReceipt => ("fine_receipt", "罚款缴纳凭证", "fine payment receipt"),
});

/// How long a receipt's credential holds: five years from its signing, as
/// long as anyone (an employer refunding a fine, a review) asks for it.
pub const RECEIPT_HOLDS_DAYS: i64 = 5 * 365 + 1;

/// A fine payment receipt's facts, as printed on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptFacts {
    /// 凭证编号
    pub receipt_no: String,
    /// 处罚决定书编号
    pub decision_no: String,
    /// 号牌号码
    pub plate: String,
    /// 缴款人
    pub payer: String,
    /// 实缴金额, in fen.
    pub amount_fen: i64,
    /// 缴款时间, seconds since 1970 (UTC).
    pub paid_at: i64,
    /// 收款单位
    pub payee: String,
}

/// A temporary plate's facts, as printed on it: the number, the vehicle,
/// the dates (`YYYY-MM-DD`, the last day included) and the issuing dealer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlateFacts {
    /// 号牌号码, as stored (冀A000123).
    pub number: String,
    /// 车辆识别代号
    pub vin: String,
    /// 品牌型号
    pub model: String,
    /// 车辆类型 code.
    pub vehicle_type: String,
    pub valid_from: String,
    pub valid_until: String,
    /// 核发单位
    pub dealer: String,
}

/// When a credential of something valid through `last_day` (China
/// Standard Time) stops holding: the next midnight, seconds since 1970.
pub fn end_of_day_secs(last_day: Date) -> i64 {
    last_day.add_days(1).days_since_epoch() * 86_400 - 8 * 3_600
}

/// An electronic driving licence's facts, as on the card. Codes, not
/// words: the class (准驾车型) and status (驾驶证状态, GA code) as the
/// registry keeps them, dates as `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFacts {
    /// 姓名
    pub name: String,
    /// 驾驶证号, masked: `130102********123X`.
    pub number: String,
    /// 准驾车型
    pub class: String,
    /// 驾驶证状态 when issued.
    pub status: String,
    pub valid_from: String,
    pub valid_until: String,
    pub first_issued: String,
    /// 发证机关
    pub authority: String,
}

impl LicenceFacts {
    pub fn class(&self) -> Option<LicenceClass> {
        LicenceClass::from_code(&self.class)
    }
    pub fn status(&self) -> Option<LicenceStatus> {
        LicenceStatus::from_code(&self.status)
    }
    /// The licence itself has lapsed (its own dates, not the credential's).
    pub fn lapsed(&self, today: Date) -> bool {
        Date::parse_iso(&self.valid_until).is_none_or(|until| until < today)
    }
}

/// Why a credential is not accepted (核验不通过), each said plainly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Not a credential of this format at all (or cut short when copied).
    Malformed,
    /// Signed with an algorithm this platform does not accept.
    Algorithm,
    /// Issued by a platform not on the trust list.
    UnknownIssuer,
    /// The issuer has no key by that id (never had, or not trusted here).
    UnknownKey,
    /// The signature does not match: changed after signing, or forged.
    BadSignature,
    /// Issued in the future (the clocks disagree too much).
    NotYetValid,
    /// Past its `exp`.
    Expired { at_secs: i64 },
    /// Correctly signed, but not in the issuer's records (this platform's,
    /// or as a trusted peer answered).
    NotOnRecord,
    /// Revoked by its holder or the issuer (as its records say).
    Revoked { at_ms: i64 },
}

impl Refusal {
    pub fn zh(&self) -> String {
        match self {
            Refusal::Malformed => {
                "这不是有效的电子凭证，或复制时不完整。请重新扫描二维码或完整粘贴。".into()
            }
            Refusal::Algorithm => "凭证使用了本平台不接受的签名算法。".into(),
            Refusal::UnknownIssuer => "凭证的签发平台不在本平台的信任列表中，无法核验。".into(),
            Refusal::UnknownKey => "签发平台没有凭证所称的签名密钥，凭证可能是伪造的。".into(),
            Refusal::BadSignature => "签名不符：凭证内容在签发后被改动过，或是伪造的。".into(),
            Refusal::NotYetValid => "凭证的签发时间晚于现在，请核对设备时间。".into(),
            Refusal::Expired { at_secs } => format!(
                "凭证已于{}过期。请持证人刷新电子驾驶证后重新出示。",
                super::date::cst_date_time(at_secs * 1000)
            ),
            Refusal::NotOnRecord => "签名正确，但签发平台没有签发过这份凭证的记录。".into(),
            Refusal::Revoked { at_ms } => format!(
                "凭证已于{}作废。请持证人重新出示。",
                super::date::cst_date_time(*at_ms)
            ),
        }
    }

    pub fn en(&self) -> String {
        match self {
            Refusal::Malformed => "This is not a valid credential, or it was cut short when copied. Scan the QR code again or paste it whole.".into(),
            Refusal::Algorithm => "The credential is signed with an algorithm this platform does not accept.".into(),
            Refusal::UnknownIssuer => "The issuing platform is not on this platform's trust list, so the credential cannot be checked.".into(),
            Refusal::UnknownKey => "The issuing platform has no signing key by that id: the credential may be forged.".into(),
            Refusal::BadSignature => "The signature does not match: the credential was changed after it was signed, or forged.".into(),
            Refusal::NotYetValid => "The credential says it was issued in the future: check the device's clock.".into(),
            Refusal::Expired { at_secs } => format!(
                "The credential expired at {}. Ask the holder to refresh the electronic licence and show it again.",
                super::date::cst_date_time(at_secs * 1000)
            ),
            Refusal::NotOnRecord => "The signature is right, but the issuing platform has no record of issuing this credential.".into(),
            Refusal::Revoked { at_ms } => format!(
                "The credential was revoked at {}. Ask the holder to show a new one.",
                super::date::cst_date_time(*at_ms)
            ),
        }
    }

    /// A short code for logs and the tests.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::Algorithm => "algorithm",
            Refusal::UnknownIssuer => "unknown_issuer",
            Refusal::UnknownKey => "unknown_key",
            Refusal::BadSignature => "bad_signature",
            Refusal::NotYetValid => "not_yet_valid",
            Refusal::Expired { .. } => "expired",
            Refusal::NotOnRecord => "not_on_record",
            Refusal::Revoked { .. } => "revoked",
        }
    }
}

/// A credential as presented, parsed but not yet checked.
pub type Presented = super::jws::Parsed<Claims>;

/// The text to sign for these claims under key `kid` of algorithm `alg`.
pub fn signing_input(alg: Alg, kid: &str, claims: &Claims) -> String {
    super::jws::signing_input(alg, TYP, kid, claims)
}

/// The credential: the signed text and its signature.
pub use super::jws::assemble;

/// The credential inside what was pasted or scanned: the credential itself,
/// or a verification address carrying it (`…/verify?c=…`), with stray
/// whitespace and line breaks from copying taken out.
pub fn extract(pasted: &str) -> String {
    let text: String = pasted.chars().filter(|c| !c.is_whitespace()).collect();
    match text.split_once("?c=").or_else(|| text.split_once("&c=")) {
        Some((_, rest)) => rest.split('&').next().unwrap_or_default().to_string(),
        None => text,
    }
}

/// Parses a credential (no signature check yet).
pub fn parse(token: &str) -> Result<Presented, Refusal> {
    super::jws::parse(token, TYP, MAX_CHARS).map_err(|e| match e {
        super::jws::FormError::Malformed => Refusal::Malformed,
        super::jws::FormError::Algorithm => Refusal::Algorithm,
    })
}

/// The dates, with [`CLOCK_SKEW_SECS`] allowed either way.
pub fn check_dates(claims: &Claims, now_secs: i64) -> Result<(), Refusal> {
    if claims.iat > now_secs + CLOCK_SKEW_SECS {
        return Err(Refusal::NotYetValid);
    }
    if claims.exp + CLOCK_SKEW_SECS <= now_secs || claims.exp < claims.iat {
        return Err(Refusal::Expired {
            at_secs: claims.exp,
        });
    }
    Ok(())
}

/// A fresh credential id: 128 random bits, hex.
pub fn credential_id(random: [u8; 16]) -> String {
    random.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn claims() -> Claims {
        Claims {
            iss: "冀".into(),
            jti: credential_id([7; 16]),
            iat: 1_800_000_000,
            exp: 1_800_000_000 + LICENCE_HOURS * 3600,
            facts: Facts::DrivingLicence(LicenceFacts {
                name: "张三".into(),
                number: "130102********123X".into(),
                class: "C1".into(),
                status: "A".into(),
                valid_from: "2020-01-01".into(),
                valid_until: "2026-01-01".into(),
                first_issued: "2014-01-01".into(),
                authority: "石家庄市公安局交通警察支队".into(),
            }),
        }
    }

    #[test]
    fn a_credential_parses_back_to_what_was_signed() {
        let input = signing_input(Alg::EdDsa, "he-1", &claims());
        let token = assemble(&input, &[9; 64]);
        let presented = parse(&token).unwrap();
        assert_eq!(presented.claims, claims());
        assert_eq!(presented.header.kid, "he-1");
        assert_eq!(presented.signing_input, input);
        assert_eq!(presented.signature, vec![9; 64]);
        // The claims are plain JSON with the kind beside the facts.
        let json = serde_json::to_value(claims()).unwrap();
        assert_eq!(json["kind"], "driving_licence");
        assert_eq!(json["class"], "C1");
        assert_eq!(json["iss"], "冀");
    }

    #[test]
    fn a_receipt_credential_fits_a_qr_code_and_parses_back() {
        let receipt = Claims {
            exp: 1_800_000_000 + RECEIPT_HOLDS_DAYS * 86_400,
            facts: Facts::FineReceipt(ReceiptFacts {
                receipt_no: "JK20261130000123".into(),
                decision_no: "1301021234567890".into(),
                plate: "冀A12345".into(),
                payer: "张三".into(),
                amount_fen: 20_000,
                paid_at: 1_800_000_000,
                payee: "河北省公安厅交通管理局（罚没款专户）".into(),
            }),
            ..claims()
        };
        let token = assemble(&signing_input(Alg::EdDsa, "he-1", &receipt), &[9; 64]);
        assert!(token.len() < MAX_CHARS / 2, "{}", token.len());
        let presented = parse(&token).unwrap();
        assert_eq!(presented.claims, receipt);
        assert_eq!(presented.claims.facts.kind(), CredentialKind::FineReceipt);
        assert_eq!(CredentialKind::FineReceipt.code(), "fine_receipt");
        let json = serde_json::to_value(&receipt).unwrap();
        assert_eq!(json["kind"], "fine_receipt");
        assert_eq!(json["amount_fen"], 20_000);
    }

    #[test]
    fn what_is_not_a_credential_is_malformed() {
        let good = assemble(&signing_input(Alg::EdDsa, "he-1", &claims()), &[9; 64]);
        let (head, _) = good.rsplit_once('.').unwrap();
        for bad in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            &format!("{head}.AAAA"),
            &format!("{head}.{}!", "A".repeat(85)),
            &"x".repeat(MAX_CHARS + 1),
        ] {
            assert_eq!(parse(bad), Err(Refusal::Malformed), "{bad}");
        }
        // Another algorithm is named as such.
        let none = format!(
            "{}.{}",
            b64(br#"{"alg":"none","kid":"he-1","typ":"JG-CRED"}"#),
            good.split_once('.').unwrap().1
        );
        assert_eq!(parse(&none), Err(Refusal::Algorithm));
        // A header with a member it does not know (`crit`) is refused.
        let crit = format!(
            "{}.{}",
            b64(br#"{"alg":"EdDSA","kid":"he-1","typ":"JG-CRED","crit":["exp"]}"#),
            good.split_once('.').unwrap().1
        );
        assert_eq!(parse(&crit), Err(Refusal::Malformed));
    }

    #[test]
    fn dates_allow_a_minute_of_skew_and_no_more() {
        let c = claims();
        assert!(check_dates(&c, c.iat - CLOCK_SKEW_SECS).is_ok());
        assert_eq!(
            check_dates(&c, c.iat - CLOCK_SKEW_SECS - 1),
            Err(Refusal::NotYetValid)
        );
        assert!(check_dates(&c, c.exp).is_ok());
        assert!(check_dates(&c, c.exp + CLOCK_SKEW_SECS - 1).is_ok());
        assert_eq!(
            check_dates(&c, c.exp + CLOCK_SKEW_SECS),
            Err(Refusal::Expired { at_secs: c.exp })
        );
    }

    #[test]
    fn a_pasted_address_gives_up_its_credential() {
        assert_eq!(extract(" a.b\n.c "), "a.b.c");
        assert_eq!(extract("https://x.gov.cn/verify?c=a.b.c"), "a.b.c");
        assert_eq!(extract("http://x/verify?lang=en&c=a.b.c&z=1"), "a.b.c");
    }

    #[test]
    fn every_refusal_says_why_in_both_languages() {
        for r in [
            Refusal::Malformed,
            Refusal::Algorithm,
            Refusal::UnknownIssuer,
            Refusal::UnknownKey,
            Refusal::BadSignature,
            Refusal::NotYetValid,
            Refusal::Expired { at_secs: 0 },
            Refusal::NotOnRecord,
            Refusal::Revoked { at_ms: 0 },
        ] {
            assert!(!r.zh().is_empty() && r.en().is_ascii() && !r.code().is_empty());
        }
    }

    #[test]
    fn a_plate_credential_holds_to_the_end_of_its_last_day_in_beijing() {
        let last = Date::parse_iso("2026-12-01").unwrap();
        // 2026-12-02 00:00 +08:00 is 2026-12-01 16:00 UTC.
        assert_eq!(end_of_day_secs(last), 1_796_140_800);
    }

    #[test]
    fn a_licence_lapses_after_its_last_day() {
        let Facts::DrivingLicence(f) = claims().facts else {
            unreachable!()
        };
        let until = Date::parse_iso("2026-01-01").unwrap();
        assert!(!f.lapsed(until));
        assert!(f.lapsed(until.add_days(1)));
        assert_eq!(f.class(), Some(LicenceClass::C1));
        assert_eq!(f.status(), Some(LicenceStatus::Valid));
    }
}
