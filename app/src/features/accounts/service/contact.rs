//! Changing contact details (变更联系方式): the driver's phone on the
//! licence record (D3) and the owner's phone on a vehicle record (V4, open
//! to every vehicle type). The new number confirms with an SMS code; the
//! old number is told.

use super::use_code;
use crate::domain::{may_use, BindingKind, PhoneNumber, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::ContactTarget;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

const CONTACT_PURPOSE: &str = "contact_change";

/// What the contact change is for: "licence" (D3) or "v:<vehicle id>" (V4),
/// with the label the messages name it by.
pub async fn target_label(
    ports: &Ports,
    account: &SessionAccount,
    target: &str,
) -> Result<(ContactTarget, String), AppError> {
    let not_yours = || {
        AppError::NotFound(Text::new(
            "请选择已绑定的本人驾驶证或本人名下的机动车。",
            "Choose your bound licence or a bound vehicle in your name.",
        ))
    };
    let actor = account.service_actor().ok_or_else(not_yours)?;
    let today = ports.clock.today();
    if target == "licence" {
        may_use(&actor, ServiceCode::D3, today)?;
        let Some(id) = account.person_id().map(String::from) else {
            return Err(not_yours());
        };
        let licence = ports
            .bindings
            .licence(account.account_id, &id)
            .await?
            .filter(|l| l.bound)
            .ok_or_else(not_yours)?;
        let label = format!(
            "{} {}",
            licence.class.code(),
            crate::domain::ResidentId::masked_or_stars(&id)
        );
        return Ok((ContactTarget::Driver(id), label));
    }
    may_use(&actor, ServiceCode::V4, today)?;
    let vehicle_id = target
        .strip_prefix("v:")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(not_yours)?;
    let vehicle = ports
        .bindings
        .bound_vehicles(account.account_id)
        .await?
        .into_iter()
        .find(|v| v.vehicle_id == vehicle_id && v.binding == BindingKind::Own)
        .ok_or_else(not_yours)?;
    Ok((ContactTarget::Owner(vehicle.vehicle_id), vehicle.plate))
}

/// Step 1: the new mobile number; a code goes to it. Answers the masked
/// number.
pub async fn request_change(
    ports: &Ports,
    account: &SessionAccount,
    target: &str,
    phone: &str,
    actor: &Actor,
) -> Result<String, AppError> {
    target_label(ports, account, target).await?;
    let phone = PhoneNumber::parse(phone)
        .map_err(|e| AppError::Fields(vec![crate::error::FieldProblem::rule("phone", &e)]))?;
    let subject = format!("{}:{}", account.account_id, target);
    let now = ports.clock.now_ms();
    match ports
        .sms
        .send_code(&phone, CONTACT_PURPOSE, &subject, &actor.ip, now)
        .await?
    {
        Ok(()) => Ok(phone.masked()),
        Err(wait) => Err(code_already_sent(wait)),
    }
}

/// Step 2: the code from the new number and the login password again (a
/// session alone, say on a phone left unlocked, can not move the number
/// the record's messages go to). Changes the record.
#[allow(clippy::too_many_arguments)]
pub async fn confirm_change(
    ports: &Ports,
    account: &SessionAccount,
    target: &str,
    phone: &str,
    code: &str,
    password: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let (which, label) = target_label(ports, account, target).await?;
    let phone = PhoneNumber::parse(phone)
        .map_err(|e| AppError::Fields(vec![crate::error::FieldProblem::rule("phone", &e)]))?;
    super::login::confirm_password(ports, account.account_id, password, &actor.ip).await?;
    let subject = format!("{}:{}", account.account_id, target);
    use_code(ports, &phone, CONTACT_PURPOSE, &subject, code).await?;
    ports
        .bindings
        .change_contact(account.account_id, &which, &label, &phone, actor)
        .await?;
    Ok(())
}

/// A code was sent to this number a moment ago: ask again later.
pub fn code_already_sent(wait: i64) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait as u64,
        message: Text::new(
            format!("验证码已发送，请{wait}秒后再重新获取"),
            format!("A code was sent; you can ask again in {wait} seconds"),
        ),
    }
}
