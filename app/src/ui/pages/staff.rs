//! The staff console (民警工作台): its home (the desks the role may use),
//! and window registration of individuals and units. The server checks
//! each role's powers and the clerk's window; these pages only explain.

use crate::domain::StaffPower;
use crate::domain::{CreditCode, IndividualKind, Rule, SpecialService, UnitKind};
use crate::error::AppError;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::staff::{RegisterIndividual, RegisterUnit};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    adopt_typed_value, group_class, latest_error, server_problem, ErrorSummary, LiveCheck,
    RadioGroup, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::form_error_from_url;
use crate::ui::pages::register::{ID_CHECK, NAME_CHECK, PASSWORD_CHECK, PHONE_CHECK};
use crate::ui::{require_login_redirect, session_account};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

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
fn window_of(account: &SessionAccount) -> (Option<String>, bool) {
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

#[component]
pub fn RegisterIndividualPage() -> impl IntoView {
    let lang = use_lang();
    let body = match staff_page(lang, &[StaffPower::ServeAtWindow]) {
        Err(v) => v,
        Ok(a) if window_of(&a).1 => other_window(lang, false),
        Ok(_) => view! { <RegisterIndividualForm lang initial_error=form_error_from_url(RegisterIndividual::PATH) /> }.into_any(),
    };
    view! { <Page title_zh="个人用户窗口注册" title_en="Register an individual at the window">{body}</Page> }
}

#[component]
pub fn RegisterUnitPage() -> impl IntoView {
    let lang = use_lang();
    let body = match staff_page(lang, &[StaffPower::ServeAtWindow]) {
        Err(v) => v,
        Ok(a) if !window_of(&a).1 => other_window(lang, true),
        Ok(_) => view! { <RegisterUnitForm lang initial_error=form_error_from_url(RegisterUnit::PATH) /> }.into_any(),
    };
    view! { <Page title_zh="单位用户窗口注册" title_en="Register a unit at the window">{body}</Page> }
}

/// Said before any typing when the clerk's window serves the other kind
/// of user (the server refuses it too).
fn other_window(lang: Lang, units: bool) -> AnyView {
    answer_status(403);
    let text = if units {
        Text::new(
            "您所在的是个人用户注册窗口。单位用户须到单位用户注册窗口注册，请引导申请人前往。",
            "You work at an individual window. Units register at the unit window; please direct the applicant there.",
        )
    } else {
        Text::new(
            "您所在的是单位用户注册窗口。个人用户请到个人用户注册窗口注册。",
            "You work at the unit window. Individuals register at an individual window.",
        )
    };
    view! { <p class="notice notice--warning" role="alert">{text.get(lang).to_string()}</p> }
        .into_any()
}

/// The credit code (18) or the organisation code (9) of the unit.
fn check_credit_code(v: &str) -> Option<Text> {
    let compact: String = crate::domain::text::compact_upper(v)
        .chars()
        .filter(|c| *c != '-')
        .collect();
    if compact.chars().count() == 9 {
        return crate::domain::OrganisationCode::parse(&compact)
            .err()
            .map(|e| Text::new(e.zh(), e.en()));
    }
    CreditCode::parse(v)
        .err()
        .map(|e| Text::new(e.zh(), e.en()))
}
const CREDIT_CODE_CHECK: LiveCheck = check_credit_code;

fn success_panel(lang: Lang, account_id: i64, what: &'static str) -> impl IntoView {
    view! {
        <div class="panel panel--confirmation" role="status" tabindex="-1" autofocus>
            <h2 class="panel__title">{lang.pick("注册成功", "Registered")}</h2>
            <p class="panel__body">
                {match lang {
                    Lang::Zh => format!("{what}账户已建立，账户编号 {account_id}。请告知申请人使用证件号码和所设密码登录。"),
                    Lang::En => format!("The account was created: number {account_id}. Tell the applicant to log in with their identifier and the password they chose."),
                }}
            </p>
        </div>
    }
}

#[island]
pub fn RegisterIndividualForm(lang: Lang, initial_error: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<RegisterIndividual>::new();
    let kind = RwSignal::new(IndividualKind::OwnerOrDriver.code().to_string());
    let id_number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let error = latest_error(action, initial_error);
    let created = Signal::derive(move || action.value().get().and_then(Result::ok));
    let labels = vec![
        ("kind", Text::new("用户类别", "Kind of user")),
        ("id_number", Text::new("公民身份号码", "Resident ID number")),
        ("name", Text::new("姓名", "Full name")),
        ("phone", Text::new("手机号码", "Mobile phone number")),
        (
            "password",
            Text::new("申请人设置的登录密码", "Password chosen by the applicant"),
        ),
        (
            "password_confirm",
            Text::new("再次输入密码", "Password again"),
        ),
    ];
    let kinds = IndividualKind::ALL
        .iter()
        .map(|k| (k.code(), Text::new(k.zh(), k.en())))
        .collect();
    view! {
        {move || created.get().map(|id| success_panel(lang, id, "个人用户"))}
        <form
            class="form"
            method="post"
            action=RegisterIndividual::PATH
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(RegisterIndividual {
                    kind: kind.get_untracked(),
                    id_number: id_number.get_untracked(),
                    name: name.get_untracked(),
                    phone: phone.get_untracked(),
                    password: password.get_untracked(),
                    password_confirm: password_confirm.get_untracked(),
                });
            }
        >
            <ErrorSummary lang error labels=labels.clone() />
            <RadioGroup lang name="kind" legend=labels[0].1.clone() options=kinds value=kind server_error=server_problem(error, "kind") />
            <TextField lang name="id_number" label=labels[1].1.clone() hint=Text::new("按申请人身份证件录入", "As on the applicant's identity document") value=id_number server_error=server_problem(error, "id_number") live_check=ID_CHECK width_class="input--w20" />
            <TextField lang name="name" label=labels[2].1.clone() value=name server_error=server_problem(error, "name") live_check=NAME_CHECK width_class="input--w20" />
            <TextField lang name="phone" label=labels[3].1.clone() hint=Text::new("申请人本人使用的手机号码", "The applicant's own mobile number") value=phone server_error=server_problem(error, "phone") live_check=PHONE_CHECK input_type="tel" inputmode="tel" width_class="input--w20" />
            <TextField lang name="password" label=labels[4].1.clone() hint=Text::new("由申请人在密码键盘上输入，至少8个字符", "Typed by the applicant on the keypad; at least 8 characters") value=password server_error=server_problem(error, "password") live_check=PASSWORD_CHECK input_type="password" autocomplete="new-password" />
            <TextField lang name="password_confirm" label=labels[5].1.clone() value=password_confirm server_error=server_problem(error, "password_confirm") input_type="password" autocomplete="new-password" />
            <button class="button" type="submit" disabled=move || action.pending().get()>{lang.pick("确认注册", "Register")}</button>
        </form>
    }
}

