//! The account home (我的主页) for individuals and units: who you are, how you
//! registered, and what you may and may not do here — with the reason and
//! the remedy for each refusal.

use crate::domain::{may_use, Actor, RegistrationChannel, ServiceCode};
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::{require_login_redirect, session_account, today};
use leptos::prelude::*;

#[component]
pub fn AccountHome() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let body = match session_account() {
        None => view! { <p>{lang.pick("请先登录。", "Please log in first.")}</p> }.into_any(),
        Some(account) if account.is_staff() => view! {
            <p><a href="/staff">{lang.pick("进入民警工作台", "Go to the staff console")}</a></p>
        }
        .into_any(),
        Some(account) => account_view(lang, account).into_any(),
    };
    let done = leptos_router::hooks::use_query_map().with_untracked(|q| {
        let contact = q.get("contact").map(|_| {
            crate::i18n::Text::new(
                "联系方式已变更，新号码会收到以后的通知。",
                "Contact details changed; notices now go to the new number.",
            )
        });
        // Just registered online (the registration form comes here).
        let welcome = q.get("welcome").map(|_| {
            crate::i18n::Text::new(
                "注册成功，您已登录。下面是您可以办理的业务。",
                "You are registered and logged in. Below is what you can do.",
            )
        });
        contact.or(welcome)
    });
    view! {
        <Page title_zh="我的主页" title_en="My account">
            <crate::ui::components::page_data::DoneBanner text=done lang />
            {body}
        </Page>
    }
}

/// The domain's view of who is acting, for the eligibility rules.
pub fn actor_of(account: &SessionAccount) -> Option<Actor> {
    account.service_actor()
}

/// Where each service is done on this portal, if it is online yet.
/// Where a service is used online; `unit`: for a unit account.
fn service_page(s: ServiceCode, unit: bool) -> Option<String> {
    use crate::domain::application::APPLICATION_SERVICES;
    use ServiceCode::*;
    match s {
        V4 => Some("/account/vehicles".into()),
        V7 => Some("/account/plates".into()),
        V8 => Some("/account/violations".into()),
        D12 => Some("/account/exams".into()),
        D8 => Some("/unit/exams".into()),
        D9 => Some(if unit {
            "/unit/exams".into()
        } else {
            "/account/licence#physical".into()
        }),
        D3 => Some("/account/contact?target=licence".into()),
        D4 => Some("/account/licence/photo".into()),
        _ if APPLICATION_SERVICES.contains(&s) => Some(format!("/account/apply/{}", s.code())),
        _ => None,
    }
}

