//! The plate desk against in-memory fakes of the selection store and the
//! registry: who may pre-select for which vehicle, what each step hands
//! the store, and the refusals with their words.

use super::*;
use crate::domain::plate_selection::{EXTENSION_SECS, MAX_BATCHES_PER_VIN};
use crate::domain::{IndividualKind, RegistrationChannel, VehicleType};
use crate::error::Refusal;
use crate::features::bindings::service::fake::{
    actor, block_on, clerk, person, unit, FakeRegistry, HOLDER_ID,
};
use crate::port_error::PortResult;
use async_trait::async_trait;
use std::sync::Mutex;

const NOW: i64 = 1_795_000_000_000;
const NEW_CAR: &str = "LSVAB2BJ5KN000001";
const BUS: &str = "LSVAB2BJ5KN000002";
const CHOSEN: &str = "LSVAB2BJ5KN000003";
const OTHER_CAR: &str = "LSVAB2BJ5KN000004";

/// What the desk asked the selection store to do.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Vehicles {
        account_id: i64,
        owner: OwnerKey,
        now_ms: i64,
    },
    Vehicle {
        owner: OwnerKey,
        vin: String,
        now_ms: i64,
    },
    VehicleForHold {
        owner: OwnerKey,
        vin: String,
        asked: Option<String>,
        now_ms: i64,
    },
    Prepare {
        vin: String,
        city: String,
        commitment: String,
        seed_hex: String,
        now_ms: i64,
    },
    Draw {
        batch_id: i64,
        nonce: String,
        now_ms: i64,
    },
    Hold {
        vin: String,
        plate: String,
        batch_id: Option<i64>,
        lapsed_hold: bool,
        now_ms: i64,
        ip: String,
    },
    Extend {
        vin: String,
        now_ms: i64,
    },
    Confirm {
        vin: String,
        now_ms: i64,
    },
}

/// The selection store: the owner's new vehicles, the numbers that are
/// not free, whether the vehicles have a lapsed hold, and one refusal that
/// every step meets when set.
#[derive(Default)]
struct FakePlates {
    vehicles: Vec<PlateVehicle>,
    gone: Vec<String>,
    lapsed_hold: bool,
    refusal: Option<PlateRefusal>,
    steps: Mutex<Vec<Step>>,
}

impl FakePlates {
    fn record(&self, step: Step) {
        self.steps.lock().expect("steps").push(step);
    }
    fn steps(&self) -> Vec<Step> {
        self.steps.lock().expect("steps").clone()
    }
    /// The steps after the vehicles were looked up.
    fn changes(&self) -> Vec<Step> {
        self.steps()
            .into_iter()
            .filter(|s| {
                !matches!(
                    s,
                    Step::Vehicles { .. } | Step::Vehicle { .. } | Step::VehicleForHold { .. }
                )
            })
            .collect()
    }
    fn answer<T>(&self, ok: T) -> PortResult<Result<T, PlateRefusal>> {
        Ok(match &self.refusal {
            Some(r) => Err(r.clone()),
            None => Ok(ok),
        })
    }
}

fn hold_of(plate: &str) -> PlateHold {
    PlateHold {
        plate: plate.into(),
        until_ms: NOW + 300_000,
        extended: false,
    }
}

