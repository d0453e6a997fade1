//! Reading a paged list (分页) the way a person does, a page at a time, and
//! checking what every paged list promises: each page but the last is
//! full, the total and the page number hold, a page past the end shows the
//! last page, and no row repeats or goes missing across the pages.

use super::TestApp;
use std::collections::BTreeSet;
use std::future::Future;

/// Reads every page of a list of `total` rows, `per_page` a page, through
/// `call(page)` (None: no page asked, the first); `call` answers the
/// list's page as JSON (`items`, `total`, `page`, `per_page`); `key` names
/// a row. Answers the rows in list order.
pub async fn every_page<F, Fut>(
    app: &TestApp,
    what: &str,
    per_page: usize,
    total: usize,
    key: &str,
    call: F,
) -> Vec<serde_json::Value>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = serde_json::Value>,
{
    let pages = total.div_ceil(per_page).max(1);
    let mut rows = Vec::new();
    let mut last = serde_json::Value::Null;
    for page in 1..=pages {
        let got = call((page > 1).then(|| page.to_string())).await;
        assert_eq!(got["total"], total, "{app}: {what}, page {page}: {got}");
        assert_eq!(got["page"], page, "{app}: {what}, page {page}: {got}");
        assert_eq!(got["per_page"], per_page, "{app}: {what}: {got}");
        let items = got["items"].as_array().expect("a page's items");
        let full = if page < pages {
            per_page
        } else {
            total - per_page * (pages - 1)
        };
        assert_eq!(
            items.len(),
            full,
            "{app}: {what}, page {page} of {pages}: {got}"
        );
        rows.extend(items.iter().cloned());
        last = got["items"].clone();
    }
    // Past the end: the last page, not an empty one or an error.
    let past = call(Some((pages + 7).to_string())).await;
    assert_eq!(past["page"], pages, "{app}: {what}, past the end: {past}");
    let keys = |items: &serde_json::Value| -> Vec<String> {
        items
            .as_array()
            .map(|list| list.iter().map(|r| r[key].to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        keys(&past["items"]),
        keys(&last),
        "{app}: {what}, past the end: the last page"
    );
    rows
}

/// The rows' `key`, checked to be distinct (nothing shown twice).
pub fn distinct_keys(
    app: &TestApp,
    what: &str,
    rows: &[serde_json::Value],
    key: &str,
) -> Vec<String> {
    let keys: Vec<String> = rows
        .iter()
        .map(|r| match &r[key] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    let distinct: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(
        distinct.len(),
        keys.len(),
        "{app}: {what}: a row shows on two pages: {keys:?}"
    );
    keys
}
