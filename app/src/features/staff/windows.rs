//! The administrator's registration windows (注册窗口管理): add a window and
//! change a window's name, address and telephone. Staff and accounts keep
//! their window by its id, so a window is changed, never removed.

use crate::domain::window::{parse_office_phone, parse_window_code};
use crate::error::{AppError, FieldCheck};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::{constraint, PortError};
use crate::ports::{NewWindow, Ports};

/// Name, address and phone as typed, checked together.
fn details(
    check: &mut FieldCheck,
    name: &str,
    address: &str,
    phone: &str,
) -> (String, String, Option<String>) {
    let name = name.trim().to_string();
    if !(2..=40).contains(&name.chars().count()) {
        check.push(
            "name",
            Text::new(
                "请输入窗口名称（2至40个字）",
                "Enter the window's name (2 to 40 characters)",
            ),
        );
    }
    let address = address.trim().to_string();
    if !(5..=100).contains(&address.chars().count()) {
        check.push(
            "address",
            Text::new(
                "请输入窗口地址（5至100个字）",
                "Enter the window's address (5 to 100 characters)",
            ),
        );
    }
    let phone = parse_office_phone(phone);
    if phone.is_none() {
        check.push(
            "phone",
            Text::new(
                "请输入咨询电话，如0311-86688888",
                "Enter the telephone, such as 0311-86688888",
            ),
        );
    }
    (name, address, phone)
}

/// Adds a window; answers its id.
pub async fn add(
    ports: &Ports,
    [code, name, address, serves, phone]: [&str; 5],
    actor: &Actor,
) -> Result<i64, AppError> {
    let mut check = FieldCheck::new();
    let code = parse_window_code(code);
    if code.is_none() {
        check.push(
            "code",
            Text::new(
                "窗口编号为2至10位字母和数字，如W28",
                "A window code is 2 to 10 letters and digits, such as W28",
            ),
        );
    }
    let serves_units = match serves {
        "unit" => Some(true),
        "individual" => Some(false),
        _ => {
            check.push(
                "serves",
                Text::new(
                    "请选择窗口受理的用户类别",
                    "Choose whom the window registers",
                ),
            );
            None
        }
    };
    let (name, address, phone) = details(&mut check, name, address, phone);
    check.finish()?;
    let new = NewWindow {
        code: code.expect("checked"),
        name,
        address,
        serves_units: serves_units.expect("checked"),
        phone: phone.expect("checked"),
    };
    match ports.windows.add_window(new, actor).await {
        Ok(id) => Ok(id),
        Err(PortError::Conflict(constraint::WINDOW_CODE)) => Err(AppError::field(
            "code",
            Text::new("该窗口编号已被使用", "That window code is taken"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Changes a window's name, address and phone.
pub async fn update(
    ports: &Ports,
    id: i64,
    [name, address, phone]: [&str; 3],
    actor: &Actor,
) -> Result<(), AppError> {
    let mut check = FieldCheck::new();
    let (name, address, phone) = details(&mut check, name, address, phone);
    check.finish()?;
    if ports
        .windows
        .update_window(id, &name, &address, &phone.expect("checked"), actor)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound(Text::new(
            "没有找到该注册窗口",
            "No such window",
        )))
    }
}
