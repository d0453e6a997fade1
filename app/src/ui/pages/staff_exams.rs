//! The administrator's exam sessions (考试场次管理): the sessions from today
//! on with their seats, bookings and allocation; a new session; one
//! session's bookings with their ranks, and closing it now. Plain forms.

use crate::domain::date::cst_date_time;
use crate::domain::exam::Subject;
use crate::domain::StaffPower;
use crate::features::exams::{
    staff_exam_session, staff_exam_sessions, ExamSessionsDesk, SessionDetail, SessionForAdmin,
    StaffAddExamSession, StaffAllocateSession,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where a session stands: open, closed and waiting, or allocated.
pub(crate) fn state(lang: Lang, s: &SessionForAdmin, now_ms: i64) -> String {
    match s.allocated_at_ms {
        Some(_) => format!(
            "{}{}/{}",
            lang.pick("已分配 ", "Allocated "),
            s.allocated,
            s.session.capacity
        ),
        None if s.session.closes_at_ms <= now_ms => lang
            .pick("已截止，待分配", "Closed, to allocate")
            .to_string(),
        None => lang.pick("预约中", "Open").to_string(),
    }
}

pub(crate) fn now_ms() -> i64 {
    #[cfg(feature = "ssr")]
    if let Some(ports) = use_context::<crate::ports::Ports>() {
        return ports.clock.now_ms();
    }
    0
}

#[component]
pub fn ExamSessionsPage() -> impl IntoView {
    let lang = use_lang();
    let (added, page) =
        use_query_map().with_untracked(|q| (q.get("added").is_some(), q.get("page")));
    let data = Resource::new_blocking(move || page.clone(), staff_exam_sessions);
    let now = now_ms();
    let body = match staff_page(lang, &[StaffPower::ManageExamSessions]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=added.then(|| Text::new("已新增考试场次，学员现在可以预约。", "The session was added; learners can book it now.")) />
            <PostedError lang paths=vec![StaffAddExamSession::PATH] />
            {when_loaded(lang, data, move |lang, desk: ExamSessionsDesk| sessions(lang, desk, now))}
        }
        .into_any(),
    };
    view! { <Page title_zh="考试场次管理" title_en="Exam sessions">{body}</Page> }
}

fn sessions(lang: Lang, desk: ExamSessionsDesk, now: i64) -> impl IntoView {
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let pager = pager(lang, &desk.sessions, ("考试场次", "Sessions"), |n| {
        page_href("/staff/exams", &[], "page", n)
    });
    let rows = desk
        .sessions
        .items
        .iter()
        .map(|s| {
            let x = &s.session;
            view! {
                <tr>
                    <td data-label=cell("日期", "Day")><a href=format!("/staff/exams/{}", x.id)>{format!("{} {}", x.day, x.period)}</a></td>
                    <td data-label=cell("考场", "Centre")>{x.centre.clone()}</td>
                    <td data-label=cell("科目", "Subject")>{lang.pick(x.subject.short_zh(), x.subject.short_en())}</td>
                    <td data-label=cell("名额", "Seats")>{x.capacity}</td>
                    <td data-label=cell("待分配预约", "Waiting")>{x.waiting}</td>
                    <td data-label=cell("预约截止", "Booking closes")>{cst_date_time(x.closes_at_ms)}</td>
                    <td data-label=cell("状态", "State")>{state(lang, s, now)}</td>
                </tr>
            }
        })
        .collect_view();
    let centres = desk
        .centres
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
        .collect_view();
    let subjects = Subject::ALL
        .iter()
        .map(|s| view! { <option value=s.code()>{lang.pick(s.short_zh(), s.short_en())}</option> })
        .collect_view();
    let periods = crate::features::exams::PERIOD_NAMES
        .iter()
        .map(|(zh, en)| view! { <option value=*zh>{lang.pick(zh, en)}</option> })
        .collect_view();
    view! {
        <section class="section" aria-labelledby="new-session">
            <h2 class="heading-m" id="new-session">{cell("新增考试场次", "Add a session")}</h2>
            <form class="form" method="post" action=StaffAddExamSession::PATH novalidate>
                <div class="form-group">
                    <label class="label" for="centre_id">{cell("考场", "Centre")}</label>
                    <select class="select" id="centre_id" name="centre_id">{centres}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="subject">{cell("考试科目", "Subject")}</label>
                    <select class="select" id="subject" name="subject">{subjects}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="day">{cell("考试日期", "Day")}</label>
                    <p class="hint" id="day-hint">{cell("3天后至90天内；预约在考试前两天17:00截止", "3 to 90 days ahead; booking closes two days before at 17:00")}</p>
                    <input class="input input--w10" id="day" name="day" type="date" aria-describedby="day-hint" required />
                </div>
                <div class="form-group">
                    <label class="label" for="period">{cell("时段", "Period")}</label>
                    <select class="select" id="period" name="period">{periods}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="capacity">{cell("考试名额", "Seats")}</label>
                    <input class="input input--w5" id="capacity" name="capacity" type="text" inputmode="numeric" required />
                </div>
                <button class="button" type="submit">{cell("新增场次", "Add the session")}</button>
            </form>
        </section>
        <h2 class="heading-m">{cell("考试场次（今日起）", "Sessions from today")}</h2>
        <div class="table-wrap">
            <table class="table" data-testid="exam-sessions">
                <caption class="visually-hidden">{cell("考试场次", "Sessions")}</caption>
                <thead><tr>
                    <th scope="col">{cell("日期", "Day")}</th>
                    <th scope="col">{cell("考场", "Centre")}</th>
                    <th scope="col">{cell("科目", "Subject")}</th>
                    <th scope="col">{cell("名额", "Seats")}</th>
                    <th scope="col">{cell("待分配预约", "Waiting")}</th>
                    <th scope="col">{cell("预约截止", "Booking closes")}</th>
                    <th scope="col">{cell("状态", "State")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
}

#[component]
pub fn ExamSessionPage() -> impl IntoView {
    let lang = use_lang();
    let id: i64 = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse().ok()))
        .unwrap_or(-1);
    let (allocated, page) = use_query_map().with_untracked(|q| (q.get("allocated"), q.get("page")));
    let data = Resource::new_blocking(
        move || (id, page.clone()),
        |(id, page)| staff_exam_session(id, page),
    );
    let now = now_ms();
    let body = match staff_page(lang, &[StaffPower::ManageExamSessions]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=allocated.map(|n| Text::new(format!("已截止预约并分配，共约上{n}人。"), format!("Booking closed and seats allocated: {n}."))) />
            <PostedError lang paths=vec![StaffAllocateSession::PATH] />
            {when_loaded(lang, data, move |lang, d: SessionDetail| detail(lang, d, now))}
            <p><a href="/staff/exams">{lang.pick("返回考试场次", "Back to the sessions")}</a></p>
        }
        .into_any(),
    };
    view! { <Page title_zh="考试场次" title_en="Exam session">{body}</Page> }
}

