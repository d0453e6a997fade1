//! Driving-test booking (驾考预约, D12): the learner's file, their bookings
//! with the queue rank and the result, and the sessions: narrowed by exam
//! centre, subject and day with a plain GET form (no JavaScript; the
//! choices live in the address), the bookable ones first, the others
//! summarised by reason or listed after them, a page at a time.

use crate::domain::date::cst_date_time;
use crate::domain::exam::list::{list, weekday, Listing, SessionFilter};
use crate::domain::exam::{BookingRefusal, Subject};
use crate::features::exams::{my_exams, BookExam, CancelExam, ExamOverview, ExamSession};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

const PAGE_PATH: &str = "/account/exams";
/// The address's key for the page of the bookings (`page` pages the
/// sessions).
const BOOKINGS_PAGE: &str = "bookings_page";

#[component]
pub fn ExamsPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (done, filter, bookings_page) = use_query_map().with_untracked(|q| {
        let done = if q.get("booked").is_some() {
            Some(Text::new(
                "预约已提交。预约截止后按受理日期先后分配名额。",
                "Booked. Seats are given by acceptance date once booking closes.",
            ))
        } else if q.get("cancelled").is_some() {
            Some(Text::new("预约已取消。", "The booking is cancelled."))
        } else {
            None
        };
        (
            done,
            SessionFilter::from_query(|k| q.get(k)),
            q.get(BOOKINGS_PAGE),
        )
    });
    let data = Resource::new_blocking(move || bookings_page.clone(), my_exams);
    view! {
        <Page title_zh="驾驶人考试预约" title_en="Book a driving test">
            <AccountNav lang current=PAGE_PATH />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![BookExam::PATH, CancelExam::PATH] />
            {when_loaded(lang, data, move |lang, o| exams_view(lang, o, &filter))}
        </Page>
    }
}

pub(crate) fn status_text(lang: Lang, status: &str) -> &'static str {
    match status {
        "pending" => lang.pick("待分配", "waiting for allocation"),
        "allocated" => lang.pick("已约上", "seat given"),
        "not_allocated" => lang.pick("未约上", "no seat"),
        _ => lang.pick("已取消", "cancelled"),
    }
}

fn day_text(lang: Lang, s: &ExamSession) -> String {
    let (zh, en) = weekday(s.day);
    format!("{}（{}）{}", s.day, lang.pick(zh, en), s.period)
}

fn exams_view(lang: Lang, o: ExamOverview, filter: &SessionFilter) -> impl IntoView {
    let row = summary_row(lang);
    let record = match &o.record {
        None => view! { <p>{lang.pick("没有查到您的驾驶证申请受理记录，请先到驾校或车辆管理所受理。", "No accepted licence application was found; apply at a driving school or vehicle office first.")}</p> }.into_any(),
        Some(r) => view! {
            <dl class="summary-list">
                {row("受理日期", "Accepted", r.permit_issued.map(|d| d.to_string()).unwrap_or_default())}
                {row("学习驾驶证明有效期至", "Learner permit valid until", r.permit_valid_until.map(|d| d.to_string()).unwrap_or_default())}
                {row("已合格科目", "Passed", if r.passed.is_empty() { "—".to_string() } else { r.passed.iter().map(|(s, d)| format!("{} ({d})", lang.pick(s.short_zh(), s.short_en()))).collect::<Vec<_>>().join("、") })}
            </dl>
        }
        .into_any(),
    };
    let bookings_pager = pager(lang, &o.bookings, ("我的预约", "My bookings"), |n| {
        page_href(PAGE_PATH, &[], BOOKINGS_PAGE, n)
    });
    let bookings = if o.bookings.items.is_empty() {
        view! { <p>{lang.pick("还没有预约。", "No bookings yet.")}</p> }.into_any()
    } else {
        let items = o
            .bookings
            .items
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
                        <p>{format!("{} · {}", day_text(lang, &b.session), b.session.centre)}</p>
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
            .collect_view();
        view! { <ul class="messages">{items}</ul> }.into_any()
    };
    let listing = list(o.sessions, filter, |s| {
        (s.centre.as_str(), s.subject, s.day)
    });
    view! {
        <h2 class="heading-l">{lang.pick("我的受理信息", "My application")}</h2>
        {record}
        <h2 class="heading-l">{lang.pick("我的预约", "My bookings")}</h2>
        {bookings}
        {bookings_pager}
        <h2 class="heading-l" id="sessions">{lang.pick("考试场次", "Test sessions")}</h2>
        <p class="hint">{lang.pick("预约截止后，按受理日期（科目二、三按科目一合格日期，科目四按科目三合格日期）先后分配名额；同一日期按预约时间先后。", "When booking closes, seats go by acceptance date (subjects 2 and 3: the day subject 1 was passed; subject 4: subject 3), then by booking time.")}</p>
        <p><a href="/exams/queue">{lang.pick("查看各考试场次的名额分配公示", "See how each session's seats were given")}</a></p>
        {filter_form(lang, filter, &listing)}
        {sessions_view(lang, filter, listing)}
    }
}