fn account_view(lang: Lang, account: SessionAccount) -> impl IntoView {
    let today = today();
    let actor = actor_of(&account);
    let (kind, channel, id_label, id_value, window) = match &account.role {
        AccountRole::Individual {
            kind,
            channel,
            window,
        } => (
            lang.pick(kind.zh(), kind.en()).to_string(),
            *channel,
            lang.pick("公民身份号码", "Resident ID number"),
            account.id_number_masked.clone().unwrap_or_default(),
            window.clone(),
        ),
        AccountRole::Unit {
            kind,
            credit_code,
            window,
            ..
        } => (
            lang.pick(kind.zh(), kind.en()).to_string(),
            RegistrationChannel::Window,
            lang.pick("统一社会信用代码", "Unified social credit code"),
            credit_code.clone(),
            window.clone(),
        ),
        AccountRole::Staff { .. } => unreachable!("staff go to the console"),
    };
    let is_unit = matches!(account.role, AccountRole::Unit { .. });
    let (allowed, refused): (Vec<_>, Vec<_>) = ServiceCode::ALL
        .iter()
        .filter_map(|s| actor.as_ref().map(|a| (*s, may_use(a, *s, today))))
        .partition(|(_, verdict)| verdict.is_ok());
    let allowed_view = allowed
        .into_iter()
        .map(|(s, _)| {
            let name = lang.pick(s.zh(), s.en()).to_string();
            let name = match service_page(s, is_unit) {
                Some(href) => {
                    view! { <a class="service-list__name" href=href>{name}</a> }.into_any()
                }
                // Allowed, but this platform has no online page for it yet:
                // say so and where it is done, rather than a dead entry.
                None => view! {
                    <span class="service-list__name">{name}</span>
                    <span class="service-list__why">
                        {lang.pick(
                            "本平台暂未开通网上办理，请到车辆管理所业务窗口办理。",
                            "Not yet available online on this platform: please go to a counter of the vehicle administration office.",
                        )}
                    </span>
                }
                .into_any(),
            };
            view! {
                <li class="service-list__item">
                    <span class="service-list__code">{s.code()}</span>
                    {name}
                </li>
            }
        })
        .collect_view();
    let refused_view = refused
        .into_iter()
        .filter_map(|(s, verdict)| verdict.err().map(|r| (s, r)))
        .map(|(s, refusal)| {
            view! {
                <li class="service-list__item service-list__item--refused">
                    <span class="service-list__code">{s.code()}</span>
                    <span class="service-list__name">{lang.pick(s.zh(), s.en()).to_string()}</span>
                    <span class="service-list__why">
                        {lang.pick(&refusal.rule_zh, &refusal.rule_en).to_string()}
                        " "
                        <strong>{lang.pick(&refusal.remedy_zh, &refusal.remedy_en).to_string()}</strong>
                    </span>
                </li>
            }
        })
        .collect_view();
    // A person of another province roaming here (漫游登录).
    let roaming = account.roaming_from.clone().map(|home| {
        let name = crate::ui::profile()
            .peers
            .iter()
            .find(|p| p.province == home)
            .map(|p| (p.name_zh.clone(), p.name_en.clone()))
            .unwrap_or_else(|| (home.clone(), home.clone()));
        view! {
            <div class="notice" role="status" data-testid="roaming-notice">
                {match lang {
                    Lang::Zh => format!("您正使用“{}”的账户漫游登录本平台，可办理您在本省登记的机动车、核发的驾驶证业务，以及在本省发生的交通违法处理。账户信息以注册地平台为准，如需变更请在注册地平台办理；在注册地平台退出登录后，本平台的登录同时结束。", name.0),
                    Lang::En => format!("You are roaming here with your account on the {}: you can use the services for your vehicles registered and your licence issued in this province, and handle violations recorded here. Your account details are your home platform's: change them there. Logging out there ends this login too.", name.1),
                }}
            </div>
        }
    });
    view! {
        {roaming}
        <crate::ui::pages::vehicles::AccountNav lang current="/account" />
        <dl class="summary-list">
            <div class="summary-list__row">
                <dt>{lang.pick("姓名/名称", "Name")}</dt>
                <dd>{account.display_name.clone()}</dd>
            </div>
            <div class="summary-list__row">
                <dt>{lang.pick("用户类别", "Kind of user")}</dt>
                <dd>{kind}</dd>
            </div>
            <div class="summary-list__row">
                <dt>{id_label}</dt>
                <dd>{id_value}</dd>
            </div>
            <div class="summary-list__row">
                <dt>{lang.pick("注册方式", "Registered")}</dt>
                <dd data-testid="channel">
                    {lang.pick(channel.zh(), channel.en()).to_string()}
                    {window.map(|w| format!(" · {w}"))}
                </dd>
            </div>
            <div class="summary-list__row">
                <dt>{lang.pick("手机号码", "Phone")}</dt>
                <dd>{account.phone_masked.clone()}</dd>
            </div>
        </dl>
        <h2 class="heading-l">{lang.pick("您可以办理的业务", "What you can do")}</h2>
        <ul class="service-list" data-testid="allowed-services">{allowed_view}</ul>
        {(!is_unit).then(|| view! {
            <p><a href="/account/temporary-plates">{lang.pick("我的临时号牌：查看经销商为您的新车核发的临时行驶车号牌", "My temporary plates: those a dealer issued for your new vehicle")}</a></p>
        })}
        <h2 class="heading-l">{lang.pick("暂不能办理的业务", "What you cannot do yet")}</h2>
        <ul class="service-list" data-testid="refused-services">{refused_view}</ul>
    }
}
