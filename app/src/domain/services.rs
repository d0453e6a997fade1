//! The service catalogue (业务目录, SPEC §4) and who may use what (§3).

use super::account::{IndividualKind, RegistrationChannel, SpecialService, UnitKind};
use super::coded_enum;
use super::date::Date;
use super::vehicle::VehicleType;
use serde::{Deserialize, Serialize};

/// The online services. V = vehicle (机动车业务), D = driving licence (驾驶证业务).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceCode {
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    V7,
    V8,
    D1,
    D2,
    D3,
    D4,
    D5,
    D6,
    D7,
    D8,
    D9,
    D10,
    D11,
    D12,
}

coded_enum!(ServiceCode {
    V1 => ("V1", "补领机动车行驶证", "Replace a lost vehicle licence"),
    V2 => ("V2", "换领机动车行驶证", "Renew a vehicle licence"),
    V3 => ("V3", "补领检验合格标志", "Replace the inspection mark"),
    V4 => ("V4", "变更车主联系方式", "Change the owner's contact details"),
    V5 => ("V5", "换领机动车号牌", "Renew number plates"),
    V6 => ("V6", "补领机动车号牌", "Replace lost number plates"),
    V7 => ("V7", "机动车预选号牌", "Pre-select a plate number"),
    V8 => ("V8", "电子监控违法处理和罚款缴纳", "Camera-recorded violations and fines"),
    D1 => ("D1", "遗失补领驾驶证", "Replace a lost driving licence"),
    D2 => ("D2", "损毁换领驾驶证", "Replace a damaged driving licence"),
    D3 => ("D3", "变更驾驶人联系方式", "Change the driver's contact details"),
    D4 => ("D4", "提交驾驶证专用照片", "Submit a licence photo"),
    D5 => ("D5", "延期换证", "Defer licence renewal"),
    D6 => ("D6", "延期提交身体条件证明", "Defer the physical-condition certificate"),
    D7 => ("D7", "延期审验", "Defer the licence review"),
    D8 => ("D8", "驾驶人体检", "Driver physical examination"),
    D9 => ("D9", "提交身体条件证明", "Submit a physical-condition certificate"),
    D10 => ("D10", "期满换领驾驶证", "Renew an expiring licence"),
    D11 => ("D11", "超龄换领驾驶证", "Over-age licence exchange"),
    D12 => ("D12", "驾考预约", "Book a driving test"),
});

/// Day the first twelve services opened (试运行).
pub fn first_batch_date() -> Date {
    Date::new(2015, 12, 1).expect("valid")
}
/// Day the second batch of seven opened.
pub fn second_batch_date() -> Date {
    Date::new(2016, 1, 5).expect("valid")
}

impl ServiceCode {
    pub fn is_vehicle_service(self) -> bool {
        self.code().starts_with('V')
    }

    /// Only window-registered users (and not online ones) may use it.
    pub fn needs_window_registration(self) -> bool {
        use ServiceCode::*;
        matches!(
            self,
            V1 | V2 | V3 | V5 | V6 | D1 | D2 | D5 | D6 | D7 | D9 | D10 | D11
        )
    }

    /// V4 is the only vehicle service open to every vehicle type.
    pub fn open_to_all_vehicle_types(self) -> bool {
        self == ServiceCode::V4
    }

    /// Document services with a choice of self pick-up or postal delivery.
    pub fn offers_fulfilment_choice(self) -> bool {
        use ServiceCode::*;
        matches!(self, V1 | V2 | V3 | V5 | V6 | D1 | D2 | D5 | D10 | D11)
    }

    /// The plate and licence replacement/renewal services (补牌换证) that a
    /// blacklisted applicant cannot apply for online.
    pub fn blacklist_applies(self) -> bool {
        self.offers_fulfilment_choice()
    }

    pub fn available_from(self) -> Date {
        use ServiceCode::*;
        match self {
            V6 | V7 | V8 | D8 | D9 | D10 | D11 => second_batch_date(),
            _ => first_batch_date(),
        }
    }
}

/// Who is acting, as far as the eligibility rules care.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Individual {
        kind: IndividualKind,
        channel: RegistrationChannel,
        /// Roaming here with an account of another province's platform
        /// (漫游用户): `channel` is the home registration's.
        #[serde(default)]
        roaming: bool,
    },
    Unit {
        kind: UnitKind,
        granted: Vec<SpecialService>,
    },
}

