//! Plate pre-selection (机动车预选号牌, V7): the city's pattern for custom
//! numbers, the numbers withheld by rule, the limits, and the fair random
//! draw.
//!
//! ## The fair draw (公开可验证的随机选号)
//! Before a batch is drawn the server picks a random 32-byte seed and
//! publishes its commitment `SHA-256(seed)` (hex). It then draws the batch
//! with [`draw_batch`] from the pool's available numbers sorted in
//! ascending order, and reveals the seed with the batch. Anyone can check
//! that the revealed seed hashes to the commitment and re-run the draw:
//!
//! 1. `candidates` = the available numbers, sorted ascending (byte order).
//! 2. For `i = 0, 1, 2, …` until the batch is full or `candidates` is empty:
//!    `h = SHA-256(seed ‖ u32_be(i))`; `r` = the first 8 bytes of `h` as a
//!    big-endian u64; take `candidates[r mod len]` and remove it.
//!
//! The server cannot choose the batch after seeing who asks (the seed is
//! fixed first), and the person cannot predict it (the seed is secret until
//! the draw). The seed the batch is drawn with mixes in the person's own
//! characters ([`effective_seed`], [`client_nonce`]): used as typed, as
//! UTF-8, and shown with their bytes after the draw.

use super::coded_enum;
use super::plate::fold_typed;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Characters a plate serial may use: digits and letters without I and O.
pub const SERIAL_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// An ordinary small-car serial has five characters.
pub const SERIAL_LEN: usize = 5;
/// At most two letters in a custom (自编自选) serial.
pub const MAX_LETTERS: usize = 2;
/// Numbers offered in one random batch (随机选号).
pub const BATCH_SIZE: usize = 10;
/// Random batches per vehicle (VIN).
pub const MAX_BATCHES_PER_VIN: u32 = 3;
/// Seconds to pick a number from a live batch.
pub const PICK_SECS: i64 = 120;
/// Seconds a chosen number is held until confirmed.
pub const HOLD_SECS: i64 = 300;
/// Extra seconds a person may ask for, once per hold.
pub const EXTENSION_SECS: i64 = 120;

/// How a number was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SelectionWay {
    Random,
    Custom,
}

coded_enum!(SelectionWay {
    Random => ("random", "随机选号", "Random choice"),
    Custom => ("custom", "自编自选", "Custom choice"),
});

/// Why a custom serial is not possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SerialProblem {
    Length,
    Character,
    TooManyLetters,
    /// Withheld by rule (reserved series): all the same, or a straight run.
    Withheld,
}

impl SerialProblem {
    pub fn zh(self) -> &'static str {
        match self {
            SerialProblem::Length => "号牌号码序号应为5位",
            SerialProblem::Character => "只能使用数字和字母，不能使用I和O",
            SerialProblem::TooManyLetters => "自编号码最多包含2个字母",
            SerialProblem::Withheld => "该号码属于保留号段（五位相同或顺序连号），不对外发放",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            SerialProblem::Length => "The serial has 5 characters",
            SerialProblem::Character => "Only digits and letters other than I and O",
            SerialProblem::TooManyLetters => "A custom serial has at most 2 letters",
            SerialProblem::Withheld => "This number is in a reserved series (all the same, or a straight run) and is not issued",
        }
    }
}

fn allowed(c: char) -> bool {
    SERIAL_ALPHABET.contains(c)
}

/// Numbers withheld by rule (保留号段): five identical characters, or a
/// straight ascending or descending run of digits (12345, 98765).
pub fn is_withheld(serial: &str) -> bool {
    let b = serial.as_bytes();
    if b.len() != SERIAL_LEN {
        return false;
    }
    let same = b.iter().all(|c| *c == b[0]);
    let digits = b.iter().all(u8::is_ascii_digit);
    let up = digits && b.windows(2).all(|w| w[1] == w[0] + 1);
    let down = digits && b.windows(2).all(|w| w[0] == w[1] + 1);
    same || up || down
}

/// Checks a custom serial under the pattern, as typed (full-width, lower
/// case, spaces and separators folded by [`fold_typed`]); the city prefix
/// may be typed in front ("冀a·12346" for the 冀A pool). Serials starting
/// with one of the city's withheld series (保留号段) are withheld too.
pub fn check_custom_serial(
    input: &str,
    city: &str,
    withheld_series: &[String],
) -> Result<String, SerialProblem> {
    let folded = fold_typed(input);
    let s = folded
        .strip_prefix(&fold_typed(city))
        .unwrap_or(&folded)
        .to_string();
    if !s.chars().all(allowed) {
        return Err(SerialProblem::Character);
    }
    if s.chars().count() != SERIAL_LEN {
        return Err(SerialProblem::Length);
    }
    if s.chars().filter(char::is_ascii_alphabetic).count() > MAX_LETTERS {
        return Err(SerialProblem::TooManyLetters);
    }
    if is_withheld(&s) || withheld_series.iter().any(|w| s.starts_with(w.as_str())) {
        return Err(SerialProblem::Withheld);
    }
    Ok(s)
}