/// The GET form that narrows the list; its values come back from the address.
fn filter_form(
    lang: Lang,
    filter: &SessionFilter,
    listing: &Listing<ExamSession>,
) -> impl IntoView {
    let centres = listing
        .centres
        .iter()
        .map(|c| {
            let selected = filter.centre.as_deref() == Some(c.as_str());
            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
        })
        .collect_view();
    let subjects = Subject::ALL
        .iter()
        .map(|s| {
            let selected = filter.subject == Some(*s);
            view! { <option value=s.code() selected=selected>{lang.pick(s.short_zh(), s.short_en())}</option> }
        })
        .collect_view();
    let days = listing
        .days
        .iter()
        .map(|d| {
            let selected = filter.day == Some(*d);
            let (zh, en) = weekday(*d);
            view! { <option value=d.to_iso() selected=selected>{format!("{d}（{}）", lang.pick(zh, en))}</option> }
        })
        .collect_view();
    view! {
        // autocomplete="off": coming back, the browser must not put back
        // choices that were changed but never submitted — the form always
        // shows the filter the list was made with.
        <form method="get" action=format!("{PAGE_PATH}#sessions") class="filters" autocomplete="off" data-testid="exam-filter">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="centre">{lang.pick("考场", "Exam centre")}</label>
                    <select class="input select" id="centre" name="centre">
                        <option value="">{lang.pick("全部考场", "All centres")}</option>
                        {centres}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="subject">{lang.pick("科目", "Subject")}</label>
                    <select class="input select" id="subject" name="subject">
                        <option value="">{lang.pick("全部科目", "All subjects")}</option>
                        {subjects}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="day">{lang.pick("考试日期", "Test day")}</label>
                    <select class="input select" id="day" name="day">
                        <option value="">{lang.pick("全部日期", "Any day")}</option>
                        {days}
                    </select>
                </div>
            </div>
            <div class="checkboxes__item filters__toggle">
                <input class="checkboxes__input" type="checkbox" id="all" name="all" value="1" checked=filter.show_unbookable />
                <label class="checkboxes__label" for="all">{lang.pick("同时列出暂不能预约的场次", "Also list sessions I cannot book yet")}</label>
            </div>
            <div class="button-group">
                <button class="button" type="submit">{lang.pick("筛选场次", "Show sessions")}</button>
                {(filter.is_narrowed() || filter.show_unbookable).then(|| view! {
                    <a class="button button--secondary" href=format!("{PAGE_PATH}#sessions")>{lang.pick("清除筛选", "Clear")}</a>
                })}
            </div>
        </form>
    }
}

fn link_to(filter: &SessionFilter) -> String {
    let query = filter.query();
    if query.is_empty() {
        format!("{PAGE_PATH}#sessions")
    } else {
        format!("{PAGE_PATH}?{query}#sessions")
    }
}

fn subjects_text(lang: Lang, subjects: &[Subject]) -> String {
    let names: Vec<&str> = subjects
        .iter()
        .map(|s| lang.pick(s.short_zh(), s.short_en()))
        .collect();
    names.join(lang.pick("、", ", "))
}