#[async_trait]
impl PlateSelection for FakePlates {
    async fn vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
        now_ms: i64,
    ) -> PortResult<Vec<PlateVehicle>> {
        self.record(Step::Vehicles {
            account_id,
            owner: owner.clone(),
            now_ms,
        });
        Ok(self.vehicles.clone())
    }
    async fn vehicle(
        &self,
        owner: &OwnerKey,
        vin: &str,
        now_ms: i64,
    ) -> PortResult<Option<PlateVehicle>> {
        self.record(Step::Vehicle {
            owner: owner.clone(),
            vin: vin.into(),
            now_ms,
        });
        Ok(self.vehicles.iter().find(|v| v.vin == vin).cloned())
    }
    async fn vehicle_for_hold(
        &self,
        owner: &OwnerKey,
        vin: &str,
        asked: Option<&str>,
        now_ms: i64,
    ) -> PortResult<Option<(PlateVehicle, HoldStanding)>> {
        self.record(Step::VehicleForHold {
            owner: owner.clone(),
            vin: vin.into(),
            asked: asked.map(str::to_string),
            now_ms,
        });
        let standing = HoldStanding {
            lapsed_hold: self.lapsed_hold,
            asked_free: asked.is_none_or(|plate| !self.gone.iter().any(|g| g == plate)),
        };
        let found = self.vehicles.iter().find(|v| v.vin == vin).cloned();
        Ok(found.map(|vehicle| (vehicle, standing)))
    }
    async fn prepare(
        &self,
        _: i64,
        vin: &str,
        city: &str,
        commitment: &str,
        seed_hex: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, PlateRefusal>> {
        self.record(Step::Prepare {
            vin: vin.into(),
            city: city.into(),
            commitment: commitment.into(),
            seed_hex: seed_hex.into(),
            now_ms,
        });
        self.answer(11)
    }
    async fn draw(
        &self,
        _: i64,
        batch_id: i64,
        nonce: &str,
        now_ms: i64,
    ) -> PortResult<Result<DrawnBatch, PlateRefusal>> {
        self.record(Step::Draw {
            batch_id,
            nonce: nonce.into(),
            now_ms,
        });
        self.answer(DrawnBatch {
            batch_id,
            commitment: "c".into(),
            server_seed: "s".into(),
            client_nonce: nonce.into(),
            pool_size: 100,
            pool_digest: "d".into(),
            plates: vec!["冀A2B3C4".into()],
            expires_at_ms: now_ms + 120_000,
        })
    }
    async fn hold(
        &self,
        _: i64,
        vin: &str,
        plate: &str,
        batch_id: Option<i64>,
        lapsed_hold: bool,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PlateHold, PlateRefusal>> {
        self.record(Step::Hold {
            vin: vin.into(),
            plate: plate.into(),
            batch_id,
            lapsed_hold,
            now_ms,
            ip: actor.ip.clone(),
        });
        self.answer(hold_of(plate))
    }
    async fn batch(&self, _: i64, _: i64) -> PortResult<Option<BatchView>> {
        Ok(None)
    }
    async fn extend(&self, vin: &str, now_ms: i64) -> PortResult<Result<PlateHold, PlateRefusal>> {
        self.record(Step::Extend {
            vin: vin.into(),
            now_ms,
        });
        self.answer(hold_of("冀A2B3C4"))
    }
    async fn confirm(
        &self,
        _: i64,
        vin: &str,
        now_ms: i64,
        _: &Actor,
    ) -> PortResult<Result<String, PlateRefusal>> {
        self.record(Step::Confirm {
            vin: vin.into(),
            now_ms,
        });
        self.answer("冀A2B3C4".to_string())
    }
    async fn release_lapsed_holds(&self, _: i64) -> PortResult<usize> {
        unimplemented!("not used by the plate desk")
    }
    async fn load_pool(&self, _: &str, _: &[String], _: i64) -> PortResult<usize> {
        unimplemented!("not used by the plate desk")
    }
}

fn vehicle(vin: &str, vehicle_type: VehicleType, selected: Option<&str>) -> PlateVehicle {
    PlateVehicle {
        vin: vin.into(),
        vehicle_type,
        brand: "比亚迪".into(),
        batches_used: 0,
        hold: None,
        selected: selected.map(str::to_string),
    }
}

/// A new small car, a new bus, and a car whose number is chosen already.
fn plates() -> FakePlates {
    FakePlates {
        vehicles: vec![
            vehicle(NEW_CAR, VehicleType::K33, None),
            vehicle(BUS, VehicleType::K11, None),
            vehicle(CHOSEN, VehicleType::K33, Some("冀A8C8C8")),
        ],
        ..FakePlates::default()
    }
}

fn city() -> City {
    City {
        plate_prefix: "冀A".into(),
        withheld_series: vec!["88".into()],
        ..City::default()
    }
}

fn today() -> Date {
    Date::new(2026, 11, 28).expect("a date")
}

fn desk<'a>(plates: &'a FakePlates, registry: &'a FakeRegistry, city: &'a City) -> PlateDesk<'a> {
    PlateDesk {
        plates,
        bindings: registry,
        city,
        now_ms: NOW,
        today: today(),
    }
}

fn owner() -> SessionAccount {
    person(IndividualKind::NewCarOwner, RegistrationChannel::Online)
}

fn refusal<T: std::fmt::Debug>(result: Result<T, AppError>) -> Refusal {
    match result {
        Err(AppError::NotAllowed(r)) => r,
        other => panic!("a refusal expected, got {other:?}"),
    }
}

fn conflict<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    match result {
        Err(AppError::Conflict(text)) => text.zh,
        other => panic!("a conflict expected, got {other:?}"),
    }
}

fn field<T: std::fmt::Debug>(result: Result<T, AppError>) -> (String, String) {
    match result {
        Err(AppError::Fields(mut problems)) if problems.len() == 1 => {
            let p = problems.remove(0);
            (p.field, p.message.zh)
        }
        other => panic!("one field problem expected, got {other:?}"),
    }
}

mod steps;

#[test]
fn staff_do_not_choose_plates() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let refused = refusal(block_on(desk(&plates, &registry, &city).vehicles(&clerk())));
    assert_eq!(refused.rule.zh, "民警账户不能选号。");
    assert_eq!(plates.steps(), []);
}

