//! SMS templates (短信模板): every message the platform sends is one of a
//! fixed set of templates with short parameters, because SMS providers in
//! China send only templates approved in advance (模板审核), each filled in
//! with variables (`${name}`) of limited length.
//!
//! A template has a stable name (stored in the outbox, and the key of its
//! provider template code in the settings), a title for the message centre
//! (消息中心) and its Chinese wording with the `${…}` variables, written
//! exactly as it is submitted for approval. [`Sms`] is one message: a
//! template with a value for each of its variables; [`Sms::text`] renders
//! it for the message centre, the development outbox and the log.

use std::fmt;

/// The longest value a variable may take, in characters (providers limit
/// each variable; 35 is the limit for names, numbers and addresses in
/// Alibaba Cloud's notification templates). Longer free text is cut with
/// "…" when the message is made.
pub const MAX_PARAM_CHARS: usize = 35;

macro_rules! templates {
    ($($(#[$doc:meta])* $variant:ident => ($name:literal, $title:literal, $pattern:literal),)+) => {
        /// One of the platform's SMS templates (短信模板).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SmsTemplate {
            $($(#[$doc])* $variant,)+
        }

        impl SmsTemplate {
            /// Every template, in a fixed order.
            pub const ALL: &'static [SmsTemplate] = &[$(SmsTemplate::$variant,)+];

            /// The stable name (stored in the outbox; the key of its
            /// provider template code in `ALIYUN_SMS_TEMPLATES`).
            pub fn name(self) -> &'static str {
                match self { $(SmsTemplate::$variant => $name,)+ }
            }

            /// The message centre's title for this message.
            pub fn title(self) -> &'static str {
                match self { $(SmsTemplate::$variant => $title,)+ }
            }

            /// The wording with its `${…}` variables, as approved by the
            /// provider.
            pub fn pattern(self) -> &'static str {
                match self { $(SmsTemplate::$variant => $pattern,)+ }
            }
        }
    };
}

