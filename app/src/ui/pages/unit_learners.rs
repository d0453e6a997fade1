//! A driving school's learners (学员预录入, 学员用户窗口注册, 学员预约信息
//! 查询): the pre-entry form, the step where the learner's SMS code
//! confirms the entry and the school registers the learner's account, and
//! the table of the school's learners with their bookings, ranks and
//! results, 50 a page. Plain forms (no WASM).

use crate::domain::exam::Subject;
use crate::domain::learner_entry::{EntryState, FIRST_LICENCE_CLASSES};
use crate::features::learners::{
    unit_learners, ConfirmLearner, EnterLearner, LearnerEntry, RegisterLearner, ResendLearnerCode,
    WithdrawLearner,
};
use crate::features::paging::ListPage;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    code_step, group_class, server_problem, typed, typed_value, typed_values, ErrorSummary,
    TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::exams::status_text;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

const PAGE: &str = "/unit/learners";

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| match q.get("done").as_deref() {
        Some("registered") => Some(Text::new(
            "学员的平台账户已注册（窗口注册，注册点为本校），学员已收到短信通知，可以登录预约考试。",
            "The learner's platform account is registered (at the school as the registration point); the learner has been told by SMS and can log in to book tests.",
        )),
        Some("withdrawn") => Some(Text::new("已撤回。", "Withdrawn.")),
        _ => None,
    })
}

#[component]
pub fn UnitLearnersPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let (page, entry) = use_query_map().with_untracked(|q| {
        (
            q.get("page"),
            q.get("entry").and_then(|e| e.parse::<i64>().ok()),
        )
    });
    let data = Resource::new_blocking(move || page.clone(), unit_learners);
    view! {
        <Page title_zh="驾校学员" title_en="Learners">
            <UnitNav lang current=PAGE />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![ResendLearnerCode::PATH, WithdrawLearner::PATH] />
            <p>{lang.pick(
                "预录入学员信息，学员用手机验证码确认后，由本校经办人当面核验身份证明，为学员注册平台账户（窗口注册，注册点为本校）。学员登录后即可预约考试；本校可以查询学员的预约、排序和考试成绩。",
                "Enter a learner; once the learner confirms with the SMS code, the school's operator checks the identity document in person and registers the learner's platform account (at the school as the registration point). The learner then books tests; the school sees their bookings, ranks and results.",
            )}</p>
            {move || entry.map(|id| view! { {when_loaded(lang, data, move |lang, page| step(lang, page, id))} })}
            <h2 class="heading-l">{lang.pick("学员预录入", "Enter a learner")}</h2>
            {entry_form(lang)}
            <h2 class="heading-l" id="records">{lang.pick("本校学员", "The school's learners")}</h2>
            {when_loaded(lang, data, table)}
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        (
            "id_number",
            Text::new("学员身份证明号码", "Learner's ID number"),
        ),
        ("name", Text::new("学员姓名", "Learner's name")),
        (
            "phone",
            Text::new("学员手机号码", "Learner's mobile number"),
        ),
        ("class", Text::new("申请准驾车型", "Class sought")),
    ]
}

fn entry_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(EnterLearner::PATH));
    let values = typed_values();
    let l = labels();
    let class_error = server_problem(error, "class");
    let class_now = typed_value(&values, "class");
    let options = FIRST_LICENCE_CLASSES
        .iter()
        .map(|c| {
            let selected = class_now == c.code() || (class_now.is_empty() && c.code() == "C1");
            view! { <option value=c.code() selected=selected>{format!("{} {}", c.code(), lang.pick(c.zh(), c.en()))}</option> }
        })
        .collect_view();
    view! {
        <form class="form" method="post" action=EnterLearner::PATH novalidate>
            <ErrorSummary lang error labels=l.clone() />
            <TextField lang name="id_number" label=l[0].1.clone() value=typed(&values, "id_number")
                server_error=server_problem(error, "id_number") width_class="input--w20" autocomplete="off" />
            <TextField lang name="name" label=l[1].1.clone() value=typed(&values, "name")
                server_error=server_problem(error, "name") width_class="input--w10" autocomplete="off" />
            <TextField lang name="phone" label=l[2].1.clone() value=typed(&values, "phone")
                hint=Text::new("验证码发送到这个号码，学员注册后用它登录", "The code goes to this number; the learner's account uses it")
                server_error=server_problem(error, "phone") width_class="input--w10"
                input_type="tel" inputmode="numeric" autocomplete="off" />
            <div class=move || group_class(class_error.get().is_some())>
                <label class="label" for="class">{l[3].1.get(lang).to_string()}</label>
                <p class="error-message" id="class-error" aria-live="polite">
                    {move || class_error.get().map(|m| m.get(lang).to_string())}
                </p>
                <select class="select" id="class" name="class" aria-describedby="class-error">{options}</select>
            </div>
            <button class="button" type="submit">{lang.pick("发送验证码给学员", "Send the learner a code")}</button>
        </form>
    }
    .into_any()
}

