//! Window registration in the staff console (窗口注册, SPEC §2): a clerk
//! registers an individual or a unit on their documents. Plain forms the
//! server checks whole: a refused one comes back with every problem beside
//! its field and what was typed (never a password), a registered one with
//! the new account's number. No island: citizens' phones do not download
//! the console's forms.

use super::staff::{answer_status, staff_page, window_of};
use crate::domain::{IndividualKind, SpecialService, StaffPower, UnitKind};
use crate::features::staff::{RegisterIndividual, RegisterUnit};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    group_class, server_problem, typed, typed_value, typed_values, ErrorSummary, RadioGroup,
    TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::form_error_from_url;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn RegisterIndividualPage() -> impl IntoView {
    let lang = use_lang();
    let body = match staff_page(lang, &[StaffPower::ServeAtWindow]) {
        Err(v) => v,
        Ok(a) if window_of(&a).1 => other_window(lang, false),
        Ok(_) => individual_form(lang),
    };
    view! { <Page title_zh="个人用户窗口注册" title_en="Register an individual at the window">{body}</Page> }
}

#[component]
pub fn RegisterUnitPage() -> impl IntoView {
    let lang = use_lang();
    let body = match staff_page(lang, &[StaffPower::ServeAtWindow]) {
        Err(v) => v,
        Ok(a) if !window_of(&a).1 => other_window(lang, true),
        Ok(_) => unit_form(lang),
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

/// A new one-time token for the form (`registration::form_token`).
fn form_token() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::features::accounts::service::registration::form_token()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// The account just registered from this browser, if the last post did
/// (read once from its cookie, then cleared).
fn just_registered() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        use crate::features::accounts::session::take_cookie;
        take_cookie(crate::features::staff::REGISTERED_COOKIE)?
            .parse()
            .ok()
    }
    #[cfg(not(feature = "ssr"))]
    None
}

fn success_panel(lang: Lang, what: Text) -> Option<AnyView> {
    let account_id = just_registered()?;
    Some(
        view! {
            <div class="panel panel--confirmation" role="status" tabindex="-1" autofocus>
                <h2 class="panel__title">{lang.pick("注册成功", "Registered")}</h2>
                <p class="panel__body">
                    {match lang {
                        Lang::Zh => format!("{}账户已建立，账户编号 {account_id}。请告知申请人使用证件号码和所设密码登录。下面可以办理下一位申请人。", what.zh),
                        Lang::En => format!("The {} account was created: number {account_id}. Tell the applicant to log in with their identifier and the password they chose. The form below is for the next applicant.", what.en),
                    }}
                </p>
            </div>
        }
        .into_any(),
    )
}

fn individual_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(RegisterIndividual::PATH));
    let values = typed_values();
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
    let kind = match typed_value(&values, "kind") {
        k if k.is_empty() => IndividualKind::OwnerOrDriver.code().to_string(),
        k => k,
    };
    view! {
        {success_panel(lang, Text::new("个人用户", "individual"))}
        <form class="form" method="post" action=RegisterIndividual::PATH novalidate>
            <input type="hidden" name="form" value=form_token() />
            <ErrorSummary lang error labels=labels.clone() />
            <RadioGroup lang name="kind" legend=labels[0].1.clone() options=kinds value=RwSignal::new(kind) server_error=server_problem(error, "kind") />
            <TextField lang name="id_number" label=labels[1].1.clone() hint=Text::new("按申请人身份证件录入", "As on the applicant's identity document") value=typed(&values, "id_number") server_error=server_problem(error, "id_number") width_class="input--w20" />
            <TextField lang name="name" label=labels[2].1.clone() value=typed(&values, "name") server_error=server_problem(error, "name") width_class="input--w20" />
            <TextField lang name="phone" label=labels[3].1.clone() hint=Text::new("申请人本人使用的手机号码", "The applicant's own mobile number") value=typed(&values, "phone") server_error=server_problem(error, "phone") input_type="tel" inputmode="tel" width_class="input--w20" />
            <TextField lang name="password" label=labels[4].1.clone() hint=Text::new("由申请人在密码键盘上输入，至少8个字符", "Typed by the applicant on the keypad; at least 8 characters") value=RwSignal::new(String::new()) server_error=server_problem(error, "password") input_type="password" autocomplete="new-password" />
            <TextField lang name="password_confirm" label=labels[5].1.clone() value=RwSignal::new(String::new()) server_error=server_problem(error, "password_confirm") input_type="password" autocomplete="new-password" />
            <button class="button" type="submit">{lang.pick("确认注册", "Register")}</button>
        </form>
    }
    .into_any()
}

