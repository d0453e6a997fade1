//! Why a roaming login, or a message of one, was refused (漫游登录被拒绝的
//! 原因): a stable code for the audit log and the login page's address, and
//! what the person is told in plain words, in both languages.

use crate::domain::jws::FormError;
use serde::{Deserialize, Serialize};

/// Why a roaming login (or a message of one) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a message of the expected kind.
    Malformed,
    /// Signed with another algorithm.
    Algorithm,
    /// From a platform not on the trust list.
    UnknownIssuer,
    /// Its key is not one the issuer published.
    UnknownKey,
    /// Changed after signing, or signed by someone else.
    BadSignature,
    /// Meant for another platform.
    WrongAudience,
    /// From another platform than the one asked.
    WrongIssuer,
    /// Its time is over (or it claims longer than the protocol allows).
    Expired,
    /// Issued in the future.
    NotYetValid,
    /// Seen before: each message is accepted once.
    Replayed,
    /// The browser that came back is not the one that left (state cookie
    /// missing or different), or the nonce does not match (or an answer
    /// names another request than the one it came back to).
    StateMismatch,
    /// The home platform did not accept the code (used, expired, for
    /// another platform).
    CodeRefused,
    /// The home platform could not be reached or answered nonsense.
    HomeUnreachable,
    /// The person has an account of their own on this platform.
    LocalAccount,
    /// The account here was disabled by this platform.
    Disabled,
    /// Only individual users roam (a unit registers where it works).
    NotIndividual,
    /// The assertion names another person than the roaming account it
    /// opens, or a person another province's account roams as.
    IdentityChanged,
    /// This platform failed (its database, say): logged with this
    /// reference number, which the person is shown (`E-` and 8 hex digits).
    Internal(u32),
}

impl Refusal {
    pub const ALL: [Refusal; 18] = [
        Refusal::Malformed,
        Refusal::Algorithm,
        Refusal::UnknownIssuer,
        Refusal::UnknownKey,
        Refusal::BadSignature,
        Refusal::WrongAudience,
        Refusal::WrongIssuer,
        Refusal::Expired,
        Refusal::NotYetValid,
        Refusal::Replayed,
        Refusal::StateMismatch,
        Refusal::CodeRefused,
        Refusal::HomeUnreachable,
        Refusal::LocalAccount,
        Refusal::Disabled,
        Refusal::NotIndividual,
        Refusal::IdentityChanged,
        Refusal::Internal(0),
    ];

