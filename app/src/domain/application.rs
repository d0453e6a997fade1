//! Document applications (补换领牌证、延期业务): eligibility, fees, the
//! status a clerk or courier moves an application through, and what the
//! applicant hands back. SPEC §4 and §5.

use super::coded_enum;
use super::date::Date;
use super::fulfilment::Fulfilment;
use super::licence::{over_age_renewal_due, renewal_stage, LicenceClass};
use super::services::{vehicle_service_allowed, Refusal, ServiceCode};
use super::vehicle::VehicleType;
use serde::{Deserialize, Serialize};

/// The document services an applicant applies for here.
pub const APPLICATION_SERVICES: &[ServiceCode] = &[
    ServiceCode::V1,
    ServiceCode::V2,
    ServiceCode::V3,
    ServiceCode::V5,
    ServiceCode::V6,
    ServiceCode::D1,
    ServiceCode::D2,
    ServiceCode::D5,
    ServiceCode::D6,
    ServiceCode::D7,
    ServiceCode::D10,
    ServiceCode::D11,
];

/// Where an application stands (业务办理状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicationStatus {
    Submitted,
    Accepted,
    Rejected,
    /// Approved and finished, for services that issue no document (延期).
    Completed,
    Produced,
    Dispatched,
    DeliveryRefused,
    Delivered,
    ReadyForPickup,
    Collected,
    Uncollected,
}

coded_enum!(ApplicationStatus {
    Submitted => ("submitted", "已提交，待受理", "submitted"),
    Accepted => ("accepted", "已受理", "accepted"),
    Rejected => ("rejected", "退办", "rejected"),
    Completed => ("completed", "已办结", "completed"),
    Produced => ("produced", "已制证", "documents made"),
    Dispatched => ("dispatched", "已邮寄", "posted"),
    DeliveryRefused => ("delivery_refused", "拒收退回", "delivery refused"),
    Delivered => ("delivered", "已签收", "delivered"),
    ReadyForPickup => ("ready_for_pickup", "待领取", "ready to collect"),
    Collected => ("collected", "已领取", "collected"),
    Uncollected => ("uncollected", "逾期未领取", "not collected in time"),
});

impl ApplicationStatus {
    /// Nothing more will happen.
    pub fn is_final(self) -> bool {
        use ApplicationStatus::*;
        matches!(
            self,
            Rejected | Completed | Delivered | Collected | Uncollected
        )
    }
}

/// What the clerk, the courier or the deadline records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicationEvent {
    Accept,
    Reject,
    Produce,
    Dispatch,
    MarkReady,
    Delivered,
    DeliveryRefused,
    Collected,
    /// The pick-up deadline passed (the scheduled job).
    PickupExpired,
}

coded_enum!(ApplicationEvent {
    Accept => ("accept", "受理", "Accept"),
    Reject => ("reject", "退办", "Reject"),
    Produce => ("produce", "制证完成", "Mark documents made"),
    Dispatch => ("dispatch", "交邮寄出", "Hand to the post"),
    MarkReady => ("mark_ready", "通知领取", "Ready to collect"),
    Delivered => ("delivered", "邮件已签收", "Delivered"),
    DeliveryRefused => ("delivery_refused", "邮件被拒收", "Delivery refused"),
    Collected => ("collected", "申请人已领取", "Collected"),
    PickupExpired => ("pickup_expired", "逾期未领取", "Not collected in time"),
});

/// A status change that is not possible from where the application stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRefused {
    pub from: ApplicationStatus,
    pub event: ApplicationEvent,
}

/// The next status, or why not. `fulfilment` is None for services that
/// issue no document (deferrals D6, D7): accepting them completes them.
pub fn next_status(
    from: ApplicationStatus,
    event: ApplicationEvent,
    fulfilment: Option<Fulfilment>,
) -> Result<ApplicationStatus, TransitionRefused> {
    use ApplicationEvent as E;
    use ApplicationStatus as S;
    let to = match (from, event, fulfilment) {
        (S::Submitted, E::Accept, None) => S::Completed,
        (S::Submitted, E::Accept, Some(_)) => S::Accepted,
        (S::Submitted, E::Reject, _) => S::Rejected,
        (S::Accepted, E::Produce, Some(_)) => S::Produced,
        (S::Produced | S::DeliveryRefused, E::Dispatch, Some(Fulfilment::Post)) => S::Dispatched,
        (S::Dispatched, E::Delivered, Some(Fulfilment::Post)) => S::Delivered,
        (S::Dispatched, E::DeliveryRefused, Some(Fulfilment::Post)) => S::DeliveryRefused,
        (S::Produced, E::MarkReady, Some(Fulfilment::SelfPickup)) => S::ReadyForPickup,
        (S::ReadyForPickup, E::Collected, Some(Fulfilment::SelfPickup)) => S::Collected,
        (S::ReadyForPickup, E::PickupExpired, Some(Fulfilment::SelfPickup)) => S::Uncollected,
        _ => return Err(TransitionRefused { from, event }),
    };
    Ok(to)
}

