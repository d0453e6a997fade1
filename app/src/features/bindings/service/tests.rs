//! The binding desk against the in-memory registry (`fake.rs`): who may
//! bind what and how many vehicles not in the holder's name, the owner's
//! consent code, and the refusals with their words.

use super::fake::{actor, block_on, clerk, person, unit, Call, FakeRegistry, CODE, HOLDER_ID};
use super::*;
use crate::domain::binding::non_own_limit_reached;
use crate::domain::{IndividualKind, RegistrationChannel, SmsTemplate, VehicleStatus, VehicleType};
use crate::error::Refusal;
use crate::features::accounts::port::CodeRejection;
use crate::features::bindings::port::RegistryVehicle;
use crate::features::bindings::UnboundVehicle;

mod licence;

const NOW: i64 = 1_795_000_000_000;
/// Someone else's car (冀A12345, VIN ending 42C456) and its owner's phone.
const OTHERS: i64 = 42;
const OWNER_PHONE: &str = "13912345678";

fn window() -> SessionAccount {
    person(IndividualKind::OwnerOrDriver, RegistrationChannel::Window)
}

fn online() -> SessionAccount {
    person(IndividualKind::OwnerOrDriver, RegistrationChannel::Online)
}

fn registry_vehicle(id: i64, plate: Option<&str>, owner: OwnerKey, phone: &str) -> RegistryVehicle {
    RegistryVehicle {
        id,
        plate: plate.map(str::to_string),
        vin: format!("LSVAB2BJ5KN{id:02}C456"),
        vehicle_type: VehicleType::K33,
        owner,
        owner_phone: phone.into(),
    }
}

fn bound(id: i64, binding: BindingKind) -> MyVehicle {
    MyVehicle {
        vehicle_id: id,
        plate: format!("冀A0{id:04}"),
        vehicle_type: VehicleType::K33,
        brand: "大众".into(),
        colour: "白".into(),
        status: VehicleStatus::Normal,
        inspection_due: None,
        binding,
        unhandled_violations: 0,
    }
}

/// The holder (HOLDER_ID) with a plated car (7) and a new car without a
/// plate (8) in their name; someone else's car (42) and a car whose owner
/// has no valid phone on record (43).
fn registry() -> FakeRegistry {
    let holder = OwnerKey::Person(HOLDER_ID.into());
    let other = OwnerKey::Person("130102198505050016".into());
    FakeRegistry {
        vehicles: vec![
            registry_vehicle(7, Some("冀A00007"), holder.clone(), "13800001234"),
            registry_vehicle(8, None, holder, "13800001234"),
            registry_vehicle(OTHERS, Some("冀A12345"), other.clone(), OWNER_PHONE),
            registry_vehicle(43, Some("冀A54321"), other, "12345"),
        ],
        was_bound: true,
        ..FakeRegistry::default()
    }
}

fn desk(fake: &FakeRegistry) -> BindingDesk<'_> {
    BindingDesk {
        bindings: fake,
        sms: fake,
        now_ms: NOW,
    }
}

fn refusal(result: Result<impl std::fmt::Debug, AppError>) -> Refusal {
    match result {
        Err(AppError::NotAllowed(r)) => r,
        other => panic!("a refusal expected, got {other:?}"),
    }
}

fn fields(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match result {
        Err(AppError::Fields(problems)) => problems
            .into_iter()
            .map(|p| (p.field, p.message.zh))
            .collect(),
        other => panic!("field problems expected, got {other:?}"),
    }
}

fn request(
    fake: &FakeRegistry,
    who: SessionAccount,
    plate: &str,
    vin: &str,
) -> Result<(PlateNumber, String), AppError> {
    block_on(desk(fake).request_other(who, plate, vin, &actor()))
}

#[test]
fn online_users_see_why_they_cannot_bind_others_vehicles() {
    let mut fake = registry();
    fake.unbound_own = vec![UnboundVehicle {
        vehicle_id: 7,
        plate: "冀A00007".into(),
        vehicle_type: VehicleType::K33,
        brand: "大众".into(),
    }];
    let overview = block_on(desk(&fake).overview(online())).expect("overview");
    let refusal = overview.non_own_refusal.expect("online users may not");
    assert!(
        refusal
            .rule
            .zh
            .starts_with("网上注册用户只能绑定本人名下的机动车"),
        "{refusal:?}"
    );
    assert!(refusal.see_windows, "the remedy is a registration window");
    assert_eq!(overview.unbound_own, fake.unbound_own);
    assert_eq!(
        fake.calls(),
        [Call::UnboundOwn {
            account_id: 1,
            owner: OwnerKey::Person(HOLDER_ID.into())
        }]
    );
}

