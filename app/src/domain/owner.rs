//! Who an account is in the registry (机动车所有人 / 驾驶人的身份): a
//! person by resident ID number, an organisation by unified social credit
//! code. Vehicles are registered in this name, licences held under it.

/// Whose name a vehicle is registered in (机动车所有人), or who an account is.
///
/// A person's number is personal data: `Debug` shows it masked
/// (110101********1237), so a log line that prints an account or a session
/// never carries it in full.
#[derive(Clone, PartialEq, Eq)]
pub enum OwnerKey {
    /// A person, by resident ID number.
    Person(String),
    /// An organisation, by unified social credit code.
    Organisation(String),
}

impl std::fmt::Debug for OwnerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OwnerKey::Person(id) => f
                .debug_tuple("Person")
                .field(&super::ResidentId::masked_or_stars(id))
                .finish(),
            OwnerKey::Organisation(code) => f.debug_tuple("Organisation").field(code).finish(),
        }
    }
}

impl OwnerKey {
    /// The resident ID number in full, for a person.
    pub fn person(&self) -> Option<&str> {
        match self {
            OwnerKey::Person(id) => Some(id),
            OwnerKey::Organisation(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_number_is_masked_when_printed() {
        let person = OwnerKey::Person("110101199003071233".into());
        assert_eq!(format!("{person:?}"), "Person(\"110101********1233\")");
        assert_eq!(person.person(), Some("110101199003071233"));
        let odd = OwnerKey::Person("11010119900307".into());
        assert_eq!(format!("{odd:?}"), "Person(\"****\")");
    }

    #[test]
    fn an_organisations_code_is_printed_as_it_is() {
        let unit = OwnerKey::Organisation("91130100MA0A0B0C0D".into());
        assert_eq!(format!("{unit:?}"), "Organisation(\"91130100MA0A0B0C0D\")");
        assert_eq!(unit.person(), None);
    }
}
