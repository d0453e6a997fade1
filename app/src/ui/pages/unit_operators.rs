//! The unit's operators (经办人管理), for the unit's own account: register
//! an operator (their phone gets the activation code), change what each
//! may use, send a new code, disable one at once. Plain forms (no WASM).

use crate::domain::date::cst_date_time;
use crate::domain::unit_operator::{OperatorService, OperatorStatus};
use crate::features::units::operators::{
    unit_operators, AddOperator, DisableOperator, OperatorServices, ReactivateOperator,
    ResendOperatorCode, UnitOperator,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    group_class, server_problem, typed, typed_values, ErrorSummary, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn done_banner() -> Option<Text> {
    let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
    use_query_map().with_untracked(|q| {
        let phone = q.get("phone").unwrap_or_default();
        match q.get("done").as_deref() {
            Some("added") => Some(Text::new(
                format!("经办人已登记，激活验证码已发送到其手机{phone}。请告知经办人在{minutes}分钟内打开“激活经办人账户”页面，填写单位代码、登录名和验证码并设置密码。"),
                format!("The operator is registered; the activation code went to their phone {phone}. Tell them to open \"Activate your operator login\" within {minutes} minutes and enter the unit's code, the login name and the code, and choose a password."),
            )),
            Some("added_later") => Some(Text::new(
                "经办人已登记。该手机号码1分钟内刚收到过验证码，请稍后在下表中点击“重新发送验证码”。",
                "The operator is registered. This phone got a code less than a minute ago: send the code again from the table below in a minute.",
            )),
            Some("code_later") => Some(Text::new(
                "经办人已转为待激活，其已登录的设备已全部退出。该手机号码1分钟内刚收到过验证码，请稍后在下表中点击“重新发送验证码”。",
                "The operator is waiting for activation again and every session of theirs has ended. This phone got a code less than a minute ago: send the code again from the table below in a minute.",
            )),
            Some("reactivated") => Some(Text::new(
                format!("经办人已转为待激活，其已登录的设备已全部退出。新的激活验证码已发送到其手机{phone}，请告知经办人在{minutes}分钟内重新激活并设置新密码。"),
                format!("The operator is waiting for activation again and every session of theirs has ended. A new code went to their phone {phone}: tell them to activate again within {minutes} minutes and choose a new password."),
            )),
            Some("resent") => Some(Text::new(
                format!("新的激活验证码已发送到经办人手机{phone}，{minutes}分钟内有效。"),
                format!("A new activation code went to the operator's phone {phone}; it is valid for {minutes} minutes."),
            )),
            Some("services") => Some(Text::new(
                "经办业务已修改，经办人下一次操作即按新的权限办理。",
                "The services are changed; they apply from the operator's next step.",
            )),
            Some("disabled") => Some(Text::new(
                "经办人已停用，其已登录的设备已全部退出，不能再登录。",
                "The operator is disabled: every session of theirs has ended and they can not log in.",
            )),
            _ => None,
        }
    })
}

#[component]
pub fn UnitOperatorsPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| unit_operators());
    view! {
        <Page title_zh="经办人管理" title_en="Operators">
            <UnitNav lang current="/unit/operators" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![ResendOperatorCode::PATH, ReactivateOperator::PATH, OperatorServices::PATH, DisableOperator::PATH] />
            <p>{lang.pick(
                "经办人是代表本单位办理业务的工作人员。每名经办人使用单位代码和各自的登录名、密码登录，只能办理您授予的业务；其每一步操作都记录在“操作记录”中。人员离职或调岗时，请立即停用。",
                "Operators are the staff who act for the unit. Each logs in with the unit's code and their own login name and password, and can use only the services you grant; every step they take is recorded in the audit. Disable an operator at once when they leave or change jobs.",
            )}</p>
            <h2 class="heading-l">{lang.pick("登记经办人", "Register an operator")}</h2>
            {add_form(lang)}
            <h2 class="heading-l">{lang.pick("本单位经办人", "The unit's operators")}</h2>
            {when_loaded(lang, data, table)}
            <p><a href="/unit/audit">{lang.pick("查看本单位操作记录", "See the unit's audit")}</a></p>
        </Page>
    }
}

