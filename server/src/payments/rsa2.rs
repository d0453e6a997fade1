//! RSA2 (Alipay's name for SHA256withRSA: RSA PKCS#1 v1.5 signatures over
//! SHA-256), signed and verified with `ring` — not the `rsa` crate, which
//! carries an unfixed timing advisory (RUSTSEC-2023-0071).
//!
//! Keys come as Alipay's key tool and open platform show them: PEM
//! (`PRIVATE KEY` PKCS#8 or `RSA PRIVATE KEY` PKCS#1; `PUBLIC KEY`
//! SubjectPublicKeyInfo or `RSA PUBLIC KEY` PKCS#1), or the bare base64 of
//! the same DER without the PEM lines. Signatures travel as standard base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};

/// The smallest and largest RSA modulus RSA2 accepts, in bits (ring's
/// `RSA_PKCS1_2048_8192_SHA256`).
const MIN_BITS: usize = 2048;
const MAX_BITS: usize = 8192;

/// Why a key was not accepted (shown at start, naming the setting).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

/// A private key that signs (the app's own key, 应用私钥).
pub struct SigningKey {
    pair: RsaKeyPair,
    rng: SystemRandom,
}

/// A public key that verifies (Alipay's public key, 支付宝公钥; or, in the
/// stand-in, the app's public key).
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    /// The PKCS#1 `RSAPublicKey` DER (what ring verifies with).
    rsa_public_key: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey(RSA {} bits, hidden)", self.bits())
    }
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifyingKey({})", self.to_base64_spki())
    }
}

impl SigningKey {
    /// Reads a PKCS#8 or PKCS#1 RSA private key, PEM or bare base64.
    pub fn from_text(text: &str) -> Result<SigningKey, KeyError> {
        let (label, der) = decode_text(text)?;
        let pair = match label.as_deref() {
            Some("PRIVATE KEY") => RsaKeyPair::from_pkcs8(&der),
            Some("RSA PRIVATE KEY") => RsaKeyPair::from_der(&der),
            Some(other) => {
                return Err(KeyError(format!(
                    "a PEM \"{other}\" block is not an RSA private key (expected PRIVATE KEY or RSA PRIVATE KEY)"
                )))
            }
            None => RsaKeyPair::from_pkcs8(&der).or_else(|_| RsaKeyPair::from_der(&der)),
        }
        .map_err(|e| KeyError(format!("not a usable RSA private key ({e})")))?;
        let bits = pair.public().modulus_len() * 8;
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(KeyError(format!(
                "a {bits}-bit RSA key: RSA2 needs {MIN_BITS} to {MAX_BITS} bits"
            )));
        }
        Ok(SigningKey {
            pair,
            rng: SystemRandom::new(),
        })
    }

    fn bits(&self) -> usize {
        self.pair.public().modulus_len() * 8
    }

    /// The RSA2 signature of `content` (its UTF-8 bytes), base64.
    pub fn sign(&self, content: &str) -> String {
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                content.as_bytes(),
                &mut signature,
            )
            .expect("the signature buffer is the modulus length");
        STANDARD.encode(signature)
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            rsa_public_key: self.pair.public().as_ref().to_vec(),
        }
    }
}

impl VerifyingKey {
    /// Reads an RSA public key: SubjectPublicKeyInfo (PEM `PUBLIC KEY`, or
    /// bare base64 as Alipay shows it) or PKCS#1 (`RSA PUBLIC KEY`).
    pub fn from_text(text: &str) -> Result<VerifyingKey, KeyError> {
        let (label, der) = decode_text(text)?;
        let rsa_public_key = match label.as_deref() {
            Some("PUBLIC KEY") => der::spki_rsa_public_key(&der)?.to_vec(),
            Some("RSA PUBLIC KEY") => der,
            Some(other) => {
                return Err(KeyError(format!(
                    "a PEM \"{other}\" block is not an RSA public key (expected PUBLIC KEY)"
                )))
            }
            None => match der::spki_rsa_public_key(&der) {
                Ok(inner) => inner.to_vec(),
                Err(spki_error) => match der::rsa_modulus_bits(&der) {
                    Ok(_) => der,
                    Err(_) => return Err(spki_error),
                },
            },
        };
        let bits = der::rsa_modulus_bits(&rsa_public_key)?;
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(KeyError(format!(
                "a {bits}-bit RSA key: RSA2 needs {MIN_BITS} to {MAX_BITS} bits"
            )));
        }
        Ok(VerifyingKey { rsa_public_key })
    }

    /// Whether `signature` (base64) is this key's RSA2 signature of
    /// `content`. A signature that is not base64 does not verify.
    pub fn verify(&self, content: &str, signature: &str) -> bool {
        let Ok(signature) = STANDARD.decode(signature.trim()) else {
            return false;
        };
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.rsa_public_key)
            .verify(content.as_bytes(), &signature)
            .is_ok()
    }

    /// The key as Alipay's open platform shows one: the base64 of its
    /// SubjectPublicKeyInfo DER, on one line.
    pub fn to_base64_spki(&self) -> String {
        STANDARD.encode(der::spki_from_rsa_public_key(&self.rsa_public_key))
    }
}

