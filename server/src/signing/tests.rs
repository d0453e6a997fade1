use super::key_files::{private_from_pkcs8, ED25519_SPKI_PREFIX};
use super::*;
use app::profile::{Peer, PeerKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A header naming an Ed25519 key.
fn ed(kid: &str) -> Header {
    header(Alg::EdDsa, kid)
}

fn header(alg: Alg, kid: &str) -> Header {
    Header {
        alg: alg.name().into(),
        kid: kid.into(),
        typ: "T".into(),
    }
}

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
    let (pkcs8, pair) = generate(Alg::EdDsa).unwrap();
    (pem("PRIVATE KEY", &pkcs8), pair.public().bytes())
}

#[test]
fn what_one_key_signs_checks_and_nothing_else_does() {
    let ring = KeyRing::load(&profile(), &KeySource::Memory(Alg::EdDsa), None).unwrap();
    assert_eq!(ring.issuer(), "冀");
    let kid = ring.current_kid();
    let signature = ring.sign(b"message");
    assert_eq!(
        ring.verify("冀", &ed(&kid), b"message", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.verify("冀", &ed(&kid), b"messagf", &signature),
        KeyCheck::BadSignature
    );
    assert_eq!(
        ring.verify("冀", &ed("other"), b"message", &signature),
        KeyCheck::UnknownKey
    );
    assert_eq!(
        ring.verify("京", &ed(&kid), b"message", &signature),
        KeyCheck::UnknownIssuer
    );
    // Another ring's key is another key.
    let other = KeyRing::load(&profile(), &KeySource::Memory(Alg::EdDsa), None).unwrap();
    assert_eq!(
        other.verify("冀", &ed(&other.current_kid()), b"message", &signature),
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
        generate: None,
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
            &ed("he-2026-06"),
            b"signed with the private key",
            &signature
        ),
        KeyCheck::Valid
    );
    assert_eq!(ring.published_keys(), {
        let mut keys = checker.published_keys();
        keys.retain(|k| k.key.kid == "he-2026-06");
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
    let spki = [ED25519_SPKI_PREFIX.to_vec(), retired].concat();
    std::fs::write(dir.join("he-2025-12.pem"), pem("PUBLIC KEY", &spki)).unwrap();
    std::fs::write(dir.join("README.txt"), "not a key").unwrap();
    let source = KeySource::Dir {
        path: dir.clone(),
        generate: None,
    };
    // Two private keys: which one signs must be said, never guessed (a
    // key added ahead of a rotation must not sign before peers have it).
    let err = KeyRing::load(&profile(), &source, None).err().unwrap();
    assert!(err.contains("SIGNING_KEY_ID"), "{err}");
    let ring = KeyRing::load(&profile(), &source, Some("he-2026-12")).unwrap();
    assert_eq!(ring.current_kid(), "he-2026-12");
    let published = ring.published_keys();
    let kids: Vec<&str> = published.iter().map(|k| k.key.kid.as_str()).collect();
    assert_eq!(kids, ["he-2025-12", "he-2026-06", "he-2026-12"]);
    assert_eq!(
        published.iter().filter(|k| k.current).count(),
        1,
        "{published:?}"
    );
    assert_eq!(published[1].key.x, URL_SAFE_NO_PAD.encode(&old_public));
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
        generate: None,
    };
    let err = KeyRing::load(&profile(), &read_only, None).err().unwrap();
    assert!(err.contains("openssl genpkey"), "{err}");
    let dev = KeySource::Dir {
        path: dir.clone(),
        generate: Some(Alg::EdDsa),
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
        again.verify("冀", &ed(&first.current_kid()), b"x", &signature),
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
    let bj = KeyRing::load(&profile(), &KeySource::Memory(Alg::EdDsa), None).unwrap();
    let bj_key = bj.published_keys().remove(0);
    let mut he = profile();
    he.peers.push(Peer {
        province: "京".into(),
        name_zh: "北京市互联网交通安全综合服务管理平台".into(),
        name_en: "Beijing".into(),
        base_url: "http://127.0.0.1:3100".into(),
        keys: vec![bj_key.key.clone()],
    });
    let ring = KeyRing::load(&he, &KeySource::Memory(Alg::EdDsa), None).unwrap();
    let signature = bj.sign(b"from beijing");
    assert_eq!(
        ring.verify("京", &ed(&bj_key.key.kid), b"from beijing", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.issuer_name("京").unwrap().0,
        "北京市互联网交通安全综合服务管理平台"
    );
    // A key that is not one, and the platform naming itself, are refused.
    let mut bad = he.clone();
    bad.peers[0].keys[0].x = "AAAA".into();
    assert!(KeyRing::load(&bad, &KeySource::Memory(Alg::EdDsa), None)
        .err()
        .unwrap()
        .contains("neither an Ed25519 public key"));
    let mut itself = he.clone();
    itself.peers[0].province = "冀".into();
    assert!(KeyRing::load(&itself, &KeySource::Memory(Alg::EdDsa), None).is_err());
    // One kid twice for a peer is a mistake, not the later key winning.
    let mut twice = he.clone();
    let again = twice.peers[0].keys[0].clone();
    twice.peers[0].keys.push(again);
    assert!(KeyRing::load(&twice, &KeySource::Memory(Alg::EdDsa), None)
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

#[test]
fn an_sm2_key_made_by_openssl_signs_checks_and_accepts_openssls_signature() {
    let dir = temp_dir("sm2");
    std::fs::write(
        dir.join("bj-sm2-2026-12.pem"),
        fixture("bj-sm2-2026-12.pem"),
    )
    .unwrap();
    let mut beijing = profile();
    beijing.province.abbreviation = "京".into();
    let source = KeySource::Dir {
        path: dir.clone(),
        generate: None,
    };
    let ring = KeyRing::load(&beijing, &source, None).unwrap();
    assert_eq!(ring.current_alg(), Alg::Sm2Sm3);
    let sm2 = header(Alg::Sm2Sm3, "bj-sm2-2026-12");
    let signature = ring.sign(b"message");
    assert_eq!(signature.len(), 64);
    assert_eq!(
        ring.verify("京", &sm2, b"message", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.verify("京", &sm2, b"messagf", &signature),
        KeyCheck::BadSignature
    );
    // The header must name the key's own algorithm, either way round.
    assert_eq!(
        ring.verify("京", &ed("bj-sm2-2026-12"), b"message", &signature),
        KeyCheck::WrongAlgorithm
    );
    let ed_ring = KeyRing::load(&profile(), &KeySource::Memory(Alg::EdDsa), None).unwrap();
    let ed_signature = ed_ring.sign(b"message");
    assert_eq!(
        ed_ring.verify(
            "冀",
            &header(Alg::Sm2Sm3, &ed_ring.current_kid()),
            b"message",
            &ed_signature
        ),
        KeyCheck::WrongAlgorithm
    );
    // A DER signature (as OpenSSL writes it) is not r‖s: refused.
    let der = [
        vec![0x30, 0x44, 0x02, 0x20],
        signature[..32].to_vec(),
        vec![0x02, 0x20],
        signature[32..].to_vec(),
    ]
    .concat();
    assert_eq!(
        ring.verify("京", &sm2, b"message", &der),
        KeyCheck::BadSignature
    );
    // OpenSSL's own SM2 signature (SM3, the default distinguishing id) of
    // this message, r‖s (`tests/fixtures/signing/README.md`).
    let openssl = hex::decode(concat!(
        "0798B8184DBD1D5A1CF2026D0565394FCDFEF9A09ADA43D2CC3ACFCFE91B1868",
        "8063E8B744BB0BD1021B25F71840D2CCCBF0D7F28AB69A72657B8AFA4F85C476"
    ))
    .unwrap();
    let message = "由OpenSSL以SM2签名的报文".as_bytes();
    assert_eq!(ring.verify("京", &sm2, message, &openssl), KeyCheck::Valid);
    // Its public key file alone checks it too.
    let public = temp_dir("sm2-public");
    std::fs::write(
        public.join("bj-sm2-2026-12.pem"),
        fixture("bj-sm2-2026-12.pub.pem"),
    )
    .unwrap();
    std::fs::write(public.join("bj-2027-01.pem"), key_pem().0).unwrap();
    let checker = KeyRing::load(
        &beijing,
        &KeySource::Dir {
            path: public.clone(),
            generate: None,
        },
        None,
    )
    .unwrap();
    assert_eq!(checker.current_kid(), "bj-2027-01");
    assert_eq!(
        checker.verify("京", &sm2, message, &openssl),
        KeyCheck::Valid
    );
    // The key document lists it on the curve SM2 with both coordinates.
    let listed = &checker.published_keys()[1];
    assert_eq!(listed.key.kid, "bj-sm2-2026-12");
    assert_eq!(listed.key.crv, "SM2");
    assert_eq!(URL_SAFE_NO_PAD.decode(&listed.key.x).unwrap().len(), 32);
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(listed.key.y.as_deref().unwrap())
            .unwrap()
            .len(),
        32
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&public);
}

#[test]
fn a_peer_signing_with_sm2_is_checked_with_its_jwk() {
    let bj = KeyRing::load(&profile(), &KeySource::Memory(Alg::Sm2Sm3), None).unwrap();
    let bj_key = bj.published_keys().remove(0).key;
    assert_eq!((bj_key.crv.as_str(), bj_key.y.is_some()), ("SM2", true));
    let mut he = profile();
    he.peers.push(Peer {
        province: "京".into(),
        name_zh: "北京市互联网交通安全综合服务管理平台".into(),
        name_en: "Beijing".into(),
        base_url: "http://127.0.0.1:3100".into(),
        keys: vec![bj_key.clone()],
    });
    let ring = KeyRing::load(&he, &KeySource::Memory(Alg::EdDsa), None).unwrap();
    let signature = bj.sign(b"from beijing");
    let sm2 = header(Alg::Sm2Sm3, &bj_key.kid);
    assert_eq!(
        ring.verify("京", &sm2, b"from beijing", &signature),
        KeyCheck::Valid
    );
    assert_eq!(
        ring.verify("京", &sm2, b"from hebei", &signature),
        KeyCheck::BadSignature
    );
    // A point not on the curve, a missing y, an Ed25519 key with a y, and
    // an unknown curve are each refused when the trust list is read.
    let broken = |edit: &dyn Fn(&mut PeerKey)| {
        let mut bad = he.clone();
        edit(&mut bad.peers[0].keys[0]);
        KeyRing::load(&bad, &KeySource::Memory(Alg::EdDsa), None)
            .err()
            .unwrap_or_default()
    };
    let flipped = {
        let mut y = URL_SAFE_NO_PAD
            .decode(bj_key.y.as_deref().unwrap())
            .unwrap();
        y[31] ^= 1;
        URL_SAFE_NO_PAD.encode(y)
    };
    for err in [
        broken(&|k| k.y = Some(flipped.clone())),
        broken(&|k| k.y = None),
        broken(&|k| k.crv = "Ed25519".into()),
        broken(&|k| k.crv = "P-256".into()),
    ] {
        assert!(err.contains("nor an SM2 one"), "{err:?}");
    }
}

#[test]
fn an_sm2_key_that_cannot_sign_is_refused() {
    // d = n − 1 (GB/T 32918 asks d ≤ n − 2): every signature would fail.
    let n_minus_1 =
        hex::decode("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122").unwrap();
    let secret = sm2::SecretKey::from_slice(&n_minus_1).unwrap();
    use sm2::pkcs8::EncodePrivateKey;
    let der = secret.to_pkcs8_der().unwrap();
    assert!(private_from_pkcs8(der.as_bytes()).is_none());
    let dir = temp_dir("sm2-degenerate");
    std::fs::write(dir.join("bad.pem"), pem("PRIVATE KEY", der.as_bytes())).unwrap();
    let err = KeyRing::load(
        &profile(),
        &KeySource::Dir {
            path: dir.clone(),
            generate: None,
        },
        None,
    )
    .err()
    .unwrap();
    assert!(err.contains("bad.pem"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_generated_key_file_reads_back_as_the_same_key() {
    for alg in Alg::ALL {
        let (kid, text) = new_key_file(alg).unwrap();
        assert!(kid.starts_with("dev-"), "{kid}");
        let der = base64::engine::general_purpose::STANDARD
            .decode(
                text.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        let key = private_from_pkcs8(&der).unwrap();
        assert_eq!(key.alg(), alg);
        assert!(key.public().verify(b"m", &key.sign(b"m")));
    }
}
