//! The console's account desk and appeal queue: find an account (masked),
//! open its file (recorded for the holder to see), disable or re-enable
//! it (supervisor), and decide blacklist appeals (supervisor). Plain forms.

use crate::domain::date::cst_date_time;
use crate::domain::StaffPower;
use crate::features::paging::ListPage;
use crate::features::supervision::{
    appeal_queue, find_accounts, open_account_file, AccountFile, AccountHit, Appeal, DecideAppeal,
    SetAccountDisabled,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::staff::staff_page;
use crate::ui::pages::window_desk::WindowDesk;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Who may use the account desk: window clerks and supervisors.
const ACCOUNT_DESK: &[StaffPower] = &[StaffPower::ServeAtWindow, StaffPower::DisableAccounts];

#[component]
pub fn AccountSearchPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map().with_untracked(|q| q.get("q").filter(|q| !q.trim().is_empty()));
    let typed = query.clone().unwrap_or_default();
    let data = Resource::new_blocking(
        move || query.clone(),
        |q| async move {
            match q {
                Some(q) => find_accounts(q).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let body = match staff_page(lang, ACCOUNT_DESK) {
        Err(v) => v,
        Ok(_) => view! {
            <form class="form" method="get" action="/staff/accounts" role="search">
                <div class="form-group">
                    <label class="label" for="q">{lang.pick("身份证号码、统一社会信用代码或手机号码", "ID number, credit code or phone number")}</label>
                    <p class="hint" id="q-hint">{lang.pick("查询结果隐去部分号码；打开档案会记录在持有人的“谁查看过我的信息”中。", "Results are masked; opening a file is shown to its holder under “who viewed my record”.")}</p>
                    <input class="input input--w20" id="q" name="q" type="search" value=typed aria-describedby="q-hint" autofocus />
                </div>
                <button class="button" type="submit">{lang.pick("查询", "Search")}</button>
            </form>
            {when_loaded(lang, data, hits)}
        }
        .into_any(),
    };
    view! { <Page title_zh="账户查询" title_en="Find an account">{body}</Page> }
}

fn hits(lang: Lang, found: Option<Vec<AccountHit>>) -> AnyView {
    let Some(list) = found else {
        return ().into_any();
    };
    if list.is_empty() {
        return view! { <p role="status">{lang.pick("没有找到账户。", "No account found.")}</p> }
            .into_any();
    }
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="account-hits">
                <caption class="visually-hidden">{cell("查询结果", "Results")}</caption>
                <thead><tr>
                    <th scope="col">{cell("名称", "Name")}</th>
                    <th scope="col">{cell("证件号码", "Number")}</th>
                    <th scope="col">{cell("手机号码", "Phone")}</th>
                    <th scope="col">{cell("状态", "Status")}</th>
                    <th scope="col">{cell("操作", "Action")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|h| view! {
                        <tr>
                            <td data-label=cell("名称", "Name")>{h.display_name.clone()}{h.unit.then(|| lang.pick("（单位）", " (unit)"))}</td>
                            <td data-label=cell("证件号码", "Number")>{h.number_masked.clone()}</td>
                            <td data-label=cell("手机号码", "Phone")>{h.phone_masked.clone()}</td>
                            <td data-label=cell("状态", "Status")>{if h.disabled { cell("已停用", "Disabled") } else { cell("正常", "Active") }}</td>
                            <td data-label=cell("操作", "Action")><a href=format!("/staff/accounts/{}", h.account_id)>{cell("打开档案", "Open file")}</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn done_text() -> Option<Text> {
    use_query_map().with_untracked(|q| {
        let texts = [
            ("disabled", "账户已停用，其所有登录已退出，并已告知持有人。", "The account was disabled, logged out everywhere, and the holder told."),
            ("enabled", "账户已恢复使用，并已告知持有人。", "The account was enabled and the holder told."),
            ("upgraded", "已转为窗口注册用户，并已告知持有人。", "The account is now window-registered; the holder was told."),
            ("reset", "已向账户手机号码发送验证码，请申请人用它设置新密码。", "A code was sent to the phone on the account; the person sets a new password with it."),
            ("phone", "手机号码已变更，并已通知原号码。", "The phone number was changed and the old number told."),
        ];
        texts
            .iter()
            .find(|(key, ..)| q.get(key).is_some())
            .map(|(_, zh, en)| Text::new(*zh, *en))
    })
}

#[component]
pub fn AccountFilePage() -> impl IntoView {
    let lang = use_lang();
    let id: i64 = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse().ok()))
        .unwrap_or(-1);
    let data = Resource::new_blocking(move || id, open_account_file);
    let body = match staff_page(lang, ACCOUNT_DESK) {
        Err(v) => v,
        Ok(me) => {
            let supervisor = me.may(StaffPower::DisableAccounts);
            let window = me.may(StaffPower::ServeAtWindow);
            view! {
                <DoneBanner lang text=done_text() />
                <PostedError lang paths=crate::ui::pages::window_desk::posted_paths(vec![SetAccountDisabled::PATH]) />
                {when_loaded(lang, data, move |lang, file: AccountFile| view! {
                    {file_view(lang, &file)}
                    {supervisor.then(|| disable_form(lang, &file))}
                    {window.then(|| view! { <WindowDesk lang file=file.clone() /> })}
                })}
                <p><a href="/staff/accounts">{lang.pick("返回账户查询", "Back to the search")}</a></p>
            }
            .into_any()
        }
    };
    view! { <Page title_zh="账户档案" title_en="Account file">{body}</Page> }
}

fn file_view(lang: Lang, f: &AccountFile) -> impl IntoView {
    let row = summary_row(lang);
    let channel = f
        .channel
        .map(|c| lang.pick(c.zh(), c.en()).to_string())
        .unwrap_or_else(|| "—".into());
    view! {
        <dl class="summary-list" data-testid="account-file">
            {row("名称", "Name", f.display_name.clone())}
            {f.id_number.clone().map(|n| row("身份证号码", "ID number", n))}
            {f.credit_code.clone().map(|n| row("统一社会信用代码", "Credit code", n))}
            {row("手机号码", "Phone", f.phone.clone())}
            {row("注册方式", "Registered", channel)}
            {row("注册窗口", "Window", f.window.clone().unwrap_or_else(|| "—".into()))}
            {row("注册时间", "Since", cst_date_time(f.created_at_ms))}
            {row("状态", "Status", match &f.disabled {
                None => lang.pick("正常", "Active").to_string(),
                Some((at, reason)) => format!("{}{}（{}）", lang.pick("已停用：", "Disabled: "), reason, cst_date_time(*at)),
            })}
        </dl>
    }
}

fn disable_form(lang: Lang, f: &AccountFile) -> impl IntoView {
    let id = f.account_id.to_string();
    let disabled = f.disabled.is_some();
    view! {
        <section class="section" aria-labelledby="disable-heading">
            <h2 class="heading-m" id="disable-heading">{if disabled { lang.pick("恢复使用", "Enable the account") } else { lang.pick("停用账户", "Disable the account") }}</h2>
            <form class="form" method="post" action=SetAccountDisabled::PATH novalidate>
                <input type="hidden" name="account_id" value=id />
                <input type="hidden" name="disable" value=if disabled { "0" } else { "1" } />
                <div class="form-group">
                    <label class="label" for="disable-reason">{lang.pick("原因（将告知持有人）", "Reason (the holder is told)")}</label>
                    <textarea class="input textarea" id="disable-reason" name="reason" rows="2" maxlength="200" required></textarea>
                </div>
                <button class=if disabled { "button" } else { "button button--warning" } type="submit">
                    {if disabled { lang.pick("恢复使用", "Enable") } else { lang.pick("停用账户（立即退出所有登录）", "Disable (logs out everywhere at once)") }}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn AppealQueuePage() -> impl IntoView {
    let lang = use_lang();
    let decided = use_query_map().with_untracked(|q| q.get("decided").filter(|d| d == "1"));
    let showing_decided = decided.is_some();
    let decided_one = use_query_map().with_untracked(|q| q.get("decided_one").is_some());
    let page = use_query_map().with_untracked(|q| q.get("page"));
    let data = Resource::new_blocking(
        move || (decided.clone(), page.clone()),
        |(decided, page)| appeal_queue(decided, page),
    );
    let body = match staff_page(lang, &[StaffPower::DecideAppeals]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=decided_one.then(|| Text::new("已作出审核决定，并已告知申诉人。", "The decision was recorded and the appellant told.")) />
            <PostedError lang paths=vec![DecideAppeal::PATH] />
            <nav class="subnav" aria-label=lang.pick("申诉筛选", "Filter appeals")>
                <ul class="subnav__list">
                    <li class="subnav__item"><a class=if showing_decided { "subnav__link" } else { "subnav__link subnav__link--current" } href="/staff/appeals" aria-current=(!showing_decided).then_some("page")>{lang.pick("待审核", "Waiting")}</a></li>
                    <li class="subnav__item"><a class=if showing_decided { "subnav__link subnav__link--current" } else { "subnav__link" } href="/staff/appeals?decided=1" aria-current=showing_decided.then_some("page")>{lang.pick("已审核", "Decided")}</a></li>
                </ul>
            </nav>
            {when_loaded(lang, data, move |lang, list| appeals(lang, list, showing_decided))}
        }
        .into_any(),
    };
    view! { <Page title_zh="黑名单申诉审核" title_en="Blacklist appeals">{body}</Page> }
}

fn appeals(lang: Lang, list: ListPage<Appeal>, decided: bool) -> AnyView {
    if list.items.is_empty() {
        return view! { <p role="status">{lang.pick("没有申诉。", "No appeals.")}</p> }.into_any();
    }
    let keep = [(
        "decided",
        if decided {
            "1".to_string()
        } else {
            String::new()
        },
    )];
    let pager = pager(lang, &list, ("申诉", "Appeals"), |n| {
        page_href("/staff/appeals", &keep, "page", n)
    });
    view! {
        <ul class="plain-list" data-testid="appeals">{list.items.into_iter().map(|a| appeal(lang, a)).collect_view()}</ul>
        {pager}
    }
    .into_any()
}

fn appeal(lang: Lang, a: Appeal) -> impl IntoView {
    let heading = format!("appeal-{}", a.id);
    let entry = crate::features::applications::BlacklistEntry {
        id: a.entry_id,
        application_no: a.application_no.clone(),
        cause: a.cause.clone(),
        since: a.until,
        until: a.until,
        lifted: None,
    };
    let decision = a.decision.clone().map(|d| {
        view! {
            <p><strong>{if d.lifted { lang.pick("申诉成立，已解除黑名单", "Granted: lifted") } else { lang.pick("维持黑名单", "Upheld") }}</strong>
            {format!(" {} · {}", cst_date_time(d.at_ms), d.reason)}</p>
        }
    });
    let form = a.decision.is_none().then(|| {
        let id = a.id.to_string();
        let lift_id = format!("lift-{}", a.id);
        let uphold_id = format!("uphold-{}", a.id);
        let reason_id = format!("decision-reason-{}", a.id);
        view! {
            <form class="form" method="post" action=DecideAppeal::PATH novalidate>
                <input type="hidden" name="appeal_id" value=id />
                <fieldset class="fieldset">
                    <legend class="label">{lang.pick("审核结果", "Decision")}</legend>
                    <div class="radios__item"><input class="radios__input" type="radio" id=lift_id.clone() name="decision" value="lift" /><label class="radios__label" for=lift_id>{lang.pick("申诉成立，解除黑名单", "Grant: lift the entry")}</label></div>
                    <div class="radios__item"><input class="radios__input" type="radio" id=uphold_id.clone() name="decision" value="uphold" /><label class="radios__label" for=uphold_id>{lang.pick("维持黑名单", "Uphold the entry")}</label></div>
                </fieldset>
                <div class="form-group">
                    <label class="label" for=reason_id.clone()>{lang.pick("决定理由（将告知申诉人）", "Reason (the appellant is told)")}</label>
                    <textarea class="input textarea" id=reason_id name="reason" rows="2" maxlength="200"></textarea>
                </div>
                <button class="button" type="submit">{lang.pick("提交审核决定", "Record the decision")}</button>
            </form>
        }
    });
    let labelled_by = heading.clone();
    view! {
        <li class="card" aria-labelledby=labelled_by>
            <h2 class="card__title" id=heading>{format!("{} · {}", a.applicant, a.application_no)}</h2>
            <p>{entry.cause_text().get(lang).to_string()}{format!("；{}{}", lang.pick("有效期至 ", "until "), a.until)}</p>
            <p>{lang.pick("申诉时间：", "Filed: ")}{cst_date_time(a.submitted_at_ms)}</p>
            <p>{lang.pick("申诉理由：", "Reason: ")}{a.reason.clone()}</p>
            {decision}
            {form}
        </li>
    }
}
