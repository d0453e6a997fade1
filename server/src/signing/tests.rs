use super::*;
use app::profile::{Peer, PeerKey};

fn profile() -> PlatformProfile {
    crate::profile::parse("hebei", crate::profile::DEVELOPMENT_PROFILE).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signing-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key_pem() -> (String, Vec<u8>) {
    let (pkcs8, pair) = generate().unwrap();
    (
        pem("PRIVATE KEY", &pkcs8),
        pair.public_key().as_ref().to_vec(),
    )
}

#[test]
fn what_one_key_signs_checks_and_nothing_else_does() {
    let ring = KeyRing::load(&profile(), &KeySource::Memory, None).unwrap();
    assert_eq!(ring.issuer(), "冀");
    let kid = ring.current_kid();
    let signature = ring.sign(b"message");
    assert_eq!(
        ring.verify("冀", &kid, b"message", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.verify("冀", &kid, b"messagf", &signature),
        KeyCheck::BadSignature
    );
    assert_eq!(
        ring.verify("冀", "other", b"message", &signature),
        KeyCheck::UnknownKey
    );
    assert_eq!(
        ring.verify("京", &kid, b"message", &signature),
        KeyCheck::UnknownIssuer
    );
    // Another ring's key is another key.
    let other = KeyRing::load(&profile(), &KeySource::Memory, None).unwrap();
    assert_eq!(
        other.verify("冀", &other.current_kid(), b"message", &signature),
        KeyCheck::BadSignature
    );
}

/// Keys made by OpenSSL as the operator's guide says (`tests/fixtures/signing`).
fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/signing/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn keys_made_by_openssl_sign_and_check() {
    let signing = temp_dir("openssl-private");
    std::fs::write(signing.join("he-2026-06.pem"), fixture("he-2026-06.pem")).unwrap();
    let checking = temp_dir("openssl-public");
    std::fs::write(
        checking.join("he-2026-06.pem"),
        fixture("he-2026-06.pub.pem"),
    )
    .unwrap();
    // A folder with a public key only cannot sign: it names the remedy.
    let dir = |path: &PathBuf| KeySource::Dir {
        path: path.clone(),
        generate: false,
    };
    let err = KeyRing::load(&profile(), &dir(&checking), None)
        .err()
        .unwrap();
    assert!(err.contains("openssl genpkey"), "{err}");
    let ring = KeyRing::load(&profile(), &dir(&signing), None).unwrap();
    assert_eq!(ring.current_kid(), "he-2026-06");
    let signature = ring.sign(b"signed with the private key");
    // The public key file alone checks it (here through a second ring that
    // has it beside a key of its own).
    std::fs::write(checking.join("he-2026-12.pem"), key_pem().0).unwrap();
    let checker = KeyRing::load(&profile(), &dir(&checking), None).unwrap();
    assert_eq!(checker.current_kid(), "he-2026-12");
    assert_eq!(
        checker.verify(
            "冀",
            "he-2026-06",
            b"signed with the private key",
            &signature
        ),
        KeyCheck::Valid
    );
    assert_eq!(ring.published_keys(), {
        let mut keys = checker.published_keys();
        keys.retain(|k| k.kid == "he-2026-06");
        keys[0].current = true;
        keys
    });
    let _ = std::fs::remove_dir_all(&signing);
    let _ = std::fs::remove_dir_all(&checking);
}

#[test]
fn a_folder_gives_its_keys_and_the_named_key_signs() {
    let dir = temp_dir("folder");
    let (old_pem, old_public) = key_pem();
    let (new_pem, _) = key_pem();
    std::fs::write(dir.join("he-2026-06.pem"), old_pem).unwrap();
    std::fs::write(dir.join("he-2026-12.pem"), new_pem).unwrap();
    // A retired key, public part only (SPKI, as `openssl pkey -pubout`).
    let (_, retired) = key_pem();
    let spki = [SPKI_PREFIX.to_vec(), retired].concat();
    std::fs::write(dir.join("he-2025-12.pem"), pem("PUBLIC KEY", &spki)).unwrap();
    std::fs::write(dir.join("README.txt"), "not a key").unwrap();
    let source = KeySource::Dir {
        path: dir.clone(),
        generate: false,
    };
    // Two private keys: which one signs must be said, never guessed (a
    // key added ahead of a rotation must not sign before peers have it).
    let err = KeyRing::load(&profile(), &source, None).err().unwrap();
    assert!(err.contains("SIGNING_KEY_ID"), "{err}");
    let ring = KeyRing::load(&profile(), &source, Some("he-2026-12")).unwrap();
    assert_eq!(ring.current_kid(), "he-2026-12");
    let published = ring.published_keys();
    let kids: Vec<&str> = published.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, ["he-2025-12", "he-2026-06", "he-2026-12"]);
    assert_eq!(
        published.iter().filter(|k| k.current).count(),
        1,
        "{published:?}"
    );
    assert_eq!(published[1].x, URL_SAFE_NO_PAD.encode(&old_public));
    // A public key cannot sign.
    let older = KeyRing::load(&profile(), &source, Some("he-2026-06")).unwrap();
    assert_eq!(older.current_kid(), "he-2026-06");
    let err = KeyRing::load(&profile(), &source, Some("he-2025-12"))
        .err()
        .unwrap();
    assert!(err.contains("no private key he-2025-12.pem"), "{err}");
    // A file that is no key is named.
    std::fs::write(
        dir.join("broken.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let err = KeyRing::load(&profile(), &source, Some("he-2026-12"))
        .err()
        .unwrap();
    assert!(err.contains("broken.pem"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn production_never_generates_and_development_generates_once() {
    let dir = temp_dir("generate");
    let read_only = KeySource::Dir {
        path: dir.clone(),
        generate: false,
    };
    let err = KeyRing::load(&profile(), &read_only, None).err().unwrap();
    assert!(err.contains("openssl genpkey"), "{err}");
    let dev = KeySource::Dir {
        path: dir.clone(),
        generate: true,
    };
    let first = KeyRing::load(&profile(), &dev, None).unwrap();
    let again = KeyRing::load(&profile(), &dev, None).unwrap();
    assert!(first.current_kid().starts_with("dev-"));
    assert_eq!(
        first.current_kid(),
        again.current_kid(),
        "kept, not made anew"
    );
    let signature = first.sign(b"x");
    assert_eq!(
        again.verify("冀", &first.current_kid(), b"x", &signature),
        KeyCheck::Valid
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = dir.join(format!("{}.pem", first.current_kid()));
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner reads the key");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn peers_on_the_trust_list_are_checked_with_their_keys() {
    let bj = KeyRing::load(&profile(), &KeySource::Memory, None).unwrap();
    let bj_key = bj.published_keys().remove(0);
    let mut he = profile();
    he.peers.push(Peer {
        province: "京".into(),
        name_zh: "北京市互联网交通安全综合服务管理平台".into(),
        name_en: "Beijing".into(),
        base_url: "http://127.0.0.1:3100".into(),
        keys: vec![PeerKey {
            kid: bj_key.kid.clone(),
            x: bj_key.x.clone(),
        }],
    });
    let ring = KeyRing::load(&he, &KeySource::Memory, None).unwrap();
    let signature = bj.sign(b"from beijing");
    assert_eq!(
        ring.verify("京", &bj_key.kid, b"from beijing", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.issuer_name("京").unwrap().0,
        "北京市互联网交通安全综合服务管理平台"
    );
    // A key that is not one, and the platform naming itself, are refused.
    let mut bad = he.clone();
    bad.peers[0].keys[0].x = "AAAA".into();
    assert!(KeyRing::load(&bad, &KeySource::Memory, None)
        .err()
        .unwrap()
        .contains("not an Ed25519 public key"));
    let mut itself = he.clone();
    itself.peers[0].province = "冀".into();
    assert!(KeyRing::load(&itself, &KeySource::Memory, None).is_err());
    // One kid twice for a peer is a mistake, not the later key winning.
    let mut twice = he.clone();
    let again = twice.peers[0].keys[0].clone();
    twice.peers[0].keys.push(again);
    assert!(KeyRing::load(&twice, &KeySource::Memory, None)
        .err()
        .unwrap()
        .contains("twice"));
}

#[test]
fn development_keys_live_beside_the_database() {
    assert_eq!(
        dev_key_dir("sqlite://data/platform.db"),
        PathBuf::from("data/signing-keys")
    );
    assert_eq!(
        dev_key_dir("sqlite:///tmp/shot/e2e.db?mode=rwc"),
        PathBuf::from("/tmp/shot/signing-keys")
    );
    assert_eq!(
        dev_key_dir("postgres://x@127.0.0.1/db"),
        PathBuf::from("data/signing-keys")
    );
}
