//! One of the dealer's temporary plates (临时行驶车号牌): the plate as it
//! is printed, with the QR code anyone can check, and revocation (注销).
//! The page prints without the menus and the form.

use crate::domain::date::cst_date_time;
use crate::domain::temporary_plate::{dotted, Standing};
use crate::features::temporary_plates::{
    unit_temporary_plate, PlateSheet, RevokeTemporaryPlate, TemporaryPlate, MAX_REASON_CHARS,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{server_problem, typed, typed_values, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, PostedError};
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::pages::unit_temporary_plates::PAGE;
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TemporaryPlateSheetPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let data = Resource::new_blocking(move || id, |id| unit_temporary_plate(id.unwrap_or(-1)));
    view! {
        <Page title_zh="临时行驶车号牌" title_en="Temporary plate">
            <UnitNav lang current=PAGE />
            {when_loaded(lang, data, sheet)}
            <p class="no-print"><a href=PAGE>{lang.pick("返回临时号牌列表", "Back to the temporary plates")}</a></p>
        </Page>
    }
}

/// The plate as printed: its kind, the number, the vehicle, the dates, the
/// issuing dealer and the QR code.
pub(crate) fn printed_plate(lang: Lang, p: &TemporaryPlate, qr: Option<String>) -> AnyView {
    let row = summary_row(lang);
    let qr = qr.map(|svg| {
        view! {
            <div class="plate-sheet__qr" role="img"
                aria-label=lang.pick("查验二维码：交管部门签名的凭证，用手机扫描可查验号牌是否有效", "Check code: a credential signed by the traffic authority; scan it with a phone to see whether the plate is valid")
                inner_html=svg></div>
        }
    });
    view! {
        <div class="plate-sheet" data-testid="plate-sheet">
            <p class="plate-sheet__kind">{lang.pick("临时行驶车号牌", "Temporary plate")}</p>
            <p class="plate-sheet__number" data-testid="plate-number">{dotted(&p.number)}</p>
            <div class="plate-sheet__body">
                <dl class="summary-list">
                    {row("有效期", "Valid", format!("{} {} {}", p.valid_from, lang.pick("至", "to"), p.valid_until))}
                    {row("车辆识别代号", "VIN", p.vin.clone())}
                    {row("品牌型号", "Make and model", p.model.clone())}
                    {row("车辆类型", "Vehicle type", lang.pick(p.vehicle_type.zh(), p.vehicle_type.en()).to_string())}
                    {row("核发单位", "Issued by", p.dealer.clone())}
                </dl>
                {qr}
            </div>
        </div>
    }
    .into_any()
}

fn sheet(lang: Lang, sheet: PlateSheet) -> AnyView {
    let p = sheet.plate;
    if p.issued_at_ms.is_none() {
        return view! {
            <p>{match lang {
                Lang::Zh => format!("这副临时号牌未核发（{}），不能打印。", p.standing.zh()),
                Lang::En => format!("This plate was not issued ({}) and cannot be printed.", p.standing.en()),
            }}</p>
        }
        .into_any();
    }
    let row = summary_row(lang);
    let revocable = matches!(p.standing, Standing::Valid | Standing::NotYetValid);
    let reason = p.revoked_reason.clone();
    view! {
        {printed_plate(lang, &p, sheet.qr_svg)}
        <div class="no-print">
            <dl class="summary-list">
                {row("状态", "Standing", lang.pick(p.standing.zh(), p.standing.en()).to_string())}
                {row("购车人", "Buyer", format!("{} {}", p.buyer_name, p.buyer_id_masked))}
                {row("核发时间", "Issued", p.issued_at_ms.map(cst_date_time).unwrap_or_default())}
                {row("查验地址", "Check address", sheet.check_url.unwrap_or_default())}
                {reason.map(|r| row("注销原因", "Why revoked", r))}
            </dl>
            <p class="hint">{lang.pick(
                "打印：使用浏览器的打印功能（Ctrl+P），打印时不含菜单和按钮。号牌放置在前后挡风玻璃内侧右下角。",
                "To print, use the browser's print (Ctrl+P); menus and buttons are left out. Place the plate inside the windscreen and the rear window, lower right.",
            )}</p>
            {if revocable {
                revoke_form(lang, p.id).into_any()
            } else {
                // A refusal posted meanwhile (expired, revoked already) still shows.
                view! { <PostedError lang paths=vec![RevokeTemporaryPlate::PATH] /> }.into_any()
            }}
        </div>
    }
    .into_any()
}

fn revoke_form(lang: Lang, id: i64) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(RevokeTemporaryPlate::PATH));
    let values = typed_values();
    let label = Text::new("注销原因", "Why it is revoked");
    view! {
        <h2 class="heading-m">{lang.pick("注销临时号牌", "Revoke the plate")}</h2>
        <form class="form" method="post" action=RevokeTemporaryPlate::PATH novalidate>
            <ErrorSummary lang error labels=vec![("reason", label.clone())] />
            <input type="hidden" name="id" value=id.to_string() />
            <TextField lang name="reason" label=label value=typed(&values, "reason")
                hint=Text::new(
                    format!("例如：退车、信息录入错误。{MAX_REASON_CHARS}字以内，购车人会收到短信通知"),
                    format!("E.g. the sale was cancelled, or a detail was wrong. At most {MAX_REASON_CHARS} characters; the buyer is told by SMS"),
                )
                server_error=server_problem(error, "reason") width_class="input--w20" autocomplete="off" />
            <button class="button button--warning" type="submit">{lang.pick("注销", "Revoke")}</button>
        </form>
    }
}
