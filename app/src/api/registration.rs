//! Online registration (网上注册) of individual users, SPEC §2.
//!
//! Step 1 checks the identity against the registry and sends a one-time code
//! to the phone on record; step 2 checks the code and creates the account.
//! Unit users cannot register online (they register at the unit window).

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::RegistrationWindow;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Answer to step 1: a code is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub phone_masked: String,
    pub valid_for_secs: i64,
    pub resend_after_secs: i64,
    /// True when no new code was sent because the last one is still valid.
    pub already_sent: bool,
}

/// The registration windows (注册窗口), individual windows first.
#[server(prefix = "/api", endpoint = "registration_windows")]
pub async fn registration_windows() -> Result<Vec<RegistrationWindow>, AppError> {
    use super::server::*;
    ports()?
        .registry
        .windows()
        .await
        .map_err(port("list registration windows"))
}

/// Step 1: checks kind, ID number, name and phone, then sends the code.
#[server(prefix = "/api", endpoint = "send_registration_code")]
pub async fn send_registration_code(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
) -> Result<CodeSent, AppError> {
    use super::server::*;
    use crate::policy::{SMS_CODE_TTL_SECS, SMS_RESEND_GAP_SECS};
    let ports = ports()?;
    let who = checks::identity(&ports, &kind, &id_number, &name, &phone).await?;
    let now = ports.clock.now_ms();
    let ip = client_ip();
    match ports
        .sms
        .send_code(&who.phone, PURPOSE, who.id.as_str(), &ip, now)
        .await
        .map_err(port("send registration code"))?
    {
        Ok(()) => {}
        Err(wait) => {
            // Asked again (a reload, a second tab) while the code sent for
            // this registration is still valid: go on with that code.
            let live = ports
                .sms
                .live_code_sent_at(&who.phone, PURPOSE, who.id.as_str(), now)
                .await
                .map_err(port("find live registration code"))?;
            return match live {
                Some(sent_at) => Ok(CodeSent {
                    phone_masked: who.phone.masked(),
                    valid_for_secs: (SMS_CODE_TTL_SECS - (now - sent_at) / 1000).max(1),
                    resend_after_secs: wait,
                    already_sent: true,
                }),
                None => Err(checks::wait_for_code(wait)),
            };
        }
    }
    ports
        .accounts
        .audit(
            &actor(),
            "registration.code_sent",
            who.id.as_str(),
            who.phone.masked().as_str(),
        )
        .await
        .map_err(port("audit code sent"))?;
    Ok(CodeSent {
        phone_masked: who.phone.masked(),
        valid_for_secs: SMS_CODE_TTL_SECS,
        resend_after_secs: SMS_RESEND_GAP_SECS,
        already_sent: false,
    })
}

/// Step 2: checks the code and the password, creates the account and logs in.
#[server(prefix = "/api", endpoint = "complete_registration")]
pub async fn complete_registration(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use super::server::*;
    use crate::domain::RegistrationChannel;
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    use crate::ports::{NewIndividual, PortError};
    let ports = ports()?;
    let who = checks::identity(&ports, &kind, &id_number, &name, &phone).await?;
    let mut check = FieldCheck::new();
    let password = checks::new_password(&mut check, &password, &password_confirm, &who);
    let code = crate::domain::text::code_digits(&code).unwrap_or_default();
    if code.len() != crate::policy::SMS_CODE_DIGITS {
        check.push(
            "code",
            Text::new(
                "请输入短信中的6位数字验证码",
                "Enter the 6-digit code from the text message",
            ),
        );
    }
    check.finish()?;
    let password = password.expect("checked above");
    let now = ports.clock.now_ms();
    let verdict = ports
        .sms
        .use_code(&who.phone, PURPOSE, who.id.as_str(), &code, now)
        .await
        .map_err(port("check registration code"))?;
    if let Err(rejection) = verdict {
        return Err(rejection.into_field_error("code"));
    }
    let password_hash = ports
        .passwords
        .hash(password.expose())
        .await
        .map_err(port("hash password"))?;
    let account_id = match ports
        .accounts
        .create_individual(
            NewIndividual {
                kind: who.kind,
                channel: RegistrationChannel::Online,
                id_number: who.id.clone(),
                name: who.name.clone(),
                phone: who.phone.clone(),
                password_hash,
                window: None,
            },
            &actor(),
        )
        .await
    {
        Ok(id) => id,
        Err(PortError::Conflict(_)) => return Err(checks::already_registered()),
        Err(e) => return Err(internal("create online account", e)),
    };
    super::auth::start_session(&ports, account_id).await?;
    redirect_to("/account");
    Ok(())
}

/// What the registration journey calls the SMS purpose.
#[cfg(feature = "ssr")]
const PURPOSE: &str = "register";

#[cfg(feature = "ssr")]
pub(crate) mod checks {
    //! The identity checks shared by both steps (and by window registration).

