//! The unit's drivers (单位驾驶人): binding a driver's licence with the
//! driver's SMS consent, and the table of bound licences with their class,
//! validity, points, status and what to look at, filtered, 50 a page,
//! exported to CSV.

use crate::domain::unit_driver::LICENCE_SOON_DAYS;
use crate::features::paging::ListPage;
use crate::features::units::drivers::{
    unit_drivers, DriverFilter, UnitDriver, UnitDriverConfirm, UnitDriverRequest, UnitDriverUnbind,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::filters::{listing_count, search_buttons, select_field, Choice};
use crate::ui::components::form::{server_problem, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::sms_code::CodeField;
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::pages::unit_vehicles::TableQuery;
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

const FILTER_KEYS: [&str; 1] = ["show"];

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| match q.get("done").as_deref() {
        Some("bound") => Some(Text::new(
            "驾驶证绑定成功，已通知驾驶人。",
            "The licence is bound; the driver has been told.",
        )),
        Some("unbound") => Some(Text::new(
            "已解除绑定。再次绑定需驾驶人重新短信确认。",
            "Unbound. Binding it again needs the driver's SMS confirmation again.",
        )),
        _ => None,
    })
}

#[component]
pub fn UnitDriversPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let query = TableQuery::read(&FILTER_KEYS);
    let args = (query.values.clone(), query.page.clone());
    let data = Resource::new_blocking(
        move || args.clone(),
        |(v, page)| unit_drivers(v[0].clone(), page),
    );
    let table_query = query.clone();
    view! {
        <Page title_zh="单位驾驶人" title_en="The unit's drivers">
            <UnitNav lang current="/unit/drivers" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![UnitDriverUnbind::PATH] />
            <p>{lang.pick(
                "绑定本单位驾驶人的驾驶证后，可以查询其准驾车型、有效期、记分和状态，及时发现驾驶证即将到期、记满12分或状态异常的驾驶人；记分的交通违法可以指定其中的实际驾驶人处理。绑定须经驾驶人短信确认，驾驶人可以随时在本人账户中解除。",
                "Bind the licences of the unit's drivers to see each one's class, validity, points and status, and to spot licences that expire soon, have 12 points or are not valid; a violation with points can be handled by naming the driver who drove. The driver confirms each binding by SMS and can end it at any time from their own account.",
            )}</p>
            <h2 class="heading-l">{lang.pick("绑定驾驶人驾驶证", "Bind a driver's licence")}</h2>
            {bind_form(lang)}
            <h2 class="heading-l">{lang.pick("已绑定的驾驶人", "Drivers bound")}</h2>
            {filters(lang, &query)}
            {when_loaded(lang, data, move |lang, page| table(lang, page, table_query.clone()))}
        </Page>
    }
}

