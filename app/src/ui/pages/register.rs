//! Registration pages: choose the kind of user, online registration for
//! individuals (网上注册), and the notice that units register at the window.

use crate::domain::{IndividualKind, Password, PersonName, PhoneNumber, ResidentId, Rule};
use crate::error::AppError;
use crate::features::accounts::RegistrationWindow;
use crate::features::accounts::{registration_windows, CompleteRegistration, SendRegistrationCode};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    form_action, go_to, server_problem, ErrorSummary, LiveCheck, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::sms_code::{
    refused_at_code_step, CodeField, NewPasswordFields, PhoneField, ResendCodeButton,
};
use crate::ui::components::tab_memory;
use crate::ui::components::window_cards::suggested_windows;
use crate::ui::pages::public::WindowList;
use crate::ui::{form_error_from_url, InitialError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// Choose who you are (选择用户类别).
#[component]
pub fn RegisterChoice() -> impl IntoView {
    let lang = use_lang();
    let kinds = IndividualKind::ALL
        .iter()
        .map(|k| {
            let href = format!("/register/online?kind={}", k.code());
            view! {
                <li>
                    <a class="choice" href=href>
                        <span class="choice__title">{lang.pick(k.zh(), k.en()).to_string()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Page title_zh="用户注册" title_en="Register">
            <h2 class="heading-m">{lang.pick("个人用户网上注册", "Individuals: register online")}</h2>
            <p>
                {lang.pick(
                    "网上注册时填写的手机号码必须与办理机动车登记或驾驶证申领业务时登记的手机号码一致；不一致的，请到注册窗口注册。",
                    "The phone number you give must be the one recorded when you registered your vehicle or applied for your driving licence. If it is not, register at a window.",
                )}
            </p>
            <ul class="choice-list">{kinds}</ul>
            <h2 class="heading-m">{lang.pick("单位用户", "Units")}</h2>
            <p>
                <a href="/register/unit">
                    {lang.pick("单位用户只能到单位用户注册窗口注册", "Units register only at the unit registration window")}
                </a>
            </p>
        </Page>
    }
}

/// Units cannot register online (SPEC §2): where to go and what to bring.
#[component]
pub fn UnitRegistrationInfo() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Page title_zh="单位用户注册" title_en="Registering a unit">
            <p class="lead">
                {lang.pick(
                    "单位用户不能网上注册，只能到单位用户注册窗口注册。",
                    "Units cannot register online. They register only at the unit registration window.",
                )}
            </p>
            <h2 class="heading-m">{lang.pick("需要携带", "What to bring")}</h2>
            <ul class="list list--bullet">
                <li>{lang.pick("单位组织机构代码证，或含统一社会信用代码的营业执照", "The organisation code certificate, or the business licence with the unified social credit code")}</li>
                <li>{lang.pick("委托书", "A power of attorney")}</li>
                <li>{lang.pick("代理人身份证明", "The agent's identity document")}</li>
            </ul>
            <WindowList />
        </Page>
    }
}

/// Online registration for one kind of individual user.
#[component]
pub fn OnlineRegistrationPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let kind = query
        .read_untracked()
        .get("kind")
        .and_then(|k| IndividualKind::from_code(&k))
        .unwrap_or(IndividualKind::OwnerOrDriver);
    let windows = Resource::new_blocking(|| (), |_| registration_windows());
    let typed = typed_before_script(kind.code());
    view! {
        <Page title_zh="个人用户网上注册" title_en="Register online">
            <p class="caption">{lang.pick(kind.zh(), kind.en()).to_string()}</p>
            <Suspense fallback=|| ()>
                {move || {
                    let typed = typed.clone();
                    Suspend::new(async move {
                    let windows = windows.await.unwrap_or_default();
                    let initial_error = form_error_from_url(SendRegistrationCode::PATH)
                        .or_else(|| form_error_from_url(CompleteRegistration::PATH));
                    view! { <OnlineRegistrationForm lang kind=kind.code().to_string() windows initial_error=InitialError(initial_error) typed /> }
                })
                }}
            </Suspense>
        </Page>
    }
}

/// Joins the typed fields in the island's `typed` prop.
const TYPED_SEPARATOR: char = '\u{1f}';

/// What was typed in step 1 when the form was posted before the page's
/// script ran (kept in a short-lived cookie by the server function, read
/// once): ID number, name and phone, for this kind of user only.
fn typed_before_script(kind: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use crate::features::accounts::service::registration::{TypedIdentity, TYPED_COOKIE};
        use crate::features::accounts::session::take_cookie;
        let typed = take_cookie(TYPED_COOKIE).and_then(|v| TypedIdentity::from_cookie(&v))?;
        (typed.kind == kind)
            .then(|| [typed.id_number, typed.name, typed.phone].join(&TYPED_SEPARATOR.to_string()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = kind;
        None
    }
}

fn check_id(v: &str) -> Option<Text> {
    ResidentId::parse(v)
        .err()
        .map(|e| Text::new(e.zh(), e.en()))
}
fn check_name(v: &str) -> Option<Text> {
    PersonName::parse(v)
        .err()
        .map(|e| Text::new(e.zh(), e.en()))
}
fn check_phone(v: &str) -> Option<Text> {
    PhoneNumber::parse(v)
        .err()
        .map(|e| Text::new(e.zh(), e.en()))
}
fn check_password(v: &str) -> Option<Text> {
    Password::parse(v).err().map(|e| Text::new(e.zh(), e.en()))
}

/// The live checks the browser runs as the person types.
pub const ID_CHECK: LiveCheck = check_id;
pub const NAME_CHECK: LiveCheck = check_name;
pub const PHONE_CHECK: LiveCheck = check_phone;
pub const PASSWORD_CHECK: LiveCheck = check_password;

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("kind", Text::new("用户类别", "Kind of user")),
        ("id_number", Text::new("公民身份号码", "Resident ID number")),
        ("name", Text::new("姓名", "Full name")),
        ("phone", Text::new("手机号码", "Mobile phone number")),
        (
            "code",
            Text::new("短信验证码", "Code from the text message"),
        ),
        ("password", Text::new("设置登录密码", "Choose a password")),
        (
            "password_confirm",
            Text::new("再次输入密码", "Enter the password again"),
        ),
    ]
}

