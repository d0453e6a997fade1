//! The staff console's server functions: window registration (窗口注册) of
//! individuals and units, SPEC §2. Only a clerk working at a window may
//! register, and the account records that window and that clerk.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

/// Registers an individual on their identity document at the clerk's window.
/// The person chooses the password on the counter keypad.
#[server(prefix = "/api", endpoint = "staff/register_individual")]
pub async fn register_individual(
    kind: String,
    id_number: String,
    name: String,
    phone: String,
    password: String,
    password_confirm: String,
) -> Result<i64, AppError> {
    use super::registration::checks;
    use super::server::*;
    use crate::domain::RegistrationChannel;
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    use crate::ports::{NewIndividual, PortError};

    let ports = ports()?;
    let (clerk, window) = clerk_at_window(&ports, false).await?;
    let who = checks::parse_identity(&kind, &id_number, &name, &phone)?;
    let mut check = FieldCheck::new();
    let password = checks::new_password(&mut check, &password, &password_confirm, &who);
    if let Some(record) = ports
        .registry
        .person(&who.id)
        .await
        .map_err(port("look up person"))?
    {
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
        .await
        .map_err(port("hash password"))?;
    match ports
        .accounts
        .create_individual(
            NewIndividual {
                kind: who.kind,
                channel: RegistrationChannel::Window,
                id_number: who.id,
                name: who.name,
                phone: who.phone,
                password_hash,
                window: Some((window, clerk)),
            },
            &actor(),
        )
        .await
    {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(_)) => Err(checks::already_registered()),
        Err(e) => Err(internal("create window account", e)),
    }
}

/// Registers a unit at the unit window on its credit code, power of attorney
/// (委托书) and agent's identity; grants the special services ticked
/// (only those the unit's kind may have).
#[server(prefix = "/api", endpoint = "staff/register_unit")]
pub async fn register_unit(
    unit_kind: String,
    unit_name: String,
    credit_code: String,
    attorney_ref: String,
    agent_id_number: String,
    agent_name: String,
    agent_phone: String,
    password: String,
    password_confirm: String,
    granted: Option<String>,
) -> Result<i64, AppError> {
    use super::server::*;
    use crate::domain::{
        CreditCode, Password, PersonName, PhoneNumber, ResidentId, SpecialService, UnitKind,
    };
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    use crate::ports::{NewUnit, PortError};

    let ports = ports()?;
    let (clerk, window) = clerk_at_window(&ports, true).await?;
    let mut check = FieldCheck::new();
    let kind = UnitKind::from_code(unit_kind.trim());
    if kind.is_none() {
        check.push(
            "unit_kind",
            Text::new("请选择单位类别", "Choose the kind of unit"),
        );
    }
    let unit_name = unit_name.trim().to_string();
    if unit_name.chars().count() < 2 || unit_name.chars().count() > 100 {
        check.push(
            "unit_name",
            Text::new(
                "请输入营业执照或组织机构代码证上的单位名称（2至100个字）",
                "Enter the unit's name as on its business licence (2 to 100 characters)",
            ),
        );
    }
    let code = check.take("credit_code", CreditCode::parse(&credit_code));
    let attorney_ref = attorney_ref.trim().to_string();
    if attorney_ref.is_empty() || attorney_ref.chars().count() > 40 {
        check.push(
            "attorney_ref",
            Text::new(
                "请输入委托书编号（不超过40个字符）",
                "Enter the power-of-attorney reference (up to 40 characters)",
            ),
        );
    }
    let agent_id = check.take("agent_id_number", ResidentId::parse(&agent_id_number));
    let agent_name = check.take("agent_name", PersonName::parse(&agent_name));
    let agent_phone = check.take("agent_phone", PhoneNumber::parse(&agent_phone));
    let password = check.take(
        "password",
        Password::parse_for(&password, &[credit_code.trim()]),
    );
    if password.is_some()
        && password.as_ref().map(|p| p.expose()) != Some(password_confirm.as_str())
    {
        check.push(
            "password_confirm",
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        );
    }
    let mut services = Vec::new();
    for code in granted
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match (SpecialService::from_code(code), kind) {
            (Some(service), Some(kind)) if service.allowed_for(kind) => services.push(service),
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
    if ports
        .accounts
        .unit_registered(&code)
        .await
        .map_err(port("check unit registered"))?
    {
        return Err(unit_already_registered());
    }
    let password_hash = ports
        .passwords
        .hash(password.expect("checked").expose())
        .await
        .map_err(port("hash password"))?;
    match ports
        .accounts
        .create_unit(
            NewUnit {
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
                clerk_account_id: clerk,
            },
            &actor(),
        )
        .await
    {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(_)) => Err(unit_already_registered()),
        Err(e) => Err(internal("create unit account", e)),
    }
}

#[cfg(feature = "ssr")]
fn unit_already_registered() -> AppError {
    use crate::i18n::Text;
    AppError::Conflict(Text::new(
        "该统一社会信用代码已注册为单位用户",
        "A unit account with this unified social credit code already exists",
    ))
}

/// The logged-in clerk and their window; refuses anyone else, and a clerk
/// whose window serves the other kind of user.
#[cfg(feature = "ssr")]
async fn clerk_at_window(ports: &crate::ports::Ports, units: bool) -> Result<(i64, i64), AppError> {
    use super::server::{internal, port, require_account};
    use super::AccountRole;
    use crate::i18n::Text;
    let account = require_account()?;
    let AccountRole::Staff {
        window_id: Some(window_id),
        ..
    } = account.role
    else {
        return Err(AppError::not_allowed(
            Text::new(
                "窗口注册只能由注册窗口的民警办理。",
                "Only a clerk at a registration window can register users.",
            ),
            Text::new(
                "请使用窗口民警账号登录工作台。",
                "Log in to the staff console with a clerk's account.",
            ),
        ));
    };
    let window = ports
        .registry
        .window(window_id)
        .await
        .map_err(port("load clerk window"))?
        .ok_or_else(|| internal("clerk window missing", window_id))?;
    if window.serves_units != units {
        let (zh, en) = if units {
            (
                "单位用户只能在单位用户注册窗口注册。",
                "Units register only at the unit registration window.",
            )
        } else {
            (
                "个人用户在个人用户注册窗口注册。",
                "Individuals register at an individual registration window.",
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
    Ok((account.account_id, window_id))
}
