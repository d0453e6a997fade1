//! What a person typed, kept in this browser tab (`sessionStorage`) so that
//! a reload in the middle of a multi-step form does not lose it. Only plain
//! fields are kept — never passwords or codes — and they go when the tab is
//! closed or the form is finished. On the server these do nothing.

/// Keeps `values` under `key` (values are single-line form fields).
pub fn remember(key: &str, values: &[&str]) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, &values.join("\n"));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, values);
}

/// The values kept under `key`, if any.
pub fn recall(key: &str) -> Option<Vec<String>> {
    #[cfg(feature = "hydrate")]
    {
        let text = storage()?.get_item(key).ok()??;
        Some(text.split('\n').map(str::to_string).collect())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Forgets what was kept under `key`.
pub fn forget(key: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Milliseconds since the epoch, in the browser (0 on the server).
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        leptos::web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}
