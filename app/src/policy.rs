//! Security policies (安全策略): one-time SMS codes, sessions and login
//! throttling. Plain numbers and pure functions, shared by the server and the
//! tests; the store enforces them with database queries.

/// How long a one-time SMS code (短信验证码) stays valid.
pub const SMS_CODE_TTL_SECS: i64 = 5 * 60;
/// Minimum gap between two codes to the same phone.
pub const SMS_RESEND_GAP_SECS: i64 = 60;
/// Codes one phone may receive per hour.
pub const SMS_MAX_PER_PHONE_PER_HOUR: i64 = 5;
/// Codes one client address may request per hour.
pub const SMS_MAX_PER_IP_PER_HOUR: i64 = 20;
/// Wrong guesses before a code is void.
pub const SMS_MAX_ATTEMPTS: i64 = 5;
/// Digits in a code.
pub const SMS_CODE_DIGITS: usize = 6;

/// A session ends after this long without a request (空闲超时).
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after login, whatever happens (绝对超时).
pub const SESSION_ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// The session cookie's name unless the platform's configuration file
/// names another (`PlatformProfile::session_cookie`: each platform on one
/// host its own).
pub const SESSION_COOKIE: &str = "jgsid";

/// How long a used or expired SMS code (短信验证码) is kept before the
/// clean-up job deletes it: the hour the sending quota looks back on
/// ([`SMS_MAX_PER_PHONE_PER_HOUR`], [`SMS_MAX_PER_IP_PER_HOUR`]), which
/// counts every code sent, used or not.
pub const SMS_CODE_KEPT_SECS: i64 = 60 * 60;
/// How long login attempts (登录日志) are kept. Throttling reads only the
/// last [`LOGIN_WINDOW_SECS`]; the rest is kept as the network log the
/// Cybersecurity Law asks operators to keep for at least six months
/// (《网络安全法》第二十一条, 网络日志留存不少于六个月): 180 days.
/// Ended sessions (登录会话) go at once: the audit log keeps each login and
/// logout with its address.
pub const LOGIN_ATTEMPTS_KEPT_SECS: i64 = 180 * 24 * 60 * 60;

// The clean-up never deletes what throttling still counts.
const _: () = assert!(SMS_CODE_KEPT_SECS >= 3600 && SMS_CODE_KEPT_SECS > SMS_CODE_TTL_SECS);
const _: () = assert!(LOGIN_ATTEMPTS_KEPT_SECS > LOGIN_WINDOW_SECS);

/// Window in which failed logins are counted.
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
/// Failures (for one identifier from one address) before delays start.
pub const LOGIN_FREE_FAILURES: i64 = 3;
/// Failures from one address (any identifiers) before that address is slowed.
pub const LOGIN_FREE_FAILURES_PER_IP: i64 = 30;
/// Longest delay ever imposed.
pub const LOGIN_MAX_DELAY_SECS: i64 = 60;

/// Delay before the next login attempt may be checked.
///
/// Counting per (identifier, address) slows a guesser at one account without
/// letting a stranger lock the owner out: the owner's own address has its own
/// count. A per-address count slows one machine trying many accounts. The
/// delay doubles per failure and is capped, so nobody is ever locked out.
pub fn login_delay_secs(failures_for_identifier_from_ip: i64, failures_from_ip: i64) -> i64 {
    let per_pair = failures_for_identifier_from_ip - LOGIN_FREE_FAILURES;
    let per_ip = (failures_from_ip - LOGIN_FREE_FAILURES_PER_IP) / 5;
    doubling_delay_secs(per_pair.max(per_ip))
}

/// 2, 4, 8 … seconds for 1, 2, 3 … steps over the free failures, capped at
/// [`LOGIN_MAX_DELAY_SECS`]; nothing for none.
fn doubling_delay_secs(steps: i64) -> i64 {
    if steps <= 0 {
        0
    } else {
        (1i64 << steps.min(6)).min(LOGIN_MAX_DELAY_SECS)
    }
}

/// Failures for one identifier from any address before every login to it
/// is slowed (the per-account limit across addresses, 按账户限制): many
/// machines guessing one password share one count. The owner is never
/// locked out: the wait is at most [`LOGIN_MAX_DELAY_SECS`] after the last
/// failure.
pub const LOGIN_FREE_FAILURES_PER_ACCOUNT: i64 = 10;

/// The failed logins in the window that decide how long the next try
/// waits: how many, and the newest, for each count the limits keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// This identifier from this address, since the pair's last success.
    pub pair: i64,
    pub pair_last_ms: Option<i64>,
    /// From this address, for any identifier.
    pub ip: i64,
    pub ip_last_ms: Option<i64>,
    /// For this identifier, from any address.
    pub account: i64,
    pub account_last_ms: Option<i64>,
}

