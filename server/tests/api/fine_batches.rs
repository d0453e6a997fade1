//! Several fines in one payment order (合并缴款) on both databases: a unit
//! pays three handled fines with one bank payment and gets a receipt for
//! each; a double click opens one order; a fine not waiting for payment is
//! refused by name; a fine paid alone meanwhile has its part of the
//! combined payment kept for refund, never applied twice. What the clients
//! were told is compared with the database.

use crate::helpers::*;
use crate::unit_fixtures::{violation_with_points, COMPANY};
use app::features::fines::api::{FineReceipt, HandleViolation, PayFine};

async fn pay_fines(app: &TestApp, client: &reqwest::Client, ids: &[i64]) -> Answer {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let form: Vec<(&str, &str)> = ids
        .iter()
        .map(|id| ("violation_ids[]", id.as_str()))
        .collect();
    app.call_with(client, "pay_fines", &form).await
}

async fn a_unit_pays_three_fines_in_one_order_with_a_receipt_for_each(app: TestApp) {
    let unit = logged_in(&app, COMPANY).await;
    let mut fines = Vec::new();
    for tag in ["PB001", "PB002", "PB003"] {
        let id = violation_with_points(&app, &unit, tag, 0).await;
        app.call_fn(
            &unit,
            HandleViolation {
                violation_id: id,
                confirm: Some("yes".into()),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
        fines.push(id);
    }
    // One not handled yet is refused by its plate; no order is opened.
    let unhandled = violation_with_points(&app, &unit, "PB004", 0).await;
    let err = pay_fines(&app, &unit, &[fines[0], unhandled])
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert!(err.to_string().contains("冀APB004"), "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fine_batches").await,
        0,
        "{app}"
    );

    // A double click (and a fine ticked twice) opens one order.
    let first = pay_fines(&app, &unit, &[fines[2], fines[0], fines[1], fines[0]])
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let second = pay_fines(&app, &unit, &fines).await.unwrap();
    assert_eq!(first, second, "{app}: the same checkout");
    let order_no = order_of(&first);
    let (amount, count): (i64, i64) =
        sqlx::query_as("SELECT amount_fen, fines FROM fine_batches WHERE batch_no = $1")
            .bind(&order_no)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!((amount, count), (3 * 20_000, 3), "{app}");

    // The first fine is paid alone meanwhile (its own order).
    let alone = app
        .call_fn(
            &unit,
            PayFine {
                violation_id: fines[0],
            },
        )
        .await
        .unwrap();
    let alone_no = order_of(&alone);
    assert_ne!(alone_no, order_no, "{app}: the fine's own order");
    app.bank_pays(&alone_no).await;

    // Then the combined order is paid: the other two get their receipts,
    // the first one's part is kept for refund.
    let back = app.bank_pays(&order_no).await;
    let res = unit
        .get(format!("{}{back}", app.base))
        .send()
        .await
        .unwrap();
    let receipt = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        receipt.starts_with("/account/receipts/JK"),
        "{app}: {receipt}"
    );
    let parts: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT violation_id, status, receipt_no FROM fine_payments WHERE batch_no = $1 ORDER BY violation_id",
    )
    .bind(&order_no)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap();
    let statuses: Vec<(i64, &str, bool)> = parts
        .iter()
        .map(|(v, s, r)| (*v, s.as_str(), r.is_some()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (fines[0], "refund_due", false),
            (fines[1], "paid", true),
            (fines[2], "paid", true),
        ],
        "{app}"
    );
    // The receipt the browser lands on lists the order's other paid fine
    // with its own receipt.
    let shown = app
        .call_fn(
            &unit,
            FineReceipt {
                receipt_no: receipt.trim_start_matches("/account/receipts/").into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let others: Vec<&str> = shown["same_order"]
        .as_array()
        .expect("same_order")
        .iter()
        .filter_map(|o| o["receipt_no"].as_str())
        .collect();
    let other_receipts: Vec<&str> = parts
        .iter()
        .filter_map(|(_, _, r)| r.as_deref())
        .filter(|r| !receipt.ends_with(r))
        .collect();
    assert_eq!(others, other_receipts, "{app}: {shown}");
    assert_eq!(others.len(), 1, "{app}: the refunded part is not a receipt");
    for id in &fines {
        let status: String = app
            .scalar("SELECT status FROM violations WHERE id = $1", *id)
            .await;
        assert_eq!(status, "paid", "{app}: violation {id}");
        let paid = app
            .count(&format!(
                "SELECT COUNT(*) FROM fine_payments WHERE violation_id = {id} AND status = 'paid'"
            ))
            .await;
        assert_eq!(paid, 1, "{app}: violation {id} paid once");
    }
    // The browser's return replayed changes nothing.
    let again = unit
        .get(format!("{}{back}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.headers()["location"].to_str().unwrap(),
        receipt,
        "{app}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fine_payments WHERE status = 'refund_due'")
            .await,
        1,
        "{app}"
    );
    // Paid fines are not paid again.
    let err = pay_fines(&app, &unit, &fines[1..]).await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    // Another account's fines are not found.
    let other = logged_in(&app, "Driving school (unit)").await;
    let err = pay_fines(&app, &other, &[unhandled]).await.unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
}

both_backends!(a_unit_pays_three_fines_in_one_order_with_a_receipt_for_each);
