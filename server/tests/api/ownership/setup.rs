//! The owners' objects (业主的对象) the ownership matrix names: made through
//! the platform's own server functions as a person would, except the
//! violations (the camera registry's records, inserted as an import would)
//! and the licence photo (stored through its port: the upload's image
//! checks are the photo test's business).
//!
//! Three owners, each with a second person of the same kind who owns none
//! of it (the non-owner):
//! - the window-registered owner: a bound car and licence, violations on
//!   the car (one open, one with a payment order, one paid with a receipt),
//!   a submitted application that three refused deliveries blacklisted, the
//!   appeal against that entry (granted: the entry lifted), two drafts,
//!   messages and a licence photo;
//! - the new-car owner: a plate draw (batch) and a plate held from it;
//! - the learner: a driving-test booking.

use crate::helpers::*;
use app::domain::photo::{PhotoFormat, PhotoInfo};
use app::features::applications::api::{
    SaveApplicationDraft, StaffApplicationEvent, SubmitApplication,
};
use app::features::bindings::api::{BindLicence, BindOwnVehicle};
use app::features::exams::api::BookExam;
use app::features::fines::api::PayFine;
use app::features::plates::api::{DrawPlateBatch, HoldPlate, PreparePlateDraw};
use app::features::supervision::api::{AppealBlacklist, DecideAppeal};
use app::ports::LicencePhotos;
use sqlx::Row;

/// Which owner a matrix row's objects belong to, with the logins of the
/// owner and of the non-owner (the same kind of person, owning none of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pair {
    /// Window-registered individuals (窗口注册个人用户).
    Window,
    /// New-car owners (新车车主): plate selection.
    NewCar,
    /// Learners (学员): driving-test bookings.
    Learner,
}

impl Pair {
    pub const ALL: [Pair; 3] = [Pair::Window, Pair::NewCar, Pair::Learner];

    /// (owner, non-owner) demo logins, by English role.
    pub fn logins(self) -> (&'static str, &'static str) {
        match self {
            Pair::Window => (
                "Window-registered individual (owner)",
                "Window-registered individual (owner) #2",
            ),
            Pair::NewCar => ("New-car owner", "New-car owner #2"),
            Pair::Learner => ("Learner", "Learner #2"),
        }
    }
}

/// The unit and the staff member of the matrix.
pub const UNIT: &str = "Driving school (unit)";
pub const STAFF: &str = "Supervisor";

/// The real objects, by their ids and numbers.
pub struct Objects {
    /// Owners' account ids: window owner, new-car owner, learner.
    pub owners: [i64; 3],
    pub owner_id_number: String,
    pub owner_name: String,
    pub car: i64,
    pub plate: String,
    pub vin: String,
    /// Unhandled violation (未处理).
    pub v_open: i64,
    /// Handled, its payment order open.
    pub v_order: i64,
    pub order_no: String,
    /// Handled and paid: the order, the payment and the receipt.
    pub paid_order_no: String,
    pub payment_id: i64,
    pub receipt_no: String,
    /// The bank's signed return of the paid order (query string).
    pub signed_return: String,
    pub application_no: String,
    /// The blacklist entry, lifted by the owner's appeal, granted.
    pub blacklist_entry: i64,
    pub appeal: i64,
    pub draft: i64,
    /// A second draft, for deleting.
    pub spare_draft: i64,
    pub new_car_vin: String,
    pub batch: i64,
    /// The drawn batch; the first is held.
    pub drawn: Vec<String>,
    /// A number free in the pool, for a custom hold (自编号牌).
    pub free_serial: String,
    pub session: i64,
    pub booking: i64,
    /// Texts only the owners' objects hold (ID numbers, phones, VINs,
    /// plates, places, numbers): no answer to anyone else may carry one.
    pub secrets: Vec<String>,
}

/// The place markers of the owner's violations (地点).
pub const PLACES: [&str; 3] = [
    "石家庄市权属测试一路与甲街交叉口",
    "石家庄市权属测试二路与乙街交叉口",
    "石家庄市权属测试三路与丙街交叉口",
];

/// A logged-in client of a demo role, and its account id.
pub async fn person(app: &TestApp, role: &str) -> (reqwest::Client, i64) {
    let client = logged_in(app, role).await;
    let me = app.me(&client).await.expect("logged in");
    (client, me.account_id)
}

fn ok(app: &TestApp, what: &str, answer: Answer) -> serde_json::Value {
    answer.unwrap_or_else(|e| panic!("{app}: setting up {what}: {e}"))
}

async fn insert_violation(app: &TestApp, car: i64, plate: &str, place: &str) -> i64 {
    sqlx::query(
        "INSERT INTO violations (vehicle_id, plate, occurred_at, place, recorded_province, code, description, fine_yuan, points, status, source)
         VALUES ($1, $2, $3, $4, '冀', '1039', '机动车违反规定停放、临时停车且驾驶人不在现场，妨碍其他车辆、行人通行的', 100, 0, 'unhandled', 'surveillance') RETURNING id",
    )
    .bind(car)
    .bind(plate)
    .bind(app.clock.now_ms() - 86_400_000)
    .bind(place)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap_or_else(|e| panic!("{app}: a violation: {e}"))
    .get("id")
}