fn unit_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(RegisterUnit::PATH));
    let values = typed_values();
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
    let ticked = typed_value(&values, "granted");
    let ticked: Vec<&str> = ticked.split(',').collect();
    // Every service, each saying which kind of unit may have it; the server
    // refuses one ticked for another kind, by name.
    let services = SpecialService::ALL
        .iter()
        .map(|s| {
            let code = s.code();
            let id = format!("granted-{code}");
            let for_kinds: Vec<&UnitKind> = UnitKind::ALL.iter().filter(|k| s.allowed_for(**k)).collect();
            let for_zh = for_kinds.iter().map(|k| k.zh()).collect::<Vec<_>>().join("、");
            let for_en = for_kinds.iter().map(|k| k.en()).collect::<Vec<_>>().join(", ");
            let label = match lang {
                Lang::Zh => format!("{}（限{}）", s.zh(), for_zh),
                Lang::En => format!("{} ({} only)", s.en(), for_en),
            };
            view! {
                <div class="checkboxes__item">
                    <input class="checkboxes__input" type="checkbox" id=id.clone() name="granted[]" value=code
                        checked=ticked.contains(&code) />
                    <label class="checkboxes__label" for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        {success_panel(lang, Text::new("单位用户", "unit"))}
        <form class="form" method="post" action=RegisterUnit::PATH novalidate>
            <input type="hidden" name="form" value=form_token() />
            <ErrorSummary lang error labels=labels.clone() />
            <RadioGroup lang name="unit_kind" legend=labels[0].1.clone() options=kinds value=typed(&values, "unit_kind") server_error=server_problem(error, "unit_kind") />
            <TextField lang name="unit_name" label=labels[1].1.clone() hint=Text::new("与营业执照或组织机构代码证一致", "As on the business licence or organisation code certificate") value=typed(&values, "unit_name") server_error=server_problem(error, "unit_name") />
            <TextField lang name="credit_code" label=labels[2].1.clone() hint=Text::new("统一社会信用代码18位，或组织机构代码9位，均含校验码", "The credit code's 18 characters, or the organisation code's 9, with the check character") value=typed(&values, "credit_code") server_error=server_problem(error, "credit_code") width_class="input--w20" />
            <TextField lang name="attorney_ref" label=labels[3].1.clone() value=typed(&values, "attorney_ref") server_error=server_problem(error, "attorney_ref") width_class="input--w20" />
            <TextField lang name="agent_id_number" label=labels[4].1.clone() value=typed(&values, "agent_id_number") server_error=server_problem(error, "agent_id_number") width_class="input--w20" />
            <TextField lang name="agent_name" label=labels[5].1.clone() value=typed(&values, "agent_name") server_error=server_problem(error, "agent_name") width_class="input--w20" />
            <TextField lang name="agent_phone" label=labels[6].1.clone() value=typed(&values, "agent_phone") server_error=server_problem(error, "agent_phone") input_type="tel" inputmode="tel" width_class="input--w20" />
            <div class=move || group_class(server_problem(error, "granted").get().is_some())>
                <fieldset class="fieldset" id="granted" aria-describedby="granted-hint granted-error">
                    <legend class="fieldset__legend">{labels[9].1.get(lang).to_string()}</legend>
                    <p class="hint" id="granted-hint">{lang.pick(
                        "按交管部门批准的范围勾选；每项只能授权给括号中的单位类别。",
                        "Tick what the traffic authority approved; each can be granted only to the kind of unit in brackets.",
                    )}</p>
                    <p class="error-message" id="granted-error" aria-live="polite">{move || server_problem(error, "granted").get().map(|m| m.get(lang).to_string())}</p>
                    <div class="checkboxes">{services}</div>
                </fieldset>
            </div>
            <TextField lang name="password" label=labels[7].1.clone() hint=Text::new("由代理人设置，至少8个字符", "Chosen by the agent; at least 8 characters") value=RwSignal::new(String::new()) server_error=server_problem(error, "password") input_type="password" autocomplete="new-password" />
            <TextField lang name="password_confirm" label=labels[8].1.clone() value=RwSignal::new(String::new()) server_error=server_problem(error, "password_confirm") input_type="password" autocomplete="new-password" />
            <button class="button" type="submit">{lang.pick("确认注册", "Register")}</button>
        </form>
    }
    .into_any()
}
