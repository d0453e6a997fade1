//! Changing contact details (变更联系方式, V4/D3): the new number, then the
//! code sent to it.

use crate::error::AppError;
use crate::features::accounts::{ConfirmContactChange, RequestContactChange};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{form_action, go_to, server_problem, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::sms_code::{CodeField, PhoneField};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{form_error_from_url, require_login_redirect, InitialError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContactChangePage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let target = use_query_map().with_untracked(|q| q.get("target").unwrap_or_default());
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
    let initial_error = form_error_from_url(RequestContactChange::PATH)
        .or_else(|| form_error_from_url(ConfirmContactChange::PATH));
    view! {
        <Page title_zh="变更联系方式" title_en="Change contact details">
            <AccountNav lang current="/account" />
            <p class="lead">{what}</p>
            <ContactChangeForm lang target initial_error=InitialError(initial_error) />
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

#[island]
pub fn ContactChangeForm(lang: Lang, target: String, initial_error: InitialError) -> impl IntoView {
    let request = form_action::<RequestContactChange>();
    let confirm = form_action::<ConfirmContactChange>();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sent_to = RwSignal::new(None::<String>);
    let error = RwSignal::new(initial_error.0);
    Effect::new(move |_| match request.value().get() {
        Some(Ok(masked)) => {
            error.set(None);
            sent_to.set(Some(masked));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(())) => go_to("/account?contact=1"),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let error: Signal<Option<AppError>> = Signal::from(error);
    let labels = labels();
    let target_for_request = target.clone();
    let target_for_confirm = target.clone();
    view! {
        <ErrorSummary lang error labels=labels.clone() />
        <form
            class="form"
            method="post"
            action=RequestContactChange::PATH
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                request.dispatch(RequestContactChange { target: target_for_request.clone(), phone: phone.get_untracked() });
            }
        >
            <input type="hidden" name="target" value=target.clone() />
            <PhoneField lang label=labels[0].1.clone() value=phone error />
            <button class="button button--secondary" type="submit" disabled=move || request.pending().get()>
                {move || if sent_to.get().is_some() { lang.pick("重新发送验证码", "Send the code again") } else { lang.pick("发送验证码", "Send a code") }}
            </button>
        </form>
        <div role="status" aria-live="polite">
            {move || sent_to.get().map(|m| match lang {
                Lang::Zh => format!("验证码已发送到{m}，5分钟内有效。"),
                Lang::En => format!("A code was sent to {m}; it is valid for 5 minutes."),
            })}
        </div>
        <form
            class="form"
            method="post"
            action=ConfirmContactChange::PATH
            novalidate
            hidden=move || sent_to.get().is_none()
            on:submit=move |ev| {
                ev.prevent_default();
                confirm.dispatch(ConfirmContactChange { target: target_for_confirm.clone(), phone: phone.get_untracked(), code: code.get_untracked(), password: password.get_untracked() });
            }
        >
            <input type="hidden" name="target" value=target.clone() />
            <input type="hidden" name="phone" value=move || phone.get() />
            <CodeField lang label=labels[1].1.clone() value=code error />
            <TextField
                lang
                name="password"
                label=labels[2].1.clone()
                value=password
                server_error=server_problem(error, "password")
                input_type="password"
                autocomplete="current-password"
            />
            <button class="button" type="submit" disabled=move || confirm.pending().get()>
                {lang.pick("确认变更", "Confirm the change")}
            </button>
        </form>
    }
}
