//! Window registration (窗口注册) in the staff console, SPEC §2: only a
//! clerk working at a window may register, and the account records that
//! window and that clerk.

use crate::domain::StaffPower;
use crate::domain::{
    CreditCode, Password, PersonName, PhoneNumber, RegistrationChannel, ResidentId, SpecialService,
    UnitKind,
};
use crate::error::{internal, AppError, FieldCheck};
use crate::features::accounts::port::NewUnit;
use crate::features::accounts::service::registration::{self, new_password};
use crate::features::accounts::session::staff_power_refused;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::{constraint, PortError};
use crate::ports::Ports;

/// The unit registration form as typed.
pub struct UnitForm {
    pub unit_kind: String,
    pub unit_name: String,
    pub credit_code: String,
    pub attorney_ref: String,
    pub agent_id_number: String,
    pub agent_name: String,
    pub agent_phone: String,
    pub password: String,
    pub password_confirm: String,
    /// The special services ticked, by code.
    pub granted: Vec<String>,
    /// The form's one-time token (`registration::form_token`).
    pub form: String,
}

/// Registers an individual on their identity document (kind, ID number,
/// name, phone) at the clerk's window; answers the new account's id.
pub async fn register_individual(
    ports: &Ports,
    clerk: &SessionAccount,
    [kind, id_number, name, phone]: &[String; 4],
    password: &str,
    password_confirm: &str,
    form: &str,
    actor: &Actor,
) -> Result<i64, AppError> {
    let window = clerk_at_window(ports, clerk, false).await?;
    let form = registration::posted_form_token(form);
    let who = registration::parse_identity(kind, id_number, name, phone)?;
    let mut check = FieldCheck::new();
    let password = new_password(&mut check, password, password_confirm, &who);
    if let Some(record) = ports.registry.person(&who.id).await? {
        if record.name != who.name.as_str() {
            check.push(
                "name",
                Text::new(
                    "姓名与该身份证号码登记的姓名不一致，请核对身份证件",
                    "The name differs from the name recorded for this ID number. Check the identity document.",
                ),
            );
        }
    }
    check.finish()?;
    let password_hash = ports
        .passwords
        .hash(password.expect("checked").expose())
        .await?;
    let key = who.id.as_str().to_string();
    let created = registration::create_individual(
        ports,
        who,
        RegistrationChannel::Window,
        password_hash,
        Some((window, clerk.account_id)),
        form.clone(),
        actor,
    )
    .await;
    match created {
        Err(AppError::Conflict(_)) => {
            same_registration(ports, clerk, &key, form.as_deref(), created).await
        }
        other => other,
    }
}

/// The same form posted again (a double click on the plain form): answered
/// with the account its first post registered; any other registration of
/// a taken ID number or code keeps its refusal.
async fn same_registration(
    ports: &Ports,
    clerk: &SessionAccount,
    key: &str,
    form: Option<&str>,
    refused: Result<i64, AppError>,
) -> Result<i64, AppError> {
    let Some(form) = form else {
        return refused;
    };
    match ports
        .accounts
        .registered_from_form(key, clerk.account_id, form)
        .await?
    {
        Some(id) => Ok(id),
        None => refused,
    }
}

/// The unit's credit code from what the clerk typed: the 18-character
/// unified social credit code, or the 9-character organisation code
/// (组织机构代码) of an organisation on record, which names the same unit.
async fn unit_code(
    ports: &Ports,
    check: &mut FieldCheck,
    typed: &str,
) -> Result<Option<CreditCode>, AppError> {
    use crate::domain::OrganisationCode;
    let compact: String = crate::domain::text::compact_upper(typed)
        .chars()
        .filter(|c| *c != '-')
        .collect();
    if compact.chars().count() != 9 {
        return Ok(check.take("credit_code", CreditCode::parse(typed)));
    }
    let Some(org) = check.take("credit_code", OrganisationCode::parse(&compact)) else {
        return Ok(None);
    };
    let found = ports.registry.organisation_by_code(&org).await?;
    if found.is_none() {
        check.push(
            "credit_code",
            Text::new(
                format!("登记信息中没有组织机构代码为{org}的单位，请核对，或输入营业执照上的统一社会信用代码"),
                format!("No unit with the organisation code {org} is on record. Check it, or enter the unified social credit code on the business licence"),
            ),
        );
    }
    Ok(found)
}