fn filters(lang: Lang, query: &TableQuery) -> impl IntoView {
    let current = query.get(&FILTER_KEYS, "show").unwrap_or_default();
    let choices: Vec<Choice> = DriverFilter::ALL
        .into_iter()
        .map(|f| {
            let (zh, en) = f.label();
            (f.code(), zh, en)
        })
        .collect();
    view! {
        <form class="filters" method="get" action="/unit/drivers" role="search">
            <div class="filters__fields">
                {select_field(lang, "show", ("提示", "Show"), &current, &choices)}
            </div>
            {search_buttons(lang, "/unit/drivers")}
        </form>
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("姓名", "Name"),
    ("驾驶证号", "Licence number"),
    ("准驾车型", "Class"),
    ("有效期至", "Valid until"),
    ("记分", "Points"),
    ("状态", "Status"),
    ("提示", "Look at"),
    ("操作", "Action"),
];

fn table(lang: Lang, page: ListPage<UnitDriver>, query: TableQuery) -> AnyView {
    let export = query.href("/unit/drivers.csv", &FILTER_KEYS);
    let count = listing_count(lang, &page, ("名", "drivers"), export);
    if page.items.is_empty() {
        return view! {
            {count}
            <p>{lang.pick("没有符合条件的驾驶人。", "No driver matches.")}</p>
        }
        .into_any();
    }
    let keep = query.pairs(&FILTER_KEYS);
    let pager = pager(lang, &page, ("单位驾驶人", "Drivers"), |n| {
        page_href("/unit/drivers", &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = page
        .items
        .into_iter()
        .map(|d| {
            let s = d.standing;
            let tags = if d.attention.is_empty() {
                "—".into_any()
            } else {
                d.attention
                    .iter()
                    .map(|a| view! { <span class="tag">{lang.pick(a.label_zh(), a.label_en())}</span> " " })
                    .collect_view()
                    .into_any()
            };
            view! {
                <tr>
                    <td data-label=label(0)>{d.name.clone()}</td>
                    <td data-label=label(1) class="table__cell--nowrap">{d.id_masked.clone()}</td>
                    <td data-label=label(2)>{s.class.code()}</td>
                    <td data-label=label(3) class="table__cell--nowrap">{s.valid_until.to_string()}</td>
                    <td data-label=label(4)>{s.points}</td>
                    <td data-label=label(5)>{lang.pick(s.status.zh(), s.status.en()).to_string()}</td>
                    <td data-label=label(6)>{tags}</td>
                    <td data-label=label(7)>
                        <form method="post" action=UnitDriverUnbind::PATH>
                            <input type="hidden" name="driver_id" value=d.id.to_string() />
                            <button class="button button--secondary button--small" type="submit">
                                {lang.pick("解除绑定", "Unbind")}
                                <span class="visually-hidden">{format!(" {}", d.name)}</span>
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {count}
        <p class="hint">{match lang {
            Lang::Zh => format!("“即将到期”指{LICENCE_SOON_DAYS}日内届满（可以申请期满换证）。"),
            Lang::En => format!("\"Expires soon\" means within {LICENCE_SOON_DAYS} days (renewal can be applied for)."),
        }}</p>
        <DataTable lang caption=("单位驾驶人", "The unit's drivers") columns=COLUMNS testid="unit-drivers" dense=true>
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}

fn bind_labels() -> Vec<(&'static str, Text)> {
    vec![
        ("name", Text::new("驾驶人姓名", "Driver's name")),
        (
            "id_number",
            Text::new("驾驶证号（身份证号码）", "Licence number (ID number)"),
        ),
        (
            "code",
            Text::new("驾驶人收到的短信验证码", "The code the driver received"),
        ),
    ]
}

/// Step 1 of binding a driver's licence: the driver's name and ID number
/// send the driver a code (a plain form: no WASM); step 2 is
/// `/unit/drivers/confirm`.
fn bind_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(UnitDriverRequest::PATH));
    let labels = bind_labels();
    view! {
        <form class="form" method="post" action=UnitDriverRequest::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField lang name="name" label=labels[0].1.clone() value=RwSignal::new(String::new())
                server_error=server_problem(error, "name") width_class="input--w10" />
            <TextField lang name="id_number" label=labels[1].1.clone() value=RwSignal::new(String::new())
                hint=Text::new("驾驶证号即驾驶人的公民身份号码", "The licence number is the driver's ID number")
                server_error=server_problem(error, "id_number") width_class="input--w20" />
            <button class="button" type="submit">
                {lang.pick("向驾驶人发送验证码", "Send the driver a code")}
            </button>
        </form>
    }
    .into_any()
}

/// Step 2 without JavaScript: the driver's ID number again and the code.
#[component]
pub fn UnitDriverConfirmPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let phone = use_query_map().with_untracked(|q| q.get("phone").unwrap_or_default());
    let error = Signal::stored(form_error_from_url(UnitDriverConfirm::PATH));
    let (id_number, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let labels = bind_labels();
    view! {
        <Page title_zh="驾驶人确认" title_en="The driver's confirmation">
            <UnitNav lang current="/unit/drivers" />
            <p class="lead">{match lang {
                Lang::Zh => format!("验证码已发送到驾驶人登记的手机{phone}。请向驾驶人索取验证码，并再次填写其驾驶证号。"),
                Lang::En => format!("A code was sent to the driver's phone on record ({phone}). Ask the driver for it, and enter the licence number again."),
            }}</p>
            <form class="form" method="post" action=UnitDriverConfirm::PATH novalidate>
                <ErrorSummary lang error labels=labels.clone() />
                <TextField lang name="id_number" label=labels[1].1.clone() value=id_number
                    server_error=server_problem(error, "id_number") width_class="input--w20" />
                <CodeField lang label=labels[2].1.clone() value=code error />
                <button class="button" type="submit">{lang.pick("确认绑定", "Confirm binding")}</button>
            </form>
            <p><a href="/unit/drivers">{lang.pick("返回单位驾驶人", "Back to the drivers")}</a></p>
        </Page>
    }
}