    /// An internal failure, logged with `context` and a new reference.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Refusal {
        let n: u32 = rand::random();
        let refusal = Refusal::Internal(n);
        tracing::error!(reference = %refusal.reference().unwrap_or_default(), context, %error, "roaming: internal error");
        refusal
    }

    /// The reference of an internal failure, as the person is shown it.
    pub fn reference(self) -> Option<String> {
        match self {
            Refusal::Internal(n) => Some(crate::error::reference_text(n)),
            _ => None,
        }
    }

    /// An internal failure's reference as written in an address
    /// (`E-` and 8 hex digits), or `Internal(0)` when unreadable.
    pub fn internal_from_reference(reference: &str) -> Refusal {
        let n = reference
            .strip_prefix("E-")
            .filter(|hex| hex.len() == 8)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .unwrap_or(0);
        Refusal::Internal(n)
    }

    /// The stable code (audit detail, the login page's `?roaming=`).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::Algorithm => "algorithm",
            Refusal::UnknownIssuer => "unknown_issuer",
            Refusal::UnknownKey => "unknown_key",
            Refusal::BadSignature => "bad_signature",
            Refusal::WrongAudience => "wrong_audience",
            Refusal::WrongIssuer => "wrong_issuer",
            Refusal::Expired => "expired",
            Refusal::NotYetValid => "not_yet_valid",
            Refusal::Replayed => "replayed",
            Refusal::StateMismatch => "state_mismatch",
            Refusal::CodeRefused => "code_refused",
            Refusal::HomeUnreachable => "home_unreachable",
            Refusal::LocalAccount => "local_account",
            Refusal::Disabled => "disabled",
            Refusal::NotIndividual => "not_individual",
            Refusal::IdentityChanged => "identity_changed",
            Refusal::Internal(_) => "internal",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What the person is told, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Refusal::Malformed
            | Refusal::Algorithm
            | Refusal::UnknownKey
            | Refusal::BadSignature
            | Refusal::WrongAudience
            | Refusal::WrongIssuer
            | Refusal::NotYetValid
            | Refusal::Replayed => {
                "注册地平台发来的身份信息未通过核验，本次漫游登录未成功。请回到注册地平台重新发起；如多次出现，请拨打122咨询。"
            }
            Refusal::UnknownIssuer => {
                "本平台未与该省份的平台建立互信，不能用其账号登录。请在本平台注册后登录。"
            }
            Refusal::Expired => "登录已超时。请重新选择“用其他省份账号登录”。",
            Refusal::StateMismatch => {
                "本次登录不是从这个浏览器发起的，或已超过10分钟。为保护您的账户，请在本平台重新选择“用其他省份账号登录”。"
            }
            Refusal::CodeRefused => {
                "登录凭据已使用或已过期。请重新选择“用其他省份账号登录”。"
            }
            Refusal::HomeUnreachable => {
                "暂时无法连接注册地平台，请稍后再试，或先在本平台注册后登录。"
            }
            Refusal::LocalAccount => {
                "您已在本平台注册账户，请直接使用本平台的账户和密码登录。"
            }
            Refusal::Disabled => {
                "您在本平台的漫游账户已被停用。请携带身份证件到本平台的注册窗口办理。"
            }
            Refusal::NotIndividual => {
                "漫游登录仅适用于个人用户；单位用户请在业务所在地的单位注册窗口注册。"
            }
            Refusal::IdentityChanged => {
                "注册地平台发来的身份信息与您在本平台的漫游账户不一致，本次漫游登录未成功。请携带身份证件到本平台的注册窗口核实。"
            }
            Refusal::Internal(_) => {
                "本平台处理漫游登录时出错，本次登录未成功。请稍后重新选择“用其他省份账号登录”；如多次出现，请拨打122并告知下面的错误编号。"
            }
        }
    }

    /// What the person is told, in English.
    pub fn en(self) -> &'static str {
        match self {
            Refusal::Malformed
            | Refusal::Algorithm
            | Refusal::UnknownKey
            | Refusal::BadSignature
            | Refusal::WrongAudience
            | Refusal::WrongIssuer
            | Refusal::NotYetValid
            | Refusal::Replayed => {
                "The identity your home platform sent did not pass our checks, so this roaming login did not go through. Start again from your home platform; if it keeps happening, call 122."
            }
            Refusal::UnknownIssuer => {
                "This platform has no trust arrangement with that province's platform, so its accounts cannot log in here. Register here to log in."
            }
            Refusal::Expired => "The login took too long. Choose \"Log in with another province's account\" again.",
            Refusal::StateMismatch => {
                "This login was not started in this browser, or more than 10 minutes ago. To protect your account, choose \"Log in with another province's account\" here again."
            }
            Refusal::CodeRefused => {
                "The login code was already used or has expired. Choose \"Log in with another province's account\" again."
            }
            Refusal::HomeUnreachable => {
                "Your home platform cannot be reached right now. Try again later, or register here to log in."
            }
            Refusal::LocalAccount => {
                "You have an account on this platform: log in with its own ID number and password."
            }
            Refusal::Disabled => {
                "Your roaming account on this platform was disabled. Bring your ID to one of this platform's registration windows."
            }
            Refusal::NotIndividual => {
                "Only individual users can roam; a unit registers at the unit window where it does business."
            }
            Refusal::IdentityChanged => {
                "The identity your home platform sent does not match your roaming account here, so this login did not go through. Bring your ID to one of this platform's registration windows."
            }
            Refusal::Internal(_) => {
                "Something went wrong on this platform, so this roaming login did not go through. Choose \"Log in with another province's account\" again in a while; if it keeps happening, call 122 and give the error reference below."
            }
        }
    }
}

impl From<FormError> for Refusal {
    fn from(e: FormError) -> Self {
        match e {
            FormError::Malformed => Refusal::Malformed,
            FormError::Algorithm => Refusal::Algorithm,
        }
    }
}
