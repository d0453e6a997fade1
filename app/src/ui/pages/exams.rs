//! Driving-test booking (驾考预约, D12): the learner's file, their bookings
//! with the queue rank and the result, and the sessions open for booking
//! with the reason where a subject cannot be booked yet.

use crate::api::exams::{my_exams, BookExam, CancelExam, ExamOverview};
use crate::domain::date::cst_date_time;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ExamsPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| {
        if q.get("booked").is_some() {
            Some(Text::new(
                "预约已提交。预约截止后按受理日期先后分配名额。",
                "Booked. Seats are given by acceptance date once booking closes.",
            ))
        } else if q.get("cancelled").is_some() {
            Some(Text::new("预约已取消。", "The booking is cancelled."))
        } else {
            None
        }
    });
    let data = Resource::new_blocking(|| (), |_| my_exams());
    view! {
        <Page title_zh="驾驶人考试预约" title_en="Book a driving test">
            <AccountNav lang current="/account/exams" />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![BookExam::PATH, CancelExam::PATH] />
            {when_loaded(lang, data, exams_view)}
        </Page>
    }
}

fn status_text(lang: Lang, status: &str) -> &'static str {
    match status {
        "pending" => lang.pick("待分配", "waiting for allocation"),
        "allocated" => lang.pick("已约上", "seat given"),
        "not_allocated" => lang.pick("未约上", "no seat"),
        _ => lang.pick("已取消", "cancelled"),
    }
}

fn exams_view(lang: Lang, o: ExamOverview) -> impl IntoView {
    let row = summary_row(lang);
    let record = match &o.record {
        None => view! { <p>{lang.pick("没有查到您的驾驶证申请受理记录，请先到驾校或车辆管理所受理。", "No accepted licence application was found; apply at a driving school or vehicle office first.")}</p> }.into_any(),
        Some(r) => view! {
            <dl class="summary-list">
                {row("受理日期", "Accepted", r.permit_issued.map(|d| d.to_string()).unwrap_or_default())}
                {row("学习驾驶证明有效期至", "Learner permit valid until", r.permit_valid_until.map(|d| d.to_string()).unwrap_or_default())}
                {row("已合格科目", "Passed", if r.passed.is_empty() { "—".to_string() } else { r.passed.iter().map(|(s, d)| format!("{} ({d})", s.code())).collect::<Vec<_>>().join("、") })}
            </dl>
        }
        .into_any(),
    };
    let bookings = if o.bookings.is_empty() {
        view! { <p>{lang.pick("还没有预约。", "No bookings yet.")}</p> }.into_any()
    } else {
        o.bookings
            .into_iter()
            .map(|b| {
                let rank = b.rank.map(|r| match (lang, b.status.as_str()) {
                    (Lang::Zh, "pending") => format!("当前排第{r}位（共{}个名额）", b.session.capacity),
                    (Lang::En, "pending") => format!("now number {r} in the queue ({} seats)", b.session.capacity),
                    (Lang::Zh, _) => format!("排序第{r}位"),
                    (Lang::En, _) => format!("ranked {r}"),
                });
                view! {
                    <li class="card" data-testid="exam-booking">
                        <p><strong>{lang.pick(b.session.subject.zh(), b.session.subject.en()).to_string()}</strong></p>
                        <p>{format!("{} {} · {}", b.session.day, b.session.period, b.session.centre)}</p>
                        <p><span class="tag" data-testid="exam-status">{status_text(lang, &b.status)}</span> " " {rank}</p>
                        {(b.status == "pending").then(|| view! {
                            <form method="post" action=CancelExam::PATH>
                                <input type="hidden" name="booking_id" value=b.id.to_string() />
                                <button class="button button--secondary" type="submit">{lang.pick("取消预约", "Cancel")}</button>
                            </form>
                        })}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let sessions = o
        .sessions
        .into_iter()
        .take(64)
        .map(|(s, refusal)| {
            let action = match refusal {
                Some(r) => view! { <span class="refused">{r.rule.get(lang).to_string()}</span> }.into_any(),
                None => view! {
                    <form method="post" action=BookExam::PATH class="inline-form">
                        <input type="hidden" name="session_id" value=s.id.to_string() />
                        <button class="button" type="submit">{lang.pick("预约", "Book")}<span class="visually-hidden">{format!(" {} {} {}", s.subject.code(), s.day, s.period)}</span></button>
                    </form>
                }
                .into_any(),
            };
            view! {
                <tr>
                    <td>{format!("{} {}", s.day, s.period)}</td>
                    <td>{lang.pick(s.subject.zh(), s.subject.en()).to_string()}</td>
                    <td>{s.centre.clone()}</td>
                    <td>{format!("{} / {}", s.waiting, s.capacity)}</td>
                    <td>{cst_date_time(s.closes_at_ms)}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-l">{lang.pick("我的受理信息", "My application")}</h2>
        {record}
        <h2 class="heading-l">{lang.pick("我的预约", "My bookings")}</h2>
        <ul class="messages">{bookings}</ul>
        <h2 class="heading-l">{lang.pick("可预约的考试场次", "Sessions open for booking")}</h2>
        <p class="hint">{lang.pick("预约截止后，按受理日期（科目二、三按科目一合格日期，科目四按科目三合格日期）先后分配名额；同一日期按预约时间先后。", "When booking closes, seats go by acceptance date (subjects 2 and 3: the day subject 1 was passed; subject 4: subject 3), then by booking time.")}</p>
        <div class="table-wrap">
            <table class="table" data-testid="exam-sessions">
                <caption class="visually-hidden">{lang.pick("考试场次", "Sessions")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("考试时间", "When")}</th>
                        <th scope="col">{lang.pick("科目", "Subject")}</th>
                        <th scope="col">{lang.pick("考场", "Centre")}</th>
                        <th scope="col">{lang.pick("已预约/名额", "Booked / seats")}</th>
                        <th scope="col">{lang.pick("预约截止", "Booking closes")}</th>
                        <th scope="col">{lang.pick("操作", "Action")}</th>
                    </tr>
                </thead>
                <tbody>{sessions}</tbody>
            </table>
        </div>
    }
}