/// Milliseconds the next login try must wait (0: it may go ahead): each
/// limit that is over its free failures delays from its own newest failure,
/// and the longest wait counts.
pub fn login_wait_ms(now_ms: i64, failures: &LoginFailures) -> i64 {
    let limits = [
        (failures.pair - LOGIN_FREE_FAILURES, failures.pair_last_ms),
        (
            (failures.ip - LOGIN_FREE_FAILURES_PER_IP) / 5,
            failures.ip_last_ms,
        ),
        (
            failures.account - LOGIN_FREE_FAILURES_PER_ACCOUNT,
            failures.account_last_ms,
        ),
    ];
    limits
        .into_iter()
        .filter_map(|(steps, last)| {
            let delay = doubling_delay_secs(steps);
            (delay > 0).then(|| last.unwrap_or(now_ms) + delay * 1000 - now_ms)
        })
        .max()
        .unwrap_or(0)
        .max(0)
}

/// Seconds a password-reset code request must wait, from this requester's
/// own history only (one ID number from one address, and the address), so
/// that the answer never depends on whether an account exists: at least the
/// SMS resend gap since the last request, and the login delays once the
/// requests add up.
pub fn reset_request_wait_secs(
    now_ms: i64,
    last_request_ms: Option<i64>,
    requests_for_identifier_from_ip: i64,
    failures_from_ip: i64,
) -> i64 {
    let Some(last) = last_request_ms else {
        return 0;
    };
    let delay = login_delay_secs(requests_for_identifier_from_ip, failures_from_ip)
        .max(SMS_RESEND_GAP_SECS);
    let wait_ms = last + delay * 1000 - now_ms;
    if wait_ms <= 0 {
        0
    } else {
        (wait_ms + 999) / 1000
    }
}

/// Whether a session created at `created_ms` and last used at `last_seen_ms`
/// is still alive at `now_ms`.
pub fn session_alive(created_ms: i64, last_seen_ms: i64, now_ms: i64) -> bool {
    now_ms - last_seen_ms <= SESSION_IDLE_SECS * 1000
        && now_ms - created_ms <= SESSION_ABSOLUTE_SECS * 1000
}

/// Verdict on a new SMS code request, from recent history.
#[derive(Debug, PartialEq, Eq)]
pub enum SmsQuota {
    Allowed,
    /// Wait this many seconds.
    Wait(i64),
}

/// Decides whether one more code may be sent.
/// `last_to_phone_ms`: when the newest code went to this phone, if any;
/// `sent_to_phone_last_hour` and `requested_by_ip_last_hour`: counts.
pub fn sms_quota(
    now_ms: i64,
    last_to_phone_ms: Option<i64>,
    sent_to_phone_last_hour: i64,
    requested_by_ip_last_hour: i64,
) -> SmsQuota {
    if let Some(last) = last_to_phone_ms {
        let since = (now_ms - last) / 1000;
        if since < SMS_RESEND_GAP_SECS {
            return SmsQuota::Wait(SMS_RESEND_GAP_SECS - since);
        }
    }
    if sent_to_phone_last_hour >= SMS_MAX_PER_PHONE_PER_HOUR
        || requested_by_ip_last_hour >= SMS_MAX_PER_IP_PER_HOUR
    {
        return SmsQuota::Wait(3600);
    }
    SmsQuota::Allowed
}

/// Longest return path (`next`, `back`) accepted.
pub const RETURN_PATH_MAX_CHARS: usize = 512;

