//! Plate pre-selection pages (机动车预选号牌, V7): the new vehicles, the
//! random draw with its published commitment, the batch to choose from, the
//! custom number, and the hold with its countdown. Plain forms, rendered on
//! the server; only the countdown is interactive.

use crate::domain::date::cst_date_time;
use crate::domain::plate::fold_typed;
use crate::domain::plate_selection::{
    hex_of, possible_next, BATCH_SIZE, EXTENSION_SECS, HOLD_SECS, MAX_BATCHES_PER_VIN,
    MAX_NONCE_CHARS, PICK_SECS, SERIAL_ALPHABET,
};
use crate::features::plates::{
    plate_batch, plate_vehicles, ConfirmPlate, DrawPlateBatch, ExtendPlateHold, HoldCustomPlate,
    HoldPlate, PlateVehicle, PreparePlateDraw,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::countdown::Countdown;
use crate::ui::components::form::TextField;
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn vin_tail(vin: &str) -> String {
    format!("…{}", &vin[vin.len().saturating_sub(6)..])
}

#[component]
pub fn PlatesPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| {
        q.get("confirmed").map(|_| {
            Text::new(
                "号牌预选成功，办理注册登记时使用该号牌。",
                "The number is yours; use it when registering the vehicle.",
            )
        })
    });
    let data = Resource::new_blocking(|| (), |_| plate_vehicles());
    let city = crate::ui::profile().seat().plate_prefix.clone();
    view! {
        <Page title_zh="机动车预选号牌" title_en="Pre-select a plate number">
            <AccountNav lang current="/account/plates" />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![PreparePlateDraw::PATH] />
            <p>{match lang {
                Lang::Zh => format!("为登记在您名下、尚未注册的小型汽车预选{city}号牌。随机选号每次产生{BATCH_SIZE}个号码，需在{}分钟内选择，每辆车最多{MAX_BATCHES_PER_VIN}次；也可以按规则自编号码。选中的号码为您保留{}分钟，确认后不能更改。", PICK_SECS / 60, HOLD_SECS / 60),
                Lang::En => format!("Choose a {city} number for a new small car in your name that is not registered yet. A random batch offers {BATCH_SIZE} numbers to pick from within {} minutes, at most {MAX_BATCHES_PER_VIN} batches per vehicle; or compose one under the rules. A chosen number is held for {} minutes; once confirmed it is final.", PICK_SECS / 60, HOLD_SECS / 60),
            }}</p>
            {when_loaded(lang, data, vehicles_view)}
        </Page>
    }
}

