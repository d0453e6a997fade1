//! The violations of the unit's bound vehicles (单位违法处理): searched and
//! filtered by a plain GET form, 50 a page, exported to CSV. The unit
//! handles and pays those without points on the violation's own page; a
//! violation with points is for the driver (`domain::fleet`).

use crate::domain::date::cst_date_time;
use crate::domain::fleet::unit_may_handle;
use crate::domain::ViolationStatus;
use crate::features::paging::ListPage;
use crate::features::units::{unit_violations, FleetViolation};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::pages::unit_vehicles::TableQuery;
use crate::ui::require_login_redirect;
use leptos::prelude::*;

/// The filters' names in the address, in the order the server function
/// takes them (then `page`).
const FILTER_KEYS: [&str; 4] = ["plate", "status", "points", "order"];

#[component]
pub fn UnitViolationsPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let query = TableQuery::read(&FILTER_KEYS);
    let args = (query.values.clone(), query.page.clone());
    let data = Resource::new_blocking(
        move || args.clone(),
        |(v, page)| unit_violations(v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone(), page),
    );
    let table_query = query.clone();
    view! {
        <Page title_zh="单位违法处理" title_en="The unit's violations">
            <UnitNav lang current="/unit/violations" />
            <p>{lang.pick(
                "这里列出本单位已绑定机动车的电子监控违法记录。不记分的违法（警告、罚款）由本单位处理并缴款；记分的违法由实际驾驶人处理，记分记入驾驶人的驾驶证。处理后请在15日内缴纳罚款，逾期每日按罚款数额的3%加处罚款。",
                "These are the camera-recorded violations of the unit's bound vehicles. The unit handles and pays those without points (warnings, fines); a violation with points is handled by the driver who drove, on the driver's licence. Pay within 15 days of handling — after that 3% of the fine is added per day.",
            )}</p>
            {filters(lang, &query)}
            {when_loaded(lang, data, move |lang, page| table(lang, page, table_query.clone()))}
        </Page>
    }
}

fn filters(lang: Lang, query: &TableQuery) -> impl IntoView {
    let get = |k: &str| query.get(&FILTER_KEYS, k).unwrap_or_default();
    let (status, points, order) = (get("status"), get("points"), get("order"));
    let option = |value: &'static str, current: &str, zh: &'static str, en: &'static str| {
        view! { <option value=value selected=current == value>{lang.pick(zh, en)}</option> }
    };
    let statuses = [
        ViolationStatus::Unhandled,
        ViolationStatus::HandledUnpaid,
        ViolationStatus::Paid,
        ViolationStatus::Done,
    ]
    .into_iter()
    .map(|s| {
        view! { <option value=s.code() selected=status == s.code()>{lang.pick(s.zh(), s.en())}</option> }
    })
    .collect_view();
    view! {
        <form class="filters" method="get" action="/unit/violations" role="search">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="plate">{lang.pick("号牌号码（可输入一部分）", "Plate (or part of it)")}</label>
                    <input class="input" id="plate" name="plate" type="search" value=get("plate") autocomplete="off" maxlength="20" />
                </div>
                <div class="form-group">
                    <label class="label" for="status">{lang.pick("状态", "Status")}</label>
                    <select class="select" id="status" name="status">
                        {option("", &status, "全部", "All")}
                        {statuses}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="points">{lang.pick("记分", "Points")}</label>
                    <select class="select" id="points" name="points">
                        {option("", &points, "全部", "All")}
                        {option("without", &points, "不记分（本单位处理）", "No points (the unit handles)")}
                        {option("with", &points, "记分（驾驶人处理）", "With points (the driver handles)")}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="order">{lang.pick("排序", "Order")}</label>
                    <select class="select" id="order" name="order">
                        {option("", &order, "最新违法在前", "Newest first")}
                        {option("oldest", &order, "最早违法在前", "Oldest first")}
                    </select>
                </div>
            </div>
            <div class="bulk-actions">
                <button class="button button--secondary" type="submit">{lang.pick("查询", "Search")}</button>
                <a href="/unit/violations">{lang.pick("清除条件", "Clear")}</a>
            </div>
        </form>
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("号牌号码", "Plate"),
    ("违法时间", "When"),
    ("违法地点", "Where"),
    ("违法行为", "What"),
    ("处罚", "Penalty"),
    ("状态", "Status"),
    ("操作", "Action"),
];

