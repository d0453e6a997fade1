//! One folder per feature (业务功能). Each holds:
//!
//! - `mod.rs` — the read and write models shared by the browser and the
//!   server (what crosses the wire besides [`crate::error::AppError`]);
//! - `port.rs` (ssr) — the trait(s) the store implements and their typed
//!   outcomes; a port imports only its feature's models and the domain;
//! - `service.rs` (ssr) — orchestration: the steps a server function takes,
//!   unit-tested against in-memory fakes of the ports where there is logic;
//! - `api.rs` — the `#[server]` functions, thin: parse, call the service,
//!   answer an `AppError`.
//!
//! The graph has no cycle: `domain` ← models ← `port` ← `crate::ports`
//! (the aggregate [`crate::ports::Ports`]) ← `service` ← `api` ← `ui`.

pub mod accounts;
pub mod api_keys;
pub mod applications;
pub mod bindings;
pub mod credentials;
pub mod exams;
pub mod fines;
pub mod learners;
pub mod licence_sharing;
pub mod messages;
pub mod paging;
pub mod photos;
pub mod physical_exams;
pub mod plates;
pub mod roaming;
pub mod staff;
pub mod supervision;
pub mod temporary_plates;
pub mod units;

#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod request;
