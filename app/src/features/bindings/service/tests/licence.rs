//! The binding desk and the driving licence (我的驾驶证): found under the
//! holder's ID number, bound once, and none for units.

use super::*;

fn licence() -> MyLicence {
    let day = |y, m, d| crate::domain::Date::new(y, m, d).expect("a date");
    MyLicence {
        class: crate::domain::LicenceClass::C1,
        first_issued: day(2016, 3, 1),
        valid_from: day(2022, 3, 1),
        valid_until: day(2032, 3, 1),
        points: 0,
        cycle_ends: day(2027, 3, 1),
        status: crate::domain::LicenceStatus::Valid,
        review_due: None,
        physical_due: None,
        issuing_authority: "河北省石家庄市公安局交通警察支队".into(),
        bound: false,
    }
}

#[test]
fn the_licence_is_found_under_the_holders_id_and_bound() {
    let fake = FakeRegistry {
        licence: Some(licence()),
        ..registry()
    };
    assert_eq!(
        block_on(desk(&fake).licence(&window())),
        Ok(Some(licence()))
    );
    block_on(desk(&fake).bind_licence(&window(), &actor())).expect("bound");
    let looked_up = Call::Licence {
        account_id: 1,
        id_number: HOLDER_ID.into(),
    };
    assert_eq!(
        fake.calls(),
        [
            looked_up.clone(),
            looked_up,
            Call::BindLicence {
                account_id: 1,
                id_number: HOLDER_ID.into()
            }
        ]
    );
    *fake.bind_refusal.lock().unwrap() = Some(BindRejection::AlreadyBound);
    assert!(matches!(
        block_on(desk(&fake).bind_licence(&window(), &actor())),
        Err(AppError::Conflict(_))
    ));
}

#[test]
fn no_licence_on_record_binds_nothing() {
    let fake = registry();
    let Err(AppError::NotFound(text)) = block_on(desk(&fake).bind_licence(&window(), &actor()))
    else {
        panic!("not found expected");
    };
    assert_eq!(text.zh, "没有查到登记在您身份证号码下的驾驶证。");
    assert!(fake
        .calls()
        .iter()
        .all(|c| !matches!(c, Call::BindLicence { .. })));
}

#[test]
fn a_unit_has_no_licence_to_see_or_bind() {
    let fake = FakeRegistry {
        licence: Some(licence()),
        ..registry()
    };
    assert_eq!(block_on(desk(&fake).licence(&unit())), Ok(None));
    let refused = refusal(block_on(desk(&fake).bind_licence(&unit(), &actor())));
    assert_eq!(refused.rule.zh, "单位用户没有驾驶证。");
    assert_eq!(fake.calls(), [], "no licence was looked up");
}
