//! The staff console's online-application desk (网上业务受理): one
//! application with the steps a clerk may record now, the applicant's
//! blacklist entries (with lifting) and audit trail. Plain forms; the
//! server checks the clerk and every transition.

use crate::domain::application::ApplicationEvent;
use crate::domain::date::cst_date_time;
use crate::domain::StaffPower;
use crate::error::AppError;
use crate::features::applications::{staff_application, StaffApplicationEvent, StaffLiftBlacklist};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::form_error_from_url;
use crate::ui::pages::applications::application_facts;
use crate::ui::pages::staff::staff_page;
use crate::ui::pages::vehicles::{DoneBanner, PostedError};
use crate::ui::today;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffApplicationPage() -> impl IntoView {
    let lang = use_lang();
    let no = use_params_map().with_untracked(|p| p.get("no").unwrap_or_default());
    let done = use_query_map().with_untracked(|q| {
        if q.get("done").is_some() {
            Some(Text::new(
                "已记录。申请人已收到短信和站内消息。",
                "Recorded. The applicant was told by SMS and message.",
            ))
        } else if q.get("lifted").is_some() {
            Some(Text::new(
                "黑名单已解除，原因已记入审计记录。",
                "The blacklisting is lifted; the reason is in the audit trail.",
            ))
        } else {
            None
        }
    });
    let data = Resource::new_blocking(move || no.clone(), staff_application);
    let posted = form_error_from_url(StaffApplicationEvent::PATH);
    let body = match staff_page(lang, &[StaffPower::ReadApplications]) {
        Err(v) => v,
        Ok(_) => view! {
            <p><a href="/staff/applications">{lang.pick("返回业务列表", "Back to the queue")}</a></p>
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![StaffApplicationEvent::PATH, StaffLiftBlacklist::PATH] />
            {when_loaded(lang, data, move |lang, v| staff_view(lang, v, posted.clone()))}
        }
        .into_any(),
    };
    view! { <Page title_zh="业务办理" title_en="Process an application">{body}</Page> }
}

/// The problem a posted form came back with on one field, if any.
fn field_problem(posted: &Option<AppError>, field: &str, lang: Lang) -> Option<String> {
    match posted {
        Some(AppError::Fields(problems)) => problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.get(lang).to_string()),
        _ => None,
    }
}

/// A labelled box of a step's form, marked when the post came back with a
/// problem on it.
fn step_box(
    lang: Lang,
    id: String,
    label: (&'static str, &'static str),
    problem: Option<String>,
    multiline: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let group = if problem.is_some() {
        "form-group form-group--error"
    } else {
        "form-group"
    };
    let described = problem.as_ref().map(|_| error_id.clone());
    let invalid = problem.as_ref().map(|_| "true");
    let input = if multiline {
        view! { <textarea class="input textarea" id=id.clone() name="note" rows="2" maxlength="200" aria-describedby=described aria-invalid=invalid></textarea> }.into_any()
    } else {
        view! { <input class="input input--w20" id=id.clone() name="note" type="text" autocomplete="off" aria-describedby=described aria-invalid=invalid /> }.into_any()
    };
    view! {
        <div class=group>
            <label class="label" for=id>{lang.pick(label.0, label.1)}</label>
            {problem.map(|p| view! { <p class="error-message" id=error_id>{p}</p> })}
            {input}
        </div>
    }
}

