//! The bad-input cases of roaming (漫游): the home platform's consent and
//! agreement, the visited platform's start and return, and the
//! server-to-server exchange, notices and credential status requests. The test platform trusts no
//! peer, so every province asked for is refused by name.

use super::E::*;
use super::{Case, ANON, ONLINE};

#[rustfmt::skip]
pub(super) const ROAMING_CASES: &[Case] = &[
    ("/api/roaming/consent", ONLINE, &[("aud", "京")], Malformed),
    ("/api/roaming/consent", ONLINE, &[("aud", "京"), ("state", "x"), ("nonce", "y")], Kind("NotFound", "未与该省份的平台建立互信")),
    ("/api/roaming/grant", ONLINE, &[("state", "x"), ("nonce", "y")], Malformed),
    ("/api/roaming/grant", ONLINE, &[("aud", "BIG"), ("state", "BIG"), ("nonce", "")], Kind("NotFound", "未与该省份的平台建立互信")),
    ("/roam/start", ANON, &[], To("/login?roaming=unknown_issuer")),
    ("/roam/start", ANON, &[("home", "BIG")], To("/login?roaming=unknown_issuer")),
    ("/roam/callback", ANON, &[], To("/login?roaming=state_mismatch")),
    ("/roam/callback", ANON, &[("code", "BIG"), ("state", "<x>")], To("/login?roaming=state_mismatch")),
    ("/roam/token", ANON, &[], Status(400, "malformed")),
    ("/roam/token", ANON, &[("request", "BIG")], Status(400, "malformed")),
    ("/roam/notice", ANON, &[], Status(400, "malformed")),
    ("/roam/notice", ANON, &[("notice", "a.b.c")], Status(400, "malformed")),
    ("/roam/credential-status", ANON, &[], Status(400, "malformed")),
    ("/roam/credential-status", ANON, &[("request", "BIG")], Status(400, "malformed")),
];