fn detail(lang: Lang, d: SessionDetail, now: i64) -> impl IntoView {
    let row = summary_row(lang);
    let s = &d.session.session;
    let close = d.session.allocated_at_ms.is_none().then(|| {
        view! {
            <form class="form" method="post" action=StaffAllocateSession::PATH>
                <input type="hidden" name="session_id" value=s.id.to_string() />
                <button class="button button--warning" type="submit">{lang.pick("立即截止预约并分配名额", "Close booking now and allocate")}</button>
            </form>
        }
    });
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let pager = pager(lang, &d.bookings, ("预约学员", "Bookings"), |n| {
        page_href(&format!("/staff/exams/{}", s.id), &[], "page", n)
    });
    let bookings = d
        .bookings
        .items
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <td data-label=cell("排序", "Rank")>{b.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td data-label=cell("姓名", "Name")>{b.name.clone()}</td>
                    <td data-label=cell("身份证号码", "ID number")>{b.id_number_masked.clone()}</td>
                    <td data-label=cell("受理日期", "Priority date")>{b.priority.to_string()}</td>
                    <td data-label=cell("预约时间", "Booked")>{cst_date_time(b.booked_at_ms)}</td>
                    <td data-label=cell("状态", "State")>{booking_state(lang, &b.status)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="summary-list">
            {row("考场", "Centre", s.centre.clone())}
            {row("科目", "Subject", lang.pick(s.subject.short_zh(), s.subject.short_en()).to_string())}
            {row("日期", "Day", format!("{} {}", s.day, s.period))}
            {row("名额", "Seats", s.capacity.to_string())}
            {row("预约截止", "Booking closes", cst_date_time(s.closes_at_ms))}
            {row("状态", "State", state(lang, &d.session, now))}
        </dl>
        {close}
        <h2 class="heading-m">{cell("预约学员", "Bookings")}</h2>
        <div class="table-wrap">
            <table class="table" data-testid="session-bookings">
                <caption class="visually-hidden">{cell("预约学员", "Bookings")}</caption>
                <thead><tr>
                    <th scope="col">{cell("排序", "Rank")}</th>
                    <th scope="col">{cell("姓名", "Name")}</th>
                    <th scope="col">{cell("身份证号码", "ID number")}</th>
                    <th scope="col">{cell("受理日期", "Priority date")}</th>
                    <th scope="col">{cell("预约时间", "Booked")}</th>
                    <th scope="col">{cell("状态", "State")}</th>
                </tr></thead>
                <tbody>{bookings}</tbody>
            </table>
        </div>
        {pager}
    }
}

fn booking_state(lang: Lang, status: &str) -> &'static str {
    match status {
        "pending" => lang.pick("待分配", "Waiting"),
        "allocated" => lang.pick("已约上", "Seat given"),
        "not_allocated" => lang.pick("未约上", "No seat"),
        _ => lang.pick("已取消", "Cancelled"),
    }
}
