//! The crowd the crash test sends at the server (人群), written straight
//! into the database as the rush benchmarks do: people with accounts and
//! live sessions (no login, so no password hashing in the way), new cars
//! and a plate pool, learners and exam sessions, window-registered owners
//! with a car, its violations and the car bound to the account.

use app::domain::{Date, ResidentId};
use sqlx::{Any, AnyPool, Row, Transaction};

/// How many of each.
pub const PLATE_OWNERS: usize = 200;
pub const POOL_NUMBERS: usize = 110;
pub const LEARNERS: usize = 300;
pub const EXAM_SESSIONS: usize = 8;
pub const SEATS_PER_SESSION: i64 = 20;
pub const CITIZENS: usize = 160;
/// Fines on each citizen's car (100 yuan each, no points).
pub const FINES_PER_CAR: usize = 2;

/// A person with a live session.
#[derive(Clone, Debug)]
pub struct Person {
    pub token: String,
    pub account: i64,
}

#[derive(Clone, Debug)]
pub struct PlateOwner {
    pub person: Person,
    pub vin: String,
}

#[derive(Clone, Debug)]
pub struct Learner {
    pub person: Person,
    pub session: i64,
}

/// A window-registered owner (窗口注册用户) with a bound car and its fines.
#[derive(Clone, Debug)]
pub struct Citizen {
    pub person: Person,
    pub vehicle: i64,
    pub violations: Vec<i64>,
}

pub struct Crowd {
    pub plate_owners: Vec<PlateOwner>,
    /// The pool's numbers (冀A…).
    pub pool: Vec<String>,
    pub learners: Vec<Learner>,
    pub citizens: Vec<Citizen>,
    /// When booking the sessions closes.
    pub closes_at: i64,
}

/// Writes the crowd in one transaction, into the database the server has
/// migrated.
pub async fn crowd(db: &AnyPool) -> Crowd {
    let now = server::clock::unix_ms();
    let today = Date::from_unix_seconds(now / 1000, 8);
    let mut tx = db.begin().await.unwrap();
    // The development profile names no registration window and no exam
    // centre (the demo data brings its own): one of each.
    let (window, centre) = (901_i64, 901_i64);
    sqlx::query(
        "INSERT INTO registration_windows (id, code, name, address, serves, phone)
         VALUES ($1, 'CRASH01', '长安区车管所窗口', '石家庄市长安区', 'individual', '0311-00000000')",
    )
    .bind(window)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO exam_centres (id, name, address) VALUES ($1, '石家庄市第一考场', '石家庄市')",
    )
    .bind(centre)
    .execute(&mut *tx)
    .await
    .unwrap();
    let clerk: i64 = sqlx::query(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, created_at)
         VALUES ('staff', 'crash_clerk', 'window_clerk', '窗口民警', '13900000000', 'x', $1, $2) RETURNING id",
    )
    .bind(window)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
    .get("id");

    let mut plate_owners = Vec::new();
    for i in 0..PLATE_OWNERS {
        let (person, id) = person(&mut tx, i, Channel::Online("new_car_owner"), now).await;
        let vin = format!("LCRASHP{i:010}");
        sqlx::query(
            "INSERT INTO vehicles (vin, vehicle_type, brand, colour, owner_kind, owner_id, status, phone)
             VALUES ($1, 'K33', '比亚迪', '白', 'person', $2, 'A', '13900000000')",
        )
        .bind(&vin)
        .bind(&id)
        .execute(&mut *tx)
        .await
        .unwrap();
        plate_owners.push(PlateOwner { person, vin });
    }
    let mut pool = Vec::new();
    for k in 0..POOL_NUMBERS {
        let serial = format!("{:05}", 10_000 + k * 7);
        if app::domain::plate_selection::is_withheld(&serial) {
            continue;
        }
        let plate = format!("冀A{serial}");
        // The server may have loaded some of them already (still free).
        sqlx::query("INSERT INTO plate_pool (plate, city, status, updated_at) VALUES ($1, '冀A', 'available', $2) ON CONFLICT (plate) DO NOTHING")
            .bind(&plate)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        pool.push(plate);
    }

    let closes_at = now + 3_600_000;
    let day = today.add_days(7).to_iso();
    let mut sessions = Vec::new();
    for k in 0..EXAM_SESSIONS {
        let id: i64 = sqlx::query(
            "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES ($1, '1', $2, $3, $4, $5) RETURNING id",
        )
        .bind(centre)
        .bind(&day)
        .bind(format!("场次{k}"))
        .bind(SEATS_PER_SESSION)
        .bind(closes_at)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .get("id");
        sessions.push(id);
    }
    let mut learners = Vec::new();
    for i in 0..LEARNERS {
        let (person, id) = person(&mut tx, 10_000 + i, Channel::Online("learner"), now).await;
        let issued = today.add_days(-((i % 90) as i64) - 1);
        sqlx::query("INSERT INTO learner_records (id_number, licence_class, permit_issued, permit_valid_until) VALUES ($1, 'C1', $2, $3)")
            .bind(&id)
            .bind(issued.to_iso())
            .bind(issued.add_years(3).to_iso())
            .execute(&mut *tx)
            .await
            .unwrap();
        learners.push(Learner {
            person,
            session: sessions[i % sessions.len()],
        });
    }

    let mut citizens = Vec::new();
    for i in 0..CITIZENS {
        let channel = Channel::Window { window, clerk };
        let (person, id) = person(&mut tx, 20_000 + i, channel, now).await;
        let vehicle: i64 = sqlx::query(
            "INSERT INTO vehicles (plate, vin, vehicle_type, brand, colour, owner_kind, owner_id, status, registered_on, phone)
             VALUES ($1, $2, 'K33', '大众', '黑', 'person', $3, 'A', '2020-05-01', $4) RETURNING id",
        )
        .bind(format!("冀AD{i:04}"))
        .bind(format!("LCRASHC{i:010}"))
        .bind(&id)
        .bind(phone(20_000 + i))
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .get("id");
        sqlx::query(
            "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, bound_at) VALUES ($1, $2, 1, $3)",
        )
        .bind(person.account)
        .bind(vehicle)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        let mut violations = Vec::new();
        for (n, code) in ["1039", "1019"].iter().take(FINES_PER_CAR).enumerate() {
            let id: i64 = sqlx::query(
                "INSERT INTO violations (vehicle_id, plate, occurred_at, place, recorded_province, code, description, fine_yuan, points, status, source)
                 VALUES ($1, $2, $3, '石家庄市中山路与建设大街交叉口', '冀', $4, '机动车违反禁止标线指示的', 100, 0, 'unhandled', 'surveillance') RETURNING id",
            )
            .bind(vehicle)
            .bind(format!("冀AD{i:04}"))
            .bind(now - (2 + n as i64) * 86_400_000)
            .bind(*code)
            .fetch_one(&mut *tx)
            .await
            .unwrap()
            .get("id");
            violations.push(id);
        }
        citizens.push(Citizen {
            person,
            vehicle,
            violations,
        });
    }
    tx.commit().await.unwrap();
    Crowd {
        plate_owners,
        pool,
        learners,
        citizens,
        closes_at,
    }
}

