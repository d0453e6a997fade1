//! Binding on both databases: one's own vehicles and licence, vehicles not
//! in one's name with the owner's code, and the limit of three (绑定).

use crate::helpers::*;
use app::domain::BindingKind;
use app::features::bindings::api::{
    BindLicence, BindOwnVehicle, ConfirmOtherVehicle, LicenceOverview, MyVehicles,
    RequestOtherVehicle, UnbindVehicle,
};
use app::features::messages::api::MyMessages;
use app::ports::{BindRejection, Bindings};
use sqlx::Row;

async fn own_vehicles_and_licence_bind_once_and_online_users_cannot_bind_others(app: TestApp) {
    let client = logged_in(&app, "Online-registered individual").await;
    let (car, _, truck) = online_owner_fleet(&app).await;

    let overview = app.call_fn(&client, MyVehicles {}).await.unwrap();
    assert_eq!(overview["bound"].as_array().unwrap().len(), 0, "{app}");
    assert_eq!(
        overview["unbound_own"].as_array().unwrap().len(),
        2,
        "{app}"
    );
    assert!(
        overview["non_own_refusal"].is_object(),
        "{app}: online users get the rule"
    );

    app.call_fn(&client, BindOwnVehicle { vehicle_id: car })
        .await
        .expect("bind car");
    app.call_fn(&client, BindOwnVehicle { vehicle_id: truck })
        .await
        .expect("bind truck");
    let again = app
        .call_fn(&client, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap_err();
    assert_eq!(kind(&again), "Conflict", "{app}: {again}");

    // The registry decides ownership: someone else's vehicle is not "own".
    let other: i64 = sqlx::query("SELECT MAX(id) AS id FROM vehicles WHERE plate IS NOT NULL")
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("id");
    let err = app
        .call_fn(&client, BindOwnVehicle { vehicle_id: other })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");

    // Binding a vehicle not in one's name is for window users only.
    let plate: String = sqlx::query("SELECT plate FROM vehicles WHERE id = $1")
        .bind(other)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("plate");
    let err = app
        .call_fn(
            &client,
            RequestOtherVehicle {
                plate: plate.to_string(),
                vin_suffix: "123456".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    let overview = app.call_fn(&client, MyVehicles {}).await.unwrap();
    assert_eq!(overview["bound"].as_array().unwrap().len(), 2, "{app}");
    assert_eq!(
        overview["unbound_own"].as_array().unwrap().len(),
        0,
        "{app}"
    );

    // Licence: found by ID number, bound once, then shown with its data.
    let licence = app.call_fn(&client, LicenceOverview {}).await.unwrap();
    assert_eq!(licence["bound"], false, "{app}: {licence}");
    app.call_fn(&client, BindLicence {})
        .await
        .expect("bind licence");
    let err = app.call_fn(&client, BindLicence {}).await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}");
    let licence = app.call_fn(&client, LicenceOverview {}).await.unwrap();
    assert_eq!(licence["bound"], true, "{app}");

    // Unbinding works and is audited; every change told the holder.
    app.call_fn(&client, UnbindVehicle { vehicle_id: truck })
        .await
        .expect("unbind");
    let err = app
        .call_fn(&client, UnbindVehicle { vehicle_id: truck })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('vehicle.bind', 'vehicle.unbind', 'licence.bind')").await;
    assert_eq!(audited, 4, "{app}");
    let messages = app
        .call_fn(&client, MyMessages { page: None })
        .await
        .unwrap();
    assert_eq!(
        messages["items"].as_array().unwrap().len(),
        4,
        "{app}: {messages}"
    );
    let me = account_id(&app, "Online-registered individual").await;
    // Besides the login's new-device alert.
    let sms = app.count(&format!("SELECT COUNT(*) FROM sms_outbox WHERE phone = (SELECT phone FROM accounts WHERE id = {me}) AND template <> 'new_device_login'")).await;
    assert_eq!(sms, 4, "{app}: an SMS for every change");
}
both_backends!(own_vehicles_and_licence_bind_once_and_online_users_cannot_bind_others);

/// Registered small vehicles of other owners with a valid phone on record.
async fn others_vehicles(
    app: &TestApp,
    not_owner: &str,
    n: usize,
) -> Vec<(i64, String, String, String)> {
    let rows = sqlx::query(
        "SELECT id, plate, vin, phone FROM vehicles WHERE plate IS NOT NULL AND owner_kind = 'person' AND owner_id <> $1
         ORDER BY id DESC",
    )
    .bind(not_owner)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap();
    // Different owners, so each owner's code quota is fresh.
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|r| (r.get("id"), r.get("plate"), r.get("vin"), r.get("phone")))
        .filter(|v: &(i64, String, String, String)| seen.insert(v.3.clone()))
        .take(n)
        .collect()
}

async fn a_window_user_binds_three_vehicles_not_in_their_name_with_the_owners_code_and_no_fourth(
    app: TestApp,
) {
    let client = logged_in(&app, "Window-registered individual").await;
    let (me, _) = app.demo_login("Window-registered individual");
    let vehicles = others_vehicles(&app, &me, 4).await;

    // A wrong VIN suffix is refused on its field; nothing is sent.
    let (_, plate, _, _) = &vehicles[0];
    let err = app
        .call_fn(
            &client,
            RequestOtherVehicle {
                plate: plate.to_string(),
                vin_suffix: "000000".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["vin_suffix"], "{app}: {err}");

    for (i, (_, plate, vin, phone)) in vehicles.iter().take(3).enumerate() {
        let suffix = &vin[vin.len() - 6..];
        app.call_fn(
            &client,
            RequestOtherVehicle {
                plate: plate.to_string(),
                vin_suffix: suffix.to_string(),
            },
        )
        .await
        .expect("code sent to owner");
        // A wrong code first: refused on the code field.
        let err = app
            .call_fn(
                &client,
                ConfirmOtherVehicle {
                    plate: plate.to_string(),
                    code: "000000".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
        let code = app.latest_code(phone).await;
        app.call_fn(
            &client,
            ConfirmOtherVehicle {
                plate: plate.to_string(),
                code: code.to_string(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: binding {i}: {e}"));
    }
    let overview = app.call_fn(&client, MyVehicles {}).await.unwrap();
    assert_eq!(overview["non_own_bound"], 3, "{app}");
    assert!(
        overview["non_own_refusal"].is_object(),
        "{app}: the limit is explained"
    );

    // The fourth is refused with the rule, before any SMS goes out.
    let (_, plate, vin, _) = &vehicles[3];
    let err = app
        .call_fn(
            &client,
            RequestOtherVehicle {
                plate: plate.to_string(),
                vin_suffix: vin[vin.len() - 6..].to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        refused(app::domain::binding::non_own_limit_reached()),
        "{app}: the limit of three, and what to do"
    );
}
both_backends!(
    a_window_user_binds_three_vehicles_not_in_their_name_with_the_owners_code_and_no_fourth
);

async fn concurrent_bindings_never_exceed_three_vehicles_not_in_ones_name(app: TestApp) {
    let account = account_id(&app, "Window-registered individual").await;
    let (me, _) = app.demo_login("Window-registered individual");
    let vehicles = others_vehicles(&app, &me, 8).await;
    let store = app.platform.store.clone();
    let tasks: Vec<_> = vehicles
        .iter()
        .map(|(id, ..)| {
            let store = store.clone();
            let id = *id;
            tokio::spawn(async move {
                let actor = test_actor(Some(account));
                store
                    .bind_vehicle(account, id, BindingKind::NonOwn, &actor)
                    .await
            })
        })
        .collect();
    let mut bound = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap().expect("no internal error") {
            Ok(()) => bound += 1,
            Err(BindRejection::NonOwnSlotsFull) => full += 1,
            Err(other) => panic!("{app}: {other:?}"),
        }
    }
    assert_eq!((bound, full), (3, 5), "{app}");
    let n = app
        .count(&format!(
            "SELECT COUNT(*) FROM vehicle_bindings WHERE account_id = {account} AND own = 0"
        ))
        .await;
    assert_eq!(n, 3, "{app}");
}
both_backends!(concurrent_bindings_never_exceed_three_vehicles_not_in_ones_name);
