//! The pager (翻页) under a paged list: "第 N / M 页" and plain links to the
//! previous and next pages. Links, not buttons: they work without
//! JavaScript, the page number lives in the address (`?page=N`), so the
//! back button and bookmarks work as everywhere else. On a phone the
//! links wrap under each other (`.pager` in `style/main.css`).

use crate::features::paging::ListPage;
use crate::i18n::Lang;
use leptos::prelude::*;

/// The address of page `page` of `path`, keeping the other query pairs
/// given (already encoded), the page number under `key`.
pub fn page_href(path: &str, keep: &[(&str, String)], key: &str, page: u32) -> String {
    let mut parts: Vec<String> = keep
        .iter()
        .filter(|(k, v)| *k != key && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::ui::encode_query_value(v)))
        .collect();
    parts.push(format!("{key}={page}"));
    format!("{path}?{}", parts.join("&"))
}

/// "第 N / M 页（共 X 条）" / "Page N of M (X in all)".
pub fn page_status<T>(lang: Lang, page: &ListPage<T>) -> String {
    match lang {
        Lang::Zh => format!(
            "第 {} / {} 页（共 {} 条）",
            page.page,
            page.pages(),
            page.total
        ),
        Lang::En => format!(
            "Page {} of {} ({} in all)",
            page.page,
            page.pages(),
            page.total
        ),
    }
}

/// The pager of a list with more than one page (nothing otherwise);
/// `href` gives the address of a page by its number; `label` names the
/// list for screen readers, e.g. ("我的申请", "My applications").
pub fn pager<T>(
    lang: Lang,
    page: &ListPage<T>,
    label: (&'static str, &'static str),
    href: impl Fn(u32) -> String,
) -> Option<AnyView> {
    if !page.is_paged() {
        return None;
    }
    let prev = (page.page > 1).then(|| href(page.page - 1));
    let next = (page.page < page.pages()).then(|| href(page.page + 1));
    let aria = match lang {
        Lang::Zh => format!("{}分页", label.0),
        Lang::En => format!("{} pages", label.1),
    };
    Some(
        view! {
            <nav class="pager" aria-label=aria data-testid="pager">
                {prev.map(|href| view! { <a class="pager__link" rel="prev" href=href>{lang.pick("上一页", "Previous page")}</a> })}
                <span class="pager__here">{page_status(lang, page)}</span>
                {next.map(|href| view! { <a class="pager__link" rel="next" href=href>{lang.pick("下一页", "Next page")}</a> })}
            </nav>
        }
        .into_any(),
    )
}
