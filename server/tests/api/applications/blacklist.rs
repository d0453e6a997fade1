//! The blacklist (黑名单): three refused deliveries or an uncollected
//! pick-up, concurrent sweeps counting once, and a clerk lifting it.

use super::*;
use app::features::applications::api::{
    ApplicationsOverview, MyApplication, StaffApplication, StaffLiftBlacklist, SubmitApplication,
};
use app::features::messages::api::MyMessages;
use app::ports::Applications;
use sqlx::Row;

async fn three_refused_deliveries_blacklist_the_applicant_until_a_clerk_lifts_it(app: TestApp) {
    let (client, _) = window_user_ready(&app).await;
    let no = apply_lost_licence_by_post(&app, &client).await;
    assert!(no.starts_with("D1"), "{app}: {no}");
    let clerk = logged_in(&app, "Window clerk").await;

    // Only staff process applications.
    let err = clerk_event(&app, &client, &no, "accept").await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // Steps out of order are refused; rejecting needs a reason.
    let err = clerk_event(&app, &clerk, &no, "dispatch")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    let err = clerk_event(&app, &clerk, &no, "reject").await.unwrap_err();
    assert_eq!(fields(&err), vec!["note"], "{app}: {err}");

    for e in [
        "accept",
        "produce",
        "dispatch",
        "delivery_refused",
        "dispatch",
        "delivery_refused",
        "dispatch",
    ] {
        clerk_event(&app, &clerk, &no, e)
            .await
            .unwrap_or_else(|err| panic!("{app}: {e}: {err}"));
    }
    let overview = app.call_fn(&client, ApplicationsOverview {}).await.unwrap();
    assert_eq!(
        overview["blacklist"].as_array().unwrap().len(),
        0,
        "{app}: two refusals are not enough"
    );
    clerk_event(&app, &clerk, &no, "delivery_refused")
        .await
        .unwrap();

    let overview = app.call_fn(&client, ApplicationsOverview {}).await.unwrap();
    let entry = &overview["blacklist"][0];
    assert_eq!(entry["cause"], "deliveries_refused", "{app}: {overview}");
    let refused: Vec<_> = overview["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s[1].is_null())
        .map(|s| s[0].as_str().unwrap().to_string())
        .collect();
    assert!(
        refused.contains(&"D2".to_string()) && refused.contains(&"V5".to_string()),
        "{app}: {refused:?}"
    );
    assert!(
        !refused.contains(&"D7".to_string()),
        "{app}: deferrals stay open"
    );
    let err = app
        .call_fn(&client, picked_up("D2", "licence"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("黑名单"), "{app}: {err}");

    // The status history has every step; the applicant was told each time.
    let detail = app
        .call_fn(
            &client,
            MyApplication {
                application_no: no.to_string(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        detail["steps"].as_array().unwrap().len(),
        9,
        "{app}: {detail}"
    );
    assert_eq!(detail["refused_deliveries"], 3, "{app}");

    // The clerk sees the entry and the trail, and lifts it with a reason.
    let view = app
        .call_fn(
            &clerk,
            StaffApplication {
                application_no: no.to_string(),
            },
        )
        .await
        .unwrap();
    let entry_id = view["blacklist"][0]["id"].as_i64().unwrap();
    assert!(
        view["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "blacklist.add"),
        "{app}: {view}"
    );
    let err = app
        .call_fn(
            &clerk,
            StaffLiftBlacklist {
                entry_id,
                reason: "".into(),
                application_no: no.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    app.call_fn(
        &clerk,
        StaffLiftBlacklist {
            entry_id,
            reason: "邮政投递地址错误，非申请人原因".into(),
            application_no: no.to_string(),
        },
    )
    .await
    .unwrap();
    app.call_fn(&client, picked_up("D2", "licence"))
        .await
        .expect("may apply again");
    let lifted = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'blacklist.lift'")
        .await;
    assert_eq!(lifted, 1, "{app}");
}
both_backends!(three_refused_deliveries_blacklist_the_applicant_until_a_clerk_lifts_it);

async fn an_uncollected_pickup_blacklists_once_however_many_sweeps_run_at_once(app: TestApp) {
    let (client, car) = window_user_ready(&app).await;
    let no = app
        .call_fn(
            &client,
            SubmitApplication {
                fulfilment: Some("self_pickup".into()),
                ..application("V3", format!("v:{car}"))
            },
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let clerk = logged_in(&app, "Window clerk").await;
    for e in ["accept", "produce", "mark_ready"] {
        clerk_event(&app, &clerk, &no, e).await.unwrap();
    }
    let detail = app
        .call_fn(
            &client,
            MyApplication {
                application_no: no.to_string(),
            },
        )
        .await
        .unwrap();
    let today = app.platform.ports.clock.today();
    assert_eq!(
        detail["pickup_deadline"],
        serde_json::json!(today.add_months(1)),
        "{app}: {detail}"
    );

    // Nothing happens before the deadline.
    assert_eq!(
        app.platform.store.sweep_blacklist(today).await.unwrap(),
        0,
        "{app}"
    );
    // A month and a day later, four servers sweep at the same moment.
    let later = today.add_months(1).add_days(1);
    let sweeps: Vec<_> = (0..4)
        .map(|_| {
            let store = app.platform.store.clone();
            tokio::spawn(async move { store.sweep_blacklist(later).await })
        })
        .collect();
    let mut made = 0;
    for s in sweeps {
        made += s.await.unwrap().expect("sweep works");
    }
    assert_eq!(made, 1, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blacklist").await,
        1,
        "{app}"
    );
    let status: String = sqlx::query("SELECT status FROM applications WHERE application_no = $1")
        .bind(&no)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get("status");
    assert_eq!(status, "uncollected", "{app}");
    let overview = app.call_fn(&client, ApplicationsOverview {}).await.unwrap();
    assert_eq!(overview["blacklist"][0]["cause"], "not_collected", "{app}");
    assert_eq!(
        overview["blacklist"][0]["until"],
        serde_json::json!(later.add_months(6)),
        "{app}"
    );
    let messages = app.call_fn(&client, MyMessages {}).await.unwrap();
    assert!(
        messages[0]["title"].as_str().unwrap().contains("黑名单"),
        "{app}: {messages}"
    );
}
both_backends!(an_uncollected_pickup_blacklists_once_however_many_sweeps_run_at_once);
