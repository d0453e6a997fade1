//! The open queue (考试名额分配公示), public: the sessions from a month back
//! on, and for each how many booked on each priority date and how many of
//! those got a seat — no name or number of anyone — so anyone can check
//! the seats went by rank.

use crate::features::exams::queue::{open_queue, queue_sessions, SessionQueue};
use crate::features::exams::SessionForAdmin;
use crate::features::paging::ListPage;
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::staff_exams::{now_ms, state};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn rule(lang: Lang) -> impl IntoView {
    view! {
        <p>{lang.pick(
            "每个考试场次预约截止后，名额按受理日期（科目一）或上一科目合格日期（其他科目）先后分配，同一日期按预约时间先后。本页公示每个场次各日期的预约人数和获得名额人数，不含任何个人信息。",
            "When booking for a session closes, its seats go by the date the application was accepted (subject 1) or the previous subject was passed (the others), earliest first, and within one date by booking time. This page shows, for each session, how many booked on each date and how many of them got a seat, with no personal data.",
        )}</p>
    }
}

#[component]
pub fn ExamQueueListPage() -> impl IntoView {
    let lang = use_lang();
    let page = use_query_map().with_untracked(|q| q.get("page"));
    let data = Resource::new_blocking(move || page.clone(), queue_sessions);
    view! {
        <Page title_zh="考试名额分配公示" title_en="How test seats were given">
            {rule(lang)}
            {when_loaded(lang, data, list)}
        </Page>
    }
}

const LIST_COLUMNS: &[(&str, &str)] = &[
    ("考试日期", "Day"),
    ("考场", "Centre"),
    ("科目", "Subject"),
    ("考试名额", "Seats"),
    ("状态", "State"),
    ("公示", "Queue"),
];

fn list(lang: Lang, page: ListPage<SessionForAdmin>) -> AnyView {
    if page.items.is_empty() {
        return view! { <p>{lang.pick("近期没有考试场次。", "No test session lately.")}</p> }
            .into_any();
    }
    let pager = pager(lang, &page, ("考试场次", "Sessions"), |n| {
        page_href("/exams/queue", &[], "page", n)
    });
    let label = move |i: usize| lang.pick(LIST_COLUMNS[i].0, LIST_COLUMNS[i].1);
    let now = now_ms();
    let rows = page
        .items
        .into_iter()
        .map(|s| {
            let href = format!("/exams/queue/{}", s.session.id);
            let when = format!("{} {}", s.session.day, s.session.period);
            view! {
                <tr>
                    <td data-label=label(0) class="table__cell--nowrap">{when.clone()}</td>
                    <td data-label=label(1)>{s.session.centre.clone()}</td>
                    <td data-label=label(2)>{lang.pick(s.session.subject.short_zh(), s.session.subject.short_en())}</td>
                    <td data-label=label(3)>{s.session.capacity}</td>
                    <td data-label=label(4)>{state(lang, &s, now)}</td>
                    <td data-label=label(5)>
                        <a href=href>
                            {lang.pick("查看", "See")}
                            <span class="visually-hidden">{format!(" {when} {}", s.session.centre)}</span>
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable lang caption=("考试场次", "Test sessions") columns=LIST_COLUMNS testid="queue-sessions" dense=true>
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}

#[component]
pub fn ExamQueuePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let data = Resource::new_blocking(move || id, |id| open_queue(id.unwrap_or(-1)));
    view! {
        <Page title_zh="考试名额分配公示" title_en="How test seats were given">
            {when_loaded(lang, data, queue)}
            <p><a href="/exams/queue">{lang.pick("全部考试场次", "Every session")}</a></p>
        </Page>
    }
}

const DAY_COLUMNS: &[(&str, &str)] = &[
    ("受理或合格日期", "Priority date"),
    ("预约人数", "Booked"),
    ("获得名额", "Seated"),
    ("未获得名额", "Not seated"),
];

fn queue(lang: Lang, q: SessionQueue) -> AnyView {
    let row = summary_row(lang);
    let s = &q.session;
    let allocated = s.allocated_at_ms.is_some();
    let outcome = if allocated {
        view! {
            <p data-testid="queue-outcome">{match (lang, q.last_seated) {
                (Lang::Zh, Some(last)) => format!("已分配{}个名额。日期在{last}之前的预约全部获得名额，{last}之后的均未获得；{last}当天按预约时间先后。核对结果：{}。", s.allocated, if q.by_rank { "按顺序分配" } else { "与顺序不符，请拨打122反映" }),
                (Lang::En, Some(last)) => format!("{} seats were given. Every booking dated before {last} got one, none dated after it did; on {last} booking time decided. Check: {}.", s.allocated, if q.by_rank { "in order" } else { "not in order — please call 122" }),
                (Lang::Zh, None) => "没有预约，未分配名额。".to_string(),
                (Lang::En, None) => "Nobody booked: no seat was given.".to_string(),
            }}</p>
        }
        .into_any()
    } else {
        view! {
            <p data-testid="queue-outcome">{lang.pick(
                "尚未分配：预约截止后按受理日期先后分配名额，届时在此公示。下表为目前的预约人数。",
                "Not allocated yet: when booking closes the seats go by date, and the outcome shows here. The table shows the bookings so far.",
            )}</p>
        }
        .into_any()
    };
    let label = move |i: usize| lang.pick(DAY_COLUMNS[i].0, DAY_COLUMNS[i].1);
    let rows = q
        .days
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <td data-label=label(0) class="table__cell--nowrap">{d.priority.to_string()}</td>
                    <td data-label=label(1)>{d.booked}</td>
                    <td data-label=label(2)>{if allocated { d.seated.to_string() } else { "—".into() }}</td>
                    <td data-label=label(3)>{if allocated { (d.booked - d.seated).to_string() } else { "—".into() }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="summary-list" data-testid="queue-session">
            {row("考场", "Centre", s.session.centre.clone())}
            {row("科目", "Subject", lang.pick(s.session.subject.zh(), s.session.subject.en()).to_string())}
            {row("考试日期", "Day", format!("{} {}", s.session.day, s.session.period))}
            {row("考试名额", "Seats", s.session.capacity.to_string())}
            {row("预约人数", "Booked", q.booked.to_string())}
            {row("已分配名额", "Seats given", if allocated { s.allocated.to_string() } else { "—".into() })}
            {row("最后获得名额者的受理或合格日期", "Last priority date seated", q.last_seated.map(|d| d.to_string()).unwrap_or_else(|| "—".into()))}
        </dl>
        {outcome}
        {rule(lang)}
        {if q.days.is_empty() {
            view! { <p>{lang.pick("这个场次还没有人预约。", "Nobody has booked this session yet.")}</p> }.into_any()
        } else {
            view! {
                <DataTable lang caption=("各受理日期的预约和名额", "Bookings and seats by date") columns=DAY_COLUMNS testid="queue-days" dense=true>
                    {rows}
                </DataTable>
            }
            .into_any()
        }}
    }
    .into_any()
}