templates! {
    /// 短信验证码: registration, password reset, a new contact number.
    VerificationCode => ("verification_code", "短信验证码",
        "您的验证码为${code}，${minutes}分钟内有效。请勿告诉他人。"),
    /// 绑定他人机动车: the owner's consent code, naming who asks.
    OwnerConsentCode => ("owner_consent_code", "机动车绑定确认",
        "${binder}申请将您名下的机动车${plate}绑定到其交通安全综合服务管理平台账户，绑定后可代为处理该车的警告或200元以下罚款且未记分的电子监控违法。验证码${code}，${minutes}分钟内有效。同意请将验证码告诉对方；不同意请勿告诉任何人。"),
    /// The owner is told someone bound their vehicle.
    OwnerToldOfBinding => ("owner_told_of_binding", "您名下的机动车已被他人绑定",
        "${binder}已将您名下的机动车${plate}绑定到其交通安全综合服务管理平台账户，可代为处理该车的警告或200元以下罚款且未记分的电子监控违法。如您没有同意，请拨打服务热线122。"),
    /// The owner is told someone else handled a violation of their vehicle.
    OwnerToldOfHandling => ("owner_told_of_handling", "您名下机动车的交通违法已由他人处理",
        "您名下的机动车${plate}于${occurred}的交通违法（${violation}）已由${handler}在交通安全综合服务管理平台处理，处罚决定书编号${decision_no}。如有异议，请拨打服务热线122。"),
    /// 单位绑定驾驶证: the driver's consent code, naming the unit.
    DriverConsentCode => ("driver_consent_code", "驾驶证绑定确认",
        "${unit}申请将您的驾驶证绑定到其单位账户，绑定后该单位可查询您驾驶证的准驾车型、有效期、记分和状态。验证码${code}，${minutes}分钟内有效。同意请将验证码告诉对方；不同意请勿告诉任何人。"),
    /// The driver is told a unit bound their licence, and how to end it.
    UnitDriverBound => ("unit_driver_bound", "您的驾驶证已被单位绑定",
        "${unit}已绑定您的驾驶证，可查询其准驾车型、有效期、记分和状态。您可以随时登录交通安全综合服务管理平台，在“我的驾驶证”中解除绑定。"),
    /// The unit is told a driver ended the binding of their licence.
    UnitDriverEnded => ("unit_driver_ended", "驾驶人已解除驾驶证绑定",
        "驾驶人${driver}已解除其驾驶证与本单位的绑定。"),
    /// 指定驾驶人处理: the named driver's code, with the facts and points.
    NamedDriverCode => ("named_driver_code", "交通违法处理确认",
        "${unit}申请由您作为驾驶人处理机动车${plate}于${occurred}的交通违法（${violation}），记${points}分计入您的驾驶证。验证码${code}，${minutes}分钟内有效。确是您驾驶请将验证码告诉对方；不是请勿告诉任何人。"),
    /// The named driver is told the points are on their licence.
    DriverTookPoints => ("driver_took_points", "交通违法记分已计入您的驾驶证",
        "机动车${plate}于${occurred}的交通违法（${violation}）已经您确认由${unit}处理，记${points}分计入您的驾驶证，处罚决定书编号${decision_no}。如有异议，请拨打服务热线122。"),
    /// 经办人激活: the operator's code, naming the unit and the login name.
    OperatorActivationCode => ("operator_activation_code", "单位经办人账户激活",
        "${unit}已将您登记为其在交通安全综合服务管理平台的经办人，单位代码${unit_code}，登录名${login}。验证码${code}，${minutes}分钟内有效，请在平台“激活经办人账户”页面输入单位代码、登录名和验证码并设置密码。如您不知情，请勿激活并告知该单位。"),
    /// 驾驶人体检 (D8): the examined driver is told the result is on record.
    PhysicalExamRecorded => ("physical_exam_recorded", "驾驶人体检结果已录入",
        "${hospital}已录入您${date}的驾驶人体检结果（${class}，结论：${conclusion}），证明编号${certificate}，有效期至${until}。结论为合格的，期满换证、超龄换证时可在网上直接使用。"),
    /// 提交身体条件证明 (D9): the driver is told it was accepted and when
    /// the next one is owed.
    PhysicalCertificateAccepted => ("physical_certificate_accepted", "身体条件证明已提交",
        "您的身体条件证明（编号${certificate}）已由${by}提交并审核通过，下次应在${next_due}前提交。"),
    /// 临时号牌核发: the buyer's consent code, naming the dealer and the vehicle.
    TemporaryPlateCode => ("temporary_plate_code", "临时号牌核发确认",
        "${dealer}申请为您购买的机动车（${model}，车辆识别代号后六位${vin}）核发临时行驶车号牌，有效期${from}至${until}。验证码${code}，${minutes}分钟内有效。确是您购买的车辆请将验证码告诉销售人员；不是请勿告诉任何人。"),
    /// The buyer is told the temporary plate is issued.
    TemporaryPlateIssued => ("temporary_plate_issued", "临时号牌已核发",
        "${dealer}已为您购买的机动车（车辆识别代号后六位${vin}）核发临时行驶车号牌${number}，有效期${from}至${until}。请在有效期内到车辆管理所办理注册登记，可先在交通安全综合服务管理平台预选号牌。"),
    /// The buyer is told the temporary plate was revoked.
    TemporaryPlateRevoked => ("temporary_plate_revoked", "临时号牌已注销",
        "您的临时行驶车号牌${number}已由${dealer}注销，即日起不得使用。原因：${reason}。如有疑问，请拨打服务热线122。"),
    /// 学员预录入: the learner's code, naming the school and the class.
    LearnerEntryCode => ("learner_entry_code", "学员预录入确认",
        "${school}已将您预录入为该校学员（申请准驾车型${class}），并将为您注册交通安全综合服务管理平台账户。验证码${code}，${minutes}分钟内有效。确是您本人报名请将验证码告诉驾校经办人；不是请勿告诉任何人。"),
    /// 学员用户窗口注册: the learner is told the account is registered.
    LearnerRegistered => ("learner_registered", "平台账户已注册",
        "${school}已为您注册交通安全综合服务管理平台账户（窗口注册），登录名为您的身份证号码。您可以登录平台预约考试。如您不知情，请拨打服务热线122。"),
    /// 机动车绑定成功.
    VehicleBound => ("vehicle_bound", "机动车绑定成功",
        "您已成功绑定机动车${plate}，可以在网上办理该车的相关业务。"),
    /// 机动车解绑.
    VehicleUnbound => ("vehicle_unbound", "机动车已解绑",
        "您已解除绑定机动车${plate}。"),
    /// 驾驶证绑定成功.
    LicenceBound => ("licence_bound", "驾驶证绑定成功",
        "您已成功绑定本人驾驶证，可以在网上查询记分和办理驾驶证业务。"),
    /// 驾驶证照片已提交.
    LicencePhotoSubmitted => ("licence_photo_submitted", "驾驶证照片已提交",
        "您的驾驶证专用照片已提交，换证时将使用该照片。"),
    /// 号牌预选成功.
    PlatePreselected => ("plate_preselected", "号牌预选成功",
        "您已为车辆识别代号尾号${vin_suffix}的新车预选号牌${plate}，请在办理注册登记时使用。"),
    /// 交通违法处理（罚款）.
    ViolationFined => ("violation_fined", "交通违法已处理",
        "机动车${plate}的交通违法已处理，处罚决定书编号${decision_no}。请在${due}前缴纳罚款${amount}元，逾期每日加处3%罚款。"),
    /// 交通违法处理（警告）.
    ViolationWarned => ("violation_warned", "交通违法已处理",
        "机动车${plate}的交通违法已处理（警告），处罚决定书编号${decision_no}。警告无需缴款，该违法已处理完毕。"),
    /// 罚款缴纳成功.
    FinePaid => ("fine_paid", "罚款缴纳成功",
        "您已成功缴纳罚款${amount}元，缴款凭证编号${receipt_no}。"),
    /// 重复缴款退回.
    PaymentRefundDue => ("payment_refund_due", "重复缴款将退回",
        "订单${order_no}的款项到账时该罚款已缴清，${amount}元将原路退回，无需任何操作。"),
    /// 重复缴款已退回.
    PaymentRefunded => ("payment_refunded", "重复缴款已退回",
        "订单${order_no}重复缴纳的${amount}元已原路退回，退款凭证号${reference}。"),
    /// 补换领申请已提交.
    ApplicationSubmitted => ("application_submitted", "业务申请已提交",
        "您申请的${service}业务（${application_no}）已提交，等待受理。"),
    /// 已受理.
    ApplicationAccepted => ("application_accepted", "业务进度：已受理",
        "您申请的${service}业务（${application_no}）已受理，正在制证。"),
    /// 退办, with the clerk's reason.
    ApplicationRejected => ("application_rejected", "业务进度：退办",
        "您申请的${service}业务（${application_no}）已退办，原因：${reason}"),
    /// 已办结 (services that issue no document).
    ApplicationCompleted => ("application_completed", "业务进度：已办结",
        "您申请的${service}业务（${application_no}）已办结。"),
    /// 已制证.
    ApplicationProduced => ("application_produced", "业务进度：已制证",
        "您申请的${service}业务（${application_no}）已制证。"),
    /// 已邮寄.
    ApplicationDispatched => ("application_dispatched", "业务进度：已邮寄",
        "您申请的${service}业务（${application_no}）的牌证已交邮政寄出，请保持电话畅通，签收时支付工本费和邮递费。"),
    /// 拒收退回.
    ApplicationDeliveryRefused => ("application_delivery_refused", "业务进度：拒收退回",
        "您申请的${service}业务（${application_no}）的邮件被拒收退回。累计拒收3次将被列入黑名单。"),
    /// 已签收.
    ApplicationDelivered => ("application_delivered", "业务进度：已签收",
        "您申请的${service}业务（${application_no}）的邮件已签收。"),
    /// 待领取, with the deadline and where.
    ApplicationReadyForPickup => ("application_ready_for_pickup", "业务进度：待领取",
        "您申请的${service}业务（${application_no}）的牌证已制好，请于${deadline}前到互联网业务办理中心（${address}）领取，逾期未领将被列入黑名单。"),
    /// 已领取.
    ApplicationCollected => ("application_collected", "业务进度：已领取",
        "您申请的${service}业务（${application_no}）的牌证已领取。"),
    /// 逾期未领取.
    ApplicationUncollected => ("application_uncollected", "业务进度：逾期未领取",
        "您申请的${service}业务（${application_no}）的牌证超过一个月未领取。"),
    /// 列入黑名单：三次拒收.
    BlacklistedRefusedDeliveries => ("blacklisted_refused_deliveries", "您已被列入黑名单",
        "因邮寄的牌证累计被拒收${count}次（最近一次为业务${application_no}），您已被列入黑名单，${until}前不能在网上申请补牌换证业务。"),
    /// 列入黑名单：逾期未领.
    BlacklistedUncollected => ("blacklisted_uncollected", "您已被列入黑名单",
        "因业务${application_no}自取的牌证超过一个月未领取，您已被列入黑名单，${until}前不能在网上申请补牌换证业务。"),
    /// 黑名单解除.
    BlacklistLifted => ("blacklist_lifted", "黑名单已解除",
        "您的黑名单记录已由民警解除，可以在网上申请补牌换证业务。"),
    /// 黑名单申诉已受理.
    AppealReceived => ("appeal_received", "黑名单申诉已提交",
        "您对业务${application}黑名单记录的申诉已提交，审核民警将尽快处理，结果将通过站内消息和短信告知。"),
    /// 黑名单申诉获支持.
    AppealGranted => ("appeal_granted", "黑名单申诉获支持",
        "您对业务${application}黑名单记录的申诉已获支持，黑名单已解除，可以在网上申请补牌换证业务。"),
    /// 黑名单申诉未获支持, with the reason.
    AppealUpheld => ("appeal_upheld", "黑名单申诉未获支持",
        "您对业务${application}黑名单记录的申诉未获支持，原因：${reason}。如有疑问请拨打122。"),
    /// 账户停用, with the reason.
    AccountDisabled => ("account_disabled", "账户已停用",
        "您的交通安全综合服务管理平台账户已停用，原因：${reason}。如有疑问，请携带身份证明到注册窗口咨询或拨打122。"),
    /// 账户恢复使用.
    AccountEnabled => ("account_enabled", "账户已恢复使用",
        "您的交通安全综合服务管理平台账户已恢复使用，可以登录办理业务。"),
    /// 转为窗口注册 (an online registration upgraded at a window).
    UpgradedAtWindow => ("upgraded_at_window", "已转为窗口注册用户",
        "您的平台账户已在${window}核验身份，转为窗口注册用户。"),
    /// 窗口更换手机号码: told to the old number.
    PhoneChangedAtWindow => ("phone_changed_at_window", "账户手机号码已变更",
        "您的平台账户手机号码已在注册窗口核验身份后变更为${phone}。如非本人办理，请立即拨打122。"),
    /// 考试预约已提交.
    ExamBooked => ("exam_booked", "考试预约已提交",
        "您已预约${subject}（${day} ${period}），预约截止后按受理日期先后分配名额，请留意结果。"),
    /// 考试预约成功.
    ExamAllocated => ("exam_allocated", "考试预约成功",
        "您预约的考试（场次${session}）已约上，排序第${rank}名，请按时参加考试。"),
    /// 考试预约未成功.
    ExamNotAllocated => ("exam_not_allocated", "考试预约未成功",
        "您预约的考试（场次${session}）名额已满，排序第${rank}名，未约上，请重新预约。"),
    /// 联系方式变更 (to the account and to the old number).
    ContactChanged => ("contact_changed", "联系方式已变更",
        "${record}登记的联系电话已变更为${phone}。如非本人操作，请立即拨打122。"),
    /// 新设备登录提醒: a login from a device the account has not used.
    NewDeviceLogin => ("new_device_login", "新设备登录提醒",
        "您的交通安全综合服务管理平台账户于${time}在新设备（${device}）登录。如非本人操作，请立即通过“忘记密码”重置密码（所有设备将退出登录）或拨打122。"),
    /// 登录密码已重置.
    PasswordReset => ("password_reset", "登录密码已重置",
        "您的交通安全综合服务管理平台账户登录密码已通过短信验证码重置，所有已登录的设备均已退出。如非本人操作，请立即拨打122或携带身份证明到注册窗口处理。"),
}

