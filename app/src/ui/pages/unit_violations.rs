//! The violations of the unit's bound vehicles (单位违法处理): searched and
//! filtered by a plain GET form, 50 a page, exported to CSV. The unit
//! handles and pays those without points on the violation's own page; a
//! violation with points is for the driver (`domain::fleet`).

use crate::domain::date::cst_date_time;
use crate::domain::fleet::{unit_handling, UnitHandling};
use crate::domain::ViolationStatus;
use crate::features::fines::{PayFines, MAX_FINES_PER_ORDER};
use crate::features::paging::ListPage;
use crate::features::units::{unit_violations, FleetViolation};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::filters::{
    listing_count, plate_search, search_buttons, select_field, Choice,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::components::page_data::PostedError;
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::pages::unit_vehicles::TableQuery;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

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
            <PostedError lang paths=vec![PayFines::PATH] />
            <p>{lang.pick(
                "这里列出本单位已绑定机动车的电子监控违法记录。不记分的违法（警告、罚款）由本单位处理并缴款；记分的违法须指定本单位已绑定驾驶证的实际驾驶人，经驾驶人短信确认后处理，记分记入驾驶人的驾驶证。处理后请在15日内缴纳罚款，逾期每日按罚款数额的3%加处罚款。",
                "These are the camera-recorded violations of the unit's bound vehicles. The unit handles and pays those without points (warnings, fines); for a violation with points the unit names the driver who drove (one whose licence it has bound); once the driver confirms by SMS it is handled and the points go on the driver's licence. Pay within 15 days of handling — after that 3% of the fine is added per day.",
            )}</p>
            {filters(lang, &query)}
            {when_loaded(lang, data, move |lang, page| table(lang, page, table_query.clone()))}
        </Page>
    }
}

