//! The operators desk (经办人管理): the unit's own account adds an operator
//! (the operator's phone gets a code), the operator activates the login
//! with the code and a password of their own, the account changes what
//! each may use or disables one at once, and reads the unit's audit.

use super::port::{AddRefusal, NewOperator, UnitOperators};
use super::{UnitAuditEntry, UnitOperator, OPERATOR_ACTIVATION_PURPOSE};
use crate::domain::unit_operator::{
    activation_sms, parse_services, OperatorLogin, OperatorStatus, UnitCode, MAX_OPERATORS_PER_UNIT,
};
use crate::domain::{Password, PersonName, PhoneNumber, ResidentId};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::{Accounts, PasswordHasher, SmsCodes};
use crate::features::accounts::service::code_field;
use crate::features::accounts::service::contact::code_already_sent;
use crate::features::accounts::service::login::too_many_failures;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::features::units::UNIT_PAGE_ROWS;
use crate::i18n::Text;
use crate::ports::Ports;

/// The form that adds an operator, as typed.
#[derive(Clone, Debug, Default)]
pub struct OperatorForm {
    pub login_name: String,
    pub full_name: String,
    pub id_number: String,
    pub phone: String,
    pub services: Vec<String>,
}

/// What the agent is told after adding an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// The code is on its way to this (masked) phone.
    CodeSent(String),
    /// A code went to this phone less than a minute ago (another operator
    /// with the same phone): send it again from the table in a minute.
    SendLater,
}

/// The operators desk.
pub struct OperatorDesk<'a> {
    pub operators: &'a dyn UnitOperators,
    pub accounts: &'a dyn Accounts,
    pub sms: &'a dyn SmsCodes,
    pub passwords: &'a dyn PasswordHasher,
    pub now_ms: i64,
}

