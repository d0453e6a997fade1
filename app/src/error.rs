//! The one error type that crosses the wire (`AppError`).
//!
//! Field problems name the field; refusals carry the rule and the remedy;
//! internal failures carry only a reference id (the details stay in the
//! server log).

use crate::domain::Rule;
use crate::i18n::{Lang, Text};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One wrong form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The form field's name (and the id of its input element).
    pub field: String,
    pub message: Text,
}

impl FieldProblem {
    pub fn new(field: &str, message: Text) -> FieldProblem {
        FieldProblem {
            field: field.to_string(),
            message,
        }
    }

    /// A broken domain rule on `field`.
    pub fn rule(field: &str, rule: &impl Rule) -> FieldProblem {
        FieldProblem::new(field, Text::new(rule.zh(), rule.en()))
    }
}

/// Why something is not allowed, and what the person can do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub rule: Text,
    pub remedy: Text,
    /// Show the list of registration windows with the remedy.
    pub see_windows: bool,
    /// The district (区/县) of the person's address on record, so that the
    /// windows there are shown first (boxed: errors stay small).
    #[serde(default)]
    pub near_district: Option<Box<str>>,
}

/// Every error a server function can return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// One or more fields are wrong (输入有误).
    Fields(Vec<FieldProblem>),
    /// A rule forbids this (不予办理) — with the remedy.
    NotAllowed(Refusal),
    /// Not logged in, or the session ended (请先登录).
    NotLoggedIn,
    /// The thing does not exist or is not the person's.
    NotFound(Text),
    /// It clashes with what is already recorded (e.g. already registered).
    Conflict(Text),
    /// Too many attempts; try again after the given seconds.
    RateLimited {
        retry_after_secs: u64,
        message: Text,
    },
    /// Something failed inside; the reference id finds the log entry.
    Internal { reference: String },
    /// The request's arguments could not be read (a malformed or tampered
    /// request, not the person's typing): 请求格式不正确.
    Malformed(String),
    /// The request did not reach the server or could not be read.
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: Text) -> AppError {
        AppError::Fields(vec![FieldProblem::new(field, message)])
    }

    pub fn not_allowed(rule: Text, remedy: Text) -> AppError {
        AppError::NotAllowed(Refusal {
            rule,
            remedy,
            see_windows: false,
            near_district: None,
        })
    }

    /// The HTTP status a server function answers with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Fields(_) | AppError::Malformed(_) => 400,
            AppError::NotLoggedIn => 401,
            AppError::NotAllowed(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// Seconds to wait before trying again (`Retry-After`), if any.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited {
                retry_after_secs, ..
            } if *retry_after_secs > 0 => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The problems to show beside fields, if any.
    pub fn field_problems(&self) -> &[FieldProblem] {
        match self {
            AppError::Fields(problems) => problems,
            _ => &[],
        }
    }

    /// True when a problem concerns one of these fields (e.g. the answers
    /// of a form's first step, to take the person back there).
    pub fn concerns_any(&self, fields: &[&str]) -> bool {
        self.field_problems()
            .iter()
            .any(|p| fields.contains(&p.field.as_str()))
    }

    /// The headline message for the error summary.
    pub fn summary(&self, lang: Lang) -> String {
        match self {
            AppError::Fields(_) => lang
                .pick("请修改以下内容后再提交", "Please correct the following")
                .to_string(),
            AppError::NotAllowed(refusal) => {
                format!("{} {}", refusal.rule.get(lang), refusal.remedy.get(lang))
            }
            AppError::NotLoggedIn => lang
                .pick(
                    "您尚未登录或登录已过期，请重新登录。",
                    "You are not logged in or your session has ended. Please log in again.",
                )
                .to_string(),
            AppError::NotFound(text) | AppError::Conflict(text) => text.get(lang).to_string(),
            AppError::RateLimited { message, .. } => message.get(lang).to_string(),
            AppError::Internal { reference } => match lang {
                Lang::Zh => format!("系统繁忙，请稍后再试。如需咨询，请提供参考编号 {reference}。"),
                Lang::En => format!(
                    "Something went wrong on our side. Please try again later. If you contact us, quote reference {reference}."
                ),
            },
            AppError::Malformed(_) => lang
                .pick(
                    "请求格式不正确，请刷新页面后重新填写提交。",
                    "The request was malformed. Please reload the page and submit the form again.",
                )
                .to_string(),
            AppError::Transport(_) => lang
                .pick(
                    "网络连接出现问题，您填写的内容已保留，请检查网络后重试。",
                    "The connection failed. What you entered is kept; please check your network and try again.",
                )
                .to_string(),
        }
    }
}

impl From<crate::domain::Refusal> for Refusal {
    /// A domain rule's refusal in the form that crosses the wire.
    fn from(r: crate::domain::Refusal) -> Refusal {
        let see_windows = r.remedy_zh.contains("注册窗口");
        Refusal {
            rule: Text::new(r.rule_zh, r.rule_en),
            remedy: Text::new(r.remedy_zh, r.remedy_en),
            see_windows,
            near_district: None,
        }
    }
}