#[test]
fn pre_selection_opens_with_the_second_batch_of_services() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let mut desk = desk(&plates, &registry, &city);
    desk.today = ServiceCode::V7.available_from().add_days(-1);
    let refused = refusal(block_on(desk.vehicles(&owner())));
    assert_eq!(refused.rule.zh, "该业务尚未开通。");
    desk.today = ServiceCode::V7.available_from();
    assert!(block_on(desk.vehicles(&owner())).is_ok());
}

#[test]
fn online_owners_and_units_list_their_new_vehicles_as_of_now() {
    let (plates, city) = (plates(), city());
    let registry = FakeRegistry::default();
    let listed = block_on(desk(&plates, &registry, &city).vehicles(&owner())).expect("listed");
    assert_eq!(listed, plates.vehicles);
    block_on(desk(&plates, &registry, &city).vehicles(&unit())).expect("listed");
    assert_eq!(
        plates.steps(),
        [
            Step::Vehicles {
                account_id: 1,
                owner: OwnerKey::Person(HOLDER_ID.into()),
                now_ms: NOW
            },
            Step::Vehicles {
                account_id: 1,
                owner: OwnerKey::Organisation("91130100MA0A0B0C0D".into()),
                now_ms: NOW
            }
        ]
    );
}

#[test]
fn a_session_without_its_holder_is_logged_out() {
    let (plates, city) = (plates(), city());
    let mut no_one = owner();
    no_one.owner = None;
    assert_eq!(
        block_on(desk(&plates, &FakeRegistry::default(), &city).vehicles(&no_one)),
        Err(AppError::NotLoggedIn)
    );
    assert_eq!(plates.steps(), []);
}

#[test]
fn only_the_owners_new_small_vehicle_without_a_number_qualifies() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let desk = desk(&plates, &registry, &city);
    let found = block_on(desk.own_vehicle(&owner(), " lsvab2bj5kn000001 ")).expect("typed");
    assert_eq!(found.vin, NEW_CAR);
    let Err(AppError::NotFound(text)) = block_on(desk.own_vehicle(&owner(), "LSVAB2BJ5KN999999"))
    else {
        panic!("not found expected");
    };
    assert_eq!(text.zh, "没有找到登记在您名下、尚未注册的这辆新车。");
    let refused = refusal(block_on(desk.own_vehicle(&owner(), BUS)));
    assert_eq!(
        refused.rule.zh,
        "网上办理的机动车业务（含电子监控违法处理）只限小型机动车。"
    );
    assert_eq!(
        conflict(block_on(desk.hold_drawn(
            &owner(),
            CHOSEN,
            "冀A2B3C4",
            11,
            &actor()
        ))),
        "该车已选定号码冀A8C8C8，选定后不能更改。"
    );
    assert_eq!(plates.changes(), [], "nothing was held");
}

#[test]
fn the_draw_is_committed_to_the_seed_for_the_seat_city() {
    let (plates, registry, city) = (plates(), FakeRegistry::default(), city());
    let seed = [7u8; 32];
    let prepared =
        block_on(desk(&plates, &registry, &city).prepare(&owner(), "lsvab2bj5kn000001", &seed))
            .expect("prepared");
    let commitment = crate::domain::plate_selection::commitment(&seed);
    assert_eq!(
        prepared,
        PreparedDraw {
            batch_id: 11,
            commitment: commitment.clone()
        }
    );
    assert_eq!(
        plates.changes(),
        [Step::Prepare {
            vin: NEW_CAR.into(),
            city: "冀A".into(),
            commitment,
            seed_hex: "07".repeat(32),
            now_ms: NOW
        }]
    );
}

#[test]
fn a_fourth_batch_is_refused_with_the_other_ways_to_choose() {
    let plates = FakePlates {
        refusal: Some(PlateRefusal::BatchesUsed),
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    let refused = refusal(block_on(desk(&plates, &registry, &city).prepare(
        &owner(),
        NEW_CAR,
        &[1; 32],
    )));
    assert_eq!(
        refused.rule.zh,
        format!("每辆车最多随机选号{MAX_BATCHES_PER_VIN}次，已经用完。")
    );
    assert_eq!(
        refused.remedy.zh,
        "可以改用自编自选，或到车辆管理所现场选号。"
    );
}

#[test]
fn a_hold_is_extended_once() {
    let plates = FakePlates {
        refusal: Some(PlateRefusal::AlreadyExtended),
        ..plates()
    };
    let (registry, city) = (FakeRegistry::default(), city());
    let message = conflict(block_on(
        desk(&plates, &registry, &city).extend(&owner(), " lsvab2bj5kn000001"),
    ));
    assert_eq!(
        message,
        format!("每次保留只能延长一次（{EXTENSION_SECS}秒）。")
    );
    assert_eq!(
        plates.changes(),
        [Step::Extend {
            vin: NEW_CAR.into(),
            now_ms: NOW
        }]
    );
}
