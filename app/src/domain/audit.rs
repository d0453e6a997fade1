//! The audit log's rules (审计日志): each recorded action's stable code
//! (as stored in `audit_log.action`) said as a clerk reads it, the security
//! events it records (安全事件: refused logins, refused powers, refused
//! cross-site requests), the masking of ID numbers in what it keeps, and
//! its hash chain ([`chain`]).

use super::application::ApplicationEvent;

mod actions;
pub mod chain;

use actions::ACTIONS;

/// The action code of a wrong second-factor code (written by the store in
/// the transaction that counts it).
pub const SECOND_FACTOR_FAILED: &str = "staff.second_factor_failed";
/// The action code of a login that did not succeed.
pub const LOGIN_FAILED: &str = "security.login_failed";
/// The action code of a staff power refused to a logged-in account.
pub const PERMISSION_DENIED: &str = "security.permission_denied";
/// The action code of a state-changing request refused as cross-site.
pub const CROSS_SITE_REFUSED: &str = "security.cross_site_refused";

/// A security event (安全事件): something refused, recorded in the audit
/// log with its own action code. What the requester typed or sent is kept
/// short and with ID numbers masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityEvent {
    /// 登录失败: `identifier` as typed (kept masked); `reason` a short
    /// word such as `password`, `unknown`, `disabled`, `throttled`.
    LoginFailed { identifier: String, reason: String },
    /// 越权操作被拒绝: a logged-in account asked for a staff power its role
    /// lacks; `wanted` names the power(s), `entry` where it was asked.
    PermissionDenied {
        account_id: i64,
        wanted: String,
        entry: String,
    },
    /// 跨站请求被拒绝 (CSRF): a state-changing request the origin check
    /// refused; `evidence` says which header (or its absence) decided.
    CrossSiteRefused {
        method: String,
        path: String,
        evidence: String,
    },
}

impl SecurityEvent {
    /// The stored action code.
    pub fn action(&self) -> &'static str {
        match self {
            SecurityEvent::LoginFailed { .. } => LOGIN_FAILED,
            SecurityEvent::PermissionDenied { .. } => PERMISSION_DENIED,
            SecurityEvent::CrossSiteRefused { .. } => CROSS_SITE_REFUSED,
        }
    }

    /// The subject: whom or what it was about.
    pub fn subject(&self) -> String {
        match self {
            SecurityEvent::LoginFailed { identifier, .. } => {
                format!("login:{}", masked_identifier(identifier))
            }
            SecurityEvent::PermissionDenied { account_id, .. } => format!("account:{account_id}"),
            SecurityEvent::CrossSiteRefused { path, .. } => {
                format!("path:{}", mask_id_numbers(&clipped(path, 200)))
            }
        }
    }

    /// The detail: why.
    pub fn detail(&self) -> String {
        let detail = match self {
            SecurityEvent::LoginFailed { reason, .. } => clipped(reason, 100),
            SecurityEvent::PermissionDenied { wanted, entry, .. } => {
                format!("{} needs {}", clipped(entry, 200), clipped(wanted, 200))
            }
            SecurityEvent::CrossSiteRefused {
                method, evidence, ..
            } => format!("{} {}", clipped(method, 10), clipped(evidence, 200)),
        };
        mask_id_numbers(&detail)
    }
}

/// A login identifier as the audit log keeps it: mobile numbers as
/// `138****1234` and ID numbers as `110101********1234` wherever they stand
/// (`phone:13800001234` too), anything else (a staff username, a credit
/// code, a typo) as typed, cut to 64 characters.
pub fn masked_identifier(raw: &str) -> String {
    mask_tokens(&clipped(raw.trim(), 64), |token| {
        let b = token.as_bytes();
        (b.len() == 11 && b[0] == b'1' && b.iter().all(u8::is_ascii_digit))
            .then(|| format!("{}****{}", &token[0..3], &token[7..11]))
            .or_else(|| id_number_masked(token))
    })
}

/// Every ID number (居民身份证号码) in `text` masked as
/// `110101********1234`: a run of 17 digits and a digit or X standing
/// alone (not inside a longer run of letters and digits). Checked or not
/// (a typo is a person's number all the same). Audit subjects and details
/// pass here before they are stored, and so do log fields that carry
/// what a person typed.
pub fn mask_id_numbers(text: &str) -> String {
    mask_tokens(text, id_number_masked)
}