/// The events a clerk may record now (for the console's buttons).
pub fn clerk_events(
    from: ApplicationStatus,
    fulfilment: Option<Fulfilment>,
) -> Vec<ApplicationEvent> {
    use ApplicationEvent as E;
    [
        E::Accept,
        E::Reject,
        E::Produce,
        E::Dispatch,
        E::MarkReady,
        E::Delivered,
        E::DeliveryRefused,
        E::Collected,
    ]
    .into_iter()
    .filter(|e| next_status(from, *e, fulfilment).is_ok())
    .collect()
}

/// What the applicant must hand to the courier (or bring) in exchange
/// (需返还的资料).
pub fn documents_to_return(service: ServiceCode) -> Option<(&'static str, &'static str)> {
    use ServiceCode::*;
    match service {
        V2 => Some(("原机动车行驶证", "the old vehicle licence")),
        V5 => Some(("原机动车号牌（两面）", "both old number plates")),
        D2 => Some(("损毁的驾驶证", "the damaged driving licence")),
        D10 => Some(("原驾驶证", "the old driving licence")),
        // The hospital's examination is on record: no paper certificate.
        D11 => Some(("原驾驶证", "the old driving licence")),
        _ => None,
    }
}

/// Why a deferral is asked for (延期理由).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeferralReason {
    MilitaryService,
    Abroad,
    Illness,
    Disaster,
}

coded_enum!(DeferralReason {
    MilitaryService => ("military_service", "正在服兵役", "On military service"),
    Abroad => ("abroad", "出国（境）", "Abroad"),
    Illness => ("illness", "因病住院治疗", "In hospital"),
    Disaster => ("disaster", "因自然灾害等不可抗力", "Natural disaster or other force majeure"),
});

/// The longest deferral, in years, for each deferral service.
pub fn max_deferral_years(service: ServiceCode) -> i32 {
    match service {
        ServiceCode::D6 => 1,
        _ => 3,
    }
}

/// The facts about the applicant and the subject that eligibility needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub today: Date,
    /// Active blacklisting (黑名单) until this day, if any.
    pub blacklisted_until: Option<Date>,
    /// For licence services: the licence.
    pub licence: Option<LicenceFacts>,
    /// For vehicle services: the vehicle's type (small vehicles only).
    pub vehicle_type: Option<VehicleType>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceFacts {
    pub class: LicenceClass,
    pub valid_until: Date,
    pub holder_birth: Date,
    /// The current due date the deferral moves (D5: expiry; D6: physical
    /// certificate; D7: review).
    pub due_for_deferral: Option<Date>,
    /// An authorised hospital's examination that serves this licence is on
    /// record (`physical_exam::usable_exam`): a renewal needs one.
    pub examined: bool,
}

/// May this application be made online now (beyond who may use the
/// service, which `may_use` decides)?
pub fn application_allowed(service: ServiceCode, facts: &ApplicationFacts) -> Result<(), Refusal> {
    if service.blacklist_applies() {
        if let Some(until) = facts.blacklisted_until.filter(|u| *u >= facts.today) {
            return Err(Refusal {
                rule_zh: format!("您已被列入黑名单，{until}前不能在网上申请补牌换证业务。"),
                rule_en: format!(
                    "You are on the blacklist: until {until} you cannot apply online to replace or renew plates and licences."
                ),
                remedy_zh: "请携带身份证明到车辆管理所窗口办理。".into(),
                remedy_en: "Apply at a vehicle management office counter with your identity document.".into(),
            });
        }
    }
    if let Some(vehicle_type) = facts.vehicle_type {
        vehicle_service_allowed(service, vehicle_type)?;
    }
    let Some(licence) = &facts.licence else {
        return Ok(());
    };
    let stage = renewal_stage(licence.valid_until, facts.today);
    // A cancelled licence (expired more than a year) is neither renewed,
    // replaced nor deferred online: the refusal says what can still be done.
    if stage.cancelled() || service == ServiceCode::D10 {
        if let Some(refusal) = stage.refusal(licence.valid_until) {
            return Err(refusal);
        }
    }
    match service {
        ServiceCode::D11
            if !over_age_renewal_due(licence.holder_birth, licence.class, facts.today) =>
        {
            let age = super::licence::over_age_threshold(licence.class);
            Err(Refusal {
                rule_zh: format!(
                    "超龄换证适用于年满{age}周岁的{}准驾车型驾驶人。",
                    licence.class.code()
                ),
                rule_en: format!(
                    "Over-age exchange is for holders of class {} aged {age} or more.",
                    licence.class.code()
                ),
                remedy_zh: "您暂不需要办理超龄换证。".into(),
                remedy_en: "You do not need an over-age exchange yet.".into(),
            })
        }
        _ => Ok(()),
    }?;
    if matches!(service, ServiceCode::D10 | ServiceCode::D11) && !licence.examined {
        return Err(Refusal {
            rule_zh: "换领驾驶证需要经授权医院六个月内的体检结果，且最新一次体检合格、符合您准驾车型的身体条件。".into(),
            rule_en: "A renewal needs an examination by an authorised hospital within six months, the newest one fit and meeting your licence class.".into(),
            remedy_zh: "请到经交管部门授权的医院体检，医院在网上录入结果后即可在此办理，无需另交身体条件证明。".into(),
            remedy_en: "Be examined at a hospital the traffic authority has authorised; once it records the result online you can apply here, with no paper certificate.".into(),
        });
    }
    Ok(())
}

