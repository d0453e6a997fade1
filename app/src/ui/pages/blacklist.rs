//! My blacklist entries (黑名单) and appeals (申诉): why and until when,
//! an appeal with my reason for an entry in force, and the decision with
//! its reason. Plain forms, no WASM.

use crate::domain::date::cst_date_time;
use crate::features::supervision::{my_blacklist, AppealBlacklist, MyBlacklistEntry};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BlacklistPage() -> impl IntoView {
    let lang = use_lang();
    require_login_redirect();
    let appealed = use_query_map().with_untracked(|q| q.get("appealed").is_some());
    let data = Resource::new_blocking(|| (), |_| my_blacklist());
    view! {
        <Page title_zh="黑名单与申诉" title_en="Blacklist and appeals">
            <AccountNav lang current="/account/applications" />
            <DoneBanner lang text=appealed.then(|| Text::new(
                "申诉已提交，审核民警处理后将通过站内消息和短信告知结果。",
                "Your appeal was filed. You will get the decision by message and SMS.",
            )) />
            <PostedError lang paths=vec![AppealBlacklist::PATH] />
            {when_loaded(lang, data, entries)}
        </Page>
    }
}

fn entries(lang: Lang, list: Vec<MyBlacklistEntry>) -> AnyView {
    if list.is_empty() {
        return view! { <p data-testid="no-blacklist">{lang.pick("您没有黑名单记录。", "You have no blacklist entries.")}</p> }.into_any();
    }
    view! {
        <p class="lead">{lang.pick(
            "邮寄的牌证累计被拒收3次，或到期未领取，会在6个月内不能网上申请补换领牌证。如有正当理由，可以申诉。",
            "After three refused deliveries, or documents not collected in time, you cannot apply online for six months. If you had a good reason, you can appeal.",
        )}</p>
        <ul class="plain-list">{list.into_iter().map(|e| entry(lang, e)).collect_view()}</ul>
    }
    .into_any()
}

fn entry(lang: Lang, e: MyBlacklistEntry) -> impl IntoView {
    let heading_id = format!("entry-{}", e.entry.id);
    let waiting = e.appeals.iter().any(|a| a.decision.is_none());
    let state = if let Some(lifted) = &e.entry.lifted {
        format!("{}{}", lang.pick("已解除：", "Lifted: "), lifted)
    } else if e.in_force {
        format!(
            "{}{}",
            lang.pick("有效期至 ", "In force until "),
            e.entry.until
        )
    } else {
        lang.pick("已到期", "Ended").to_string()
    };
    let appeals = e
        .appeals
        .iter()
        .map(|a| {
            let outcome = match &a.decision {
                None => lang.pick("审核中", "Being reviewed").to_string(),
                Some(d) => format!(
                    "{}（{}）{}",
                    if d.lifted {
                        lang.pick("申诉成立，黑名单已解除", "Granted: the entry was lifted")
                    } else {
                        lang.pick("申诉未获支持", "Not granted")
                    },
                    cst_date_time(d.at_ms),
                    format_args!("{}{}", lang.pick("理由：", " Reason: "), d.reason),
                ),
            };
            view! {
                <li data-testid="appeal">
                    <p>{lang.pick("申诉时间：", "Filed: ")}{cst_date_time(a.submitted_at_ms)}</p>
                    <p>{lang.pick("申诉理由：", "Your reason: ")}{a.reason.clone()}</p>
                    <p><strong>{lang.pick("审核结果：", "Decision: ")}{outcome}</strong></p>
                </li>
            }
        })
        .collect_view();
    let form = (e.in_force && !waiting).then(|| {
        let field_id = format!("reason-{}", e.entry.id);
        let hint_id = format!("{field_id}-hint");
        view! {
            <form class="form" method="post" action=AppealBlacklist::PATH novalidate>
                <input type="hidden" name="entry_id" value=e.entry.id.to_string() />
                <div class="form-group">
                    <label class="label" for=field_id.clone()>{lang.pick("申诉理由", "Reason for your appeal")}</label>
                    <p class="hint" id=hint_id.clone()>{lang.pick("如：住院无法签收、地址被错误填写（2至200个字）", "e.g. in hospital, or the address was wrong (2 to 200 characters)")}</p>
                    <textarea class="input textarea" id=field_id name="reason" rows="3" aria-describedby=hint_id required></textarea>
                </div>
                <button class="button" type="submit">{lang.pick("提交申诉", "File the appeal")}</button>
            </form>
        }
    });
    let labelled_by = heading_id.clone();
    view! {
        <li class="card" aria-labelledby=labelled_by>
            <h2 class="card__title" id=heading_id>{e.entry.cause_text().get(lang).to_string()}</h2>
            <p>{lang.pick("列入日期：", "Since: ")}{e.entry.since.to_string()}{"；"}{state}</p>
            {(!e.appeals.is_empty()).then(|| view! {
                <h3>{lang.pick("我的申诉", "My appeals")}</h3>
                <ul class="plain-list">{appeals}</ul>
            })}
            {form}
        </li>
    }
}
