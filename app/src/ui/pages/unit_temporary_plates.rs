//! A car dealer's temporary plates (临时号牌核发): the form for a vehicle it
//! sold and its buyer, the step where the buyer's SMS code issues the
//! plate, and the table of the dealer's plates, 50 a page. Plain forms (no
//! WASM); a refused form comes back with what was typed.

use crate::domain::date::cst_date_time;
use crate::domain::temporary_plate::{dotted, PlateState, Standing, MAX_VALID_DAYS};
use crate::features::paging::ListPage;
use crate::features::temporary_plates::{
    unit_temporary_plate, unit_temporary_plates, EnterTemporaryPlate, IssueTemporaryPlate,
    PlateSheet, ResendTemporaryPlateCode, TemporaryPlate, WithdrawTemporaryPlate,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    code_step, group_class, server_problem, typed, typed_value, typed_values, ErrorSummary,
    TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{form_error_from_url, profile, require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

pub(crate) const PAGE: &str = "/unit/temporary-plates";

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| match q.get("done").as_deref() {
        Some("issued") => Some(Text::new(
            "购车人已确认，临时号牌已核发，购车人已收到短信通知。请在下表中打开号牌打印。",
            "The buyer confirmed and the temporary plate is issued; the buyer has been told by SMS. Open it in the table below to print it.",
        )),
        Some("withdrawn") => Some(Text::new(
            "已撤回，未核发号牌。",
            "Withdrawn; no plate was issued.",
        )),
        Some("revoked") => {
            let no = q.get("no").map(|n| dotted(&n)).unwrap_or_default();
            Some(Text::new(
                format!("临时号牌{no}已注销，购车人已收到短信通知。"),
                format!("Temporary plate {no} is revoked; the buyer has been told by SMS."),
            ))
        }
        _ => None,
    })
}

#[component]
pub fn UnitTemporaryPlatesPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let (query, page, code) = use_query_map().with_untracked(|q| {
        (
            q.get("query").filter(|p| !p.trim().is_empty()),
            q.get("page"),
            q.get("code").and_then(|c| c.parse::<i64>().ok()),
        )
    });
    let args = (query.clone(), page);
    let data = Resource::new_blocking(
        move || args.clone(),
        |(query, page)| unit_temporary_plates(query, page),
    );
    let keep = query.clone();
    let code_step = code.map(|id| {
        let sheet = Resource::new_blocking(move || id, unit_temporary_plate);
        view! { {when_loaded(lang, sheet, code_panel)} }
    });
    view! {
        <Page title_zh="临时号牌核发" title_en="Temporary plates">
            <UnitNav lang current=PAGE />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![WithdrawTemporaryPlate::PATH, ResendTemporaryPlateCode::PATH] />
            {code_step}
            <p>{match lang {
                Lang::Zh => format!("为本单位销售、尚未注册登记的机动车核发临时行驶车号牌。购车人须当面出示身份证明，并将手机收到的验证码告诉经办人；号牌有效期最长{MAX_VALID_DAYS}日，同一车辆最多核发3次。"),
                Lang::En => format!("Issue temporary plates for vehicles the unit sold that are not yet registered. The buyer shows their identity document in person and tells the operator the code their phone receives; a plate lasts at most {MAX_VALID_DAYS} days, and a vehicle gets at most 3."),
            }}</p>
            <h2 class="heading-l">{lang.pick("核发临时号牌", "Issue a temporary plate")}</h2>
            {entry_form(lang)}
            <h2 class="heading-l" id="records">{lang.pick("本单位核发的临时号牌", "Plates entered by the unit")}</h2>
            {search(lang, query.unwrap_or_default())}
            {when_loaded(lang, data, move |lang, page| table(lang, page, keep.clone()))}
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("vin", Text::new("车辆识别代号", "VIN")),
        (
            "buyer_id_number",
            Text::new("购车人身份证明号码", "Buyer's ID number"),
        ),
        ("buyer_name", Text::new("购车人姓名", "Buyer's name")),
        (
            "buyer_phone",
            Text::new("购车人手机号码", "Buyer's mobile number"),
        ),
        (
            "prefix",
            Text::new("注册登记地", "Where it will be registered"),
        ),
        ("valid_from", Text::new("有效期起始日期", "First day")),
        ("days", Text::new("有效天数", "Days")),
    ]
}

