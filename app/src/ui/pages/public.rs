//! Public pages: the portal home, the registration windows, not found.

use crate::domain::ServiceCode;
use crate::features::accounts::registration_windows;
use crate::features::accounts::RegistrationWindow;
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use leptos::prelude::*;

/// The portal's front page (首页): what can be done here and how to start.
#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    let services = ServiceCode::ALL
        .iter()
        .map(|s| {
            let (zh, en) = crate::domain::services::audience(*s);
            let note = lang.pick(&zh, &en).to_string();
            view! {
                <li class="service-list__item">
                    <span class="service-list__code">{s.code()}</span>
                    <span class="service-list__name">{lang.pick(s.zh(), s.en()).to_string()}</span>
                    <span class="service-list__who">{note}</span>
                </li>
            }
        })
        .collect_view();
    // Logged in: the way on, not the call to register.
    let start = match crate::ui::session_account() {
        Some(account) => {
            let (href, zh, en) = if account.is_staff() {
                ("/staff", "进入民警工作台", "Go to the staff console")
            } else {
                ("/account", "进入我的账户", "Go to my account")
            };
            view! {
                <p class="lead">
                    {match lang {
                        Lang::Zh => format!("您好，{}。您已登录，可以继续办理业务。", account.display_name),
                        Lang::En => format!("Hello, {}. You are logged in and can carry on with your business.", account.display_name),
                    }}
                </p>
                <div class="button-group">
                    <a class="button" href=href>{lang.pick(zh, en)}</a>
                </div>
            }
            .into_any()
        }
        None => view! {
            <p class="lead">
                {lang.pick(
                    "在网上办理机动车、驾驶证和交通违法业务。先注册，再登录办理。",
                    "Handle vehicle, driving-licence and traffic-violation business online. Register first, then log in.",
                )}
            </p>
            <div class="button-group">
                <a class="button" href="/register">{lang.pick("注册", "Register")}</a>
                <a class="button button--secondary" href="/login">{lang.pick("登录", "Log in")}</a>
            </div>
        }
        .into_any(),
    };
    view! {
        <Page title_zh="互联网交通安全综合服务管理平台" title_en="Internet Traffic Safety Service Platform">
            {start}
            <h2 class="heading-l">{lang.pick("可以办理的业务", "Services")}</h2>
            <p>
                {lang.pick(
                    "除“变更车主联系方式”外，所有机动车业务（含电子监控违法处理）只限小型机动车。",
                    "Apart from changing the owner's contact details, every vehicle service (including camera-recorded violations) is for small motor vehicles only.",
                )}
            </p>
            <ul class="service-list">{services}</ul>
            <h2 class="heading-l">{lang.pick("公开信息", "Open information")}</h2>
            <ul class="task-list">
                <li><a href="/exams/queue">{lang.pick("考试名额分配公示：每个考试场次按受理日期分配名额的结果", "How test seats were given: each session's seats by date")}</a></li>
                <li><a href="/temporary-plates/check">{lang.pick("临时号牌查验：核实一副临时行驶车号牌是否有效", "Check a temporary plate: is it valid?")}</a></li>
                <li><a href="/windows">{lang.pick("注册窗口", "Registration windows")}</a></li>
            </ul>
        </Page>
    }
}

/// The registration windows (注册窗口).
#[component]
pub fn Windows() -> impl IntoView {
    view! {
        <Page title_zh="注册窗口" title_en="Registration windows">
            <WindowList />
        </Page>
    }
}

/// The windows, loaded on the server.
#[component]
pub fn WindowList() -> impl IntoView {
    let lang = use_lang();
    let windows = Resource::new_blocking(|| (), |_| registration_windows());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match windows.await {
                    Ok(list) => window_tables(lang, list).into_any(),
                    Err(e) => view! { <p class="error-message">{e.summary(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Renders the windows: individual windows first, then the unit window.
pub fn window_tables(lang: Lang, list: Vec<RegistrationWindow>) -> impl IntoView {
    let (units, individuals): (Vec<_>, Vec<_>) = list.into_iter().partition(|w| w.serves_units);
    let table = move |rows: Vec<RegistrationWindow>, caption: &'static str| {
        view! {
            <table class="table">
                <caption class="table__caption">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("窗口", "Window")}</th>
                        <th scope="col">{lang.pick("地址", "Address")}</th>
                        <th scope="col">{lang.pick("电话", "Phone")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|w| {
                            view! {
                                <tr>
                                    <td data-label=lang.pick("窗口", "Window")>{w.name}</td>
                                    <td data-label=lang.pick("地址", "Address")>{w.address}</td>
                                    <td data-label=lang.pick("电话", "Phone")>{w.phone}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    };
    let individual_count = individuals.len();
    view! {
        <p>
            {match lang {
                Lang::Zh => format!("共有{individual_count}个个人用户注册窗口和{}个单位用户注册窗口。办理时请携带本人身份证明；单位请携带组织机构代码证或含统一社会信用代码的营业执照、委托书和代理人身份证明。", units.len()),
                Lang::En => format!("There are {individual_count} individual registration windows and {} unit window. Bring your identity document; units bring the organisation code certificate or business licence with the unified social credit code, a power of attorney and the agent's identity document.", units.len()),
            }}
        </p>
        <div class="table-wrap">{table(individuals, lang.pick("个人用户注册窗口", "Individual user windows"))}</div>
        <div class="table-wrap">{table(units, lang.pick("单位用户注册窗口", "Unit user window"))}</div>
    }
}

/// 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Page title_zh="页面不存在" title_en="Page not found">
            <p>{lang.pick("您访问的页面不存在，请检查网址。", "There is no page at this address. Check the address.")}</p>
            <p><a href="/">{lang.pick("返回首页", "Go to the home page")}</a></p>
        </Page>
    }
}