/// Why a service is refused, and what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub rule_zh: String,
    pub rule_en: String,
    pub remedy_zh: String,
    pub remedy_en: String,
}

impl Refusal {
    fn new(rule_zh: &str, rule_en: &str, remedy_zh: &str, remedy_en: &str) -> Refusal {
        Refusal {
            rule_zh: rule_zh.into(),
            rule_en: rule_en.into(),
            remedy_zh: remedy_zh.into(),
            remedy_en: remedy_en.into(),
        }
    }
}

fn window_only() -> Refusal {
    Refusal::new(
        "该业务仅限窗口注册用户办理。",
        "Only users registered at a window can use this service.",
        "请携带本人身份证明到任一个人用户注册窗口办理注册，即可网上办理。",
        "Register at any individual registration window with your identity document to use it online.",
    )
}

/// A roaming login (漫游登录) changing contact details: the change is
/// confirmed with the account's password here, and a roaming account has
/// none.
pub fn roaming_contact_refused() -> Refusal {
    Refusal::new(
        "漫游登录的账户没有本平台的登录密码，不能在网上完成变更联系方式所需的密码确认。",
        "A roaming login has no password on this platform, so it cannot give the password confirmation a change of contact details needs.",
        "请携带身份证件到本平台车辆管理所业务窗口办理；或在本平台注册（漫游时的记录并入新账户）后网上办理。",
        "Bring your ID to a counter of this platform's vehicle administration office, or register on this platform (what you did while roaming moves into the new account) and change them online.",
    )
}

/// SPEC §3: may this actor use this service (on `today`)?
pub fn may_use(actor: &Actor, service: ServiceCode, today: Date) -> Result<(), Refusal> {
    use ServiceCode::*;
    if today < service.available_from() {
        return Err(Refusal::new(
            "该业务尚未开通。",
            "This service has not opened yet.",
            "请在开通后办理。",
            "Please come back when it opens.",
        ));
    }
    match actor {
        Actor::Individual {
            channel, roaming, ..
        } => {
            if *roaming && matches!(service, V4 | D3) {
                return Err(roaming_contact_refused());
            }
            if service == D8 {
                return Err(Refusal::new(
                    "驾驶人体检由经授权的医院办理。",
                    "Driver physical examinations are done by authorised hospitals.",
                    "请到经交管部门授权的医院体检，医院会在网上提交结果。",
                    "Go to a hospital authorised by the traffic authority; it submits the result online.",
                ));
            }
            if service.needs_window_registration() && *channel == RegistrationChannel::Online {
                return Err(if *roaming {
                    Refusal::new(
                        "该业务仅限窗口注册用户办理；您在注册地平台是网上注册用户。",
                        "Only users registered at a window can use this service; you registered online on your home platform.",
                        "请到注册地的个人用户注册窗口办理注册，下次漫游登录时即可办理；也可以携带本人身份证明到本平台的注册窗口注册本平台账户。",
                        "Register at an individual registration window of your home province and roam here again, or register an account of this platform at one of its windows with your identity document.",
                    )
                } else {
                    window_only()
                });
            }
            Ok(())
        }
        Actor::Unit { kind, granted } => {
            let needs = |s: SpecialService| -> Result<(), Refusal> {
                if s.allowed_for(*kind) && granted.contains(&s) {
                    Ok(())
                } else {
                    Err(Refusal::new(
                        "该业务需要交管部门授权。",
                        "This service needs the traffic authority's grant.",
                        "请到单位用户注册窗口申请授权。",
                        "Apply for the grant at the unit registration window.",
                    ))
                }
            };
            match service {
                V4 | V7 | V8 => Ok(()),
                D8 => needs(SpecialService::PhysicalExam),
                D9 => needs(SpecialService::SubmitPhysicalCertificate),
                _ => Err(Refusal::new(
                    "该业务只面向个人用户。",
                    "This service is for individual users only.",
                    "请由驾驶人或车主本人办理。",
                    "The driver or owner applies in person.",
                )),
            }
        }
    }
}

