//! The window clerk's services to a person at the counter (窗口业务), each
//! after checking the identity document in person (the clerk confirms it):
//! upgrading an online registration to a window registration, resetting a
//! forgotten password (a code to the phone on the account lets the person
//! type a new one on the counter keypad), and changing a lost phone (a
//! code to the new phone proves it is theirs; the old number is told).

use super::AccountFile;
use crate::domain::{Password, PhoneNumber, RegistrationChannel};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::service::{code_field, use_code, wait_for_code};
use crate::features::accounts::SessionAccount;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The SMS purpose of a reset: the same as the online reset's.
const RESET: &str = "password_reset";
/// The SMS purpose of a phone change at the window.
const PHONE: &str = "window_phone_change";

/// The clerk ticked that the identity document was checked in person.
fn checked_in_person(ticked: bool) -> Result<(), AppError> {
    if ticked {
        Ok(())
    } else {
        Err(AppError::field(
            "identity_checked",
            Text::new(
                "请先核验申请人的身份证明原件并勾选确认",
                "Check the person's identity document and tick to confirm",
            ),
        ))
    }
}

async fn file(ports: &Ports, account_id: i64) -> Result<AccountFile, AppError> {
    ports
        .supervision
        .account_file(account_id)
        .await?
        .ok_or_else(|| AppError::NotFound(Text::new("没有找到该账户", "No such account")))
}

/// The subject codes are sent for: the ID number or the credit code.
fn subject_of(file: &AccountFile) -> String {
    file.id_number
        .clone()
        .or_else(|| file.credit_code.clone())
        .unwrap_or_default()
}

fn phone_of(file: &AccountFile) -> Result<PhoneNumber, AppError> {
    PhoneNumber::parse(&file.phone).map_err(|_| {
        AppError::Conflict(Text::new(
            "账户上的手机号码无效，请先为申请人变更手机号码",
            "The phone on the account is not valid; change it first",
        ))
    })
}

/// Upgrades an online registration at the clerk's window.
pub async fn upgrade(
    ports: &Ports,
    clerk: &SessionAccount,
    account_id: i64,
    identity_checked: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    let window = crate::features::staff::service::clerk_at_window(ports, clerk, false).await?;
    checked_in_person(identity_checked)?;
    let file = file(ports, account_id).await?;
    if file.unit || file.channel != Some(RegistrationChannel::Online) {
        return Err(AppError::Conflict(Text::new(
            "只有网上注册的个人用户需要转为窗口注册",
            "Only an online-registered individual can be upgraded",
        )));
    }
    if !ports
        .supervision
        .upgrade_to_window(account_id, window, actor)
        .await?
    {
        return Err(AppError::Conflict(Text::new(
            "该账户已是窗口注册用户",
            "The account is already window-registered",
        )));
    }
    Ok(())
}

/// Sends a reset code to the phone on the account.
pub async fn send_reset_code(
    ports: &Ports,
    clerk: &SessionAccount,
    account_id: i64,
    identity_checked: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    crate::features::staff::service::clerk_at_window_any(ports, clerk).await?;
    checked_in_person(identity_checked)?;
    let file = file(ports, account_id).await?;
    let phone = phone_of(&file)?;
    let now = ports.clock.now_ms();
    if let Err(wait) = ports
        .sms
        .send_code(&phone, RESET, &subject_of(&file), &actor.ip, now)
        .await?
    {
        return Err(wait_for_code(wait));
    }
    ports
        .accounts
        .audit(
            actor,
            "password_reset.window_code",
            &format!("account:{account_id}"),
            &phone.masked(),
        )
        .await?;
    Ok(())
}

/// The person types the code and a new password at the counter.
pub async fn reset_password(
    ports: &Ports,
    clerk: &SessionAccount,
    account_id: i64,
    code: &str,
    password: &str,
    password_confirm: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    crate::features::staff::service::clerk_at_window_any(ports, clerk).await?;
    let file = file(ports, account_id).await?;
    let phone = phone_of(&file)?;
    let subject = subject_of(&file);
    let mut check = FieldCheck::new();
    let code = code_field(&mut check, code);
    let new = check.take(
        "password",
        Password::parse_for(password, &[subject.as_str()]),
    );
    if new.is_some() && new.as_ref().map(|p| p.expose()) != Some(password_confirm) {
        check.push(
            "password_confirm",
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        );
    }
    check.finish()?;
    use_code(ports, &phone, RESET, &subject, &code.expect("checked")).await?;
    crate::features::accounts::service::password_reset::set_new_password(
        ports,
        account_id,
        &new.expect("checked"),
        actor,
    )
    .await
}

/// Sends a code to the new phone the person gives.
pub async fn send_phone_code(
    ports: &Ports,
    clerk: &SessionAccount,
    account_id: i64,
    new_phone: &str,
    identity_checked: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    crate::features::staff::service::clerk_at_window_any(ports, clerk).await?;
    checked_in_person(identity_checked)?;
    let mut check = FieldCheck::new();
    let phone = check.take("new_phone", PhoneNumber::parse(new_phone));
    check.finish()?;
    let phone = phone.expect("checked");
    let file = file(ports, account_id).await?;
    if file.phone == phone.as_str() {
        return Err(AppError::field(
            "new_phone",
            Text::new(
                "新号码与账户上的号码相同",
                "That is already the phone on the account",
            ),
        ));
    }
    let now = ports.clock.now_ms();
    let subject = format!("account:{account_id}");
    if let Err(wait) = ports
        .sms
        .send_code(&phone, PHONE, &subject, &actor.ip, now)
        .await?
    {
        return Err(wait_for_code(wait));
    }
    Ok(())
}

/// Changes the phone once the code sent to it is typed.
pub async fn change_phone(
    ports: &Ports,
    clerk: &SessionAccount,
    account_id: i64,
    new_phone: &str,
    code: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    crate::features::staff::service::clerk_at_window_any(ports, clerk).await?;
    let mut check = FieldCheck::new();
    let phone = check.take("new_phone", PhoneNumber::parse(new_phone));
    let code = code_field(&mut check, code);
    check.finish()?;
    let phone = phone.expect("checked");
    let subject = format!("account:{account_id}");
    use_code(ports, &phone, PHONE, &subject, &code.expect("checked")).await?;
    if !ports
        .supervision
        .change_phone_at_window(account_id, &phone, actor)
        .await?
    {
        return Err(AppError::NotFound(Text::new(
            "没有找到该账户",
            "No such account",
        )));
    }
    Ok(())
}
