//! Naming the driver (指定驾驶人处理) on a violation with points of a
//! unit's vehicle: the unit gives the driver's licence number (a licence
//! bound to the unit), the driver gets a code with the facts and the
//! points, and the unit confirms with the number, the code and its tick.
//! Plain forms (no WASM): step 1 comes back to the page with
//! `?code_sent=` (the masked phone), which shows step 2.

use crate::error::AppError;
use crate::features::units::drivers::{UnitNameDriverConfirm, UnitNameDriverRequest};
use crate::i18n::{Lang, Text};
use crate::ui::components::form::{server_problem, ErrorSummary, TextField};
use crate::ui::components::sms_code::CodeField;
use crate::ui::form_error_from_url;
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

/// The section of the violation page: step 1, or step 2 once the code was
/// sent (`code_sent`: the masked phone).
pub fn name_driver_section(
    lang: Lang,
    violation_id: i64,
    points: u8,
    code_sent: Option<String>,
) -> AnyView {
    let intro = match lang {
        Lang::Zh => format!("该违法记{points}分，须由违法时的实际驾驶人处理。请填写其驾驶证号（驾驶证须已绑定到本单位），驾驶人收到短信确认后，记分记入其驾驶证，罚款由本单位缴纳。"),
        Lang::En => format!("This violation carries {points} points and is handled by the driver who drove. Give their licence number (the licence must be bound to the unit); once the driver confirms by SMS, the points go on their licence and the unit pays the fine."),
    };
    let step = match code_sent {
        Some(phone) => confirm_step(lang, violation_id, &phone),
        None => request_step(lang, violation_id),
    };
    view! {
        <h2 class="heading-m">{lang.pick("指定驾驶人处理", "Name the driver")}</h2>
        <p>{intro}</p>
        {step}
    }
    .into_any()
}

fn request_step(lang: Lang, violation_id: i64) -> AnyView {
    let error = Signal::stored(form_error_from_url(UnitNameDriverRequest::PATH));
    let labels = labels();
    view! {
        <form class="form" method="post" action=UnitNameDriverRequest::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <input type="hidden" name="violation_id" value=violation_id.to_string() />
            <TextField lang name="id_number" label=labels[0].1.clone() value=RwSignal::new(String::new())
                server_error=server_problem(error, "id_number") width_class="input--w20" />
            <button class="button" type="submit">{lang.pick("向驾驶人发送验证码", "Send the driver a code")}</button>
            " "
            <a href="/unit/drivers">{lang.pick("绑定驾驶人驾驶证", "Bind a driver's licence")}</a>
        </form>
    }
    .into_any()
}

fn confirm_step(lang: Lang, violation_id: i64, phone: &str) -> AnyView {
    let error: Option<AppError> = form_error_from_url(UnitNameDriverConfirm::PATH);
    let error = Signal::stored(error);
    let labels = labels();
    let sent = match lang {
        Lang::Zh => format!("验证码已发送到驾驶人登记的手机{phone}，短信中写明了违法事实和记分。请驾驶人核对无误后将验证码告诉本单位，再次填写其驾驶证号并确认。"),
        Lang::En => format!("A code was sent to the driver's phone on record ({phone}) with the facts and the points. The driver checks them and gives the unit the code; enter the licence number again and confirm."),
    };
    view! {
        <p class="notice" role="status">{sent}</p>
        <form class="form" method="post" action=UnitNameDriverConfirm::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <input type="hidden" name="violation_id" value=violation_id.to_string() />
            <TextField lang name="id_number" label=labels[0].1.clone() value=RwSignal::new(String::new())
                server_error=server_problem(error, "id_number") width_class="input--w20" />
            <CodeField lang label=labels[1].1.clone() value=RwSignal::new(String::new()) error />
            {confirm_tick(lang, labels[2].1.clone())}
            <button class="button" type="submit">{lang.pick("确认处理", "Handle it")}</button>
            " "
            <a href=format!("/account/violations/{violation_id}")>{lang.pick("更改驾驶人", "Change the driver")}</a>
        </form>
    }
    .into_any()
}

/// The unit's tick that the named driver drove.
fn confirm_tick(lang: Lang, legend: Text) -> AnyView {
    view! {
        <div class="form-group">
            <fieldset class="fieldset" id="confirm">
                <legend class="fieldset__legend">{legend.get(lang).to_string()}</legend>
                <div class="checkboxes__item">
                    <input class="checkboxes__input" type="checkbox" id="confirm-driver" name="confirm" value="yes" />
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