/// How the account was registered.
enum Channel {
    /// Online, as this kind of individual.
    Online(&'static str),
    /// At a registration window by its clerk (车主或驾驶人).
    Window { window: i64, clerk: i64 },
}

fn phone(i: usize) -> String {
    format!("139{:08}", i + 1)
}

/// Person number `i` (its own ID number, phone and session token), with an
/// account; answers the person and the ID number.
async fn person(
    tx: &mut Transaction<'static, Any>,
    i: usize,
    channel: Channel,
    now: i64,
) -> (Person, String) {
    let birth = Date::new(1990, 1, 1)
        .expect("a date")
        .add_days((i / 1000) as i64);
    let id = ResidentId::from_parts("130104", birth, (i % 1000) as u16)
        .as_str()
        .to_string();
    let name = format!("用户{i}");
    sqlx::query("INSERT INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, 'M', $3, $4, '石家庄市长安区', $5)")
        .bind(&id)
        .bind(&name)
        .bind(birth.to_iso())
        .bind(phone(i))
        .bind(now)
        .execute(&mut **tx)
        .await
        .unwrap();
    let (channel, kind, window, clerk) = match channel {
        Channel::Online(kind) => ("online", kind, None, None),
        Channel::Window { window, clerk } => {
            ("window", "owner_or_driver", Some(window), Some(clerk))
        }
    };
    let account: i64 = sqlx::query(
        "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, window_id, registered_by, created_at)
         VALUES ('individual', $1, $2, $3, $4, $5, 'x', $6, $7, $8) RETURNING id",
    )
    .bind(channel)
    .bind(kind)
    .bind(&id)
    .bind(&name)
    .bind(phone(i))
    .bind(window)
    .bind(clerk)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .unwrap()
    .get("id");
    let token = format!("{:064x}", (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15_u128);
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, '127.0.0.1', 'crash-test')")
        .bind(server::store::sha256_hex(&token))
        .bind(account)
        .bind(now)
        .execute(&mut **tx)
        .await
        .unwrap();
    (Person { token, account }, id)
}
