//! A plate hold (号牌预选: 锁定) is taken by one conditional UPDATE that
//! says every rule at once; these cases walk the paths beside it, on both
//! databases: a vehicle whose hold ran out holds another number (its old
//! hold goes back to the pool first), and a batch whose time is up, or
//! that is not the account's, holds nothing.

use crate::helpers::*;
use app::domain::plate_selection::HOLD_SECS;
use app::features::bindings::port::OwnerKey;
use app::features::plates::api::{DrawPlateBatch, PreparePlateDraw};
use app::features::plates::{HoldStanding, PlateRefusal};
use app::ports::PlateSelection;
use sqlx::Row;

/// The status of a number in the pool, and the vehicle it names.
async fn pool_row(app: &TestApp, plate: &str) -> (String, Option<String>) {
    let row = sqlx::query("SELECT status, vin FROM plate_pool WHERE plate = $1")
        .bind(plate)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    (row.get("status"), row.get("vin"))
}

async fn a_lapsed_hold_makes_way_and_a_lapsed_or_foreign_batch_holds_nothing(app: TestApp) {
    let (client, vin) = new_car_owner(&app).await;
    let prepared = app
        .call_fn(&client, PreparePlateDraw { vin: vin.clone() })
        .await
        .unwrap();
    let batch_id = prepared["batch_id"].as_i64().unwrap();
    let batch = app
        .call_fn(
            &client,
            DrawPlateBatch {
                batch_id,
                client_nonce: "holds".into(),
            },
        )
        .await
        .unwrap();
    let shown: Vec<String> = batch["plates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let store = &app.platform.store;
    let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM plate_batches WHERE id = $1")
        .bind(batch_id)
        .fetch_one(&store.pool)
        .await
        .unwrap();
    let now = app.clock.now_ms();

    // Someone else's account cannot hold from this vehicle's batch.
    assert_eq!(
        store
            .hold(
                account_id + 1000,
                &vin,
                &shown[0],
                Some(batch_id),
                false,
                now,
                &test_actor(None)
            )
            .await
            .unwrap(),
        Err(PlateRefusal::BatchExpired),
        "{app}: the batch is not that account's"
    );
    assert_eq!(held_by(&app, &vin).await, (vec![], None), "{app}");

    let first = store
        .hold(
            account_id,
            &vin,
            &shown[0],
            Some(batch_id),
            false,
            now,
            &test_actor(None),
        )
        .await
        .unwrap()
        .expect("a hold from the live batch");
    assert_eq!(first.plate, shown[0], "{app}");

    // The hold runs out (and the batch, PICK_SECS, before it); the vehicle holds a
    // number of its own choosing, and the old one is free for anyone.
    let later = now + (HOLD_SECS + 1) * 1000;
    let free: String = sqlx::query_scalar(
        "SELECT plate FROM plate_pool WHERE status = 'available' ORDER BY plate LIMIT 1",
    )
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert_eq!(
        store
            .hold(
                account_id,
                &vin,
                &shown[1],
                Some(batch_id),
                true,
                later,
                &test_actor(None)
            )
            .await
            .unwrap(),
        Err(PlateRefusal::BatchExpired),
        "{app}: the batch's time is up"
    );
    assert_eq!(
        pool_row(&app, &shown[0]).await,
        ("held".to_string(), Some(vin.clone())),
        "{app}: the refused hold undid putting the lapsed hold back"
    );
    // The read before the hold finds the vehicle's lapsed hold, and the
    // number free.
    let (owner_kind, owner_id): (String, String) =
        sqlx::query_as("SELECT owner_kind, owner_id FROM vehicles WHERE vin = $1")
            .bind(&vin)
            .fetch_one(&store.pool)
            .await
            .unwrap();
    assert_eq!(owner_kind, "person", "{app}");
    let (_, standing) = store
        .vehicle_for_hold(&OwnerKey::Person(owner_id), &vin, Some(&free), later)
        .await
        .unwrap()
        .expect("the owner's new vehicle");
    assert_eq!(
        standing,
        HoldStanding {
            lapsed_hold: true,
            asked_free: true
        },
        "{app}"
    );
    let second = store
        .hold(
            account_id,
            &vin,
            &free,
            None,
            true,
            later,
            &test_actor(None),
        )
        .await
        .unwrap()
        .expect("the lapsed hold makes way for a new one");
    assert_eq!(second.plate, free, "{app}");
    assert_eq!(
        held_by(&app, &vin).await,
        (vec![(free.clone(), "held".into())], None),
        "{app}: the database holds what the vehicle was told, and only that"
    );
    assert_eq!(
        pool_row(&app, &shown[0]).await,
        ("available".to_string(), None),
        "{app}: the lapsed hold went back to the pool"
    );

    // While the new hold is live, another vehicle cannot take it.
    let other_vin = unregistered_vins(&app)
        .await
        .into_iter()
        .find(|v| *v != vin)
        .unwrap();
    assert_eq!(
        store
            .hold(
                account_id,
                &other_vin,
                &free,
                None,
                false,
                later,
                &test_actor(None)
            )
            .await
            .unwrap(),
        Err(PlateRefusal::Unavailable),
        "{app}"
    );
    assert_eq!(
        store
            .hold(
                account_id,
                &vin,
                &shown[0],
                None,
                false,
                later,
                &test_actor(None)
            )
            .await
            .unwrap(),
        Err(PlateRefusal::AlreadyHolding(free.clone())),
        "{app}: one live hold per vehicle"
    );
}
both_backends!(a_lapsed_hold_makes_way_and_a_lapsed_or_foreign_batch_holds_nothing);
