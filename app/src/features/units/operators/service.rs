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
use crate::features::accounts::port::{CodeRejection, PasswordHasher, SmsCodes};
use crate::features::accounts::service::code_field;
use crate::features::accounts::service::contact::code_already_sent;
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
    pub sms: &'a dyn SmsCodes,
    pub passwords: &'a dyn PasswordHasher,
    pub now_ms: i64,
}

impl<'a> OperatorDesk<'a> {
    pub fn of(ports: &'a Ports) -> OperatorDesk<'a> {
        OperatorDesk {
            operators: &*ports.unit_operators,
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
        unit_name: &str,
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
        let login = check.take("login_name", OperatorLogin::parse(typed_login));
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
            .send_code(operator_id, unit_name, &new.login_name, &phone, actor)
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
        unit_name: &str,
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
        self.send_code(op.id, unit_name, &op.login_name, &phone, actor)
            .await
    }

    async fn send_code(
        &self,
        operator_id: i64,
        unit_name: &str,
        login: &str,
        phone: &PhoneNumber,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let (unit, login) = (unit_name.to_string(), login.to_string());
        let wording = move |code: &str| activation_sms(&unit, &login, code, minutes);
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
    /// the code sent to their phone and a password of their own. A code,
    /// unit or login that does not fit gets the same answer, so nobody
    /// learns which operators exist.
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
        if password.is_empty() {
            check.push(
                "password",
                Text::new("请设置登录密码", "Choose a login password"),
            );
        }
        check.finish()?;
        let (unit, login, code) = (
            unit.expect("checked"),
            login.expect("checked"),
            code.expect("checked"),
        );
        let op = self
            .operators
            .operator_at(&unit, login.as_str())
            .await?
            .filter(|o| o.status == OperatorStatus::Pending)
            .ok_or_else(|| CodeRejection::NoLiveCode.into_field_error("code"))?;
        let mut check = FieldCheck::new();
        let password = check.take(
            "password",
            Password::parse_for(password, &[&op.id_number, &op.phone, &op.login_name]),
        );
        if password
            .as_ref()
            .is_some_and(|p| p.expose() != password_confirm)
        {
            check.push(
                "password_confirm",
                Text::new("两次输入的密码不一致", "The two passwords are not the same"),
            );
        }
        check.finish()?;
        let phone = PhoneNumber::parse(&op.phone).map_err(|_| no_such_operator())?;
        self.sms
            .use_code(
                &phone,
                OPERATOR_ACTIVATION_PURPOSE,
                &subject(op.id),
                &code,
                self.now_ms,
            )
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        let hash = self
            .passwords
            .hash(password.expect("checked").expose())
            .await?;
        let operator_actor = Actor {
            account_id: Some(op.account_id),
            ip: actor.ip.clone(),
            operator_id: Some(op.id),
        };
        if self
            .operators
            .activate(op.id, &hash, &operator_actor)
            .await?
        {
            Ok(())
        } else {
            Err(CodeRejection::NoLiveCode.into_field_error("code"))
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
