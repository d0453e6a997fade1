//! The administrator's staff accounts (民警账户管理): create one with its
//! role, police number (警号), unit and (for a window clerk) window;
//! disable or re-enable it with a reason; reset its password (the second
//! factor is then set up again). An administrator never disables or
//! resets their own account here.

use crate::domain::{Password, StaffRole};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::SessionAccount;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::{constraint, PortError};
use crate::ports::{NewStaff, Ports};

/// The create form as typed.
pub struct StaffForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub police_no: String,
    pub unit: String,
    pub window_id: Option<String>,
    pub password: String,
    pub password_confirm: String,
}

/// A username: 3 to 16 lower-case letters, digits, `_` or `-`, starting
/// with a letter (so it can never be read as an ID number, phone number or
/// credit code at login).
pub fn parse_username(raw: &str) -> Result<String, Text> {
    let name = raw.trim().to_ascii_lowercase();
    let ok = (3..=16).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(name)
    } else {
        Err(Text::new(
            "登录名为3至16位小写字母、数字、下划线或连字符，以字母开头",
            "A username is 3 to 16 lower-case letters, digits, _ or -, starting with a letter",
        ))
    }
}

/// A police number (警号): six digits.
pub fn parse_police_no(raw: &str) -> Result<String, Text> {
    let no = raw.trim();
    if no.len() == 6 && no.bytes().all(|b| b.is_ascii_digit()) {
        Ok(no.to_string())
    } else {
        Err(Text::new("警号为6位数字", "A police number is 6 digits"))
    }
}

fn new_password(
    check: &mut FieldCheck,
    password: &str,
    confirm: &str,
    username: &str,
) -> Option<Password> {
    let password = check.take("password", Password::parse_for(password, &[username]));
    if password.is_some() && password.as_ref().map(|p| p.expose()) != Some(confirm) {
        check.push(
            "password_confirm",
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        );
    }
    password
}

/// Creates a staff account; answers its id.
pub async fn create(ports: &Ports, form: StaffForm, actor: &Actor) -> Result<i64, AppError> {
    let mut check = FieldCheck::new();
    let username = match parse_username(&form.username) {
        Ok(u) => Some(u),
        Err(t) => {
            check.push("username", t);
            None
        }
    };
    let display_name = form.display_name.trim().to_string();
    if !(2..=30).contains(&display_name.chars().count()) {
        check.push(
            "display_name",
            Text::new(
                "请输入民警姓名（2至30个字）",
                "Enter the officer's name (2 to 30 characters)",
            ),
        );
    }
    let role = StaffRole::from_code(form.role.trim());
    if role.is_none() {
        check.push("role", Text::new("请选择岗位", "Choose a role"));
    }
    let police_no = match parse_police_no(&form.police_no) {
        Ok(n) => Some(n),
        Err(t) => {
            check.push("police_no", t);
            None
        }
    };
    let unit = form.unit.trim().to_string();
    if !(2..=60).contains(&unit.chars().count()) {
        check.push(
            "unit",
            Text::new(
                "请输入所属单位（2至60个字）",
                "Enter the officer's unit (2 to 60 characters)",
            ),
        );
    }
    let window_id = form
        .window_id
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .and_then(|w| w.parse::<i64>().ok());
    if let Some(role) = role {
        if role.needs_window() && window_id.is_none() {
            check.push(
                "window_id",
                Text::new(
                    "注册窗口民警须选择所在窗口",
                    "Choose the window this clerk works at",
                ),
            );
        }
    }
    let window_id = window_id.filter(|_| role.is_some_and(StaffRole::needs_window));
    if let Some(id) = window_id {
        if ports.registry.window(id).await?.is_none() {
            check.push(
                "window_id",
                Text::new("所选窗口不存在", "That window does not exist"),
            );
        }
    }
    let password = new_password(
        &mut check,
        &form.password,
        &form.password_confirm,
        username.as_deref().unwrap_or_default(),
    );
    check.finish()?;
    let password_hash = ports
        .passwords
        .hash(password.expect("checked").expose())
        .await?;
    let new = NewStaff {
        username: username.expect("checked"),
        display_name,
        role: role.expect("checked"),
        police_no: police_no.expect("checked"),
        unit,
        window_id,
        password_hash,
    };
    match ports.staff.create_staff(new, actor).await {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(constraint::ACCOUNT_STAFF_USERNAME)) => Err(AppError::field(
            "username",
            Text::new("该登录名已被使用", "That username is taken"),
        )),
        Err(e) => Err(e.into()),
    }
}

fn not_self(admin: &SessionAccount, account_id: i64) -> Result<(), AppError> {
    if admin.account_id == account_id {
        return Err(AppError::not_allowed(
            Text::new(
                "不能停用或重置自己的账户。",
                "You cannot disable or reset your own account.",
            ),
            Text::new("请由另一名系统管理员办理。", "Ask another administrator."),
        ));
    }
    Ok(())
}

pub fn no_such_staff() -> AppError {
    AppError::NotFound(Text::new("没有找到该民警账户", "No such staff account"))
}

/// Disables (ending its sessions at once) or re-enables a staff account.
pub async fn set_disabled(
    ports: &Ports,
    admin: &SessionAccount,
    account_id: i64,
    disabled: bool,
    reason: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    not_self(admin, account_id)?;
    let reason = reason.trim();
    if disabled && !(2..=200).contains(&reason.chars().count()) {
        return Err(AppError::field(
            "reason",
            Text::new(
                "请填写停用原因（2至200个字）",
                "Give the reason (2 to 200 characters)",
            ),
        ));
    }
    let member = ports
        .staff
        .staff_member(account_id)
        .await?
        .ok_or_else(no_such_staff)?;
    if member.disabled == disabled {
        return Err(AppError::Conflict(if disabled {
            Text::new(
                "该民警账户已是停用状态",
                "That staff account is already disabled",
            )
        } else {
            Text::new("该民警账户未停用", "That staff account is not disabled")
        }));
    }
    if ports
        .staff
        .set_staff_disabled(account_id, disabled, reason, actor)
        .await?
    {
        Ok(())
    } else {
        Err(no_such_staff())
    }
}

/// Sets a new password typed by the administrator (handed to the officer
/// in person); the officer sets up the second factor again at next login.
pub async fn reset_password(
    ports: &Ports,
    admin: &SessionAccount,
    account_id: i64,
    password: &str,
    password_confirm: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    not_self(admin, account_id)?;
    let member = ports
        .staff
        .staff_member(account_id)
        .await?
        .ok_or_else(no_such_staff)?;
    let mut check = FieldCheck::new();
    let password = new_password(&mut check, password, password_confirm, &member.username);
    check.finish()?;
    let hash = ports
        .passwords
        .hash(password.expect("checked").expose())
        .await?;
    if ports
        .staff
        .reset_staff_password(account_id, &hash, actor)
        .await?
    {
        Ok(())
    } else {
        Err(no_such_staff())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_never_look_like_citizen_identifiers() {
        assert_eq!(parse_username(" Clerk05 "), Ok("clerk05".into()));
        assert!(parse_username("ab").is_err());
        assert!(parse_username("5clerk").is_err());
        assert!(parse_username("clerk 05").is_err());
        assert!(parse_username("a234567890123456x").is_err());
        assert!(parse_username("王警官").is_err());
    }

    #[test]
    fn police_numbers_are_six_digits() {
        assert_eq!(parse_police_no(" 130107 "), Ok("130107".into()));
        assert!(parse_police_no("13010").is_err());
        assert!(parse_police_no("13010a").is_err());
    }
}
