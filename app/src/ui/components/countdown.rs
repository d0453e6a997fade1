//! An accessible countdown (倒计时): shows the time left, and tells screen
//! readers at one minute, thirty seconds and ten seconds — not every second.
//! Without JavaScript the page shows the deadline as a clock time instead.

use crate::i18n::Lang;
use leptos::prelude::*;

#[island]
pub fn Countdown(lang: Lang, until_ms: i64, deadline_text: String) -> impl IntoView {
    let left = RwSignal::new(None::<i64>);
    #[cfg(not(feature = "hydrate"))]
    let _ = until_ms;
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            let now = js_sys_now();
            left.set(Some(((until_ms - now) / 1000).max(0)));
        };
        tick();
        let handle = set_interval_with_handle(tick, std::time::Duration::from_millis(1000)).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    let shown = move || match left.get() {
        None => deadline_text.clone(),
        Some(s) => match lang {
            Lang::Zh => format!("剩余 {:02}:{:02}", s / 60, s % 60),
            Lang::En => format!("{:02}:{:02} left", s / 60, s % 60),
        },
    };
    // Announced only at these moments.
    let announce = move || match left.get() {
        Some(s @ (60 | 30 | 10)) => match lang {
            Lang::Zh => format!("还剩{s}秒"),
            Lang::En => format!("{s} seconds left"),
        },
        Some(0) => lang.pick("时间已到", "Time is up").to_string(),
        _ => String::new(),
    };
    view! {
        <p class="countdown" role="timer" aria-live="off" data-testid="countdown">{shown}</p>
        <p class="visually-hidden" aria-live="assertive">{announce}</p>
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> i64 {
    leptos::web_sys::js_sys::Date::now() as i64
}
