//! A table of records (数据表格): the frame every list of records uses — a
//! caption for screen readers, one header row, the rows the page gives. On
//! a phone each row turns into a card whose cells name themselves through
//! `data-label` (see `style/main.css`), so a page labels its cells with the
//! same words as its columns.

use crate::i18n::Lang;
use leptos::prelude::*;

/// The table; `columns` are the header cells as (Chinese, English).
#[component]
pub fn DataTable(
    lang: Lang,
    /// What the table lists, read out by screen readers.
    caption: (&'static str, &'static str),
    columns: &'static [(&'static str, &'static str)],
    /// For the browser tests.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// Tighter rows, for the dense tables of a working day (units, staff).
    #[prop(optional)]
    dense: bool,
    children: Children,
) -> impl IntoView {
    let headers = columns
        .iter()
        .map(|(zh, en)| view! { <th scope="col">{lang.pick(zh, en)}</th> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class=if dense { "table table--dense" } else { "table" } data-testid=testid>
                <caption class="visually-hidden">{lang.pick(caption.0, caption.1)}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
