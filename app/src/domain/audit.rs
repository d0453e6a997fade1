//! The audit trail in words (审计记录): each recorded action's stable code
//! (as stored in `audit_log.action`) said as a clerk reads it.

use super::application::ApplicationEvent;

/// Stored action code → (Chinese, English).
const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "account.registered",
        "注册个人账户",
        "Registered an individual account",
    ),
    (
        "account.unit_registered",
        "注册单位账户",
        "Registered a unit account",
    ),
    (
        "account.password_reset",
        "重置登录密码",
        "Reset the password",
    ),
    ("account.disabled", "停用账户", "Disabled the account"),
    ("account.enabled", "恢复使用账户", "Enabled the account"),
    (
        "account.upgraded_at_window",
        "转为窗口注册",
        "Upgraded to a window registration",
    ),
    (
        "account.phone_changed_at_window",
        "窗口变更手机号码",
        "Changed the phone at a window",
    ),
    (
        "password_reset.requested",
        "申请找回密码",
        "Asked to reset the password",
    ),
    (
        "password_reset.window_code",
        "窗口发送重置密码验证码",
        "Window sent a password-reset code",
    ),
    (
        "registration.code_sent",
        "发送注册验证码",
        "Sent a registration code",
    ),
    ("session.login", "登录", "Logged in"),
    ("session.logout", "退出登录", "Logged out"),
    ("vehicle.bind", "绑定机动车", "Bound a vehicle"),
    ("vehicle.unbind", "解除绑定机动车", "Unbound a vehicle"),
    ("licence.bind", "绑定驾驶证", "Bound the driving licence"),
    (
        "licence.unbind",
        "解除绑定驾驶证",
        "Unbound the driving licence",
    ),
    (
        "licence.photo",
        "上传驾驶证照片",
        "Uploaded a licence photo",
    ),
    ("violation.decide", "处理交通违法", "Handled a violation"),
    ("payment.open", "生成缴款订单", "Opened a payment order"),
    ("payment.paid", "罚款缴纳成功", "Fine paid"),
    ("payment.refund_due", "款项待退还", "Money to refund"),
    ("payment.refunded", "登记退款", "Refund recorded"),
    (
        "application.submit",
        "提交网上业务申请",
        "Submitted an online application",
    ),
    ("blacklist.add", "列入黑名单", "Put on the blacklist"),
    ("blacklist.lift", "解除黑名单", "Lifted a blacklist entry"),
    (
        "blacklist.appeal",
        "提出黑名单申诉",
        "Appealed a blacklist entry",
    ),
    (
        "blacklist.appeal_granted",
        "申诉成立，解除黑名单",
        "Appeal granted, entry lifted",
    ),
    (
        "blacklist.appeal_upheld",
        "申诉未获支持",
        "Appeal not granted",
    ),
    ("plate.hold", "预留号牌号码", "Held a plate number"),
    ("plate.hold_lapsed", "号牌预留过期", "Plate hold lapsed"),
    ("plate.confirm", "确认号牌号码", "Confirmed a plate number"),
    ("exam.book", "预约考试", "Booked a driving test"),
    ("exam.cancel", "取消考试预约", "Cancelled a driving test"),
    ("exam.allocate", "考试名额分配", "Test seats allocated"),
    (
        "record.viewed",
        "民警查看个人信息",
        "An officer viewed the record",
    ),
    ("staff.created", "创建民警账户", "Created a staff account"),
    ("staff.disabled", "停用民警账户", "Disabled a staff account"),
    ("staff.enabled", "启用民警账户", "Enabled a staff account"),
    (
        "staff.password_reset",
        "重置民警密码",
        "Reset a staff password",
    ),
    (
        "staff.second_factor_enrolled",
        "绑定身份验证器",
        "Set up the authenticator",
    ),
];

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
    }
}