/// Registers a unit at the unit window on its credit code, power of
/// attorney (委托书) and agent's identity; grants the special services
/// ticked (only those the unit's kind may have).
pub async fn register_unit(
    ports: &Ports,
    clerk: &SessionAccount,
    form: UnitForm,
    actor: &Actor,
) -> Result<i64, AppError> {
    let window = clerk_at_window(ports, clerk, true).await?;
    let mut check = FieldCheck::new();
    let kind = UnitKind::from_code(form.unit_kind.trim());
    if kind.is_none() {
        check.push(
            "unit_kind",
            Text::new("请选择单位类别", "Choose the kind of unit"),
        );
    }
    let unit_name = form.unit_name.trim().to_string();
    if unit_name.chars().count() < 2 || unit_name.chars().count() > 100 {
        check.push(
            "unit_name",
            Text::new(
                "请输入营业执照或组织机构代码证上的单位名称（2至100个字）",
                "Enter the unit's name as on its business licence (2 to 100 characters)",
            ),
        );
    }
    let code = unit_code(ports, &mut check, &form.credit_code).await?;
    let attorney_ref = form.attorney_ref.trim().to_string();
    if attorney_ref.is_empty() || attorney_ref.chars().count() > 40 {
        check.push(
            "attorney_ref",
            Text::new(
                "请输入委托书编号（不超过40个字符）",
                "Enter the power-of-attorney reference (up to 40 characters)",
            ),
        );
    }
    let agent_id = check.take("agent_id_number", ResidentId::parse(&form.agent_id_number));
    let agent_name = check.take("agent_name", PersonName::parse(&form.agent_name));
    let agent_phone = check.take("agent_phone", PhoneNumber::parse(&form.agent_phone));
    let password = check.take(
        "password",
        Password::parse_for(&form.password, &[form.credit_code.trim()]),
    );
    if password.is_some()
        && password.as_ref().map(|p| p.expose()) != Some(form.password_confirm.as_str())
    {
        check.push(
            "password_confirm",
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        );
    }
    let mut services = Vec::new();
    for code in form
        .granted
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        match (SpecialService::from_code(code), kind) {
            (Some(service), Some(kind)) if service.allowed_for(kind) => {
                if !services.contains(&service) {
                    services.push(service);
                }
            }
            (Some(service), Some(kind)) => check.push(
                "granted",
                Text::new(
                    format!("{}不能授权给{}", service.zh(), kind.zh()),
                    format!("{} cannot be granted to a {}", service.en(), kind.en()),
                ),
            ),
            _ => check.push(
                "granted",
                Text::new(
                    "授权的专项服务无法识别",
                    "An unknown special service was ticked",
                ),
            ),
        }
    }
    check.finish()?;
    let code = code.expect("checked");
    let form_token = registration::posted_form_token(&form.form);
    if ports.accounts.unit_registered(&code).await? {
        let key = code.as_str();
        let refused = Err(unit_already_registered());
        return same_registration(ports, clerk, key, form_token.as_deref(), refused).await;
    }
    let password_hash = ports
        .passwords
        .hash(password.expect("checked").expose())
        .await?;
    let key = code.as_str().to_string();
    let new = NewUnit {
        kind: kind.expect("checked"),
        name: unit_name,
        credit_code: code,
        attorney_ref,
        agent_id_number: agent_id.expect("checked"),
        agent_name: agent_name.expect("checked"),
        agent_phone: agent_phone.expect("checked"),
        password_hash,
        granted: services,
        window_id: window,
        clerk_account_id: clerk.account_id,
        form: form_token.clone(),
    };
    match ports.accounts.create_unit(new, actor).await {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(constraint::ACCOUNT_CREDIT_CODE)) => {
            let refused = Err(unit_already_registered());
            same_registration(ports, clerk, &key, form_token.as_deref(), refused).await
        }
        Err(e) => Err(e.into()),
    }
}

fn unit_already_registered() -> AppError {
    AppError::Conflict(Text::new(
        "该统一社会信用代码已注册为单位用户",
        "A unit account with this unified social credit code already exists",
    ))
}

/// The clerk's window; refuses anyone but a clerk at a window, and a clerk
/// whose window serves the other kind of user.
pub(crate) async fn clerk_at_window(
    ports: &Ports,
    account: &SessionAccount,
    units: bool,
) -> Result<i64, AppError> {
    let (window_id, serves_units) = window_of_clerk(ports, account).await?;
    if serves_units != units {
        let (zh, en) = if units {
            (
                "单位用户只能在单位用户注册窗口注册。",
                "Units register only at the unit registration window.",
            )
        } else {
            (
                "个人用户在个人用户注册窗口办理。",
                "Individuals are served at an individual registration window.",
            )
        };
        return Err(AppError::not_allowed(
            Text::new(zh, en),
            Text::new(
                "请引导申请人到相应窗口办理。",
                "Please direct the applicant to the right window.",
            ),
        ));
    }
    Ok(window_id)
}

/// The window of a clerk serving at one, whatever it serves.
pub(crate) async fn clerk_at_window_any(
    ports: &Ports,
    account: &SessionAccount,
) -> Result<i64, AppError> {
    Ok(window_of_clerk(ports, account).await?.0)
}

/// The clerk's window and whether it serves units; refuses anyone but a
/// window clerk with a window.
async fn window_of_clerk(ports: &Ports, account: &SessionAccount) -> Result<(i64, bool), AppError> {
    if !account.may(StaffPower::ServeAtWindow) {
        return Err(staff_power_refused(StaffPower::ServeAtWindow));
    }
    let AccountRole::Staff {
        window_id: Some(window_id),
        ..
    } = account.role
    else {
        return Err(AppError::not_allowed(
            Text::new(
                "您的账户未分配注册窗口，不能办理窗口业务。",
                "Your account has no registration window, so you cannot serve at one.",
            ),
            Text::new(
                "请联系系统管理员分配窗口。",
                "Ask an administrator to assign you a window.",
            ),
        ));
    };
    let window = ports
        .registry
        .window(window_id)
        .await?
        .ok_or_else(|| internal("clerk window missing", window_id))?;
    Ok((window_id, window.serves_units))
}
