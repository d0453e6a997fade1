//! The one error type that crosses the wire (`AppError`).
//!
//! Field problems name the field; refusals carry the rule and the remedy;
//! internal failures carry only a reference id (the details stay in the
//! server log).

use crate::domain::Rule;
use crate::i18n::{Lang, Text};
use leptos::server_fn::codec::JsonEncoding;
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

    /// The problems to show beside fields, if any.
    pub fn field_problems(&self) -> &[FieldProblem] {
        match self {
            AppError::Fields(problems) => problems,
            _ => &[],
        }
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
            AppError::Transport(_) => lang
                .pick(
                    "网络连接出现问题，您填写的内容已保留，请检查网络后重试。",
                    "The connection failed. What you entered is kept; please check your network and try again.",
                )
                .to_string(),
        }
    }
}

impl From<crate::domain::Refusal> for AppError {
    /// A domain rule's refusal, with its remedy.
    fn from(r: crate::domain::Refusal) -> AppError {
        let see_windows = r.remedy_zh.contains("注册窗口");
        AppError::NotAllowed(Refusal {
            rule: Text::new(r.rule_zh, r.rule_en),
            remedy: Text::new(r.remedy_zh, r.remedy_en),
            see_windows,
            near_district: None,
        })
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary(Lang::En))
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
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