impl From<crate::domain::Refusal> for AppError {
    /// A domain rule's refusal, with its remedy.
    fn from(r: crate::domain::Refusal) -> AppError {
        AppError::NotAllowed(r.into())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary(Lang::En))
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = crate::wire::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not read the arguments: the request, not the
            // network, is at fault.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                AppError::Malformed(detail)
            }
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => AppError::Malformed(detail),
            other => AppError::Transport(other.to_string()),
        }
    }

    /// Every error a server function answers is encoded here, once: on the
    /// server this is where its HTTP status is set.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        server::set_response_status(self);
        use crate::wire::JsonText;
        use leptos::server_fn::Encodes;
        JsonText::encode(self).unwrap_or_else(|e| {
            JsonText::encode(&AppError::Transport(e.to_string()))
                .expect("a plain error variant always encodes")
        })
    }
}

/// Collects field problems while parsing a form, so that every mistake is
/// reported at once.
#[derive(Default)]
pub struct FieldCheck {
    problems: Vec<FieldProblem>,
}

impl FieldCheck {
    pub fn new() -> FieldCheck {
        FieldCheck::default()
    }

    /// Parses one field; on failure records the rule against `field`.
    pub fn take<T, E: Rule>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(rule) => {
                self.problems.push(FieldProblem::rule(field, &rule));
                None
            }
        }
    }

    /// As [`FieldCheck::take`], for a parser that answers its message.
    pub fn take_text<T>(&mut self, field: &str, parsed: Result<T, Text>) -> Option<T> {
        parsed.map_err(|message| self.push(field, message)).ok()
    }

    pub fn push(&mut self, field: &str, message: Text) {
        self.problems.push(FieldProblem::new(field, message));
    }

    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Err with every problem found, or Ok when there were none.
    pub fn finish(self) -> Result<(), AppError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Fields(self.problems))
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::internal;

/// An error report's reference as shown: `E-` and 8 hex digits
/// ("E-7F3A9C21").
pub fn reference_text(n: u32) -> String {
    format!("E-{n:08X}")
}

#[cfg(feature = "ssr")]
mod server {
    //! The server's side of errors: the reference ids, adapter failures,
    //! the response status.

    use super::AppError;
    use crate::port_error::PortError;

    impl From<PortError> for AppError {
        /// An adapter failure becomes the generic error with a reference id;
        /// the log gets the failure and where in the code it surfaced (the
        /// `?` that converted it).
        #[track_caller]
        fn from(err: PortError) -> AppError {
            let at = std::panic::Location::caller();
            internal(&format!("{}:{}", at.file(), at.line()), err)
        }
    }

    /// Logs an internal failure with context and returns the generic error
    /// with its reference id. SQL and other details never reach the browser.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
        let reference = reference_id();
        tracing::error!(reference = %reference, context, error = %err, "internal error");
        AppError::Internal { reference }
    }

    /// A short reference id for an error report, e.g. "E-7F3A9C21".
    pub fn reference_id() -> String {
        super::reference_text(rand::random())
    }

    /// Sets the status (and `Retry-After`) of the server function's
    /// response. A form posted without JavaScript is left alone: it is
    /// redirected back to the form with the error in the query, and a
    /// browser only follows a redirect.
    pub(super) fn set_response_status(err: &AppError) {
        use leptos::prelude::use_context;
        let plain_form = use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        if plain_form {
            return;
        }
        if let Ok(status) = http::StatusCode::from_u16(err.status()) {
            response.set_status(status);
        }
        if let Some(secs) = err.retry_after_secs() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status() {
        let text = || Text::new("", "");
        let refusal = AppError::not_allowed(text(), text());
        let limited = AppError::RateLimited {
            retry_after_secs: 30,
            message: text(),
        };
        let statuses = [
            (AppError::field("x", text()), 400),
            (AppError::Malformed(String::new()), 400),
            (AppError::NotLoggedIn, 401),
            (refusal, 403),
            (AppError::NotFound(text()), 404),
            (AppError::Conflict(text()), 409),
            (limited.clone(), 429),
            (
                AppError::Internal {
                    reference: "E-1".into(),
                },
                500,
            ),
        ];
        for (error, status) in statuses {
            assert_eq!(error.status(), status, "{error:?}");
        }
        assert_eq!(limited.retry_after_secs(), Some(30));
        assert_eq!(AppError::NotLoggedIn.retry_after_secs(), None);
    }

    #[test]
    fn unreadable_arguments_are_a_malformed_request_not_the_network() {
        let args = AppError::from_server_fn_error(ServerFnErrorErr::Args("subject".into()));
        assert_eq!(args, AppError::Malformed("subject".into()));
        let missing = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("x".into()));
        assert_eq!(missing.status(), 400);
        assert!(missing.summary(Lang::Zh).contains("请求格式不正确"));
        let network = AppError::from_server_fn_error(ServerFnErrorErr::Request("down".into()));
        assert!(matches!(network, AppError::Transport(_)));
    }
}