/// SPEC §4: every vehicle service, violation handling included, is only for
/// small motor vehicles — changing the owner's contact details (V4) excepted.
pub fn vehicle_service_allowed(service: ServiceCode, vehicle: VehicleType) -> Result<(), Refusal> {
    if !service.is_vehicle_service() || service.open_to_all_vehicle_types() || vehicle.is_small() {
        return Ok(());
    }
    Err(Refusal::new(
        "网上办理的机动车业务（含电子监控违法处理）只限小型机动车。",
        "Online vehicle services, violations included, are for small motor vehicles only.",
        "请到车辆管理所或交警大队窗口办理。",
        "Please go to a vehicle management office or traffic police counter.",
    ))
}

/// Who a service is for (面向对象), as the portal's home page lists it,
/// in Chinese and English. Worked out from [`may_use`], so the list can
/// never say other than the rule; driving tests (D12) are for learners.
pub fn audience(service: ServiceCode) -> (String, String) {
    use RegistrationChannel::{Online, Window};
    let today = service.available_from();
    let ok = |actor: Actor| may_use(&actor, service, today).is_ok();
    let person = |channel| Actor::Individual {
        kind: IndividualKind::OwnerOrDriver,
        channel,
        roaming: false,
    };
    let unit = |granted: &[SpecialService]| {
        UnitKind::ALL.iter().any(|kind| {
            ok(Actor::Unit {
                kind: *kind,
                granted: granted.to_vec(),
            })
        })
    };
    let mut zh: Vec<&str> = Vec::new();
    let mut en: Vec<&str> = Vec::new();
    let individuals = if ok(person(Online)) {
        Some(if service == ServiceCode::D12 {
            ("学员", "learners")
        } else {
            ("个人用户", "individual users")
        })
    } else if ok(person(Window)) {
        Some((
            "窗口注册的个人用户",
            "individual users registered at a window",
        ))
    } else {
        None
    };
    if let Some((z, e)) = individuals {
        zh.push(z);
        en.push(e);
    }
    if unit(&[]) {
        zh.push("单位用户");
        en.push("unit users");
    } else if unit(SpecialService::ALL) {
        zh.push("经交管部门授权的单位");
        en.push("units the traffic authority has authorised");
    }
    (zh.join("、"), en.join(" and "))
}

/// Vehicles not in their name that a window-registered individual may bind.
pub const MAX_NON_OWN_BINDINGS: usize = 3;
/// Largest fine (yuan) a non-owner may settle online, and only with no points.
pub const NON_OWN_MAX_FINE_YUAN: u32 = 200;

