//! Sharing my licence (驾驶证信息分享): the holder makes a code for a named
//! party that lets them check the licence's status and points on the
//! public check page for up to 21 days, sees every use, and revokes a code
//! at once. Plain forms (no WASM).

use crate::domain::date::cst_date_time;
use crate::domain::share_code::{ShareState, VALIDITY_DAYS};
use crate::features::licence_sharing::{
    my_share_codes, CreateShareCode, RevokeShareCode, ShareCodeRow, SharePage,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    server_problem, typed, typed_values, ErrorSummary, RadioGroup, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, DoneBanner, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The public page where a code is used.
pub const CHECK_PAGE: &str = "/licence-check";

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| {
        if q.get("created").is_some() {
            Some(Text::new(
                "分享码已生成（见下方列表第一个）。请把分享码和您驾驶证号的后4位告诉对方。",
                "The share code is made (first in the list below). Give it to the party together with the last four characters of your licence number.",
            ))
        } else if q.get("revoked").is_some() {
            Some(Text::new(
                "分享码已撤销，对方不能再用它核查。",
                "The code is revoked: it can no longer be used to check your licence.",
            ))
        } else {
            None
        }
    })
}

#[component]
pub fn LicenceSharePage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| my_share_codes());
    view! {
        <Page title_zh="分享驾驶证信息" title_en="Share my licence">
            <AccountNav lang current="/account/licence" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![RevokeShareCode::PATH] />
            <p>{lang.pick(
                "用人单位、汽车租赁公司等需要核实您的驾驶证时，可以为对方生成分享码。对方在“驾驶证信息核查”页输入分享码和您驾驶证号的后4位，即可看到持证人姓名、驾驶证号（部分隐去）、准驾车型、状态、有效期和本记分周期的记分，看不到其他信息。每次核查都记录在下方，您可以随时撤销。",
                "When an employer or a car-rental desk needs to check your licence, make them a share code. On the licence check page they enter it with the last four characters of your licence number and see your name, the masked licence number, the class, status, validity and this cycle's points, nothing else. Every check is listed below, and you can revoke a code at any time.",
            )}</p>
            <p><a href=CHECK_PAGE>{lang.pick("驾驶证信息核查页", "The licence check page")}</a></p>
            {when_loaded(lang, data, view_of)}
        </Page>
    }
}

fn view_of(lang: Lang, page: SharePage) -> AnyView {
    let form = if page.licence_bound {
        create_form(lang).into_any()
    } else {
        view! {
            <p>{lang.pick("绑定本人驾驶证后才能分享。", "Bind your licence to share it.")}
                " " <a href="/account/licence">{lang.pick("去绑定", "Bind it")}</a></p>
        }
        .into_any()
    };
    view! {
        <h2 class="heading-l">{lang.pick("生成分享码", "Make a share code")}</h2>
        {form}
        <h2 class="heading-l">{lang.pick("我的分享码", "My share codes")}</h2>
        {list(lang, page.codes)}
    }
    .into_any()
}

fn create_form(lang: Lang) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(CreateShareCode::PATH));
    let values = typed_values();
    let labels = vec![
        ("party", Text::new("分享给谁", "Who it is for")),
        ("days", Text::new("有效期", "Valid for")),
    ];
    let days = typed(&values, "days");
    if days.get_untracked().is_empty() {
        days.set("21".into());
    }
    let options = VALIDITY_DAYS
        .iter()
        .map(|d| {
            let code: &'static str = match d {
                1 => "1",
                7 => "7",
                _ => "21",
            };
            (code, Text::new(format!("{d}天"), format!("{d} days")))
        })
        .collect();
    view! {
        <form class="form" method="post" action=CreateShareCode::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField lang name="party" label=labels[0].1.clone() value=typed(&values, "party")
                hint=Text::new("例如：某某汽车租赁公司。最多30个字", "Such as a car-rental firm. At most 30 characters")
                server_error=server_problem(error, "party") width_class="input--w20" autocomplete="off" />
            <RadioGroup lang name="days" legend=labels[1].1.clone() options value=days
                server_error=server_problem(error, "days") />
            <button class="button" type="submit">{lang.pick("生成分享码", "Make the code")}</button>
        </form>
    }
}

fn list(lang: Lang, codes: Vec<ShareCodeRow>) -> AnyView {
    if codes.is_empty() {
        return view! { <p>{lang.pick("您还没有生成分享码。", "You have made no share code yet.")}</p> }
            .into_any();
    }
    codes
        .into_iter()
        .map(|c| code_card(lang, c))
        .collect_view()
        .into_any()
}

fn code_card(lang: Lang, c: ShareCodeRow) -> impl IntoView {
    let row = summary_row(lang);
    let state = match c.revoked_at_ms {
        Some(at) => format!(
            "{}（{}）",
            lang.pick(c.state.zh(), c.state.en()),
            cst_date_time(at)
        ),
        None => lang.pick(c.state.zh(), c.state.en()).to_string(),
    };
    let uses = if c.uses.is_empty() {
        view! { <p>{lang.pick("尚未被使用。", "Not used yet.")}</p> }.into_any()
    } else {
        let items = c
            .uses
            .iter()
            .map(|u| view! { <li>{format!("{} · {}", cst_date_time(u.at_ms), u.checker)}</li> })
            .collect_view();
        view! { <ul class="list--bullet">{items}</ul> }.into_any()
    };
    let heading = format!("{} · {}", c.code, c.party);
    let revoke = (c.state == ShareState::Active).then(|| {
        view! {
            <form method="post" action=RevokeShareCode::PATH class="inline-form">
                <input type="hidden" name="id" value=c.id.to_string() />
                <button class="button button--warning button--small" type="submit">
                    {lang.pick("撤销", "Revoke")}
                    <span class="visually-hidden">{format!(" {}", c.code)}</span>
                </button>
            </form>
        }
    });
    view! {
        <section class="share-code" data-testid="share-code" aria-label=heading.clone()>
            <h3 class="heading-s"><span class="share-code__code">{c.code.clone()}</span>" · "{c.party.clone()}</h3>
            <dl class="summary-list">
                {row("状态", "Status", state)}
                {row("生成时间", "Made", cst_date_time(c.created_at_ms))}
                {row("有效期至", "Valid until", cst_date_time(c.expires_at_ms))}
            </dl>
            <h4 class="heading-s">{match lang {
                Lang::Zh => format!("使用记录（{}次）", c.uses.len()),
                Lang::En => format!("Uses ({})", c.uses.len()),
            }}</h4>
            {uses}
            {revoke}
        </section>
    }
}