fn order_of(checkout: &serde_json::Value) -> String {
    checkout
        .as_str()
        .and_then(|c| c.rsplit('=').next())
        .expect("a checkout address")
        .to_string()
}

/// Makes every object; answers them, and the owners' logged-in clients
/// (in [`Pair::ALL`] order).
pub async fn objects(app: &TestApp) -> (Objects, [reqwest::Client; 3]) {
    let (owner, owner_account) = person(app, Pair::Window.logins().0).await;
    let overview = ok(
        app,
        "vehicles",
        app.call_with(&owner, "my_vehicles", &[]).await,
    );
    let car = overview["unbound_own"][0]["vehicle_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{app}: the window owner's car: {overview}"));
    ok(
        app,
        "binding",
        app.call_fn(&owner, BindOwnVehicle { vehicle_id: car })
            .await,
    );
    ok(app, "licence", app.call_fn(&owner, BindLicence {}).await);
    let row = sqlx::query("SELECT plate, vin, phone FROM vehicles WHERE id = $1")
        .bind(car)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    let (plate, vin, car_phone): (String, String, String) =
        (row.get("plate"), row.get("vin"), row.get("phone"));
    let row = sqlx::query("SELECT id_number, phone, display_name FROM accounts WHERE id = $1")
        .bind(owner_account)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    let (owner_id_number, owner_phone, owner_name): (String, String, String) = (
        row.get("id_number"),
        row.get("phone"),
        row.get("display_name"),
    );

    // Fines (罚款): one open, one with an order, one paid at the bank.
    let v_open = insert_violation(app, car, &plate, PLACES[0]).await;
    let v_order = insert_violation(app, car, &plate, PLACES[1]).await;
    let v_paid = insert_violation(app, car, &plate, PLACES[2]).await;
    for v in [v_order, v_paid] {
        ok(app, "handling", app.handle_violation(&owner, v, true).await);
    }
    let order_no = order_of(&ok(
        app,
        "an order",
        app.call_fn(
            &owner,
            PayFine {
                violation_id: v_order,
            },
        )
        .await,
    ));
    let paid_order_no = order_of(&ok(
        app,
        "an order",
        app.call_fn(
            &owner,
            PayFine {
                violation_id: v_paid,
            },
        )
        .await,
    ));
    let res = app
        .client
        .post(format!("{}/dev/bank/pay", app.base))
        .form(&[("order_no", &paid_order_no)])
        .send()
        .await
        .unwrap();
    let back = res.headers()["location"].to_str().unwrap().to_string();
    let signed_return = back
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_else(|| panic!("{app}: the bank's return: {back}"));
    let res = owner
        .get(format!("{}{back}", app.base))
        .send()
        .await
        .unwrap();
    let receipt_path = res.headers()["location"].to_str().unwrap().to_string();
    let receipt_no = receipt_path
        .strip_prefix("/account/receipts/")
        .unwrap_or_else(|| panic!("{app}: a receipt: {receipt_path}"))
        .to_string();
    let payment_id: i64 = app
        .scalar(
            "SELECT id FROM fine_payments WHERE order_no = $1",
            paid_order_no.clone(),
        )
        .await;

    // An application by post, blacklisted by three refused deliveries
    // (黑名单), and the owner's appeal, granted.
    let submitted = app
        .call_fn(
            &owner,
            SubmitApplication {
                service: "D1".into(),
                subject: "licence".into(),
                fulfilment: Some("post".into()),
                recipient: Some("张伟".into()),
                recipient_phone: Some("13803110001".into()),
                address: Some("河北省石家庄市长安区权属测试路100号3单元502室".into()),
                reason: None,
                new_date: None,
            },
        )
        .await;
    let application_no = ok(app, "an application", submitted)
        .as_str()
        .unwrap()
        .to_string();
    let clerk = logged_in(app, "Business-centre clerk").await;
    for event in [
        "accept",
        "produce",
        "dispatch",
        "delivery_refused",
        "dispatch",
        "delivery_refused",
        "dispatch",
        "delivery_refused",
    ] {
        let args = StaffApplicationEvent {
            application_no: application_no.clone(),
            event: event.into(),
            note: (event == "dispatch").then(|| "EA123456789CN".to_string()),
        };
        ok(app, event, app.call_fn(&clerk, args).await);
    }
    let blacklist_entry: i64 = app
        .scalar(
            "SELECT MIN(id) FROM blacklist WHERE account_id = $1",
            owner_account,
        )
        .await;
    let appeal = ok(
        app,
        "an appeal",
        app.call_fn(
            &owner,
            AppealBlacklist {
                entry_id: blacklist_entry,
                reason: "住院期间无法签收邮件".into(),
            },
        )
        .await,
    )
    .as_i64()
    .unwrap();
    // Granted (the entry lifted), so that the owner may apply again.
    let supervisor = logged_in(app, "Supervisor").await;
    let decision = DecideAppeal {
        appeal_id: appeal,
        decision: "lift".into(),
        reason: "住院证明属实".into(),
    };
    ok(app, "a decision", app.call_fn(&supervisor, decision).await);

    // Two drafts for a new inspection mark on the car (V3), collected in
    // person.
    let mut drafts = Vec::new();
    for _ in 0..2 {
        let draft = SaveApplicationDraft {
            service: "V3".into(),
            draft: None,
            subject: Some(format!("v:{car}")),
            reason: None,
            new_date: None,
            fulfilment: Some("self_pickup".into()),
            recipient: None,
            recipient_phone: None,
            address: None,
        };
        let id = ok(app, "a draft", app.call_fn(&owner, draft).await);
        drafts.push(id.as_i64().unwrap());
    }

    // The licence photo (驾驶证照片), through its port.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&358u32.to_be_bytes());
    png.extend_from_slice(&441u32.to_be_bytes());
    png.resize(20_000, 7);
    let info = PhotoInfo {
        format: PhotoFormat::Png,
        width: 358,
        height: 441,
    };
    let actor = test_actor(Some(owner_account));
    app.platform
        .store
        .save_photo(owner_account, &owner_id_number, info, &png, &actor)
        .await
        .unwrap_or_else(|e| panic!("{app}: the photo: {e}"));

    // A plate draw and a held number (选号).
    let (new_car, new_car_account) = person(app, Pair::NewCar.logins().0).await;
    let vehicles = ok(
        app,
        "plates",
        app.call_with(&new_car, "plates/vehicles", &[]).await,
    );
    let new_car_vin = vehicles[0]["vin"].as_str().unwrap().to_string();
    let prepared = ok(
        app,
        "a draw",
        app.call_fn(
            &new_car,
            PreparePlateDraw {
                vin: new_car_vin.clone(),
            },
        )
        .await,
    );
    let batch = prepared["batch_id"].as_i64().unwrap();
    let drawn = ok(
        app,
        "a batch",
        app.call_fn(
            &new_car,
            DrawPlateBatch {
                batch_id: batch,
                client_nonce: "owner".into(),
            },
        )
        .await,
    );
    let drawn: Vec<String> = drawn["plates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    ok(
        app,
        "a hold",
        app.call_fn(
            &new_car,
            HoldPlate {
                vin: new_car_vin.clone(),
                plate: drawn[0].clone(),
                batch_id: batch,
            },
        )
        .await,
    );

    let free: String = sqlx::query(
        "SELECT plate FROM plate_pool WHERE status = 'available' ORDER BY plate LIMIT 1",
    )
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("plate");
    let prefix = app.platform.ports.profile.seat().plate_prefix.clone();
    let free_serial = free.trim_start_matches(prefix.as_str()).to_string();

    // A driving-test booking (考试预约).
    let (learner, learner_account) = person(app, Pair::Learner.logins().0).await;
    let exams = ok(
        app,
        "exams",
        app.call_with(&learner, "exams/overview", &[]).await,
    );
    let session = exams["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0]["subject"] == "One" && s[1].is_null())
        .and_then(|s| s[0]["id"].as_i64())
        .unwrap_or_else(|| panic!("{app}: a session to book: {exams}"));
    let booking = ok(
        app,
        "a booking",
        app.call_fn(
            &learner,
            BookExam {
                session_id: session,
            },
        )
        .await,
    )
    .as_i64()
    .unwrap();

    let mut secrets = vec![
        owner_id_number.clone(),
        owner_phone,
        car_phone,
        plate.clone(),
        vin.clone(),
        order_no.clone(),
        paid_order_no.clone(),
        receipt_no.clone(),
        application_no.clone(),
        "权属测试路100号".to_string(),
        new_car_vin.clone(),
    ];
    secrets.extend(PLACES.iter().map(|p| p.to_string()));
    secrets.extend(drawn.iter().cloned());
    for account in [new_car_account, learner_account] {
        let row = sqlx::query("SELECT id_number, phone FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
        secrets.push(row.get("id_number"));
        secrets.push(row.get("phone"));
    }
    secrets.sort();
    secrets.dedup();
    let objects = Objects {
        owners: [owner_account, new_car_account, learner_account],
        owner_id_number,
        owner_name,
        car,
        plate,
        vin,
        v_open,
        v_order,
        order_no,
        paid_order_no,
        payment_id,
        receipt_no,
        signed_return,
        application_no,
        blacklist_entry,
        appeal,
        draft: drafts[0],
        spare_draft: drafts[1],
        new_car_vin,
        batch,
        drawn,
        free_serial,
        session,
        booking,
        secrets,
    };
    (objects, [owner, new_car, learner])
}
