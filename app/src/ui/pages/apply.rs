//! The application form (申请表) for a document service: who may apply,
//! the fee, pick-up or postal delivery (领取方式), then the check-your-answers
//! step before it is submitted.

use crate::domain::application::DeferralReason;
use crate::domain::fulfilment::Fulfilment;
use crate::domain::violation::yuan_text;
use crate::features::applications::{
    application_form, load_application_draft, ApplicationDraft, ApplicationInput,
    ConfirmApplication, SaveApplicationDraft, MAX_DRAFTS,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{group_class, server_problem, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ApplyPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let draft =
        use_query_map().with_untracked(|q| q.get("draft").and_then(|d| d.parse::<i64>().ok()));
    // A saved draft carries the options, what was typed and its problems.
    let data = Resource::new_blocking(
        move || (code.clone(), draft),
        |(code, draft)| async move {
            match draft {
                Some(id) => load_application_draft(id).await,
                None => application_form(code)
                    .await
                    .map(|options| ApplicationDraft {
                        draft_id: 0,
                        options,
                        input: ApplicationInput::default(),
                        problems: None,
                    }),
            }
        },
    );
    view! {
        <Page title_zh="申请办理" title_en="Apply">
            <AccountNav lang current="/account/applications" />
            <PostedError lang paths=vec![SaveApplicationDraft::PATH] />
            {when_loaded(lang, data, apply_view)}
        </Page>
    }
}

fn apply_view(lang: Lang, draft: ApplicationDraft) -> impl IntoView {
    let options = draft.options.clone();
    let service = options.service;
    let heading =
        view! { <h2 class="heading-l">{lang.pick(service.zh(), service.en()).to_string()}</h2> };
    if let Some(r) = &options.refusal {
        return view! {
            {heading}
            <div class="inset" data-testid="refusal">
                <p>{r.rule.get(lang).to_string()}</p>
                <p><strong>{r.remedy.get(lang).to_string()}</strong></p>
            </div>
            <p><a href="/account/applications">{lang.pick("返回", "Back")}</a></p>
        }
        .into_any();
    }
    if options.subjects.is_empty() {
        let what = if service.is_vehicle_service() {
            lang.pick(
                "请先绑定本人名下的机动车。",
                "Bind a vehicle in your name first.",
            )
        } else {
            lang.pick("请先绑定本人驾驶证。", "Bind your driving licence first.")
        };
        let href = if service.is_vehicle_service() {
            "/account/vehicles"
        } else {
            "/account/licence"
        };
        return view! {
            {heading}
            <p>{what} " " <a href=href>{lang.pick("去绑定", "Bind it")}</a></p>
        }
        .into_any();
    }
    // Nothing here can be applied for online: say why and what to do
    // instead, and show no form.
    if options.subjects.iter().all(|s| s.refusal.is_some()) {
        let refusals = options
            .subjects
            .iter()
            .filter_map(|s| s.refusal.clone().map(|r| (s.label.clone(), r)))
            .map(|(label, r)| {
                view! {
                    <div class="inset" data-testid="refusal">
                        <p><strong>{label}</strong></p>
                        <p>{r.rule.get(lang).to_string()}</p>
                        <p><strong>{r.remedy.get(lang).to_string()}</strong></p>
                    </div>
                }
            })
            .collect_view();
        return view! {
            {heading}
            {refusals}
            <p><a href="/account/applications">{lang.pick("返回", "Back")}</a></p>
        }
        .into_any();
    }
    // A new form when no new draft can be kept: said before anything is
    // typed (the server refuses such a draft too).
    if draft.draft_id == 0 && options.drafts >= MAX_DRAFTS {
        return view! {
            {heading}
            <div class="notice notice--warning" role="alert" data-testid="drafts-full">
                <p>
                    {match lang {
                        Lang::Zh => format!("您已有{}份未提交的草稿，最多只能保存{MAX_DRAFTS}份，不能再新建申请。请先继续填写并提交已有的草稿，或删除不需要的草稿。", options.drafts),
                        Lang::En => format!("You already have {} unsubmitted drafts, the most that can be kept is {MAX_DRAFTS}, so no new application can be started. Finish and submit a draft you have, or delete one you do not need.", options.drafts),
                    }}
                </p>
                <p><a href="/account/applications#drafts">{lang.pick("查看我的草稿", "See my drafts")}</a></p>
            </div>
        }
        .into_any();
    }
    let notices = options
        .subjects
        .iter()
        .filter(|s| s.refusal.is_none())
        .filter_map(|s| s.notice.clone())
        .map(|n| {
            view! {
                <div class="notice" data-testid="notice">
                    <p>{n.get(lang).to_string()}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        {heading}
        {notices}
        {application_form_view(lang, draft)}
    }
    .into_any()
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("subject", Text::new("办理对象", "Vehicle or licence")),
        ("reason", Text::new("延期理由", "Reason")),
        ("new_date", Text::new("延期至", "Defer until")),
        (
            "fulfilment",
            Text::new("领取方式", "How you receive the documents"),
        ),
        ("recipient", Text::new("收件人姓名", "Recipient's name")),
        (
            "recipient_phone",
            Text::new("收件人手机号码", "Recipient's mobile number"),
        ),
        ("address", Text::new("收件地址", "Postal address")),
    ]
}

/// Radio buttons for dynamic values, rendered on the server.
fn radios(
    name: &'static str,
    chosen: &str,
    items: Vec<(String, String, Option<String>, bool)>,
) -> impl IntoView {
    items
        .into_iter()
        .map(|(value, label, note, disabled)| {
            let id = format!("{name}-{}", value.replace(':', "-"));
            let checked = value == chosen;
            view! {
                <div class="radios__item">
                    <input class="radios__input" type="radio" id=id.clone() name=name value=value checked=checked disabled=disabled />
                    <label class="radios__label" for=id>
                        {label}
                        {note.map(|n| view! { <span class="hint">" — " {n}</span> })}
                    </label>
                </div>
            }
        })
        .collect_view()
}

/// The application form, rendered on the server: it posts a draft, so it
/// works without JavaScript and nothing typed is lost when something is
/// wrong — the page comes back with the problems beside the fields.
fn application_form_view(lang: Lang, draft: ApplicationDraft) -> impl IntoView {
    let ApplicationDraft {
        draft_id,
        options,
        input,
        problems,
    } = draft;
    let labels = labels();
    let error = Signal::stored(problems);
    let service = options.service;
    let field_error = move |field: &'static str| {
        server_problem(error, field)
            .get()
            .map(|m| m.get(lang).to_string())
    };
    let subjects = options
        .subjects
        .iter()
        .map(|s| {
            let past = s.current_due.is_some_and(|d| d < today());
            let mut note = s.current_due.map(|d| match (lang, past) {
                (Lang::Zh, false) => format!("原定日期{d}"),
                (Lang::Zh, true) => format!("原定日期{d}，已过期"),
                (Lang::En, false) => format!("currently due {d}"),
                (Lang::En, true) => format!("was due {d}, now overdue"),
            });
            if let Some(r) = &s.refusal {
                note = Some(r.rule.get(lang).to_string());
            }
            (s.key.clone(), s.label.clone(), note, s.refusal.is_some())
        })
        .collect::<Vec<_>>();
    let only = (subjects.len() == 1 && !subjects[0].3).then(|| subjects[0].0.clone());
    let chosen_subject = if input.subject.is_empty() {
        only.unwrap_or_default()
    } else {
        input.subject.clone()
    };
    let reasons = DeferralReason::ALL
        .iter()
        .map(|r| {
            (
                r.code().to_string(),
                lang.pick(r.zh(), r.en()).to_string(),
                None,
                false,
            )
        })
        .collect::<Vec<_>>();
    let ways = [Fulfilment::SelfPickup, Fulfilment::Post]
        .into_iter()
        .map(|f| {
            (
                f.code().to_string(),
                lang.pick(f.zh(), f.en()).to_string(),
                None,
                false,
            )
        })
        .collect::<Vec<_>>();
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let fees = match lang {
        Lang::Zh => format!(
            "工本费{}元{}。选择邮递的，另收邮递费{}元，签收时一并向邮政人员支付。",
            yuan_text(options.fee_fen),
            if options.fee_fen > 0 { "（自取时在窗口缴纳）" } else { "" },
            yuan_text(options.postage_fen)
        ),
        Lang::En => format!(
            "Production fee {} yuan{}. By post, postage of {} yuan is added; pay both to the courier on delivery.",
            yuan_text(options.fee_fen),
            if options.fee_fen > 0 { " (paid at the counter if you collect)" } else { "" },
            yuan_text(options.postage_fen)
        ),
    };
    let deferral = options.is_deferral.then(|| {
        view! {
            <div class=group_class(field_error("reason").is_some())>
                <fieldset class="fieldset" id="reason">
                    <legend class="fieldset__legend">{labels[1].1.get(lang).to_string()}</legend>
                    <p class="error-message">{field_error("reason")}</p>
                    <div class="radios">{radios("reason", input.reason.as_deref().unwrap_or(""), reasons)}</div>
                </fieldset>
            </div>
            <TextField lang name="new_date" label=labels[2].1.clone()
                hint=Text::new(
                    format!("按“年-月-日”填写，例如{}。延期换证、延期审验最长3年，延期提交身体条件证明最长1年", today().add_days(180)),
                    format!("As year-month-day, for example {}. Renewal and review: at most 3 years; physical certificate: at most 1 year", today().add_days(180)),
                )
                value=text(&input.new_date) server_error=server_problem(error, "new_date") width_class="input--w10" />
        }
        .into_any()
    });
    let pickup = options.pickup_address.clone();
    let fulfilment = options.offers_fulfilment.then(|| {
        view! {
            <div class=group_class(field_error("fulfilment").is_some())>
                <fieldset class="fieldset" id="fulfilment">
                    <legend class="fieldset__legend">{labels[3].1.get(lang).to_string()}</legend>
                    <div class="hint">
                        {match lang {
                            Lang::Zh => format!("自取：制证完成后一个月内到互联网业务办理中心（{}）领取，逾期未领将被列入黑名单6个月。邮递：邮件拒收3次将被列入黑名单6个月。", pickup.zh),
                            Lang::En => format!("Collect: within one month of the documents being made, at the internet business centre ({}); not collecting blacklists you for 6 months. Post: refusing delivery 3 times blacklists you for 6 months.", pickup.en),
                        }}
                    </div>
                    <p class="error-message">{field_error("fulfilment")}</p>
                    <div class="radios">{radios("fulfilment", input.fulfilment.as_deref().unwrap_or(""), ways)}</div>
                </fieldset>
            </div>
            <fieldset class="fieldset">
                <legend class="fieldset__legend">{lang.pick("邮寄信息（选择邮递时填写）", "Postal details (for postal delivery)")}</legend>
                <TextField lang name="recipient" label=labels[4].1.clone() value=text(&input.recipient) server_error=server_problem(error, "recipient") autocomplete="name" width_class="input--w10" />
                <TextField lang name="recipient_phone" label=labels[5].1.clone() value=text(&input.recipient_phone) server_error=server_problem(error, "recipient_phone") input_type="tel" inputmode="tel" autocomplete="tel" width_class="input--w10" />
                <TextField lang name="address" label=labels[6].1.clone() hint=Text::new("省、市、区县、街道和门牌号", "Province, city, district, street and number") value=text(&input.address) server_error=server_problem(error, "address") autocomplete="street-address" />
            </fieldset>
        }
        .into_any()
    });
    let returns = options.documents_to_return.clone().map(|t| {
        view! {
            <div class="inset">
                <strong>{lang.pick("需返还的资料：", "Hand back: ")}</strong>
                {t.get(lang).to_string()}
                {lang.pick("（邮递时交给邮政人员，自取时带到窗口）", " (to the courier, or at the counter when you collect)")}
            </div>
        }
    });
    view! {
        <ErrorSummary lang error labels=labels.clone() />
        <form class="form" method="post" action=SaveApplicationDraft::PATH novalidate>
            <input type="hidden" name="service" value=service.code() />
            {(draft_id > 0).then(|| view! { <input type="hidden" name="draft" value=draft_id.to_string() /> })}
            <div class=group_class(field_error("subject").is_some())>
                <fieldset class="fieldset" id="subject">
                    <legend class="fieldset__legend">{labels[0].1.get(lang).to_string()}</legend>
                    <p class="error-message">{field_error("subject")}</p>
                    <div class="radios">{radios("subject", &chosen_subject, subjects)}</div>
                </fieldset>
            </div>
            {deferral}
            {fulfilment}
            {returns}
            <p class="lead" data-testid="fees">{fees}</p>
            <button class="button" type="submit">{lang.pick("继续", "Continue")}</button>
        </form>
    }
}

/// Check your answers (请核对您的申请) before submitting a draft.
#[component]
pub fn CheckApplicationPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let draft =
        use_query_map().with_untracked(|q| q.get("draft").and_then(|d| d.parse::<i64>().ok()));
    let data = Resource::new_blocking(move || draft, |d| load_application_draft(d.unwrap_or(-1)));
    view! {
        <Page title_zh="请核对您的申请" title_en="Check your answers">
            <AccountNav lang current="/account/applications" />
            <PostedError lang paths=vec![ConfirmApplication::PATH] />
            {when_loaded(lang, data, check_view)}
        </Page>
    }
}