impl<'a> OperatorDesk<'a> {
    pub fn of(ports: &'a Ports) -> OperatorDesk<'a> {
        OperatorDesk {
            operators: &*ports.unit_operators,
            accounts: &*ports.accounts,
            sms: &*ports.sms,
            passwords: &*ports.passwords,
            now_ms: ports.clock.now_ms(),
        }
    }

    pub async fn list(&self, account_id: i64) -> Result<Vec<UnitOperator>, AppError> {
        Ok(self.operators.operators(account_id).await?)
    }

    /// Adds a pending operator and sends the activation code to their
    /// phone. Every field is checked at once.
    pub async fn add(
        &self,
        account_id: i64,
        unit: (&str, &str),
        form: OperatorForm,
        actor: &Actor,
    ) -> Result<Added, AppError> {
        let mut check = FieldCheck::new();
        let full_name = check.take("full_name", PersonName::parse(&form.full_name));
        let id = check.take("id_number", ResidentId::parse(&form.id_number));
        let phone = check.take("phone", PhoneNumber::parse(&form.phone));
        // The login name defaults to the name.
        let typed_login = if form.login_name.trim().is_empty() {
            form.full_name.as_str()
        } else {
            form.login_name.as_str()
        };
        let login = match OperatorLogin::parse(typed_login) {
            Ok(login) => Some(login),
            // The name itself (with "·", say) can not be a login name.
            Err(_) if form.login_name.trim().is_empty() && full_name.is_some() => {
                check.push(
                    "login_name",
                    Text::new(
                        "姓名中有不能用作登录名的字符，请另填登录名（汉字、字母、数字、下划线或连字符）",
                        "The name has characters a login name can not have: give a login name (Chinese characters, letters, digits, _ or -)",
                    ),
                );
                None
            }
            parsed => check.take("login_name", parsed),
        };
        let services = check.take("services", parse_services(&form.services));
        check.finish()?;
        let (full_name, id, phone, login, services) = (
            full_name.expect("checked"),
            id.expect("checked"),
            phone.expect("checked"),
            login.expect("checked"),
            services.expect("checked"),
        );
        let new = NewOperator {
            login_name: login.as_str().to_string(),
            full_name: full_name.as_str().to_string(),
            id_number: id.as_str().to_string(),
            phone: phone.as_str().to_string(),
            services,
        };
        let operator_id = self
            .operators
            .add_operator(account_id, &new, actor)
            .await?
            .map_err(refusal)?;
        match self
            .send_code(operator_id, unit, &new.login_name, &phone, actor)
            .await
        {
            Ok(masked) => Ok(Added::CodeSent(masked)),
            Err(AppError::RateLimited { .. }) => Ok(Added::SendLater),
            Err(e) => Err(e),
        }
    }

    /// Sends a pending operator a new activation code (the first expired,
    /// or never came). Answers the masked phone.
    pub async fn resend_code(
        &self,
        account_id: i64,
        unit: (&str, &str),
        operator_id: i64,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let op = self
            .operators
            .operator(account_id, operator_id)
            .await?
            .ok_or_else(no_such_operator)?;
        if op.status != OperatorStatus::Pending {
            return Err(AppError::Conflict(Text::new(
                "该经办人已激活或已停用，无需发送激活验证码。",
                "This operator is already active or disabled; no activation code is needed.",
            )));
        }
        let phone = PhoneNumber::parse(&op.phone).map_err(|_| no_such_operator())?;
        self.send_code(op.id, unit, &op.login_name, &phone, actor)
            .await
    }

    /// Sends an active operator (a forgotten password) or a disabled one
    /// (enabled again) back to activation with a new code: their sessions
    /// end, and they set a new password. Answers the masked phone, or None
    /// when the code must wait a minute (send it again from the table).
    pub async fn reactivate(
        &self,
        account_id: i64,
        unit: (&str, &str),
        operator_id: i64,
        actor: &Actor,
    ) -> Result<Option<String>, AppError> {
        let op = self
            .operators
            .operator(account_id, operator_id)
            .await?
            .ok_or_else(no_such_operator)?;
        if !self
            .operators
            .reactivate(account_id, operator_id, actor)
            .await?
        {
            return Err(AppError::Conflict(Text::new(
                "该经办人正在等待激活，或其身份证号码已登记为本单位的另一名经办人，不能重新激活。",
                "This operator is waiting for activation already, or the same person is another operator of the unit now.",
            )));
        }
        let phone = PhoneNumber::parse(&op.phone).map_err(|_| no_such_operator())?;
        match self
            .send_code(op.id, unit, &op.login_name, &phone, actor)
            .await
        {
            Ok(masked) => Ok(Some(masked)),
            Err(AppError::RateLimited { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn send_code(
        &self,
        operator_id: i64,
        (unit_name, unit_code): (&str, &str),
        login: &str,
        phone: &PhoneNumber,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let (unit, unit_code, login) = (
            unit_name.to_string(),
            unit_code.to_string(),
            login.to_string(),
        );
        let wording = move |code: &str| activation_sms(&unit, &unit_code, &login, code, minutes);
        self.sms
            .send_code_worded(
                &wording,
                phone,
                OPERATOR_ACTIVATION_PURPOSE,
                &subject(operator_id),
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok(phone.masked())
    }

    /// The operator activates the login: the unit's code, the login name,
    /// the code sent to their phone and a password of their own. Tries are
    /// counted like logins (per unit and login, per address). A unit, login
    /// or code that does not fit gets one answer, so nobody learns which
    /// operators exist; the password is checked against the operator's own
    /// numbers only once the code was right.
    pub async fn activate(
        &self,
        unit_code: &str,
        login_name: &str,
        code: &str,
        password: &str,
        password_confirm: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let mut check = FieldCheck::new();
        let unit = UnitCode::parse(unit_code);
        if unit.is_none() {
            check.push("unit_code", unit_code_problem());
        }
        let login = check.take("login_name", OperatorLogin::parse(login_name));
        let code = code_field(&mut check, code);
        let shaped = check.take("password", Password::parse(password));
        if shaped.is_some() && password != password_confirm {
            check.push(
                "password_confirm",
                Text::new("两次输入的密码不一致", "The two passwords are not the same"),
            );
        }
        check.finish()?;
        let (unit, login, code) = (
            unit.expect("checked"),
            login.expect("checked"),
            code.expect("checked"),
        );
        let key = format!("activate:{}/{}", unit.organisation_part(), login.as_str());
        let attempt = self
            .accounts
            .claim_login_attempt(&key, &actor.ip, self.now_ms)
            .await?
            .map_err(too_many_failures)?;
        let op = self
            .operators
            .operator_at(&unit, login.as_str())
            .await?
            .filter(|o| o.status == OperatorStatus::Pending)
            .ok_or_else(not_matched)?;
        let phone = PhoneNumber::parse(&op.phone).map_err(|_| not_matched())?;
        self.sms
            .use_code(
                &phone,
                OPERATOR_ACTIVATION_PURPOSE,
                &subject(op.id),
                &code,
                self.now_ms,
            )
            .await?
            .map_err(|_| not_matched())?;
        self.accounts.login_succeeded(attempt).await?;
        if Password::parse_for(password, &[&op.id_number, &op.phone, &op.login_name]).is_err() {
            return Err(AppError::field(
                "password",
                Text::new(
                    "密码不能包含您的身份证号码、手机号码或登录名。验证码已使用，请联系单位重新发送验证码后再激活",
                    "The password can not contain your ID number, phone number or login name. The code is used up: ask the unit to send a new one, then activate again",
                ),
            ));
        }
        let hash = self.passwords.hash(password).await?;
        let operator_actor = Actor {
            account_id: Some(op.account_id),
            ip: actor.ip.clone(),
            operator_id: Some(op.id),
            api_key: None,
        };
        if self
            .operators
            .activate(op.id, &hash, &operator_actor)
            .await?
        {
            Ok(())
        } else {
            Err(not_matched())
        }
    }

    /// Replaces what the operator may use (经办业务).
    pub async fn set_services(
        &self,
        account_id: i64,
        operator_id: i64,
        services: &[String],
        actor: &Actor,
    ) -> Result<(), AppError> {
        let mut check = FieldCheck::new();
        let services = check.take("services", parse_services(services));
        check.finish()?;
        let services = services.expect("checked");
        if self
            .operators
            .set_services(account_id, operator_id, &services, actor)
            .await?
        {
            Ok(())
        } else {
            Err(no_such_operator())
        }
    }

    /// Disables the operator at once: no more logins, every session ended.
    pub async fn disable(
        &self,
        account_id: i64,
        operator_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if self
            .operators
            .disable(account_id, operator_id, actor)
            .await?
        {
            Ok(())
        } else {
            Err(no_such_operator())
        }
    }

    /// One page of the unit's audit, one operator's when chosen.
    pub async fn audit(
        &self,
        account_id: i64,
        operator: Option<&str>,
        page: Option<&str>,
    ) -> Result<ListPage<UnitAuditEntry>, AppError> {
        let operator = match operator.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                AppError::field(
                    "operator",
                    Text::new("请从列表中选择经办人", "Choose an operator from the list"),
                )
            })?),
        };
        let page = PageRequest::parse(page, UNIT_PAGE_ROWS)?;
        Ok(self
            .operators
            .unit_audit(account_id, operator, page)
            .await?)
    }
}

/// The subject an activation code is sent for.
fn subject(operator_id: i64) -> String {
    format!("operator:{operator_id}")
}

fn refusal(r: AddRefusal) -> AppError {
    match r {
        AddRefusal::LoginTaken => AppError::field(
            "login_name",
            Text::new(
                "本单位已有使用该登录名的经办人，请换一个登录名（如在姓名后加数字）",
                "An operator of the unit already has this login name; choose another (add a digit to the name, say)",
            ),
        ),
        AddRefusal::PersonTaken => AppError::field(
            "id_number",
            Text::new(
                "该身份证号码已是本单位的经办人，可在下表中修改其经办业务",
                "This person is already an operator of the unit; change their services in the table below",
            ),
        ),
        AddRefusal::TooMany => AppError::Conflict(Text::new(
            format!("每个单位最多登记{MAX_OPERATORS_PER_UNIT}名经办人。"),
            format!("A unit can have at most {MAX_OPERATORS_PER_UNIT} operators."),
        )),
    }
}

/// One answer for a unit, login or code that does not fit (activation).
fn not_matched() -> AppError {
    AppError::field(
        "code",
        Text::new(
            "单位代码、登录名或验证码不正确，或验证码已过期。请核对短信后重新输入，验证码过期的请联系单位重新发送",
            "The unit code, the login name or the code is wrong, or the code has expired. Check the text message and try again; if it expired, ask the unit to send a new one",
        ),
    )
}

fn no_such_operator() -> AppError {
    AppError::NotFound(Text::new(
        "本单位没有这名经办人。",
        "The unit has no such operator.",
    ))
}

pub fn unit_code_problem() -> Text {
    Text::new(
        "请输入18位统一社会信用代码或9位组织机构代码",
        "Enter the 18-character unified social credit code or the 9-character organisation code",
    )
}
