//! Forgotten password (忘记密码): an individual user resets the login
//! password with a code sent to the phone on the account. Units reset at the
//! unit window; staff ask an administrator.
//!
//! One form in two steps. With JavaScript the island shows one step at a
//! time; without it, step 1 comes back as `?sent=1` and the page shows the
//! identity fields together with the code and the new password.

use crate::features::accounts::{RequestPasswordReset, ResetPassword};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{form_action, go_to, server_problem, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::sms_code::{
    refused_at_code_step, CodeField, NewPasswordFields, PhoneField, ResendCodeButton,
};
use crate::ui::components::tab_memory::now_ms;
use crate::ui::pages::register::ID_CHECK;
use crate::ui::{form_error_from_url, InitialError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let lang = use_lang();
    let sent = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("sent").is_some());
    let initial_error = form_error_from_url(RequestPasswordReset::PATH)
        .or_else(|| form_error_from_url(ResetPassword::PATH));
    view! {
        <Page title_zh="忘记密码" title_en="Forgotten password">
            <p class="lead">
                {lang.pick(
                    "个人用户可以用账户登记的手机号码接收短信验证码，重新设置登录密码。",
                    "Individual users can set a new password with a code sent to the phone number on their account.",
                )}
            </p>
            <ul class="list list--bullet">
                <li>
                    {lang.pick(
                        "手机号码已经更换、收不到短信的，请携带本人身份证明到任一注册窗口重置密码。",
                        "If you have changed your phone number and cannot receive the text, reset the password at any registration window with your identity document.",
                    )}
                </li>
                <li>
                    {lang.pick(
                        "单位用户请由代理人携带委托书和本人身份证明到单位用户注册窗口重置密码。",
                        "Units: the agent resets the password at the unit registration window, bringing the power of attorney and their identity document.",
                    )}
                </li>
                <li>
                    {lang.pick(
                        "民警工作账号的密码由系统管理员重置。",
                        "Staff accounts: a system administrator resets the password.",
                    )}
                </li>
            </ul>
            <p>
                <a href="/windows">{lang.pick("查看注册窗口地址和电话", "Registration windows: addresses and phone numbers")}</a>
            </p>
            <PasswordResetForm lang sent initial_error=InitialError(initial_error) />
            <p>
                <a href="/login">{lang.pick("想起密码了？返回登录", "Remembered it? Back to log in")}</a>
            </p>
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("id_number", Text::new("公民身份号码", "Resident ID number")),
        ("phone", Text::new("手机号码", "Mobile phone number")),
        (
            "code",
            Text::new("短信验证码", "Code from the text message"),
        ),
        ("password", Text::new("新的登录密码", "New password")),
        (
            "password_confirm",
            Text::new("再次输入新密码", "Enter the new password again"),
        ),
    ]
}