fn check_view(lang: Lang, draft: ApplicationDraft) -> impl IntoView {
    let options = &draft.options;
    let service = options.service;
    let input = &draft.input;
    let edit = format!("/account/apply/{}?draft={}", service.code(), draft.draft_id);
    if draft.problems.is_some() {
        return view! {
            <p>{lang.pick("申请还有需要修改的地方。", "Some answers still need changing.")} " " <a href=edit>{lang.pick("返回修改", "Change them")}</a></p>
        }
        .into_any();
    }
    let row = summary_row(lang);
    let subject = options
        .subjects
        .iter()
        .find(|s| s.key == input.subject)
        .map(|s| s.label.clone())
        .unwrap_or_default();
    let post = input.fulfilment.as_deref() == Some(Fulfilment::Post.code());
    let mut fees = format!("¥{}", yuan_text(options.fee_fen));
    if post {
        fees = match lang {
            Lang::Zh => format!(
                "工本费¥{}，邮递费¥{}（签收时支付）",
                yuan_text(options.fee_fen),
                yuan_text(options.postage_fen)
            ),
            Lang::En => format!(
                "fee ¥{}, postage ¥{} (paid on delivery)",
                yuan_text(options.fee_fen),
                yuan_text(options.postage_fen)
            ),
        };
    }
    view! {
        <h2 class="heading-l">{lang.pick(service.zh(), service.en()).to_string()}</h2>
        <dl class="summary-list" data-testid="check-answers">
            {row("办理对象", "Vehicle or licence", subject)}
            {options.is_deferral.then(|| row("延期理由", "Reason", input.reason.as_deref().and_then(DeferralReason::from_code).map(|r| lang.pick(r.zh(), r.en()).to_string()).unwrap_or_default()))}
            {options.is_deferral.then(|| row("延期至", "Defer until", input.new_date.clone().unwrap_or_default()))}
            {options.offers_fulfilment.then(|| row("领取方式", "Delivery", input.fulfilment.as_deref().and_then(Fulfilment::from_code).map(|f| lang.pick(f.zh(), f.en()).to_string()).unwrap_or_default()))}
            {post.then(|| row("收件人姓名", "Recipient", input.recipient.clone().unwrap_or_default()))}
            {post.then(|| row("收件人手机号码", "Recipient's phone", input.recipient_phone.clone().unwrap_or_default()))}
            {post.then(|| row("收件地址", "Address", input.address.clone().unwrap_or_default()))}
            {row("费用", "Fees", fees)}
        </dl>
        <p><a href=edit>{lang.pick("返回修改", "Change my answers")}</a></p>
        <form method="post" action=ConfirmApplication::PATH>
            <input type="hidden" name="draft" value=draft.draft_id.to_string() />
            <p>{lang.pick("提交即表示您确认以上信息真实有效。", "By submitting you confirm these answers are true.")}</p>
            <button class="button" type="submit">{lang.pick("提交申请", "Submit the application")}</button>
        </form>
    }
    .into_any()
}
