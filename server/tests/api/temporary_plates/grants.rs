//! The grant on both databases: a unit that was not granted temporary
//! plates is refused them, whatever a page offered (an operator's service
//! is `OperatorService::offered`'s and `require_unit_granted`'s, unit
//! tested in the app).

use super::*;

async fn only_a_dealer_granted_temporary_plates_may_issue_them(app: TestApp) {
    let b = buyer(&app).await;
    for role in [
        "Hospital (unit)",
        "Driving school",
        "Road transport company",
    ] {
        let unit = logged_in(&app, role).await;
        let err = app.call_fn(&unit, entry(&app, &b, "5")).await.unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
        assert!(err.to_string().contains("未获交管部门授权"), "{app}: {err}");
        let err = app
            .call_fn(
                &unit,
                UnitTemporaryPlates {
                    query: None,
                    page: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
    }
    // The dealer's grant withdrawn at the window: refused at once.
    let dealer_id = account_id(&app, DEALER).await;
    sqlx::query(
        "DELETE FROM unit_special_services WHERE account_id = $1 AND service = 'temporary_plates'",
    )
    .bind(dealer_id)
    .execute(&app.platform.store.pool)
    .await
    .unwrap();
    let dealer = logged_in(&app, DEALER).await;
    let err = app
        .call_fn(&dealer, entry(&app, &b, "5"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM temporary_plates").await,
        0,
        "{app}"
    );
    // Nor may an individual, nor a visitor.
    let person = logged_in(&app, BUYER).await;
    let err = app
        .call_fn(&person, entry(&app, &b, "5"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let err = app
        .call_fn(&new_client(), entry(&app, &b, "5"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotLoggedIn", "{app}: {err}");
}

both_backends!(only_a_dealer_granted_temporary_plates_may_issue_them);