/// The PEM label (if the text is PEM) and the decoded DER. Accepts `\n`
/// written as two characters (a key pasted into one environment variable).
fn decode_text(text: &str) -> Result<(Option<String>, Vec<u8>), KeyError> {
    let text = text.replace("\\n", "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError("empty".into()));
    }
    let mut label = None;
    let mut body = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            if label.is_some() {
                return Err(KeyError("more than one PEM block".into()));
            }
            label = Some(rest.trim_end_matches('-').trim().to_string());
        } else if line.starts_with("-----END ") {
            break;
        } else if !line.contains(':') {
            // (PEM headers such as `Proc-Type:` are not part of the key.)
            body.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
    }
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| KeyError("not PEM or base64".into()))?;
    Ok((label, der))
}

/// Just enough DER (X.690) to take the RSA key out of a
/// SubjectPublicKeyInfo (RFC 5280 §4.1) and to measure a modulus.
mod der {
    use super::KeyError;

    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const BIT_STRING: u8 = 0x03;
    const NULL: u8 = 0x05;
    const OID: u8 = 0x06;
    /// 1.2.840.113549.1.1.1 (rsaEncryption).
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

    fn bad(what: &str) -> KeyError {
        KeyError(format!("not an RSA public key ({what})"))
    }

    /// One element: (contents, the rest after it).
    fn element(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), KeyError> {
        let (&found, rest) = input.split_first().ok_or_else(|| bad("truncated"))?;
        if found != tag {
            return Err(bad("unexpected structure"));
        }
        let (&first, rest) = rest.split_first().ok_or_else(|| bad("truncated"))?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x83 => {
                let n = usize::from(first & 0x7f);
                if rest.len() < n {
                    return Err(bad("truncated"));
                }
                let len = rest[..n]
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                (len, &rest[n..])
            }
            _ => return Err(bad("unsupported length")),
        };
        if rest.len() < len {
            return Err(bad("truncated"));
        }
        Ok(rest.split_at(len))
    }

    fn whole(input: &[u8], tag: u8) -> Result<&[u8], KeyError> {
        match element(input, tag)? {
            (contents, []) => Ok(contents),
            _ => Err(bad("trailing bytes")),
        }
    }

    /// The `RSAPublicKey` inside a SubjectPublicKeyInfo.
    pub fn spki_rsa_public_key(spki: &[u8]) -> Result<&[u8], KeyError> {
        let info = whole(spki, SEQUENCE)?;
        let (algorithm, rest) = element(info, SEQUENCE)?;
        let (oid, parameters) = element(algorithm, OID)?;
        if oid != RSA_ENCRYPTION {
            return Err(bad("the algorithm is not rsaEncryption"));
        }
        if !parameters.is_empty() && !whole(parameters, NULL)?.is_empty() {
            return Err(bad("unexpected algorithm parameters"));
        }
        let bits = whole(rest, BIT_STRING)?;
        match bits.split_first() {
            Some((0, key)) => Ok(key),
            _ => Err(bad("unexpected bit string")),
        }
    }

    /// The modulus size in bits of a PKCS#1 `RSAPublicKey`.
    pub fn rsa_modulus_bits(key: &[u8]) -> Result<usize, KeyError> {
        let fields = whole(key, SEQUENCE)?;
        let (modulus, rest) = element(fields, INTEGER)?;
        whole(rest, INTEGER)?;
        let modulus = match modulus {
            [0, tail @ ..] => tail,
            other => other,
        };
        match modulus.first() {
            Some(&top) if top != 0 => Ok(modulus.len() * 8 - top.leading_zeros() as usize),
            _ => Err(bad("an empty modulus")),
        }
    }

    fn header(tag: u8, len: usize) -> Vec<u8> {
        match len {
            0..=0x7f => vec![tag, len as u8],
            0x80..=0xff => vec![tag, 0x81, len as u8],
            _ => vec![tag, 0x82, (len >> 8) as u8, len as u8],
        }
    }

    /// Wraps an `RSAPublicKey` into a SubjectPublicKeyInfo.
    pub fn spki_from_rsa_public_key(key: &[u8]) -> Vec<u8> {
        let mut algorithm = header(SEQUENCE, 2 + RSA_ENCRYPTION.len() + 2);
        algorithm.extend(header(OID, RSA_ENCRYPTION.len()));
        algorithm.extend(RSA_ENCRYPTION);
        algorithm.extend([NULL, 0]);
        let mut bits = header(BIT_STRING, key.len() + 1);
        bits.push(0);
        bits.extend(key);
        let mut spki = header(SEQUENCE, algorithm.len() + bits.len());
        spki.extend(algorithm);
        spki.extend(bits);
        spki
    }
}

#[cfg(test)]
#[path = "rsa2_tests.rs"]
pub(crate) mod tests;