#[test]
fn a_window_user_binds_at_most_three_vehicles_not_in_their_name() {
    let mut fake = registry();
    fake.bound = vec![
        bound(7, BindingKind::Own),
        bound(50, BindingKind::NonOwn),
        bound(51, BindingKind::NonOwn),
    ];
    let overview = block_on(desk(&fake).overview(window())).expect("overview");
    assert_eq!(
        (overview.non_own_bound, overview.non_own_refusal),
        (2, None)
    );

    fake.bound.push(bound(52, BindingKind::NonOwn));
    let overview = block_on(desk(&fake).overview(window())).expect("overview");
    assert_eq!(overview.non_own_bound, 3);
    assert_eq!(
        overview.non_own_refusal,
        Some(Refusal::from(non_own_limit_reached()))
    );
    // Asking for a fourth is refused before anything typed is read.
    let refused = refusal(request(&fake, window(), "bad", "bad"));
    assert_eq!(refused, Refusal::from(non_own_limit_reached()));
    assert!(fake
        .calls()
        .iter()
        .all(|c| !matches!(c, Call::SendCode { .. })));
}

#[test]
fn a_unit_binds_only_its_own_vehicles() {
    let fake = registry();
    let refused = refusal(request(&fake, unit(), "冀A12345", "12C456"));
    assert_eq!(
        refused.rule.zh,
        "单位用户只能绑定登记在本单位名下的机动车。"
    );
    assert_eq!(fake.calls(), []);
}

#[test]
fn staff_do_not_bind_and_a_session_without_its_holder_is_logged_out() {
    let fake = registry();
    let refused = refusal(block_on(desk(&fake).bind_own(&clerk(), 7, &actor())));
    assert_eq!(refused.rule.zh, "民警账户不能绑定机动车。");
    assert!(matches!(
        block_on(desk(&fake).overview(clerk())),
        Err(AppError::NotAllowed(_))
    ));
    // An individual's account whose ID number the session does not hold.
    let mut no_one = window();
    no_one.owner = None;
    assert_eq!(
        block_on(desk(&fake).bind_own(&no_one, 7, &actor())),
        Err(AppError::NotLoggedIn)
    );
    assert_eq!(fake.calls(), []);
}

#[test]
fn only_a_plated_vehicle_in_the_holders_name_is_bound_as_own() {
    let fake = registry();
    for id in [OTHERS, 8, 999] {
        assert_eq!(
            block_on(desk(&fake).bind_own(&online(), id, &actor())),
            Err(not_your_vehicle()),
            "vehicle {id}"
        );
    }
    assert_eq!(fake.calls(), [], "nothing is bound");
    block_on(desk(&fake).bind_own(&online(), 7, &actor())).expect("bound");
    assert_eq!(
        fake.calls(),
        [Call::BindVehicle {
            account_id: 1,
            vehicle_id: 7,
            kind: BindingKind::Own,
            ip: actor().ip
        }]
    );
}

#[test]
fn binding_twice_is_a_conflict() {
    let fake = registry();
    *fake.bind_refusal.lock().unwrap() = Some(BindRejection::AlreadyBound);
    let Err(AppError::Conflict(text)) = block_on(desk(&fake).bind_own(&window(), 7, &actor()))
    else {
        panic!("a conflict expected");
    };
    assert_eq!(text.zh, "已经绑定，无需重复绑定。");
}

#[test]
fn every_typing_mistake_in_the_request_is_reported_at_once() {
    let fake = registry();
    let problems = fields(request(&fake, window(), "冀A123", "12C4"));
    let names: Vec<_> = problems.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["plate", "vin_suffix"]);
    assert_eq!(
        problems[1].1,
        "请输入车辆识别代号（车架号）的后6位字母或数字"
    );
    assert_eq!(fake.calls(), []);
}

#[test]
fn the_plate_and_vin_must_belong_together() {
    let fake = registry();
    let expected = vec![(
        "vin_suffix".to_string(),
        "号牌号码与车辆识别代号后6位不匹配，请对照机动车行驶证核对".to_string(),
    )];
    // Another vehicle's VIN, and a plate the registry does not know.
    assert_eq!(
        fields(request(&fake, window(), "冀A12345", "07C456")),
        expected
    );
    assert_eq!(
        fields(request(&fake, window(), "冀B99999", "42C456")),
        expected
    );
    assert_eq!(fake.calls(), []);
}