impl SmsTemplate {
    /// The template with this stable name.
    pub fn from_name(name: &str) -> Option<SmsTemplate> {
        SmsTemplate::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The variables of the wording, in order of appearance.
    pub fn params(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut rest = self.pattern();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            names.push(&after[..end]);
            rest = &after[end + 1..];
        }
        names
    }

    /// Whether the message carries a one-time code (验证码): the code is
    /// logged only in development and kept after delivery only there.
    pub fn carries_code(self) -> bool {
        self.params().contains(&CODE_PARAM)
    }
}

impl fmt::Display for SmsTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The variable that holds a one-time code.
pub const CODE_PARAM: &str = "code";

/// One SMS (短信): a template and a value for each of its variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sms {
    template: SmsTemplate,
    params: Vec<(String, String)>,
}

/// Why stored parts do not make a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsPartsError {
    UnknownTemplate(String),
    /// The variables given are not the template's: (missing, unexpected).
    WrongParams(Vec<String>, Vec<String>),
}

impl fmt::Display for SmsPartsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmsPartsError::UnknownTemplate(name) => write!(f, "unknown SMS template {name:?}"),
            SmsPartsError::WrongParams(missing, extra) => write!(
                f,
                "SMS parameters do not match the template: missing {missing:?}, unexpected {extra:?}"
            ),
        }
    }
}

