//! The unit's audit (操作记录), for the unit's own account: what the account
//! and each operator did, newest first, 50 a page, one operator's when
//! chosen.

use crate::domain::date::cst_date_time;
use crate::features::paging::ListPage;
use crate::features::units::operators::{unit_audit, unit_operators, UnitAuditEntry, UnitOperator};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::filters::search_buttons;
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnitAuditPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let (operator, page) = use_query_map().with_untracked(|q| (q.get("operator"), q.get("page")));
    let chosen = operator.clone().unwrap_or_default();
    let data = Resource::new_blocking(
        move || (operator.clone(), page.clone()),
        |(operator, page)| async move {
            let operators = unit_operators().await?;
            let entries = unit_audit(operator, page).await?;
            Ok((operators, entries))
        },
    );
    view! {
        <Page title_zh="操作记录" title_en="The unit's audit">
            <UnitNav lang current="/unit/audit" />
            <p>{lang.pick(
                "本单位账户和各经办人在平台上的每一步操作，按时间由近到远排列。“经办人”一栏为“（单位账户）”的，是单位账户本身的操作。",
                "Every step the unit's own account and its operators took on the platform, newest first. \"(unit's account)\" in the \"Operator\" column is the unit's own account.",
            )}</p>
            {when_loaded(lang, data, move |lang, (operators, entries)| view_of(lang, &chosen, operators, entries))}
        </Page>
    }
}

fn view_of(
    lang: Lang,
    chosen: &str,
    operators: Vec<UnitOperator>,
    entries: ListPage<UnitAuditEntry>,
) -> AnyView {
    let options = operators
        .iter()
        .map(|o| {
            let value = o.id.to_string();
            let selected = value == chosen;
            view! { <option value=value selected=selected>{format!("{}（{}）", o.login_name, o.full_name)}</option> }
        })
        .collect_view();
    let keep = [("operator", chosen.to_string())];
    let pager = pager(lang, &entries, ("操作记录", "Audit"), |n| {
        page_href("/unit/audit", &keep, "page", n)
    });
    view! {
        <form class="filters" method="get" action="/unit/audit" role="search">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="operator">{lang.pick("经办人", "Operator")}</label>
                    <select class="select" id="operator" name="operator">
                        <option value="" selected=chosen.is_empty()>{lang.pick("全部", "All")}</option>
                        {options}
                    </select>
                </div>
            </div>
            {search_buttons(lang, "/unit/audit")}
        </form>
        {table(lang, entries)}
        {pager}
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("时间", "When"),
    ("经办人", "Operator"),
    ("操作", "Action"),
    ("对象", "On"),
    ("详情", "Detail"),
    ("IP地址", "IP address"),
];

fn table(lang: Lang, entries: ListPage<UnitAuditEntry>) -> AnyView {
    if entries.items.is_empty() {
        return view! { <p>{lang.pick("没有操作记录。", "Nothing recorded.")}</p> }.into_any();
    }
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let total = entries.total;
    let rows = entries
        .items
        .into_iter()
        .map(|e| {
            let action = lang.pick(&e.action_zh, &e.action_en).to_string();
            view! {
                <tr>
                    <td data-label=label(0) class="table__cell--nowrap">{cst_date_time(e.at_ms)}</td>
                    <td data-label=label(1)>{e.operator.unwrap_or_else(|| lang.pick("（单位账户）", "(unit's account)").to_string())}</td>
                    <td data-label=label(2)>{action}</td>
                    <td data-label=label(3)>{lang.pick(&e.subject_zh, &e.subject_en).to_string()}</td>
                    <td data-label=label(4)>{if e.detail.is_empty() { "—".to_string() } else { e.detail.clone() }}</td>
                    <td data-label=label(5) class="table__cell--nowrap">{e.ip}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>{match lang {
            Lang::Zh => format!("共{total}条记录。"),
            Lang::En => format!("{total} entries."),
        }}</p>
        <DataTable lang caption=("本单位操作记录", "The unit's audit") columns=COLUMNS testid="unit-audit" dense=true>
            {rows}
        </DataTable>
    }
    .into_any()
}
