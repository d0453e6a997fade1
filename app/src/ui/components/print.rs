//! A button that opens the browser's print dialog (for receipts). Without
//! JavaScript it is not shown; the page says how to print instead.

use crate::i18n::Lang;
use leptos::prelude::*;

#[island]
pub fn PrintButton(lang: Lang) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <button
            class="button button--secondary no-print"
            type="button"
            hidden=move || !hydrated.get()
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                {
                    let _ = leptos::prelude::window().print();
                }
            }
        >
            {lang.pick("打印凭证", "Print the receipt")}
        </button>
    }
}
