//! The staff second factor (动态口令): time-based one-time codes (TOTP,
//! RFC 6238 with HMAC-SHA1, six digits, 30-second steps), as every
//! authenticator app makes them. The key is shown once, in Base32
//! (RFC 4648), when a staff member enrols at first login.

/// Seconds per time step.
pub const STEP_SECS: i64 = 30;
/// Steps either side of now that still count (a phone's clock may drift).
pub const DRIFT_STEPS: i64 = 1;
/// Length of a key in bytes (160 bits, as RFC 4226 recommends).
pub const KEY_BYTES: usize = 20;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A second-factor key (动态口令密钥).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpKey(Vec<u8>);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

impl TotpKey {
    pub fn from_bytes(bytes: &[u8]) -> TotpKey {
        TotpKey(bytes.to_vec())
    }

    /// The key as stored and as typed into an app: Base32, no padding.
    pub fn to_base32(&self) -> String {
        let mut out = String::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for &byte in &self.0 {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    /// Reads Base32, ignoring spaces, case and padding; None for other
    /// characters or an empty key.
    pub fn from_base32(text: &str) -> Option<TotpKey> {
        let mut bytes = Vec::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let c = u8::try_from(c.to_ascii_uppercase()).ok()?;
            let value = ALPHABET.iter().position(|&a| a == c)? as u32;
            buffer = (buffer << 5) | value;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push(((buffer >> bits) & 0xff) as u8);
            }
        }
        (!bytes.is_empty()).then_some(TotpKey(bytes))
    }

    /// The key in groups of four, for reading aloud or typing.
    pub fn grouped(&self) -> String {
        let text = self.to_base32();
        text.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `otpauth://` address an authenticator app reads from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECS}",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }
}

/// The time step of an instant.
pub fn step_at(now_ms: i64) -> i64 {
    now_ms.div_euclid(1000).div_euclid(STEP_SECS)
}

/// What is wrong with a typed code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotpRefusal {
    /// Not six digits.
    Malformed,
    /// Six digits, but not the code of any step in the window.
    Wrong,
    /// The code of a step already used (a code is accepted once).
    Reused,
}

super::rules!(TotpRefusal {
    TotpRefusal::Malformed => ("totp.malformed", "请输入身份验证器显示的6位数字动态口令", "Enter the 6-digit code your authenticator app shows"),
    TotpRefusal::Wrong => ("totp.wrong", "动态口令不正确，请核对手机时间后输入最新的口令", "The code is wrong. Check your phone's clock and enter the newest code"),
    TotpRefusal::Reused => ("totp.reused", "该动态口令已经使用过，请等待身份验证器显示下一个口令", "That code has been used. Wait for your authenticator app to show the next one"),
});

/// Typed digits with spaces and full-width digits accepted.
#[cfg(feature = "ssr")]
fn normalise(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(feature = "ssr")]
impl TotpKey {
    /// A new random key.
    pub fn generate() -> TotpKey {
        use rand::RngCore;
        let mut bytes = vec![0u8; KEY_BYTES];
        rand::thread_rng().fill_bytes(&mut bytes);
        TotpKey(bytes)
    }

    /// The six-digit code of a time step (RFC 4226 dynamic truncation).
    pub fn code_at(&self, step: i64) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&self.0).expect("any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[19] & 0x0f) as usize;
        let value = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!("{:06}", value % 1_000_000)
    }

    /// Checks a typed code at `now_ms`: answers the step it belongs to,
    /// which must be later than `last_step` (the last one accepted).
    pub fn verify(&self, typed: &str, now_ms: i64, last_step: i64) -> Result<i64, TotpRefusal> {
        let typed = normalise(typed).ok_or(TotpRefusal::Malformed)?;
        let now = step_at(now_ms);
        let matched = (now - DRIFT_STEPS..=now + DRIFT_STEPS)
            .find(|&step| constant_time_eq(self.code_at(step).as_bytes(), typed.as_bytes()))
            .ok_or(TotpRefusal::Wrong)?;
        if matched <= last_step {
            return Err(TotpRefusal::Reused);
        }
        Ok(matched)
    }
}

#[cfg(feature = "ssr")]
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key "12345678901234567890"; the last six
    /// digits of the published eight-digit codes.
    #[test]
    fn rfc_6238_vectors() {
        let key = TotpKey::from_bytes(b"12345678901234567890");
        for (secs, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(key.code_at(step_at(secs * 1000)), code, "at {secs}");
        }
    }

    #[test]
    fn base32_round_trips_and_reads_as_typed() {
        let key = TotpKey::from_bytes(b"12345678901234567890");
        assert_eq!(key.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpKey::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"),
            Some(key.clone())
        );
        assert_eq!(TotpKey::from_base32("GEZ1"), None);
        assert_eq!(TotpKey::from_base32(""), None);
        let random = TotpKey::generate();
        assert_eq!(TotpKey::from_base32(&random.to_base32()), Some(random));
        assert_eq!(key.grouped().split(' ').count(), 8);
    }

    #[test]
    fn a_code_counts_within_one_step_either_side_and_once() {
        let key = TotpKey::from_bytes(b"12345678901234567890");
        let now = 1_234_567_890_000;
        let step = step_at(now);
        assert_eq!(key.verify(&key.code_at(step), now, 0), Ok(step));
        assert_eq!(key.verify(&key.code_at(step - 1), now, 0), Ok(step - 1));
        assert_eq!(key.verify(&key.code_at(step + 1), now, 0), Ok(step + 1));
        assert_eq!(
            key.verify(&key.code_at(step - 2), now, 0),
            Err(TotpRefusal::Wrong)
        );
        assert_eq!(
            key.verify(&key.code_at(step), now, step),
            Err(TotpRefusal::Reused)
        );
        // The next step's code is still good after this one was used.
        assert_eq!(key.verify(&key.code_at(step + 1), now, step), Ok(step + 1));
        // Typed with spaces or full-width digits.
        let code = key.code_at(step);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(key.verify(&spaced, now, 0), Ok(step));
        let wide: String = code
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        assert_eq!(key.verify(&wide, now, 0), Ok(step));
        assert_eq!(key.verify("12345", now, 0), Err(TotpRefusal::Malformed));
        assert_eq!(key.verify("12345a", now, 0), Err(TotpRefusal::Malformed));
    }

    #[test]
    fn the_app_address_names_issuer_and_account() {
        let key = TotpKey::from_bytes(b"12345678901234567890");
        let uri = key.otpauth_uri("河北交管", "clerk01");
        assert!(uri.starts_with("otpauth://totp/%E6%B2%B3"));
        assert!(uri.contains(":clerk01?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer="));
    }
}
