//! Changing contact details (变更联系方式, V4/D3): the new number, then the
//! code sent to it.

use crate::features::accounts::{ConfirmContactChange, RequestContactChange};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    server_problem, typed, typed_value, typed_values, ErrorSummary, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::sms_code::{CodeField, PhoneField};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContactChangePage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (target, sent_to) =
        use_query_map().with_untracked(|q| (q.get("target").unwrap_or_default(), q.get("sent")));
    // Only a masked number is ever shown from the address.
    let sent_to = sent_to.filter(|m| crate::domain::PhoneNumber::is_masked(m));
    let what = if target == "licence" {
        lang.pick(
            "变更驾驶证档案登记的驾驶人联系电话。",
            "Change the driver's phone on the licence record.",
        )
    } else {
        lang.pick(
            "变更该机动车档案登记的车主联系电话（所有车型均可办理）。",
            "Change the owner's phone on this vehicle's record (any vehicle type).",
        )
    };
    view! {
        <Page title_zh="变更联系方式" title_en="Change contact details">
            <AccountNav lang current="/account" />
            <p class="lead">{what}</p>
            <ContactChangeForms lang target sent_to />
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("phone", Text::new("新的手机号码", "New mobile number")),
        (
            "code",
            Text::new("短信验证码", "Code from the text message"),
        ),
        (
            "password",
            Text::new(
                "登录密码（再次确认是您本人）",
                "Your login password (to confirm it is you)",
            ),
        ),
    ]
}

/// The two steps as plain forms, as rarely used as they are (every phone
/// would otherwise download their code with the login page's): the new
/// number, then — once a code went to it (`sent_to`, masked, from the
/// address the first step went on to) — the code and the password. A
/// refused form comes back with each problem beside its field and the
/// number typed (never the code or the password).
#[component]
fn ContactChangeForms(lang: Lang, target: String, sent_to: Option<String>) -> impl IntoView {
    let error = Signal::stored(
        form_error_from_url(RequestContactChange::PATH)
            .or_else(|| form_error_from_url(ConfirmContactChange::PATH)),
    );
    let values = typed_values();
    let phone = typed_value(&values, "phone");
    let labels = labels();
    let second = sent_to.map(|masked| {
        view! {
            <p role="status">
                {match lang {
                    Lang::Zh => format!("验证码已发送到{masked}，5分钟内有效。"),
                    Lang::En => format!("A code was sent to {masked}; it is valid for 5 minutes."),
                }}
            </p>
            <form class="form" method="post" action=ConfirmContactChange::PATH novalidate>
                <input type="hidden" name="target" value=target.clone() />
                <input type="hidden" name="phone" value=phone.clone() />
                <CodeField lang label=labels[1].1.clone() value=RwSignal::new(String::new()) error />
                <TextField
                    lang
                    name="password"
                    label=labels[2].1.clone()
                    value=RwSignal::new(String::new())
                    server_error=server_problem(error, "password")
                    input_type="password"
                    autocomplete="current-password"
                />
                <button class="button" type="submit">
                    {lang.pick("确认变更", "Confirm the change")}
                </button>
            </form>
        }
    });
    let send = if second.is_some() {
        lang.pick("重新发送验证码", "Send the code again")
    } else {
        lang.pick("发送验证码", "Send a code")
    };
    view! {
        <ErrorSummary lang error labels=labels.clone() />
        <form class="form" method="post" action=RequestContactChange::PATH novalidate>
            <input type="hidden" name="target" value=target.clone() />
            <PhoneField lang label=labels[0].1.clone() value=typed(&values, "phone") error />
            <button class="button button--secondary" type="submit">{send}</button>
        </form>
        {second}
    }
}
