//! The plate series an administrator loads (号段投放) and withholds, on
//! both databases: what the pool holds afterwards, and who may do it.

use crate::helpers::*;

async fn an_administrator_loads_a_series_and_withholds_one(app: TestApp) {
    use app::features::plates::api::{
        StaffLoadPlateSeries, StaffPlatePools, StaffWithholdPlateSeries,
    };
    let admin = logged_in(&app, "Administrator").await;
    let city = app.platform.ports.profile.seat().plate_prefix.clone();
    let count = |sql: &'static str| {
        let city = city.clone();
        let app = &app;
        async move { app.scalar::<i64, _>(sql, format!("{city}D12%")).await }
    };
    let in_pool = "SELECT COUNT(*) FROM plate_pool WHERE plate LIKE $1";
    let before = count(in_pool).await;
    let load = |series: &str| StaffLoadPlateSeries {
        city: city.clone(),
        series: series.into(),
    };
    let added = app
        .call_fn(&admin, load("d12"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let after = count(in_pool).await;
    assert_eq!(after - before, added, "{app}: told what was added");
    // Every ordinary number of D12 is now in the pool or on a vehicle.
    let plates = |sql: &'static str| {
        let pattern = format!("{city}D12%");
        let pool = app.platform.store.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .bind(pattern)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let mut known: std::collections::HashSet<String> =
        plates("SELECT plate FROM plate_pool WHERE plate LIKE $1")
            .await
            .into_iter()
            .collect();
    known.extend(plates("SELECT plate FROM vehicles WHERE plate LIKE $1").await);
    let missing: Vec<_> = app::domain::plate_pool::serials_in_series("D12")
        .into_iter()
        .map(|s| format!("{city}{s}"))
        .filter(|p| !known.contains(p))
        .collect();
    assert!(missing.is_empty(), "{app}: not loaded: {missing:?}");
    let again = app.call_fn(&admin, load("D12")).await.unwrap();
    assert_eq!(again, 0, "{app}: nothing twice");
    // Only the administrator.
    let clerk = logged_in(&app, "Window clerk").await;
    let err = app.call_fn(&clerk, load("D14")).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");

    // Withholding D1 takes its available numbers out; D13 can not be loaded.
    let withhold = |series: &str, reason: &str| StaffWithholdPlateSeries {
        city: city.clone(),
        series: series.into(),
        reason: reason.into(),
    };
    let err = app.call_fn(&admin, withhold("D1", "")).await.unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    let removed = app
        .call_fn(&admin, withhold("D1", "留作公务用车号段"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(removed > 0, "{app}: {removed}");
    let left: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM plate_pool WHERE plate LIKE $1 AND status = 'available'",
            format!("{city}D1%"),
        )
        .await;
    assert_eq!(left, 0, "{app}");
    let err = app.call_fn(&admin, load("D13")).await.unwrap_err();
    assert_eq!(
        fields(&err),
        vec!["series"],
        "{app}: within a withheld series"
    );
    let err = app
        .call_fn(&admin, withhold("D1", "再次"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}");
    let pools = app.call_fn(&admin, StaffPlatePools {}).await.unwrap();
    let mine = pools
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["city"] == city.as_str())
        .unwrap();
    assert_eq!(mine["withheld"][0][0], "D1", "{app}: {mine}");
}
both_backends!(an_administrator_loads_a_series_and_withholds_one);
