//! The platform's shared crate: domain rules, the wire contract (server
//! functions and their types) and the user interface.
//!
//! Where things live:
//! - `domain/` — the traffic-management rules in plain Rust (no IO), shared by
//!   the browser and the server.
//! - `api/` — server functions, thin: parse, authorise, call a port.
//! - `ports` — the traits the server crate implements (ssr only).
//! - `ui/` — pages and components. The app is rendered on the server; only
//!   the interactive parts (`#[island]`) are hydrated in WASM.

pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod port_error;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod ui;

pub use ui::{shell, App};

/// Entry point of the WASM bundle: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
