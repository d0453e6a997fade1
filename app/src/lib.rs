//! The platform's shared crate: domain rules, the wire contract (server
//! functions and their types) and the user interface.
//!
//! Where things live:
//! - `domain/` — the traffic-management rules in plain Rust (no IO), shared by
//!   the browser and the server.
//! - `features/<area>/` — one folder per feature (accounts, bindings, fines,
//!   applications, photos, plates, exams, staff, messages): `mod.rs` the
//!   models both sides share, `port.rs` (ssr) the traits the store
//!   implements, `service.rs` (ssr) the orchestration, `api.rs` the thin
//!   `#[server]` functions. See [`features`].
//! - `ports` (ssr) — every feature's port in one place and the [`ports::Ports`]
//!   value the server provides as context.
//! - `error` — the one error type that crosses the wire, its HTTP status;
//!   `wire` — how answers are encoded (JSON read as text).
//! - `ui/` — pages and components. The app is rendered on the server; only
//!   the interactive parts (`#[island]`) are hydrated in WASM.
//!
//! Dependencies point one way: `domain` ← feature models ← ports ← services
//! ← server functions ← `ui`.

pub mod domain;
pub mod error;
pub mod features;
pub mod i18n;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod port_error;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod profile;
pub mod ui;
pub mod wire;

pub use ui::{shell, App};

/// Entry point of the WASM bundle: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
