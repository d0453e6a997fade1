//! The staff console (民警工作台): its home (the desks the role may use).
//! Window registration is in `staff_register.rs`. The server checks each
//! role's powers and the clerk's window; these pages only explain.

use crate::domain::StaffPower;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::{require_login_redirect, session_account};
use leptos::prelude::*;

/// Answers the page with this status (the refusal pages: 403).
pub fn answer_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// A console page for staff whose role holds one of `powers` (any staff
/// when empty); everyone else is told who may use it, with status 403.
pub fn staff_page(lang: Lang, powers: &[StaffPower]) -> Result<SessionAccount, AnyView> {
    require_login_redirect();
    let account = session_account();
    let allowed = account
        .as_ref()
        .is_some_and(|a| a.is_staff() && (powers.is_empty() || powers.iter().any(|p| a.may(*p))));
    match account {
        Some(a) if allowed => Ok(a),
        Some(_) => {
            answer_status(403);
            let text = if powers.is_empty() {
                Text::new("此页面仅供民警使用。", "This page is for staff only.")
            } else {
                let roles = crate::domain::staff::holders_of(powers);
                Text::new(
                    format!("此页面仅限{}使用。", crate::domain::staff::roles_zh(&roles)),
                    format!(
                        "This page is for the {} only.",
                        crate::domain::staff::roles_en(&roles)
                    ),
                )
            };
            Err(
                view! { <p class="notice" role="alert">{text.get(lang).to_string()}</p> }
                    .into_any(),
            )
        }
        None => Err(().into_any()),
    }
}

/// The window a window clerk works at, and whether it serves units.
pub(super) fn window_of(account: &SessionAccount) -> (Option<String>, bool) {
    match &account.role {
        AccountRole::Staff {
            window,
            serves_units,
            ..
        } => (window.clone(), *serves_units),
        _ => (None, false),
    }
}

/// One entry of the console's home: its power, address and names.
const DESKS: &[(StaffPower, &str, &str, &str)] = &[
    (
        StaffPower::ServeAtWindow,
        "/staff/register/individual",
        "个人用户窗口注册",
        "Register an individual",
    ),
    (
        StaffPower::ServeAtWindow,
        "/staff/register/unit",
        "单位用户窗口注册",
        "Register a unit",
    ),
    (
        StaffPower::ServeAtWindow,
        "/staff/accounts",
        "账户查询（转为窗口注册、重置密码、变更手机号码）",
        "Find an account (upgrade, reset password, change phone)",
    ),
    (
        StaffPower::ReadApplications,
        "/staff/applications",
        "网上业务受理",
        "Online applications",
    ),
    (
        StaffPower::RecordRefunds,
        "/staff/refunds",
        "退款登记",
        "Refunds",
    ),
    (
        StaffPower::DisableAccounts,
        "/staff/accounts",
        "账户查询与停用",
        "Find and disable accounts",
    ),
    (
        StaffPower::DecideAppeals,
        "/staff/appeals",
        "黑名单申诉审核",
        "Blacklist appeals",
    ),
    (
        StaffPower::ManageStaff,
        "/staff/admin/staff",
        "民警账户管理",
        "Staff accounts",
    ),
];

#[component]
pub fn StaffHome() -> impl IntoView {
    let lang = use_lang();
    let body = match staff_page(lang, &[]) {
        Err(v) => v,
        Ok(account) => {
            let role = account.staff_role();
            let (window, serves_units) = window_of(&account);
            let desks = DESKS
                .iter()
                .filter(|(power, href, ..)| {
                    // A window registers only the kind of user it serves.
                    let other_kind = if serves_units {
                        "/staff/register/individual"
                    } else {
                        "/staff/register/unit"
                    };
                    account.may(*power) && *href != other_kind
                })
                .map(|(_, href, zh, en)| {
                    view! {
                        <li><a class="choice" href=*href>{lang.pick(zh, en)}</a></li>
                    }
                })
                .collect_view();
            view! {
                <p class="lead">
                    {role.map(|r| format!("{}{}", lang.pick("岗位：", "Role: "), lang.pick(r.zh(), r.en())))}
                    {window.map(|w| format!("{}{}", lang.pick("；当前窗口：", "; window: "), w))}
                </p>
                <ul class="choice-list">{desks}</ul>
            }
            .into_any()
        }
    };
    view! { <Page title_zh="民警工作台" title_en="Staff console">{body}</Page> }
}
