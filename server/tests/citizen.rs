//! Citizen services on both databases: binding (own, not own, the limit of
//! three), the violation rules, handling, idempotent fine payment, the
//! message centre and the audit trail.

mod common;
use app::domain::BindingKind;
use app::ports::{Actor, BindRejection, Bindings, Fines, PaymentNotice, Settlement};
use common::*;
use sqlx::Row;

async fn logged_in(app: &TestApp, role: &str) -> reqwest::Client {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    app.login(&client, &login, &password).await.expect("login");
    client
}

async fn account_id(app: &TestApp, role: &str) -> i64 {
    let (login, _) = app.demo_login(role);
    sqlx::query("SELECT id FROM accounts WHERE id_number = $1")
        .bind(login)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get::<i64, _>("id")
}

/// The id of the violation with this code on the vehicle with this plate.
async fn violation_id(app: &TestApp, plate: &str, code: &str) -> i64 {
    sqlx::query(
        "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND code = $2 AND status = 'unhandled'",
    )
    .bind(plate)
    .bind(code)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get::<i64, _>("id")
}

/// The online owner's fleet: (car id, car plate, truck id).
async fn online_owner_fleet(app: &TestApp) -> (i64, String, i64) {
    let (login, _) = app.demo_login("Online-registered individual");
    let rows =
        sqlx::query("SELECT id, plate, vehicle_type FROM vehicles WHERE owner_id = $1 ORDER BY id")
            .bind(login)
            .fetch_all(&app.platform.store.pool)
            .await
            .unwrap();
    let car = rows
        .iter()
        .find(|r| r.get::<String, _>("vehicle_type") == "K33")
        .unwrap();
    let truck = rows
        .iter()
        .find(|r| r.get::<String, _>("vehicle_type") == "H11")
        .unwrap();
    (car.get("id"), car.get("plate"), truck.get("id"))
}

