//! Secrets sealed at rest (静态加密): values the platform must read back in
//! full — a staff member's TOTP key (动态口令密钥) — are stored encrypted
//! with AES-256-GCM under a key derived from the server's secret, so a copy
//! of the database alone (a backup, a replica, a SQL injection) does not
//! give them away. The stored text is `v1:` and the Base64 of the 12-byte
//! nonce followed by the ciphertext and tag; the record's purpose and owner
//! are the associated data, so a sealed value copied to another row does
//! not open.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::Sha256;

const PREFIX: &str = "v1:";

/// The sealing key: HMAC-SHA256 of a fixed label under the server secret
/// (a key of its own, never the secret itself).
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl SealingKey {
    pub fn derive(server_secret: &[u8]) -> SealingKey {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(server_secret).expect("HMAC takes a key of any length");
        mac.update(b"traffic-platform sealed-at-rest v1");
        SealingKey(mac.finalize().into_bytes().into())
    }

    fn aead(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("a 32-byte key"))
    }

    /// Seals `plain` for the record named by `context`.
    pub fn seal(&self, plain: &str, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the system's random source works");
        let mut data = plain.as_bytes().to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut data,
            )
            .expect("sealing never fails for short values");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        )
    }

    /// Opens a value sealed for `context`. A value stored before sealing
    /// (no prefix) is answered as it is; a sealed value that does not open
    /// (another key, another record, altered) is None.
    pub fn open(&self, stored: &str, context: &str) -> Option<String> {
        let Some(sealed) = stored.strip_prefix(PREFIX) else {
            return Some(stored.to_string());
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = data.to_vec();
        let plain = self
            .aead()
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut data)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

/// What a staff member's TOTP key is sealed for: its account.
pub fn totp_key_context(account_id: i64) -> String {
    format!("staff_second_factors:{account_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_record() {
        let key = SealingKey::derive(b"server secret");
        let sealed = key.seal("JBSWY3DPEHPK3PXP", "totp:7");
        assert!(sealed.starts_with("v1:"), "{sealed}");
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open(&sealed, "totp:7").as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        // Each sealing has its own nonce.
        assert_ne!(sealed, key.seal("JBSWY3DPEHPK3PXP", "totp:7"));
        // Another record, another key, or one changed character: nothing.
        assert_eq!(key.open(&sealed, "totp:8"), None);
        assert_eq!(SealingKey::derive(b"other").open(&sealed, "totp:7"), None);
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            key.open(&String::from_utf8(altered).unwrap(), "totp:7"),
            None
        );
        assert_eq!(key.open("v1:!!", "totp:7"), None);
        // A key stored before sealing still reads.
        assert_eq!(
            key.open("JBSWY3DPEHPK3PXP", "totp:7").as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
    }
}
