//! Naming the driver (指定驾驶人处理) on a violation with points of a
//! unit's vehicle: the unit gives the driver's licence number (a licence
//! bound to the unit), the driver gets a code with the facts and the
//! points, and the unit confirms with the code. Both steps in place with
//! JavaScript; without it, step 1 comes back to the page with
//! `?code_sent=` and step 2 asks for the number again.

use crate::error::AppError;
use crate::features::units::drivers::{UnitNameDriverConfirm, UnitNameDriverRequest};
use crate::i18n::{Lang, Text};
use crate::ui::components::form::{go_to, latest_error, server_problem, ErrorSummary, TextField};
use crate::ui::components::sms_code::CodeField;
use crate::ui::pages::register::ID_CHECK;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        (
            "id_number",
            Text::new(
                "驾驶人的驾驶证号（身份证号码）",
                "The driver's licence number (ID number)",
            ),
        ),
        (
            "code",
            Text::new("驾驶人收到的短信验证码", "The code the driver received"),
        ),
        ("confirm", Text::new("确认实际驾驶人", "Confirm the driver")),
    ]
}

#[island]
pub fn NameDriverForm(
    lang: Lang,
    violation_id: i64,
    points: u8,
    /// The masked phone, when step 1 was done without JavaScript.
    code_sent: Option<String>,
    initial_error: Option<AppError>,
) -> impl IntoView {
    let request = ServerAction::<UnitNameDriverRequest>::new();
    let confirm = ServerAction::<UnitNameDriverConfirm>::new();
    let id_number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let ticked = RwSignal::new(false);
    let sent_to = RwSignal::new(code_sent);
    let request_error = latest_error(request, initial_error.clone());
    let confirm_error = latest_error(confirm, initial_error);
    Effect::new(move |_| {
        if let Some(Ok(phone)) = request.value().get() {
            sent_to.set(Some(phone));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            go_to(&format!("/account/violations/{violation_id}?handled=1"));
        }
    });
    let labels = labels();
    let step_two_labels = labels.clone();
    view! {
        <h2 class="heading-m">{lang.pick("指定驾驶人处理", "Name the driver")}</h2>
        <p>{match lang {
            Lang::Zh => format!("该违法记{points}分，须由违法时的实际驾驶人处理。请填写其驾驶证号（驾驶证须已绑定到本单位），驾驶人收到短信确认后，记分记入其驾驶证，罚款由本单位缴纳。"),
            Lang::En => format!("This violation carries {points} points and is handled by the driver who drove. Give their licence number (the licence must be bound to the unit); once the driver confirms by SMS, the points go on their licence and the unit pays the fine."),
        }}</p>
        <Show
            when=move || sent_to.get().is_some()
            fallback=move || {
                let labels = labels.clone();
                view! {
                    <form
                        class="form"
                        method="post"
                        action=UnitNameDriverRequest::PATH
                        novalidate
                        on:submit=move |ev| {
                            ev.prevent_default();
                            request.dispatch(UnitNameDriverRequest {
                                violation_id,
                                id_number: id_number.get_untracked(),
                            });
                        }
                    >
                        <ErrorSummary lang error=request_error labels=labels.clone() />
                        <input type="hidden" name="violation_id" value=violation_id.to_string() />
                        <TextField lang name="id_number" label=labels[0].1.clone() value=id_number
                            server_error=server_problem(request_error, "id_number") live_check=ID_CHECK
                            width_class="input--w20" />
                        <button class="button" type="submit" disabled=move || request.pending().get()>
                            {lang.pick("向驾驶人发送验证码", "Send the driver a code")}
                        </button>
                        " "
                        <a href="/unit/drivers">{lang.pick("绑定驾驶人驾驶证", "Bind a driver's licence")}</a>
                    </form>
                }
                .into_any()
            }
        >
            {
                let labels = step_two_labels.clone();
                view! {
                    <p class="notice" role="status">{move || {
                        let phone = sent_to.get().unwrap_or_default();
                        match lang {
                            Lang::Zh => format!("验证码已发送到驾驶人登记的手机{phone}，短信中写明了违法事实和记分。请驾驶人核对无误后将验证码告诉本单位。"),
                            Lang::En => format!("A code was sent to the driver's phone on record ({phone}) with the facts and the points. The driver checks them and gives the unit the code."),
                        }
                    }}</p>
                    <form
                        class="form"
                        method="post"
                        action=UnitNameDriverConfirm::PATH
                        novalidate
                        on:submit=move |ev| {
                            ev.prevent_default();
                            confirm.dispatch(UnitNameDriverConfirm {
                                violation_id,
                                id_number: id_number.get_untracked(),
                                code: code.get_untracked(),
                                confirm: ticked.get_untracked().then(|| "yes".to_string()),
                            });
                        }
                    >
                        <ErrorSummary lang error=confirm_error labels=labels.clone() />
                        <input type="hidden" name="violation_id" value=violation_id.to_string() />
                        <TextField lang name="id_number" label=labels[0].1.clone() value=id_number
                            server_error=server_problem(confirm_error, "id_number") width_class="input--w20" />
                        <CodeField lang label=labels[1].1.clone() value=code error=confirm_error />
                        {confirm_tick(lang, labels[2].1.clone(), ticked)}
                        <button class="button" type="submit" disabled=move || confirm.pending().get()>
                            {lang.pick("确认处理", "Handle it")}
                        </button>
                        " "
                        <button class="button button--secondary" type="button" on:click=move |_| sent_to.set(None)>
                            {lang.pick("更改驾驶人", "Change the driver")}
                        </button>
                    </form>
                }
                .into_any()
            }
        </Show>
    }
}

/// The unit's tick that the named driver drove.
fn confirm_tick(lang: Lang, legend: Text, ticked: RwSignal<bool>) -> AnyView {
    view! {
                        <div class="form-group">
                            <fieldset class="fieldset" id="confirm">
                                <legend class="fieldset__legend">{legend.get(lang).to_string()}</legend>
                                <div class="checkboxes__item">
                                    <input class="checkboxes__input" type="checkbox" id="confirm-driver" name="confirm" value="yes"
                                        prop:checked=move || ticked.get()
                                        on:change=move |ev| ticked.set(event_target_checked(&ev)) />
                                    <label class="checkboxes__label" for="confirm-driver">
                                        {lang.pick(
                                            "本单位确认该驾驶人是违法时的实际驾驶人，对违法事实无异议",
                                            "The unit confirms this driver drove at the time and does not dispute the facts",
                                        )}
                                    </label>
                                </div>
                            </fieldset>
                        </div>
    }
    .into_any()
}
