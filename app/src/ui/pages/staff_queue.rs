//! The online-application queue (网上业务受理队列): filter by status,
//! service, application number or applicant; oldest or newest first; 50 a
//! page. A plain GET form and links, so the keyboard and the back button
//! work as everywhere else.

use crate::domain::application::{ApplicationStatus, APPLICATION_SERVICES};
use crate::domain::date::cst_date_time;
use crate::domain::StaffPower;
use crate::features::applications::{staff_applications, QueuePage};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const STATUSES: &[ApplicationStatus] = &[
    ApplicationStatus::Submitted,
    ApplicationStatus::Accepted,
    ApplicationStatus::Produced,
    ApplicationStatus::Dispatched,
    ApplicationStatus::DeliveryRefused,
    ApplicationStatus::ReadyForPickup,
];

/// The query as typed: status, service, q, order, page.
#[derive(Clone, Default)]
struct Query([Option<String>; 5]);

impl Query {
    fn read() -> Query {
        use_query_map().with_untracked(|q| {
            Query(
                ["status", "service", "q", "order", "page"]
                    .map(|k| q.get(k).filter(|v| !v.is_empty())),
            )
        })
    }

    /// The address of another page of the same query.
    fn page_href(&self, page: u32) -> String {
        let keep: Vec<(&str, String)> = ["status", "service", "q", "order"]
            .into_iter()
            .zip(&self.0)
            .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
            .collect();
        page_href("/staff/applications", &keep, "page", page)
    }
}

#[component]
pub fn StaffApplicationsPage() -> impl IntoView {
    let lang = use_lang();
    let query = Query::read();
    let args = query.0.clone();
    let data = Resource::new_blocking(
        move || args.clone(),
        |[status, service, q, order, page]| staff_applications(status, service, q, order, page),
    );
    let body = match staff_page(lang, &[StaffPower::ReadApplications]) {
        Err(v) => v,
        Ok(_) => view! {
            {filters(lang, &query)}
            {when_loaded(lang, data, move |lang, page: QueuePage| queue(lang, page, query.clone()))}
        }
        .into_any(),
    };
    view! { <Page title_zh="网上业务受理" title_en="Online applications">{body}</Page> }
}

fn filters(lang: Lang, query: &Query) -> impl IntoView {
    let [status, service, q, order, _] = query.0.clone();
    let statuses = STATUSES
        .iter()
        .map(|s| {
            let selected = status.as_deref() == Some(s.code());
            view! { <option value=s.code() selected=selected>{lang.pick(s.zh(), s.en())}</option> }
        })
        .collect_view();
    let services = APPLICATION_SERVICES
        .iter()
        .map(|s| {
            let selected = service.as_deref() == Some(s.code());
            view! { <option value=s.code() selected=selected>{format!("{} {}", s.code(), lang.pick(s.zh(), s.en()))}</option> }
        })
        .collect_view();
    let newest = order.as_deref() == Some("newest");
    view! {
        <form class="filters" method="get" action="/staff/applications" role="search">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="q">{lang.pick("业务流水号或申请人姓名", "Application number or applicant")}</label>
                    <input class="input" id="q" name="q" type="search" value=q.unwrap_or_default() autocomplete="off" />
                </div>
                <div class="form-group">
                    <label class="label" for="status">{lang.pick("状态", "Status")}</label>
                    <select class="select" id="status" name="status">
                        <option value="">{lang.pick("全部待办", "All open")}</option>
                        {statuses}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="service">{lang.pick("业务", "Service")}</label>
                    <select class="select" id="service" name="service">
                        <option value="">{lang.pick("全部业务", "All services")}</option>
                        {services}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="order">{lang.pick("排序", "Order")}</label>
                    <select class="select" id="order" name="order">
                        <option value="oldest" selected=!newest>{lang.pick("最早申请在前", "Oldest first")}</option>
                        <option value="newest" selected=newest>{lang.pick("最新申请在前", "Newest first")}</option>
                    </select>
                </div>
            </div>
            <button class="button button--secondary" type="submit">{lang.pick("筛选", "Filter")}</button>
        </form>
    }
}

fn queue(lang: Lang, page: QueuePage, query: Query) -> AnyView {
    let count = view! {
        <p class="listing-count" role="status">
            {match lang {
                Lang::Zh => format!("共{}件，第{}/{}页", page.total, page.page, page.pages()),
                Lang::En => format!("{} in all, page {} of {}", page.total, page.page, page.pages()),
            }}
        </p>
    };
    if page.items.is_empty() {
        return view! { {count} <p>{lang.pick("没有符合条件的业务。", "Nothing matches.")}</p> }
            .into_any();
    }
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let rows = page
        .items
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <td data-label=cell("业务流水号", "Number")><a href=format!("/staff/applications/{}", a.application_no)>{a.application_no.clone()}</a></td>
                    <td data-label=cell("业务", "Service")>{lang.pick(a.service.zh(), a.service.en()).to_string()}</td>
                    <td data-label=cell("申请人", "Applicant")>{a.applicant.clone()}</td>
                    <td data-label=cell("领取方式", "Delivery")>{a.fulfilment.map(|f| lang.pick(f.zh(), f.en()).to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td data-label=cell("状态", "Status")>{lang.pick(a.status.zh(), a.status.en()).to_string()}</td>
                    <td data-label=cell("申请时间", "Applied")>{cst_date_time(a.created_at_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    let pager = pager(lang, &page, ("网上业务", "Online applications"), |n| {
        query.page_href(n)
    });
    view! {
        {count}
        <div class="table-wrap">
            <table class="table" data-testid="queue">
                <caption class="visually-hidden">{cell("网上业务", "Online applications")}</caption>
                <thead><tr>
                    <th scope="col">{cell("业务流水号", "Number")}</th>
                    <th scope="col">{cell("业务", "Service")}</th>
                    <th scope="col">{cell("申请人", "Applicant")}</th>
                    <th scope="col">{cell("领取方式", "Delivery")}</th>
                    <th scope="col">{cell("状态", "Status")}</th>
                    <th scope="col">{cell("申请时间", "Applied")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
    .into_any()
}
