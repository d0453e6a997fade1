//! The unit's vehicles (单位车辆): every vehicle registered to the unit's
//! code, searched, filtered and sorted by a plain GET form, 50 a page; the
//! ones ticked are bound or unbound by a plain POST form, or every one not
//! bound yet at once; the list as it is filtered exports to CSV.

use crate::domain::fleet::inspection_falls_due;
use crate::features::paging::ListPage;
use crate::features::units::{unit_vehicles, FleetVehicle, UnitBindVehicles, UnitUnbindVehicles};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::filters::{listing_count, plate_search, search_buttons, select_field};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{encode_query_value, require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The filters' names in the address, in the order the server function
/// takes them (then `page`).
pub const FILTER_KEYS: [&str; 5] = ["plate", "binding", "due", "violations", "sort"];

/// The address values as typed, by [`FILTER_KEYS`] and then `page`.
#[derive(Clone, Default)]
pub struct TableQuery {
    pub values: Vec<Option<String>>,
    pub page: Option<String>,
}

impl TableQuery {
    pub fn read(keys: &[&str]) -> TableQuery {
        use_query_map().with_untracked(|q| TableQuery {
            values: keys
                .iter()
                .map(|k| q.get(k).filter(|v| !v.trim().is_empty()))
                .collect(),
            page: q.get("page"),
        })
    }

    pub fn get(&self, keys: &[&str], key: &str) -> Option<String> {
        keys.iter()
            .position(|k| *k == key)
            .and_then(|i| self.values[i].clone())
    }

    /// The filters as address pairs (empty ones left out).
    pub fn pairs(&self, keys: &[&'static str]) -> Vec<(&'static str, String)> {
        keys.iter()
            .zip(&self.values)
            .filter_map(|(k, v)| v.clone().map(|v| (*k, v)))
            .collect()
    }

    /// `path?filters` (no page), for the export link and the way back.
    pub fn href(&self, path: &str, keys: &[&'static str]) -> String {
        let query: Vec<String> = self
            .pairs(keys)
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_query_value(&v)))
            .collect();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }
}

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| {
        let n = q.get("n").and_then(|n| n.parse::<usize>().ok())?;
        match q.get("done").as_deref() {
            Some("bound") => Some(Text::new(
                format!("已绑定{n}辆机动车。"),
                format!("{n} vehicles bound."),
            )),
            Some("unbound") => Some(Text::new(
                format!("已解除绑定{n}辆机动车。"),
                format!("{n} vehicles unbound."),
            )),
            _ => None,
        }
    })
}

#[component]
pub fn UnitVehiclesPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let query = TableQuery::read(&FILTER_KEYS);
    let args = (query.values.clone(), query.page.clone());
    let data = Resource::new_blocking(
        move || args.clone(),
        |(v, page)| {
            unit_vehicles(
                v[0].clone(),
                v[1].clone(),
                v[2].clone(),
                v[3].clone(),
                v[4].clone(),
                page,
            )
        },
    );
    let table_query = query.clone();
    view! {
        <Page title_zh="单位车辆" title_en="The unit's vehicles">
            <UnitNav lang current="/unit/vehicles" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![UnitBindVehicles::PATH, UnitUnbindVehicles::PATH] />
            <p>{lang.pick(
                "这里列出登记在本单位名下的全部机动车。绑定后，可以查询车辆的违法并处理、缴款；解除绑定不影响车辆登记。",
                "These are all the vehicles registered to the unit. Once bound, their violations can be seen, handled and paid; unbinding does not change the registration.",
            )}</p>
            {filters(lang, &query)}
            {when_loaded(lang, data, move |lang, page| table(lang, page, table_query.clone()))}
        </Page>
    }
}

fn filters(lang: Lang, query: &TableQuery) -> impl IntoView {
    let get = |k: &str| query.get(&FILTER_KEYS, k);
    let checkbox = |name: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <div class="checkboxes__item">
                <input class="checkboxes__input" type="checkbox" id=name name=name value="1" checked=get(name).is_some() />
                <label class="checkboxes__label" for=name>{lang.pick(zh, en)}</label>
            </div>
        }
    };
    view! {
        <form class="filters" method="get" action="/unit/vehicles" role="search">
            <div class="filters__fields">
                {plate_search(lang, get("plate").unwrap_or_default())}
                {select_field(lang, "binding", ("绑定状态", "Binding"), &get("binding").unwrap_or_default(), &[
                    ("", "全部", "All"),
                    ("bound", "已绑定", "Bound"),
                    ("unbound", "未绑定", "Not bound"),
                ])}
                {select_field(lang, "sort", ("排序", "Order"), &get("sort").unwrap_or_default(), &[
                    ("", "按号牌号码", "By plate"),
                    ("inspection", "检验有效期最早在前", "Inspection due, earliest first"),
                    ("violations", "未处理违法最多在前", "Most violations first"),
                ])}
            </div>
            <div class="checkboxes filters__toggle">
                {checkbox("due", "只看30日内检验到期或已过期的", "Only inspections due within 30 days or overdue")}
                {checkbox("violations", "只看有未处理违法或未缴罚款的", "Only vehicles with violations or fines outstanding")}
            </div>
            {search_buttons(lang, "/unit/vehicles")}
        </form>
    }
}

