//! Kinds of users and how they registered (SPEC §1–3).

use super::coded_enum;
use serde::{Deserialize, Serialize};

/// 个人用户类别
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IndividualKind {
    OwnerOrDriver,
    Learner,
    NewCarOwner,
}

coded_enum!(IndividualKind {
    OwnerOrDriver => ("owner_or_driver", "车主或驾驶人", "Vehicle owner or driver"),
    Learner => ("learner", "初次申领机动车驾驶证的学员", "Learner applying for a first licence"),
    NewCarOwner => ("new_car_owner", "新车车主", "New-car owner"),
});

/// 单位用户类别
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitKind {
    RoadTransport,
    DrivingSchool,
    CarDealer,
    Hospital,
    School,
    OtherEnterprise,
    TransportAuthority,
    EducationAuthority,
    WorkSafetyAuthority,
}

coded_enum!(UnitKind {
    RoadTransport => ("road_transport", "道路运输企业", "Road transport company"),
    DrivingSchool => ("driving_school", "驾驶培训机构", "Driving school"),
    CarDealer => ("car_dealer", "汽车销售商", "Car dealer"),
    Hospital => ("hospital", "医院", "Hospital"),
    School => ("school", "学校", "School"),
    OtherEnterprise => ("other_enterprise", "其他企事业单位", "Other enterprise or institution"),
    TransportAuthority => ("transport_authority", "道路运输管理部门", "Road transport authority"),
    EducationAuthority => ("education_authority", "教育行政部门", "Education authority"),
    WorkSafetyAuthority => ("work_safety_authority", "安监部门", "Work-safety authority"),
});

/// 注册方式: every account has exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegistrationChannel {
    Online,
    Window,
}

coded_enum!(RegistrationChannel {
    Online => ("online", "网上注册", "Registered online"),
    Window => ("window", "窗口注册", "Registered at a window"),
});

/// 委托业务和专项服务 a unit may be granted by the traffic authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SpecialService {
    TemporaryPlates,
    PhysicalExam,
    SubmitPhysicalCertificate,
    LearnerAppointmentQuery,
    LearnerPreEntry,
    LearnerWindowRegistration,
}

coded_enum!(SpecialService {
    TemporaryPlates => ("temporary_plates", "临时号牌核发", "Issuing temporary plates"),
    PhysicalExam => ("physical_exam", "驾驶人体检", "Driver physical examinations"),
    SubmitPhysicalCertificate => ("submit_physical_certificate", "提交身体条件证明", "Submitting physical-condition certificates"),
    LearnerAppointmentQuery => ("learner_appointment_query", "学员预约信息查询", "Querying learners' test appointments"),
    LearnerPreEntry => ("learner_pre_entry", "学员预录入", "Pre-entering learners"),
    LearnerWindowRegistration => ("learner_window_registration", "学员用户窗口注册", "Registering learner users"),
});

impl SpecialService {
    /// Which kind of unit may be granted it: car dealers issue temporary
    /// plates, hospitals examine drivers, driving schools serve learners.
    pub fn allowed_for(self, kind: UnitKind) -> bool {
        match self {
            SpecialService::TemporaryPlates => kind == UnitKind::CarDealer,
            SpecialService::PhysicalExam | SpecialService::SubmitPhysicalCertificate => {
                kind == UnitKind::Hospital
            }
            SpecialService::LearnerAppointmentQuery
            | SpecialService::LearnerPreEntry
            | SpecialService::LearnerWindowRegistration => kind == UnitKind::DrivingSchool,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::from_code(k.code()), Some(*k));
        }
        for s in SpecialService::ALL {
            assert_eq!(SpecialService::from_code(s.code()), Some(*s));
        }
        assert_eq!(
            IndividualKind::from_code("learner"),
            Some(IndividualKind::Learner)
        );
        assert_eq!(RegistrationChannel::from_code("x"), None);
    }

    #[test]
    fn special_services_follow_the_unit_kind() {
        assert!(SpecialService::TemporaryPlates.allowed_for(UnitKind::CarDealer));
        assert!(!SpecialService::TemporaryPlates.allowed_for(UnitKind::Hospital));
        assert!(SpecialService::PhysicalExam.allowed_for(UnitKind::Hospital));
        assert!(SpecialService::LearnerPreEntry.allowed_for(UnitKind::DrivingSchool));
        assert!(!SpecialService::LearnerPreEntry.allowed_for(UnitKind::School));
    }
}
