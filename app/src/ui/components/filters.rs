//! The search and filter form above a dense table (查询条件) and the line
//! under it that counts what was found: a plain GET form, so the address
//! holds the search (Back, bookmarks and the pager keep it).

use crate::features::paging::ListPage;
use crate::i18n::Lang;
use leptos::prelude::*;

/// An option of a select: (value in the address, Chinese, English).
pub type Choice = (&'static str, &'static str, &'static str);

/// A labelled select whose option `current` is chosen.
pub fn select_field(
    lang: Lang,
    name: &'static str,
    label: (&'static str, &'static str),
    current: &str,
    choices: &[Choice],
) -> AnyView {
    let options = choices
        .iter()
        .map(|(value, zh, en)| {
            view! { <option value=*value selected=current == *value>{lang.pick(zh, en)}</option> }
        })
        .collect_view();
    view! {
        <div class="form-group">
            <label class="label" for=name>{lang.pick(label.0, label.1)}</label>
            <select class="select" id=name name=name>{options}</select>
        </div>
    }
    .into_any()
}

/// The plate search box (part of a plate is enough).
pub fn plate_search(lang: Lang, value: String) -> AnyView {
    view! {
        <div class="form-group">
            <label class="label" for="plate">{lang.pick("号牌号码（可输入一部分）", "Plate (or part of it)")}</label>
            <input class="input" id="plate" name="plate" type="search" value=value autocomplete="off" maxlength="20" />
        </div>
    }
    .into_any()
}

/// The form's buttons: search, and clear every condition.
pub fn search_buttons(lang: Lang, clear_href: &'static str) -> AnyView {
    view! {
        <div class="bulk-actions">
            <button class="button button--secondary" type="submit">{lang.pick("查询", "Search")}</button>
            <a href=clear_href>{lang.pick("清除条件", "Clear")}</a>
        </div>
    }
    .into_any()
}

/// "共N辆，第P/M页" and the link to export every row found, announced
/// politely when the search changes.
pub fn listing_count<T>(
    lang: Lang,
    page: &ListPage<T>,
    measure: (&'static str, &'static str),
    export_href: String,
) -> AnyView {
    let text = match lang {
        Lang::Zh => format!(
            "共{}{}，第{}/{}页",
            page.total,
            measure.0,
            page.page,
            page.pages()
        ),
        Lang::En => format!(
            "{} {}, page {} of {}",
            page.total,
            measure.1,
            page.page,
            page.pages()
        ),
    };
    view! {
        <p class="listing-count" role="status">
            {text}
            " "
            <a class="export-link" href=export_href download="">{lang.pick("导出全部（CSV）", "Export all (CSV)")}</a>
        </p>
    }
    .into_any()
}
