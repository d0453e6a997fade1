//! Signed credentials anyone can check (电子凭证): the electronic driving
//! licence (电子驾驶证) on the holder's licence page, its QR code carrying a
//! credential signed with the platform's key, and the public verification
//! page (电子凭证核验) that checks the signature, the dates and revocation:
//! in this platform's records for its own credentials, by asking the
//! issuer for a trusted peer's (`roaming::service`). The format and its
//! checks are in `domain::credential`; the keys and the trust list are the
//! server's (`server::signing`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::credential::{Claims, LicenceFacts, Refusal};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// The electronic licence as the holder's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ElectronicLicence {
    /// The QR code and what it says.
    Shown(Box<LicenceCode>),
    /// No licence is bound (the licence page asks to bind it first).
    NotBound,
    /// Why there is none: the licence is no longer in force.
    Unavailable(Text),
}

/// A credential of the holder's licence, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceCode {
    pub facts: LicenceFacts,
    /// The verification address the QR code carries.
    pub verify_url: String,
    pub qr_svg: String,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What the verification page found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    Genuine(Box<Verified>),
    Refused(Refusal),
}

/// A credential that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub claims: Claims,
    /// The key that signed it.
    pub kid: String,
    pub issuer_zh: String,
    pub issuer_en: String,
    /// Where revocation (and the licence's status now) was checked.
    pub revocation: RevocationCheck,
    /// The licence's status now (GA code), as this platform's records or
    /// the issuer's answer say it; `None` when neither was asked, or the
    /// register no longer has the licence.
    pub licence_status_now: Option<String>,
}

/// Where a genuine credential's revocation was checked (作废核验).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevocationCheck {
    /// Issued by this platform: checked in its own records (本平台记录).
    OurRecords,
    /// Issued by a trusted peer, which answered (签发平台答复).
    IssuerAnswered,
    /// Issued by a trusted peer that could not be asked, refused, or
    /// answered something that did not check: signature and dates only
    /// (未能向签发平台核实).
    IssuerUnreachable,
}

impl RevocationCheck {
    /// A stable code (the page's `data-revocation`, the tests).
    pub fn code(self) -> &'static str {
        match self {
            RevocationCheck::OurRecords => "our_records",
            RevocationCheck::IssuerAnswered => "issuer_answered",
            RevocationCheck::IssuerUnreachable => "issuer_unreachable",
        }
    }
}