/// Where the typed identity waits in this tab while the code is on its way.
const TAB_MEMORY: &str = "register.online";

/// The two-step online registration form.
#[island]
pub fn OnlineRegistrationForm(
    lang: Lang,
    kind: String,
    windows: Vec<RegistrationWindow>,
    initial_error: InitialError,
    /// What was typed before the script ran (a plain post sent back): ID
    /// number, name and phone joined by [`TYPED_SEPARATOR`] (one string
    /// prop costs the module nothing new).
    typed: Option<String>,
) -> impl IntoView {
    let send = form_action::<SendRegistrationCode>();
    let complete = form_action::<CompleteRegistration>();
    let typed = typed.unwrap_or_default();
    let mut typed = typed.split(TYPED_SEPARATOR).map(str::to_string);
    let id_number = RwSignal::new(typed.next().unwrap_or_default());
    let name = RwSignal::new(typed.next().unwrap_or_default());
    let phone = RwSignal::new(typed.next().unwrap_or_default());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    // Step 2 once a code was sent; the person may go back and keep what they typed.
    let step_two = RwSignal::new(false);
    // When a new code may be asked for (the countdown runs from it).
    let resend_until_ms = RwSignal::new(0i64);
    let sent_to = RwSignal::new(String::new());
    let last_error = RwSignal::new(initial_error.0);
    let already_sent = RwSignal::new(false);

    // After a reload: what was typed, and the step, come back from this tab.
    let kind_for_memory = kind.clone();
    Effect::new(move |_| {
        let Some(kept) = tab_memory::recall(TAB_MEMORY) else {
            return;
        };
        if kept.len() != 6 || kept[0] != kind_for_memory {
            return;
        }
        for (signal, value) in [(id_number, &kept[1]), (name, &kept[2]), (phone, &kept[3])] {
            if signal.get_untracked().is_empty() {
                signal.set(value.clone());
            }
        }
        if !kept[4].is_empty() {
            let deadline: i64 = kept[5].parse().unwrap_or(0);
            sent_to.set(kept[4].clone());
            resend_until_ms.set(deadline);
            step_two.set(true);
        }
    });
    let kind_for_keep = kind.clone();
    let keep = move |masked: &str, resend_after_secs: i64| {
        let deadline = tab_memory::now_ms() + resend_after_secs * 1000;
        tab_memory::remember(
            TAB_MEMORY,
            &[
                &kind_for_keep,
                &id_number.get_untracked(),
                &name.get_untracked(),
                &phone.get_untracked(),
                masked,
                &deadline.to_string(),
            ],
        );
    };
    let keep_on_send = keep.clone();
    Effect::new(move |_| {
        if let Some(result) = send.value().get() {
            match result {
                Ok(sent) => {
                    sent_to.set(sent.phone_masked.clone());
                    resend_until_ms.set(tab_memory::now_ms() + sent.resend_after_secs * 1000);
                    already_sent.set(sent.already_sent);
                    step_two.set(true);
                    last_error.set(None);
                    keep_on_send(&sent.phone_masked, sent.resend_after_secs);
                }
                Err(e) => last_error.set(Some(e)),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = complete.value().get() {
            match result {
                Ok(()) => {
                    tab_memory::forget(TAB_MEMORY);
                    go_to("/account?welcome=1");
                }
                Err(e) => {
                    // A changed identity check sends the person back to step 1.
                    let back = e.concerns_any(&["id_number", "name", "phone", "kind"])
                        || matches!(e, AppError::NotAllowed(_));
                    refused_at_code_step(e, back, step_two, last_error);
                }
            }
        }
    });
    let error = Signal::derive(move || last_error.get());
    let pending = Signal::derive(move || send.pending().get() || complete.pending().get());
    // A "register at a window" answer shows the nearest windows.
    let windows_near = Signal::derive(move || match last_error.get() {
        Some(AppError::NotAllowed(r)) if r.see_windows => Some(r.near_district),
        _ => None,
    });
    let labels = labels();
    let kind_for_send = kind.clone();
    let request_code = move || {
        send.dispatch(SendRegistrationCode {
            kind: kind_for_send.clone(),
            id_number: id_number.get_untracked(),
            name: name.get_untracked(),
            phone: phone.get_untracked(),
        });
    };
    let request_code_again = request_code.clone();
    let kind_for_complete = kind.clone();
    let change_details = move || {
        // Back to step 1: the code step's errors no longer apply.
        last_error.set(None);
        step_two.set(false);
        keep("", 0);
    };

    view! {
        <ErrorSummary lang error labels=labels.clone() />
        {move || {
            windows_near
                .get()
                .map(|near| suggested_windows(lang, &windows, near.as_deref()))
        }}
        <form
            class="form"
            method="post"
            action=SendRegistrationCode::PATH
            novalidate
            class:hidden=move || step_two.get()
            on:submit=move |ev| {
                ev.prevent_default();
                request_code();
            }
        >
            <input type="hidden" name="kind" value=kind.clone() />
            <TextField
                lang
                name="id_number"
                label=labels[1].1.clone()
                hint=Text::new("18位，最后一位可能是X", "18 characters; the last may be X")
                value=id_number
                server_error=server_problem(error, "id_number")
                live_check=ID_CHECK
                width_class="input--w20"
            />
            <TextField
                lang
                name="name"
                label=labels[2].1.clone()
                hint=Text::new("与身份证上的姓名一致", "As on your identity card")
                value=name
                server_error=server_problem(error, "name")
                live_check=NAME_CHECK
                autocomplete="name"
                width_class="input--w20"
            />
            <PhoneField
                lang
                label=labels[3].1.clone()
                hint=Text::new(
                    "必须是办理机动车登记或驾驶证申领业务时登记的手机号码，验证码将发送到该号码",
                    "Must be the number recorded when you registered your vehicle or applied for your licence; the code is sent there",
                )
                value=phone
                error
            />
            <button class="button" type="submit" disabled=move || pending.get()>
                {lang.pick("获取短信验证码", "Send me a code")}
            </button>
        </form>
        <form
            class="form"
            method="post"
            action=CompleteRegistration::PATH
            novalidate
            class:hidden=move || !step_two.get()
            on:submit=move |ev| {
                ev.prevent_default();
                complete.dispatch(CompleteRegistration {
                    kind: kind_for_complete.clone(),
                    id_number: id_number.get_untracked(),
                    name: name.get_untracked(),
                    phone: phone.get_untracked(),
                    code: code.get_untracked(),
                    password: password.get_untracked(),
                    password_confirm: password_confirm.get_untracked(),
                });
            }
        >
            <p class="inset" role="status" aria-live="polite">
                {move || {
                    let to = sent_to.get();
                    if to.is_empty() {
                        String::new()
                    } else {
                        match (lang, already_sent.get()) {
                            (Lang::Zh, false) => format!("验证码已发送至 {to}，5分钟内有效。"),
                            (Lang::En, false) => format!("We sent a code to {to}. It is valid for 5 minutes."),
                            (Lang::Zh, true) => format!("刚才发送至 {to} 的验证码仍然有效，请输入该验证码。"),
                            (Lang::En, true) => format!("The code we sent to {to} a moment ago is still valid. Enter that code."),
                        }
                    }
                }}
            </p>
            <CodeField lang label=labels[4].1.clone() value=code error />
            <p>
                <ResendCodeButton lang until_ms=resend_until_ms busy=pending showing=step_two on_resend=request_code_again />
            </p>
            <NewPasswordFields lang password password_confirm error label=labels[5].1.clone() confirm_label=labels[6].1.clone() />
            <div class="button-group">
                <button class="button" type="submit" disabled=move || pending.get()>
                    {lang.pick("完成注册", "Create account")}
                </button>
                <button class="button button--secondary" type="button" on:click=move |_| change_details()>
                    {lang.pick("返回修改信息", "Change my details")}
                </button>
            </div>
        </form>
    }
}
