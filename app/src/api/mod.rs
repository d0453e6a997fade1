//! Server functions, one module per area. They stay thin: parse the input
//! into domain types, take the session's account, call a port, map errors.

pub mod applications;
pub mod auth;
pub mod contact;
pub mod exams;
pub mod messages;
pub mod password_reset;
pub mod photo;
pub mod plates;
pub mod registration;
pub mod staff;
pub mod vehicles;
pub mod violations;

use crate::domain::{IndividualKind, RegistrationChannel, SpecialService, StaffRole, UnitKind};
use serde::{Deserialize, Serialize};

/// A registration window (注册窗口).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegistrationWindow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// True for the unit-user window.
    pub serves_units: bool,
}

/// The logged-in account, as resolved from the session cookie on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAccount {
    pub account_id: i64,
    pub display_name: String,
    /// Masked phone number (e.g. 138****1234).
    pub phone_masked: String,
    pub role: AccountRole,
}

/// What kind of account it is (用户类别), with what it needs for permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountRole {
    /// 个人用户
    Individual {
        kind: IndividualKind,
        channel: RegistrationChannel,
        id_number_masked: String,
        /// Window that registered it, for window accounts.
        window: Option<String>,
    },
    /// 单位用户 (always window-registered)
    Unit {
        kind: UnitKind,
        credit_code: String,
        granted: Vec<SpecialService>,
        window: Option<String>,
    },
    /// 窗口民警 / 管理员
    Staff {
        role: StaffRole,
        window_id: Option<i64>,
        window: Option<String>,
    },
}

impl SessionAccount {
    pub fn is_staff(&self) -> bool {
        matches!(self.role, AccountRole::Staff { .. })
    }

    /// The domain's view of who is acting, for the eligibility rules
    /// (None for staff).
    pub fn service_actor(&self) -> Option<crate::domain::Actor> {
        use crate::domain::Actor;
        match &self.role {
            AccountRole::Individual { kind, channel, .. } => Some(Actor::Individual {
                kind: *kind,
                channel: *channel,
            }),
            AccountRole::Unit { kind, granted, .. } => Some(Actor::Unit {
                kind: *kind,
                granted: granted.clone(),
            }),
            AccountRole::Staff { .. } => None,
        }
    }

    /// The clerk's window id, when this is a clerk at a window.
    pub fn clerk_window(&self) -> Option<i64> {
        match self.role {
            AccountRole::Staff { window_id, .. } => window_id,
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Helpers for server functions: the ports, the session, the client.

    use super::SessionAccount;
    use crate::error::AppError;
    use crate::ports::{Actor, PortError, Ports};
    use leptos::prelude::*;

    /// Request extension set by the server's session layer.
    #[derive(Clone, Debug)]
    pub struct CurrentSession {
        pub token_hash: String,
        pub account: SessionAccount,
    }

    /// Request extension: the client's address as the server sees it.
    #[derive(Clone, Debug)]
    pub struct ClientIp(pub String);

    pub fn ports() -> Result<Ports, AppError> {
        use_context::<Ports>().ok_or_else(|| internal("ports missing from context", "no Ports"))
    }

    fn parts() -> Option<http::request::Parts> {
        use_context::<http::request::Parts>()
    }

    pub fn current_session() -> Option<CurrentSession> {
        parts().and_then(|p| p.extensions.get::<CurrentSession>().cloned())
    }

    pub fn current_account() -> Option<SessionAccount> {
        current_session().map(|s| s.account)
    }

    /// The account, or `NotLoggedIn`.
    pub fn require_account() -> Result<SessionAccount, AppError> {
        current_account().ok_or(AppError::NotLoggedIn)
    }

    pub fn client_ip() -> String {
        parts()
            .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
            .unwrap_or_else(|| "unknown".to_string())
    }

    pub fn user_agent() -> String {
        parts()
            .and_then(|p| {
                p.headers
                    .get(http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .map(|s| s.chars().take(200).collect())
            })
            .unwrap_or_default()
    }

    /// The staff account (窗口民警/管理员), or a refusal.
    pub fn require_staff() -> Result<SessionAccount, AppError> {
        let account = require_account()?;
        if account.is_staff() {
            Ok(account)
        } else {
            Err(AppError::not_allowed(
                crate::i18n::Text::new("该功能仅限民警使用。", "This is for staff only."),
                crate::i18n::Text::new("请使用民警账户登录。", "Log in with a staff account."),
            ))
        }
    }

    /// The actor for audit records: the logged-in account (if any) and address.
    pub fn actor() -> Actor {
        Actor {
            account_id: current_account().map(|a| a.account_id),
            ip: client_ip(),
        }
    }

    /// Logs an internal failure with context and returns the generic error
    /// with its reference id. SQL and other details never reach the browser.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
        let reference = reference_id();
        tracing::error!(reference = %reference, context, error = %err, "internal error");
        AppError::Internal { reference }
    }

    /// Maps an adapter failure to the generic error (logging it).
    pub fn port(context: &'static str) -> impl Fn(PortError) -> AppError {
        move |err| internal(context, err)
    }

    /// A short reference id for an error report, e.g. "E-7F3A9C21".
    pub fn reference_id() -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::time::{SystemTime, UNIX_EPOCH};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let mixed = (nanos ^ COUNTER.fetch_add(0x9E37_79B9, Ordering::Relaxed))
            .wrapping_mul(0x2545_F491_4F6C_DD1D);
        format!("E-{:08X}", (mixed >> 32) as u32)
    }

    /// Redirects a no-JavaScript form post (the browser follows it); a
    /// hydrated island navigates by itself.
    pub fn redirect_to(path: &str) {
        leptos_axum::redirect(path);
    }
}