fn penalty(lang: Lang, v: &FleetViolation) -> String {
    match (v.fine_yuan, v.points, lang) {
        (0, 0, Lang::Zh) => "警告".into(),
        (0, 0, Lang::En) => "warning".into(),
        (f, p, Lang::Zh) => format!("罚款{f}元，记{p}分"),
        (f, p, Lang::En) => format!("fine {f} yuan, {p} points"),
    }
}

/// What the unit can do with the violation, or why it can not.
fn action(lang: Lang, v: &FleetViolation) -> AnyView {
    let open = |zh: &'static str, en: &'static str| {
        view! {
            <a href=format!("/account/violations/{}", v.id)>
                {lang.pick(zh, en)}
                <span class="visually-hidden">{format!(" {} {}", v.plate, cst_date_time(v.occurred_at_ms))}</span>
            </a>
        }
        .into_any()
    };
    let home = crate::ui::profile().home_province().to_string();
    let open_status = matches!(
        v.status,
        ViolationStatus::Unhandled | ViolationStatus::HandledUnpaid
    );
    if open_status && v.recorded_province != home {
        return view! { <span class="refused">{lang.pick("违法发生地处理", "Handled where it happened")}</span> }.into_any();
    }
    match v.status {
        ViolationStatus::Unhandled => match unit_may_handle(v.points) {
            Ok(()) => open("处理", "Handle"),
            Err(_) => {
                view! { <span class="refused">{lang.pick("需驾驶人处理", "For the driver")}</span> }
                    .into_any()
            }
        },
        ViolationStatus::HandledUnpaid => open("缴款", "Pay"),
        ViolationStatus::Paid => open("查看", "View"),
        ViolationStatus::Done => {
            view! { <span>{lang.pick("无需缴款", "Nothing to pay")}</span> }.into_any()
        }
    }
}

fn table(lang: Lang, page: ListPage<FleetViolation>, query: TableQuery) -> AnyView {
    let export = query.href("/unit/violations.csv", &FILTER_KEYS);
    let count = view! {
        <p class="listing-count" role="status">
            {match lang {
                Lang::Zh => format!("共{}条，第{}/{}页", page.total, page.page, page.pages()),
                Lang::En => format!("{} violations, page {} of {}", page.total, page.page, page.pages()),
            }}
            " "
            <a class="export-link" href=export download="">{lang.pick("导出全部（CSV）", "Export all (CSV)")}</a>
        </p>
    };
    if page.items.is_empty() {
        return view! { {count} <p>{lang.pick("没有符合条件的违法记录。", "No violation matches.")}</p> }
            .into_any();
    }
    let keep = query.pairs(&FILTER_KEYS);
    let pager = pager(lang, &page, ("违法记录", "Violations"), |n| {
        page_href("/unit/violations", &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = page
        .items
        .iter()
        .map(|v| {
            view! {
                <tr>
                    <td data-label=label(0) class="plate">{v.plate.clone()}</td>
                    <td data-label=label(1) class="table__cell--nowrap">{cst_date_time(v.occurred_at_ms)}</td>
                    <td data-label=label(2)>{v.place.clone()}</td>
                    <td data-label=label(3)>{v.description.clone()}</td>
                    <td data-label=label(4)>{penalty(lang, v)}</td>
                    <td data-label=label(5)>{lang.pick(v.status.zh(), v.status.en()).to_string()}</td>
                    <td data-label=label(6)>{action(lang, v)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {count}
        <DataTable lang caption=("单位违法记录", "The unit's violations") columns=COLUMNS testid="unit-violations">
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}
