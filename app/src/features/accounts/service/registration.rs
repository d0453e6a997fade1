//! Online registration (网上注册) of individual users, SPEC §2, and the
//! identity checks window registration shares.
//!
//! Step 1 checks the identity against the registry and sends a one-time code
//! to the phone on record; step 2 checks the code and creates the account.

use super::{code_field, use_code, wait_for_code};
use crate::domain::RegistrationChannel;
use crate::domain::{IndividualKind, Password, PersonName, PhoneNumber, ResidentId};
use crate::error::{AppError, FieldCheck, Refusal};
use crate::features::accounts::port::NewIndividual;
use crate::features::accounts::CodeSent;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::policy::{SMS_CODE_TTL_SECS, SMS_RESEND_GAP_SECS};
use crate::port_error::{constraint, PortError};
use crate::ports::Ports;

/// What the registration journey calls the SMS purpose.
const PURPOSE: &str = "register";

/// The four identity fields, parsed.
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
/// the phone must equal the phone on record and the person must not have
/// an account yet — otherwise the person registers at a window.
///
/// Each check is counted against the client's limits before the registry
/// is read (the login's throttle, under `register:<ID number>`), and an ID
/// number not in the registry, a wrong name and a wrong phone get one and
/// the same answer, so the form can not be used to learn whose ID number
/// goes with which name or phone. Only someone who typed all three right
/// learns that the account already exists.
pub async fn identity(
    ports: &Ports,
    kind: &str,
    id_number: &str,
    name: &str,
    phone: &str,
    actor: &Actor,
) -> Result<Identity, AppError> {
    let who = parse_identity(kind, id_number, name, phone)?;
    let now = ports.clock.now_ms();
    let key = format!("register:{}", who.id.as_str());
    let attempt = match ports
        .accounts
        .claim_login_attempt(&key, &actor.ip, now)
        .await?
    {
        Ok(attempt) => attempt,
        Err(wait_ms) => {
            let wait = (wait_ms + 999).div_euclid(1000).max(1);
            return Err(AppError::RateLimited {
                retry_after_secs: wait as u64,
                message: Text::new(
                    format!("核对身份信息的次数较多，请{wait}秒后再试"),
                    format!("Identity checks were tried too often. Try again in {wait} seconds."),
                ),
            });
        }
    };
    let record = ports.registry.person(&who.id).await?;
    let matches = record.is_some_and(|record| {
        record.name == who.name.as_str() && record.phone_on_record == who.phone.as_str()
    });
    if !matches {
        return Err(not_as_on_record(&who.id));
    }
    ports.accounts.login_succeeded(attempt).await?;
    if ports.accounts.has_account(&who.id).await? {
        return Err(already_registered());
    }
    Ok(who)
}

/// The one answer for an ID number not in the registry, a name that is not
/// the one on record and a phone that is not the one on record; the windows
/// suggested are those of the district the ID number itself names.
pub fn not_as_on_record(id: &ResidentId) -> AppError {
    AppError::NotAllowed(Refusal {
        rule: Text::new(
            "您填写的身份证号码、姓名或手机号码与办理机动车登记或驾驶证申领业务时登记的信息不一致（或未查询到登记记录），不能网上注册。",
            "The ID number, name or phone number you entered does not match what was recorded when you registered a vehicle or applied for a driving licence (or there is no such record), so you cannot register online.",
        ),
        remedy: Text::new(
            "请核对后重试，或携带本人身份证明到任一个人用户注册窗口办理注册（离您较近的窗口见下方）。",
            "Check and try again, or register at any individual registration window with your identity document (windows near you are listed below).",
        ),
        see_windows: true,
        near_district: crate::domain::window::district_of_id_region(id.region_code())
            .map(Box::from),
    })
}

