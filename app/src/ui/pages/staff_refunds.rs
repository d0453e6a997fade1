//! Refunds of money paid twice (退款登记) for business-centre clerks: the
//! payments owed back, oldest first, each with a form for the finance
//! office's reference; and the refunds recorded. Plain forms.

use crate::domain::date::cst_date_time;
use crate::domain::violation::yuan_text;
use crate::domain::StaffPower;
use crate::features::fines::{staff_refunds, RefundItem, StaffRecordRefund};
use crate::features::paging::ListPage;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RefundsPage() -> impl IntoView {
    let lang = use_lang();
    let (done, recorded, page) = use_query_map().with_untracked(|q| {
        (
            q.get("done").filter(|d| d == "1"),
            q.get("recorded").is_some(),
            q.get("page"),
        )
    });
    let showing_done = done.is_some();
    let data = Resource::new_blocking(
        move || (done.clone(), page.clone()),
        |(done, page)| staff_refunds(done, page),
    );
    let tab = move |here: bool, href: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <li class="subnav__item">
                <a class=if here { "subnav__link subnav__link--current" } else { "subnav__link" } href=href aria-current=here.then_some("page")>{lang.pick(zh, en)}</a>
            </li>
        }
    };
    let body = match staff_page(lang, &[StaffPower::RecordRefunds]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=recorded.then(|| Text::new("已登记退款，并已告知缴款人。", "The refund was recorded and the payer told.")) />
            <PostedError lang paths=vec![StaffRecordRefund::PATH] />
            <nav class="subnav" aria-label=lang.pick("退款筛选", "Filter refunds")>
                <ul class="subnav__list">
                    {tab(!showing_done, "/staff/refunds", "待退款", "Owed back")}
                    {tab(showing_done, "/staff/refunds?done=1", "已退款", "Refunded")}
                </ul>
            </nav>
            {when_loaded(lang, data, move |lang, list| refunds(lang, list, showing_done))}
        }
        .into_any(),
    };
    view! { <Page title_zh="退款登记" title_en="Refunds">{body}</Page> }
}

fn refunds(lang: Lang, list: ListPage<RefundItem>, done: bool) -> AnyView {
    if list.items.is_empty() {
        return view! { <p role="status">{lang.pick("没有款项。", "Nothing here.")}</p> }
            .into_any();
    }
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let keep = [("done", if done { "1".to_string() } else { String::new() })];
    let pager = pager(lang, &list, ("退款", "Refunds"), |n| {
        page_href("/staff/refunds", &keep, "page", n)
    });
    let rows = list
        .items
        .into_iter()
        .map(|r| {
            let action = match &r.refunded {
                Some((at, reference, by)) => format!("{} {} · {}{}", cst_date_time(*at), reference, lang.pick("警号", "officer "), by).into_any(),
                None => {
                    let id = format!("reference-{}", r.payment_id);
                    view! {
                        <form class="inline-form" method="post" action=StaffRecordRefund::PATH>
                            <input type="hidden" name="payment_id" value=r.payment_id.to_string() />
                            <label class="label" for=id.clone()>{lang.pick("退款凭证号", "Refund reference")}</label>
                            <input class="input input--w10" id=id name="reference" type="text" autocomplete="off" required />
                            <button class="button button--small" type="submit">{lang.pick("登记退款", "Record")}</button>
                        </form>
                    }
                    .into_any()
                }
            };
            view! {
                <tr>
                    <td data-label=cell("订单号", "Order")>{r.order_no.clone()}</td>
                    <td data-label=cell("号牌", "Plate")>{r.plate.clone()}</td>
                    <td data-label=cell("缴款人", "Payer")>{r.payer.clone()}</td>
                    <td data-label=cell("金额", "Amount")>{format!("¥{}", yuan_text(r.amount_fen))}</td>
                    <td data-label=cell("到账时间", "Arrived")>{cst_date_time(r.paid_at_ms)}</td>
                    <td data-label=cell("银行流水号", "Bank ref.")>{r.bank_ref.clone()}</td>
                    <td data-label=cell("退款", "Refund")>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="refunds">
                <caption class="visually-hidden">{cell("退款", "Refunds")}</caption>
                <thead><tr>
                    <th scope="col">{cell("订单号", "Order")}</th>
                    <th scope="col">{cell("号牌", "Plate")}</th>
                    <th scope="col">{cell("缴款人", "Payer")}</th>
                    <th scope="col">{cell("金额", "Amount")}</th>
                    <th scope="col">{cell("到账时间", "Arrived")}</th>
                    <th scope="col">{cell("银行流水号", "Bank ref.")}</th>
                    <th scope="col">{cell("退款", "Refund")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
    .into_any()
}
