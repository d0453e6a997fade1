//! Plate pre-selection on both databases: the verifiable draw, holds,
//! expiry, one extension, one per VIN, batch limits, custom patterns and a
//! concurrent rush audited afterwards.

use crate::helpers::*;
use app::domain::plate_selection::{commitment, draw_batch, effective_seed, parse_seed, HOLD_SECS};
use app::features::plates::api::{
    ConfirmPlate, DrawPlateBatch, ExtendPlateHold, HoldCustomPlate, HoldPlate, PreparePlateDraw,
};
use app::features::plates::PlateRefusal;
use app::ports::PlateSelection;
use sqlx::Row;

async fn a_new_car_owner_draws_a_verifiable_batch_holds_and_confirms_once(app: TestApp) {
    let (client, vin) = new_car_owner(&app).await;
    let prepared = app
        .call_fn(
            &client,
            PreparePlateDraw {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap();
    let batch_id = prepared["batch_id"].as_i64().unwrap();
    let pool: Vec<String> = sqlx::query("SELECT plate FROM plate_pool")
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("plate"))
        .collect();
    let too_long = "运".repeat(65);
    let err = app
        .call_fn(
            &client,
            DrawPlateBatch {
                batch_id,
                client_nonce: too_long.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec!["client_nonce"],
        "{app}: a nonce that is too long is refused, never cut"
    );
    let batch = app
        .call_fn(
            &client,
            DrawPlateBatch {
                batch_id,
                client_nonce: " 我的幸运😀 OR 1=1 ".into(),
            },
        )
        .await
        .unwrap();
    let plates: Vec<String> = batch["plates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(plates.len(), 10, "{app}: {batch}");

    // Anyone can check: the seed matches the commitment shown before,
    // and the batch follows from seed, nonce and pool.
    let seed = parse_seed(batch["server_seed"].as_str().unwrap()).unwrap();
    assert_eq!(
        commitment(&seed),
        prepared["commitment"].as_str().unwrap(),
        "{app}"
    );
    let nonce = batch["client_nonce"].as_str().unwrap();
    assert_eq!(
        nonce, "我的幸运😀 OR 1=1",
        "{app}: the nonce is used as typed, only the outer spaces dropped"
    );
    assert_eq!(
        draw_batch(&effective_seed(&seed, nonce), &pool, 10),
        plates,
        "{app}: re-derived"
    );
    let err = app
        .call_fn(
            &client,
            DrawPlateBatch {
                batch_id,
                client_nonce: "again".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: a batch is drawn once");

    // A shown number is not for anyone else while the batch is live.
    let store = &app.platform.store;
    let other_vin = unregistered_vins(&app)
        .await
        .into_iter()
        .find(|v| *v != vin)
        .unwrap();
    let actor = test_actor(None);
    let now = app.clock.now_ms();
    let taken = store
        .hold(1, &other_vin, &plates[0], None, false, now, &actor)
        .await
        .unwrap();
    assert_eq!(taken, Err(PlateRefusal::Unavailable), "{app}");

    let hold = app
        .call_fn(
            &client,
            HoldPlate {
                vin: vin.to_string(),
                plate: plates[0].to_string(),
                batch_id,
            },
        )
        .await
        .unwrap();
    assert_eq!(hold["plate"], plates[0].as_str(), "{app}");
    let err = app
        .call_fn(
            &client,
            HoldPlate {
                vin: vin.to_string(),
                plate: plates[1].to_string(),
                batch_id,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: one hold per vehicle");
    app.call_fn(
        &client,
        ExtendPlateHold {
            vin: vin.to_string(),
        },
    )
    .await
    .expect("one extension");
    let err = app
        .call_fn(
            &client,
            ExtendPlateHold {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: only once");
    let plate = app
        .call_fn(
            &client,
            ConfirmPlate {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap();
    assert_eq!(plate, plates[0].as_str(), "{app}");
    let err = app
        .call_fn(
            &client,
            PreparePlateDraw {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: a confirmed choice is final");
    assert_eq!(
        held_by(&app, &vin).await,
        (
            vec![(plates[0].clone(), "taken".into())],
            Some(plates[0].clone())
        ),
        "{app}: the database holds the number the owner was told"
    );
    assert_eq!(
        selection_way(&app, &vin).await.as_deref(),
        Some("random"),
        "{app}: a number from a drawn batch is recorded as drawn"
    );
    told_and_audited(&app, &vin, &plates[0], "random").await;
    assert_eq!(
        held_by(&app, &other_vin).await,
        (vec![], None),
        "{app}: the refused vehicle holds nothing"
    );
}
both_backends!(a_new_car_owner_draws_a_verifiable_batch_holds_and_confirms_once);

async fn batch_limits_custom_patterns_and_hold_expiry(app: TestApp) {
    let (client, vin) = new_car_owner(&app).await;
    for _ in 0..3 {
        app.call_fn(
            &client,
            PreparePlateDraw {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap();
    }
    let err = app
        .call_fn(
            &client,
            PreparePlateDraw {
                vin: vin.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: three batches per vehicle");

    for bad in ["ABC12", "12345", "88888", "A1", "AI123", "京A12346"] {
        let err = app
            .call_fn(
                &client,
                HoldCustomPlate {
                    vin: vin.to_string(),
                    serial: bad.to_string(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["serial"], "{app}: {bad}");
    }
    let free: String = sqlx::query(
        "SELECT plate FROM plate_pool WHERE status = 'available' ORDER BY plate LIMIT 1",
    )
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("plate");
    // Typed as people do: the city in front, a dot, lower case, full width.
    let typed: String = free
        .trim_start_matches(app.platform.ports.profile.seat().plate_prefix.as_str())
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let held = app
        .call_fn(
            &client,
            HoldCustomPlate {
                vin: vin.to_string(),
                serial: format!("冀a·{typed}"),
            },
        )
        .await
        .expect("custom hold");
    assert_eq!(held["plate"], free.as_str(), "{app}");

    // The hold lapses: the number goes back to the pool for others.
    let store = &app.platform.store;
    let other_vin = unregistered_vins(&app)
        .await
        .into_iter()
        .find(|v| *v != vin)
        .unwrap();
    let actor = test_actor(None);
    let now = app.clock.now_ms();
    assert_eq!(
        store
            .hold(1, &other_vin, &free, None, false, now, &actor)
            .await
            .unwrap(),
        Err(PlateRefusal::Unavailable),
        "{app}"
    );
    let later = now + (HOLD_SECS + 1) * 1000;
    let rehold = store
        .hold(1, &other_vin, &free, None, false, later, &actor)
        .await
        .unwrap()
        .expect("lapsed hold is free again");
    assert_eq!(rehold.plate, free, "{app}");
    assert_eq!(
        store.confirm(1, &vin, later, &actor).await.unwrap(),
        Err(PlateRefusal::NoHold),
        "{app}"
    );
    assert_eq!(
        held_by(&app, &vin).await,
        (vec![], None),
        "{app}: the lapsed holder keeps nothing"
    );
    assert_eq!(
        held_by(&app, &other_vin).await,
        (vec![(free.clone(), "held".into())], None),
        "{app}: the database holds what the new holder was told"
    );
    assert_eq!(
        store.confirm(1, &other_vin, later, &actor).await.unwrap(),
        Ok(free.clone()),
        "{app}"
    );
    assert_eq!(
        selection_way(&app, &other_vin).await.as_deref(),
        Some("custom"),
        "{app}: a number of the owner's composing is recorded as such"
    );
}
both_backends!(batch_limits_custom_patterns_and_hold_expiry);

async fn a_rush_on_one_number_and_on_one_vehicle_gives_one_each(app: TestApp) {
    let vins = unregistered_vins(&app).await;
    let store = app.platform.store.clone();
    let now = app.clock.now_ms();
    let target: String = sqlx::query("SELECT plate FROM plate_pool ORDER BY plate LIMIT 1")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .get("plate");
    // Every new vehicle wants the same number at once.
    let tasks: Vec<_> = vins
        .iter()
        .map(|vin| {
            let (store, vin, target) = (store.clone(), vin.clone(), target.clone());
            tokio::spawn(async move {
                let actor = test_actor(None);
                let answer = store.hold(1, &vin, &target, None, false, now, &actor).await;
                (vin, answer)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for t in tasks {
        let (vin, answer) = t.await.unwrap();
        match answer.expect("no internal error") {
            Ok(hold) => {
                assert_eq!(hold.plate, target, "{app}");
                winners.push(vin);
            }
            Err(PlateRefusal::Unavailable) => {}
            Err(other) => panic!("{app}: {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{app}: {winners:?}");
    let holder: Option<String> =
        sqlx::query("SELECT vin FROM plate_pool WHERE plate = $1 AND status = 'held'")
            .bind(&target)
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get("vin");
    assert_eq!(
        holder.as_ref(),
        Some(&winners[0]),
        "{app}: the database holds the number for the vehicle told it won"
    );

    // One vehicle asks for many numbers at once.
    let plates: Vec<String> = sqlx::query(
        "SELECT plate FROM plate_pool WHERE status = 'available' ORDER BY plate LIMIT 12",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("plate"))
    .collect();
    let vin = vins
        .iter()
        .rev()
        .find(|v| **v != winners[0])
        .unwrap()
        .clone();
    let tasks: Vec<_> = plates
        .iter()
        .map(|plate| {
            let (store, vin, plate) = (store.clone(), vin.clone(), plate.clone());
            tokio::spawn(async move {
                let actor = test_actor(None);
                store.hold(1, &vin, &plate, None, false, now, &actor).await
            })
        })
        .collect();
    let (mut held, mut told_held) = (Vec::new(), Vec::new());
    for t in tasks {
        match t.await.unwrap().expect("no internal error") {
            Ok(hold) => held.push((hold.plate, "held".to_string())),
            Err(PlateRefusal::AlreadyHolding(plate)) => told_held.push(plate),
            Err(other) => panic!("{app}: {other:?}"),
        }
    }
    assert_eq!(
        held.len(),
        1,
        "{app}: one of twelve numbers is held for the vehicle: {held:?}"
    );
    // The refused are told the number actually held, also when the store
    // loses the race at the unique index (`plate_pool_one_per_vin`).
    assert!(
        told_held.iter().all(|p| *p == held[0].0),
        "{app}: the refused are told the number actually held: {told_held:?} vs {held:?}"
    );
    assert_eq!(
        held_by(&app, &vin).await,
        (held, None),
        "{app}: the database holds the number the vehicle was told"
    );
}
both_backends!(a_rush_on_one_number_and_on_one_vehicle_gives_one_each);