/// The table's columns, as its cells label themselves.
const COLUMNS: &[(&str, &str)] = &[
    ("选择", "Select"),
    ("号牌号码", "Plate"),
    ("车辆类型", "Type"),
    ("品牌", "Make"),
    ("机动车状态", "Status"),
    ("检验有效期至", "Inspection due"),
    ("绑定状态", "Binding"),
    ("违法 / 未缴款", "Violations / unpaid"),
];

fn table(lang: Lang, page: ListPage<FleetVehicle>, query: TableQuery) -> AnyView {
    let today = today();
    let here = query.href("/unit/vehicles", &FILTER_KEYS);
    let export = query.href("/unit/vehicles.csv", &FILTER_KEYS);
    let count = listing_count(lang, &page, ("辆", "vehicles"), export);
    let bind_all = view! {
        <form method="post" action=UnitBindVehicles::PATH class="bulk-actions">
            <input type="hidden" name="all" value="1" />
            <input type="hidden" name="back" value=here.clone() />
            <button class="button button--secondary" type="submit">
                {lang.pick("绑定全部未绑定的车辆", "Bind every vehicle not bound yet")}
            </button>
        </form>
    };
    if page.items.is_empty() {
        return view! {
            {count}
            <p>{lang.pick("没有符合条件的车辆。", "No vehicle matches.")}</p>
            {bind_all}
        }
        .into_any();
    }
    let keep = query.pairs(&FILTER_KEYS);
    let pager = pager(lang, &page, ("单位车辆", "Vehicles"), |n| {
        page_href("/unit/vehicles", &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = page
        .items
        .into_iter()
        .map(|v| {
            let plate_text = v.plate.clone().unwrap_or_else(|| lang.pick("未上牌", "no plate yet").into());
            let select = v.plate.clone().map(|plate| {
                let id = format!("vehicle-{}", v.vehicle_id);
                view! {
                    <input class="table__check" type="checkbox" id=id.clone() name="vehicle_ids[]" value=v.vehicle_id.to_string() />
                    <label class="visually-hidden" for=id>{format!("{}{plate}", lang.pick("选择", "Select "))}</label>
                }
            });
            let due = v.inspection_due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
            let soon = inspection_falls_due(v.inspection_due, today).then(|| {
                let overdue = v.inspection_due.is_some_and(|d| d < today);
                let tag = if overdue {
                    lang.pick("已过期", "overdue")
                } else {
                    lang.pick("即将到期", "due soon")
                };
                view! { " " <span class="tag">{tag}</span> }
            });
            let violations = if v.unhandled + v.unpaid == 0 {
                "—".to_string()
            } else {
                format!("{} / {}", v.unhandled, v.unpaid)
            };
            view! {
                <tr>
                    <td data-label=label(0)>{select}</td>
                    <td data-label=label(1) class="plate">{plate_text}</td>
                    <td data-label=label(2)>{lang.pick(v.vehicle_type.zh(), v.vehicle_type.en()).to_string()}</td>
                    <td data-label=label(3)>{v.brand.clone()}</td>
                    <td data-label=label(4) class="table__cell--nowrap">{lang.pick(v.status.zh(), v.status.en()).to_string()}</td>
                    <td data-label=label(5) class="table__cell--nowrap">{due}{soon}</td>
                    <td data-label=label(6) class="table__cell--nowrap">{if v.bound { lang.pick("已绑定", "bound") } else { lang.pick("未绑定", "not bound") }}</td>
                    <td data-label=label(7)>{violations}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {count}
        <form method="post" action=UnitBindVehicles::PATH>
            <input type="hidden" name="back" value=here />
            <DataTable lang caption=("单位车辆", "The unit's vehicles") columns=COLUMNS testid="unit-vehicles" dense=true>
                {rows}
            </DataTable>
            <div class="bulk-actions">
                <button class="button" type="submit">{lang.pick("绑定所选车辆", "Bind the vehicles ticked")}</button>
                <button class="button button--secondary" type="submit" formaction=UnitUnbindVehicles::PATH>
                    {lang.pick("解除绑定所选车辆", "Unbind the vehicles ticked")}
                </button>
            </div>
        </form>
        {pager}
        {bind_all}
    }
    .into_any()
}
