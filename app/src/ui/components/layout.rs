//! The page frame: skip link, header with the platform's name, language
//! switch, account links, main landmark and footer. Rendered on the server.

use crate::features::accounts::Logout;
use crate::i18n::{use_lang, Lang};
use crate::ui::{development_mode, session_account};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn Page(
    /// Page heading (h1) in both languages.
    title_zh: &'static str,
    title_en: &'static str,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let account = session_account();
    let title = lang.pick(title_zh, title_en).to_string();
    let other = match lang {
        Lang::Zh => ("/lang/en", "English"),
        Lang::En => ("/lang/zh", "中文"),
    };
    let account_links = match account {
        Some(acc) => {
            let home = crate::ui::home_of(&acc);
            // The message centre is the unit's own account's, not an
            // operator's.
            let messages = (!acc.is_staff() && acc.operator.is_none())
                .then(|| view! { <MessagesLink lang /> });
            // An operator sees whose login it is: the unit and their name.
            let who = match &acc.operator {
                Some(o) => match lang {
                    Lang::Zh => format!("{} · 经办人{}", acc.display_name, o.full_name),
                    Lang::En => format!("{} · operator {}", acc.display_name, o.full_name),
                },
                None => acc.display_name.clone(),
            };
            view! {
                <a class="header__link" href=home>
                    {who}
                </a>
                {messages}
                <form class="header__logout" method="post" action=Logout::PATH>
                    <button class="link-button" type="submit">
                        {lang.pick("退出", "Log out")}
                    </button>
                </form>
            }
            .into_any()
        }
        None => view! {
            <a class="header__link" href="/login">
                {lang.pick("登录", "Log in")}
            </a>
            <a class="header__link" href="/register">
                {lang.pick("注册", "Register")}
            </a>
        }
        .into_any(),
    };
    view! {
        <leptos_meta::Title text=document_title(lang, &title) />
        <a class="skip-link" href="#main">
            {lang.pick("跳到正文", "Skip to main content")}
        </a>
        <header class="header">
            {development_mode().then(|| view! {
                <p class="dev-banner" data-testid="dev-banner">
                    {lang.pick(
                        "开发演示环境：演示数据、模拟银行和短信发件箱，不办理真实业务。",
                        "Development: demo data, a simulated bank and an SMS outbox; nothing here is real.",
                    )}
                </p>
            })}
            <div class="header__inner">
                <a class="header__brand" href="/">
                    <span class="header__emblem" aria-hidden="true">"122"</span>
                    <span>{lang.pick("互联网交通安全综合服务管理平台", "Internet Traffic Safety Service Platform")}</span>
                </a>
                <nav class="header__nav" aria-label=lang.pick("账户", "Account")>
                    {account_links}
                    <a class="header__link" href=other.0 lang=if lang == Lang::Zh { "en" } else { "zh-CN" }>
                        {other.1}
                    </a>
                    {text_size_switch(lang)}
                </nav>
            </div>
        </header>
        <main class="main" id="main" tabindex="-1">
            <h1 class="heading-xl">{title}</h1>
            {children()}
        </main>
        <footer class="footer">
            <p>{footer_line(lang)}</p>
            <p>
                <a href="/windows">{lang.pick("注册窗口", "Registration windows")}</a>
            </p>
        </footer>
    }
}

/// The authority running the platform and its hotline, from the
/// configuration.
fn footer_line(lang: Lang) -> String {
    let profile = crate::ui::profile();
    let p = &profile.province;
    match lang {
        Lang::Zh => format!("{} · 服务热线 {}", p.authority_zh, p.helpline),
        Lang::En => format!("{} · Helpline {}", p.authority_en, p.helpline),
    }
}

/// The message centre in the menu with the number of unread messages,
/// counted on the server (no JavaScript needed). On the message centre
/// itself, which marks them read, it is the current page instead.
#[component]
fn MessagesLink(lang: Lang) -> impl IntoView {
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked()
        == "/account/messages";
    let n = if here {
        0
    } else {
        crate::ui::unread_messages()
    };
    let text = match (lang, n) {
        (Lang::Zh, 0) => "消息".to_string(),
        (Lang::En, 0) => "Messages".to_string(),
        (Lang::Zh, n) => format!("消息（{n}条未读）"),
        (Lang::En, n) => format!("Messages ({n} unread)"),
    };
    view! {
        <a
            class="header__link"
            href="/account/messages"
            aria-current=here.then_some("page")
            data-testid="messages-link"
        >
            {text}
        </a>
    }
}

/// The switch between standard and large text (大字版, 适老化), next to the
/// language switch; the server keeps the choice in a cookie.
fn text_size_switch(lang: Lang) -> impl IntoView {
    use crate::i18n::{use_text_size, TextSize};
    let (href, zh, en) = match use_text_size() {
        TextSize::Standard => ("/text-size/large", "大字版", "Large text"),
        TextSize::Large => ("/text-size/standard", "标准字号", "Standard text"),
    };
    view! {
        <a class="header__link" href=href data-testid="text-size-switch">
            {lang.pick(zh, en)}
        </a>
    }
}

/// The browser tab's title: the page's heading, then the platform's name;
/// the home page, whose heading is the platform's name, shows it once.
fn document_title(lang: Lang, heading: &str) -> String {
    let platform = lang.pick(
        "互联网交通安全综合服务管理平台",
        "Internet Traffic Safety Service Platform",
    );
    if heading == platform {
        heading.to_string()
    } else {
        format!(
            "{heading} - {}",
            lang.pick(
                "互联网交通安全综合服务管理平台",
                "Traffic Safety Service Platform"
            )
        )
    }
}

/// A section's local navigation (栏目导航): links as (address, Chinese,
/// English), the one for `current` marked as the page the reader is on.
pub fn subnav(
    lang: Lang,
    label: (&'static str, &'static str),
    items: &[(&'static str, &'static str, &'static str)],
    current: &str,
) -> AnyView {
    let links = items
        .iter()
        .map(|(href, zh, en)| {
            let here = *href == current;
            view! {
                <li class="subnav__item">
                    <a
                        class=if here { "subnav__link subnav__link--current" } else { "subnav__link" }
                        href=*href
                        aria-current=here.then_some("page")
                    >
                        {lang.pick(zh, en)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="subnav" aria-label=lang.pick(label.0, label.1)>
            <ul class="subnav__list">{links}</ul>
        </nav>
    }
    .into_any()
}
