//! The features' parsers of what people type and what browsers send back:
//! the login identifier, the identity fields of registration and password
//! reset, the supervision look-up, the typed-identity cookie, staff
//! usernames and police numbers, refund references, withheld series (by
//! way of the custom serial check), service codes and typed VINs.

use super::*;
use crate::domain::application::APPLICATION_SERVICES;
use crate::domain::{CreditCode, PhoneNumber, ResidentId, ServiceCode};
use crate::error::AppError;
use crate::features::accounts::port::LoginIdentifier;
use crate::features::accounts::service::login::parse_identifier;
use crate::features::accounts::service::password_reset;
use crate::features::accounts::service::registration::{self, TypedIdentity};
use crate::features::applications::service::parse_service;
use crate::features::fines::refunds::parse_reference;
use crate::features::plates::service::typed_vin;
use crate::features::staff::admin::{parse_police_no, parse_username};
use crate::features::supervision::port::AccountQuery;
use crate::features::supervision::service::parse_query;

/// An ID number, a credit code, a phone number, a username or anything.
fn identifier() -> BoxedStrategy<String> {
    prop_oneof![
        Just("130104199001010018".to_string()),
        Just("91130100MA0A1B2C3X".to_string()),
        Just("91350100M000100Y43".to_string()),
        Just("+86 138 0311 2233".to_string()),
        "[a-z][a-z0-9_-]{2,15}",
        any_input("0123456789XxANY", 24),
    ]
    .boxed()
}

/// Every field an error names is one of `fields`.
fn names_only(e: &AppError, fields: &[&str]) -> bool {
    match e {
        AppError::Fields(problems) => {
            !problems.is_empty() && problems.iter().all(|p| fields.contains(&p.field.as_str()))
        }
        _ => true,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn login_identifiers_take_any_input(s in identifier()) {
        match parse_identifier(&s) {
            Ok(LoginIdentifier::IdNumber(id)) => prop_assert_eq!(ResidentId::parse(&s), Ok(id)),
            Ok(LoginIdentifier::CreditCode(code)) => {
                prop_assert!(ResidentId::parse(&s).is_err());
                prop_assert_eq!(CreditCode::parse(&s), Ok(code));
            }
            Ok(LoginIdentifier::Phone(phone)) => prop_assert_eq!(PhoneNumber::parse(&s), Ok(phone)),
            Ok(LoginIdentifier::StaffUsername(name)) => {
                prop_assert!(name.len() <= 32 && name.is_ascii());
                prop_assert_eq!(name.clone(), name.to_ascii_lowercase());
            }
            Ok(LoginIdentifier::Operator { .. }) => {
                prop_assert!(false, "the login page never parses an operator: {}", s);
            }
            Err(e) => prop_assert!(names_only(&e, &["identifier"])),
        }
    }

    #[test]
    fn every_staff_username_logs_in_as_itself(s in any_input("abcxyz0123456789_-", 20)) {
        if let Ok(name) = parse_username(&s) {
            prop_assert!((3..=16).contains(&name.len()));
            prop_assert!(name.starts_with(|c: char| c.is_ascii_lowercase()));
            prop_assert_eq!(parse_username(&name), Ok(name.clone()));
            let read = parse_identifier(&name);
            prop_assert!(
                matches!(&read, Ok(LoginIdentifier::StaffUsername(n)) if *n == name),
                "{:?} logs in as {:?}", name, read
            );
            prop_assert!(matches!(
                password_reset::parse_identity(&name, "13803112233"),
                Err(AppError::NotAllowed(_))
            ));
        }
    }

    #[test]
    fn police_numbers_and_refund_references_take_any_input(
        no in any_input("0123456789", 8),
        reference in any_input("0123456789ABCDEFabc-", 44),
    ) {
        if let Ok(n) = parse_police_no(&no) {
            prop_assert!(n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(parse_police_no(&n), Ok(n.clone()));
        }
        match parse_reference(&reference) {
            Ok(r) => {
                prop_assert!((4..=40).contains(&r.len()));
                prop_assert!(r.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-'));
                prop_assert_eq!(parse_reference(&r), Ok(r.clone()));
            }
            Err(e) => prop_assert!(names_only(&e, &["reference"])),
        }
    }

    #[test]
    fn identity_fields_take_any_input(
        kind in prop_oneof![Just("owner_or_driver".to_string()), any_input("abc_", 20)],
        id in identifier(),
        name in any_input("张王伟 ·", 8),
        phone in identifier(),
    ) {
        match registration::parse_identity(&kind, &id, &name, &phone) {
            Ok(who) => {
                prop_assert_eq!(ResidentId::parse(&id), Ok(who.id));
                prop_assert_eq!(PhoneNumber::parse(&phone), Ok(who.phone));
            }
            Err(e) => prop_assert!(names_only(&e, &["kind", "id_number", "name", "phone"])),
        }
        match password_reset::parse_identity(&id, &phone) {
            Ok((who, number)) => {
                prop_assert_eq!(ResidentId::parse(&id), Ok(who));
                prop_assert_eq!(PhoneNumber::parse(&phone), Ok(number));
            }
            Err(e) => prop_assert!(names_only(&e, &["id_number", "phone"])),
        }
        match parse_query(&id) {
            Ok(AccountQuery::IdNumber(who)) => prop_assert_eq!(ResidentId::parse(&id), Ok(who)),
            Ok(AccountQuery::CreditCode(code)) => prop_assert_eq!(CreditCode::parse(&id), Ok(code)),
            Ok(AccountQuery::Phone(number)) => prop_assert_eq!(PhoneNumber::parse(&id), Ok(number)),
            Err(e) => prop_assert!(names_only(&e, &["query"])),
        }
    }

    #[test]
    fn the_typed_identity_cookie_reads_back(
        kind in "[a-z_]{1,20}",
        id_number in any_input("0123456789Xx ", 40),
        name in any_input("张三李四 ;=,%~+&", 60),
        phone in any_input("+86 0123456789-", 30),
    ) {
        let typed = TypedIdentity { kind, id_number, name, phone };
        let value = typed.to_cookie();
        // What is kept: the first 40, 60 and 30 characters.
        let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        let kept = TypedIdentity {
            id_number: cut(&typed.id_number, 40),
            name: cut(&typed.name, 60),
            phone: cut(&typed.phone, 30),
            ..typed
        };
        prop_assert!(
            value.bytes().all(|b| b.is_ascii_graphic() && !b"\";,\\%".contains(&b)),
            "not cookie-safe: {}", value
        );
        prop_assert_eq!(TypedIdentity::from_cookie(&value), Some(kept));
    }

    #[test]
    fn the_typed_identity_cookie_takes_any_value(s in any_input("kinp=&~%+7E", 40)) {
        if let Some(typed) = TypedIdentity::from_cookie(&s) {
            prop_assert!(!typed.kind.is_empty());
        }
    }

    #[test]
    fn service_codes_and_typed_vins_take_any_input(s in any_input("ABCDEFGH0123456789 ", 20)) {
        match parse_service(&s) {
            Ok(service) => {
                prop_assert!(APPLICATION_SERVICES.contains(&service));
                prop_assert_eq!(ServiceCode::from_code(s.trim()), Some(service));
            }
            Err(e) => prop_assert!(matches!(e, AppError::NotFound(_))),
        }
        let vin = typed_vin(&s);
        prop_assert_eq!(typed_vin(&vin), vin);
    }
}