fn staff_view(
    lang: Lang,
    v: crate::features::applications::StaffApplicationView,
    posted: Option<AppError>,
) -> impl IntoView {
    let no = v.detail.summary.application_no.clone();
    let actions = if v.events.is_empty() {
        view! { <p>{lang.pick("该业务已办结，没有可记录的步骤。", "This application is finished.")}</p> }.into_any()
    } else {
        v.events
            .iter()
            .map(|e| {
                let e = *e;
                let button_class = if e == ApplicationEvent::Reject || e == ApplicationEvent::DeliveryRefused { "button button--warning" } else { "button" };
                let note_id = format!("note-{}", e.code());
                let note = match e {
                    ApplicationEvent::Reject => Some(step_box(lang, note_id, ("退办原因（申请人会收到）", "Reason (sent to the applicant)"), field_problem(&posted, "note", lang), true).into_any()),
                    ApplicationEvent::Dispatch => Some(step_box(lang, note_id, ("邮件号", "Tracking number"), field_problem(&posted, "tracking_no", lang), false).into_any()),
                    _ => None,
                };
                view! {
                    <form method="post" action=StaffApplicationEvent::PATH class="action-form">
                        <input type="hidden" name="application_no" value=no.clone() />
                        <input type="hidden" name="event" value=e.code() />
                        {note}
                        <button class=button_class type="submit">{lang.pick(e.zh(), e.en()).to_string()}</button>
                    </form>
                }
            })
            .collect_view()
            .into_any()
    };
    let today = today();
    let blacklist = if v.blacklist.is_empty() {
        view! { <p>{lang.pick("申请人没有黑名单记录。", "The applicant has no blacklist entries.")}</p> }.into_any()
    } else {
        v.blacklist
            .iter()
            .map(|b| {
                let active = b.is_active(today);
                let reason_id = format!("lift-reason-{}", b.id);
                view! {
                    <div class="card" data-testid="blacklist-entry">
                        <p>
                            <strong>{if active { lang.pick("生效中", "Active") } else { lang.pick("已失效", "Not active") }}</strong>
                            " · " {b.cause_text().get(lang).to_string()}
                            " · " {format!("{} — {}", b.since, b.until)}
                        </p>
                        {b.lifted.clone().map(|l| view! { <p>{lang.pick("已解除：", "Lifted: ")} {l}</p> })}
                        {active.then(|| view! {
                            <form method="post" action=StaffLiftBlacklist::PATH>
                                <input type="hidden" name="entry_id" value=b.id.to_string() />
                                <input type="hidden" name="application_no" value=no.clone() />
                                <div class="form-group">
                                    <label class="label" for=reason_id.clone()>{lang.pick("解除原因（记入审计记录）", "Reason for lifting (recorded)")}</label>
                                    <textarea class="input textarea" id=reason_id.clone() name="reason" rows="2" maxlength="200"></textarea>
                                </div>
                                <button class="button button--secondary" type="submit">{lang.pick("解除黑名单", "Lift the blacklisting")}</button>
                            </form>
                        })}
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let audit = v
        .audit
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <td data-label=lang.pick("时间", "When")>{cst_date_time(a.at_ms)}</td>
                    <td data-label=lang.pick("操作人", "Who")>{a.actor.clone()}</td>
                    <td data-label=lang.pick("操作", "What")>{
                        let (zh, en) = crate::domain::audit::action_words(&a.action);
                        if lang == Lang::Zh { zh } else { en }
                    }</td>
                    <td data-label=lang.pick("内容", "Detail")>{a.detail.clone()}</td>
                    <td data-label=lang.pick("来源地址", "From")>{a.ip.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {application_facts(lang, &v.detail)}
        <h2 class="heading-l">{lang.pick("记录办理结果", "Record what happened")}</h2>
        <div class="actions" data-testid="actions">{actions}</div>
        <h2 class="heading-l">{lang.pick("申请人黑名单", "Applicant's blacklist")}</h2>
        {blacklist}
        <h2 class="heading-l">{lang.pick("申请人审计记录", "Applicant's audit trail")}</h2>
        <div class="table-wrap">
            <table class="table" data-testid="audit">
                <caption class="visually-hidden">{lang.pick("审计记录", "Audit trail")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("时间", "When")}</th>
                        <th scope="col">{lang.pick("操作人", "Who")}</th>
                        <th scope="col">{lang.pick("操作", "What")}</th>
                        <th scope="col">{lang.pick("内容", "Detail")}</th>
                        <th scope="col">{lang.pick("来源地址", "From")}</th>
                    </tr>
                </thead>
                <tbody>{audit}</tbody>
            </table>
        </div>
    }
}