/// What an applicant may apply for but should know first (zh, en): a
/// licence that has expired but can still be renewed may not be driven on.
pub fn application_notice(
    service: ServiceCode,
    facts: &ApplicationFacts,
) -> Option<(String, String)> {
    let licence = facts.licence.as_ref()?;
    match service {
        ServiceCode::D10 => {
            renewal_stage(licence.valid_until, facts.today).overdue_notice(licence.valid_until)
        }
        _ => None,
    }
}

/// A deferral's new date must be after the current due date and within the
/// longest deferral. Answers the problem for the "new_date" field.
pub fn check_deferral(
    service: ServiceCode,
    current_due: Option<Date>,
    new_date: Date,
    today: Date,
) -> Result<(), (&'static str, &'static str)> {
    let base = current_due.unwrap_or(today).max(today);
    if new_date <= base {
        return Err((
            "延期后的日期必须晚于原定日期和今天",
            "The new date must be after the current due date and today",
        ));
    }
    if new_date > base.add_years(max_deferral_years(service)) {
        return Err(if max_deferral_years(service) == 1 {
            ("最长可以延期1年", "You can defer by at most 1 year")
        } else {
            ("最长可以延期3年", "You can defer by at most 3 years")
        });
    }
    Ok(())
}

/// The application number (业务流水号): service, date and record number.
pub fn application_number(service: ServiceCode, on: Date, id: i64) -> String {
    format!(
        "{}{:04}{:02}{:02}{:06}",
        service.code(),
        on.year(),
        on.month(),
        on.day(),
        id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationEvent as E;
    use ApplicationStatus as S;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn a_posted_document_can_be_refused_and_sent_again() {
        let post = Some(Fulfilment::Post);
        let mut s = S::Submitted;
        for e in [
            E::Accept,
            E::Produce,
            E::Dispatch,
            E::DeliveryRefused,
            E::Dispatch,
            E::Delivered,
        ] {
            s = next_status(s, e, post).unwrap();
        }
        assert_eq!(s, S::Delivered);
        assert!(s.is_final());
        assert!(next_status(S::Delivered, E::Dispatch, post).is_err());
        assert!(next_status(S::Produced, E::MarkReady, post).is_err());
    }

    #[test]
    fn pickups_are_collected_or_expire_and_deferrals_complete_on_acceptance() {
        let pickup = Some(Fulfilment::SelfPickup);
        assert_eq!(
            next_status(S::Produced, E::MarkReady, pickup),
            Ok(S::ReadyForPickup)
        );
        assert_eq!(
            next_status(S::ReadyForPickup, E::PickupExpired, pickup),
            Ok(S::Uncollected)
        );
        assert_eq!(next_status(S::Submitted, E::Accept, None), Ok(S::Completed));
        assert_eq!(clerk_events(S::Submitted, None), vec![E::Accept, E::Reject]);
        assert_eq!(
            clerk_events(S::Dispatched, Some(Fulfilment::Post)),
            vec![E::Delivered, E::DeliveryRefused]
        );
    }

    fn facts(today: Date) -> ApplicationFacts {
        ApplicationFacts {
            today,
            blacklisted_until: None,
            licence: Some(LicenceFacts {
                class: LicenceClass::C1,
                valid_until: d(2027, 1, 10),
                holder_birth: d(1990, 5, 1),
                due_for_deferral: None,
                examined: true,
            }),
            vehicle_type: None,
        }
    }

    #[test]
    fn a_renewal_needs_a_hospitals_examination_after_the_window_opens() {
        let today = d(2026, 12, 1);
        let mut unexamined = facts(today);
        unexamined.licence.as_mut().unwrap().examined = false;
        let refused = application_allowed(ServiceCode::D10, &unexamined).unwrap_err();
        assert!(refused.rule_zh.contains("体检"), "{}", refused.rule_zh);
        // Too early says so first: an examination would not help yet.
        let mut early = facts(d(2026, 1, 1));
        early.licence.as_mut().unwrap().examined = false;
        let refused = application_allowed(ServiceCode::D10, &early).unwrap_err();
        assert!(!refused.rule_zh.contains("体检"), "{}", refused.rule_zh);
        // Other licence services need none.
        assert!(application_allowed(ServiceCode::D1, &unexamined).is_ok());
        assert!(application_allowed(ServiceCode::D10, &facts(today)).is_ok());
    }

    #[test]
    fn renewal_from_ninety_days_before_expiry_to_a_year_after() {
        assert!(application_allowed(ServiceCode::D10, &facts(d(2026, 10, 12))).is_ok());
        let early = application_allowed(ServiceCode::D10, &facts(d(2026, 10, 11))).unwrap_err();
        assert!(
            early.remedy_zh.contains("2026-10-12"),
            "{}",
            early.remedy_zh
        );
        assert!(application_notice(ServiceCode::D10, &facts(d(2027, 1, 10))).is_none());
        // Expired less than a year ago: still renewed, with a warning not to drive.
        let overdue = facts(d(2027, 1, 11));
        assert!(application_allowed(ServiceCode::D10, &overdue).is_ok());
        let (zh, _) = application_notice(ServiceCode::D10, &overdue).unwrap();
        assert!(
            zh.contains("逾期未换证") && zh.contains("2028-01-10前"),
            "{zh}"
        );
        assert!(application_allowed(ServiceCode::D10, &facts(d(2028, 1, 10))).is_ok());
        // More than a year: cancelled; subject 1 at the office, not online.
        let cancelled = application_allowed(ServiceCode::D10, &facts(d(2028, 1, 11))).unwrap_err();
        assert!(cancelled.rule_zh.contains("注销"), "{}", cancelled.rule_zh);
        assert!(
            cancelled.remedy_zh.contains("科目一"),
            "{}",
            cancelled.remedy_zh
        );
    }

    #[test]
    fn a_cancelled_licence_is_neither_replaced_nor_deferred_online() {
        for service in [
            ServiceCode::D1,
            ServiceCode::D2,
            ServiceCode::D5,
            ServiceCode::D11,
        ] {
            let err = application_allowed(service, &facts(d(2060, 5, 1))).unwrap_err();
            assert!(err.rule_zh.contains("注销"), "{service:?}: {}", err.rule_zh);
            // Not told to wait for a day that has passed.
            assert!(
                !err.remedy_zh.contains("以后"),
                "{service:?}: {}",
                err.remedy_zh
            );
        }
        assert!(application_allowed(ServiceCode::D1, &facts(d(2027, 6, 1))).is_ok());
        assert!(application_allowed(ServiceCode::D5, &facts(d(2027, 6, 1))).is_ok());
    }

    #[test]
    fn over_age_exchange_needs_the_age_and_blacklists_block_replacements() {
        assert!(application_allowed(ServiceCode::D11, &facts(d(2026, 11, 24))).is_err());
        let mut old = facts(d(2060, 5, 1));
        old.licence.as_mut().unwrap().valid_until = d(2063, 1, 1);
        assert!(application_allowed(ServiceCode::D11, &old).is_ok());
        let mut f = facts(d(2026, 11, 24));
        f.blacklisted_until = Some(d(2027, 3, 1));
        assert!(application_allowed(ServiceCode::D1, &f).is_err());
        assert!(
            application_allowed(ServiceCode::D7, &f).is_ok(),
            "deferrals are not 补牌换证"
        );
        f.blacklisted_until = Some(d(2026, 11, 23));
        assert!(
            application_allowed(ServiceCode::D1, &f).is_ok(),
            "an ended blacklisting no longer applies"
        );
        f.vehicle_type = Some(VehicleType::H11);
        assert!(application_allowed(ServiceCode::V1, &f).is_err());
    }

    #[test]
    fn deferrals_move_forward_within_their_limit() {
        let today = d(2026, 11, 24);
        let due = Some(d(2026, 12, 31));
        assert!(check_deferral(ServiceCode::D5, due, d(2027, 6, 1), today).is_ok());
        assert!(check_deferral(ServiceCode::D5, due, d(2026, 12, 1), today).is_err());
        assert!(check_deferral(ServiceCode::D5, due, d(2030, 1, 1), today).is_err());
        assert!(check_deferral(ServiceCode::D6, due, d(2028, 1, 2), today).is_err());
        assert_eq!(
            application_number(ServiceCode::D1, today, 7),
            "D120261124000007"
        );
    }

    #[test]
    fn fees_and_documents_to_hand_back() {
        assert!(documents_to_return(ServiceCode::D10).is_some());
        assert!(documents_to_return(ServiceCode::D1).is_none());
    }
}