/// The characters that may come next after `prefix` (what the custom
/// choice page shows as still possible), ignoring which numbers are taken.
pub fn possible_next(prefix: &str) -> Vec<char> {
    let prefix = fold_typed(prefix);
    if prefix.chars().count() >= SERIAL_LEN || !prefix.chars().all(allowed) {
        return Vec::new();
    }
    let letters = prefix.chars().filter(char::is_ascii_alphabetic).count();
    let last = prefix.chars().count() + 1 == SERIAL_LEN;
    SERIAL_ALPHABET
        .chars()
        .filter(|c| !(c.is_ascii_alphabetic() && letters >= MAX_LETTERS))
        .filter(|c| !last || !is_withheld(&format!("{prefix}{c}")))
        .collect()
}

/// The published commitment to a seed: SHA-256, hex.
pub fn commitment(seed: &[u8; 32]) -> String {
    hex_of(&Sha256::digest(seed))
}

/// Draws a batch fairly and reproducibly from `available` (see the module
/// documentation for the algorithm anyone can re-run).
pub fn draw_batch(seed: &[u8; 32], available: &[String], size: usize) -> Vec<String> {
    let mut candidates: Vec<&String> = available.iter().collect();
    candidates.sort();
    candidates.dedup();
    let mut batch = Vec::with_capacity(size.min(candidates.len()));
    let mut i: u32 = 0;
    while batch.len() < size && !candidates.is_empty() {
        let mut h = Sha256::new();
        h.update(seed);
        h.update(i.to_be_bytes());
        let digest = h.finalize();
        let r = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        let pick = (r % candidates.len() as u64) as usize;
        batch.push(candidates.remove(pick).clone());
        i += 1;
    }
    batch
}

/// The seed a batch is drawn with: SHA-256 of the server's committed seed
/// and the person's own nonce (sent after seeing the commitment), so that
/// neither side alone decides the batch.
pub fn effective_seed(server_seed: &[u8; 32], client_nonce: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(server_seed);
    h.update(client_nonce.as_bytes());
    h.finalize().into()
}

/// The most characters (Unicode scalar values) the person's own nonce may
/// have; the page's field stops there too.
pub const MAX_NONCE_CHARS: usize = 64;

/// Why the person's own characters cannot be used as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NonceProblem {
    TooLong {
        chars: usize,
    },
    /// Line breaks, tabs and other control characters cannot be seen on the
    /// page, so nobody could check the draw with them.
    ControlCharacter,
}

impl NonceProblem {
    pub fn zh(self) -> String {
        match self {
            NonceProblem::TooLong { chars } => {
                format!("随机字符最多{MAX_NONCE_CHARS}个，您输入了{chars}个")
            }
            NonceProblem::ControlCharacter => "随机字符不能包含换行、制表符等控制字符".into(),
        }
    }
    pub fn en(self) -> String {
        match self {
            NonceProblem::TooLong { chars } => {
                format!("At most {MAX_NONCE_CHARS} characters; you typed {chars}")
            }
            NonceProblem::ControlCharacter => {
                "Your characters cannot include line breaks, tabs or other control characters"
                    .into()
            }
        }
    }
}

/// The person's own characters (the nonce) exactly as the draw uses them:
/// what they typed, without leading and trailing white space. Nothing else
/// is changed — Chinese, emoji and punctuation all count — because any text
/// is sound here: [`effective_seed`] hashes its UTF-8 bytes, and the page
/// shows the nonce and those bytes after the draw. Refused, never cut:
/// more than [`MAX_NONCE_CHARS`] characters, or a control character.
pub fn client_nonce(typed: &str) -> Result<String, NonceProblem> {
    let nonce = typed.trim();
    let chars = nonce.chars().count();
    if chars > MAX_NONCE_CHARS {
        return Err(NonceProblem::TooLong { chars });
    }
    if nonce.chars().any(char::is_control) {
        return Err(NonceProblem::ControlCharacter);
    }
    Ok(nonce.to_string())
}

/// A digest of the pool a batch was drawn from: SHA-256 (hex) of the
/// sorted available numbers joined by newlines.
pub fn pool_digest(available: &[String]) -> String {
    let mut sorted: Vec<&String> = available.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut h = Sha256::new();
    for (i, plate) in sorted.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(plate.as_bytes());
    }
    hex_of(&h.finalize())
}

