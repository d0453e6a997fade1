//! Property tests of every parser of outside input (issue 11, "Parsers"):
//! the domain's typed codes ([`codes`]), its other values ([`values`]) and
//! the features' form, cookie and query parsers ([`features`]). Fuzzing
//! tools need a nightly toolchain; proptest runs on stable. Each parser
//! must never panic on any input, and where the parser has a rule the
//! property states it: the canonical text parses back to the same value,
//! a code is accepted exactly when its check character is right, what an
//! input method types (full-width forms, 全角) is the same code.

use proptest::collection::vec;
use proptest::prelude::*;

mod codes;
#[cfg(feature = "ssr")]
mod features;
mod values;

/// Cases per property: enough to reach the corners, few enough that the
/// whole suite stays fast on two cores.
pub const CASES: u32 = 384;

/// The configuration of every property here: no regression files written
/// into the tree (a failure prints its minimal input instead).
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters that trouble parsers: white space of every kind, the
/// separators people type, full-width forms, control characters, letters
/// whose case mapping changes their length, combining and invisible marks,
/// characters outside the Basic Multilingual Plane.
pub const TROUBLE: &str = " \u{3000}\t\n\r-·.+xX０９Ａｘ＋－\u{0}\u{7f}\u{85}\u{a0}İßﬃé\u{301}\u{200b}\u{feff}冀京中文Ł🙂%=&;,\"'\\/~";

/// A string of up to `max` characters from `alphabet` and [`TROUBLE`].
pub fn noisy(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().chain(TROUBLE.chars()).collect();
    vec(prop::sample::select(chars), 0..=max).prop_map(String::from_iter)
}

/// Any input at all: arbitrary Unicode (control characters included), or
/// a string near the parser's own alphabet, where the interesting cases are.
pub fn any_input(alphabet: &'static str, max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        vec(any::<char>(), 0..=max).prop_map(String::from_iter),
        noisy(alphabet, max),
    ]
    .boxed()
}

/// A string of exactly `len` characters from `alphabet`.
pub fn from_alphabet(alphabet: &'static str, len: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().collect();
    vec(prop::sample::select(chars), len).prop_map(String::from_iter)
}

/// As a Chinese input method in full-width mode types it (全角): ASCII
/// letters, digits and signs as U+FF01–U+FF5E, the space as U+3000.
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).expect("full-width form"),
            c => c,
        })
        .collect()
}

/// `s` with white space put in before the characters chosen by `at`
/// (indices, taken modulo the length), as pasted numbers carry it.
pub fn spaced(s: &str, at: &[usize], space: &str) -> String {
    let n = s.chars().count().max(1);
    let cut: Vec<usize> = at.iter().map(|i| i % n).collect();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && cut.contains(&i) {
            out.push_str(space);
        }
        out.push(c);
    }
    out
}

/// A separator between the characters of a pasted code.
pub fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![" ", "\u{3000}", "\t", "  "])
}