/// The one check for a path this site redirects to after login or a
/// language switch (`?next=`, `?back=`, the Referer): a path on this site,
/// never another site. Accepts `/` alone or a path that starts with a single
/// `/` followed by neither `/` nor `\`; refuses control characters and
/// whitespace (browsers drop tabs and newlines, turning `/\t/x` into
/// `//x`), `//` and `/\` anywhere, and percent-encoded slashes and
/// backslashes (which a second decoding would turn into the same). A scheme
/// (`https:`, `javascript:`) cannot pass because the first character must
/// be `/`.
pub fn safe_return_path(raw: &str) -> Option<&str> {
    if raw.is_empty() || raw.chars().count() > RETURN_PATH_MAX_CHARS {
        return None;
    }
    // Only visible ASCII: a redirect's Location header can carry nothing
    // else (browsers send other characters percent-encoded), and it rules
    // out control characters, white space and look-alikes in one step.
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut chars = raw.chars();
    if chars.next() != Some('/') {
        return None;
    }
    if matches!(chars.next(), Some('/') | Some('\\')) {
        return None;
    }
    if raw.contains("//") || raw.contains("/\\") || raw.contains("\\/") {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    Some(raw)
}

/// A fine-payment order can be paid for 15 minutes; then a new one is opened
/// (a late bank payment of the old one is still accepted, never lost).
pub const PAYMENT_ORDER_TTL_SECS: i64 = 15 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        for good in [
            "/",
            "/account",
            "/account/vehicles",
            "/account/contact?target=licence",
            "/account/apply/D2?draft=3#top",
            "/account/violations/12",
        ] {
            assert_eq!(safe_return_path(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "account",
            "//evil.example",
            "//evil.example/account",
            "/\\evil.example",
            "\\\\evil.example",
            "/%5Cevil",
            "/%5cevil.example",
            "/%2F%2Fevil.example",
            "/%2fevil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "/account//x",
            "/account/\\x",
            "/\t/evil.example",
            "/\n/evil.example",
            "/account\r\nSet-Cookie: x=1",
            " /account",
            "/account page",
            "/\u{0}x",
            "/account/中文",
            "/\u{FEFF}account",
        ] {
            assert_eq!(safe_return_path(bad), None, "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(RETURN_PATH_MAX_CHARS));
        assert_eq!(safe_return_path(&long), None);
    }

    #[test]
    fn a_few_failures_cost_nothing_then_delays_double_and_cap() {
        assert_eq!(login_delay_secs(0, 0), 0);
        assert_eq!(login_delay_secs(3, 3), 0);
        assert_eq!(login_delay_secs(4, 4), 2);
        assert_eq!(login_delay_secs(5, 5), 4);
        assert_eq!(login_delay_secs(20, 20), LOGIN_MAX_DELAY_SECS);
    }

    #[test]
    fn the_longest_wait_of_the_three_limits_counts() {
        let none = LoginFailures::default();
        assert_eq!(login_wait_ms(1_000_000, &none), 0);
        // Three free failures for the pair; the fourth try waits 2 s from
        // the last failure.
        let pair = LoginFailures {
            pair: 4,
            pair_last_ms: Some(999_000),
            ip: 4,
            ip_last_ms: Some(999_000),
            account: 4,
            account_last_ms: Some(999_000),
        };
        assert_eq!(login_wait_ms(1_000_000, &pair), 1_000);
        assert_eq!(login_wait_ms(1_001_000, &pair), 0);
        // Many addresses, one account: eleven failures slow every address,
        // even one that never failed itself.
        let spread = LoginFailures {
            account: 11,
            account_last_ms: Some(1_000_000),
            ..none
        };
        assert_eq!(login_wait_ms(1_000_000, &spread), 2_000);
        let flood = LoginFailures {
            account: 500,
            ..spread
        };
        assert_eq!(
            login_wait_ms(1_000_000, &flood),
            LOGIN_MAX_DELAY_SECS * 1000
        );
        // A failure now with no time recorded (still being checked) waits
        // the whole delay.
        let pending = LoginFailures { pair: 4, ..none };
        assert_eq!(login_wait_ms(5_000, &pending), 2_000);
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed() {
        assert_eq!(login_delay_secs(1, 30), 0);
        assert!(login_delay_secs(1, 40) > 0);
    }

    #[test]
    fn reset_requests_wait_for_the_resend_gap_then_slow_down() {
        assert_eq!(reset_request_wait_secs(1_000_000, None, 0, 0), 0);
        // A second request 20 s after the first waits the rest of the minute.
        assert_eq!(
            reset_request_wait_secs(1_020_000, Some(1_000_000), 1, 1),
            40
        );
        assert_eq!(reset_request_wait_secs(1_060_000, Some(1_000_000), 1, 1), 0);
        // Many requests: the login delay, capped at a minute, still applies.
        assert_eq!(
            reset_request_wait_secs(1_000_500, Some(1_000_000), 20, 20),
            60
        );
        // One address asking for very many ID numbers is slowed too.
        assert!(reset_request_wait_secs(1_000_000, Some(1_000_000), 1, 200) > 0);
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let h = 3600 * 1000;
        assert!(session_alive(0, 0, 10 * 60 * 1000));
        assert!(!session_alive(0, 0, 31 * 60 * 1000));
        assert!(session_alive(0, 11 * h + 50 * 60 * 1000, 12 * h));
        assert!(!session_alive(0, 12 * h, 12 * h + 1000));
    }

    #[test]
    fn sms_quota_enforces_gap_and_hourly_limits() {
        assert_eq!(sms_quota(100_000, None, 0, 0), SmsQuota::Allowed);
        assert_eq!(sms_quota(100_000, Some(70_000), 1, 1), SmsQuota::Wait(30));
        assert_eq!(sms_quota(200_000, Some(70_000), 1, 1), SmsQuota::Allowed);
        assert_eq!(sms_quota(200_000, None, 5, 0), SmsQuota::Wait(3600));
        assert_eq!(sms_quota(200_000, None, 0, 20), SmsQuota::Wait(3600));
    }
}
