//! Temporary plates for everyone else: the public check (临时号牌查验),
//! where anyone who scans a plate's QR code, or types its number and the
//! VIN's last six characters, sees whether it is valid; and the buyer's
//! own plates (我的临时号牌), leading on to plate pre-selection.

use crate::domain::temporary_plate::{dotted, parse_number, Standing};
use crate::features::temporary_plates::{
    check_temporary_plate, my_temporary_plates, PlateCheck, TemporaryPlate,
};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded};
use crate::ui::pages::unit_temporary_plates::plate_standing_tag;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub(crate) const CHECK_PAGE: &str = "/temporary-plates/check";

#[component]
pub fn TemporaryPlateCheckPage() -> impl IntoView {
    let lang = use_lang();
    let (number, tail, seal) =
        use_query_map().with_untracked(|q| (q.get("number"), q.get("vin_tail"), q.get("seal")));
    let result = number.clone().filter(|n| !n.trim().is_empty()).map(|n| {
        let args = (n, tail.clone(), seal.clone());
        let data = Resource::new_blocking(
            move || args.clone(),
            |(n, tail, seal)| check_temporary_plate(n, tail, seal),
        );
        view! { <div id="result">{when_loaded(lang, data, outcome)}</div> }
    });
    view! {
        <Page title_zh="临时号牌查验" title_en="Check a temporary plate">
            <p>{lang.pick(
                "扫描临时行驶车号牌上的二维码即可查验；也可以输入号牌号码和车辆识别代号后六位查验。查验结果不含车主的身份信息。",
                "Scan the QR code on a temporary plate, or type its number and the last six characters of the VIN. The result holds none of the owner's identity details.",
            )}</p>
            {result}
            <h2 class="heading-m">{lang.pick("输入号牌号码查验", "Check by the number")}</h2>
            <form class="form" method="get" action=CHECK_PAGE>
                <div class="form-group">
                    <label class="label" for="number">{lang.pick("临时号牌号码", "Plate number")}</label>
                    <p class="hint" id="number-hint">{lang.pick("例如：冀A·000123", "For example 冀A·000123")}</p>
                    <input class="input input--w10" id="number" name="number" type="text"
                        value=number.map(|n| parse_number(&n).map(|n| dotted(&n)).unwrap_or(n)).unwrap_or_default()
                        aria-describedby="number-hint" autocomplete="off" />
                </div>
                <div class="form-group">
                    <label class="label" for="vin_tail">{lang.pick("车辆识别代号后六位", "Last six characters of the VIN")}</label>
                    <input class="input input--w5" id="vin_tail" name="vin_tail" type="text"
                        value=tail.unwrap_or_default() maxlength="6" autocomplete="off" />
                </div>
                <button class="button" type="submit">{lang.pick("查验", "Check")}</button>
            </form>
        </Page>
    }
}

fn outcome(lang: Lang, c: PlateCheck) -> AnyView {
    let row = summary_row(lang);
    let (class, zh, en) = match c.standing {
        Standing::Valid => (
            "notice notice--success",
            "有效：该临时号牌在有效期内，可以上道路行驶。",
            "Valid: the plate is within its dates and the vehicle may be driven.",
        ),
        Standing::NotYetValid => (
            "notice notice--warning",
            "未到有效期：有效期开始前不得使用。",
            "Not yet valid: it may not be used before its first day.",
        ),
        Standing::Expired => (
            "notice notice--warning",
            "已过期：该临时号牌已超过有效期，不得继续使用。",
            "Expired: the plate is past its dates and may not be used.",
        ),
        _ => (
            "notice notice--warning",
            "已注销：该临时号牌已被核发单位注销，不得使用。",
            "Revoked: the dealer revoked this plate; it may not be used.",
        ),
    };
    view! {
        <div class=class role="status" data-testid="plate-check">
            <h2 class="heading-m">{format!("{} {}", dotted(&c.number), lang.pick(c.standing.zh(), c.standing.en()))}</h2>
            <p>{lang.pick(zh, en)}</p>
            {c.sealed.then(|| view! { <p>{lang.pick("二维码经核验为本平台核发。", "The QR code is genuine: issued on this platform.")}</p> })}
        </div>
        <dl class="summary-list">
            {row("有效期", "Valid", format!("{} {} {}", c.valid_from, lang.pick("至", "to"), c.valid_until))}
            {row("车辆识别代号后六位", "VIN, last six", c.vin_tail)}
            {row("品牌型号", "Make and model", c.model)}
            {row("车辆类型", "Vehicle type", lang.pick(c.vehicle_type.zh(), c.vehicle_type.en()).to_string())}
            {row("核发单位", "Issued by", c.dealer)}
            {row("车主", "Owner", c.buyer_name_masked)}
        </dl>
    }
    .into_any()
}

#[component]
pub fn MyTemporaryPlatesPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| my_temporary_plates());
    view! {
        <Page title_zh="我的临时号牌" title_en="My temporary plates">
            {when_loaded(lang, data, mine)}
        </Page>
    }
}

fn mine(lang: Lang, plates: Vec<TemporaryPlate>) -> AnyView {
    if plates.is_empty() {
        return view! {
            <p>{lang.pick(
                "您没有临时号牌。购买新车后，经销商可以为您核发临时号牌，核发前您会收到验证码短信。",
                "You have no temporary plate. When you buy a new vehicle the dealer can issue one; you get a code by SMS first.",
            )}</p>
        }
        .into_any();
    }
    let row = summary_row(lang);
    plates
        .into_iter()
        .map(|p| {
            view! {
                <section class="card" aria-labelledby=format!("plate-{}", p.id)>
                    <h2 class="heading-m" id=format!("plate-{}", p.id)>{dotted(&p.number)} " " {plate_standing_tag(lang, p.standing)}</h2>
                    <dl class="summary-list">
                        {row("有效期", "Valid", format!("{} {} {}", p.valid_from, lang.pick("至", "to"), p.valid_until))}
                        {row("车辆识别代号", "VIN", p.vin.clone())}
                        {row("品牌型号", "Make and model", p.model.clone())}
                        {row("核发单位", "Issued by", p.dealer.clone())}
                        {p.revoked_reason.clone().map(|r| row("注销原因", "Why revoked", r))}
                    </dl>
                    <p>
                        {p.check_path.clone().map(|href| view! { <a href=href>{lang.pick("查验号牌", "Check the plate")}</a> " · " })}
                        <a href="/account/plates">{lang.pick("为这辆车预选号牌", "Choose a plate number for this vehicle")}</a>
                    </p>
                </section>
            }
        })
        .collect_view()
        .into_any()
}