/// Parses a 64-character hex seed.
pub fn parse_seed(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        let s = std::str::from_utf8(chunk).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// Hex of bytes (seeds and digests).
pub fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn custom_serials_follow_the_city_pattern() {
        let check = |s: &str| check_custom_serial(s, "冀A", &["8888".into()]);
        assert_eq!(check(" a12 3b "), Ok("A123B".into()));
        assert_eq!(
            check("88881"),
            Err(SerialProblem::Withheld),
            "a withheld series"
        );
        assert!(check_custom_serial("88881", "冀A", &[]).is_ok());
        assert_eq!(check("A1234B"), Err(SerialProblem::Length));
        assert_eq!(check("AI123"), Err(SerialProblem::Character));
        assert_eq!(check("ABC12"), Err(SerialProblem::TooManyLetters));
        assert_eq!(check("88888"), Err(SerialProblem::Withheld));
        assert_eq!(check("12345"), Err(SerialProblem::Withheld));
        assert_eq!(check("54321"), Err(SerialProblem::Withheld));
        assert!(check("12346").is_ok());
    }

    #[test]
    fn custom_serials_are_accepted_as_people_type_them() {
        let check = |s: &str| check_custom_serial(s, "冀A", &[]);
        assert_eq!(check("ａ１２３ｂ"), Ok("A123B".into()));
        assert_eq!(check("冀a·12346"), Ok("12346".into()));
        assert_eq!(check("冀Ａ　１２３４６"), Ok("12346".into()));
        assert_eq!(check("A1-23B"), Ok("A123B".into()));
        assert_eq!(
            check("京A12346"),
            Err(SerialProblem::Character),
            "another city's prefix is not this pool's"
        );
        assert_eq!(possible_next("ａｂ１"), possible_next("AB1"));
    }

    #[test]
    fn the_page_shows_which_characters_are_still_possible() {
        let after_two_letters = possible_next("AB1");
        assert!(after_two_letters.iter().all(char::is_ascii_digit));
        assert!(!possible_next("1234").contains(&'5'), "12345 is withheld");
        assert!(!possible_next("8888").contains(&'8'));
        assert!(possible_next("A").contains(&'Z'));
        assert!(!possible_next("").contains(&'I'));
        assert!(possible_next("12345").is_empty());
    }

    #[test]
    fn the_draw_is_reproducible_from_the_revealed_seed() {
        let pool: Vec<String> = (0..100).map(|n| format!("{:05}", n * 7 + 10000)).collect();
        let seed = [7u8; 32];
        let a = draw_batch(&seed, &pool, BATCH_SIZE);
        let mut shuffled = pool.clone();
        shuffled.reverse();
        assert_eq!(
            a,
            draw_batch(&seed, &shuffled, BATCH_SIZE),
            "order of the pool does not matter"
        );
        assert_ne!(a, draw_batch(&[8u8; 32], &pool, BATCH_SIZE));
        assert_eq!(commitment(&seed).len(), 64);
        assert_eq!(
            commitment(&[0u8; 32]),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
    }

    #[test]
    fn the_nonce_is_used_as_typed() {
        assert_eq!(
            client_nonce("我的幸运😀 OR 1=1").as_deref(),
            Ok("我的幸运😀 OR 1=1")
        );
        assert_eq!(
            client_nonce("  E2E 2026\u{3000}").as_deref(),
            Ok("E2E 2026")
        );
        assert_eq!(client_nonce("").as_deref(), Ok(""));
        assert_eq!(
            client_nonce(&"字".repeat(MAX_NONCE_CHARS)).map(|n| n.chars().count()),
            Ok(MAX_NONCE_CHARS)
        );
        assert_eq!(
            client_nonce(&"字".repeat(MAX_NONCE_CHARS + 1)),
            Err(NonceProblem::TooLong {
                chars: MAX_NONCE_CHARS + 1
            })
        );
        assert_eq!(client_nonce("a\tb"), Err(NonceProblem::ControlCharacter));
        // Different text, different batch: every character counts.
        let seed = [3u8; 32];
        assert_ne!(
            effective_seed(&seed, "我的幸运😀 OR 1=1"),
            effective_seed(&seed, "OR11")
        );
        assert_eq!(
            hex_of("😀".as_bytes()),
            "f09f9880",
            "the page shows the nonce's UTF-8 bytes"
        );
    }

    proptest! {
        #[test]
        fn a_batch_has_distinct_available_numbers(seed in any::<[u8; 32]>(), n in 0usize..40) {
            let pool: Vec<String> = (0..n).map(|k| format!("{:05}", 20000 + k)).collect();
            let batch = draw_batch(&seed, &pool, BATCH_SIZE);
            prop_assert_eq!(batch.len(), n.min(BATCH_SIZE));
            let mut unique = batch.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), batch.len());
            prop_assert!(batch.iter().all(|b| pool.contains(b)));
        }
    }
}
