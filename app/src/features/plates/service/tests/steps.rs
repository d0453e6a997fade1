//! The plate desk's later steps: the draw with the person's nonce, holding
//! a drawn or a custom number, confirming, and their refusals.

use super::*;

#[test]
fn the_nonce_is_used_as_typed_without_the_outer_spaces() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let drawn = block_on(desk(&plates, &registry, &city).draw(&owner(), 11, "  春眠不觉晓 42 "))
        .expect("drawn");
    assert_eq!(drawn.client_nonce, "春眠不觉晓 42");
    assert_eq!(
        plates.steps(),
        [Step::Draw {
            batch_id: 11,
            nonce: "春眠不觉晓 42".into(),
            now_ms: NOW
        }]
    );
}

#[test]
fn a_nonce_nobody_could_check_is_refused_before_the_draw() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    assert_eq!(
        field(block_on(desk.draw(&owner(), 11, "line\nbreak"))),
        (
            "client_nonce".to_string(),
            "随机字符不能包含换行、制表符等控制字符".to_string()
        )
    );
    let (name, message) = field(block_on(desk.draw(&owner(), 11, &"字".repeat(65))));
    assert_eq!(name, "client_nonce");
    assert!(message.contains("您输入了65个"), "{message}");
    assert_eq!(plates.steps(), [], "nothing was drawn");
}

#[test]
fn a_lapsed_or_unknown_batch_is_refused() {
    let plates = FakePlates {
        refusal: Some(PlateRefusal::BatchExpired),
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    assert_eq!(
        conflict(block_on(desk.draw(&owner(), 11, "x"))),
        "选号时间已到，这一批号码已失效。"
    );
    let Err(AppError::NotFound(text)) = block_on(desk.batch(&owner(), 12)) else {
        panic!("not found expected");
    };
    assert_eq!(text.zh, "没有找到这次选号。");
}

#[test]
fn a_drawn_number_is_held_from_its_batch() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let hold = block_on(desk(&plates, &registry, &city).hold_drawn(
        &owner(),
        NEW_CAR,
        " 冀A2B3C4 ",
        11,
        &actor(),
    ))
    .expect("held");
    assert_eq!(hold, hold_of("冀A2B3C4"));
    assert_eq!(
        plates.changes(),
        [Step::Hold {
            vin: NEW_CAR.into(),
            plate: "冀A2B3C4".into(),
            batch_id: Some(11),
            lapsed_hold: false,
            now_ms: NOW,
            ip: actor().ip
        }]
    );
}

#[test]
fn a_number_someone_else_took_is_a_problem_on_the_plate_field() {
    let plates = FakePlates {
        refusal: Some(PlateRefusal::Unavailable),
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    assert_eq!(
        field(block_on(desk(&plates, &registry, &city).hold_drawn(
            &owner(),
            NEW_CAR,
            "冀A2B3C4",
            11,
            &actor(),
        ))),
        (
            "plate".to_string(),
            "该号码已被他人选用或正在被他人选择，请换一个号码".to_string()
        )
    );
}

#[test]
fn a_custom_number_is_composed_under_the_citys_pattern() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    // Typed with the city prefix, lower case and the dot on the plate.
    let hold = custom(&desk, NEW_CAR, "冀a·2b3c4").expect("held");
    assert_eq!(hold.plate, "冀A2B3C4");
    // Only the named vehicle is looked up, as the owner's, and the
    // number with it.
    assert_eq!(
        plates.steps()[0],
        Step::VehicleForHold {
            owner: OwnerKey::Person(HOLDER_ID.into()),
            vin: NEW_CAR.into(),
            asked: Some("冀A2B3C4".into()),
            now_ms: NOW
        }
    );
    assert_eq!(
        plates.changes(),
        [Step::Hold {
            vin: NEW_CAR.into(),
            plate: "冀A2B3C4".into(),
            batch_id: None,
            lapsed_hold: false,
            now_ms: NOW,
            ip: actor().ip
        }]
    );
}

