//! Signed messages between platforms and to anyone (签名报文): a JWS in
//! compact form (RFC 7515), `header.claims.signature`, each part base64url
//! without padding, signed with Ed25519 (`alg` `EdDSA`, RFC 8037) or with
//! SM2 and SM3, the national standard (`alg` `SM2SM3`, [`Alg`]). The
//! header names the signing key (`kid`) and what the message is (`typ`);
//! it has exactly these members (an unknown one, `crit` included, is
//! refused, as RFC 7515 asks of `crit`).
//!
//! The credentials anyone can verify (`credential`, typ `JG-CRED`) and the
//! roaming messages between platforms (`roaming`, typ `JG-ROAM…`) share
//! this form; each names its own `typ`, so a message of one kind is never
//! taken for another. This module builds and parses; the keys are the
//! server's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A signature algorithm (签名算法). Either signature is 64 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alg {
    /// Ed25519 (RFC 8032), `EdDSA` as RFC 8037 names it.
    EdDsa,
    /// SM2 signatures (GB/T 32918.2) over SM3 (GB/T 32905), with the
    /// default distinguishing identifier `1234567812345678` (GB/T 35276);
    /// the signature is `r‖s`, 32 bytes each, big-endian.
    Sm2Sm3,
}

impl Alg {
    pub const ALL: [Alg; 2] = [Alg::EdDsa, Alg::Sm2Sm3];

    /// Its name in a header's `alg` and a key's JWK.
    pub fn name(self) -> &'static str {
        match self {
            Alg::EdDsa => "EdDSA",
            Alg::Sm2Sm3 => "SM2SM3",
        }
    }

    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|alg| alg.name() == name)
    }

    /// The algorithm of keys on this curve (a JWK's `crv`).
    pub fn from_curve(crv: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|alg| alg.curve() == crv)
    }

    /// The curve of its keys, as a JWK's `crv` names it.
    pub fn curve(self) -> &'static str {
        match self {
            Alg::EdDsa => "Ed25519",
            Alg::Sm2Sm3 => "SM2",
        }
    }
}

/// The length of a signature, either algorithm.
pub const SIGNATURE_BYTES: usize = 64;

/// The protected header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub alg: String,
    pub kid: String,
    pub typ: String,
}

/// Why a text is not a message of the expected kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    /// Not three base64url parts of JSON of the expected shape and `typ`.
    Malformed,
    /// Signed with an algorithm other than Ed25519 and SM2.
    Algorithm,
}

/// A message as received, parsed but not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<T> {
    pub header: Header,
    pub claims: T,
    /// `header.claims` as received: what the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The text to sign for these claims, of kind `typ`, under key `kid` of
/// algorithm `alg`.
pub fn signing_input<T: Serialize>(alg: Alg, typ: &str, kid: &str, claims: &T) -> String {
    let header = Header {
        alg: alg.name().into(),
        kid: kid.into(),
        typ: typ.into(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let claims = serde_json::to_vec(claims).unwrap_or_default();
    format!("{}.{}", b64(&header), b64(&claims))
}

/// The message: the signed text and its signature.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64(signature))
}

/// Parses a message of kind `typ` no longer than `max_chars` (no
/// signature check yet).
pub fn parse<T: DeserializeOwned>(
    token: &str,
    typ: &str,
    max_chars: usize,
) -> Result<Parsed<T>, FormError> {
    if token.len() > max_chars {
        return Err(FormError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(FormError::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| FormError::Malformed)
    };
    let header: Header = serde_json::from_slice(&decode(h)?).map_err(|_| FormError::Malformed)?;
    let claims: T = serde_json::from_slice(&decode(c)?).map_err(|_| FormError::Malformed)?;
    let signature = decode(s)?;
    if Alg::from_name(&header.alg).is_none() {
        return Err(FormError::Algorithm);
    }
    if header.typ != typ || header.kid.is_empty() || signature.len() != SIGNATURE_BYTES {
        return Err(FormError::Malformed);
    }
    Ok(Parsed {
        header,
        claims,
        signing_input: format!("{h}.{c}"),
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        n: i64,
    }

    #[test]
    fn a_message_parses_back_only_as_its_own_kind() {
        let input = signing_input(Alg::EdDsa, "T-ONE", "k1", &Note { n: 7 });
        let token = assemble(&input, &[9u8; 64]);
        let parsed: Parsed<Note> = parse(&token, "T-ONE", 1000).unwrap();
        assert_eq!(parsed.claims, Note { n: 7 });
        assert_eq!(parsed.header.kid, "k1");
        assert_eq!(Alg::from_name(&parsed.header.alg), Some(Alg::EdDsa));
        assert_eq!(parsed.signing_input, input);
        assert_eq!(parsed.signature, vec![9u8; 64]);
        // Another kind, too long, cut short, a short signature: refused.
        assert_eq!(
            parse::<Note>(&token, "T-TWO", 1000).unwrap_err(),
            FormError::Malformed
        );
        assert_eq!(
            parse::<Note>(&token, "T-ONE", token.len() - 1).unwrap_err(),
            FormError::Malformed
        );
        assert_eq!(
            parse::<Note>(&input, "T-ONE", 1000).unwrap_err(),
            FormError::Malformed
        );
        let short = assemble(&input, &[9u8; 63]);
        assert_eq!(
            parse::<Note>(&short, "T-ONE", 1000).unwrap_err(),
            FormError::Malformed
        );
    }

    #[test]
    fn an_sm2_message_names_its_algorithm() {
        let input = signing_input(Alg::Sm2Sm3, "T-ONE", "k2", &Note { n: 1 });
        let parsed: Parsed<Note> = parse(&assemble(&input, &[1; 64]), "T-ONE", 1000).unwrap();
        assert_eq!(parsed.header.alg, "SM2SM3");

        for alg in Alg::ALL {
            assert_eq!(Alg::from_name(alg.name()), Some(alg));
        }
        assert_eq!(Alg::from_name("sm2sm3"), None);
    }

    #[test]
    fn another_algorithm_or_an_extra_header_member_is_refused() {
        let claims = b64(br#"{"n":1}"#);
        let sig = b64(&[0u8; 64]);
        let hs = b64(br#"{"alg":"HS256","kid":"k","typ":"T"}"#);
        assert_eq!(
            parse::<Note>(&format!("{hs}.{claims}.{sig}"), "T", 1000).unwrap_err(),
            FormError::Algorithm
        );
        let crit = b64(br#"{"alg":"EdDSA","kid":"k","typ":"T","crit":["x"]}"#);
        assert_eq!(
            parse::<Note>(&format!("{crit}.{claims}.{sig}"), "T", 1000).unwrap_err(),
            FormError::Malformed
        );
    }
}
