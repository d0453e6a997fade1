//! Document applications for the applicant (补换领牌证/延期业务): what they
//! may apply for, and each application's status history. The form itself is
//! in [`super::apply`].

use crate::domain::date::cst_date_time;
use crate::domain::violation::yuan_text;
use crate::domain::ServiceCode;
use crate::features::applications::{
    active_until, applications_overview, my_application, DeleteApplicationDraft, DraftSummary,
    MAX_DRAFTS,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

const PAGE_PATH: &str = "/account/applications";

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (page, deleted) =
        use_query_map().with_untracked(|q| (q.get("page"), q.get("draft_deleted").is_some()));
    let data = Resource::new_blocking(move || page.clone(), applications_overview);
    let done = deleted.then(|| Text::new("草稿已删除。", "The draft is deleted."));
    view! {
        <Page title_zh="补换领牌证和延期业务" title_en="Documents and deferrals">
            <AccountNav lang current=PAGE_PATH />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![DeleteApplicationDraft::PATH] />
            {when_loaded(lang, data, overview_view)}
        </Page>
    }
}

/// The drafts not yet submitted (草稿), each to go on with or delete.
fn drafts_view(lang: Lang, drafts: Vec<DraftSummary>) -> Option<AnyView> {
    if drafts.is_empty() {
        return None;
    }
    let count = match lang {
        Lang::Zh => format!(
            "您有{}份未提交的草稿（最多保存{MAX_DRAFTS}份）。",
            drafts.len()
        ),
        Lang::En => format!(
            "You have {} unsubmitted drafts (at most {MAX_DRAFTS} are kept).",
            drafts.len()
        ),
    };
    let rows = drafts
        .into_iter()
        .map(|d| {
            let service = lang.pick(d.service.zh(), d.service.en()).to_string();
            let href = format!("/account/apply/{}?draft={}", d.service.code(), d.draft_id);
            view! {
                <tr>
                    <td data-label=lang.pick("业务", "Service")>{service}</td>
                    <td data-label=lang.pick("保存时间", "Saved")>{cst_date_time(d.updated_at_ms)}</td>
                    <td data-label=lang.pick("操作", "Actions")>
                        <a href=href>{lang.pick("继续填写", "Continue")}</a>
                        <form class="inline-form" method="post" action=DeleteApplicationDraft::PATH>
                            <input type="hidden" name="draft" value=d.draft_id.to_string() />
                            <button class="button button--secondary button--small" type="submit">{lang.pick("删除草稿", "Delete draft")}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    Some(
        view! {
            <h2 class="heading-l" id="drafts">{lang.pick("未提交的草稿", "Unsubmitted drafts")}</h2>
            <p>{count}</p>
            <div class="table-wrap">
                <table class="table" data-testid="drafts">
                    <caption class="visually-hidden">{lang.pick("未提交的草稿", "Unsubmitted drafts")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{lang.pick("业务", "Service")}</th>
                            <th scope="col">{lang.pick("保存时间", "Saved")}</th>
                            <th scope="col">{lang.pick("操作", "Actions")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any(),
    )
}

fn overview_view(lang: Lang, o: crate::features::applications::MyApplications) -> impl IntoView {
    let today = today();
    let banner = active_until(&o.blacklist, today).map(|until| {
        let causes = o
            .blacklist
            .iter()
            .filter(|e| e.is_active(today))
            .map(|e| e.cause_text().get(lang).to_string())
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "));
        view! {
            <div class="notice notice--warning" role="alert" data-testid="blacklist">
                <h2 class="heading-m">{lang.pick("您已被列入黑名单", "You are on the blacklist")}</h2>
                <p>
                    {match lang {
                        Lang::Zh => format!("原因：{causes}。{until}前不能在网上申请补牌换证业务，请到车辆管理所窗口办理。"),
                        Lang::En => format!("Because {causes}. Until {until} you cannot apply online to replace or renew plates and licences; apply at a vehicle management office."),
                    }}
                </p>
                <p><a href="/account/blacklist">{lang.pick("查看详情或提出申诉", "See the details or appeal")}</a></p>
            </div>
        }
    });
    let services = o
        .services
        .into_iter()
        .map(|(s, refusal)| {
            let name = lang.pick(s.zh(), s.en()).to_string();
            match refusal {
                None => view! {
                    <li class="service-list__item">
                        <span class="service-list__code">{s.code()}</span>
                        <a class="service-list__name" href=format!("/account/apply/{}", s.code())>{name}</a>
                    </li>
                }
                .into_any(),
                Some(r) => view! {
                    <li class="service-list__item service-list__item--refused">
                        <span class="service-list__code">{s.code()}</span>
                        <span class="service-list__name">{name}</span>
                        <span class="service-list__why">{r.rule.get(lang).to_string()} " " <strong>{r.remedy.get(lang).to_string()}</strong></span>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    let pager = pager(lang, &o.items, ("我的申请", "My applications"), |n| {
        page_href(PAGE_PATH, &[], "page", n)
    });
    let items = if o.items.items.is_empty() {
        view! { <p>{lang.pick("您还没有办理过业务。", "You have no applications yet.")}</p> }
            .into_any()
    } else {
        let rows = o
            .items
            .items
            .into_iter()
            .map(|a| {
                view! {
                    <tr>
                        <td data-label=lang.pick("业务流水号", "Number")><a href=format!("/account/applications/{}", a.application_no)>{a.application_no.clone()}</a></td>
                        <td data-label=lang.pick("业务", "Service")>{lang.pick(a.service.zh(), a.service.en()).to_string()}</td>
                        <td data-label=lang.pick("机动车/驾驶证", "Vehicle / licence")>{a.subject_label.clone()}</td>
                        <td data-label=lang.pick("状态", "Status")>{lang.pick(a.status.zh(), a.status.en()).to_string()}</td>
                        <td data-label=lang.pick("申请时间", "Applied")>{cst_date_time(a.created_at_ms)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table" data-testid="applications">
                    <caption class="visually-hidden">{lang.pick("我的申请", "My applications")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{lang.pick("业务流水号", "Number")}</th>
                            <th scope="col">{lang.pick("业务", "Service")}</th>
                            <th scope="col">{lang.pick("机动车/驾驶证", "Vehicle / licence")}</th>
                            <th scope="col">{lang.pick("状态", "Status")}</th>
                            <th scope="col">{lang.pick("申请时间", "Applied")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {banner}
        <h2 class="heading-l">{lang.pick("我的申请", "My applications")}</h2>
        {items}
        {pager}
        {drafts_view(lang, o.drafts)}
        <h2 class="heading-l">{lang.pick("申请办理", "Apply")}</h2>
        <ul class="service-list" data-testid="application-services">{services}</ul>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let no = use_params_map().with_untracked(|p| p.get("no").unwrap_or_default());
    let (submitted, already) = use_query_map()
        .with_untracked(|q| (q.get("submitted").is_some(), q.get("already").is_some()));
    let data = Resource::new_blocking(move || no.clone(), my_application);
    view! {
        <Page title_zh="业务详情" title_en="Application">
            <AccountNav lang current="/account/applications" />
            {when_loaded(lang, data, move |lang, d| detail_view(lang, d, submitted, already))}
            <p><a href="/account/applications">{lang.pick("返回我的申请", "Back to my applications")}</a></p>
        </Page>
    }
}

/// The application's facts and history, for the applicant and the clerk.
pub fn application_facts(
    lang: Lang,
    d: &crate::features::applications::ApplicationDetail,
) -> impl IntoView {
    let row = summary_row(lang);
    let s = &d.summary;
    let service: ServiceCode = s.service;
    let steps = d
        .steps
        .iter()
        .map(|step| {
            view! {
                <li class="timeline__item">
                    <strong>{lang.pick(step.status.zh(), step.status.en()).to_string()}</strong>
                    <span class="caption">" " {cst_date_time(step.at_ms)}</span>
                    {(!step.note.is_empty()).then(|| view! { <p>{step.note.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <dl class="summary-list">
            {row("业务流水号", "Application number", s.application_no.clone())}
            {row("业务", "Service", lang.pick(service.zh(), service.en()).to_string())}
            {row("办理对象", "Vehicle or licence", s.subject_label.clone())}
            {row("申请人", "Applicant", s.applicant.clone())}
            {row("当前状态", "Status", lang.pick(s.status.zh(), s.status.en()).to_string())}
            {s.fulfilment.map(|f| row("领取方式", "Delivery", lang.pick(f.zh(), f.en()).to_string()))}
            {d.address.clone().map(|a| row("收件信息", "Post to", format!("{} {} {}", d.recipient.clone().unwrap_or_default(), d.recipient_phone.clone().unwrap_or_default(), a)))}
            {d.new_date.map(|n| row("延期至", "Deferred until", n.to_string()))}
            {d.physical_exam.clone().map(|e| row("体检结果", "Examination", match lang {
                Lang::Zh => format!("{}于{}体检合格，身体条件证明编号{}", e.hospital, e.examined_on, e.certificate_no),
                Lang::En => format!("Fit, examined by {} on {}, certificate {}", e.hospital, e.examined_on, e.certificate_no),
            }))}
            {row("工本费", "Production fee", format!("¥{}", yuan_text(d.fee_fen)))}
            {(d.postage_fen > 0).then(|| row("邮递费（到付）", "Postage (on delivery)", format!("¥{}", yuan_text(d.postage_fen))))}
            {d.pickup_deadline.map(|p| row("领取期限", "Collect by", p.to_string()))}
            {(d.refused_deliveries > 0).then(|| row("拒收次数", "Deliveries refused", d.refused_deliveries.to_string()))}
            {d.reject_reason.clone().filter(|r| !r.is_empty()).map(|r| row("退办原因", "Why rejected", r))}
        </dl>
        <h2 class="heading-m">{lang.pick("办理进度", "Progress")}</h2>
        <ol class="timeline" data-testid="progress">{steps}</ol>
    }
}

fn detail_view(
    lang: Lang,
    d: crate::features::applications::ApplicationDetail,
    submitted: bool,
    already: bool,
) -> impl IntoView {
    let no = d.summary.application_no.clone();
    // Back to a draft that was already submitted leads here.
    let already_note = (already && !submitted).then(|| {
        view! {
            <div class="inset" role="status" tabindex="-1" autofocus>
                <p>
                    {lang.pick("这份申请已经提交，不能再次提交。业务流水号", "This application has already been submitted and cannot be submitted again. Application number")}
                    " " <strong data-testid="application-no">{no.clone()}</strong>
                </p>
                <p>{lang.pick("以下是它的办理进度。", "Its progress is below.")}</p>
            </div>
        }
    });
    let confirmation = submitted.then(|| {
        view! {
            <div class="panel--confirmation" role="status" tabindex="-1" autofocus>
                <p class="panel__title">{lang.pick("申请已提交", "Application submitted")}</p>
                <p class="panel__body">{lang.pick("业务流水号", "Application number")} " " <strong data-testid="application-no">{no.clone()}</strong></p>
            </div>
            <p>{lang.pick("我们会通过短信和消息中心告诉您每一步进展。", "We will tell you of every step by SMS and in your messages.")}</p>
        }
    });
    let pickup = (d.summary.status == crate::domain::application::ApplicationStatus::ReadyForPickup).then(|| {
        view! {
            <div class="inset">
                {match lang {
                    Lang::Zh => format!("请于{}前携带身份证明到{}领取。", d.pickup_deadline.map(|p| p.to_string()).unwrap_or_default(), centre_address(lang)),
                    Lang::En => format!("Collect before {} at {}, bringing your identity document.", d.pickup_deadline.map(|p| p.to_string()).unwrap_or_default(), centre_address(lang)),
                }}
            </div>
        }
    });
    view! {
        {already_note}
        {confirmation}
        {pickup}
        {application_facts(lang, &d)}
    }
}

/// Where documents are collected, from the configuration.
fn centre_address(lang: Lang) -> String {
    crate::ui::profile()
        .collection_centre()
        .map(|c| lang.pick(&c.address_zh, &c.address_en).to_string())
        .unwrap_or_default()
}
