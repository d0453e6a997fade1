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
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "jgsid";

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
    let steps = per_pair.max(per_ip);
    if steps <= 0 {
        0
    } else {
        (1i64 << steps.min(6)).min(LOGIN_MAX_DELAY_SECS)
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

/// A fine-payment order can be paid for 15 minutes; then a new one is opened
/// (a late bank payment of the old one is still accepted, never lost).
pub const PAYMENT_ORDER_TTL_SECS: i64 = 15 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_cost_nothing_then_delays_double_and_cap() {
        assert_eq!(login_delay_secs(0, 0), 0);
        assert_eq!(login_delay_secs(3, 3), 0);
        assert_eq!(login_delay_secs(4, 4), 2);
        assert_eq!(login_delay_secs(5, 5), 4);
        assert_eq!(login_delay_secs(20, 20), LOGIN_MAX_DELAY_SECS);
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed() {
        assert_eq!(login_delay_secs(1, 30), 0);
        assert!(login_delay_secs(1, 40) > 0);
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
