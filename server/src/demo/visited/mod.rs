//! The demo of a visited platform (外省平台演示数据): 京's small registry, for
//! the two-platform demo (`make run-roaming`) next to the 冀 demo registry.
//! A platform whose province is not 冀 gets it instead of the 冀 registry:
//!
//! - its registration windows (注册窗口), in Beijing, and the demo staff
//!   (the 冀 demo's accounts code: the same password and second-factor key);
//! - then the visitors (漫游用户): persons registered on the 冀 platform who
//!   have business in 京 — their car caught by a camera here (two
//!   surveillance violations, 电子监控违法记录), a car registered here, a
//!   driving licence issued here. `make run-roaming` takes them from the 冀
//!   server's demo summary ([`visitors_from_home_summary`]).
//!
//! Deterministic: each visitor's records are drawn from a seed made of their
//! ID number, whatever the order or number of visitors.

mod home_summary;
mod records;

pub use home_summary::visitors_from_home_summary;

use super::accounts;
use super::batch::{insert, s, Tx, V};
use super::licences::LICENCE_COLUMNS;
use super::random::Rng;
use super::registry::PERSON_COLUMNS;
use super::vehicles::VEHICLE_COLUMNS;
use super::violations::VIOLATION_COLUMNS;
use super::{DemoCar, DemoSummary};
use app::domain::Date;
use sqlx::{AnyPool, Row};
use std::collections::HashSet;

/// A person of another province with business here (漫游用户的本地记录).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visitor {
    pub id_number: String,
    pub name: String,
    pub phone: String,
    /// Their car registered at home (plate, VIN as the home demo has it),
    /// which was caught by a camera here.
    pub home_car: Option<DemoCar>,
    /// Also owns a car registered here (京).
    pub car_here: bool,
    /// Their driving licence was issued here.
    pub licence_here: bool,
}

/// What [`load_visitors`] put into the registry.
#[derive(Clone, Debug, Default)]
pub struct VisitedSummary {
    /// Persons added (人员), one per visitor.
    pub persons: usize,
    /// The visitors' home cars as this registry records them, in the order
    /// of the visitors.
    pub home_cars: Vec<DemoCar>,
    /// The visitors' cars registered here (京N…), in the order of the visitors.
    pub cars_here: Vec<DemoCar>,
    /// Driving licences issued here (驾驶证).
    pub licences_here: usize,
    /// Surveillance violations recorded here, all unhandled.
    pub violations_here: usize,
}

/// The registration windows the visited demo loads.
pub const WINDOW_COUNT: usize = records::WINDOWS.len();
/// The registration windows' ids: two for individuals, then the one
/// serving units (单位用户注册窗口).
const UNIT_WINDOW: i64 = 3;
/// The police numbers (警号) of the demo staff start here: 11 is Beijing's
/// region code.
const BEIJING_POLICE_NUMBERS: i64 = 110_000;
/// The seed of the staff's names.
const SEED: u64 = 20_260_101;

/// True when the visited demo is loaded: the demo staff are there.
pub(crate) async fn is_loaded(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'staff'")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Loads the windows and the demo staff into an empty, migrated database
/// in one transaction; answers the staff logins (no persons yet: the
/// visitors come with [`load_visitors`]).
pub(crate) async fn load(
    pool: &AnyPool,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<DemoSummary, sqlx::Error> {
    let mut rng = Rng::seeded(SEED);
    let mut tx = pool.begin().await?;
    let windows: Vec<Vec<V>> = records::WINDOWS
        .iter()
        .enumerate()
        .map(|(i, (name, address, phone))| {
            let id = i as i64 + 1;
            let serves = if id == UNIT_WINDOW {
                "unit"
            } else {
                "individual"
            };
            vec![
                V::I(id),
                s(format!("W{id:02}")),
                s(*name),
                s(*address),
                s(serves),
                s(*phone),
            ]
        })
        .collect();
    insert(
        &mut tx,
        "registration_windows",
        &["id", "code", "name", "address", "serves", "phone"],
        &windows,
    )
    .await?;
    accounts::staff(
        &mut tx,
        &mut rng,
        now_ms,
        hash_password,
        BEIJING_POLICE_NUMBERS,
    )
    .await?;
    tx.commit().await?;
    Ok(DemoSummary {
        persons: 0,
        organisations: 0,
        vehicles: 0,
        licences: 0,
        violations: 0,
        logins: accounts::staff_logins(UNIT_WINDOW),
        can_register_online: Vec::new(),
        owner_cars: Vec::new(),
        fleet_drivers_not_bound: Vec::new(),
        fleet_drivers_bound: Vec::new(),
    })
}

/// Puts the visitors into the registry in one transaction: each one's
/// person record; their home car as recorded here with two unhandled
/// surveillance violations recorded in 京; their car registered here with
/// one; their driving licence issued here (C1, valid, no points). A visitor
/// already on record, or a plate or VIN already held, is a database
/// error and nothing is loaded.
pub async fn load_visitors(
    pool: &AnyPool,
    visitors: &[Visitor],
    today: Date,
    now_ms: i64,
) -> Result<VisitedSummary, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // SQLite's write lock up front, as the store's writers take it.
    sqlx::query("UPDATE write_gate SET n = n + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let mut summary = VisitedSummary::default();
    let (mut plates, mut vins) = (HashSet::new(), HashSet::new());
    for visitor in visitors {
        let mut rng = Rng::seeded(records::seed_of(&visitor.id_number));
        let person = records::person(&mut rng, visitor, now_ms)?;
        insert(&mut tx, "persons", PERSON_COLUMNS, &[person]).await?;
        summary.persons += 1;
        if let Some(car) = &visitor.home_car {
            plates.insert(car.plate.clone());
            vins.insert(car.vin.clone());
            let row = records::home_car(&mut rng, visitor, car);
            let id = vehicle(&mut tx, &car.plate, row).await?;
            let rows = records::home_car_violations(&mut rng, (id, &car.plate), now_ms);
            summary.violations_here += rows.len();
            insert(&mut tx, "violations", VIOLATION_COLUMNS, &rows).await?;
            summary.home_cars.push(car.clone());
        }
        if visitor.car_here {
            let (row, car) = records::car_here(&mut rng, visitor, today, &mut plates, &mut vins);
            let id = vehicle(&mut tx, &car.plate, row).await?;
            let rows = records::car_here_violations(&mut rng, (id, &car.plate), now_ms);
            summary.violations_here += rows.len();
            insert(&mut tx, "violations", VIOLATION_COLUMNS, &rows).await?;
            summary.cars_here.push(car);
        }
        if visitor.licence_here {
            let row = records::licence(&mut rng, visitor, today)?;
            insert(&mut tx, "driving_licences", LICENCE_COLUMNS, &[row]).await?;
            summary.licences_here += 1;
        }
    }
    tx.commit().await?;
    Ok(summary)
}

/// Inserts one vehicle row (of this plate); answers its id.
async fn vehicle(tx: &mut Tx, plate: &str, row: Vec<V>) -> Result<i64, sqlx::Error> {
    insert(tx, "vehicles", VEHICLE_COLUMNS, &[row]).await?;
    sqlx::query("SELECT id FROM vehicles WHERE plate = $1")
        .bind(plate)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")
}