/// The step of one entry: the learner's code, then the registration with
/// the password the learner types at the school.
fn step(lang: Lang, page: ListPage<LearnerEntry>, id: i64) -> AnyView {
    let Some(e) = page.items.into_iter().find(|e| e.id == id) else {
        return ().into_any();
    };
    let id = e.id.to_string();
    let withdraw = view! {
        <form class="action-form" method="post" action=WithdrawLearner::PATH>
            <input type="hidden" name="id" value=id.clone() />
            <button class="button button--secondary" type="submit">{lang.pick("撤回预录入", "Withdraw the entry")}</button>
        </form>
    };
    let body = match e.state {
        EntryState::AwaitingLearner => {
            view! {
                <p role="status">{match lang {
                    Lang::Zh => format!("已向学员{}的手机{}发送验证码，请学员当面告知。", e.name, e.phone_masked),
                    Lang::En => format!("A code was sent to {}'s phone {}; the learner tells it to you in person.", e.name, e.phone_masked),
                }}</p>
                {code_step(lang, e.id, ConfirmLearner::PATH, ("确认", "Confirm"), ResendLearnerCode::PATH, withdraw.into_any())}
            }
            .into_any()
        }
        EntryState::Confirmed => {
            let error = Signal::stored(form_error_from_url(RegisterLearner::PATH));
            let labels = vec![
                ("password", Text::new("登录密码", "Password")),
                (
                    "password_confirm",
                    Text::new("再次输入密码", "Password again"),
                ),
            ];
            view! {
                <p role="status">{match lang {
                    Lang::Zh => format!("学员{}（{}）已确认。请当面核验学员的身份证明，由学员本人设置登录密码。", e.name, e.id_masked),
                    Lang::En => format!("{} ({}) confirmed. Check the identity document in person; the learner sets the password.", e.name, e.id_masked),
                }}</p>
                <form class="form" method="post" action=RegisterLearner::PATH novalidate>
                    <ErrorSummary lang error labels=labels.clone() />
                    <input type="hidden" name="id" value=id.clone() />
                    <TextField lang name="password" label=labels[0].1.clone() value=RwSignal::new(String::new())
                        hint=Text::new("由学员本人输入，至少8个字符，不能含身份证号码或手机号码", "Typed by the learner; at least 8 characters, not the ID number or the phone")
                        server_error=server_problem(error, "password") input_type="password" autocomplete="new-password" width_class="input--w20" />
                    <TextField lang name="password_confirm" label=labels[1].1.clone() value=RwSignal::new(String::new())
                        server_error=server_problem(error, "password_confirm") input_type="password" autocomplete="new-password" width_class="input--w20" />
                    <button class="button" type="submit">{lang.pick("为学员注册平台账户", "Register the learner's account")}</button>
                </form>
                <div class="actions">{withdraw}</div>
            }
            .into_any()
        }
        _ => view! {
            <p role="status">{match lang {
                Lang::Zh => format!("学员{}当前状态：{}。", e.name, e.state.zh()),
                Lang::En => format!("{} is now: {}.", e.name, e.state.en()),
            }}</p>
        }
        .into_any(),
    };
    view! {
        <section class="panel" id="learner-step" aria-labelledby="learner-step-heading">
            <h2 class="heading-m" id="learner-step-heading">{match lang {
                Lang::Zh => format!("办理学员：{}", e.name),
                Lang::En => format!("Learner: {}", e.name),
            }}</h2>
            {body}
        </section>
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("学员", "Learner"),
    ("车型", "Class"),
    ("状态", "State"),
    ("考试预约和排序", "Bookings and ranks"),
    ("考试成绩", "Results"),
    ("操作", "Action"),
];

fn subject_short(lang: Lang, s: Subject) -> &'static str {
    match s {
        Subject::One => lang.pick("科目一", "Subject 1"),
        Subject::Two => lang.pick("科目二", "Subject 2"),
        Subject::Three => lang.pick("科目三", "Subject 3"),
        Subject::Four => lang.pick("科目四", "Subject 4"),
    }
}

fn table(lang: Lang, page: ListPage<LearnerEntry>) -> AnyView {
    if page.items.is_empty() {
        return view! { <p>{lang.pick("本校还没有预录入学员。", "The school has not entered a learner yet.")}</p> }.into_any();
    }
    let count = match lang {
        Lang::Zh => format!("共{}名，第{}/{}页", page.total, page.page, page.pages()),
        Lang::En => format!(
            "{} learners, page {} of {}",
            page.total,
            page.page,
            page.pages()
        ),
    };
    let pager = pager(lang, &page, ("本校学员", "Learners"), |n| {
        page_href(PAGE, &[], "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let bookings = if e.bookings.is_empty() {
                "—".into_any()
            } else {
                e.bookings
                    .iter()
                    .map(|b| {
                        let rank = b.rank.map(|r| format!(" · {}{r}", lang.pick("排序第", "rank "))).unwrap_or_default();
                        view! { <div>{format!("{} {} {}{rank}", subject_short(lang, b.subject), b.day, status_text(lang, &b.status))}</div> }
                    })
                    .collect_view()
                    .into_any()
            };
            let results = if e.results.is_empty() {
                "—".into_any()
            } else {
                e.results
                    .iter()
                    .map(|r| {
                        let verdict = if r.passed { lang.pick("合格", "passed") } else { lang.pick("不合格", "failed") };
                        view! { <div>{format!("{} {} {verdict}", subject_short(lang, r.subject), r.day)}</div> }
                    })
                    .collect_view()
                    .into_any()
            };
            let action = match e.state {
                EntryState::AwaitingLearner | EntryState::Confirmed => view! {
                    <a href=format!("{PAGE}?entry={}#learner-step", e.id)>{lang.pick("继续办理", "Continue")}<span class="visually-hidden">{format!(" {}", e.name)}</span></a>
                }
                .into_any(),
                _ => "—".into_any(),
            };
            view! {
                <tr>
                    <td data-label=label(0)>{e.name.clone()}<br /><span class="hint">{e.id_masked.clone()}</span></td>
                    <td data-label=label(1)>{e.class.code()}</td>
                    <td data-label=label(2)>{lang.pick(e.state.zh(), e.state.en())}</td>
                    <td data-label=label(3)>{bookings}</td>
                    <td data-label=label(4)>{results}</td>
                    <td data-label=label(5)>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="listing-count" role="status">{count}</p>
        <DataTable lang caption=("本校学员", "The school's learners") columns=COLUMNS testid="unit-learners" dense=true>
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}