fn add_labels() -> Vec<(&'static str, Text)> {
    vec![
        ("full_name", Text::new("经办人姓名", "Operator's name")),
        ("id_number", Text::new("身份证号码", "ID number")),
        ("phone", Text::new("手机号码", "Mobile phone number")),
        ("login_name", Text::new("登录名", "Login name")),
        ("services", Text::new("经办业务", "Services")),
    ]
}

/// The services this unit may hand to an operator (a hospital's own only
/// to a hospital granted them).
fn offered_services() -> Vec<OperatorService> {
    match crate::ui::session_account().map(|a| a.role) {
        Some(crate::features::accounts::AccountRole::Unit { kind, granted, .. }) => {
            OperatorService::offered(kind, &granted)
        }
        _ => Vec::new(),
    }
}

/// The services as checkboxes, those in `ticked` ticked; `prefix` keeps
/// the ids unique on the page.
fn service_boxes(
    lang: Lang,
    prefix: String,
    offered: &[OperatorService],
    ticked: &[OperatorService],
) -> AnyView {
    offered
        .iter()
        .map(|s| {
            let id = format!("{prefix}-{}", s.code());
            view! {
                <div class="checkboxes__item">
                    <input class="checkboxes__input" type="checkbox" id=id.clone() name="services[]"
                        value=s.code() checked=ticked.contains(s) />
                    <label class="checkboxes__label" for=id>{lang.pick(s.zh(), s.en())}</label>
                </div>
            }
        })
        .collect_view()
        .into_any()
}

fn add_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(AddOperator::PATH));
    let values = typed_values();
    let ticked: Vec<OperatorService> = values
        .iter()
        .find(|(k, _)| k == "services")
        .map(|(_, v)| {
            v.split(',')
                .filter_map(OperatorService::from_code)
                .collect()
        })
        .unwrap_or_default();
    let labels = add_labels();
    let services_error = server_problem(error, "services");
    view! {
        <form class="form" method="post" action=AddOperator::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField lang name="full_name" label=labels[0].1.clone() value=typed(&values, "full_name")
                server_error=server_problem(error, "full_name") width_class="input--w10" />
            <TextField lang name="id_number" label=labels[1].1.clone() value=typed(&values, "id_number")
                server_error=server_problem(error, "id_number") width_class="input--w20" />
            <TextField lang name="phone" label=labels[2].1.clone() value=typed(&values, "phone")
                hint=Text::new("经办人本人的手机，用于接收激活验证码", "The operator's own phone: it gets the activation code")
                server_error=server_problem(error, "phone") input_type="tel" inputmode="numeric" width_class="input--w10" />
            <TextField lang name="login_name" label=labels[3].1.clone() value=typed(&values, "login_name")
                hint=Text::new("不填则使用姓名；本单位已有同名经办人时，可在姓名后加数字", "Leave empty to use the name; add a digit when another operator has the same name")
                server_error=server_problem(error, "login_name") width_class="input--w10" />
            <div class=move || group_class(services_error.get().is_some())>
                <fieldset class="fieldset" id="services" aria-describedby="services-hint services-error">
                    <legend class="fieldset__legend">{labels[4].1.get(lang).to_string()}</legend>
                    <p class="hint" id="services-hint">{lang.pick("至少选择一项；工作台概况所有经办人都能查看", "Tick at least one; every operator sees the dashboard's figures")}</p>
                    <p class="error-message" id="services-error" aria-live="polite">
                        {move || services_error.get().map(|t| t.get(lang).to_string())}
                    </p>
                    {service_boxes(lang, "add".into(), &offered_services(), &ticked)}
                </fieldset>
            </div>
            <button class="button" type="submit">{lang.pick("登记并发送激活验证码", "Register and send the activation code")}</button>
        </form>
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("登录名", "Login name"),
    ("姓名", "Name"),
    ("身份证号码", "ID number"),
    ("手机号码", "Phone"),
    ("状态", "Status"),
    ("登记时间", "Registered"),
    ("经办业务", "Services"),
    ("操作", "Action"),
];

