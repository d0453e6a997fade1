//! What a vehicle's owner is told, on both databases, when someone else
//! binds the vehicle and handles its violations: who (masked), which
//! vehicle, why — by SMS to the phone on record and in the owner's message
//! centre. Read from the SMS outbox.

use crate::helpers::*;
use app::domain::binding::masked_name;
use app::features::bindings::api::{BindOwnVehicle, ConfirmOtherVehicle, RequestOtherVehicle};
use app::features::fines::api::HandleViolation;
use app::features::messages::api::MyMessages;
use sqlx::Row;

struct Owner {
    client: reqwest::Client,
    car: i64,
    plate: String,
    vin: String,
    phone: String,
}

async fn owner(app: &TestApp) -> Owner {
    let (login, _) = app.demo_login("Online-registered individual");
    let car = sqlx::query(
        "SELECT id, plate, vin, phone FROM vehicles WHERE owner_id = $1 AND vehicle_type = 'K33' ORDER BY id",
    )
    .bind(&login)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    Owner {
        client: logged_in(app, "Online-registered individual").await,
        car: car.get("id"),
        plate: car.get("plate"),
        vin: car.get("vin"),
        phone: car.get("phone"),
    }
}

/// The window user's display name, as the owner would see it masked.
async fn masked_window_user(app: &TestApp) -> String {
    let (login, _) = app.demo_login("Window-registered individual");
    let name: String = sqlx::query("SELECT display_name FROM accounts WHERE id_number = $1")
        .bind(login)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("display_name");
    masked_name(&name)
}

async fn sms_to(app: &TestApp, phone: &str) -> Vec<String> {
    app.sms_texts(phone).await
}

/// The window user binds the owner's car with the owner's code.
async fn window_user_binds(app: &TestApp, owner: &Owner) -> reqwest::Client {
    let window = logged_in(app, "Window-registered individual").await;
    app.call_fn(
        &window,
        RequestOtherVehicle {
            plate: owner.plate.to_string(),
            vin_suffix: owner.vin[11..].to_string(),
        },
    )
    .await
    .expect("code sent to the owner");
    let code = app.latest_code(&owner.phone).await;
    app.call_fn(
        &window,
        ConfirmOtherVehicle {
            plate: owner.plate.to_string(),
            code: code.to_string(),
        },
    )
    .await
    .expect("bound");
    window
}

async fn the_owner_is_asked_by_name_and_plate_and_told_when_the_binding_is_done(app: TestApp) {
    let owner = owner(&app).await;
    let who = masked_window_user(&app).await;
    let window = logged_in(&app, "Window-registered individual").await;
    app.call_fn(
        &window,
        RequestOtherVehicle {
            plate: owner.plate.to_string(),
            vin_suffix: owner.vin[11..].to_string(),
        },
    )
    .await
    .expect("code sent to the owner");
    let asked = sms_to(&app, &owner.phone).await.pop().unwrap();
    // The consent template (the provider adds the sign name, 【…】).
    let consent = format!(
        "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{}' AND template = 'owner_consent_code'",
        owner.phone
    );
    assert_eq!(app.count(&consent).await, 1, "{app}: {asked}");
    assert!(asked.contains(&format!("{who}申请")), "{app}: {asked}");
    assert!(asked.contains(&owner.plate), "{app}: {asked}");
    assert!(asked.contains("绑定"), "{app}: {asked}");
    assert!(asked.contains("代为处理"), "{app}: why: {asked}");
    assert!(!asked.contains("您的验证码为"), "{app}: {asked}");

    let code = app.latest_code(&owner.phone).await;
    assert!(asked.contains(&code), "{app}");
    app.call_fn(
        &window,
        ConfirmOtherVehicle {
            plate: owner.plate.to_string(),
            code: code.to_string(),
        },
    )
    .await
    .expect("bound");
    let told = sms_to(&app, &owner.phone).await.pop().unwrap();
    assert!(
        told.contains(&format!("{who}已将您名下的机动车{}绑定", owner.plate)),
        "{app}: {told}"
    );
    let messages = app
        .call_fn(&owner.client, MyMessages { page: None })
        .await
        .unwrap();
    let titles: Vec<&str> = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"您名下的机动车已被他人绑定"),
        "{app}: {messages}"
    );
}
both_backends!(the_owner_is_asked_by_name_and_plate_and_told_when_the_binding_is_done);

async fn the_owner_is_told_when_someone_else_handles_a_violation_of_their_vehicle(app: TestApp) {
    let owner = owner(&app).await;
    let who = masked_window_user(&app).await;
    let window = window_user_binds(&app, &owner).await;
    let before = sms_to(&app, &owner.phone).await.len();

    let small: i64 = sqlx::query(
        "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND code = '1019' AND status = 'unhandled'",
    )
    .bind(&owner.plate)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("id");
    app.handle_violation(&window, small, true)
        .await
        .expect("the window user handles a 100-yuan one");
    let decision: String = sqlx::query("SELECT decision_no FROM violations WHERE id = $1")
        .bind(small)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("decision_no");
    let sms = sms_to(&app, &owner.phone).await;
    assert_eq!(sms.len(), before + 1, "{app}: {sms:?}");
    let told = sms.last().unwrap();
    assert!(told.contains(&owner.plate), "{app}: {told}");
    assert!(told.contains(&format!("已由{who}")), "{app}: {told}");
    assert!(told.contains("机动车违反禁止标线指示的"), "{app}: {told}");
    assert!(told.contains(&decision), "{app}: {told}");
    let messages = app
        .call_fn(&owner.client, MyMessages { page: None })
        .await
        .unwrap();
    assert!(
        messages
            .to_string()
            .contains("您名下机动车的交通违法已由他人处理"),
        "{app}: {messages}"
    );

    // The owner handling their own: no note about someone else.
    app.call_fn(
        &owner.client,
        BindOwnVehicle {
            vehicle_id: owner.car,
        },
    )
    .await
    .unwrap();
    let own: i64 = sqlx::query(
        "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND code = '1039' AND status = 'unhandled'",
    )
    .bind(&owner.plate)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("id");
    app.call_fn(
        &owner.client,
        HandleViolation {
            violation_id: own,
            confirm: Some("yes".into()),
        },
    )
    .await
    .unwrap();
    let others = app
        .count(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{}' AND template = 'owner_told_of_handling'",
            owner.phone
        ))
        .await;
    assert_eq!(others, 1, "{app}");
}
both_backends!(the_owner_is_told_when_someone_else_handles_a_violation_of_their_vehicle);
