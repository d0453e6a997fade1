//! Violations on both databases: the rules on what may be handled online
//! (small vehicles, this province, the 200-yuan rule), idempotent fine
//! payment and the bank's notices (违法处理与罚款缴纳).

use crate::helpers::*;
use app::features::bindings::api::{BindOwnVehicle, ConfirmOtherVehicle, RequestOtherVehicle};
use app::features::fines::api::{
    FineReceipt, MyViolations, PayFine, StaffRecordRefund, StaffRefunds, ViolationDetail,
};
use app::ports::{FinePayments, PaymentNotice, Settlement};

async fn violation_rules_small_vehicles_this_province_and_the_200_yuan_rule(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let (car, plate, truck) = online_owner_fleet(&app).await;
    for v in [car, truck] {
        app.call_fn(&owner, BindOwnVehicle { vehicle_id: v })
            .await
            .unwrap();
    }
    let list = app
        .call_fn(&owner, MyViolations { page: None })
        .await
        .unwrap();
    assert!(
        list["items"]["items"].as_array().unwrap().len() >= 6,
        "{app}: {list}"
    );

    // A large vehicle: refused, small vehicles only.
    let truck_plate: String = app
        .scalar("SELECT plate FROM vehicles WHERE id = $1", truck)
        .await;
    let truck_violation: i64 = app
        .scalar(
            "SELECT MIN(id) AS id FROM violations WHERE plate = $1",
            truck_plate.clone(),
        )
        .await;
    let err = app
        .handle_violation(&owner, truck_violation, true)
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("小型机动车"), "{app}: {err}");

    // Recorded in another province: handled there.
    let elsewhere: i64 = app
        .scalar(
            "SELECT MIN(id) AS id FROM violations WHERE plate = $1 AND recorded_province <> '冀'",
            plate.clone(),
        )
        .await;
    let err = app
        .handle_violation(&owner, elsewhere, true)
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    // The owner handles a 200-yuan, 3-point one; the facts must be confirmed.
    let pointed = violation_id(&app, &plate, "1345").await;
    let err = app
        .handle_violation(&owner, pointed, false)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["confirm"], "{app}: {err}");
    app.handle_violation(&owner, pointed, true)
        .await
        .expect("owner handles");
    let detail = app
        .call_fn(
            &owner,
            ViolationDetail {
                violation_id: pointed,
            },
        )
        .await
        .unwrap();
    assert_eq!(detail["status"], "HandledUnpaid", "{app}: {detail}");
    assert!(
        detail["decision_no"]
            .as_str()
            .unwrap()
            .starts_with("130100"),
        "{app}"
    );

    // A window user binds the same car (not theirs): sees and handles
    // only warnings and fines ≤ 200 yuan without points.
    let window = logged_in(&app, "Window-registered individual").await;
    let vin: String = app
        .scalar("SELECT vin, phone FROM vehicles WHERE id = $1", car)
        .await;
    app.call_fn(
        &window,
        RequestOtherVehicle {
            plate: plate.to_string(),
            vin_suffix: vin[11..].to_string(),
        },
    )
    .await
    .unwrap();
    let phone: String = app
        .scalar("SELECT phone FROM vehicles WHERE id = $1", car)
        .await;
    let code = app.latest_code(&phone).await;
    app.call_fn(
        &window,
        ConfirmOtherVehicle {
            plate: plate.to_string(),
            code: code.to_string(),
        },
    )
    .await
    .unwrap();
    let list = app
        .call_fn(&window, MyViolations { page: None })
        .await
        .unwrap();
    assert!(
        list["hidden_for_owner"].as_u64().unwrap() >= 1,
        "{app}: {list}"
    );
    for item in list["items"]["items"].as_array().unwrap() {
        assert!(
            item["fine_yuan"].as_u64().unwrap() <= 200 && item["points"] == 0,
            "{app}: {item}"
        );
    }
    let big = pointed;
    let err = app.handle_violation(&window, big, true).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("200"), "{app}: {err}");
    let small = violation_id(&app, &plate, "1019").await;
    app.handle_violation(&window, small, true)
        .await
        .expect("window user handles a 100-yuan one");
}
both_backends!(violation_rules_small_vehicles_this_province_and_the_200_yuan_rule);

