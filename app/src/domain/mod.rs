//! The traffic-management rules (交通管理业务规则) in plain Rust: no IO, no
//! framework. Parsed newtypes — a value that exists is valid — and the
//! service catalogue with its eligibility rules. Shared by the WASM client
//! (to explain mistakes early) and the server (which decides).

pub mod account;
pub mod api_key;
pub mod application;
pub mod audit;
pub mod binding;
pub mod blacklist;
pub mod credential;
pub mod credit_code;
pub mod csv;
pub mod date;
pub mod device;
pub mod exam;
pub mod fleet;
pub mod fulfilment;
pub mod identity;
pub mod jws;
pub mod learner_entry;
pub mod licence;
pub mod organisation_code;
pub mod owner;
pub mod password;
pub mod photo;
pub mod physical_exam;
pub mod plate;
pub mod plate_pool;
pub mod plate_selection;
#[cfg(test)]
mod proptests;
pub mod roaming;
pub mod services;
pub mod share_code;
pub mod sms;
pub mod staff;
pub mod temporary_plate;
pub mod text;
pub mod totp;
pub mod unit_driver;
pub mod unit_operator;
pub mod vehicle;
pub mod violation;
pub mod window;

pub use account::{IndividualKind, RegistrationChannel, SpecialService, UnitKind};
pub use credit_code::CreditCode;
pub use date::Date;
pub use identity::{PersonName, PhoneNumber, ResidentId, Sex};
pub use licence::{LicenceClass, LicenceNumber, LicenceStatus};
pub use organisation_code::OrganisationCode;
pub use owner::OwnerKey;
pub use password::Password;
pub use plate::PlateNumber;
pub use services::{may_use, Actor, Refusal, ServiceCode};
pub use sms::{Sms, SmsTemplate};
pub use staff::{StaffPower, StaffRole};
pub use vehicle::{VehicleStatus, VehicleType, Vin};
pub use violation::{BindingKind, ViolationFacts, ViolationStatus};

/// A broken domain rule, explained in both languages.
pub trait Rule {
    /// Stable machine code, e.g. "resident_id.check_digit".
    fn code(&self) -> &'static str;
    /// Plain Chinese sentence for a citizen.
    fn zh(&self) -> String;
    /// Plain English sentence.
    fn en(&self) -> String;
}

/// Implements `Rule` for an error enum from a table of
/// `Variant => (code, zh, en)`; messages may use the variant's fields.
macro_rules! rules {
    ($ty:ty { $($pat:pat => ($code:expr, $zh:expr, $en:expr)),+ $(,)? }) => {
        impl $crate::domain::Rule for $ty {
            fn code(&self) -> &'static str {
                #[allow(unused_variables)]
                match self { $($pat => $code),+ }
            }
            fn zh(&self) -> String {
                #[allow(unused_variables)]
                match self { $($pat => format!($zh)),+ }
            }
            fn en(&self) -> String {
                #[allow(unused_variables)]
                match self { $($pat => format!($en)),+ }
            }
        }
    };
}
pub(crate) use rules;

/// Implements `as_str`, Display, serde via String (deserialising validates)
/// for a string newtype with a `parse` constructor.
macro_rules! string_newtype {
    ($ty:ident) => {
        impl $ty {
            /// The canonical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0
            }
        }
        impl TryFrom<String> for $ty {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $ty::parse(&s).map_err(|e| $crate::domain::Rule::en(&e))
            }
        }
    };
}
pub(crate) use string_newtype;

/// Implements code/from_code/zh/en/ALL for a plain enum from a table.
macro_rules! coded_enum {
    ($ty:ident { $($variant:ident => ($code:expr, $zh:expr, $en:expr)),+ $(,)? }) => {
        impl $ty {
            /// Every value, in display order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            /// Stable code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<$ty> {
                match code { $($code => Some($ty::$variant),)+ _ => None }
            }
            /// Official Chinese term.
            pub fn zh(self) -> &'static str {
                match self { $($ty::$variant => $zh),+ }
            }
            pub fn en(self) -> &'static str {
                match self { $($ty::$variant => $en),+ }
            }
        }
    };
}
pub(crate) use coded_enum;