fn filters(lang: Lang, query: &TableQuery) -> impl IntoView {
    let get = |k: &str| query.get(&FILTER_KEYS, k).unwrap_or_default();
    let statuses: Vec<Choice> = std::iter::once(("", "全部", "All"))
        .chain(
            [
                ViolationStatus::Unhandled,
                ViolationStatus::HandledUnpaid,
                ViolationStatus::Paid,
                ViolationStatus::Done,
            ]
            .into_iter()
            .map(|s| (s.code(), s.zh(), s.en())),
        )
        .collect();
    view! {
        <form class="filters" method="get" action="/unit/violations" role="search">
            <div class="filters__fields">
                {plate_search(lang, get("plate"))}
                {select_field(lang, "status", ("状态", "Status"), &get("status"), &statuses)}
                {select_field(lang, "points", ("记分", "Points"), &get("points"), &[
                    ("", "全部", "All"),
                    ("without", "不记分（本单位处理）", "No points (the unit handles)"),
                    ("with", "记分（指定驾驶人处理）", "With points (name the driver)"),
                ])}
                {select_field(lang, "order", ("排序", "Order"), &get("order"), &[
                    ("", "最新违法在前", "Newest first"),
                    ("oldest", "最早违法在前", "Oldest first"),
                ])}
            </div>
            {search_buttons(lang, "/unit/violations")}
        </form>
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("选择", "Select"),
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
        (f, 0, Lang::Zh) => format!("罚款{f}元"),
        (f, 0, Lang::En) => format!("fine {f} yuan"),
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
    let refused = |zh: &'static str, en: &'static str| {
        view! { <span class="refused">{lang.pick(zh, en)}</span> }.into_any()
    };
    let home = crate::ui::profile().home_province().to_string();
    let handling = unit_handling(v.vehicle_type, &v.recorded_province, &home, v.points);
    let open_case = matches!(
        v.status,
        ViolationStatus::Unhandled | ViolationStatus::HandledUnpaid
    );
    match (v.status, handling) {
        (_, UnitHandling::AtCounter) if open_case => refused(
            "非小型车，请到窗口处理",
            "Not a small vehicle: at a counter",
        ),
        (_, UnitHandling::WhereItHappened) if open_case => {
            refused("请在违法发生地处理", "Handled where it happened")
        }
        (ViolationStatus::Unhandled, UnitHandling::ByTheDriver) => {
            open("指定驾驶人处理", "Name the driver")
        }
        (ViolationStatus::Unhandled, _) => open("处理", "Handle"),
        (ViolationStatus::HandledUnpaid, _) => open("缴款", "Pay"),
        (ViolationStatus::Paid, _) => open("查看", "View"),
        (ViolationStatus::Done, _) => {
            view! { <span>{lang.pick("无需缴款", "Nothing to pay")}</span> }.into_any()
        }
    }
}

fn table(lang: Lang, page: ListPage<FleetViolation>, query: TableQuery) -> AnyView {
    let export = query.href("/unit/violations.csv", &FILTER_KEYS);
    let count = listing_count(lang, &page, ("条", "violations"), export);
    if page.items.is_empty() {
        return view! { {count} <p>{lang.pick("没有符合条件的违法记录。", "No violation matches.")}</p> }
            .into_any();
    }
    let keep = query.pairs(&FILTER_KEYS);
    let pager = pager(lang, &page, ("违法记录", "Violations"), |n| {
        page_href("/unit/violations", &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let home = crate::ui::profile().home_province().to_string();
    let payable = |v: &FleetViolation| {
        v.status == ViolationStatus::HandledUnpaid
            && v.fine_yuan > 0
            && matches!(
                unit_handling(v.vehicle_type, &v.recorded_province, &home, v.points),
                UnitHandling::Online | UnitHandling::ByTheDriver
            )
    };
    let any_payable = page.items.iter().any(payable);
    let rows = page
        .items
        .iter()
        .map(|v| {
            let select = payable(v).then(|| {
                let id = format!("fine-{}", v.id);
                view! {
                    <input class="table__check" type="checkbox" id=id.clone() name="violation_ids[]" value=v.id.to_string() />
                    <label class="visually-hidden" for=id>
                        {format!("{}{} {}", lang.pick("选择", "Select "), v.plate, cst_date_time(v.occurred_at_ms))}
                    </label>
                }
            });
            view! {
                <tr>
                    <td data-label=label(0)>{select}</td>
                    <td data-label=label(1) class="plate">{v.plate.clone()}</td>
                    <td data-label=label(2) class="table__cell--nowrap">{cst_date_time(v.occurred_at_ms)}</td>
                    <td data-label=label(3)>{v.place.clone()}</td>
                    <td data-label=label(4)>{v.description.clone()}</td>
                    <td data-label=label(5) class="table__cell--nowrap">{penalty(lang, v)}</td>
                    <td data-label=label(6) class="table__cell--nowrap">{lang.pick(v.status.zh(), v.status.en()).to_string()}</td>
                    <td data-label=label(7)>{action(lang, v)}</td>
                </tr>
            }
        })
        .collect_view();
    let pay = any_payable.then(|| {
        view! {
            <div class="bulk-actions">
                <button class="button" type="submit">{lang.pick("合并缴纳所选罚款", "Pay the fines ticked in one order")}</button>
                <span class="hint">{match lang {
                    Lang::Zh => format!("一次最多{MAX_FINES_PER_ORDER}笔，一次付款，每笔罚款各出一张缴款凭证。"),
                    Lang::En => format!("Up to {MAX_FINES_PER_ORDER} at a time: one payment, a receipt for each fine."),
                }}</span>
            </div>
        }
    });
    view! {
        {count}
        <form method="post" action=PayFines::PATH>
            <DataTable lang caption=("单位违法记录", "The unit's violations") columns=COLUMNS testid="unit-violations" dense=true>
                {rows}
            </DataTable>
            {pay}
        </form>
        {pager}
    }
    .into_any()
}
