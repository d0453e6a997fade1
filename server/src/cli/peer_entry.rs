//! `server peer-entry`: this platform's own entry for the other platforms'
//! trust lists (信任列表) — its province, its names as its key document
//! gives them (`/.well-known/platform-keys.json`), the address it answers
//! at and its public signing keys — as the `[[peers]]` TOML a configuration
//! file lists. The operators of a peer paste it into theirs; the
//! two-platform demo (`make run-roaming`) appends each platform's to the
//! other's file.

use crate::signing::{KeyRing, KeySource};
use crate::Config;
use app::domain::jws::Alg;
use app::ports::CredentialKeys;
use app::profile::Peer;

/// The entry, with a comment saying whose it is. In development the
/// signing key is made first when the key folder has none (as the server
/// does on its first start, but of algorithm `new_key`), so the entry names
/// the key the server signs with.
pub fn peer_entry(config: &Config, base_url: &str, new_key: Alg) -> Result<String, String> {
    let base_url = base_url.trim().trim_end_matches('/');
    if !(base_url.starts_with("https://") || base_url.starts_with("http://"))
        || base_url.contains(char::is_whitespace)
    {
        return Err(format!(
            "--base-url {base_url:?} is not an http(s) address (such as https://he.122.gov.cn)"
        ));
    }
    let profile = crate::profile::load(config)?;
    let source = match &config.signing_keys {
        Some(KeySource::Dir {
            path,
            generate: Some(_),
        }) => KeySource::Dir {
            path: path.clone(),
            generate: Some(new_key),
        },
        Some(source) => source.clone(),
        None => {
            return Err(
                "SIGNING_KEYS_DIR is missing: name the folder of the platform's signing keys"
                    .into(),
            )
        }
    };
    let ring = KeyRing::load(&profile, &source, config.signing_key_id.as_deref())?;
    let generating = matches!(
        source,
        KeySource::Dir {
            generate: Some(_),
            ..
        }
    );
    if generating && ring.current_alg() != new_key {
        // The folder had a key already: it stays (a key is never replaced
        // behind the peers' backs), and the entry names it.
        eprintln!(
            "note: {issuer} signs with its {} key {}, already in the key folder (--key-algorithm makes a key only when there is none)",
            ring.current_alg().name(),
            ring.current_kid(),
            issuer = ring.issuer()
        );
    }
    let issuer = ring.issuer();
    let (name_zh, name_en) = ring.issuer_name(&issuer).unwrap_or_default();
    let peer = Peer {
        province: issuer.clone(),
        name_zh,
        name_en,
        base_url: base_url.to_string(),
        keys: ring.published_keys().into_iter().map(|k| k.key).collect(),
    };
    #[derive(serde::Serialize)]
    struct TrustList {
        peers: Vec<Peer>,
    }
    let toml = toml::to_string(&TrustList { peers: vec![peer] })
        .map_err(|e| format!("writing the entry: {e}"))?;
    Ok(format!(
        "# {issuer}'s entry for the other platforms' trust lists (server peer-entry)\n{toml}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEIJING: &str = include_str!("../../../config/beijing.toml");

    fn config(dir: &std::path::Path) -> Config {
        let mut config = Config::for_tests("sqlite::memory:");
        config.signing_keys = Some(KeySource::Dir {
            path: dir.to_path_buf(),
            generate: Some(Alg::EdDsa),
        });
        config
    }

    #[test]
    fn the_entry_goes_into_a_peers_file_as_it_is() {
        let dir = std::env::temp_dir().join(format!("peer-entry-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = config(&dir);
        let entry = peer_entry(&config, "http://127.0.0.1:3000/", Alg::EdDsa).unwrap();
        assert!(entry.starts_with("# 冀's entry"), "{entry}");
        // The key was made once, and stays the one named.
        assert_eq!(
            peer_entry(&config, "http://127.0.0.1:3000", Alg::Sm2Sm3).unwrap(),
            entry
        );
        let keys: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(keys.len(), 1);

        let beijing = format!("{BEIJING}\n{entry}");
        let profile = crate::profile::parse("beijing+hebei", &beijing).unwrap();
        let peer = &profile.peers[0];
        assert_eq!(peer.province, "冀");
        assert_eq!(peer.name_zh, "河北省互联网交通安全综合服务管理平台");
        assert_eq!(peer.base_url, "http://127.0.0.1:3000");
        let kid = keys[0]
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert_eq!(peer.keys.len(), 1);
        assert_eq!(peer.keys[0].kid, kid);
        // 京's key ring trusts it.
        assert!(KeyRing::load(&profile, &KeySource::Memory(Alg::EdDsa), None).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_address_must_be_a_web_address() {
        let dir = std::env::temp_dir().join(format!("peer-entry-bad-{}", std::process::id()));
        for bad in ["127.0.0.1:3000", "ftp://x", "http://a b"] {
            let err = peer_entry(&config(&dir), bad, Alg::EdDsa).unwrap_err();
            assert!(err.contains("--base-url"), "{err}");
        }
        assert!(!dir.exists(), "no key is made for a refused address");
    }
}
