//! Pieces every data page uses: loading a server function's answer into
//! the page (or its error summary), summary-list rows, the success banner
//! and the error a plain form came back with.

use crate::error::AppError;
use crate::i18n::{Lang, Text};
use crate::ui::components::form::ErrorSummary;
use crate::ui::form_error_from_url;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// Shows a failure to load a page's data (never the internals).
pub fn load_failed(lang: Lang, err: AppError) -> AnyView {
    view! { <ErrorSummary lang error=Signal::stored(Some(err)) labels=vec![] /> }.into_any()
}

/// Renders the loaded data with `render`, or the error summary.
pub fn when_loaded<T, V, F>(
    lang: Lang,
    data: Resource<Result<T, AppError>>,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(Lang, T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(lang, value).into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })
            }}
        </Suspense>
    }
}

/// A row maker for a summary list: `row("中文", "English", value)`.
pub fn summary_row(lang: Lang) -> impl Fn(&'static str, &'static str, String) -> AnyView + Copy {
    move |label_zh, label_en, value| {
        view! {
            <div class="summary-list__row">
                <dt>{lang.pick(label_zh, label_en)}</dt>
                <dd>{value}</dd>
            </div>
        }
        .into_any()
    }
}

/// A success banner (announced politely) when something was just done.
/// It takes the focus when the page loads (HTML `autofocus`, no script), so
/// after a redirect the next Tab goes on from the message, not from the top.
#[component]
pub fn DoneBanner(text: Option<Text>, lang: Lang) -> impl IntoView {
    text.map(|t| {
        view! {
            <div class="notice notice--success" role="status" tabindex="-1" autofocus>
                {t.get(lang).to_string()}
            </div>
        }
    })
}

/// The error a plain form came back with (no-JavaScript post), if any.
#[component]
pub fn PostedError(lang: Lang, paths: Vec<&'static str>) -> impl IntoView {
    let error = paths.into_iter().find_map(form_error_from_url);
    error.map(|e| view! { <ErrorSummary lang error=Signal::stored(Some(e)) labels=vec![] /> })
}
