//! The blacklist (黑名单): three refused deliveries or an uncollected
//! pick-up, concurrent sweeps counting once, and a supervisor lifting it.

use super::*;
use app::features::applications::api::{
    ApplicationsOverview, MyApplication, StaffApplication, StaffLiftBlacklist, SubmitApplication,
};
use app::features::messages::api::MyMessages;
use app::ports::Blacklists;
use sqlx::Row;

async fn three_refused_deliveries_blacklist_the_applicant_until_a_clerk_lifts_it(app: TestApp) {
    let (client, _) = window_user_ready(&app).await;
    let no = apply_lost_licence_by_post(&app, &client).await;
    assert!(no.starts_with("D1"), "{app}: {no}");
    let clerk = logged_in(&app, "Business-centre clerk").await;

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
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    assert_eq!(
        overview["blacklist"].as_array().unwrap().len(),
        0,
        "{app}: two refusals are not enough"
    );
    clerk_event(&app, &clerk, &no, "delivery_refused")
        .await
        .unwrap();

    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
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

    // The clerk sees the entry and the trail; a supervisor lifts it with a
    // reason.
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
    // Lifting is a supervisor's decision, not a clerk's.
    let lift = |reason: &str| StaffLiftBlacklist {
        entry_id,
        reason: reason.into(),
        application_no: no.to_string(),
    };
    let err = app
        .call_fn(&clerk, lift("邮政投递地址错误"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let supervisor = logged_in(&app, "Supervisor").await;
    let err = app.call_fn(&supervisor, lift("")).await.unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    app.call_fn(
        &supervisor,
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
    let clerk = logged_in(&app, "Business-centre clerk").await;
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
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    assert_eq!(overview["blacklist"][0]["cause"], "not_collected", "{app}");
    assert_eq!(
        overview["blacklist"][0]["until"],
        serde_json::json!(later.add_months(6)),
        "{app}"
    );
    let messages = app
        .call_fn(&client, MyMessages { page: None })
        .await
        .unwrap();
    assert!(
        messages["items"][0]["title"]
            .as_str()
            .unwrap()
            .contains("黑名单"),
        "{app}: {messages}"
    );
}
both_backends!(an_uncollected_pickup_blacklists_once_however_many_sweeps_run_at_once);

/// Posts an application's documents and has them refused `times` times.
async fn refused_deliveries(app: &TestApp, clerk: &reqwest::Client, no: &str, times: usize) {
    for _ in 0..times {
        for e in ["dispatch", "delivery_refused"] {
            clerk_event(app, clerk, no, e)
                .await
                .unwrap_or_else(|err| panic!("{app}: {no} {e}: {err}"));
        }
    }
}

/// The account's blacklist entries as the database holds them:
/// (application number, cause, the refusal that made the third, lifted).
async fn entries_in_db(app: &TestApp) -> Vec<(String, String, Option<i64>, bool)> {
    sqlx::query(
        "SELECT a.application_no, b.cause, b.refusal_event_id, b.lifted_at
         FROM blacklist b JOIN applications a ON a.id = b.application_id ORDER BY b.id",
    )
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get("application_no"),
            r.get("cause"),
            r.get("refusal_event_id"),
            r.get::<Option<i64>, _>("lifted_at").is_some(),
        )
    })
    .collect()
}