#[test]
fn the_holders_own_vehicle_is_bound_from_the_list_not_by_code() {
    let fake = registry();
    let problems = fields(request(&fake, window(), "冀A00007", "07C456"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, "plate");
    assert!(problems[0].1.starts_with("这辆车登记在您本人名下"));
    assert_eq!(fake.calls(), []);
}

#[test]
fn no_code_is_sent_for_a_vehicle_bound_already_or_an_owner_without_a_phone() {
    let mut fake = registry();
    fake.bound = vec![bound(OTHERS, BindingKind::NonOwn)];
    let Err(AppError::Conflict(text)) = request(&fake, window(), "冀A12345", "42C456") else {
        panic!("a conflict expected");
    };
    assert_eq!(text.zh, "已经绑定，无需重复绑定。");
    let refused = refusal(request(&fake, window(), "冀A54321", "43C456"));
    assert_eq!(
        refused.rule.zh,
        "该车登记的车主手机号码无效，无法发送确认短信。"
    );
    assert_eq!(fake.calls(), []);
}

#[test]
fn the_owner_is_asked_by_sms_naming_who_binds_which_vehicle() {
    let fake = registry();
    // As typed: lower case, a space in the plate and around the VIN.
    let (plate, masked) = request(&fake, window(), "冀a 12345", " 42c456 ").expect("sent");
    assert_eq!(
        (plate.as_str(), masked.as_str()),
        ("冀A12345", "139****5678")
    );
    let calls = fake.calls();
    let [Call::SendCode {
        phone,
        purpose,
        subject,
        ip,
        now_ms,
        sms,
    }] = calls.as_slice()
    else {
        panic!("one code expected: {calls:?}");
    };
    assert_eq!(
        (phone.as_str(), purpose.as_str(), subject.as_str()),
        (OWNER_PHONE, BIND_PURPOSE, "1:42")
    );
    assert_eq!((ip.as_str(), *now_ms), (actor().ip.as_str(), NOW));
    assert_eq!(sms.template(), SmsTemplate::OwnerConsentCode);
    let text = sms.text();
    let minutes = format!("{}分钟", crate::policy::SMS_CODE_TTL_SECS / 60);
    assert!(text.starts_with("张**申请"), "the binder, masked: {text}");
    assert!(!text.contains("三丰"), "{text}");
    assert!(
        text.contains("冀A12345") && text.contains(CODE) && text.contains(&minutes),
        "{text}"
    );
}

#[test]
fn asking_again_too_soon_is_rate_limited() {
    let fake = FakeRegistry {
        send_wait: Some(42),
        ..registry()
    };
    let Err(AppError::RateLimited {
        retry_after_secs,
        message,
    }) = request(&fake, window(), "冀A12345", "42C456")
    else {
        panic!("rate limited expected");
    };
    assert_eq!(retry_after_secs, 42);
    assert_eq!(message.zh, "验证码已发送，请42秒后再重新获取");
}

#[test]
fn the_owners_code_binds_into_a_free_slot() {
    let fake = registry();
    block_on(desk(&fake).confirm_other(&window(), "冀A12345", " 482913 ", &actor()))
        .expect("bound");
    assert_eq!(
        fake.calls(),
        [
            Call::UseCode {
                phone: OWNER_PHONE.into(),
                purpose: BIND_PURPOSE.into(),
                subject: "1:42".into(),
                code: CODE.into(),
                now_ms: NOW
            },
            Call::BindVehicle {
                account_id: 1,
                vehicle_id: OTHERS,
                kind: BindingKind::NonOwn,
                ip: actor().ip
            }
        ]
    );
}

#[test]
fn a_wrong_code_binds_nothing() {
    let fake = registry();
    *fake.code_rejection.lock().unwrap() = Some(CodeRejection::Wrong { attempts_left: 2 });
    let problems = fields(block_on(desk(&fake).confirm_other(
        &window(),
        "冀A12345",
        "000000",
        &actor(),
    )));
    assert_eq!(
        problems,
        [(
            "code".to_string(),
            "验证码不正确，还可以再试2次".to_string()
        )]
    );
    assert!(matches!(fake.calls().as_slice(), [Call::UseCode { .. }]));
}

#[test]
fn the_database_refuses_a_fourth_slot_at_confirmation() {
    let fake = registry();
    *fake.bind_refusal.lock().unwrap() = Some(BindRejection::NonOwnSlotsFull);
    let refused = refusal(block_on(desk(&fake).confirm_other(
        &window(),
        "冀A12345",
        CODE,
        &actor(),
    )));
    assert_eq!(refused, Refusal::from(non_own_limit_reached()));
}

#[test]
fn confirming_is_refused_to_others_and_for_unknown_plates() {
    let fake = registry();
    let confirm = |who: SessionAccount, plate: &str| {
        block_on(desk(&fake).confirm_other(&who, plate, CODE, &actor()))
    };
    assert!(refusal(confirm(online(), "冀A12345"))
        .rule
        .zh
        .starts_with("网上注册用户只能绑定本人名下的机动车"));
    assert!(refusal(confirm(unit(), "冀A12345"))
        .rule
        .zh
        .starts_with("单位用户只能绑定"));
    assert_eq!(confirm(window(), "冀B99999"), Err(not_your_vehicle()));
    // A phone on record that is not valid received no code.
    assert_eq!(confirm(window(), "冀A54321"), Err(not_your_vehicle()));
    assert_eq!(fields(confirm(window(), "冀"))[0].0, "plate");
    assert_eq!(fake.calls(), [], "no code was checked");
}

#[test]
fn unbinding_what_is_not_bound_is_not_found() {
    let fake = FakeRegistry {
        was_bound: false,
        ..registry()
    };
    assert_eq!(
        block_on(desk(&fake).unbind_vehicle(&window(), 9, &actor())),
        Err(not_your_vehicle())
    );
    assert_eq!(
        fake.calls(),
        [Call::UnbindVehicle {
            account_id: 1,
            vehicle_id: 9
        }]
    );
}