/// Cuts a value to [`MAX_PARAM_CHARS`] characters, ending in "…" when cut.
fn short(value: &str) -> String {
    let value = value.trim();
    if value.chars().count() <= MAX_PARAM_CHARS {
        return value.to_string();
    }
    let mut cut: String = value.chars().take(MAX_PARAM_CHARS - 1).collect();
    cut.push('…');
    cut
}

impl Sms {
    /// A message of `template` with these values, in the template's order
    /// (the constructors below are the only callers).
    fn new(template: SmsTemplate, values: &[&str]) -> Sms {
        let names = template.params();
        debug_assert_eq!(
            names.len(),
            values.len(),
            "{template}: wrong number of values"
        );
        Sms {
            template,
            params: names
                .into_iter()
                .zip(values)
                .map(|(n, v)| (n.to_string(), short(v)))
                .collect(),
        }
    }

    /// A message from its stored parts (the outbox row): every variable of
    /// the template and no other.
    pub fn from_parts(template: &str, params: Vec<(String, String)>) -> Result<Sms, SmsPartsError> {
        let template = SmsTemplate::from_name(template)
            .ok_or_else(|| SmsPartsError::UnknownTemplate(template.to_string()))?;
        let names = template.params();
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !params.iter().any(|(k, _)| k == *n))
            .map(|n| n.to_string())
            .collect();
        let extra: Vec<String> = params
            .iter()
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(SmsPartsError::WrongParams(missing, extra));
        }
        let params = names
            .iter()
            .map(|n| {
                let value = params.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                (n.to_string(), value.unwrap_or_default())
            })
            .collect();
        Ok(Sms { template, params })
    }

    pub fn template(&self) -> SmsTemplate {
        self.template
    }

    /// The variables with their values, in the template's order.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The value of one variable.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The message centre's title.
    pub fn title(&self) -> &'static str {
        self.template.title()
    }

    /// The wording filled in (without the sender's signature).
    pub fn text(&self) -> String {
        let mut text = self.template.pattern().to_string();
        for (name, value) in &self.params {
            text = text.replace(&format!("${{{name}}}"), value);
        }
        text
    }

    /// The same message with the one-time code replaced by asterisks
    /// (what is kept once it has been delivered).
    pub fn without_code(&self) -> Sms {
        let params = self
            .params
            .iter()
            .map(|(k, v)| {
                if k == CODE_PARAM {
                    (k.clone(), "*".repeat(v.chars().count()))
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        Sms {
            template: self.template,
            params,
        }
    }
}

mod messages;
#[cfg(test)]
mod tests;
