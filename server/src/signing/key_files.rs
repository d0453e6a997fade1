//! The two signature algorithms (签名算法) and the key files: Ed25519 (ring)
//! and SM2 with SM3, the national standard (RustCrypto `sm2`). A key file
//! `<kid>.pem` holds a PKCS#8 `PRIVATE KEY` or an SPKI `PUBLIC KEY` of
//! either, as `openssl genpkey -algorithm ed25519` (or `-algorithm SM2`)
//! and `openssl pkey -pubout` write them. A peer's key comes as its key
//! document's JWK gives it (`PeerKey`).

use app::domain::jws::Alg;
use app::profile::PeerKey;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use sm2::dsa::signature::{Signer, Verifier};
use sm2::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use std::path::Path;

/// The distinguishing identifier (用户身份标识) SM2 signatures are made
/// and checked with: the default of GB/T 35276, as peers expect it.
pub const SM2_DISTID: &str = "1234567812345678";

/// The DER prefix of an Ed25519 public key in SPKI form (RFC 8410).
pub(super) const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A key that signs.
pub enum PrivateKey {
    Ed25519(Ed25519KeyPair),
    Sm2(Box<sm2::dsa::SigningKey>),
}

/// A key that checks.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// The raw 32 bytes.
    Ed25519(Vec<u8>),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

impl PrivateKey {
    pub fn alg(&self) -> Alg {
        match self {
            PrivateKey::Ed25519(_) => Alg::EdDsa,
            PrivateKey::Sm2(_) => Alg::Sm2Sm3,
        }
    }

    /// The 64-byte signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            PrivateKey::Ed25519(pair) => pair.sign(message).as_ref().to_vec(),
            PrivateKey::Sm2(key) => {
                let signature: sm2::dsa::Signature = key.sign(message);
                signature.to_vec()
            }
        }
    }

    pub fn public(&self) -> PublicKey {
        match self {
            PrivateKey::Ed25519(pair) => PublicKey::Ed25519(pair.public_key().as_ref().to_vec()),
            PrivateKey::Sm2(key) => PublicKey::Sm2(Box::new(key.verifying_key().clone())),
        }
    }
}

impl PublicKey {
    pub fn alg(&self) -> Alg {
        match self {
            PublicKey::Ed25519(_) => Alg::EdDsa,
            PublicKey::Sm2(_) => Alg::Sm2Sm3,
        }
    }

    /// Whether `signature` is this key's signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(raw) => UnparsedPublicKey::new(&ED25519, raw)
                .verify(message, signature)
                .is_ok(),
            PublicKey::Sm2(key) => sm2::dsa::Signature::from_slice(signature)
                .map(|signature| key.verify(message, &signature).is_ok())
                .unwrap_or(false),
        }
    }

    /// The key's bytes: raw for Ed25519, the uncompressed SEC1 point for SM2.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(raw) => raw.clone(),
            PublicKey::Sm2(key) => key.to_sec1_bytes().to_vec(),
        }
    }

    /// The key as a JWK names it, under `kid`.
    pub fn jwk(&self, kid: &str) -> PeerKey {
        let (x, y) = match self {
            PublicKey::Ed25519(raw) => (URL_SAFE_NO_PAD.encode(raw), None),
            PublicKey::Sm2(key) => {
                let point = key.to_encoded_point(false);
                let coordinate = |c: Option<&sm2::FieldBytes>| {
                    URL_SAFE_NO_PAD.encode(c.map(|c| c.as_slice()).unwrap_or_default())
                };
                (coordinate(point.x()), Some(coordinate(point.y())))
            }
        };
        PeerKey {
            kid: kid.to_string(),
            crv: self.alg().curve().to_string(),
            x,
            y,
        }
    }

    /// A peer's key from its JWK.
    pub fn from_jwk(key: &PeerKey) -> Option<PublicKey> {
        let decode = |c: &str| {
            URL_SAFE_NO_PAD
                .decode(c.trim())
                .ok()
                .filter(|c| c.len() == 32)
        };
        match Alg::from_curve(&key.crv)? {
            Alg::EdDsa if key.y.is_none() => decode(&key.x).map(PublicKey::Ed25519),
            Alg::EdDsa => None,
            Alg::Sm2Sm3 => {
                let (x, y) = (decode(&key.x)?, decode(key.y.as_deref()?)?);
                let point = sm2::EncodedPoint::from_affine_coordinates(
                    x.as_slice().into(),
                    y.as_slice().into(),
                    false,
                );
                let public =
                    Option::<sm2::PublicKey>::from(sm2::PublicKey::from_encoded_point(&point))?;
                sm2_verifying(public)
            }
        }
    }
}

