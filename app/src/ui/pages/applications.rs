//! Document applications for the applicant (补换领牌证/延期业务): what they
//! may apply for, the application form with fees and a check-your-answers
//! step, the confirmation and the status history.

use crate::api::applications::{
    active_until, application_form, applications_overview, my_application, ApplyOptions,
    SubmitApplication,
};
use crate::domain::application::DeferralReason;
use crate::domain::date::cst_date_time;
use crate::domain::fulfilment::Fulfilment;
use crate::domain::violation::yuan_text;
use crate::domain::ServiceCode;
use crate::error::AppError;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    adopt_typed_value, go_to, group_class, latest_error, server_problem, ErrorSummary, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{form_error_from_url, require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| applications_overview());
    view! {
        <Page title_zh="补换领牌证和延期业务" title_en="Documents and deferrals">
            <AccountNav lang current="/account/applications" />
            {when_loaded(lang, data, overview_view)}
        </Page>
    }
}

fn overview_view(lang: Lang, o: crate::api::applications::MyApplications) -> impl IntoView {
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
    let items = if o.items.is_empty() {
        view! { <p>{lang.pick("您还没有办理过业务。", "You have no applications yet.")}</p> }
            .into_any()
    } else {
        let rows = o
            .items
            .into_iter()
            .map(|a| {
                view! {
                    <tr>
                        <td><a href=format!("/account/applications/{}", a.application_no)>{a.application_no.clone()}</a></td>
                        <td>{lang.pick(a.service.zh(), a.service.en()).to_string()}</td>
                        <td>{a.subject_label.clone()}</td>
                        <td>{lang.pick(a.status.zh(), a.status.en()).to_string()}</td>
                        <td>{cst_date_time(a.created_at_ms)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table" data-testid="applications">
                    <caption class="visually-hidden">{lang.pick("我的业务", "My applications")}</caption>
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
        <h2 class="heading-l">{lang.pick("我的业务", "My applications")}</h2>
        {items}
        <h2 class="heading-l">{lang.pick("申请办理", "Apply")}</h2>
        <ul class="service-list" data-testid="application-services">{services}</ul>
    }
}

#[component]
pub fn ApplyPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let data = Resource::new_blocking(move || code.clone(), application_form);
    view! {
        <Page title_zh="申请办理" title_en="Apply">
            <AccountNav lang current="/account/applications" />
            {when_loaded(lang, data, apply_view)}
        </Page>
    }
}

fn apply_view(lang: Lang, options: ApplyOptions) -> impl IntoView {
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
    view! {
        {heading}
        <ApplicationForm lang options initial_error=form_error_from_url(SubmitApplication::PATH) />
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

/// The application form and its check-your-answers step (an island: the
/// check step happens in the browser; without JavaScript the form posts
/// straight to the server, which checks everything again).
#[island]
pub fn ApplicationForm(
    lang: Lang,
    options: ApplyOptions,
    initial_error: Option<AppError>,
) -> impl IntoView {
    let action = ServerAction::<SubmitApplication>::new();
    let error = latest_error(action, initial_error);
    let checking = RwSignal::new(false);
    let service = options.service;
    let first_ok = options
        .subjects
        .iter()
        .find(|s| s.refusal.is_none())
        .map(|s| s.key.clone())
        .unwrap_or_default();
    let subject = RwSignal::new(if options.subjects.len() == 1 {
        first_ok
    } else {
        String::new()
    });
    let reason = RwSignal::new(String::new());
    let new_date = RwSignal::new(String::new());
    let fulfilment = RwSignal::new(String::new());
    let recipient = RwSignal::new(String::new());
    let recipient_phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(no)) = action.value().get() {
            go_to(&format!("/account/applications/{no}?submitted=1"));
        }
    });
    // Back to the form when the server refuses something.
    Effect::new(move |_| {
        if error.get().is_some() {
            checking.set(false);
        }
    });
    let labels = labels();
    let submit = move || SubmitApplication {
        service: service.code().to_string(),
        subject: subject.get_untracked(),
        reason: Some(reason.get_untracked()).filter(|s| !s.is_empty()),
        new_date: Some(new_date.get_untracked()).filter(|s| !s.is_empty()),
        fulfilment: Some(fulfilment.get_untracked()).filter(|s| !s.is_empty()),
        recipient: Some(recipient.get_untracked()).filter(|s| !s.is_empty()),
        recipient_phone: Some(recipient_phone.get_untracked()).filter(|s| !s.is_empty()),
        address: Some(address.get_untracked()).filter(|s| !s.is_empty()),
    };
    let subjects = options.subjects.clone();
    let subject_label = move || {
        subjects
            .iter()
            .find(|s| s.key == subject.get())
            .map(|s| s.label.clone())
            .unwrap_or_default()
    };
    let fee = options.fee_fen;
    let postage = options.postage_fen;
    let fees = move || {
        let mut parts = vec![format!(
            "{}{}{}",
            lang.pick("工本费", "Production fee "),
            yuan_text(fee),
            lang.pick("元", " yuan")
        )];
        if fulfilment.get() == Fulfilment::Post.code() {
            parts.push(format!(
                "{}{}{}",
                lang.pick("邮递费", "postage "),
                yuan_text(postage),
                lang.pick(
                    "元（签收时向邮政人员支付）",
                    " yuan (paid to the courier on delivery)"
                )
            ));
        } else if fee > 0 {
            parts.push(
                lang.pick("自取时在窗口缴纳", "paid at the counter when you collect")
                    .to_string(),
            );
        }
        parts.join(lang.pick("，", ", "))
    };
    let returns = options.documents_to_return.clone();
    let pickup = options.pickup_address.clone();
    let offers_fulfilment = options.offers_fulfilment;
    let is_deferral = options.is_deferral;
    let form_labels = labels.clone();
    let subjects_view = options
        .subjects
        .iter()
        .map(|s| {
            let id = format!("subject-{}", s.key.replace(':', "-"));
            let key = s.key.clone();
            let key_for_change = key.clone();
            let key_for_adopt = key.clone();
            let input = NodeRef::<leptos::html::Input>::new();
            adopt_typed_value(input, move |el| {
                if el.checked() && subject.get_untracked() != key_for_adopt {
                    subject.set(key_for_adopt.clone());
                }
            });
            let disabled = s.refusal.is_some();
            let due = s.current_due.map(|d| match lang {
                Lang::Zh => format!("（原定日期{d}）"),
                Lang::En => format!(" (currently due {d})"),
            });
            view! {
                <div class="radios__item">
                    <input class="radios__input" type="radio" id=id.clone() name="subject" value=key.clone()
                        node_ref=input
                        checked=subject.get_untracked() == key
                        disabled=disabled
                        on:change=move |_| subject.set(key_for_change.clone()) />
                    <label class="radios__label" for=id>
                        <span class="plate">{s.label.clone()}</span>
                        {due}
                        {s.refusal.as_ref().map(|r| view! { <span class="hint">" — " {r.rule.get(lang).to_string()}</span> })}
                    </label>
                </div>
            }
        })
        .collect_view();
    let radio = move |name: &'static str,
                      code: &'static str,
                      text: String,
                      value: RwSignal<String>| {
        let id = format!("{name}-{code}");
        let input = NodeRef::<leptos::html::Input>::new();
        adopt_typed_value(input, move |el| {
            if el.checked() && value.get_untracked() != code {
                value.set(code.to_string());
            }
        });
        view! {
            <div class="radios__item">
                <input class="radios__input" type="radio" id=id.clone() name=name value=code node_ref=input
                    checked=value.get_untracked() == code
                    on:change=move |_| value.set(code.to_string()) />
                <label class="radios__label" for=id>{text}</label>
            </div>
        }
    };
    let reasons = DeferralReason::ALL
        .iter()
        .map(|r| {
            radio(
                "reason",
                r.code(),
                lang.pick(r.zh(), r.en()).to_string(),
                reason,
            )
        })
        .collect_view();
    let how = [Fulfilment::SelfPickup, Fulfilment::Post]
        .into_iter()
        .map(|f| {
            radio(
                "fulfilment",
                f.code(),
                lang.pick(f.zh(), f.en()).to_string(),
                fulfilment,
            )
        })
        .collect_view();
    let answer_labels = labels.clone();
    let check_view = move || {
        let row = |i: usize, value: String| {
            view! {
                <div class="summary-list__row">
                    <dt>{answer_labels[i].1.get(lang).to_string()}</dt>
                    <dd>{value}</dd>
                </div>
            }
        };
        let post = fulfilment.get() == Fulfilment::Post.code();
        view! {
            <h2 class="heading-l">{lang.pick("请核对您的申请", "Check your answers")}</h2>
            <dl class="summary-list" data-testid="check-answers">
                {row(0, subject_label())}
                {is_deferral.then(|| row(1, DeferralReason::from_code(&reason.get()).map(|r| lang.pick(r.zh(), r.en()).to_string()).unwrap_or_default()))}
                {is_deferral.then(|| row(2, new_date.get()))}
                {offers_fulfilment.then(|| row(3, Fulfilment::from_code(&fulfilment.get()).map(|f| lang.pick(f.zh(), f.en()).to_string()).unwrap_or_default()))}
                {post.then(|| row(4, recipient.get()))}
                {post.then(|| row(5, recipient_phone.get()))}
                {post.then(|| row(6, address.get()))}
                <div class="summary-list__row">
                    <dt>{lang.pick("费用", "Fees")}</dt>
                    <dd>{fees()}</dd>
                </div>
            </dl>
            <div class="button-group">
                <button class="button" type="button" disabled=move || action.pending().get()
                    on:click=move |_| { action.dispatch(submit()); }>
                    {lang.pick("提交申请", "Submit the application")}
                </button>
                <button class="button button--secondary" type="button" on:click=move |_| checking.set(false)>
                    {lang.pick("返回修改", "Change my answers")}
                </button>
            </div>
        }
        .into_any()
    };
    view! {
        <ErrorSummary lang error labels=form_labels.clone() />
        <div hidden=move || !checking.get()>{move || checking.get().then(&check_view)}</div>
        <form
            class="form"
            method="post"
            action=SubmitApplication::PATH
            novalidate
            hidden=move || checking.get()
            on:submit=move |ev| {
                ev.prevent_default();
                checking.set(true);
            }
        >
            <input type="hidden" name="service" value=service.code() />
            <div class=move || group_class(server_problem(error, "subject").get().is_some())>
                <fieldset class="fieldset" id="subject">
                    <legend class="fieldset__legend">{form_labels[0].1.get(lang).to_string()}</legend>
                    <p class="error-message" aria-live="polite">{move || server_problem(error, "subject").get().map(|m| m.get(lang).to_string())}</p>
                    <div class="radios">{subjects_view.into_any()}</div>
                </fieldset>
            </div>
            {is_deferral.then(|| view! {
                <div class=move || group_class(server_problem(error, "reason").get().is_some())>
                    <fieldset class="fieldset" id="reason">
                        <legend class="fieldset__legend">{form_labels[1].1.get(lang).to_string()}</legend>
                        <p class="error-message" aria-live="polite">{move || server_problem(error, "reason").get().map(|m| m.get(lang).to_string())}</p>
                        <div class="radios">{reasons}</div>
                    </fieldset>
                </div>
                <TextField lang name="new_date" label=form_labels[2].1.clone()
                    hint=Text::new(
                        format!("按“年-月-日”填写，例如{}。延期换证、延期审验最长3年，延期提交身体条件证明最长1年", today().add_days(180)),
                        format!("As year-month-day, for example {}. Renewal and review: at most 3 years; physical certificate: at most 1 year", today().add_days(180)),
                    )
                    value=new_date server_error=server_problem(error, "new_date") width_class="input--w10" />
            }.into_any())}
            {offers_fulfilment.then(|| view! {
                <div class=move || group_class(server_problem(error, "fulfilment").get().is_some())>
                    <fieldset class="fieldset" id="fulfilment">
                        <legend class="fieldset__legend">{form_labels[3].1.get(lang).to_string()}</legend>
                        <div class="hint">
                            {match lang {
                                Lang::Zh => format!("自取：请在制证完成后一个月内到互联网业务办理中心（{}）领取，逾期未领将被列入黑名单6个月。邮递：工本费和邮递费在签收时向邮政人员支付；邮件拒收3次将被列入黑名单6个月。", pickup.zh),
                                Lang::En => format!("Collect: within one month of the documents being made, at the internet business centre ({}); not collecting blacklists you for 6 months. Post: pay the fees to the courier on delivery; refusing delivery 3 times blacklists you for 6 months.", pickup.en),
                            }}
                        </div>
                        <p class="error-message" aria-live="polite">{move || server_problem(error, "fulfilment").get().map(|m| m.get(lang).to_string())}</p>
                        <div class="radios">{how}</div>
                    </fieldset>
                </div>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{lang.pick("邮寄信息（选择邮递时填写）", "Postal details (for postal delivery)")}</legend>
                    <TextField lang name="recipient" label=form_labels[4].1.clone() value=recipient server_error=server_problem(error, "recipient") autocomplete="name" width_class="input--w10" />
                    <TextField lang name="recipient_phone" label=form_labels[5].1.clone() value=recipient_phone server_error=server_problem(error, "recipient_phone") input_type="tel" inputmode="tel" autocomplete="tel" width_class="input--w10" />
                    <TextField lang name="address" label=form_labels[6].1.clone() hint=Text::new("省、市、区县、街道和门牌号", "Province, city, district, street and number") value=address server_error=server_problem(error, "address") autocomplete="street-address" />
                </fieldset>
            }.into_any())}
            {returns.map(|t| view! {
                <div class="inset">
                    <strong>{lang.pick("需返还的资料：", "Hand back: ")}</strong>
                    {t.get(lang).to_string()}
                    {lang.pick("（邮递时交给邮政人员，自取时带到窗口）", " (to the courier, or at the counter when you collect)")}
                </div>
            })}
            <p class="lead" data-testid="fees">{fees}</p>
            <button class="button" type="submit">{lang.pick("继续", "Continue")}</button>
        </form>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let no = use_params_map().with_untracked(|p| p.get("no").unwrap_or_default());
    let submitted = use_query_map().with_untracked(|q| q.get("submitted").is_some());
    let data = Resource::new_blocking(move || no.clone(), my_application);
    view! {
        <Page title_zh="业务详情" title_en="Application">
            <AccountNav lang current="/account/applications" />
            {when_loaded(lang, data, move |lang, d| detail_view(lang, d, submitted))}
            <p><a href="/account/applications">{lang.pick("返回我的业务", "Back to my applications")}</a></p>
        </Page>
    }
}

/// The application's facts and history, for the applicant and the clerk.
pub fn application_facts(
    lang: Lang,
    d: &crate::api::applications::ApplicationDetail,
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
    d: crate::api::applications::ApplicationDetail,
    submitted: bool,
) -> impl IntoView {
    let no = d.summary.application_no.clone();
    let confirmation = submitted.then(|| {
        view! {
            <div class="panel--confirmation" role="status">
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
                    Lang::Zh => format!("请于{}前携带身份证明到{}领取。", d.pickup_deadline.map(|p| p.to_string()).unwrap_or_default(), crate::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_ZH),
                    Lang::En => format!("Collect before {} at {}, bringing your identity document.", d.pickup_deadline.map(|p| p.to_string()).unwrap_or_default(), crate::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_EN),
                }}
            </div>
        }
    });
    view! {
        {confirmation}
        {pickup}
        {application_facts(lang, &d)}
    }
}
