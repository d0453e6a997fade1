//! The platform's signing keys (签名密钥) and trust list (信任列表), behind
//! the `CredentialKeys` port: Ed25519 or SM2 with SM3 (`key_files`), each
//! key named by an id (kid).
//!
//! - **Production** reads its keys from `SIGNING_KEYS_DIR`: each
//!   `<kid>.pem` holds a PKCS#8 `PRIVATE KEY` (as `openssl genpkey
//!   -algorithm ed25519`, or `-algorithm SM2`, writes it) or, for a retired
//!   key kept only to check
//!   what it signed, an SPKI `PUBLIC KEY` (`openssl pkey -pubout`). The key
//!   named by `SIGNING_KEY_ID` signs (by default the folder's only private
//!   key); every key in
//!   the folder checks. With more than one private key `SIGNING_KEY_ID`
//!   must say which signs, so a key added ahead of a rotation does not sign
//!   before the peers have it (`docs/credentials.md`: rotation).
//! - **Development** does the same in a folder beside the SQLite database
//!   (`data/signing-keys`), generating a key there on first start; the
//!   integration tests keep theirs in memory.
//! - **Peers** (the other provinces' platforms) are listed in the
//!   platform's configuration file, each with its public keys (`[[peers]]`).

mod key_files;

use app::domain::jws::{Alg, Header};
use app::ports::{CredentialKeys, KeyCheck, PublishedKey};
use app::profile::PlatformProfile;
pub use key_files::SM2_DISTID;
use key_files::{generate, generated_kid, pem, read_key_file, KeyFile, PrivateKey, PublicKey};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A folder of `<kid>.pem` files; `generate`: make a key of this
    /// algorithm there when it has none (development only).
    Dir {
        path: PathBuf,
        generate: Option<Alg>,
    },
    /// A key of this algorithm made at start and never written (the
    /// integration tests).
    Memory(Alg),
}

/// The key ring: this platform's keys and its peers' public keys.
pub struct KeyRing {
    issuer: String,
    names: BTreeMap<String, (String, String)>,
    current: (String, Arc<PrivateKey>),
    /// issuer → kid → public key; this platform's included.
    keys: BTreeMap<String, BTreeMap<String, PublicKey>>,
}

fn valid_kid(kid: &str) -> bool {
    (1..=64).contains(&kid.len())
        && kid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Key pairs and public-only keys, by kid.
type OwnKeys = (BTreeMap<String, PrivateKey>, BTreeMap<String, PublicKey>);

/// This platform's key pairs and public-only keys, read from `dir`
/// (generating one of `generate_if_empty` there first when it has none).
fn read_dir(dir: &Path, generate_if_empty: Option<Alg>) -> Result<OwnKeys, String> {
    if generate_if_empty.is_some() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "SIGNING_KEYS_DIR {} cannot be read: {e} (see the README: signing keys)",
            dir.display()
        )
    })?;
    let (mut pairs, mut public) = (BTreeMap::new(), BTreeMap::new());
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("pem") {
            continue;
        }
        let kid = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !valid_kid(&kid) {
            return Err(format!(
                "{}: a key's file name is its id: letters, digits, `-`, `_` and `.`, at most 64",
                path.display()
            ));
        }
        match read_key_file(&path)? {
            KeyFile::Pair(pair) => {
                pairs.insert(kid, pair);
            }
            KeyFile::Public(key) => {
                public.insert(kid, key);
            }
        }
    }
    if let (true, Some(alg)) = (pairs.is_empty(), generate_if_empty) {
        let (pkcs8, pair) = generate(alg)?;
        let kid = generated_kid(&pair);
        let path = dir.join(format!("{kid}.pem"));
        write_private(&path, &pem("PRIVATE KEY", &pkcs8))?;
        tracing::info!(kid, path = %path.display(), "generated a development signing key");
        pairs.insert(kid, pair);
    }
    Ok((pairs, public))
}

fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl KeyRing {
    /// The key ring of this platform (`profile`, with its peers), its own
    /// keys from `source`, signing with `current` (else the only private
    /// key there is).
    pub fn load(
        profile: &PlatformProfile,
        source: &KeySource,
        current: Option<&str>,
    ) -> Result<KeyRing, String> {
        let (mut pairs, public) = match source {
            KeySource::Dir { path, generate } => read_dir(path, *generate)?,
            KeySource::Memory(alg) => {
                let (_, pair) = generate(*alg)?;
                (
                    BTreeMap::from([(generated_kid(&pair), pair)]),
                    BTreeMap::new(),
                )
            }
        };
        let kid = match current {
            Some(kid) if pairs.contains_key(kid) => kid.to_string(),
            Some(kid) => {
                return Err(format!(
                    "SIGNING_KEY_ID names `{kid}`, but there is no private key {kid}.pem"
                ))
            }
            None if pairs.len() > 1 => {
                return Err(format!(
                    "SIGNING_KEYS_DIR holds {} private keys ({}): name the one that signs with SIGNING_KEY_ID",
                    pairs.len(),
                    pairs.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            }
            None => pairs.keys().next().cloned().ok_or_else(|| {
                "SIGNING_KEYS_DIR has no private key (<kid>.pem): make one with `openssl genpkey -algorithm ed25519 -out <kid>.pem`"
                    .to_string()
            })?,
        };
        let issuer = profile.province.abbreviation.clone();
        let mut own: BTreeMap<String, PublicKey> = public;
        for (kid, pair) in &pairs {
            own.insert(kid.clone(), pair.public());
        }
        let mut keys = BTreeMap::from([(issuer.clone(), own)]);
        let mut names = BTreeMap::from([(
            issuer.clone(),
            (
                format!("{}互联网交通安全综合服务管理平台", profile.province.name_zh),
                format!(
                    "{} Traffic Safety Service Platform",
                    profile.province.name_en
                ),
            ),
        )]);
        for peer in &profile.peers {
            if keys.contains_key(&peer.province) {
                return Err(format!(
                    "the trust list names {} twice (or names this platform itself)",
                    peer.province
                ));
            }
            let mut peer_keys = BTreeMap::new();
            for key in &peer.keys {
                let raw = PublicKey::from_jwk(key)
                    .filter(|_| valid_kid(&key.kid))
                    .ok_or_else(|| {
                        format!(
                            "the trust list's key `{}` of {} is neither an Ed25519 public key (`x`, 32 bytes, base64url) nor an SM2 one (crv = \"SM2\", `x` and `y`, 32 bytes each)",
                            key.kid, peer.province
                        )
                    })?;
                if peer_keys.insert(key.kid.clone(), raw).is_some() {
                    return Err(format!(
                        "the trust list names {}'s key `{}` twice",
                        peer.province, key.kid
                    ));
                }
            }
            keys.insert(peer.province.clone(), peer_keys);
            names.insert(
                peer.province.clone(),
                (peer.name_zh.clone(), peer.name_en.clone()),
            );
        }
        let pair = pairs.remove(&kid).map(Arc::new).ok_or("no signing key")?;
        Ok(KeyRing {
            issuer,
            names,
            current: (kid, pair),
            keys,
        })
    }
}

impl CredentialKeys for KeyRing {
    fn issuer(&self) -> String {
        self.issuer.clone()
    }

    fn current_kid(&self) -> String {
        self.current.0.clone()
    }

    fn current_alg(&self) -> Alg {
        self.current.1.alg()
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.current.1.sign(message)
    }

    fn verify(&self, issuer: &str, header: &Header, message: &[u8], signature: &[u8]) -> KeyCheck {
        let Some(keys) = self.keys.get(issuer) else {
            return KeyCheck::UnknownIssuer;
        };
        let Some(key) = keys.get(&header.kid) else {
            return KeyCheck::UnknownKey;
        };
        if Some(key.alg()) != Alg::from_name(&header.alg) {
            return KeyCheck::WrongAlgorithm;
        }
        if key.verify(message, signature) {
            KeyCheck::Valid
        } else {
            KeyCheck::BadSignature
        }
    }

    fn issuer_name(&self, issuer: &str) -> Option<(String, String)> {
        self.names.get(issuer).cloned()
    }

    fn published_keys(&self) -> Vec<PublishedKey> {
        self.keys
            .get(&self.issuer)
            .into_iter()
            .flatten()
            .map(|(kid, key)| PublishedKey {
                key: key.jwk(kid),
                current: *kid == self.current.0,
            })
            .collect()
    }
}

/// The development key folder for a database: beside a SQLite file,
/// `data/signing-keys` otherwise.
pub fn dev_key_dir(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|f| !f.is_empty() && !f.contains(":memory:"));
    match file.and_then(|f| Path::new(f).parent()) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("signing-keys"),
        _ => PathBuf::from("data/signing-keys"),
    }
}

/// A new private key of `alg` as a `<kid>.pem` file holds it, and its kid
/// as development would name it (the tests and the two-platform demo).
pub fn new_key_file(alg: Alg) -> Result<(String, String), String> {
    let (pkcs8, key) = generate(alg)?;
    Ok((generated_kid(&key), pem("PRIVATE KEY", &pkcs8)))
}

#[cfg(test)]
mod tests;