fn sessions_view(
    lang: Lang,
    filter: &SessionFilter,
    listing: Listing<ExamSession>,
) -> impl IntoView {
    let unbookable = listing.unbookable();
    // "listed first" only when there are both kinds.
    let both = listing.bookable > 0 && unbookable > 0;
    let count = match lang {
        Lang::Zh if filter.show_unbookable => format!(
            "共{}个场次：{}个可以预约{}，{unbookable}个暂不能预约。",
            listing.bookable + unbookable,
            listing.bookable,
            if both { "（排在前面）" } else { "" }
        ),
        Lang::Zh => format!("{}个场次可以预约。", listing.bookable),
        Lang::En if filter.show_unbookable => format!(
            "{} sessions: {} you can book{}, {unbookable} you cannot book yet.",
            listing.bookable + unbookable,
            listing.bookable,
            if both { " (listed first)" } else { "" }
        ),
        Lang::En => format!("{} sessions you can book.", listing.bookable),
    };
    let pages = (listing.pages > 1).then(|| match lang {
        Lang::Zh => format!("第{}页，共{}页。", listing.page, listing.pages),
        Lang::En => format!("Page {} of {}.", listing.page, listing.pages),
    });
    let table = (!listing.rows.is_empty()).then(|| sessions_table(lang, &listing.rows));
    let pager = (listing.pages > 1).then(|| {
        let prev = (listing.page > 1).then(|| link_to(&filter.at_page(listing.page - 1)));
        let next = (listing.page < listing.pages).then(|| link_to(&filter.at_page(listing.page + 1)));
        view! {
            <nav class="pager" aria-label=lang.pick("场次分页", "Session pages")>
                {prev.map(|href| view! { <a class="pager__link" rel="prev" href=href>{lang.pick("上一页", "Previous page")}</a> })}
                <span class="pager__here">{format!("{} / {}", listing.page, listing.pages)}</span>
                {next.map(|href| view! { <a class="pager__link" rel="next" href=href>{lang.pick("下一页", "Next page")}</a> })}
            </nav>
        }
    });
    let reasons = (unbookable > 0 && !filter.show_unbookable).then(|| {
        let items = listing
            .reasons
            .iter()
            .map(|g| {
                let text = match lang {
                    Lang::Zh => format!("{}（{}个场次）：{}", subjects_text(lang, &g.subjects), g.sessions, g.refusal.zh()),
                    Lang::En => format!("{} ({} sessions): {}", subjects_text(lang, &g.subjects), g.sessions, g.refusal.en()),
                };
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! {
            <div class="inset" data-testid="unbookable-summary">
                <p>{match lang {
                    Lang::Zh => format!("另有{unbookable}个场次您暂不能预约："),
                    Lang::En => format!("{unbookable} more sessions you cannot book yet:"),
                }}</p>
                <ul class="list--bullet">{items}</ul>
                <p><a href=link_to(&filter.with_unbookable(true))>{lang.pick("列出这些场次", "List these sessions")}</a></p>
            </div>
        }
    });
    let only_bookable = (filter.show_unbookable && unbookable > 0).then(|| {
        view! { <p><a href=link_to(&filter.with_unbookable(false))>{lang.pick("只看可以预约的场次", "Show only sessions I can book")}</a></p> }
    });
    let nothing = listing.rows.is_empty().then(|| {
        view! {
            <p>{if filter.is_narrowed() {
                lang.pick("没有符合条件的可预约场次，请换一个考场、科目或日期。", "No session you can book matches; try another centre, subject or day.")
            } else {
                lang.pick("目前没有您可以预约的场次。", "There is no session you can book now.")
            }}</p>
        }
    });
    view! {
        <p class="listing-count" data-testid="session-count">{count} " " {pages}</p>
        {nothing}
        {table}
        {pager}
        {reasons}
        {only_bookable}
    }
}

fn sessions_table(lang: Lang, rows: &[(ExamSession, Option<BookingRefusal>)]) -> impl IntoView {
    let col_when = lang.pick("考试时间", "When");
    let col_subject = lang.pick("科目", "Subject");
    let col_centre = lang.pick("考场", "Centre");
    let col_seats = lang.pick("已预约/名额", "Booked / seats");
    let col_closes = lang.pick("预约截止", "Booking closes");
    let col_action = lang.pick("预约", "Book");
    let body = rows
        .iter()
        .map(|(s, refusal)| {
            let action = match refusal {
                Some(r) => view! {
                    <span class="tag tag--muted">{lang.pick("暂不能预约", "Not yet")}</span>
                    " "
                    <span class="refused">{match lang { Lang::Zh => r.zh(), Lang::En => r.en() }}</span>
                }
                .into_any(),
                None => view! {
                    <form method="post" action=BookExam::PATH class="inline-form">
                        <input type="hidden" name="session_id" value=s.id.to_string() />
                        <button class="button button--small" type="submit">{lang.pick("预约", "Book")}<span class="visually-hidden">{format!(" {} {} {} {}", s.subject.code(), s.day, s.period, s.centre)}</span></button>
                    </form>
                }
                .into_any(),
            };
            view! {
                <tr class:table__row--muted=refusal.is_some()>
                    <td data-label=col_when>{day_text(lang, s)}</td>
                    <td data-label=col_subject class="table__cell--nowrap">{lang.pick(s.subject.short_zh(), s.subject.short_en())}</td>
                    <td data-label=col_centre>{s.centre.clone()}</td>
                    <td data-label=col_seats class="table__cell--nowrap">{format!("{} / {}", s.waiting, s.capacity)}</td>
                    <td data-label=col_closes>{cst_date_time(s.closes_at_ms)}</td>
                    <td data-label=col_action>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="exam-sessions">
                <caption class="visually-hidden">{lang.pick("考试场次", "Test sessions")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{col_when}</th>
                        <th scope="col">{col_subject}</th>
                        <th scope="col">{col_centre}</th>
                        <th scope="col">{col_seats}</th>
                        <th scope="col">{col_closes}</th>
                        <th scope="col">{col_action}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
