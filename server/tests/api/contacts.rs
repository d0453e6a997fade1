//! Contact changes on both databases: a new phone needs its own code and
//! the old number is told (联系方式变更).

use crate::helpers::*;
use app::features::accounts::api::{ConfirmContactChange, RequestContactChange};
use app::features::bindings::api::BindOwnVehicle;
use sqlx::Row;

async fn contact_changes_need_the_new_numbers_code_and_tell_the_old_number(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let (_, password) = app.demo_login("Online-registered individual");
    let (car, _, truck) = online_owner_fleet(&app).await;
    for v in [car, truck] {
        app.call_fn(&owner, BindOwnVehicle { vehicle_id: v })
            .await
            .unwrap();
    }
    // V4 is open to every vehicle type: the truck's owner phone changes.
    let target = format!("v:{truck}");
    let old: String = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
        .bind(truck)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("phone");
    let err = app
        .call_fn(
            &owner,
            RequestContactChange {
                target: target.to_string(),
                phone: "1380".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["phone"], "{app}");
    app.call_fn(
        &owner,
        RequestContactChange {
            target: target.to_string(),
            phone: "139 3110 7788".into(),
        },
    )
    .await
    .expect("code sent");
    let code = app.latest_code("13931107788").await;
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let err = app
        .call_fn(
            &owner,
            ConfirmContactChange {
                target: target.to_string(),
                phone: "13931107788".into(),
                code: wrong_code.into(),
                password: password.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}");
    // The session and the new number's code are not enough: the password
    // is asked again, and a missing or wrong one changes nothing (and does
    // not use the code up).
    for typed in ["", "Wrong-password-1"] {
        let err = app
            .call_fn(
                &owner,
                ConfirmContactChange {
                    target: target.to_string(),
                    phone: "13931107788".into(),
                    code: code.clone(),
                    password: typed.into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["password"], "{app}: {err}");
    }
    let unchanged: String = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
        .bind(truck)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("phone");
    assert_eq!(unchanged, old, "{app}");
    app.call_fn(
        &owner,
        ConfirmContactChange {
            target: target.to_string(),
            phone: "13931107788".into(),
            code: code.to_string(),
            password: password.clone(),
        },
    )
    .await
    .expect("changed");
    let now: String = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
        .bind(truck)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("phone");
    assert_eq!(now, "13931107788", "{app}");
    let told: Vec<String> = app
        .sms_texts(&old)
        .await
        .into_iter()
        .filter(|t| t.contains("已变更"))
        .collect();
    // The old number is also the account's here: it is told once, not as
    // the account's notice and again as the old number.
    assert_eq!(
        told.len(),
        1,
        "{app}: the old number is told once: {told:?}"
    );
    assert!(
        told[0].contains("已变更为139****7788"),
        "{app}: with the new number, masked: {told:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.change.V4'")
            .await,
        1,
        "{app}"
    );

    // Someone else's vehicle is not a target.
    let other = logged_in(&app, "Window-registered individual").await;
    let err = app
        .call_fn(
            &other,
            RequestContactChange {
                target: target.to_string(),
                phone: "13931107789".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");
    // D3 needs the licence bound.
    let err = app
        .call_fn(
            &owner,
            RequestContactChange {
                target: "licence".into(),
                phone: "13931107789".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");
}
both_backends!(contact_changes_need_the_new_numbers_code_and_tell_the_old_number);
