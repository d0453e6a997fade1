//! What the database holds for a new car's number (号牌预选), read by
//! the plate tests to compare with what the clients were told.

use super::{new_client, TestApp};
use app::features::plates::api::PlateVehicles;
use sqlx::Row;

pub async fn new_car_owner(app: &TestApp) -> (reqwest::Client, String) {
    let (login, password) = app.demo_login("New-car owner");
    let client = new_client();
    app.login(&client, &login, &password).await.unwrap();
    let vehicles = app.call_fn(&client, PlateVehicles {}).await.unwrap();
    let vin = vehicles[0]["vin"]
        .as_str()
        .expect("the new-car owner has a new car")
        .to_string();
    (client, vin)
}

pub async fn unregistered_vins(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT vin FROM vehicles WHERE plate IS NULL ORDER BY id")
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("vin"))
        .collect()
}

/// What the database holds for a vehicle: its held or taken numbers (with
/// their status) and its confirmed selection — compared with what the
/// clients were told.
pub async fn held_by(app: &TestApp, vin: &str) -> (Vec<(String, String)>, Option<String>) {
    let pool = &app.platform.store.pool;
    let numbers = sqlx::query(
        "SELECT plate, status FROM plate_pool WHERE vin = $1 AND status IN ('held', 'taken') ORDER BY plate",
    )
    .bind(vin)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("plate"), r.get("status")))
    .collect();
    let selected = sqlx::query("SELECT plate FROM plate_selections WHERE vin = $1")
        .bind(vin)
        .fetch_optional(pool)
        .await
        .unwrap()
        .map(|r| r.get("plate"));
    (numbers, selected)
}

/// How the vehicle's confirmed number was chosen, as recorded: `random`
/// (from a drawn batch) or `custom` (自编自选).
pub async fn selection_way(app: &TestApp, vin: &str) -> Option<String> {
    sqlx::query_scalar("SELECT way FROM plate_selections WHERE vin = $1")
        .bind(vin)
        .fetch_optional(&app.platform.store.pool)
        .await
        .unwrap()
}

/// The confirmation of `number` for `vin` (chosen `way`: `random` or
/// `custom`) left its records: one hold and one confirmation in the audit
/// log (none for refused attempts), the message-centre entry and the SMS
/// to the owner's phone, each naming the number and the vehicle.
pub async fn told_and_audited(app: &TestApp, vin: &str, number: &str, way: &str) {
    let audited = |action: &'static str| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT detail FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY id",
        )
        .bind(action)
        .bind(format!("vin:{vin}"))
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap()
    };
    let holds = audited("plate.hold").await;
    assert_eq!(
        holds.len(),
        1,
        "{app}: one hold audited, none for the refusals: {holds:?}"
    );
    assert!(
        holds[0].starts_with(&format!("{number} until ")),
        "{app}: {holds:?}"
    );
    assert_eq!(
        audited("plate.confirm").await,
        vec![format!("{number} ({way})")],
        "{app}"
    );
    let body: String = app
        .scalar(
            "SELECT body FROM messages WHERE link = '/account' AND title = '号牌预选成功' AND account_id = (SELECT account_id FROM plate_selections WHERE vin = $1)",
            vin.to_string(),
        )
        .await;
    let suffix = &vin[vin.len() - 6..];
    assert!(
        body.contains(suffix) && body.contains(number),
        "{app}: {body}"
    );
    let texted: String = app
        .scalar(
            "SELECT params FROM sms_outbox WHERE template = 'plate_preselected' AND phone = (SELECT a.phone FROM accounts a JOIN plate_selections s ON s.account_id = a.id WHERE s.vin = $1)",
            vin.to_string(),
        )
        .await;
    assert!(
        texted.contains(number),
        "{app}: the SMS names the number: {texted}"
    );
}