/// `text` with each run of ASCII letters and digits that `mask` masks
/// replaced by its mask.
fn mask_tokens(text: &str, mask: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(run.len());
        let token = &run[..end];
        match mask(token) {
            Some(masked) => out.push_str(&masked),
            None => out.push_str(token),
        }
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

/// An ID number, masked; None for anything else.
fn id_number_masked(token: &str) -> Option<String> {
    is_id_number_shaped(token).then(|| format!("{}********{}", &token[..6], &token[14..]))
}

/// 17 ASCII digits and a digit or X (either case).
fn is_id_number_shaped(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// At most `max` characters, control characters dropped (what a
/// requester sent goes into the log as one line).
pub fn clipped(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// The action in words; a code not in the table is shown as recorded.
pub fn action_words(action: &str) -> (String, String) {
    if let Some((_, zh, en)) = ACTIONS.iter().find(|(code, ..)| *code == action) {
        return (zh.to_string(), en.to_string());
    }
    // A clerk's step on an application: "application.<event>".
    if let Some(event) = action
        .strip_prefix("application.")
        .and_then(ApplicationEvent::from_code)
    {
        return (
            format!("业务办理：{}", event.zh()),
            format!("Application: {}", event.en()),
        );
    }
    (action.to_string(), action.to_string())
}

/// What an entry of a unit's audit is about, in words: the unit's own
/// account, one of its operators (by login and name), a violation; any
/// other subject as recorded.
pub fn unit_subject_words(
    subject: &str,
    unit_account_id: i64,
    operator: Option<&str>,
) -> (String, String) {
    if subject == format!("account:{unit_account_id}") {
        return ("本单位账户".into(), "The unit's account".into());
    }
    if let (Some(_), Some(name)) = (subject.strip_prefix("operator:"), operator) {
        return (format!("经办人{name}"), format!("Operator {name}"));
    }
    if let Some(key) = subject.strip_prefix("api_key:") {
        return (format!("开放接口密钥{key}"), format!("Open API key {key}"));
    }
    if let Some(id) = subject.strip_prefix("violation:") {
        return (
            format!("违法记录（编号{id}）"),
            format!("Violation record {id}"),
        );
    }
    (subject.to_string(), subject.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_as_words() {
        assert_eq!(action_words("blacklist.add").0, "列入黑名单");
        assert_eq!(action_words("application.dispatch").0, "业务办理：交邮寄出");
        assert_eq!(
            action_words("application.dispatch").1,
            "Application: Hand to the post"
        );
        // Unknown codes are shown as they are, never dropped.
        assert_eq!(action_words("new.thing").0, "new.thing");
        let mut codes: Vec<_> = ACTIONS.iter().map(|(c, ..)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len(), "each code once");
        assert_eq!(action_words(LOGIN_FAILED).0, "登录失败");
    }

    #[test]
    fn a_units_audit_names_its_subjects_in_words() {
        assert_eq!(unit_subject_words("account:7", 7, None).0, "本单位账户");
        assert_eq!(
            unit_subject_words("operator:3", 7, Some("调度员01（刘佳）")).0,
            "经办人调度员01（刘佳）"
        );
        assert_eq!(
            unit_subject_words("violation:12", 7, None).1,
            "Violation record 12"
        );
        // Another account, or an operator not found, stays as recorded.
        assert_eq!(unit_subject_words("account:8", 7, None).0, "account:8");
        assert_eq!(unit_subject_words("operator:3", 7, None).0, "operator:3");
    }

    #[test]
    fn id_numbers_are_masked_wherever_they_stand() {
        assert_eq!(mask_id_numbers("110101199003071234"), "110101********1234");
        assert_eq!(
            mask_id_numbers("account 7; id 11010119900307123X, phone 138****1234"),
            "account 7; id 110101********123X, phone 138****1234"
        );
        assert_eq!(
            mask_id_numbers("身份证110101199003071234号"),
            "身份证110101********1234号"
        );
        assert_eq!(
            mask_id_numbers("login:110101199003071234"),
            "login:110101********1234"
        );
        // Two in a row, and lower-case x.
        assert_eq!(
            mask_id_numbers("a 110101199003071234/13010219800101001x"),
            "a 110101********1234/130102********001x"
        );
        // Not an ID number: longer runs (decision numbers), letters inside
        // (order numbers), shorter runs, other letters at the end.
        for kept in [
            "1301002026031500000042",
            "FK202603150000421234",
            "11010119900307123",
            "11010119900307123Y",
            "account:42",
            "",
        ] {
            assert_eq!(mask_id_numbers(kept), kept);
        }
    }

    #[test]
    fn login_identifiers_are_kept_masked_and_short() {
        assert_eq!(
            masked_identifier(" 110101199003071234 "),
            "110101********1234"
        );
        assert_eq!(masked_identifier("13800001234"), "138****1234");
        assert_eq!(masked_identifier("phone:13800001234"), "phone:138****1234");
        assert_eq!(
            masked_identifier("id:110101199003071234"),
            "id:110101********1234"
        );
        assert_eq!(masked_identifier("23800001234"), "23800001234");
        assert_eq!(masked_identifier("clerk01"), "clerk01");
        assert_eq!(masked_identifier(&"a".repeat(500)).len(), 64);
        assert_eq!(masked_identifier("x\ny\u{7}"), "xy");
    }

    #[test]
    fn security_events_say_what_was_refused() {
        let login = SecurityEvent::LoginFailed {
            identifier: "110101199003071234".into(),
            reason: "password".into(),
        };
        assert_eq!(login.action(), "security.login_failed");
        assert_eq!(login.subject(), "login:110101********1234");
        assert_eq!(login.detail(), "password");
        let denied = SecurityEvent::PermissionDenied {
            account_id: 12,
            wanted: "decide_appeals".into(),
            entry: "/api/staff/decide_appeal".into(),
        };
        assert_eq!(denied.action(), "security.permission_denied");
        assert_eq!(denied.subject(), "account:12");
        assert_eq!(
            denied.detail(),
            "/api/staff/decide_appeal needs decide_appeals"
        );
        let csrf = SecurityEvent::CrossSiteRefused {
            method: "POST".into(),
            path: "/api/login".into(),
            evidence: "Origin http://evil.example\r\n".into(),
        };
        assert_eq!(csrf.action(), "security.cross_site_refused");
        assert_eq!(csrf.subject(), "path:/api/login");
        assert_eq!(csrf.detail(), "POST Origin http://evil.example");
    }
}