async fn refused_deliveries_add_up_across_a_persons_applications_since_the_last_period(
    app: TestApp,
) {
    let (client, car) = window_user_ready(&app).await;
    let licence = apply_lost_licence_by_post(&app, &client).await;
    let plate = app
        .call_fn(
            &client,
            SubmitApplication {
                fulfilment: Some("post".into()),
                recipient: Some("张伟".into()),
                recipient_phone: Some("13803110001".into()),
                address: Some("河北省石家庄市长安区中山东路100号3单元502室".into()),
                ..application("V3", format!("v:{car}"))
            },
        )
        .await
        .expect("a second application by post")
        .as_str()
        .unwrap()
        .to_string();
    let clerk = logged_in(&app, "Business-centre clerk").await;
    for no in [&licence, &plate] {
        for e in ["accept", "produce"] {
            clerk_event(&app, &clerk, no, e).await.unwrap();
        }
    }

    // Two refusals of one application and one of the other: three in all.
    refused_deliveries(&app, &clerk, &licence, 2).await;
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    assert_eq!(overview["blacklist"], serde_json::json!([]), "{app}");
    refused_deliveries(&app, &clerk, &plate, 1).await;
    let third: i64 = sqlx::query(
        "SELECT MAX(e.id) AS id FROM application_events e JOIN applications a ON a.id = e.application_id
         WHERE a.application_no = $1 AND e.status = 'delivery_refused'",
    )
    .bind(&plate)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap()
    .get("id");
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    let told = overview["blacklist"].as_array().unwrap();
    assert_eq!(told.len(), 1, "{app}: {overview}");
    assert_eq!(told[0]["cause"], "deliveries_refused", "{app}");
    assert_eq!(told[0]["application_no"], plate.as_str(), "{app}");
    assert_eq!(
        entries_in_db(&app).await,
        vec![(
            plate.clone(),
            "deliveries_refused".into(),
            Some(third),
            false
        )],
        "{app}"
    );
    let messages = app
        .call_fn(&client, MyMessages { page: None })
        .await
        .unwrap();
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"].as_str().unwrap().contains("累计被拒收3次")),
        "{app}: {messages}"
    );

    // Four servers sweeping at once record nothing more.
    let today = app.platform.ports.clock.today();
    let sweeps: Vec<_> = (0..4)
        .map(|_| {
            let store = app.platform.store.clone();
            tokio::spawn(async move { store.sweep_blacklist(today).await })
        })
        .collect();
    for s in sweeps {
        assert_eq!(s.await.unwrap().expect("sweep works"), 0, "{app}");
    }

    // A supervisor lifts it: the count starts again from there.
    app.clock.advance_secs(60);
    let entry_id = told[0]["id"].as_i64().unwrap();
    let supervisor = logged_in(&app, "Supervisor").await;
    app.call_fn(
        &supervisor,
        StaffLiftBlacklist {
            entry_id,
            reason: "投递地址有误，非申请人原因".into(),
            application_no: plate.clone(),
        },
    )
    .await
    .unwrap();
    app.clock.advance_secs(60);
    refused_deliveries(&app, &clerk, &licence, 1).await;
    refused_deliveries(&app, &clerk, &plate, 1).await;
    assert_eq!(
        app.platform.store.sweep_blacklist(today).await.unwrap(),
        0,
        "{app}: two since the period ended"
    );
    assert_eq!(entries_in_db(&app).await.len(), 1, "{app}");
    // The third since: the same application may blacklist again.
    refused_deliveries(&app, &clerk, &plate, 1).await;
    let entries = entries_in_db(&app).await;
    assert_eq!(entries.len(), 2, "{app}: {entries:?}");
    assert_eq!(
        (&entries[1].0, entries[1].1.as_str(), entries[1].3),
        (&plate, "deliveries_refused", false),
        "{app}"
    );
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    assert_eq!(
        overview["blacklist"].as_array().unwrap().len(),
        2,
        "{app}: the applicant sees both, the newest first: {overview}"
    );
    assert!(overview["blacklist"][0]["lifted"].is_null(), "{app}");
    let refusals = app
        .count("SELECT COUNT(*) FROM application_events WHERE status = 'delivery_refused'")
        .await;
    assert_eq!(refusals, 6, "{app}");
}
both_backends!(refused_deliveries_add_up_across_a_persons_applications_since_the_last_period);

async fn handing_to_the_post_needs_a_tracking_number_the_applicant_sees(app: TestApp) {
    let (client, _) = window_user_ready(&app).await;
    let no = apply_lost_licence_by_post(&app, &client).await;
    let clerk = logged_in(&app, "Business-centre clerk").await;
    for e in ["accept", "produce"] {
        clerk_event(&app, &clerk, &no, e).await.unwrap();
    }
    let dispatch = |note: Option<&str>| app::features::applications::api::StaffApplicationEvent {
        application_no: no.clone(),
        event: "dispatch".into(),
        note: note.map(Into::into),
    };
    for bad in [None, Some("ABC"), Some("EA1234")] {
        let err = app.call_fn(&clerk, dispatch(bad)).await.unwrap_err();
        assert_eq!(fields(&err), vec!["tracking_no"], "{app}: {bad:?}: {err}");
    }
    app.call_fn(&clerk, dispatch(Some("ea 123456789 cn")))
        .await
        .unwrap();
    let detail = app
        .call_fn(
            &client,
            MyApplication {
                application_no: no.clone(),
            },
        )
        .await
        .unwrap();
    assert!(
        detail["steps"].to_string().contains("邮件号 EA123456789CN"),
        "{app}: the applicant sees the tracking number: {detail}"
    );
}
both_backends!(handing_to_the_post_needs_a_tracking_number_the_applicant_sees);