async fn paying_twice_never_charges_twice_and_no_payment_is_lost(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let (car, plate, _) = online_owner_fleet(&app).await;
    app.call_fn(&owner, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap();
    let v = violation_id(&app, &plate, "1039").await;
    let vid = v;

    // Paying before handling is refused.
    let err = app
        .call_fn(&owner, PayFine { violation_id: vid })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    app.handle_violation(&owner, vid, true).await.unwrap();

    // A double click opens one order.
    let first = app
        .call_fn(&owner, PayFine { violation_id: vid })
        .await
        .unwrap();
    let second = app
        .call_fn(&owner, PayFine { violation_id: vid })
        .await
        .unwrap();
    assert_eq!(first, second, "{app}: the same checkout");
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
    assert_eq!(res.status(), 303, "{app}");
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with("/payments/return?"), "{app}: {back}");
    let res = owner
        .get(format!("{}{back}", app.base))
        .send()
        .await
        .unwrap();
    let receipt_path = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        receipt_path.starts_with("/account/receipts/JK"),
        "{app}: {receipt_path}"
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
        "{app}"
    );
    let receipt_no = receipt_path.rsplit('/').next().unwrap();
    let receipt = app
        .call_fn(
            &owner,
            FineReceipt {
                receipt_no: receipt_no.to_string(),
            },
        )
        .await
        .unwrap();
    assert_eq!(receipt["amount_fen"], 10000, "{app}: {receipt}");

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
    assert_eq!(replay.text().await.unwrap(), "success", "{app}");
    let mut forged = query.clone();
    forged.insert("amount_fen".into(), "1".into());
    let res = app
        .client
        .post(format!("{}/payments/notify", app.base))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "{app}");
    let paid = app
        .count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'paid'"
        ))
        .await;
    assert_eq!(paid, 1, "{app}");
    let err = app
        .call_fn(&owner, PayFine { violation_id: vid })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: already paid");
    // Someone else's receipt is not shown.
    let other = logged_in(&app, "Window-registered individual").await;
    let err = app
        .call_fn(
            &other,
            FineReceipt {
                receipt_no: receipt_no.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");
}
both_backends!(paying_twice_never_charges_twice_and_no_payment_is_lost);

async fn concurrent_and_late_bank_notices_record_one_payment_and_keep_the_rest_for_refund(
    app: TestApp,
) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let account = account_id(&app, "Online-registered individual").await;
    let (car, plate, _) = online_owner_fleet(&app).await;
    app.call_fn(&owner, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap();
    let v = violation_id(&app, &plate, "1039").await;
    app.handle_violation(&owner, v, true).await.unwrap();

    let store = app.platform.store.clone();
    let actor = test_actor(Some(account));
    let now = app.clock.now_ms();
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
    assert_ne!(old.order_no, new.order_no, "{app}");

    let bank = app
        .platform
        .bank
        .as_ref()
        .expect("tests pay at the simulated bank");
    let notice_of = |order: &str, amount_fen: i64| {
        let bank_ref = server::payments::SimulatedBank::bank_ref(order);
        PaymentNotice {
            order_no: order.into(),
            amount_fen,
            signature: bank.sign(order, amount_fen, &bank_ref),
            bank_ref,
        }
    };
    let notice = |order: &str| notice_of(order, 10000);
    // A correctly signed notice for the known order with the wrong amount
    // settles nothing: the order stays open and the fine unpaid.
    assert_eq!(
        store
            .settle_payment(&notice_of(&new.order_no, 9999), now)
            .await
            .unwrap(),
        Settlement::AmountMismatch,
        "{app}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status IN ('paid', 'refund_due')"
        ))
        .await,
        0,
        "{app}: nothing recorded for the wrong amount"
    );
    // The new order's notice arrives eight times at once.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let n = notice(&new.order_no);
            tokio::spawn(async move { store.settle_payment(&n, now).await })
        })
        .collect();
    let mut paid = 0;
    for t in tasks {
        match t.await.unwrap().expect("no internal error") {
            Settlement::Paid { .. } => paid += 1,
            Settlement::AlreadyPaid { .. } => {}
            other => panic!("{app}: {other:?}"),
        }
    }
    assert_eq!(paid, 1, "{app}");
    // The payer had also paid the expired order at the bank: the money
    // is recorded for refund, not lost and not a second fine.
    let late = store
        .settle_payment(&notice(&old.order_no), now)
        .await
        .unwrap();
    assert!(
        matches!(late, Settlement::RefundDue { .. }),
        "{app}: {late:?}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'paid'"
        ))
        .await,
        1,
        "{app}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {v} AND status = 'refund_due'"
        ))
        .await,
        1,
        "{app}"
    );
    let status: String = app
        .scalar("SELECT status FROM violations WHERE id = $1", v)
        .await;
    assert_eq!(status, "paid", "{app}");
    // A notice for an order never opened is refused.
    let third = notice("FK-unknown");
    assert_eq!(
        store.settle_payment(&third, 0).await.unwrap(),
        Settlement::UnknownOrder,
        "{app}"
    );

    // A business-centre clerk sees the money owed back and records the
    // refund once; the payer is told.
    let window_clerk = logged_in(&app, "Window clerk").await;
    let err = app
        .call_fn(
            &window_clerk,
            StaffRefunds {
                done: None,
                page: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let owed = app
        .call_fn(
            &clerk,
            StaffRefunds {
                done: None,
                page: None,
            },
        )
        .await
        .unwrap();
    let owed = owed["items"].as_array().unwrap();
    assert_eq!(owed.len(), 1, "{app}: {owed:?}");
    assert_eq!(owed[0]["order_no"], old.order_no.as_str(), "{app}");
    let payment_id = owed[0]["payment_id"].as_i64().unwrap();
    let record = |reference: &str| StaffRecordRefund {
        payment_id,
        reference: reference.into(),
    };
    let err = app.call_fn(&clerk, record("退款")).await.unwrap_err();
    assert_eq!(fields(&err), vec!["reference"], "{app}");
    app.call_fn(&clerk, record("tk-2026-0042")).await.unwrap();
    let err = app
        .call_fn(&clerk, record("TK-2026-0043"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: recorded once");
    let owed = app
        .call_fn(
            &clerk,
            StaffRefunds {
                done: None,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(owed["items"].as_array().unwrap().len(), 0, "{app}");
    let done = app
        .call_fn(
            &clerk,
            StaffRefunds {
                done: Some("1".into()),
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        done["items"][0]["refunded"][1], "TK-2026-0042",
        "{app}: {done}"
    );
    assert_eq!(
        done["items"][0]["refunded"][2], "130301",
        "{app}: the clerk's police number"
    );
    let told: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM sms_outbox WHERE template = $1",
            "payment_refunded",
        )
        .await;
    assert_eq!(told, 1, "{app}: the payer is told");
}
both_backends!(concurrent_and_late_bank_notices_record_one_payment_and_keep_the_rest_for_refund);

/// The refunds owed come 50 a page, oldest payment first; every page but
/// the last is full, the total holds, nothing repeats or is lost.
async fn refunds_come_a_page_at_a_time(app: TestApp) {
    let pool = &app.platform.store.pool;
    let payer = account_id(&app, "Online-registered individual").await;
    let violation: i64 = app.count("SELECT MIN(id) FROM violations").await;
    for i in 0..55_i64 {
        sqlx::query(
            "INSERT INTO fine_payments (order_no, violation_id, account_id, fine_fen, surcharge_fen, amount_fen,
                status, created_at, expires_at, paid_at, bank_ref)
             VALUES ($1, $2, $3, 20000, 0, 20000, 'refund_due', $4, $4, $4, $5)",
        )
        .bind(format!("TK-TEST-{i:04}"))
        .bind(violation)
        .bind(payer)
        // Pairs paid at the same moment: the id keeps the order.
        .bind(1_780_000_000_000_i64 + i / 2)
        .bind(format!("B{i}"))
        .execute(pool)
        .await
        .unwrap();
    }
    let expected: Vec<String> = sqlx::query_scalar::<_, i64>(
        "SELECT p.id FROM fine_payments p LEFT JOIN fine_refunds r ON r.payment_id = p.id
         WHERE p.status = 'refund_due' AND r.payment_id IS NULL ORDER BY p.paid_at, p.id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(i64::to_string)
    .collect();
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let (a, c) = (&app, &clerk);
    let rows = every_page(
        a,
        "refunds owed",
        50,
        expected.len(),
        "payment_id",
        |page| async move {
            a.call_fn(c, StaffRefunds { done: None, page })
                .await
                .unwrap()
        },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "refunds owed", &rows, "payment_id"),
        expected,
        "{app}"
    );
}
both_backends!(refunds_come_a_page_at_a_time);