    use crate::api::server::*;
    use crate::domain::{IndividualKind, Password, PersonName, PhoneNumber, ResidentId};
    use crate::error::{AppError, FieldCheck, Refusal};
    use crate::i18n::Text;
    use crate::ports::Ports;

    pub struct Identity {
        pub kind: IndividualKind,
        pub id: ResidentId,
        pub name: PersonName,
        pub phone: PhoneNumber,
    }

    pub fn kind_field(check: &mut FieldCheck, kind: &str) -> Option<IndividualKind> {
        let parsed = IndividualKind::from_code(kind.trim());
        if parsed.is_none() {
            check.push(
                "kind",
                Text::new("请选择用户类别", "Choose which kind of user you are"),
            );
        }
        parsed
    }

    /// Parses the four identity fields, reporting every mistake at once.
    pub fn parse_identity(
        kind: &str,
        id_number: &str,
        name: &str,
        phone: &str,
    ) -> Result<Identity, AppError> {
        let mut check = FieldCheck::new();
        let kind = kind_field(&mut check, kind);
        let id = check.take("id_number", ResidentId::parse(id_number));
        let name = check.take("name", PersonName::parse(name));
        let phone = check.take("phone", PhoneNumber::parse(phone));
        check.finish()?;
        Ok(Identity {
            kind: kind.expect("checked"),
            id: id.expect("checked"),
            name: name.expect("checked"),
            phone: phone.expect("checked"),
        })
    }

    /// SPEC §2: the identity must be in the registry, the name must match,
    /// the person must not have an account yet, and the phone must equal the
    /// phone on record — otherwise the person registers at a window.
    pub async fn identity(
        ports: &Ports,
        kind: &str,
        id_number: &str,
        name: &str,
        phone: &str,
    ) -> Result<Identity, AppError> {
        let who = parse_identity(kind, id_number, name, phone)?;
        let record = ports
            .registry
            .person(&who.id)
            .await
            .map_err(port("look up person"))?;
        let Some(record) = record else {
            return Err(AppError::NotAllowed(Refusal {
                rule: Text::new(
                    "未查询到您办理机动车登记或驾驶证申领业务的记录，无法核对手机号码。",
                    "We found no vehicle registration or driving-licence application in your name, so your phone number cannot be checked.",
                ),
                remedy: Text::new(
                    "请携带本人身份证明到任一个人用户注册窗口办理注册。",
                    "Please register at any individual registration window, bringing your identity document.",
                ),
                see_windows: true,
                near_district: None,
            }));
        };
        if record.name != who.name.as_str() {
            return Err(AppError::field(
                "name",
                Text::new(
                    "姓名与该身份证号码登记的姓名不一致，请核对",
                    "The name does not match the name recorded for this ID number. Please check it.",
                ),
            ));
        }
        if ports
            .accounts
            .has_account(&who.id)
            .await
            .map_err(port("check existing account"))?
        {
            return Err(already_registered());
        }
        if record.phone_on_record != who.phone.as_str() {
            return Err(AppError::NotAllowed(Refusal {
                rule: Text::new(
                    "您填写的手机号码与办理机动车登记或驾驶证申领业务时登记的手机号码不一致，不能网上注册。",
                    "The phone number you entered is not the one recorded when you registered your vehicle or applied for your driving licence, so you cannot register online.",
                ),
                remedy: Text::new(
                    "请携带本人身份证明到任一个人用户注册窗口办理注册（离您较近的窗口见下方）。",
                    "Please register at any individual registration window with your identity document (the windows near you are listed below).",
                ),
                see_windows: true,
                near_district: crate::domain::window::district_of(&record.address).map(Box::from),
            }));
        }
        Ok(who)
    }

    pub fn already_registered() -> AppError {
        AppError::Conflict(Text::new(
            "该身份证号码已经注册，请直接登录。忘记密码的，请到注册窗口重置。",
            "This ID number is already registered. Please log in. If you forgot your password, a registration window can reset it.",
        ))
    }

    pub fn wait_for_code(wait_secs: i64) -> AppError {
        AppError::RateLimited {
            retry_after_secs: wait_secs.max(1) as u64,
            message: Text::new(
                format!("获取验证码过于频繁，请{wait_secs}秒后再试"),
                format!("Codes were requested too often. Try again in {wait_secs} seconds."),
            ),
        }
    }

    /// Password rules plus "the two entries match".
    pub fn new_password(
        check: &mut FieldCheck,
        password: &str,
        confirm: &str,
        who: &Identity,
    ) -> Option<Password> {
        let parsed = check.take(
            "password",
            Password::parse_for(password, &[who.id.as_str(), who.phone.as_str()]),
        );
        if parsed.is_some() && password != confirm {
            check.push(
                "password_confirm",
                Text::new("两次输入的密码不一致", "The two passwords are not the same"),
            );
        }
        parsed
    }
}
