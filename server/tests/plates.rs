//! Plate pre-selection on both databases: the verifiable draw, holds,
//! expiry, one extension, one per VIN, batch limits, custom patterns and a
//! concurrent rush audited afterwards.

mod common;
use app::api::plates::{PlateRefusal, CITY};
use app::domain::plate_selection::{commitment, draw_batch, effective_seed, parse_seed, HOLD_SECS};
use app::ports::{Actor, PlateSelection};
use common::*;
use sqlx::Row;

async fn new_car_owner(app: &TestApp) -> (reqwest::Client, String) {
    let (login, password) = app.demo_login("New-car owner");
    let client = new_client();
    app.login(&client, &login, &password).await.unwrap();
    let vehicles = app
        .call_with(&client, "plates/vehicles", &[])
        .await
        .unwrap();
    let vin = vehicles[0]["vin"]
        .as_str()
        .expect("the new-car owner has a new car")
        .to_string();
    (client, vin)
}

async fn unregistered_vins(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT vin FROM vehicles WHERE plate IS NULL ORDER BY id")
        .fetch_all(&app.platform.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("vin"))
        .collect()
}

async fn audit_pool(app: &TestApp, backend: &str) {
    let double_vin = app
        .count("SELECT COUNT(*) FROM (SELECT vin FROM plate_pool WHERE status IN ('held', 'taken') GROUP BY vin HAVING COUNT(*) > 1) d")
        .await;
    assert_eq!(double_vin, 0, "{backend}: a VIN with two numbers");
    let double_plate = app
        .count("SELECT COUNT(*) FROM (SELECT plate FROM plate_selections GROUP BY plate HAVING COUNT(*) > 1) d")
        .await;
    assert_eq!(double_plate, 0, "{backend}: a number with two owners");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_car_owner_draws_a_verifiable_batch_holds_and_confirms_once() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, vin) = new_car_owner(&app).await;
        let prepared = app
            .call_with(&client, "plates/prepare", &[("vin", &vin)])
            .await
            .unwrap();
        let batch_id = prepared["batch_id"].as_i64().unwrap().to_string();
        let pool: Vec<String> = sqlx::query("SELECT plate FROM plate_pool")
            .fetch_all(&app.platform.store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("plate"))
            .collect();
        let too_long = "运".repeat(65);
        let err = app
            .call_with(
                &client,
                "plates/draw",
                &[("batch_id", &batch_id), ("client_nonce", &too_long)],
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(&err),
            vec!["client_nonce"],
            "{backend}: a nonce that is too long is refused, never cut"
        );
        let batch = app
            .call_with(
                &client,
                "plates/draw",
                &[
                    ("batch_id", &batch_id),
                    ("client_nonce", " 我的幸运😀 OR 1=1 "),
                ],
            )
            .await
            .unwrap();
        let plates: Vec<String> = batch["plates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        assert_eq!(plates.len(), 10, "{backend}: {batch}");

        // Anyone can check: the seed matches the commitment shown before,
        // and the batch follows from seed, nonce and pool.
        let seed = parse_seed(batch["server_seed"].as_str().unwrap()).unwrap();
        assert_eq!(
            commitment(&seed),
            prepared["commitment"].as_str().unwrap(),
            "{backend}"
        );
        let nonce = batch["client_nonce"].as_str().unwrap();
        assert_eq!(
            nonce, "我的幸运😀 OR 1=1",
            "{backend}: the nonce is used as typed, only the outer spaces dropped"
        );
        assert_eq!(
            draw_batch(&effective_seed(&seed, nonce), &pool, 10),
            plates,
            "{backend}: re-derived"
        );
        let err = app
            .call_with(
                &client,
                "plates/draw",
                &[("batch_id", &batch_id), ("client_nonce", "again")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: a batch is drawn once");

        // A shown number is not for anyone else while the batch is live.
        let store = &app.platform.store;
        let other_vin = unregistered_vins(&app)
            .await
            .into_iter()
            .find(|v| *v != vin)
            .unwrap();
        let actor = Actor {
            account_id: None,
            ip: "test".into(),
        };
        let now = server::clock::unix_ms();
        let taken = store
            .hold(1, &other_vin, &plates[0], None, now, &actor)
            .await
            .unwrap();
        assert_eq!(taken, Err(PlateRefusal::Unavailable), "{backend}");

        let hold = app
            .call_with(
                &client,
                "plates/hold",
                &[
                    ("vin", &vin),
                    ("plate", &plates[0]),
                    ("batch_id", &batch_id),
                ],
            )
            .await
            .unwrap();
        assert_eq!(hold["plate"], plates[0].as_str(), "{backend}");
        let err = app
            .call_with(
                &client,
                "plates/hold",
                &[
                    ("vin", &vin),
                    ("plate", &plates[1]),
                    ("batch_id", &batch_id),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: one hold per vehicle");
        app.call_with(&client, "plates/extend", &[("vin", &vin)])
            .await
            .expect("one extension");
        let err = app
            .call_with(&client, "plates/extend", &[("vin", &vin)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: only once");
        let plate = app
            .call_with(&client, "plates/confirm", &[("vin", &vin)])
            .await
            .unwrap();
        assert_eq!(plate, plates[0].as_str(), "{backend}");
        let err = app
            .call_with(&client, "plates/prepare", &[("vin", &vin)])
            .await
            .unwrap_err();
        assert_eq!(
            kind(&err),
            "Conflict",
            "{backend}: a confirmed choice is final"
        );
        audit_pool(&app, backend).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_limits_custom_patterns_and_hold_expiry() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, vin) = new_car_owner(&app).await;
        for _ in 0..3 {
            app.call_with(&client, "plates/prepare", &[("vin", &vin)])
                .await
                .unwrap();
        }
        let err = app
            .call_with(&client, "plates/prepare", &[("vin", &vin)])
            .await
            .unwrap_err();
        assert_eq!(
            kind(&err),
            "NotAllowed",
            "{backend}: three batches per vehicle"
        );

        for bad in ["ABC12", "12345", "88888", "A1", "AI123", "京A12346"] {
            let err = app
                .call_with(&client, "plates/custom", &[("vin", &vin), ("serial", bad)])
                .await
                .unwrap_err();
            assert_eq!(fields(&err), vec!["serial"], "{backend}: {bad}");
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
            .trim_start_matches(CITY)
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let held = app
            .call_with(
                &client,
                "plates/custom",
                &[("vin", &vin), ("serial", &format!("冀a·{typed}"))],
            )
            .await
            .expect("custom hold");
        assert_eq!(held["plate"], free.as_str(), "{backend}");

        // The hold lapses: the number goes back to the pool for others.
        let store = &app.platform.store;
        let other_vin = unregistered_vins(&app)
            .await
            .into_iter()
            .find(|v| *v != vin)
            .unwrap();
        let actor = Actor {
            account_id: None,
            ip: "test".into(),
        };
        let now = server::clock::unix_ms();
        assert_eq!(
            store
                .hold(1, &other_vin, &free, None, now, &actor)
                .await
                .unwrap(),
            Err(PlateRefusal::Unavailable),
            "{backend}"
        );
        let later = now + (HOLD_SECS + 1) * 1000;
        assert!(
            store
                .hold(1, &other_vin, &free, None, later, &actor)
                .await
                .unwrap()
                .is_ok(),
            "{backend}: lapsed hold is free again"
        );
        assert_eq!(
            store.confirm(1, &vin, later, &actor).await.unwrap(),
            Err(PlateRefusal::NoHold),
            "{backend}"
        );
        audit_pool(&app, backend).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rush_on_one_number_and_on_one_vehicle_gives_one_each() {
    for backend in backends() {
        let app = spawn(backend).await;
        let vins = unregistered_vins(&app).await;
        let store = app.platform.store.clone();
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
                    let actor = Actor {
                        account_id: None,
                        ip: "test".into(),
                    };
                    store
                        .hold(1, &vin, &target, None, server::clock::unix_ms(), &actor)
                        .await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap().expect("no internal error") {
                Ok(_) => won += 1,
                Err(PlateRefusal::Unavailable) => {}
                Err(other) => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!(won, 1, "{backend}");

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
        let vin = vins.last().unwrap().clone();
        let tasks: Vec<_> = plates
            .iter()
            .map(|plate| {
                let (store, vin, plate) = (store.clone(), vin.clone(), plate.clone());
                tokio::spawn(async move {
                    let actor = Actor {
                        account_id: None,
                        ip: "test".into(),
                    };
                    store
                        .hold(1, &vin, &plate, None, server::clock::unix_ms(), &actor)
                        .await
                })
            })
            .collect();
        let mut held = 0;
        for t in tasks {
            if t.await.unwrap().expect("no internal error").is_ok() {
                held += 1;
            }
        }
        assert!(held <= 1, "{backend}: {held} holds for one vehicle");
        audit_pool(&app, backend).await;
    }
}