fn entry_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(EnterTemporaryPlate::PATH));
    let values = typed_values();
    let l = labels();
    let prefix_error = server_problem(error, "prefix");
    let prefix_now = typed_value(&values, "prefix");
    let cities = profile().cities.clone();
    let city_options = cities
        .into_iter()
        .map(|c| {
            let selected = prefix_now == c.plate_prefix;
            view! {
                <option value=c.plate_prefix.clone() selected=selected>
                    {format!("{} {}", c.plate_prefix, lang.pick(&c.name_zh, &c.name_en))}
                </option>
            }
        })
        .collect_view();
    let or = |name: &str, default: String| {
        if values.is_empty() {
            RwSignal::new(default)
        } else {
            typed(&values, name)
        }
    };
    view! {
        <form class="form" method="post" action=EnterTemporaryPlate::PATH novalidate>
            <ErrorSummary lang error labels=l.clone() />
            <fieldset class="fieldset">
                <legend class="fieldset__legend fieldset__legend--m">{lang.pick("车辆", "Vehicle")}</legend>
                <TextField lang name="vin" label=l[0].1.clone() value=typed(&values, "vin")
                    hint=Text::new("17位，以合格证为准", "17 characters, as on the certificate of conformity")
                    server_error=server_problem(error, "vin") width_class="input--w20" autocomplete="off" />
                <div class=move || group_class(prefix_error.get().is_some())>
                    <label class="label" for="prefix">{l[4].1.get(lang).to_string()}</label>
                    <p class="error-message" id="prefix-error" aria-live="polite">
                        {move || prefix_error.get().map(|m| m.get(lang).to_string())}
                    </p>
                    <select class="select" id="prefix" name="prefix" aria-describedby="prefix-error">{city_options}</select>
                </div>
            </fieldset>
            <fieldset class="fieldset">
                <legend class="fieldset__legend fieldset__legend--m">{lang.pick("购车人", "Buyer")}</legend>
                <TextField lang name="buyer_id_number" label=l[1].1.clone() value=typed(&values, "buyer_id_number")
                    hint=Text::new("请当面核验购车人的身份证明，须与销售发票一致", "Check the buyer's identity document in person; it must match the sales invoice")
                    server_error=server_problem(error, "buyer_id_number") width_class="input--w20" autocomplete="off" />
                <TextField lang name="buyer_name" label=l[2].1.clone() value=typed(&values, "buyer_name")
                    server_error=server_problem(error, "buyer_name") width_class="input--w10" autocomplete="off" />
                <TextField lang name="buyer_phone" label=l[3].1.clone() value=typed(&values, "buyer_phone")
                    hint=Text::new("验证码发送到这个号码，请购车人当面告知", "The code goes to this number; the buyer tells it to you in person")
                    server_error=server_problem(error, "buyer_phone") width_class="input--w10"
                    input_type="tel" inputmode="numeric" autocomplete="off" />
            </fieldset>
            <fieldset class="fieldset">
                <legend class="fieldset__legend fieldset__legend--m">{lang.pick("有效期", "Validity")}</legend>
                <TextField lang name="valid_from" label=l[5].1.clone()
                    value=or("valid_from", today().to_string())
                    hint=Text::new("年-月-日，今天起7日内", "Year-month-day, within the next 7 days")
                    server_error=server_problem(error, "valid_from") width_class="input--w10" />
                <TextField lang name="days" label=l[6].1.clone()
                    value=or("days", MAX_VALID_DAYS.to_string())
                    hint=Text::new(format!("1至{MAX_VALID_DAYS}天，含起始日"), format!("1 to {MAX_VALID_DAYS}, the first day included"))
                    server_error=server_problem(error, "days") width_class="input--w4" inputmode="numeric" />
            </fieldset>
            <button class="button" type="submit">{lang.pick("发送验证码给购车人", "Send the buyer a code")}</button>
        </form>
    }
    .into_any()
}