fn id_str(id: i64) -> String {
    id.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_vehicles_and_licence_bind_once_and_online_users_cannot_bind_others() {
    for backend in backends() {
        let app = spawn(backend).await;
        let client = logged_in(&app, "Online-registered individual").await;
        let (car, _, truck) = online_owner_fleet(&app).await;

        let overview = app.call_with(&client, "my_vehicles", &[]).await.unwrap();
        assert_eq!(overview["bound"].as_array().unwrap().len(), 0, "{backend}");
        assert_eq!(
            overview["unbound_own"].as_array().unwrap().len(),
            2,
            "{backend}"
        );
        assert!(
            overview["non_own_refusal"].is_object(),
            "{backend}: online users get the rule"
        );

        app.call_with(&client, "bind_own_vehicle", &[("vehicle_id", &id_str(car))])
            .await
            .expect("bind car");
        app.call_with(
            &client,
            "bind_own_vehicle",
            &[("vehicle_id", &id_str(truck))],
        )
        .await
        .expect("bind truck");
        let again = app
            .call_with(&client, "bind_own_vehicle", &[("vehicle_id", &id_str(car))])
            .await
            .unwrap_err();
        assert_eq!(kind(&again), "Conflict", "{backend}: {again}");

        // The registry decides ownership: someone else's vehicle is not "own".
        let other: i64 = sqlx::query("SELECT MAX(id) AS id FROM vehicles WHERE plate IS NOT NULL")
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("id");
        let err = app
            .call_with(
                &client,
                "bind_own_vehicle",
                &[("vehicle_id", &id_str(other))],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}: {err}");

        // Binding a vehicle not in one's name is for window users only.
        let plate: String = sqlx::query("SELECT plate FROM vehicles WHERE id = $1")
            .bind(other)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("plate");
        let err = app
            .call_with(
                &client,
                "request_other_vehicle",
                &[("plate", &plate), ("vin_suffix", "123456")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

        let overview = app.call_with(&client, "my_vehicles", &[]).await.unwrap();
        assert_eq!(overview["bound"].as_array().unwrap().len(), 2, "{backend}");
        assert_eq!(
            overview["unbound_own"].as_array().unwrap().len(),
            0,
            "{backend}"
        );

        // Licence: found by ID number, bound once, then shown with its data.
        let licence = app
            .call_with(&client, "licence_overview", &[])
            .await
            .unwrap();
        assert_eq!(licence["bound"], false, "{backend}: {licence}");
        app.call_with(&client, "bind_licence", &[])
            .await
            .expect("bind licence");
        let err = app
            .call_with(&client, "bind_licence", &[])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}");
        let licence = app
            .call_with(&client, "licence_overview", &[])
            .await
            .unwrap();
        assert_eq!(licence["bound"], true, "{backend}");

        // Unbinding works and is audited; every change told the holder.
        app.call_with(&client, "unbind_vehicle", &[("vehicle_id", &id_str(truck))])
            .await
            .expect("unbind");
        let err = app
            .call_with(&client, "unbind_vehicle", &[("vehicle_id", &id_str(truck))])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}");
        let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('vehicle.bind', 'vehicle.unbind', 'licence.bind')").await;
        assert_eq!(audited, 4, "{backend}");
        let messages = app.call_with(&client, "my_messages", &[]).await.unwrap();
        assert_eq!(
            messages.as_array().unwrap().len(),
            4,
            "{backend}: {messages}"
        );
        let me = account_id(&app, "Online-registered individual").await;
        let sms = app.count(&format!("SELECT COUNT(*) FROM sms_outbox WHERE phone = (SELECT phone FROM accounts WHERE id = {me})")).await;
        assert_eq!(sms, 4, "{backend}: an SMS for every change");
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_user_binds_three_vehicles_not_in_their_name_with_the_owners_code_and_no_fourth() {
    for backend in backends() {
        let app = spawn(backend).await;
        let client = logged_in(&app, "Window-registered individual").await;
        let (me, _) = app.demo_login("Window-registered individual");
        let vehicles = others_vehicles(&app, &me, 4).await;

        // A wrong VIN suffix is refused on its field; nothing is sent.
        let (_, plate, _, _) = &vehicles[0];
        let err = app
            .call_with(
                &client,
                "request_other_vehicle",
                &[("plate", plate), ("vin_suffix", "000000")],
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["vin_suffix"], "{backend}: {err}");

        for (i, (_, plate, vin, phone)) in vehicles.iter().take(3).enumerate() {
            let suffix = &vin[vin.len() - 6..];
            app.call_with(
                &client,
                "request_other_vehicle",
                &[("plate", plate), ("vin_suffix", suffix)],
            )
            .await
            .expect("code sent to owner");
            // A wrong code first: refused on the code field.
            let err = app
                .call_with(
                    &client,
                    "confirm_other_vehicle",
                    &[("plate", plate), ("code", "000000")],
                )
                .await
                .unwrap_err();
            assert_eq!(fields(&err), vec!["code"], "{backend}: {err}");
            let code = app.latest_code(phone).await;
            app.call_with(
                &client,
                "confirm_other_vehicle",
                &[("plate", plate), ("code", &code)],
            )
            .await
            .unwrap_or_else(|e| panic!("{backend}: binding {i}: {e}"));
        }
        let overview = app.call_with(&client, "my_vehicles", &[]).await.unwrap();
        assert_eq!(overview["non_own_bound"], 3, "{backend}");
        assert!(
            overview["non_own_refusal"].is_object(),
            "{backend}: the limit is explained"
        );

        // The fourth is refused with the rule, before any SMS goes out.
        let (_, plate, vin, _) = &vehicles[3];
        let err = app
            .call_with(
                &client,
                "request_other_vehicle",
                &[("plate", plate), ("vin_suffix", &vin[vin.len() - 6..])],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert!(err.to_string().contains("3"), "{backend}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_bindings_never_exceed_three_vehicles_not_in_ones_name() {
    for backend in backends() {
        let app = spawn(backend).await;
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
                    let actor = Actor {
                        account_id: Some(account),
                        ip: "test".into(),
                    };
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
                Err(other) => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!((bound, full), (3, 5), "{backend}");
        let n = app
            .count(&format!(
                "SELECT COUNT(*) FROM vehicle_bindings WHERE account_id = {account} AND own = 0"
            ))
            .await;
        assert_eq!(n, 3, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violation_rules_small_vehicles_this_province_and_the_200_yuan_rule() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        let (car, plate, truck) = online_owner_fleet(&app).await;
        for v in [car, truck] {
            app.call_with(&owner, "bind_own_vehicle", &[("vehicle_id", &id_str(v))])
                .await
                .unwrap();
        }
        let list = app.call_with(&owner, "my_violations", &[]).await.unwrap();
        assert!(
            list["items"].as_array().unwrap().len() >= 6,
            "{backend}: {list}"
        );

        // A large vehicle: refused, small vehicles only.
        let truck_plate: String = sqlx::query("SELECT plate FROM vehicles WHERE id = $1")
            .bind(truck)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("plate");
        let truck_violation: i64 =
            sqlx::query("SELECT MIN(id) AS id FROM violations WHERE plate = $1")
                .bind(&truck_plate)
                .fetch_one(&app.platform.store.pool)
                .await
                .unwrap()
                .get("id");
        let err = app
            .call_with(
                &owner,
                "handle_violation",
                &[
                    ("violation_id", &id_str(truck_violation)),
                    ("confirm", "yes"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert!(err.to_string().contains("小型机动车"), "{backend}: {err}");

        // Recorded in another province: handled there.
        let elsewhere: i64 = sqlx::query(
            "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND recorded_province <> '冀'",
        )
        .bind(&plate)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("id");
        let err = app
            .call_with(
                &owner,
                "handle_violation",
                &[("violation_id", &id_str(elsewhere)), ("confirm", "yes")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

        // The owner handles a 200-yuan, 3-point one; the facts must be confirmed.
        let pointed = violation_id(&app, &plate, "1345").await;
        let err = app
            .call_with(
                &owner,
                "handle_violation",
                &[("violation_id", &id_str(pointed))],
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["confirm"], "{backend}: {err}");
        app.call_with(
            &owner,
            "handle_violation",
            &[("violation_id", &id_str(pointed)), ("confirm", "yes")],
        )
        .await
        .expect("owner handles");
        let detail = app
            .call_with(
                &owner,
                "violation_detail",
                &[("violation_id", &id_str(pointed))],
            )
            .await
            .unwrap();
        assert_eq!(detail["status"], "HandledUnpaid", "{backend}: {detail}");
        assert!(
            detail["decision_no"]
                .as_str()
                .unwrap()
                .starts_with("130100"),
            "{backend}"
        );

        // A window user binds the same car (not theirs): sees and handles
        // only warnings and fines ≤ 200 yuan without points.
        let window = logged_in(&app, "Window-registered individual").await;
        let vin: String = sqlx::query("SELECT vin, phone FROM vehicles WHERE id = $1")
            .bind(car)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("vin");
        app.call_with(
            &window,
            "request_other_vehicle",
            &[("plate", &plate), ("vin_suffix", &vin[11..])],
        )
        .await
        .unwrap();
        let phone: String = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
            .bind(car)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("phone");
        let code = app.latest_code(&phone).await;
        app.call_with(
            &window,
            "confirm_other_vehicle",
            &[("plate", &plate), ("code", &code)],
        )
        .await
        .unwrap();
        let list = app.call_with(&window, "my_violations", &[]).await.unwrap();
        assert!(
            list["hidden_for_owner"].as_u64().unwrap() >= 1,
            "{backend}: {list}"
        );
        for item in list["items"].as_array().unwrap() {
            assert!(
                item["fine_yuan"].as_u64().unwrap() <= 200 && item["points"] == 0,
                "{backend}: {item}"
            );
        }
        let big = pointed;
        let err = app
            .call_with(
                &window,
                "handle_violation",
                &[("violation_id", &id_str(big)), ("confirm", "yes")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert!(err.to_string().contains("200"), "{backend}: {err}");
        let small = violation_id(&app, &plate, "1019").await;
        app.call_with(
            &window,
            "handle_violation",
            &[("violation_id", &id_str(small)), ("confirm", "yes")],
        )
        .await
        .expect("window user handles a 100-yuan one");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_twice_never_charges_twice_and_no_payment_is_lost() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        let (car, plate, _) = online_owner_fleet(&app).await;
        app.call_with(&owner, "bind_own_vehicle", &[("vehicle_id", &id_str(car))])
            .await
            .unwrap();
        let v = violation_id(&app, &plate, "1039").await;
        let vid = id_str(v);

        // Paying before handling is refused.
        let err = app
            .call_with(&owner, "pay_fine", &[("violation_id", &vid)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: {err}");
        app.call_with(
            &owner,
            "handle_violation",
            &[("violation_id", &vid), ("confirm", "yes")],
        )
        .await
        .unwrap();

        // A double click opens one order.
        let first = app
            .call_with(&owner, "pay_fine", &[("violation_id", &vid)])
            .await
            .unwrap();
        let second = app
            .call_with(&owner, "pay_fine", &[("violation_id", &vid)])
            .await
            .unwrap();
        assert_eq!(first, second, "{backend}: the same checkout");
        let checkout = first.as_str().unwrap().to_string();
        let order_no = checkout.rsplit('=').next().unwrap().to_string();

        // The bank: pay → notice → browser return → receipt.
        let res = app
            .client
            .post(format!("{}/dev/bank/pay", app.base))
            .form(&[("order_no", &order_no)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{backend}");
        let back = res.headers()["location"].to_str().unwrap().to_string();
        assert!(back.starts_with("/payments/return?"), "{backend}: {back}");
        let res = owner
            .get(format!("{}{back}", app.base))
            .send()
            .await
            .unwrap();
        let receipt_path = res.headers()["location"].to_str().unwrap().to_string();
        assert!(
            receipt_path.starts_with("/account/receipts/JK"),
            "{backend}: {receipt_path}"
        );
        // The return replayed (reload, second tab): same receipt.
        let res = owner
            .get(format!("{}{back}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            receipt_path,
            "{backend}"
        );
        let receipt_no = receipt_path.rsplit('/').next().unwrap();
        let receipt = app
            .call_with(&owner, "fine_receipt", &[("receipt_no", receipt_no)])
            .await
            .unwrap();
        assert_eq!(receipt["amount_fen"], 10000, "{backend}: {receipt}");

        // A replayed server notice is acknowledged and changes nothing; a
        // forged one is refused.
        let query: std::collections::HashMap<String, String> = back
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let replay = app
            .client
            .post(format!("{}/payments/notify", app.base))
            .form(&query)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.text().await.unwrap(), "success", "{backend}");
        let mut forged = query.clone();
        forged.insert("amount_fen".into(), "1".into());
        let res = app
            .client
            .post(format!("{}/payments/notify", app.base))
            .form(&forged)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{backend}");
        let paid = app
            .count(&format!(
                "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'paid'"
            ))
            .await;
        assert_eq!(paid, 1, "{backend}");
        let err = app
            .call_with(&owner, "pay_fine", &[("violation_id", &vid)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: already paid");
        // Someone else's receipt is not shown.
        let other = logged_in(&app, "Window-registered individual").await;
        let err = app
            .call_with(&other, "fine_receipt", &[("receipt_no", receipt_no)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_and_late_bank_notices_record_one_payment_and_keep_the_rest_for_refund() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        let account = account_id(&app, "Online-registered individual").await;
        let (car, plate, _) = online_owner_fleet(&app).await;
        app.call_with(&owner, "bind_own_vehicle", &[("vehicle_id", &id_str(car))])
            .await
            .unwrap();
        let v = violation_id(&app, &plate, "1039").await;
        app.call_with(
            &owner,
            "handle_violation",
            &[("violation_id", &id_str(v)), ("confirm", "yes")],
        )
        .await
        .unwrap();

        let store = app.platform.store.clone();
        let actor = Actor {
            account_id: Some(account),
            ip: "test".into(),
        };
        let now = server::clock::unix_ms();
        let old = store
            .open_payment(account, v, 10000, 0, now, &actor)
            .await
            .unwrap()
            .unwrap();
        // Twenty minutes later the order has expired: a new one replaces it.
        let new = store
            .open_payment(account, v, 10000, 0, now + 20 * 60 * 1000, &actor)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(old.order_no, new.order_no, "{backend}");

        let bank = &app.platform.bank;
        let notice = |order: &str| {
            let bank_ref = server::payments::SimulatedBank::bank_ref(order);
            PaymentNotice {
                order_no: order.into(),
                amount_fen: 10000,
                signature: bank.sign(order, 10000, &bank_ref),
                bank_ref,
            }
        };
        // The new order's notice arrives eight times at once.
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                let n = notice(&new.order_no);
                tokio::spawn(
                    async move { store.settle_payment(&n, server::clock::unix_ms()).await },
                )
            })
            .collect();
        let mut paid = 0;
        for t in tasks {
            match t.await.unwrap().expect("no internal error") {
                Settlement::Paid { .. } => paid += 1,
                Settlement::AlreadyPaid { .. } => {}
                other => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!(paid, 1, "{backend}");
        // The payer had also paid the expired order at the bank: the money
        // is recorded for refund, not lost and not a second fine.
        let late = store
            .settle_payment(&notice(&old.order_no), server::clock::unix_ms())
            .await
            .unwrap();
        assert!(
            matches!(late, Settlement::RefundDue { .. }),
            "{backend}: {late:?}"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'paid'"
            ))
            .await,
            1,
            "{backend}"
        );
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'refund_due'")).await, 1, "{backend}");
        let status: String = sqlx::query("SELECT status FROM violations WHERE id = $1")
            .bind(v)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("status");
        assert_eq!(status, "paid", "{backend}");
        // The wrong amount is never recorded as paid.
        let third = notice("FK-unknown");
        assert_eq!(
            store.settle_payment(&third, 0).await.unwrap(),
            Settlement::UnknownOrder,
            "{backend}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_changes_need_the_new_numbers_code_and_tell_the_old_number() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        let (car, _, truck) = online_owner_fleet(&app).await;
        for v in [car, truck] {
            app.call_with(&owner, "bind_own_vehicle", &[("vehicle_id", &id_str(v))])
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
            .call_with(
                &owner,
                "request_contact_change",
                &[("target", &target), ("phone", "1380")],
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["phone"], "{backend}");
        app.call_with(
            &owner,
            "request_contact_change",
            &[("target", &target), ("phone", "139 3110 7788")],
        )
        .await
        .expect("code sent");
        let err = app
            .call_with(
                &owner,
                "confirm_contact_change",
                &[
                    ("target", &target),
                    ("phone", "13931107788"),
                    ("code", "000000"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["code"], "{backend}");
        let code = app.latest_code("13931107788").await;
        app.call_with(
            &owner,
            "confirm_contact_change",
            &[
                ("target", &target),
                ("phone", "13931107788"),
                ("code", &code),
            ],
        )
        .await
        .expect("changed");
        let now: String = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
            .bind(truck)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap()
            .get("phone");
        assert_eq!(now, "13931107788", "{backend}");
        let told = app
            .count(&format!(
                "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{old}' AND body LIKE '%已变更%'"
            ))
            .await;
        assert!(told >= 1, "{backend}: the old number is told");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.change.V4'")
                .await,
            1,
            "{backend}"
        );

        // Someone else's vehicle is not a target.
        let other = logged_in(&app, "Window-registered individual").await;
        let err = app
            .call_with(
                &other,
                "request_contact_change",
                &[("target", &target), ("phone", "13931107789")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}");
        // D3 needs the licence bound.
        let err = app
            .call_with(
                &owner,
                "request_contact_change",
                &[("target", "licence"), ("phone", "13931107789")],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}");
    }
}

/// A PNG header of the given size, padded to `bytes` long.
fn png(width: u32, height: u32, bytes: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.resize(bytes, 7);
    v
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> String {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let res = client
        .post(format!("{}/account/licence/photo/upload", app.base))
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn licence_photos_are_checked_by_their_content_and_shown_only_to_their_holder() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        // Without a bound licence nothing is stored.
        assert_eq!(
            upload(&app, &owner, "me.png", png(358, 441, 20_000)).await,
            "/account/licence/photo",
            "{backend}"
        );
        app.call_with(&owner, "bind_licence", &[]).await.unwrap();

        // A renamed text file, a landscape picture, a huge file: refused.
        assert!(
            upload(
                &app,
                &owner,
                "me.jpg",
                b"<script>alert(1)</script>".repeat(800)
            )
            .await
            .ends_with("error=photo.not_image"),
            "{backend}"
        );
        assert!(
            upload(&app, &owner, "me.png", png(441, 358, 20_000))
                .await
                .ends_with("error=photo.not_portrait"),
            "{backend}"
        );
        assert!(
            upload(&app, &owner, "me.png", png(358, 441, 500 * 1024))
                .await
                .ends_with("error=photo.too_large"),
            "{backend}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM licence_photos").await,
            0,
            "{backend}"
        );

        let photo = png(358, 441, 20_000);
        assert_eq!(
            upload(&app, &owner, "whatever.exe", photo.clone()).await,
            "/account/licence/photo?uploaded=1",
            "{backend}"
        );
        let status = app
            .call_with(&owner, "licence_photo_status", &[])
            .await
            .unwrap();
        assert_eq!(status["photo"]["width"], 358, "{backend}: {status}");
        let res = owner
            .get(format!("{}/account/licence/photo/image", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-type"], "image/png", "{backend}");
        assert_eq!(
            res.headers()["x-content-type-options"],
            "nosniff",
            "{backend}"
        );
        assert_eq!(res.bytes().await.unwrap().to_vec(), photo, "{backend}");
        // Another person sees nothing.
        let other = logged_in(&app, "Window-registered individual").await;
        let res = other
            .get(format!("{}/account/licence/photo/image", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{backend}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'licence.photo'")
                .await,
            1,
            "{backend}"
        );
    }
}

/// Phone photos are several megabytes: such an upload is read to its end
/// and answered with the reason on the photo page (a reset connection shows
/// the browser's "site can't be reached"); beyond 20 MB a 413 page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_megabyte_photos_are_answered_with_the_reason_not_a_reset() {
    for backend in backends() {
        let app = spawn(backend).await;
        let owner = logged_in(&app, "Online-registered individual").await;
        app.call_with(&owner, "bind_licence", &[]).await.unwrap();
        for mb in [2, 10] {
            assert_eq!(
                upload(&app, &owner, "IMG_0001.jpg", png(358, 441, mb << 20)).await,
                "/account/licence/photo?error=photo.too_large",
                "{backend}: {mb} MB"
            );
        }
        let part = reqwest::multipart::Part::bytes(png(358, 441, 21 << 20)).file_name("video.mp4");
        let res = owner
            .post(format!("{}/account/licence/photo/upload", app.base))
            .multipart(reqwest::multipart::Form::new().part("photo", part))
            .send()
            .await
            .expect("an answer, not a reset connection");
        assert_eq!(res.status(), 413, "{backend}");
        let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{backend}: {content_type}"
        );
        let page = res.text().await.unwrap();
        assert!(page.contains("照片文件太大"), "{backend}: {page}");
        assert!(page.contains("too large"), "{backend}: {page}");
        assert!(
            page.contains(r#"href="/account/licence/photo""#),
            "{backend}: {page}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM licence_photos").await,
            0,
            "{backend}"
        );
        // The same client goes on working.
        assert_eq!(
            upload(&app, &owner, "me.png", png(358, 441, 20_000)).await,
            "/account/licence/photo?uploaded=1",
            "{backend}"
        );
    }
}
