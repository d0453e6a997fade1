//! What a vehicle's owner is told, on both databases, when someone else
//! binds the vehicle and handles its violations: who (masked), which
//! vehicle, why — by SMS to the phone on record and in the owner's message
//! centre. Read from the SMS outbox.

mod common;
use app::domain::binding::masked_name;
use common::*;
use sqlx::Row;

struct Owner {
    client: reqwest::Client,
    car: i64,
    plate: String,
    vin: String,
    phone: String,
}

async fn log_in(app: &TestApp, role: &str) -> reqwest::Client {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    app.login(&client, &login, &password).await.expect("login");
    client
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
        client: log_in(app, "Online-registered individual").await,
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
    sqlx::query("SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY id")
        .bind(phone)
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("body"))
        .collect()
}

/// The window user binds the owner's car with the owner's code.
async fn window_user_binds(app: &TestApp, owner: &Owner) -> reqwest::Client {
    let window = log_in(app, "Window-registered individual").await;
    app.call_with(
        &window,
        "request_other_vehicle",
        &[("plate", &owner.plate), ("vin_suffix", &owner.vin[11..])],
    )
    .await
    .expect("code sent to the owner");
    let code = app.latest_code(&owner.phone).await;
    app.call_with(
        &window,
        "confirm_other_vehicle",
        &[("plate", &owner.plate), ("code", &code)],
    )
    .await
    .expect("bound");
    window
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_is_asked_by_name_and_plate_and_told_when_the_binding_is_done() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = owner(&app).await;
        let who = masked_window_user(&app).await;
        let window = log_in(&app, "Window-registered individual").await;
        app.call_with(
            &window,
            "request_other_vehicle",
            &[("plate", &owner.plate), ("vin_suffix", &owner.vin[11..])],
        )
        .await
        .expect("code sent to the owner");
        let asked = sms_to(&app, &owner.phone).await.pop().unwrap();
        assert!(asked.starts_with("【石家庄交警】"), "{backend}: {asked}");
        assert!(asked.contains(&format!("{who}申请")), "{backend}: {asked}");
        assert!(asked.contains(&owner.plate), "{backend}: {asked}");
        assert!(asked.contains("绑定"), "{backend}: {asked}");
        assert!(asked.contains("代为处理"), "{backend}: why: {asked}");
        assert!(!asked.contains("您的验证码为"), "{backend}: {asked}");

        let code = app.latest_code(&owner.phone).await;
        assert!(asked.contains(&code), "{backend}");
        app.call_with(
            &window,
            "confirm_other_vehicle",
            &[("plate", &owner.plate), ("code", &code)],
        )
        .await
        .expect("bound");
        let told = sms_to(&app, &owner.phone).await.pop().unwrap();
        assert!(
            told.contains(&format!("{who}已将您名下的机动车{}绑定", owner.plate)),
            "{backend}: {told}"
        );
        let messages = app
            .call_with(&owner.client, "my_messages", &[])
            .await
            .unwrap();
        let titles: Vec<&str> = messages
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["title"].as_str())
            .collect();
        assert!(
            titles.contains(&"您名下的机动车已被他人绑定"),
            "{backend}: {messages}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_is_told_when_someone_else_handles_a_violation_of_their_vehicle() {
    for backend in backends() {
        let app = spawn(backend).await;
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
        app.call_with(
            &window,
            "handle_violation",
            &[("violation_id", &small.to_string()), ("confirm", "yes")],
        )
        .await
        .expect("the window user handles a 100-yuan one");
        let decision: String = sqlx::query("SELECT decision_no FROM violations WHERE id = $1")
            .bind(small)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("decision_no");
        let sms = sms_to(&app, &owner.phone).await;
        assert_eq!(sms.len(), before + 1, "{backend}: {sms:?}");
        let told = sms.last().unwrap();
        assert!(told.contains(&owner.plate), "{backend}: {told}");
        assert!(told.contains(&format!("已由{who}")), "{backend}: {told}");
        assert!(
            told.contains("机动车违反禁止标线指示的"),
            "{backend}: {told}"
        );
        assert!(told.contains(&decision), "{backend}: {told}");
        let messages = app
            .call_with(&owner.client, "my_messages", &[])
            .await
            .unwrap();
        assert!(
            messages
                .to_string()
                .contains("您名下机动车的交通违法已由他人处理"),
            "{backend}: {messages}"
        );

        // The owner handling their own: no note about someone else.
        app.call_with(
            &owner.client,
            "bind_own_vehicle",
            &[("vehicle_id", &owner.car.to_string())],
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
        app.call_with(
            &owner.client,
            "handle_violation",
            &[("violation_id", &own.to_string()), ("confirm", "yes")],
        )
        .await
        .unwrap();
        let others = app
            .count(&format!(
                "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{}' AND body LIKE '%已由%处理%'",
                owner.phone
            ))
            .await;
        assert_eq!(others, 1, "{backend}");
    }
}