/// The step between entry and issue: the code the buyer tells the
/// operator, another code, or withdrawing the plate.
fn code_panel(lang: Lang, sheet: PlateSheet) -> AnyView {
    let p = sheet.plate;
    if p.state != PlateState::AwaitingBuyer {
        return view! {
            <div class="notice" role="status">
                {match lang {
                    Lang::Zh => format!("车辆识别代号{}的临时号牌当前状态：{}。", p.vin, p.standing.zh()),
                    Lang::En => format!("The plate for VIN {} is now: {}.", p.vin, p.standing.en()),
                }}
            </div>
        }
        .into_any();
    }
    let resent = use_query_map().with_untracked(|q| q.get("resent").is_some());
    let withdraw = view! {
        <form class="action-form" method="post" action=WithdrawTemporaryPlate::PATH>
            <input type="hidden" name="id" value=p.id.to_string() />
            <button class="button button--warning" type="submit">{lang.pick("撤回，不核发", "Withdraw; do not issue")}</button>
        </form>
    }
    .into_any();
    view! {
        <section class="panel" id="code-step" aria-labelledby="code-heading">
            <h2 class="heading-m" id="code-heading">{lang.pick("输入购车人收到的验证码", "Enter the code the buyer received")}</h2>
            <p role="status">{match lang {
                Lang::Zh => format!("{}已向购车人{}的手机{}发送验证码（车辆识别代号{}，{}，有效期{}至{}）。请购车人核对短信内容后当面告知验证码。",
                    if resent { "已重新发送。" } else { "" }, p.buyer_name, p.buyer_phone_masked, p.vin, p.model, p.valid_from, p.valid_until),
                Lang::En => format!("{}A code was sent to {}'s phone {} (VIN {}, {}, {} to {}). The buyer checks the message and tells you the code in person.",
                    if resent { "Sent again. " } else { "" }, p.buyer_name, p.buyer_phone_masked, p.vin, p.model, p.valid_from, p.valid_until),
            }}</p>
            {code_step(lang, p.id, IssueTemporaryPlate::PATH, ("确认并核发", "Confirm and issue"), ResendTemporaryPlateCode::PATH, withdraw)}
        </section>
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("号牌号码", "Number"),
    ("车辆识别代号", "VIN"),
    ("品牌型号", "Make and model"),
    ("购车人", "Buyer"),
    ("有效期", "Valid"),
    ("状态", "Standing"),
    ("录入时间", "Entered"),
    ("操作", "Action"),
];

fn search(lang: Lang, query: String) -> impl IntoView {
    view! {
        <form class="filters" method="get" action=format!("{PAGE}#records") role="search">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="query">{lang.pick("号牌号码、车辆识别代号或购车人身份证明号码", "Plate number, VIN or buyer's ID number")}</label>
                    <input class="input input--w20" id="query" name="query" type="search" value=query autocomplete="off" />
                </div>
            </div>
            {crate::ui::components::filters::search_buttons(lang, PAGE)}
        </form>
    }
}

pub(crate) fn plate_standing_tag(lang: Lang, s: Standing) -> impl IntoView {
    let class = match s {
        Standing::Valid => "tag tag--ok",
        Standing::NotYetValid | Standing::AwaitingBuyer => "tag",
        Standing::Revoked => "tag tag--bad",
        _ => "tag tag--muted",
    };
    view! { <strong class=class>{lang.pick(s.zh(), s.en())}</strong> }
}

fn action(lang: Lang, p: &TemporaryPlate) -> AnyView {
    let (href, zh, en) = match p.state {
        PlateState::AwaitingBuyer => (
            format!("{PAGE}?code={}#code-step", p.id),
            "输入验证码",
            "Enter the code",
        ),
        PlateState::Issued => (
            format!("{PAGE}/{}", p.id),
            "查看、打印或注销",
            "View, print or revoke",
        ),
        _ => return "—".into_any(),
    };
    view! {
        <a href=href>{lang.pick(zh, en)}<span class="visually-hidden">{format!(" {}", p.vin)}</span></a>
    }
    .into_any()
}

fn table(lang: Lang, page: ListPage<TemporaryPlate>, query: Option<String>) -> AnyView {
    if page.items.is_empty() {
        return view! {
            <p>{match &query {
                Some(_) => lang.pick("没有找到符合条件的临时号牌。", "No temporary plate matches."),
                None => lang.pick("本单位还没有核发临时号牌。", "The unit has not entered a temporary plate yet."),
            }}</p>
        }
        .into_any();
    }
    let keep: Vec<(&str, String)> = query.map(|q| vec![("query", q)]).unwrap_or_default();
    let count = match lang {
        Lang::Zh => format!("共{}副，第{}/{}页", page.total, page.page, page.pages()),
        Lang::En => format!(
            "{} plates, page {} of {}",
            page.total,
            page.page,
            page.pages()
        ),
    };
    let pager = pager(lang, &page, ("临时号牌", "Temporary plates"), |n| {
        page_href(PAGE, &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = page
        .items
        .into_iter()
        .map(|p| {
            let number = if p.issued_at_ms.is_some() { dotted(&p.number) } else { "—".into() };
            view! {
                <tr>
                    <td data-label=label(0) class="table__cell--nowrap">{number}</td>
                    <td data-label=label(1) class="table__cell--nowrap">{p.vin.clone()}</td>
                    <td data-label=label(2)>{p.model.clone()}</td>
                    <td data-label=label(3)>{p.buyer_name.clone()}<br /><span class="hint">{p.buyer_id_masked.clone()}</span></td>
                    <td data-label=label(4)>{p.valid_from.to_string()}<br />{format!("{} {}", lang.pick("至", "to"), p.valid_until)}</td>
                    <td data-label=label(5)>{plate_standing_tag(lang, p.standing)}</td>
                    <td data-label=label(6)>{cst_date_time(p.entered_at_ms)}</td>
                    <td data-label=label(7)>{action(lang, &p)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="listing-count" role="status">{count}</p>
        <DataTable lang caption=("本单位核发的临时号牌", "Plates entered by the unit") columns=COLUMNS testid="unit-temporary-plates" dense=true>
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}