fn sm2_verifying(public: sm2::PublicKey) -> Option<PublicKey> {
    sm2::dsa::VerifyingKey::new(SM2_DISTID, public)
        .ok()
        .map(|key| PublicKey::Sm2(Box::new(key)))
}

/// The body of a PEM block with this label.
fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = text[start..].find(&end)? + start;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(b64).ok()
}

/// DER as PEM, 64 characters a line.
pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A key file's contents: a key pair, or a public key only.
pub enum KeyFile {
    Pair(PrivateKey),
    Public(PublicKey),
}

/// A private key from PKCS#8 DER: Ed25519 or SM2.
pub fn private_from_pkcs8(der: &[u8]) -> Option<PrivateKey> {
    if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
        return Some(PrivateKey::Ed25519(pair));
    }
    let secret = sm2::SecretKey::from_pkcs8_der(der).ok()?;
    let key = sm2::dsa::SigningKey::new(SM2_DISTID, &secret).ok()?;
    // GB/T 32918 asks 1 ≤ d ≤ n−2: with d = n−1, which the crate reads,
    // every signature would fail. A key that cannot sign is no key.
    let probe: Result<sm2::dsa::Signature, _> = key.try_sign(b"probe");
    probe.ok().map(|_| PrivateKey::Sm2(Box::new(key)))
}

pub fn read_key_file(path: &Path) -> Result<KeyFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the signing key {}: {e}", path.display()))?;
    if let Some(der) = pem_body(&text, "PRIVATE KEY") {
        return private_from_pkcs8(&der).map(KeyFile::Pair).ok_or_else(|| {
            format!(
                "{} is neither an Ed25519 nor an SM2 private key (PKCS#8)",
                path.display()
            )
        });
    }
    let public = pem_body(&text, "PUBLIC KEY").and_then(|der| {
        if der.len() == 44 && der[..12] == ED25519_SPKI_PREFIX {
            return Some(PublicKey::Ed25519(der[12..].to_vec()));
        }
        sm2::PublicKey::from_public_key_der(&der)
            .ok()
            .and_then(sm2_verifying)
    });
    public.map(KeyFile::Public).ok_or_else(|| {
        format!(
            "{} holds neither a PRIVATE KEY nor a PUBLIC KEY (Ed25519 or SM2) in PEM",
            path.display()
        )
    })
}

/// A new private key of `alg`: its PKCS#8 DER and the key.
pub fn generate(alg: Alg) -> Result<(Vec<u8>, PrivateKey), String> {
    let der = match alg {
        Alg::EdDsa => {
            let rng = ring::rand::SystemRandom::new();
            Ed25519KeyPair::generate_pkcs8(&rng)
                .map(|doc| doc.as_ref().to_vec())
                .map_err(|_| "cannot generate a signing key".to_string())?
        }
        Alg::Sm2Sm3 => sm2::SecretKey::random(&mut rand::rngs::OsRng)
            .to_pkcs8_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|_| "cannot generate an SM2 signing key".to_string())?,
    };
    let key = private_from_pkcs8(&der).ok_or("cannot read the generated signing key")?;
    Ok((der, key))
}

/// A generated key's id: `dev-` and the start of its public key's SHA-256.
pub fn generated_kid(key: &PrivateKey) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.public().bytes());
    format!("dev-{}", &hex::encode(digest)[..12])
}