pub fn already_registered() -> AppError {
    AppError::Conflict(Text::new(
        "该身份证号码已经注册，请直接登录。忘记密码的，请到注册窗口重置。",
        "This ID number is already registered. Please log in. If you forgot your password, a registration window can reset it.",
    ))
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

/// Step 1: checks the identity, then sends the code to the phone (or goes
/// on with the code already on its way after a reload).
pub async fn send_code(ports: &Ports, who: &Identity, actor: &Actor) -> Result<CodeSent, AppError> {
    let now = ports.clock.now_ms();
    let sent = ports
        .sms
        .send_code(&who.phone, PURPOSE, who.id.as_str(), &actor.ip, now)
        .await?;
    if let Err(wait) = sent {
        // Asked again (a reload, a second tab) while the code sent for
        // this registration is still valid: go on with that code.
        let live = ports
            .sms
            .live_code_sent_at(&who.phone, PURPOSE, who.id.as_str(), now)
            .await?;
        return match live {
            Some(sent_at) => Ok(CodeSent {
                phone_masked: who.phone.masked(),
                valid_for_secs: (SMS_CODE_TTL_SECS - (now - sent_at) / 1000).max(1),
                resend_after_secs: wait,
                already_sent: true,
            }),
            None => Err(wait_for_code(wait)),
        };
    }
    ports
        .accounts
        .audit(
            actor,
            "registration.code_sent",
            who.id.as_str(),
            who.phone.masked().as_str(),
        )
        .await?;
    Ok(CodeSent {
        phone_masked: who.phone.masked(),
        valid_for_secs: SMS_CODE_TTL_SECS,
        resend_after_secs: SMS_RESEND_GAP_SECS,
        already_sent: false,
    })
}

/// Step 2: checks the code and the password and creates the account;
/// answers its id.
pub async fn register_online(
    ports: &Ports,
    who: Identity,
    code: &str,
    password: &str,
    password_confirm: &str,
    actor: &Actor,
) -> Result<i64, AppError> {
    let mut check = FieldCheck::new();
    let password = new_password(&mut check, password, password_confirm, &who);
    let code = code_field(&mut check, code);
    check.finish()?;
    let (password, code) = (password.expect("checked"), code.expect("checked"));
    use_code(ports, &who.phone, PURPOSE, who.id.as_str(), &code).await?;
    let password_hash = ports.passwords.hash(password.expose()).await?;
    create_individual(
        ports,
        who,
        RegistrationChannel::Online,
        password_hash,
        None,
        None,
        actor,
    )
    .await
}

/// A one-time token for a registration form (表单编号), written into the
/// form as it is shown and recorded with the account it registers: the
/// same form posted twice (a double click) is known by it.
#[cfg(feature = "ssr")]
pub fn form_token() -> String {
    crate::domain::roaming::random_token(rand::random())
}

/// The token a form came back with, when it is one `form_token` makes.
pub fn posted_form_token(posted: &str) -> Option<String> {
    crate::domain::roaming::well_formed_token(posted).then(|| posted.to_string())
}

/// Creates an individual account (online, or at a window with the window
/// and the clerk); an ID number registered meanwhile is a conflict.
pub async fn create_individual(
    ports: &Ports,
    who: Identity,
    channel: RegistrationChannel,
    password_hash: String,
    window: Option<(i64, i64)>,
    form: Option<String>,
    actor: &Actor,
) -> Result<i64, AppError> {
    let new = NewIndividual {
        kind: who.kind,
        channel,
        id_number: who.id,
        name: who.name,
        phone: who.phone,
        password_hash,
        window,
        form,
    };
    match ports.accounts.create_individual(new, actor).await {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(constraint::ACCOUNT_ID_NUMBER)) => Err(already_registered()),
        Err(e) => Err(e.into()),
    }
}

/// The cookie that keeps what was typed in step 1 of a form posted without
/// JavaScript, for the page the browser is sent back to.
pub const TYPED_COOKIE: &str = "jgregtyped";

/// Step 1 as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedIdentity {
    pub kind: String,
    pub id_number: String,
    pub name: String,
    pub phone: String,
}

impl TypedIdentity {
    /// The cookie value: the four fields, form-encoded (cookie-safe).
    pub fn to_cookie(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("k", &self.kind)
            .append_pair("i", &self.id_number.chars().take(40).collect::<String>())
            .append_pair("n", &self.name.chars().take(60).collect::<String>())
            .append_pair("p", &self.phone.chars().take(30).collect::<String>())
            .finish()
            .replace('%', "~")
    }

    pub fn from_cookie(value: &str) -> Option<TypedIdentity> {
        let value = value.replace('~', "%");
        let mut typed = TypedIdentity {
            kind: String::new(),
            id_number: String::new(),
            name: String::new(),
            phone: String::new(),
        };
        for (k, v) in form_urlencoded::parse(value.as_bytes()) {
            match k.as_ref() {
                "k" => typed.kind = v.into_owned(),
                "i" => typed.id_number = v.into_owned(),
                "n" => typed.name = v.into_owned(),
                "p" => typed.phone = v.into_owned(),
                _ => {}
            }
        }
        (!typed.kind.is_empty()).then_some(typed)
    }
}

#[cfg(test)]
mod typed_tests {
    use super::*;

    #[test]
    fn what_was_typed_survives_the_cookie() {
        let typed = TypedIdentity {
            kind: "owner_or_driver".into(),
            id_number: "130130 19950606 4209".into(),
            name: "张三; =,".into(),
            phone: "１３８ 0000 0000".into(),
        };
        let value = typed.to_cookie();
        assert!(!value.contains([';', ',', ' ', '%']), "{value}");
        assert_eq!(TypedIdentity::from_cookie(&value), Some(typed));
        assert_eq!(TypedIdentity::from_cookie("junk"), None);
    }
}