fn vehicles_view(lang: Lang, vehicles: Vec<PlateVehicle>) -> impl IntoView {
    if vehicles.is_empty() {
        return view! { <p>{lang.pick("您名下没有待注册的新车。", "No new, unregistered vehicle is in your name.")}</p> }.into_any();
    }
    vehicles
        .into_iter()
        .map(|v| {
            let row = summary_row(lang);
            let state = if let Some(p) = &v.selected {
                view! { <p><strong>{lang.pick("已选定号牌：", "Chosen: ")}<span class="plate" data-testid="selected-plate">{p.clone()}</span></strong></p> }.into_any()
            } else if let Some(h) = &v.hold {
                view! {
                    <p>{lang.pick("保留中：", "Held: ")}<span class="plate">{h.plate.clone()}</span> " "
                        <a href=format!("/account/plates/hold?vin={}", v.vin)>{lang.pick("去确认", "Confirm it")}</a></p>
                }
                .into_any()
            } else {
                let left = MAX_BATCHES_PER_VIN.saturating_sub(v.batches_used);
                view! {
                    <div class="button-group">
                        {(left > 0).then(|| view! {
                            <form method="post" action=PreparePlateDraw::PATH class="inline-form">
                                <input type="hidden" name="vin" value=v.vin.clone() />
                                <button class="button" type="submit">{match lang {
                                    Lang::Zh => format!("随机选号（还可{left}次）"),
                                    Lang::En => format!("Random batch ({left} left)"),
                                }}</button>
                            </form>
                        })}
                        <a class="button button--secondary" href=format!("/account/plates/custom?vin={}", v.vin)>{lang.pick("自编自选", "Compose a number")}</a>
                    </div>
                }
                .into_any()
            };
            view! {
                <section class="card">
                    <h2 class="card__title">{format!("{} {}", v.brand, vin_tail(&v.vin))}</h2>
                    <dl class="summary-list">
                        {row("车辆识别代号", "VIN", v.vin.clone())}
                        {row("车辆类型", "Type", lang.pick(v.vehicle_type.zh(), v.vehicle_type.en()).to_string())}
                    </dl>
                    {state}
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// The draw: the commitment first, then the batch to choose from.
#[component]
pub fn PlateDrawPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let batch = use_query_map().with_untracked(|q| {
        q.get("batch")
            .and_then(|b| b.parse::<i64>().ok())
            .unwrap_or(-1)
    });
    let data = Resource::new_blocking(move || batch, plate_batch);
    view! {
        <Page title_zh="随机选号" title_en="Random batch">
            <AccountNav lang current="/account/plates" />
            <PostedError lang paths=vec![DrawPlateBatch::PATH, HoldPlate::PATH] />
            {when_loaded(lang, data, draw_view)}
        </Page>
    }
}

fn draw_view(lang: Lang, b: crate::features::plates::BatchView) -> impl IntoView {
    let commitment = view! {
        <div class="inset">
            <p>{lang.pick("本批号码的随机种子承诺值（SHA-256，在产生号码之前公布）：", "Commitment to this batch's random seed (SHA-256, published before the draw):")}</p>
            <p class="code" data-testid="commitment">{b.commitment.clone()}</p>
        </div>
    };
    let Some(d) = b.drawn else {
        let typed = crate::ui::form_error_from_url(DrawPlateBatch::PATH);
        return view! {
            {commitment}
            <form method="post" action=DrawPlateBatch::PATH class="form">
                <input type="hidden" name="batch_id" value=b.batch_id.to_string() />
                <TextField lang name="client_nonce" label=Text::new("您的随机字符（可选）", "Your own random characters (optional)")
                    hint=Text::new(
                        format!("可以输入任意文字，汉字、字母、数字、标点和表情符号都算数，最多{MAX_NONCE_CHARS}个字符；除去首尾空格后原样使用，和上面的种子一起决定本批号码，任何一方都无法单独控制结果。产生号码后页面会显示所用的字符。"),
                        format!("Type any text — Chinese, letters, digits, punctuation and emoji all count — up to {MAX_NONCE_CHARS} characters. It is used exactly as typed (without leading and trailing spaces) and, with the seed above, decides the batch, so neither side controls it alone. The page shows what was used after the draw."),
                    )
                    value=RwSignal::new(String::new())
                    server_error=crate::ui::components::form::server_problem(Signal::stored(typed), "client_nonce")
                    maxlength=MAX_NONCE_CHARS as u32 width_class="input--w20" />
                <button class="button" type="submit">{lang.pick("产生号码", "Draw the numbers")}</button>
            </form>
        }
        .into_any();
    };
    let deadline = Text::new(
        format!("请在{}前选择", cst_date_time(d.expires_at_ms)),
        format!("Choose before {}", cst_date_time(d.expires_at_ms)),
    );
    let choices = d
        .plates
        .iter()
        .map(|p| {
            let id = format!("plate-{p}");
            view! {
                <div class="radios__item">
                    <input class="radios__input" type="radio" id=id.clone() name="plate" value=p.clone() />
                    <label class="radios__label plate" for=id>{p.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let row = summary_row(lang);
    let nonce_shown = if d.client_nonce.is_empty() {
        lang.pick(
            "（未输入，按空字符计算）",
            "(none typed; the empty text is used)",
        )
        .to_string()
    } else {
        format!("“{}”", d.client_nonce)
    };
    let nonce_bytes = if d.client_nonce.is_empty() {
        "—".to_string()
    } else {
        hex_of(d.client_nonce.as_bytes())
    };
    view! {
        {commitment}
        <Countdown lang until_ms=d.expires_at_ms deadline_text=deadline.get(lang).to_string() />
        <form method="post" action=HoldPlate::PATH class="form">
            <input type="hidden" name="vin" value=b.vin.clone() />
            <input type="hidden" name="batch_id" value=b.batch_id.to_string() />
            <fieldset class="fieldset">
                <legend class="fieldset__legend">{lang.pick("选择一个号码", "Choose a number")}</legend>
                <div class="radios" data-testid="batch">{choices}</div>
            </fieldset>
            <button class="button" type="submit">{lang.pick("保留该号码", "Hold this number")}</button>
        </form>
        <p>{lang.pick("本批号码使用的您的随机字符：", "Your characters used for this batch: ")}<strong class="nonce" data-testid="nonce-used">{nonce_shown}</strong></p>
        <details class="details verify">
            <summary>{lang.pick("如何验证本批号码", "How to verify this batch")}</summary>
            <dl class="summary-list">
                {row("公布的种子", "Revealed seed", d.server_seed.clone())}
                {row("您的随机字符", "Your characters", d.client_nonce.clone())}
                {row("随机字符的UTF-8编码（十六进制）", "Your characters as UTF-8 (hex)", nonce_bytes)}
                {row("号码池可选号码数", "Available numbers in the pool", d.pool_size.to_string())}
                {row("号码池摘要（SHA-256）", "Pool digest (SHA-256)", d.pool_digest.clone())}
            </dl>
            <p>{lang.pick(
                "验证方法：SHA-256(种子) 应等于承诺值；以 SHA-256(种子‖随机字符的UTF-8编码) 为起点，对按字节升序排列的可选号码，依次取 SHA-256(起点‖序号) 前8字节对剩余数量取余，抽出号码。号码池摘要是按字节升序、以换行分隔的全部可选号码的 SHA-256。",
                "Check: SHA-256(seed) equals the commitment; from SHA-256(seed ‖ your characters as UTF-8), over the available numbers sorted by bytes, take SHA-256(start ‖ counter)'s first 8 bytes modulo the count left, one number at a time. The pool digest is the SHA-256 of all available numbers, sorted by bytes and joined by newlines.",
            )}</p>
        </details>
    }
    .into_any()
}

/// Composing a custom number (自编自选).
#[component]
pub fn PlateCustomPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let profile = crate::ui::profile();
    let city = profile.seat().plate_prefix.clone();
    let withheld = profile.seat().withheld_series.join("、");
    let (vin, prefix) = use_query_map().with_untracked(|q| {
        (q.get("vin").unwrap_or_default(), {
            let typed = fold_typed(&q.get("prefix").unwrap_or_default());
            typed
                .strip_prefix(&fold_typed(&city))
                .unwrap_or(&typed)
                .chars()
                .take(4)
                .collect::<String>()
        })
    });
    let typed = crate::ui::form_error_from_url(HoldCustomPlate::PATH);
    let next = possible_next(&prefix);
    let next_text = if next.is_empty() {
        lang.pick(
            "这样开头的号码不符合规则，请换一个开头。",
            "No valid number starts like this; try another start.",
        )
        .to_string()
    } else {
        next.iter()
            .map(char::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let letters: String = SERIAL_ALPHABET
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    let first = possible_next("").len();
    view! {
        <Page title_zh="自编自选号牌" title_en="Compose a number">
            <AccountNav lang current="/account/plates" />
            <crate::ui::components::form::ErrorSummary lang error=Signal::stored(typed.clone()) labels=vec![("serial", Text::new("号码序号", "Serial"))] />
            <ul class="list--bullet">
                <li>{match lang {
                    Lang::Zh => format!("{city}后面5位，可用数字和字母{letters}（不能用I和O），最多2个字母。"),
                    Lang::En => format!("5 characters after {city}: digits and the letters {letters} (no I or O), at most 2 letters."),
                }}</li>
                <li>{lang.pick("五位相同（如88888）或顺序连号（如12345、98765）的号码为保留号段，不对外发放。", "All-same (88888) and straight runs (12345, 98765) are reserved and not issued.")}</li>
                {(!withheld.is_empty()).then(|| view! {
                    <li>{match lang {
                        Lang::Zh => format!("以{withheld}开头的号码为本市保留号段。"),
                        Lang::En => format!("Numbers starting {withheld} are reserved in this city."),
                    }}</li>
                })}
                <li>{match lang {
                    Lang::Zh => format!("第一位有{first}种可选字符；输入后页面会说明号码是否可用。"),
                    Lang::En => format!("{first} characters are possible in the first place; after you submit, the page says whether the number is free."),
                }}</li>
            </ul>
            <form method="get" action="/account/plates/custom" class="form">
                <input type="hidden" name="vin" value=vin.clone() />
                <TextField lang name="prefix" label=Text::new("已想好的开头（可选）", "The start you have in mind (optional)")
                    hint=Text::new("输入开头的1至4位，查看下一位还能用哪些字符", "Type the first 1 to 4 characters to see which can come next")
                    value=RwSignal::new(prefix.clone()) server_error=Signal::stored(None) width_class="input--w5" />
                <button class="button button--secondary" type="submit">{lang.pick("查看下一位可用字符", "Show what can come next")}</button>
            </form>
            {(!prefix.is_empty()).then(|| view! {
                <div class="inset" role="status" data-testid="possible-next">
                    <p>{match lang {
                        Lang::Zh => format!("“{city}{prefix}”之后还可以用："),
                        Lang::En => format!("After “{city}{prefix}” you can use:"),
                    }}</p>
                    <p class="code">{next_text.clone()}</p>
                </div>
            })}
            <form method="post" action=HoldCustomPlate::PATH class="form">
                <input type="hidden" name="vin" value=vin />
                <TextField lang name="serial" label=Text::new(format!("号码序号（{city}后5位）"), format!("Serial (5 characters after {city})"))
                    value=RwSignal::new(prefix.clone())
                    hint=Text::new(format!("例如：12B46，也可以连同“{city}”一起输入"), format!("For example 12B46; you may type “{city}” in front"))
                    server_error=crate::ui::components::form::server_problem(Signal::stored(typed), "serial")
                    width_class="input--w10" />
                <button class="button" type="submit">{lang.pick("查询并保留", "Check and hold")}</button>
            </form>
        </Page>
    }
}

/// The held number: countdown, one extension, confirmation.
#[component]
pub fn PlateHoldPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (vin, extended) = use_query_map().with_untracked(|q| {
        (
            q.get("vin").unwrap_or_default(),
            q.get("extended").is_some(),
        )
    });
    let done = extended.then(|| {
        Text::new(
            format!("已延长{EXTENSION_SECS}秒。"),
            format!("Extended by {EXTENSION_SECS} seconds."),
        )
    });
    let data = Resource::new_blocking(|| (), |_| plate_vehicles());
    view! {
        <Page title_zh="确认号牌" title_en="Confirm the number">
            <AccountNav lang current="/account/plates" />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![ConfirmPlate::PATH, ExtendPlateHold::PATH, HoldPlate::PATH, HoldCustomPlate::PATH] />
            {when_loaded(lang, data, move |lang, vehicles: Vec<PlateVehicle>| hold_view(lang, vehicles.into_iter().find(|v| v.vin == vin)))}
        </Page>
    }
}

fn hold_view(lang: Lang, vehicle: Option<PlateVehicle>) -> impl IntoView {
    let Some(v) = vehicle else {
        return view! { <p><a href="/account/plates">{lang.pick("返回预选号牌", "Back to plate pre-selection")}</a></p> }.into_any();
    };
    let Some(h) = v.hold.clone() else {
        return view! {
            <p>{lang.pick("没有保留中的号码（可能已超时）。", "No number is held (it may have lapsed).")} " "
                <a href="/account/plates">{lang.pick("重新选号", "Choose again")}</a></p>
        }
        .into_any();
    };
    let deadline = Text::new(
        format!("保留至{}", cst_date_time(h.until_ms)),
        format!("Held until {}", cst_date_time(h.until_ms)),
    );
    view! {
        <p class="lead">{lang.pick("为您保留的号码：", "Held for you: ")}<span class="plate plate--big" data-testid="held-plate">{h.plate.clone()}</span></p>
        <Countdown lang until_ms=h.until_ms deadline_text=deadline.get(lang).to_string() />
        <div class="button-group">
            <form method="post" action=ConfirmPlate::PATH class="inline-form">
                <input type="hidden" name="vin" value=v.vin.clone() />
                <button class="button" type="submit">{lang.pick("确认选用（确认后不能更改）", "Confirm (final)")}</button>
            </form>
            {(!h.extended).then(|| view! {
                <form method="post" action=ExtendPlateHold::PATH class="inline-form">
                    <input type="hidden" name="vin" value=v.vin.clone() />
                    <button class="button button--secondary" type="submit">{match lang {
                        Lang::Zh => format!("需要更多时间（延长{EXTENSION_SECS}秒，仅一次）"),
                        Lang::En => format!("More time ({EXTENSION_SECS} s, once)"),
                    }}</button>
                </form>
            })}
        </div>
    }
    .into_any()
}
