//! A unit's operator logs in (经办人登录) with the unit's code, the login
//! name and the password, after activating the login once (经办人激活) with
//! the code the SMS brought. Plain forms (no WASM); what was typed, except
//! passwords, comes back after a refusal.

use crate::features::units::operators::{OperatorActivate, OperatorLogin};
use crate::i18n::{use_lang, Text};
use crate::ui::components::form::{server_problem, typed, typed_values, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::DoneBanner;
use crate::ui::components::sms_code::CodeField;
use crate::ui::form_error_from_url;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn unit_code_label() -> Text {
    Text::new("单位代码", "Unit code")
}

fn unit_code_hint() -> Text {
    Text::new(
        "18位统一社会信用代码或9位组织机构代码",
        "The 18-character unified social credit code or the 9-character organisation code",
    )
}

/// The unit's code and the login name, filled with what was typed: both
/// forms start with them.
fn unit_and_login(
    lang: crate::i18n::Lang,
    labels: &[(&'static str, Text)],
    values: &[(String, String)],
    error: Signal<Option<crate::error::AppError>>,
) -> AnyView {
    view! {
        <TextField lang name="unit_code" label=labels[0].1.clone() hint=unit_code_hint()
            value=typed(values, "unit_code") server_error=server_problem(error, "unit_code")
            width_class="input--w20" />
        <TextField lang name="login_name" label=labels[1].1.clone()
            value=typed(values, "login_name") server_error=server_problem(error, "login_name")
            autocomplete="username" width_class="input--w10" />
    }
    .into_any()
}

fn login_labels() -> Vec<(&'static str, Text)> {
    vec![
        ("unit_code", unit_code_label()),
        (
            "login_name",
            Text::new("经办人登录名", "Operator's login name"),
        ),
        ("password", Text::new("密码", "Password")),
    ]
}

#[component]
pub fn OperatorLoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let next = query.with_untracked(|q| {
        q.get("next")
            .and_then(|n| crate::policy::safe_return_path(&n).map(str::to_string))
    });
    let done = query.with_untracked(|q| q.get("done").as_deref() == Some("activated"));
    let banner = done.then(|| {
        Text::new(
            "经办人账户已激活，请用新密码登录。",
            "Your operator login is active. Log in with your new password.",
        )
    });
    let error = Signal::stored(form_error_from_url(OperatorLogin::PATH));
    let values = typed_values();
    let labels = login_labels();
    view! {
        <Page title_zh="单位经办人登录" title_en="Unit operator login">
            <DoneBanner text=banner lang />
            <p>{lang.pick(
                "单位经办人使用单位代码、单位为您登记的登录名和本人设置的密码登录，只能办理单位授予您的业务。单位账户请在普通登录页用统一社会信用代码登录。",
                "Operators log in with the unit's code, the login name the unit registered for them and the password they set, and can use only the services the unit granted them. The unit's own account logs in on the ordinary login page with the credit code.",
            )}</p>
            <form class="form" method="post" action=OperatorLogin::PATH novalidate>
                {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <ErrorSummary lang error labels=labels.clone() />
                {unit_and_login(lang, &labels, &values, error)}
                <TextField lang name="password" label=labels[2].1.clone() value=RwSignal::new(String::new())
                    server_error=server_problem(error, "password") input_type="password"
                    autocomplete="current-password" />
                <button class="button" type="submit">{lang.pick("登录", "Log in")}</button>
            </form>
            <p>
                {lang.pick("单位刚为您登记？", "Just registered by your unit? ")}
                <a href="/login/operator/activate">{lang.pick("激活经办人账户", "Activate your operator login")}</a>
            </p>
            <p><a href="/login">{lang.pick("个人用户、单位账户和民警登录", "Individuals, units' own accounts and staff log in here")}</a></p>
        </Page>
    }
}

fn activate_labels() -> Vec<(&'static str, Text)> {
    vec![
        ("unit_code", unit_code_label()),
        (
            "login_name",
            Text::new("经办人登录名", "Operator's login name"),
        ),
        (
            "code",
            Text::new("短信验证码", "Code from the text message"),
        ),
        ("password", Text::new("设置登录密码", "Choose a password")),
        (
            "password_confirm",
            Text::new("再次输入密码", "Type the password again"),
        ),
    ]
}

#[component]
pub fn OperatorActivatePage() -> impl IntoView {
    let lang = use_lang();
    let error = Signal::stored(form_error_from_url(OperatorActivate::PATH));
    let values = typed_values();
    let labels = activate_labels();
    view! {
        <Page title_zh="激活经办人账户" title_en="Activate your operator login">
            <p>{lang.pick(
                "单位为您登记经办人后，您的手机会收到验证码。请在验证码有效期内填写单位代码、短信中的登录名和验证码，并设置您自己的登录密码。密码只有您本人知道，请勿告诉单位或他人。",
                "When the unit registers you as an operator, your phone gets a code. While it is valid, enter the unit's code, the login name from the text and the code, and choose a password of your own. Only you know it: do not tell the unit or anyone.",
            )}</p>
            <form class="form" method="post" action=OperatorActivate::PATH novalidate>
                <ErrorSummary lang error labels=labels.clone() />
                {unit_and_login(lang, &labels, &values, error)}
                <CodeField lang label=labels[2].1.clone() value=RwSignal::new(String::new()) error />
                <TextField lang name="password" label=labels[3].1.clone() value=RwSignal::new(String::new())
                    hint=Text::new("至少8位；不能使用常见密码，不能包含身份证号码或手机号码", "At least 8 characters; not a common password, and without your ID or phone number")
                    server_error=server_problem(error, "password") input_type="password"
                    autocomplete="new-password" />
                <TextField lang name="password_confirm" label=labels[4].1.clone() value=RwSignal::new(String::new())
                    server_error=server_problem(error, "password_confirm") input_type="password"
                    autocomplete="new-password" />
                <button class="button" type="submit">{lang.pick("激活并设置密码", "Activate and set the password")}</button>
            </form>
            <p><a href="/login/operator">{lang.pick("已激活？经办人登录", "Already active? Operator login")}</a></p>
        </Page>
    }
}
