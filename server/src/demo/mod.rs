//! The synthetic demo registry for Shijiazhuang (冀A): windows, clerks,
//! persons, organisations, vehicles, licences, violations and demo accounts.
//! Deterministic (fixed seed) and entirely invented: no real person's data.
//! A platform of another province gets the small registry of [`visited`]
//! (京) instead, for the two-platform demo.
//!
//! One file per thing seeded, loaded in this order in one transaction:
//! `registry` (windows, persons, organisations), `vehicles` (and the plate
//! pool's numbers), `licences`, `violations`, `accounts`, `exams`. `cast`
//! says which persons play the demo accounts; `random` is the one seeded
//! source every draw comes from; `batch` writes the rows.

mod accounts;
mod batch;
mod big_fleet;
mod cast;
mod exams;
mod licences;
mod random;
mod registry;
mod vehicles;
mod violations;
pub mod visited;

pub use vehicles::plate_pool;
pub use visited::{load_visitors, visitors_from_home_summary, VisitedSummary, Visitor};

use app::domain::Date;
use sqlx::{AnyPool, Row};
use std::collections::HashSet;

/// The province of the demo registry (冀). A platform of another province
/// gets the [`visited`] demo instead.
pub const HOME_PROVINCE: &str = "冀";

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo@2026";
/// The seed of the demo registry.
const SEED: u64 = 20151229;

/// One demo login printed by `make run` and used by the browser tests.
pub struct DemoLogin {
    pub role_zh: &'static str,
    pub role_en: &'static str,
    pub login: String,
    pub password: String,
    /// Staff: the second-factor key (动态口令密钥) the demo staff share, in
    /// Base32, to add to an authenticator app (development only).
    pub totp_key: Option<String>,
    /// A unit's operator: the login name to give with the unit's code
    /// (`login`) on the operator login page (经办人登录).
    pub operator: Option<String>,
    /// A citizen's name as the registry holds it: what a unit serving them
    /// (a hospital examining them) checks against the ID.
    pub name: Option<String>,
}

/// The demo staff's second-factor key: known, so the demo and the browser
/// tests can log in as staff. Only demo data has it, and demo data loads
/// only in development.
pub const DEMO_TOTP_KEY: &[u8; 20] = b"demo-staff-totp-key!";

/// An online owner's small car (小型轿车), with camera-recorded violations,
/// for the binding and fine journeys.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DemoCar {
    pub plate: String,
    pub vin: String,
    pub owner_phone: String,
}

pub struct DemoSummary {
    pub persons: usize,
    pub organisations: usize,
    pub vehicles: usize,
    pub licences: usize,
    pub violations: usize,
    /// The first login of each role comes before any second one (“#2”), so a
    /// lookup by role prefix finds the first.
    pub logins: Vec<DemoLogin>,
    /// People in the registry with no account yet: (ID number, name, phone on record).
    pub can_register_online: Vec<(String, String, String)>,
    /// The online owners' small cars, in the order of their logins.
    pub owner_cars: Vec<DemoCar>,
    /// Drivers of the big fleet with a valid licence and no points: (ID
    /// number, name, phone on record), those the company has not bound and
    /// a few it has. Empty without the big fleet.
    pub fleet_drivers_not_bound: Vec<(String, String, String)>,
    pub fleet_drivers_bound: Vec<(String, String, String)>,
}

/// How much demo data to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSize {
    /// The registry every test database starts from.
    Standard,
    /// With the big fleet: the road transport company's 5,000 vehicles,
    /// 300 drivers and 20,000 violations (`make run`, the benchmarks).
    WithBigFleet,
}

/// The road transport company that owns the big fleet (an index into the
/// organisations; a demo unit account, `accounts::UNITS`).
const BIG_FLEET_COMPANY: usize = 6;

/// True when the registry already has persons.
pub async fn is_loaded(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Loads the demo registry into an empty, migrated database in one transaction.
pub async fn load(
    pool: &AnyPool,
    today: Date,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
    size: DemoSize,
) -> Result<DemoSummary, sqlx::Error> {
    let mut rng = random::Rng::seeded(SEED);
    let mut tx = pool.begin().await?;
    let mut phones = HashSet::new();

    registry::windows(&mut tx, &mut rng).await?;
    let persons = registry::persons(&mut tx, &mut rng, &mut phones, today, now_ms).await?;
    let orgs = registry::organisations(&mut tx, &mut rng, &mut phones).await?;
    let fleet = vehicles::vehicles(&mut tx, &mut rng, &persons, &orgs, today).await?;
    let licences = licences::licences(&mut tx, &mut rng, &persons, today).await?;
    let mut violations = violations::violations(&mut tx, &mut rng, today, now_ms).await?;
    let mut vehicle_count = fleet.count;
    let mut person_count = persons.len();
    let mut big_fleet_drivers = Vec::new();
    if size == DemoSize::WithBigFleet {
        let big = big_fleet::big_fleet(
            &mut tx,
            &mut rng,
            &orgs[BIG_FLEET_COMPANY],
            &mut phones,
            today,
            now_ms,
        )
        .await?;
        vehicle_count += big.vehicles;
        person_count += big.drivers;
        violations += big.violations;
        big_fleet_drivers = big.driver_ids;
    }

    let staff = accounts::staff(
        &mut tx,
        &mut rng,
        now_ms,
        hash_password,
        accounts::HEBEI_POLICE_NUMBERS,
    )
    .await?;
    let (mut logins, second) =
        accounts::citizens(&mut tx, &persons, &staff, now_ms, hash_password).await?;
    logins.extend(accounts::units(&mut tx, &persons, &orgs, &staff, now_ms, hash_password).await?);
    logins.extend(accounts::staff_logins(registry::UNIT_WINDOW));
    logins.extend(second);
    let (fleet_drivers_not_bound, fleet_drivers_bound) = if big_fleet_drivers.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let drivers = big_fleet::bind_drivers(
            &mut tx,
            &orgs[BIG_FLEET_COMPANY],
            &big_fleet_drivers,
            today,
            now_ms,
        )
        .await?;
        (drivers.not_bound, drivers.some_bound)
    };

    exams::exams(&mut tx, &mut rng, &persons, today, now_ms).await?;
    tx.commit().await?;

    let can_register_online = persons[cast::CAN_REGISTER_ONLINE]
        .iter()
        .map(|p| (p.id.clone(), p.name.clone(), p.phone.clone()))
        .collect();
    Ok(DemoSummary {
        persons: person_count,
        organisations: orgs.len(),
        vehicles: vehicle_count,
        licences,
        violations,
        logins,
        can_register_online,
        owner_cars: fleet.owner_cars,
        fleet_drivers_not_bound,
        fleet_drivers_bound,
    })
}
