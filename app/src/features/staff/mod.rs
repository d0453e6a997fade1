//! The staff console's window registration (窗口注册) of individuals and
//! units, SPEC §2. (The clerk's side of applications and exam sessions is
//! in those features.)

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