#[test]
fn a_number_gone_or_a_vehicle_holding_one_is_refused_from_the_read() {
    let mut plates = plates();
    plates.gone = vec!["冀A2B3C4".into()];
    plates.vehicles[0].hold = Some(hold_of("冀A5D6E7"));
    plates
        .vehicles
        .push(vehicle(OTHER_CAR, VehicleType::K33, None));
    let (registry, city) = (FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    assert_eq!(
        field(custom(&desk, OTHER_CAR, "2B3C4")),
        (
            "plate".to_string(),
            "该号码已被他人选用或正在被他人选择，请换一个号码".to_string()
        )
    );
    // The vehicle's own hold comes before the number's state.
    for serial in ["2B3C4", "5F6G7"] {
        assert_eq!(
            conflict(custom(&desk, NEW_CAR, serial)),
            "该车已保留号码冀A5D6E7，请先确认或等待保留到期。",
            "{serial}"
        );
    }
    assert_eq!(
        conflict(block_on(desk.hold_drawn(
            &owner(),
            NEW_CAR,
            "冀A5F6G7",
            11,
            &actor()
        ))),
        "该车已保留号码冀A5D6E7，请先确认或等待保留到期。"
    );
    assert_eq!(plates.changes(), [], "nothing was asked of the writer");
    // A number the read found free is held: the read asked about it.
    custom(&desk, OTHER_CAR, "5F6G7").expect("held");
    assert_eq!(plates.changes().len(), 1);
}

#[test]
fn a_lapsed_hold_found_by_the_read_is_put_back_by_the_hold() {
    let plates = FakePlates {
        lapsed_hold: true,
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    block_on(desk(&plates, &registry, &city).hold_custom(&owner(), NEW_CAR, "2B3C4", &actor()))
        .expect("held");
    assert_eq!(
        plates.changes(),
        [Step::Hold {
            vin: NEW_CAR.into(),
            plate: "冀A2B3C4".into(),
            batch_id: None,
            lapsed_hold: true,
            now_ms: NOW,
            ip: actor().ip
        }]
    );
}

#[test]
fn a_malformed_number_is_not_read_and_the_vehicle_is_refused_first() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    assert_eq!(field(custom(&desk, NEW_CAR, "1O234")).0, "serial");
    assert_eq!(
        plates.steps(),
        [Step::VehicleForHold {
            owner: OwnerKey::Person(HOLDER_ID.into()),
            vin: NEW_CAR.into(),
            asked: None,
            now_ms: NOW
        }]
    );
    let refused = custom(&desk, "LSVAB2BJ5KN999999", "1O234");
    assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
}

#[test]
fn withheld_and_malformed_custom_numbers_are_refused_on_the_serial_field() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    let withheld = "该号码属于保留号段（五位相同或顺序连号），不对外发放".to_string();
    for serial in ["88123", "12345", "77777"] {
        assert_eq!(
            field(custom(&desk, NEW_CAR, serial)),
            ("serial".to_string(), withheld.clone()),
            "{serial}"
        );
    }
    assert_eq!(
        field(custom(&desk, NEW_CAR, "AB3C4")),
        ("serial".to_string(), "自编号码最多包含2个字母".to_string())
    );
    assert_eq!(
        field(custom(&desk, NEW_CAR, "1O234")),
        (
            "serial".to_string(),
            "只能使用数字和字母，不能使用I和O".to_string()
        )
    );
    assert_eq!(plates.changes(), [], "nothing was held");
}

#[test]
fn the_held_number_is_confirmed_for_the_vehicle() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let plate = block_on(desk(&plates, &registry, &city).confirm(&owner(), NEW_CAR, &actor()))
        .expect("confirmed");
    assert_eq!(plate, "冀A2B3C4");
    assert_eq!(
        plates.changes(),
        [Step::Confirm {
            vin: NEW_CAR.into(),
            now_ms: NOW
        }]
    );
}

#[test]
fn nothing_to_confirm_once_the_hold_lapsed() {
    let plates = FakePlates {
        refusal: Some(PlateRefusal::NoHold),
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    assert_eq!(
        conflict(block_on(desk(&plates, &registry, &city).confirm(
            &owner(),
            NEW_CAR,
            &actor()
        ))),
        "没有保留中的号码，可能已超时，请重新选号。"
    );
}

#[test]
fn a_vin_with_control_characters_is_no_vehicle_and_is_not_looked_up() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    let typed = format!("{NEW_CAR}\u{0}");
    let refused = custom(&desk, &typed, "2B3C4");
    assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    assert_eq!(plates.steps(), []);
}

/// The owner's custom hold through the desk.
fn custom(desk: &PlateDesk, vin: &str, serial: &str) -> Result<PlateHold, AppError> {
    block_on(desk.hold_custom(&owner(), vin, serial, &actor()))
}
