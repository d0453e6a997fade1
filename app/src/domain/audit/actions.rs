//! Each recorded action's stable code (as stored in `audit_log.action`),
//! said as a clerk reads it.

use super::{CROSS_SITE_REFUSED, LOGIN_FAILED, PERMISSION_DENIED, SECOND_FACTOR_FAILED};

/// Stored action code → (Chinese, English).
pub(super) const ACTIONS: &[(&str, &str, &str)] = &[
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
    (
        "unit_driver.bind",
        "绑定驾驶人驾驶证",
        "Bound a driver's licence",
    ),
    (
        "unit_driver.unbind",
        "解除绑定驾驶人驾驶证",
        "Unbound a driver's licence",
    ),
    (
        "payment.open_batch",
        "合并缴纳罚款",
        "Opened one payment for several fines",
    ),
    (
        "physical_exam.record",
        "录入驾驶人体检结果",
        "Recorded a driver's examination",
    ),
    (
        "physical_certificate.submit",
        "提交身体条件证明",
        "Submitted a physical-condition certificate",
    ),
    ("learner.enter", "预录入学员", "Entered a learner"),
    (
        "learner.confirm",
        "学员短信确认预录入",
        "The learner confirmed the entry by SMS",
    ),
    (
        "learner.withdraw",
        "撤回学员预录入",
        "Withdrew a learner's entry",
    ),
    (
        "learner.register",
        "为学员注册平台账户",
        "Registered a learner's platform account",
    ),
    (
        "temporary_plate.enter",
        "录入临时号牌核发信息",
        "Entered a temporary plate for the buyer to confirm",
    ),
    (
        "temporary_plate.issue",
        "核发临时号牌",
        "Issued a temporary plate",
    ),
    (
        "temporary_plate.withdraw",
        "撤回临时号牌",
        "Withdrew a temporary plate",
    ),
    (
        "temporary_plate.revoke",
        "注销临时号牌",
        "Revoked a temporary plate",
    ),
    ("operator.added", "添加经办人", "Added an operator"),
    (
        "operator.activated",
        "经办人激活账户",
        "An operator activated their login",
    ),
    (
        "operator.services",
        "修改经办人业务权限",
        "Changed an operator's services",
    ),
    ("operator.disabled", "停用经办人", "Disabled an operator"),
    (
        "operator.reactivated",
        "经办人重新激活（重置密码或重新启用）",
        "Sent an operator back to activation (new password or enabled again)",
    ),
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
    (
        SECOND_FACTOR_FAILED,
        "身份验证码错误",
        "Wrong authenticator code",
    ),
    (
        "staff.second_factor_locked",
        "身份验证连续错误，暂时锁定",
        "Authenticator locked after wrong codes",
    ),
    (LOGIN_FAILED, "登录失败", "Login failed"),
    (
        PERMISSION_DENIED,
        "越权操作被拒绝",
        "Refused: not for this role",
    ),
    (
        CROSS_SITE_REFUSED,
        "跨站请求被拒绝",
        "Cross-site request refused",
    ),
    (
        "api_key.create",
        "创建开放接口密钥",
        "Created an open API key",
    ),
    (
        "api_key.revoke",
        "吊销开放接口密钥",
        "Revoked an open API key",
    ),
    ("api.call", "开放接口调用", "Open API call"),
    (
        "share_code.create",
        "生成驾驶证信息分享码",
        "Made a licence share code",
    ),
    (
        "share_code.revoke",
        "撤销驾驶证信息分享码",
        "Revoked a licence share code",
    ),
    (
        "credential.revoke",
        "作废电子凭证二维码",
        "Revoked the electronic credential's QR codes",
    ),
    (
        "api_key.refused",
        "开放接口密钥被拒绝",
        "Open API key refused",
    ),
];
