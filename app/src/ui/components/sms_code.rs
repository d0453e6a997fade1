//! The parts of a form that sends a one-time SMS code (短信验证码): the
//! "send a new code" button with its countdown, and the new password typed
//! twice. Shared by online registration and the forgotten-password form.

use crate::error::AppError;
use crate::i18n::{Lang, Text};
use crate::ui::components::form::{server_problem, TextField};
use crate::ui::components::tab_memory::now_ms;
use crate::ui::pages::register::{PASSWORD_CHECK, PHONE_CHECK};
use leptos::prelude::*;

/// Shows a refusal of the code step; when it concerns the first step's
/// answers (who the person is, which phone), the form goes back there so
/// they can be corrected.
pub fn refused_at_code_step(
    error: AppError,
    back_to_first_step: bool,
    step_two: RwSignal<bool>,
    last_error: RwSignal<Option<AppError>>,
) {
    if back_to_first_step {
        step_two.set(false);
    }
    last_error.set(Some(error));
}

/// The seconds left before a new code may be asked for, ticking in the
/// browser. It runs from a deadline (`until_ms`), so a tab the phone put to
/// sleep (timers throttled) still shows the true time left; 0 on the server.
pub fn seconds_until(until_ms: RwSignal<i64>) -> Memo<i64> {
    let clock_ms = RwSignal::new(0i64);
    Effect::new(move |_| {
        clock_ms.set(now_ms());
        let _ = set_interval_with_handle(
            move || clock_ms.set(now_ms()),
            std::time::Duration::from_secs(1),
        );
    });
    Memo::new(move |_| {
        // A deadline set just now counts from now, not from the last tick.
        let left_ms = until_ms.get() - clock_ms.get().max(now_ms());
        if left_ms <= 0 {
            0
        } else {
            (left_ms + 999) / 1000
        }
    })
}

/// "重新获取验证码": disabled while the countdown runs or a request is on
/// its way; the time left is shown, and screen readers hear only when the
/// wait starts and ends.
#[component]
pub fn ResendCodeButton<F>(
    lang: Lang,
    /// When a new code may be asked for (browser clock, ms).
    until_ms: RwSignal<i64>,
    #[prop(into)] busy: Signal<bool>,
    /// Whether the code step is showing (nothing is announced otherwise).
    #[prop(into)]
    showing: Signal<bool>,
    on_resend: F,
) -> impl IntoView
where
    F: Fn() + 'static,
{
    let left = seconds_until(until_ms);
    // (Event handlers exist only in the browser build.)
    let _ = &on_resend;
    view! {
        <button
            class="button button--secondary"
            type="button"
            disabled=move || busy.get() || left.get() != 0
            aria-describedby="resend-status"
            on:click=move |_| on_resend()
        >
            {lang.pick("重新获取验证码", "Send a new code")}
        </button>
        <span id="resend-status" class="hint" aria-hidden="true">
            {move || match (left.get(), lang) {
                (0, _) => String::new(),
                (s, Lang::Zh) => format!("{s}秒后可重新获取"),
                (s, Lang::En) => format!("New code available in {s} s"),
            }}
        </span>
        <span class="visually-hidden" aria-live="polite">
            {move || {
                if !showing.get() {
                    ""
                } else if left.get() == 0 {
                    lang.pick("现在可以重新获取验证码。", "You can ask for a new code now.")
                } else {
                    lang.pick("请稍候再重新获取验证码。", "You can ask for a new code in a moment.")
                }
            }}
        </span>
    }
}

/// A new login password, typed twice, checked as it is typed by the same
/// rules the server applies.
#[component]
pub fn NewPasswordFields(
    lang: Lang,
    password: RwSignal<String>,
    password_confirm: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    label: Text,
    confirm_label: Text,
) -> impl IntoView {
    view! {
        <TextField
            lang
            name="password"
            label=label
            hint=Text::new(
                "至少8个字符；不能使用常见密码，不能包含身份证号码或手机号码",
                "At least 8 characters; not a common password; must not contain your ID or phone number",
            )
            value=password
            server_error=server_problem(error, "password")
            live_check=PASSWORD_CHECK
            input_type="password"
            autocomplete="new-password"
        />
        <TextField
            lang
            name="password_confirm"
            label=confirm_label
            value=password_confirm
            server_error=server_problem(error, "password_confirm")
            input_type="password"
            autocomplete="new-password"
        />
    }
}

/// A mobile phone number field (手机号码): a telephone keypad on phones,
/// the browser's own number offered, checked as it is typed.
#[component]
pub fn PhoneField(
    lang: Lang,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <TextField
            lang
            name="phone"
            label=label
            hint=hint.unwrap_or_else(|| Text::new("", ""))
            value=value
            server_error=server_problem(error, "phone")
            live_check=PHONE_CHECK
            input_type="tel"
            autocomplete="tel-national"
            inputmode="tel"
            width_class="input--w20"
        />
    }
}

/// The field for the code from the text message: a number keypad, and the
/// phone offers the code it just received (`one-time-code`).
#[component]
pub fn CodeField(
    lang: Lang,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <TextField
            lang
            name="code"
            label=label
            hint=hint.unwrap_or_else(|| Text::new("", ""))
            value=value
            server_error=server_problem(error, "code")
            autocomplete="one-time-code"
            inputmode="numeric"
            width_class="input--w5"
        />
    }
}