fn table(lang: Lang, operators: Vec<UnitOperator>) -> AnyView {
    if operators.is_empty() {
        return view! {
            <p>{lang.pick("本单位还没有经办人。", "The unit has no operator yet.")}</p>
        }
        .into_any();
    }
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let offered = offered_services();
    let rows = operators
        .into_iter()
        .map(|o| {
            let name = o.login_name.clone();
            let services = if o.status == OperatorStatus::Disabled {
                o.services
                    .iter()
                    .map(|s| lang.pick(s.zh(), s.en()))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", "))
                    .into_any()
            } else {
                view! {
                    <form method="post" action=OperatorServices::PATH class="table__form">
                        <input type="hidden" name="operator_id" value=o.id.to_string() />
                        <fieldset class="fieldset">
                            <legend class="visually-hidden">{format!("{}{}", lang.pick("经办业务：", "Services: "), name)}</legend>
                            {service_boxes(lang, format!("op{}", o.id), &offered, &o.services)}
                        </fieldset>
                        <button class="button button--secondary button--small" type="submit">
                            {lang.pick("保存经办业务", "Save services")}
                            <span class="visually-hidden">{format!(" {name}")}</span>
                        </button>
                    </form>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td data-label=label(0)>{o.login_name.clone()}</td>
                    <td data-label=label(1)>{o.full_name.clone()}</td>
                    <td data-label=label(2) class="table__cell--nowrap">{o.id_masked.clone()}</td>
                    <td data-label=label(3) class="table__cell--nowrap">{o.phone_masked.clone()}</td>
                    <td data-label=label(4)>{lang.pick(o.status.zh(), o.status.en())}</td>
                    <td data-label=label(5) class="table__cell--nowrap">{cst_date_time(o.created_at_ms)}</td>
                    <td data-label=label(6)>{services}</td>
                    <td data-label=label(7)>{actions(lang, &o)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable lang caption=("本单位经办人", "The unit's operators") columns=COLUMNS testid="unit-operators" dense=true>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// Sends the operator back to activation: a new password (active) or
/// enabled again (disabled).
fn reactivate_button(lang: Lang, o: &UnitOperator, words: (&'static str, &'static str)) -> AnyView {
    view! {
        <form method="post" action=ReactivateOperator::PATH>
            <input type="hidden" name="operator_id" value=o.id.to_string() />
            <button class="button button--secondary button--small" type="submit">
                {lang.pick(words.0, words.1)}
                <span class="visually-hidden">{format!(" {}", o.login_name)}</span>
            </button>
        </form>
    }
    .into_any()
}

fn actions(lang: Lang, o: &UnitOperator) -> AnyView {
    if o.status == OperatorStatus::Disabled {
        return reactivate_button(lang, o, ("重新启用", "Enable again"));
    }
    let reset = (o.status == OperatorStatus::Active)
        .then(|| reactivate_button(lang, o, ("重置密码", "Reset the password")));
    let resend = (o.status == OperatorStatus::Pending).then(|| {
        view! {
            <form method="post" action=ResendOperatorCode::PATH>
                <input type="hidden" name="operator_id" value=o.id.to_string() />
                <button class="button button--secondary button--small" type="submit">
                    {lang.pick("重新发送验证码", "Send the code again")}
                    <span class="visually-hidden">{format!(" {}", o.login_name)}</span>
                </button>
            </form>
        }
    });
    view! {
        {resend}
        {reset}
        <form method="post" action=DisableOperator::PATH>
            <input type="hidden" name="operator_id" value=o.id.to_string() />
            <button class="button button--warning button--small" type="submit">
                {lang.pick("停用", "Disable")}
                <span class="visually-hidden">{format!(" {}", o.login_name)}</span>
            </button>
        </form>
    }
    .into_any()
}
