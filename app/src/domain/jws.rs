//! Signed messages between platforms and to anyone (签名报文): a JWS in
//! compact form (RFC 7515) signed with Ed25519 (`alg` `EdDSA`, RFC 8037),
//! `header.claims.signature`, each part base64url without padding. The
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

/// The signature algorithm (Ed25519).
pub const ALG: &str = "EdDSA";

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
    /// Signed with another algorithm than Ed25519.
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

/// The text to sign for these claims, of kind `typ`, under key `kid`.
pub fn signing_input<T: Serialize>(typ: &str, kid: &str, claims: &T) -> String {
    let header = Header {
        alg: ALG.into(),
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
    if header.alg != ALG {
        return Err(FormError::Algorithm);
    }
    if header.typ != typ || header.kid.is_empty() || signature.len() != 64 {
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
        let input = signing_input("T-ONE", "k1", &Note { n: 7 });
        let token = assemble(&input, &[9u8; 64]);
        let parsed: Parsed<Note> = parse(&token, "T-ONE", 1000).unwrap();
        assert_eq!(parsed.claims, Note { n: 7 });
        assert_eq!(parsed.header.kid, "k1");
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
