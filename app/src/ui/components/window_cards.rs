//! Registration windows as a person told "register at a window" needs
//! them: the few nearest as cards that fit a phone, and the way to the full
//! list (the rule is `domain::window`).

use crate::features::accounts::RegistrationWindow;
use crate::i18n::Lang;
use leptos::prelude::*;

/// The windows suggested with a "register at a window" answer: the few
/// nearest, and the way to the full list.
pub fn suggested_windows(
    lang: Lang,
    windows: &[RegistrationWindow],
    near_district: Option<&str>,
) -> impl IntoView {
    let individual: Vec<RegistrationWindow> = windows
        .iter()
        .filter(|w| !w.serves_units)
        .cloned()
        .collect();
    let total = individual.len();
    let items = crate::domain::window::suggest(
        &individual,
        |w| w.address.as_str(),
        |w| w.name.as_str(),
        near_district,
        crate::domain::window::SUGGESTED_WINDOWS,
    )
    .into_iter()
    .map(|w| {
        let tel = format!("tel:{}", w.phone);
        view! {
            <li class="window-card">
                <strong class="window-card__name">{w.name.clone()}</strong>
                <span>{w.address.clone()}</span>
                <a href=tel>{w.phone.clone()}</a>
            </li>
        }
    })
    .collect_view();
    view! {
        <h2 class="heading-m">{lang.pick("离您较近的注册窗口", "Registration windows near you")}</h2>
        <ul class="window-cards">{items}</ul>
        <p>
            <a href="/windows">
                {match lang {
                    Lang::Zh => format!("查看全部{total}个个人用户注册窗口"),
                    Lang::En => format!("See all {total} individual registration windows"),
                }}
            </a>
        </p>
    }
}
