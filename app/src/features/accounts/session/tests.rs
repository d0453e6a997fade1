//! The session's account: what it shows and what it keeps to the server.

use super::*;
use crate::domain::{IndividualKind, OwnerKey, RegistrationChannel};
use crate::features::accounts::AccountRole;

fn record(phone: &str, id_number: Option<&str>) -> AccountOnRecord {
    AccountOnRecord {
        account_id: 3,
        display_name: "张三".into(),
        phone: phone.into(),
        id_number: id_number.map(Into::into),
        role: AccountRole::Individual {
            kind: IndividualKind::OwnerOrDriver,
            channel: RegistrationChannel::Online,
            window: None,
        },
        roaming_from: None,
    }
}

#[test]
fn the_session_shows_numbers_masked_and_never_in_full() {
    let shown = session_account_of(record("13800001234", Some("110101199003071233")));
    assert_eq!(shown.phone_masked, "138****1234");
    assert_eq!(
        shown.id_number_masked.as_deref(),
        Some("110101********1233")
    );
    // A value the domain refuses is stars, not echoed back.
    let odd = session_account_of(record("1380000", Some("11010119900307")));
    assert_eq!(odd.phone_masked, "****");
    assert_eq!(odd.id_number_masked.as_deref(), Some("****"));
    assert_eq!(
        session_account_of(record("13800001234", None)).id_number_masked,
        None
    );
}

#[test]
fn the_session_knows_who_the_account_is_but_never_shows_it() {
    let person = session_account_of(record("13800001234", Some("110101199003071233")));
    assert_eq!(person.person_id(), Some("110101199003071233"));
    // Not to a browser, and not to a log line.
    let json = serde_json::to_string(&person).expect("serialises");
    assert!(!json.contains("199003071233"), "{json}");
    assert!(!format!("{person:?}").contains("199003071233"));
    let back: SessionAccount = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back.owner, None);

    let mut unit = record("13800001234", None);
    unit.role = AccountRole::Unit {
        kind: crate::domain::UnitKind::CarDealer,
        credit_code: "91130100MA0A0B0C0D".into(),
        granted: Vec::new(),
        window: None,
    };
    assert_eq!(
        session_account_of(unit).registry_owner().ok(),
        Some(OwnerKey::Organisation("91130100MA0A0B0C0D".into()))
    );
    let mut staff = record("13800001234", None);
    staff.role = AccountRole::Staff {
        role: crate::domain::StaffRole::WindowClerk,
        window_id: Some(1),
        window: None,
        serves_units: false,
    };
    assert!(matches!(
        session_account_of(staff).registry_owner(),
        Err(AppError::NotLoggedIn)
    ));
    // An individual's account without its number is no one.
    assert_eq!(session_account_of(record("13800001234", None)).owner, None);
}
