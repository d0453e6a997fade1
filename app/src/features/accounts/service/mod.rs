//! The accounts feature's orchestration, one file per journey, and what
//! the journeys share: the one-time code field and its messages.

pub mod contact;
pub mod devices;
pub mod login;
pub mod password_reset;
pub mod registration;

use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::CodeRejection;
use crate::i18n::Text;
use crate::ports::Ports;

/// The 6 digits of a one-time code as typed (full-width digits, spaces and
/// dashes allowed), or a problem on the code field.
pub fn code_field(check: &mut FieldCheck, code: &str) -> Option<String> {
    match crate::domain::text::code_digits(code) {
        Some(digits) if digits.len() == crate::policy::SMS_CODE_DIGITS => Some(digits),
        _ => {
            check.push(
                "code",
                Text::new(
                    "请输入短信中的6位数字验证码",
                    "Enter the 6-digit code from the text message",
                ),
            );
            None
        }
    }
}

/// Codes were asked for too often: wait.
pub fn wait_for_code(wait_secs: i64) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait_secs.max(1) as u64,
        message: Text::new(
            format!("获取验证码过于频繁，请{wait_secs}秒后再试"),
            format!("Codes were requested too often. Try again in {wait_secs} seconds."),
        ),
    }
}

/// Checks the one-time code sent for this purpose and subject and uses it
/// up; a wrong or dead code is a problem on the code field.
pub async fn use_code(
    ports: &Ports,
    phone: &crate::domain::PhoneNumber,
    purpose: &str,
    subject: &str,
    code: &str,
) -> Result<(), AppError> {
    let now = ports.clock.now_ms();
    ports
        .sms
        .use_code(phone, purpose, subject, code.trim(), now)
        .await?
        .map_err(|rejection| rejection.into_field_error("code"))
}

impl CodeRejection {
    /// The error to show on the code field (the same words everywhere a
    /// code is typed).
    pub fn into_field_error(self, field: &str) -> AppError {
        let message = match self {
            CodeRejection::NoLiveCode => Text::new(
                "验证码已过期或已使用，请重新获取验证码",
                "The code has expired or was already used. Ask for a new code.",
            ),
            CodeRejection::Wrong { attempts_left } => Text::new(
                format!("验证码不正确，还可以再试{attempts_left}次"),
                format!("The code is wrong. You have {attempts_left} more tries."),
            ),
            CodeRejection::Exhausted => Text::new(
                "验证码错误次数过多已失效，请重新获取验证码",
                "Too many wrong tries: the code is void. Ask for a new code.",
            ),
        };
        AppError::field(field, message)
    }
}