/// SPEC §3: on a vehicle not in their name, a window user handles only
/// violations "punished by a warning or a fine of at most 200 yuan and no
/// points" (被处以警告或200元以下罚款，且未记分).
pub fn non_own_violation_allowed(fine_yuan: u32, points: u8) -> Result<(), Refusal> {
    if fine_yuan <= NON_OWN_MAX_FINE_YUAN && points == 0 {
        Ok(())
    } else {
        Err(Refusal::new(
            "非本人名下机动车只能处理被处以警告或200元以下罚款且未记分的电子监控违法。",
            "For a vehicle not in your name you can only handle violations punished by a warning or a fine of at most 200 yuan with no points.",
            "请由机动车所有人或驾驶人本人处理。",
            "The owner or the driver must handle it.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_page_says_who_each_service_is_for_as_the_rules_do() {
        let zh = |s| audience(s).0;
        assert_eq!(zh(ServiceCode::V1), "窗口注册的个人用户");
        assert_eq!(zh(ServiceCode::V4), "个人用户、单位用户");
        assert_eq!(zh(ServiceCode::V8), "个人用户、单位用户");
        assert_eq!(zh(ServiceCode::D3), "个人用户");
        assert_eq!(zh(ServiceCode::D8), "经交管部门授权的单位");
        assert_eq!(
            zh(ServiceCode::D9),
            "窗口注册的个人用户、经交管部门授权的单位"
        );
        assert_eq!(zh(ServiceCode::D12), "学员");
        for s in ServiceCode::ALL {
            assert!(
                !audience(*s).0.is_empty() && !audience(*s).1.is_empty(),
                "{s:?}"
            );
        }
    }

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }
    fn person(channel: RegistrationChannel) -> Actor {
        Actor::Individual {
            kind: IndividualKind::OwnerOrDriver,
            channel,
            roaming: false,
        }
    }

    #[test]
    fn roaming_people_keep_their_home_contact_and_channel() {
        let roaming = |channel| Actor::Individual {
            kind: IndividualKind::OwnerOrDriver,
            channel,
            roaming: true,
        };
        for channel in [RegistrationChannel::Online, RegistrationChannel::Window] {
            for s in [ServiceCode::V4, ServiceCode::D3] {
                let refused = may_use(&roaming(channel), s, today()).unwrap_err();
                assert_eq!(refused, roaming_contact_refused(), "{s:?}");
            }
            for s in [ServiceCode::V7, ServiceCode::V8, ServiceCode::D4] {
                assert_eq!(may_use(&roaming(channel), s, today()), Ok(()), "{s:?}");
            }
        }
        // A home window registration carries its rights; an online one is
        // told where to register, not sent to a window here only.
        assert_eq!(
            may_use(
                &roaming(RegistrationChannel::Window),
                ServiceCode::D1,
                today()
            ),
            Ok(())
        );
        let refused = may_use(
            &roaming(RegistrationChannel::Online),
            ServiceCode::D1,
            today(),
        )
        .unwrap_err();
        assert!(
            refused.remedy_zh.contains("注册地"),
            "{}",
            refused.remedy_zh
        );
        assert_ne!(refused, window_only());
    }

    #[test]
    fn online_users_get_the_basic_services_only() {
        let online = person(RegistrationChannel::Online);
        for s in [
            ServiceCode::V4,
            ServiceCode::V7,
            ServiceCode::V8,
            ServiceCode::D3,
            ServiceCode::D4,
            ServiceCode::D12,
        ] {
            assert_eq!(may_use(&online, s, today()), Ok(()), "{s:?}");
        }
        for s in [
            ServiceCode::V1,
            ServiceCode::V5,
            ServiceCode::D1,
            ServiceCode::D10,
            ServiceCode::D11,
        ] {
            let r = may_use(&online, s, today()).unwrap_err();
            assert!(r.remedy_zh.contains("注册窗口"), "{s:?}");
        }
    }

    #[test]
    fn window_users_get_every_individual_service_but_examinations() {
        let window = person(RegistrationChannel::Window);
        for s in ServiceCode::ALL {
            assert_eq!(
                may_use(&window, *s, today()).is_ok(),
                *s != ServiceCode::D8,
                "{s:?}"
            );
        }
    }

    #[test]
    fn units_need_grants_for_special_services() {
        let hospital = Actor::Unit {
            kind: UnitKind::Hospital,
            granted: vec![SpecialService::PhysicalExam],
        };
        assert!(may_use(&hospital, ServiceCode::D8, today()).is_ok());
        assert!(may_use(&hospital, ServiceCode::D9, today()).is_err());
        assert!(may_use(&hospital, ServiceCode::V7, today()).is_ok());
        assert!(may_use(&hospital, ServiceCode::D1, today()).is_err());
        let dealer = Actor::Unit {
            kind: UnitKind::CarDealer,
            granted: vec![SpecialService::PhysicalExam],
        };
        assert!(
            may_use(&dealer, ServiceCode::D8, today()).is_err(),
            "a grant outside the kind counts for nothing"
        );
    }

    #[test]
    fn second_batch_opens_on_5_january_2016() {
        let window = person(RegistrationChannel::Window);
        let before = Date::new(2016, 1, 4).unwrap();
        assert!(may_use(&window, ServiceCode::V6, before).is_err());
        assert!(may_use(&window, ServiceCode::V6, second_batch_date()).is_ok());
        assert!(may_use(&window, ServiceCode::V1, before).is_ok());
    }

    #[test]
    fn small_vehicles_only_except_contact_changes() {
        assert!(vehicle_service_allowed(ServiceCode::V8, VehicleType::K33).is_ok());
        assert!(vehicle_service_allowed(ServiceCode::V8, VehicleType::H11).is_err());
        assert!(vehicle_service_allowed(ServiceCode::V1, VehicleType::M21).is_err());
        assert!(vehicle_service_allowed(ServiceCode::V4, VehicleType::H11).is_ok());
        assert!(vehicle_service_allowed(ServiceCode::D1, VehicleType::H11).is_ok());
    }

    #[test]
    fn non_own_violations_only_small_fines_without_points() {
        assert!(non_own_violation_allowed(0, 0).is_ok());
        assert!(non_own_violation_allowed(200, 0).is_ok());
        assert!(non_own_violation_allowed(201, 0).is_err());
        assert!(non_own_violation_allowed(100, 3).is_err());
    }
}
