//! Property tests of the server's parsers of outside input (issue 11,
//! "Parsers"; the domain's own are in `app::domain`'s): the registry
//! import ([`import`]), the payment gateways' notices and keys
//! ([`payments`]), the cookies, queries and headers the HTTP layers read
//! ([`http`]) and the settings and stored rows ([`settings`]). Each must
//! never panic on any input; where there is a rule, the property states it.

use proptest::collection::vec;
use proptest::prelude::*;

mod http;
mod import;
mod payments;
mod settings;

/// Cases per property (the suite stays fast on two cores).
pub const CASES: u32 = 256;

/// No regression files written into the tree: a failure prints its
/// minimal input instead.
pub fn config() -> ProptestConfig {
    config_with(CASES)
}

/// As [`config`], with fewer cases for the slow properties (RSA, HTTP).
pub fn config_with(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters that trouble parsers: white space and line breaks of every
/// kind, separators, quotes, full-width forms, control characters, letters
/// whose case mapping changes their length, characters beyond the BMP.
pub const TROUBLE: &str = " \u{3000}\t\n\r-·.+xX０９Ａ＋\u{0}\u{7f}\u{85}\u{a0}İßé\u{301}\u{200b}\u{feff}冀京中文🙂%=&;,\"'\\/:~";

/// A string of up to `max` characters from `alphabet` and [`TROUBLE`].
pub fn noisy(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().chain(TROUBLE.chars()).collect();
    vec(prop::sample::select(chars), 0..=max).prop_map(String::from_iter)
}

/// Any input: arbitrary Unicode (control characters too), or a string
/// near the parser's own alphabet.
pub fn any_input(alphabet: &'static str, max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        vec(any::<char>(), 0..=max).prop_map(String::from_iter),
        noisy(alphabet, max),
    ]
    .boxed()
}