#[island]
pub fn RegisterUnitForm(lang: Lang, initial_error: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<RegisterUnit>::new();
    let unit_kind = RwSignal::new(String::new());
    let unit_name = RwSignal::new(String::new());
    let credit_code = RwSignal::new(String::new());
    let attorney_ref = RwSignal::new(String::new());
    let agent_id_number = RwSignal::new(String::new());
    let agent_name = RwSignal::new(String::new());
    let agent_phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let granted = RwSignal::new(Vec::<String>::new());
    let error = latest_error(action, initial_error);
    let created = Signal::derive(move || action.value().get().and_then(Result::ok));
    let labels = vec![
        ("unit_kind", Text::new("单位类别", "Kind of unit")),
        ("unit_name", Text::new("单位名称", "Unit name")),
        (
            "credit_code",
            Text::new(
                "统一社会信用代码或组织机构代码",
                "Unified social credit code or organisation code",
            ),
        ),
        (
            "attorney_ref",
            Text::new("委托书编号", "Power-of-attorney reference"),
        ),
        (
            "agent_id_number",
            Text::new("代理人公民身份号码", "Agent's resident ID number"),
        ),
        ("agent_name", Text::new("代理人姓名", "Agent's name")),
        (
            "agent_phone",
            Text::new("代理人手机号码", "Agent's mobile number"),
        ),
        (
            "password",
            Text::new("单位账户登录密码", "Unit account password"),
        ),
        (
            "password_confirm",
            Text::new("再次输入密码", "Password again"),
        ),
        (
            "granted",
            Text::new(
                "授权的委托业务和专项服务",
                "Granted entrusted and special services",
            ),
        ),
    ];
    let kinds = UnitKind::ALL
        .iter()
        .map(|k| (k.code(), Text::new(k.zh(), k.en())))
        .collect();
    // Only the services the chosen kind may be granted are offered.
    let offered = move || {
        let kind = UnitKind::from_code(&unit_kind.get());
        SpecialService::ALL
            .iter()
            .copied()
            .filter(|s| kind.map(|k| s.allowed_for(k)).unwrap_or(false))
            .collect::<Vec<_>>()
    };
    view! {
        {move || created.get().map(|id| success_panel(lang, id, "单位用户"))}
        <form
            class="form"
            method="post"
            action=RegisterUnit::PATH
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let kind = UnitKind::from_code(&unit_kind.get_untracked());
                let chosen: Vec<String> = granted
                    .get_untracked()
                    .into_iter()
                    .filter(|c| {
                        SpecialService::from_code(c)
                            .zip(kind)
                            .map(|(s, k)| s.allowed_for(k))
                            .unwrap_or(false)
                    })
                    .collect();
                action.dispatch(RegisterUnit {
                    unit_kind: unit_kind.get_untracked(),
                    unit_name: unit_name.get_untracked(),
                    credit_code: credit_code.get_untracked(),
                    attorney_ref: attorney_ref.get_untracked(),
                    agent_id_number: agent_id_number.get_untracked(),
                    agent_name: agent_name.get_untracked(),
                    agent_phone: agent_phone.get_untracked(),
                    password: password.get_untracked(),
                    password_confirm: password_confirm.get_untracked(),
                    granted: Some(chosen.join(",")),
                });
            }
        >
            <ErrorSummary lang error labels=labels.clone() />
            <RadioGroup lang name="unit_kind" legend=labels[0].1.clone() options=kinds value=unit_kind server_error=server_problem(error, "unit_kind") />
            <TextField lang name="unit_name" label=labels[1].1.clone() hint=Text::new("与营业执照或组织机构代码证一致", "As on the business licence or organisation code certificate") value=unit_name server_error=server_problem(error, "unit_name") />
            <TextField lang name="credit_code" label=labels[2].1.clone() hint=Text::new("统一社会信用代码18位，或组织机构代码9位，均含校验码", "The credit code's 18 characters, or the organisation code's 9, with the check character") value=credit_code server_error=server_problem(error, "credit_code") live_check=CREDIT_CODE_CHECK width_class="input--w20" />
            <TextField lang name="attorney_ref" label=labels[3].1.clone() value=attorney_ref server_error=server_problem(error, "attorney_ref") width_class="input--w20" />
            <TextField lang name="agent_id_number" label=labels[4].1.clone() value=agent_id_number server_error=server_problem(error, "agent_id_number") live_check=ID_CHECK width_class="input--w20" />
            <TextField lang name="agent_name" label=labels[5].1.clone() value=agent_name server_error=server_problem(error, "agent_name") live_check=NAME_CHECK width_class="input--w20" />
            <TextField lang name="agent_phone" label=labels[6].1.clone() value=agent_phone server_error=server_problem(error, "agent_phone") live_check=PHONE_CHECK input_type="tel" inputmode="tel" width_class="input--w20" />
            <div class=move || group_class(server_problem(error, "granted").get().is_some())>
                <fieldset class="fieldset" id="granted">
                    <legend class="fieldset__legend">{labels[9].1.get(lang).to_string()}</legend>
                    <p class="hint">
                        {move || if offered().is_empty() {
                            lang.pick("该类别单位没有可授权的专项服务。", "This kind of unit has no special services to grant.")
                        } else {
                            lang.pick("按交管部门批准的范围勾选。", "Tick what the traffic authority approved.")
                        }}
                    </p>
                    <p class="error-message" aria-live="polite">{move || server_problem(error, "granted").get().map(|m| m.get(lang).to_string())}</p>
                    <div class="checkboxes">
                        {move || offered()
                            .into_iter()
                            .map(|s| {
                                let code = s.code();
                                let id = format!("granted-{code}");
                                let input = NodeRef::<leptos::html::Input>::new();
                                adopt_typed_value(input, move |el| {
                                    let on = el.checked();
                                    if on != granted.get_untracked().iter().any(|g| g == code) {
                                        granted.update(|list| {
                                            list.retain(|g| g != code);
                                            if on { list.push(code.to_string()); }
                                        });
                                    }
                                });
                                view! {
                                    <div class="checkboxes__item">
                                        <input class="checkboxes__input" type="checkbox" id=id.clone() name="granted" value=code
                                            node_ref=input
                                            checked=granted.get_untracked().iter().any(|g| g == code)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                granted.update(|list| {
                                                    list.retain(|g| g != code);
                                                    if on { list.push(code.to_string()); }
                                                });
                                            } />
                                        <label class="checkboxes__label" for=id>{lang.pick(s.zh(), s.en()).to_string()}</label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            </div>
            <TextField lang name="password" label=labels[7].1.clone() hint=Text::new("由代理人设置，至少8个字符", "Chosen by the agent; at least 8 characters") value=password server_error=server_problem(error, "password") live_check=PASSWORD_CHECK input_type="password" autocomplete="new-password" />
            <TextField lang name="password_confirm" label=labels[8].1.clone() value=password_confirm server_error=server_problem(error, "password_confirm") input_type="password" autocomplete="new-password" />
            <button class="button" type="submit" disabled=move || action.pending().get()>{lang.pick("确认注册", "Register")}</button>
        </form>
    }
}