/// The reset form: step 1 asks who, step 2 takes the code and the password.
#[island]
pub fn PasswordResetForm(
    lang: Lang,
    /// Step 1 was posted without JavaScript (`?sent=1`).
    sent: bool,
    initial_error: InitialError,
) -> impl IntoView {
    let request = form_action::<RequestPasswordReset>();
    let reset = form_action::<ResetPassword>();
    let id_number = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let step_two = RwSignal::new(sent);
    // Without JavaScript step 2 must ask again who it is for.
    let identity_in_step_two = RwSignal::new(sent);
    let resend_until_ms = RwSignal::new(0i64);
    let sent_to = RwSignal::new(String::new());
    let last_error = RwSignal::new(initial_error.0);

    Effect::new(move |_| {
        if let Some(result) = request.value().get() {
            match result {
                Ok(answer) => {
                    sent_to.set(answer.phone_masked.clone());
                    resend_until_ms.set(now_ms() + answer.resend_after_secs * 1000);
                    step_two.set(true);
                    identity_in_step_two.set(false);
                    last_error.set(None);
                    // The button pressed is gone: carry on at the code.
                    focus_after_render("code");
                }
                Err(e) => last_error.set(Some(e)),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = reset.value().get() {
            match result {
                Ok(next) => go_to(&next),
                Err(e) => {
                    let back = e.concerns_any(&["id_number", "phone"]);
                    refused_at_code_step(e, back, step_two, last_error);
                }
            }
        }
    });
    let error = Signal::derive(move || last_error.get());
    let pending = Signal::derive(move || request.pending().get() || reset.pending().get());
    let show_identity = Signal::derive(move || !step_two.get() || identity_in_step_two.get());
    let labels = labels();
    let ask_for_code = move || {
        request.dispatch(RequestPasswordReset {
            id_number: id_number.get_untracked(),
            phone: phone.get_untracked(),
        });
    };
    let ask_again = ask_for_code;

    view! {
        <ErrorSummary lang error labels=labels.clone() />
        <form
            class="form"
            method="post"
            action=move || if step_two.get() { ResetPassword::PATH } else { RequestPasswordReset::PATH }
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if step_two.get_untracked() {
                    reset.dispatch(ResetPassword {
                        id_number: id_number.get_untracked(),
                        phone: phone.get_untracked(),
                        code: code.get_untracked(),
                        password: password.get_untracked(),
                        password_confirm: password_confirm.get_untracked(),
                    });
                } else {
                    ask_for_code();
                }
            }
        >
            <div class:hidden=move || !show_identity.get()>
                <TextField
                    lang
                    name="id_number"
                    label=labels[0].1.clone()
                    hint=Text::new(
                        "注册账户时使用的18位身份证号码",
                        "The 18-character ID number you registered with",
                    )
                    value=id_number
                    server_error=server_problem(error, "id_number")
                    live_check=ID_CHECK
                    width_class="input--w20"
                />
                <PhoneField
                    lang
                    label=labels[1].1.clone()
                    hint=Text::new(
                        "账户登记的手机号码，验证码将发送到该号码",
                        "The phone number on your account; the code is sent there",
                    )
                    value=phone
                    error
                />
            </div>
            {move || {
                (!step_two.get())
                    .then(|| {
                        view! {
                            <button class="button" type="submit" disabled=move || pending.get()>
                                {lang.pick("获取短信验证码", "Send me a code")}
                            </button>
                        }
                    })
            }}
            <div class:hidden=move || !step_two.get()>
                <p class="inset" role="status" aria-live="polite" data-testid="reset-sent">
                    {move || {
                        if !step_two.get() {
                            return String::new();
                        }
                        let to = sent_to.get();
                        match (lang, to.is_empty()) {
                            (Lang::Zh, false) => format!("如果公民身份号码和手机号码与账户登记的一致，验证码已发送至 {to}，5分钟内有效。"),
                            (Lang::En, false) => format!("If the ID number and the phone number match an account, a code was sent to {to}. It is valid for 5 minutes."),
                            (Lang::Zh, true) => "如果公民身份号码和手机号码与账户登记的一致，验证码已发送到该手机号码，5分钟内有效。请再次填写身份证号码和手机号码。".to_string(),
                            (Lang::En, true) => "If the ID number and the phone number match an account, a code was sent to that phone. It is valid for 5 minutes. Enter the ID number and the phone number again.".to_string(),
                        }
                    }}
                </p>
                <CodeField
                    lang
                    label=labels[2].1.clone()
                    hint=Text::new(
                        "没有收到的，请核对身份证号码和手机号码，60秒后可重新获取",
                        "No text? Check the ID and phone numbers; you can ask for a new code after 60 seconds",
                    )
                    value=code
                    error
                />
                <p class:hidden=move || !identity_in_step_two.get()>
                    <a href="/password-reset">{lang.pick("重新获取验证码", "Send a new code")}</a>
                </p>
                <p class:hidden=move || identity_in_step_two.get()>
                    <ResendCodeButton lang until_ms=resend_until_ms busy=pending showing=step_two on_resend=ask_again />
                </p>
                <NewPasswordFields lang password password_confirm error label=labels[3].1.clone() confirm_label=labels[4].1.clone() />
                <div class="button-group">
                    <button class="button" type="submit" disabled=move || pending.get()>
                        {lang.pick("重置密码", "Reset password")}
                    </button>
                    <button
                        class="button button--secondary"
                        type="button"
                        class:hidden=move || identity_in_step_two.get()
                        on:click=move |_| {
                            step_two.set(false);
                            last_error.set(None);
                            focus_after_render("id_number");
                        }
                    >
                        {lang.pick("返回修改信息", "Change my details")}
                    </button>
                </div>
            </div>
        </form>
    }
}

/// Moves the keyboard focus to the element with this id once the step it
/// is in has been shown (browser only).
fn focus_after_render(id: &'static str) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
