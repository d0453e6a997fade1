//! The application desk against in-memory fakes of the applications and
//! bindings ports: which subjects are offered, what a blacklisting or a
//! staff account changes, and what a checked form stores.

use super::*;
use crate::domain::{
    IndividualKind, OwnerKey, PlateNumber, RegistrationChannel, VehicleStatus, VehicleType,
};
use crate::features::accounts::AccountRole;
use crate::features::applications::port::DraftSaved;
use crate::features::applications::{
    ApplicationDetail, ApplicationSummary, AuditEntry, BlacklistEntry, DraftSummary, QueueFilter,
    QueuePage,
};
use crate::features::bindings::port::{BindRejection, ContactTarget, RegistryVehicle};
use crate::features::bindings::{MyLicence, MyVehicle, UnboundVehicle};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// What the fake registry and application store hold for account 1.
#[derive(Default)]
struct Fake {
    vehicles: Vec<MyVehicle>,
    blacklist: Vec<BlacklistEntry>,
}

const UNUSED: &str = "not used by the application desk";

#[async_trait]
impl Applications for Fake {
    async fn submit(
        &self,
        _: NewApplication,
        _: Option<i64>,
        _: &Actor,
    ) -> PortResult<Option<String>> {
        unimplemented!("{UNUSED}")
    }
    async fn save_draft(
        &self,
        _: i64,
        _: Option<i64>,
        _: ServiceCode,
        _: &str,
        _: i64,
    ) -> PortResult<DraftSaved> {
        unimplemented!("{UNUSED}")
    }
    async fn drafts(&self, _: i64, _: i64) -> PortResult<Vec<DraftSummary>> {
        Ok(Vec::new())
    }
    async fn delete_draft(&self, _: i64, _: i64) -> PortResult<bool> {
        unimplemented!("{UNUSED}")
    }
    async fn load_draft(&self, _: i64, _: i64) -> PortResult<Option<(ServiceCode, String)>> {
        Ok(Some((ServiceCode::V1, r#"{"subject":"v:7"}"#.into())))
    }
    async fn submitted_from_draft(&self, _: i64, _: i64) -> PortResult<Option<String>> {
        unimplemented!("{UNUSED}")
    }
    async fn mine(&self, _: i64, page: PageRequest) -> PortResult<ListPage<ApplicationSummary>> {
        Ok(ListPage::new(Vec::new(), 0, page))
    }
    async fn detail(&self, _: &str) -> PortResult<Option<ApplicationDetail>> {
        unimplemented!("{UNUSED}")
    }
    async fn queue(&self, _: &QueueFilter) -> PortResult<QueuePage> {
        unimplemented!("{UNUSED}")
    }
    async fn audit_trail(&self, _: i64, _: i64) -> PortResult<Vec<AuditEntry>> {
        unimplemented!("{UNUSED}")
    }
}

#[async_trait]
impl Blacklists for Fake {
    async fn sweep_blacklist(&self, _: Date) -> PortResult<usize> {
        unimplemented!("{UNUSED}")
    }
    async fn blacklist_of(&self, _: i64) -> PortResult<Vec<BlacklistEntry>> {
        Ok(self.blacklist.clone())
    }
    async fn lift_blacklist(&self, _: i64, _: &str, _: &Actor) -> PortResult<bool> {
        unimplemented!("{UNUSED}")
    }
}

#[async_trait]
impl Bindings for Fake {
    async fn bound_vehicles(&self, _: i64) -> PortResult<Vec<MyVehicle>> {
        Ok(self.vehicles.clone())
    }
    async fn unbound_own_vehicles(&self, _: i64, _: &OwnerKey) -> PortResult<Vec<UnboundVehicle>> {
        unimplemented!("{UNUSED}")
    }
    async fn vehicle_by_plate(&self, _: &PlateNumber) -> PortResult<Option<RegistryVehicle>> {
        unimplemented!("{UNUSED}")
    }
    async fn vehicle_by_id(&self, _: i64) -> PortResult<Option<RegistryVehicle>> {
        unimplemented!("{UNUSED}")
    }
    async fn bind_vehicle(
        &self,
        _: i64,
        _: i64,
        _: BindingKind,
        _: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        unimplemented!("{UNUSED}")
    }
    async fn unbind_vehicle(&self, _: i64, _: i64, _: &Actor) -> PortResult<bool> {
        unimplemented!("{UNUSED}")
    }
    async fn licence(&self, _: i64, _: &str) -> PortResult<Option<MyLicence>> {
        Ok(None)
    }
    async fn bind_licence(
        &self,
        _: i64,
        _: &str,
        _: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        unimplemented!("{UNUSED}")
    }
    async fn unbind_licence(&self, _: i64, _: &Actor) -> PortResult<bool> {
        unimplemented!("{UNUSED}")
    }
    async fn change_contact(
        &self,
        _: i64,
        _: &ContactTarget,
        _: &str,
        _: &PhoneNumber,
        _: &Actor,
    ) -> PortResult<()> {
        unimplemented!("{UNUSED}")
    }
}

/// Runs a future of the fakes (they never wait).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

fn today() -> Date {
    Date::new(2026, 11, 28).expect("a date")
}

fn vehicle(id: i64, vehicle_type: VehicleType, binding: BindingKind) -> MyVehicle {
    MyVehicle {
        vehicle_id: id,
        plate: format!("冀A1234{id}"),
        vehicle_type,
        brand: "大众".into(),
        colour: "白".into(),
        status: VehicleStatus::Normal,
        inspection_due: None,
        binding,
        unhandled_violations: 0,
    }
}

/// A window-registered owner (online accounts may not apply for documents).
fn owner() -> SessionAccount {
    SessionAccount {
        account_id: 1,
        display_name: "张三".into(),
        phone_masked: "138****1234".into(),
        id_number_masked: Some("110101********1237".into()),
        role: AccountRole::Individual {
            kind: IndividualKind::OwnerOrDriver,
            channel: RegistrationChannel::Window,
            window: None,
        },
        operator: None,
        roaming_from: None,
        owner: Some(OwnerKey::Person("110101199001011237".into())),
    }
}

/// A small car (7) and a bus (8) in the owner's name, and a car bound as
/// not the owner's (9).
fn fake() -> Fake {
    Fake {
        vehicles: vec![
            vehicle(7, VehicleType::K33, BindingKind::Own),
            vehicle(8, VehicleType::K11, BindingKind::Own),
            vehicle(9, VehicleType::K33, BindingKind::NonOwn),
        ],
        blacklist: Vec::new(),
    }
}

/// Fees as a platform's configuration sets them.
fn profile() -> &'static crate::profile::PlatformProfile {
    static PROFILE: std::sync::OnceLock<crate::profile::PlatformProfile> =
        std::sync::OnceLock::new();
    PROFILE.get_or_init(|| crate::profile::PlatformProfile {
        fees: crate::profile::Fees {
            plate_pair_yuan: 100,
            vehicle_licence_yuan: 10,
            driving_licence_yuan: 10,
            postage_yuan: 20,
        },
        business_centres: vec![crate::profile::BusinessCentre {
            city: "冀A".into(),
            address_zh: "石家庄市桥西区".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
}

fn desk(fake: &Fake) -> Desk<'_> {
    Desk {
        applications: fake,
        blacklists: fake,
        bindings: fake,
        profile: profile(),
        exams: fake,
        today: today(),
    }
}

/// The desk reads examinations only for renewals (D10, D11), which these
/// tests do not apply for.
#[async_trait]
impl crate::features::physical_exams::port::PhysicalExams for Fake {
    async fn person_name(&self, _: &str) -> PortResult<Option<String>> {
        unimplemented!("{UNUSED}")
    }
    async fn record(
        &self,
        _: &crate::features::physical_exams::port::NewExam,
        _: &Actor,
    ) -> PortResult<crate::features::physical_exams::ExamEntry> {
        unimplemented!("{UNUSED}")
    }
    async fn hospital_exams(
        &self,
        _: i64,
        _: Option<&str>,
        _: PageRequest,
    ) -> PortResult<ListPage<crate::features::physical_exams::ExamEntry>> {
        unimplemented!("{UNUSED}")
    }
    async fn hospital_exams_after(
        &self,
        _: i64,
        _: Option<&str>,
        _: i64,
        _: i64,
    ) -> PortResult<Vec<crate::features::physical_exams::ExamEntry>> {
        unimplemented!("{UNUSED}")
    }
    async fn exam(
        &self,
        _: i64,
    ) -> PortResult<Option<crate::features::physical_exams::port::ExamFound>> {
        unimplemented!("{UNUSED}")
    }
    async fn exams_of(
        &self,
        _: &str,
        _: i64,
    ) -> PortResult<Vec<crate::features::physical_exams::ExamEntry>> {
        unimplemented!("{UNUSED}")
    }
    async fn certificates_of(
        &self,
        _: &str,
        _: i64,
    ) -> PortResult<Vec<crate::features::physical_exams::CertificateEntry>> {
        unimplemented!("{UNUSED}")
    }
    async fn certificate_owed(
        &self,
        _: &str,
    ) -> PortResult<Option<crate::features::physical_exams::port::CertificateOwed>> {
        unimplemented!("{UNUSED}")
    }
    async fn submit_certificate(
        &self,
        _: &crate::features::physical_exams::port::CertificateSubmission,
        _: &Actor,
    ) -> PortResult<crate::features::physical_exams::port::CertificateSubmitted> {
        unimplemented!("{UNUSED}")
    }
}

fn input(subject: &str, fulfilment: &str) -> ApplicationInput {
    ApplicationInput {
        subject: subject.into(),
        fulfilment: Some(fulfilment.into()),
        ..ApplicationInput::default()
    }
}

#[test]
fn a_vehicle_service_offers_the_own_vehicles_and_refuses_large_ones() {
    let fake = fake();
    let options = block_on(desk(&fake).options_for(&owner(), ServiceCode::V1)).expect("options");
    assert_eq!(options.refusal, None);
    let keys: Vec<_> = options.subjects.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        ["v:7", "v:8"],
        "vehicles not in the name are not offered"
    );
    assert_eq!(options.subjects[0].refusal, None);
    assert!(
        options.subjects[1].refusal.is_some(),
        "a bus is not a small vehicle"
    );
    assert_eq!(options.fee_fen, 1000);
    assert!(options.offers_fulfilment);
}

#[test]
fn a_blacklisted_applicant_is_refused_until_the_last_day() {
    let mut fake = fake();
    fake.blacklist.push(BlacklistEntry {
        id: 1,
        application_no: "A1".into(),
        cause: "not_collected".into(),
        since: today().add_days(-10),
        until: today(),
        lifted: None,
    });
    let options = block_on(desk(&fake).options_for(&owner(), ServiceCode::V1)).expect("options");
    assert!(options.refusal.is_some());
    let refused = block_on(desk(&fake).validate_input(
        &owner(),
        ServiceCode::V1,
        &input("v:7", "self_pickup"),
    ));
    assert!(matches!(refused, Err(AppError::NotAllowed(_))));
}

#[test]
fn staff_do_not_apply() {
    let mut clerk = owner();
    clerk.role = AccountRole::Staff {
        role: crate::domain::StaffRole::WindowClerk,
        window_id: Some(1),
        window: None,
        serves_units: false,
    };
    let fake = fake();
    let refused = block_on(desk(&fake).options_for(&clerk, ServiceCode::V1));
    assert!(matches!(refused, Err(AppError::NotAllowed(_))));
}

#[test]
fn every_missing_answer_is_reported_at_once() {
    let fake = fake();
    let form = ApplicationInput {
        fulfilment: Some("post".into()),
        address: Some("短".into()),
        ..ApplicationInput::default()
    };
    let Err(AppError::Fields(problems)) =
        block_on(desk(&fake).validate_input(&owner(), ServiceCode::V1, &form))
    else {
        panic!("field problems expected");
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["subject", "recipient", "recipient_phone", "address"]
    );
}

#[test]
fn a_checked_form_is_stored_with_its_fee_and_no_postage_for_pickup() {
    let fake = fake();
    let new = block_on(desk(&fake).validate_input(
        &owner(),
        ServiceCode::V1,
        &input("v:7", "self_pickup"),
    ))
    .expect("valid");
    assert_eq!(new.vehicle_id, Some(7));
    assert_eq!(new.licence_id_number, None);
    assert_eq!(new.subject_label, "冀A12347");
    assert_eq!((new.fee_fen, new.postage_fen), (1000, 0));
    assert_eq!(new.today, today());
}

#[test]
fn a_draft_is_read_back_as_typed() {
    let fake = fake();
    let Draft::Open(service, input) = block_on(desk(&fake).draft(1, 5)).expect("draft") else {
        panic!("an open draft expected");
    };
    assert_eq!((service, input.subject.as_str()), (ServiceCode::V1, "v:7"));
}
