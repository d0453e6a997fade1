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
//! - `error` — the one error type that crosses the wire, its HTTP status.
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
pub mod ui;

pub use ui::{shell, App};

/// The old `app::api::…` paths.
// TEMPORARY: removed when server/ imports move
#[allow(unused_imports)]
pub mod api {
    pub use crate::features::accounts::{AccountRole, RegistrationWindow, SessionAccount};

    #[cfg(feature = "ssr")]
    pub mod server {
        pub use crate::error::internal;
        pub use crate::features::accounts::session::*;
        pub use crate::features::request::*;
    }
    pub mod applications {
        pub use crate::features::applications::api::*;
        pub use crate::features::applications::*;
    }
    pub mod auth {
        pub use crate::features::accounts::api::*;
    }
    pub mod contact {
        pub use crate::features::accounts::api::*;
    }
    pub mod exams {
        pub use crate::features::exams::api::*;
        pub use crate::features::exams::*;
    }
    pub mod messages {
        pub use crate::features::messages::api::*;
        pub use crate::features::messages::*;
    }
    pub mod password_reset {
        pub use crate::features::accounts::api::*;
        pub use crate::features::accounts::{ResetCodeSent, AFTER_RESET};
    }
    pub mod photo {
        pub use crate::features::photos::api::*;
        #[cfg(feature = "ssr")]
        pub use crate::features::photos::service::photo_holder;
        pub use crate::features::photos::*;
    }
    pub mod plates {
        pub use crate::features::plates::api::*;
        pub use crate::features::plates::*;
    }
    pub mod registration {
        pub use crate::features::accounts::api::*;
        pub use crate::features::accounts::CodeSent;
    }
    pub mod staff {
        pub use crate::features::staff::api::*;
    }
    pub mod vehicles {
        pub use crate::features::bindings::api::*;
        pub use crate::features::bindings::*;
    }
    pub mod violations {
        pub use crate::features::fines::api::*;
        pub use crate::features::fines::*;
    }
}

/// Entry point of the WASM bundle: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
