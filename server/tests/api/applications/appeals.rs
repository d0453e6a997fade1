//! Appeals against the blacklist (黑名单申诉) and who viewed my record
//! (谁查看过我的信息): the person appeals with a reason, one appeal waits at
//! a time, a supervisor decides (upholding, then lifting), the person sees
//! each decision and its reason; every officer who opened the person's
//! record is listed for them with police number, unit and why.

use super::*;
use app::features::accounts::api::MyRecordViews;
use app::features::applications::api::{ApplicationsOverview, StaffApplication};
use app::features::supervision::api::{AppealBlacklist, AppealQueue, DecideAppeal, MyBlacklist};

/// The window user, blacklisted by three refused deliveries: (client,
/// application number, entry id).
async fn blacklisted(app: &TestApp) -> (reqwest::Client, String, i64) {
    let (client, _) = window_user_ready(app).await;
    let no = apply_lost_licence_by_post(app, &client).await;
    let clerk = logged_in(app, "Business-centre clerk").await;
    for e in [
        "accept",
        "produce",
        "dispatch",
        "delivery_refused",
        "dispatch",
        "delivery_refused",
        "dispatch",
        "delivery_refused",
    ] {
        clerk_event(app, &clerk, &no, e)
            .await
            .unwrap_or_else(|err| panic!("{app}: {e}: {err}"));
    }
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    let entry = overview["blacklist"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{app}: not blacklisted: {overview}"));
    (client, no, entry)
}

fn appeal(entry_id: i64, reason: &str) -> AppealBlacklist {
    AppealBlacklist {
        entry_id,
        reason: reason.into(),
    }
}

fn decide(appeal_id: i64, decision: &str, reason: &str) -> DecideAppeal {
    DecideAppeal {
        appeal_id,
        decision: decision.into(),
        reason: reason.into(),
    }
}

async fn a_supervisor_decides_an_appeal_and_the_person_sees_why(app: TestApp) {
    let (client, no, entry) = blacklisted(&app).await;
    let person = account_id(&app, WINDOW).await;
    let phone: String = app
        .scalar("SELECT phone FROM accounts WHERE id = $1", person)
        .await;

    // The reason is required; the appeal goes in once.
    let err = app.call_fn(&client, appeal(entry, " ")).await.unwrap_err();
    assert_eq!(fields(&err), vec!["reason"], "{app}");
    let first = app
        .call_fn(&client, appeal(entry, "住院期间无法签收邮件"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let err = app
        .call_fn(&client, appeal(entry, "再次申诉"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: one appeal waits at a time");
    // Someone else's entry is not theirs to appeal.
    let other = logged_in(&app, "Online-registered individual").await;
    let err = app
        .call_fn(&other, appeal(entry, "不是我的"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");

    // Only a supervisor decides; a clerk cannot.
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let err = app
        .call_fn(&clerk, decide(first, "lift", "理由成立"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
    let supervisor = logged_in(&app, "Supervisor").await;
    let queue = app
        .call_fn(
            &supervisor,
            AppealQueue {
                decided: None,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["id"], first, "{app}: {queue}");
    assert_eq!(queue["items"][0]["application_no"], no.as_str(), "{app}");
    let err = app
        .call_fn(&supervisor, decide(first, "maybe", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["decision", "reason"], "{app}");
    app.call_fn(&supervisor, decide(first, "uphold", "邮政记录显示本人拒收"))
        .await
        .unwrap();
    let err = app
        .call_fn(&supervisor, decide(first, "lift", "改变主意"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: decided once");

    // The person sees the decision and why; still blacklisted.
    let mine = app.call_fn(&client, MyBlacklist {}).await.unwrap();
    let decision = &mine[0]["appeals"][0]["decision"];
    assert_eq!(decision["lifted"], false, "{app}: {mine}");
    assert_eq!(decision["reason"], "邮政记录显示本人拒收", "{app}");
    assert_eq!(mine[0]["in_force"], true, "{app}");
    let texts = app.sms_texts(&phone).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("未获支持") && t.contains("邮政记录显示本人拒收")),
        "{app}: {texts:?}"
    );

    // A second appeal, granted: the entry is lifted.
    let second = app
        .call_fn(&client, appeal(entry, "已提供住院证明"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    app.call_fn(&supervisor, decide(second, "lift", "住院证明属实"))
        .await
        .unwrap();
    let mine = app.call_fn(&client, MyBlacklist {}).await.unwrap();
    assert_eq!(mine[0]["in_force"], false, "{app}: {mine}");
    let lifted_by: Option<i64> = app
        .scalar("SELECT lifted_by FROM blacklist WHERE id = $1", entry)
        .await;
    assert_eq!(
        lifted_by,
        Some(account_id_of_staff(&app, "super01").await),
        "{app}"
    );
    app.call_fn(&client, picked_up("D2", "licence"))
        .await
        .expect("may apply again");
    let decided = app
        .call_fn(
            &supervisor,
            AppealQueue {
                decided: Some("1".into()),
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        decided["items"].as_array().unwrap().len(),
        2,
        "{app}: {decided}"
    );
}
both_backends!(a_supervisor_decides_an_appeal_and_the_person_sees_why);

/// A staff account's id by username.
async fn account_id_of_staff(app: &TestApp, username: &str) -> i64 {
    app.scalar(
        "SELECT id FROM accounts WHERE staff_username = $1",
        username,
    )
    .await
}

async fn the_person_sees_which_officer_opened_their_record_and_why(app: TestApp) {
    let (client, no, _) = blacklisted(&app).await;
    let person = account_id(&app, WINDOW).await;
    let before = app.call_fn(&client, MyRecordViews {}).await.unwrap();
    assert_eq!(before.as_array().unwrap().len(), 0, "{app}: {before}");

    let clerk = logged_in(&app, "Business-centre clerk").await;
    app.call_fn(
        &clerk,
        StaffApplication {
            application_no: no.clone(),
        },
    )
    .await
    .unwrap();
    let views = app.call_fn(&client, MyRecordViews {}).await.unwrap();
    let views = views.as_array().unwrap();
    assert_eq!(views.len(), 1, "{app}: {views:?}");
    assert_eq!(
        views[0]["police_no"], "130301",
        "{app}: centre01's police number"
    );
    assert_eq!(views[0]["unit"], "车辆管理所网上业务受理中心", "{app}");
    assert_eq!(views[0]["role"], "CentreClerk", "{app}");
    assert_eq!(views[0]["why"], format!("application:{no}"), "{app}");
    // The audit log holds the read with the person's id.
    let logged: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND person_account_id = $1",
            person,
        )
        .await;
    assert_eq!(logged, 1, "{app}");
    // Nobody else sees it; staff have no such page.
    let other = logged_in(&app, "Online-registered individual").await;
    let theirs = app.call_fn(&other, MyRecordViews {}).await.unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 0, "{app}");
    let err = app.call_fn(&clerk, MyRecordViews {}).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}");
}
both_backends!(the_person_sees_which_officer_opened_their_record_and_why);

/// The supervisor's waiting appeals come 20 a page, oldest first; every
/// page but the last is full, the total holds, nothing repeats or is lost.
async fn appeals_come_a_page_at_a_time(app: TestApp) {
    let pool = &app.platform.store.pool;
    let person = account_id(&app, WINDOW).await;
    for i in 0..45_i64 {
        let application: i64 = sqlx::query_scalar(
            "INSERT INTO applications (application_no, account_id, service, subject_label, fee_fen, postage_fen,
                status, created_at, updated_at)
             VALUES ($1, $2, 'D1', '驾驶证', 1000, 2000, 'delivery_refused', 1, 1) RETURNING id",
        )
        .bind(format!("APPEAL{i:05}"))
        .bind(person)
        .fetch_one(pool)
        .await
        .unwrap();
        let entry: i64 = sqlx::query_scalar(
            "INSERT INTO blacklist (account_id, application_id, cause, since, until, created_at)
             VALUES ($1, $2, 'deliveries_refused', '2026-01-01', '2026-07-01', 1) RETURNING id",
        )
        .bind(person)
        .bind(application)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO blacklist_appeals (entry_id, account_id, reason, submitted_at) VALUES ($1, $2, '理由', $3)",
        )
        .bind(entry)
        .bind(person)
        // Pairs at the same moment: the id keeps the order.
        .bind(1_780_000_000_000_i64 + i / 2)
        .execute(pool)
        .await
        .unwrap();
    }
    let expected: Vec<String> = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM blacklist_appeals WHERE decision IS NULL ORDER BY submitted_at, id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(i64::to_string)
    .collect();
    let supervisor = logged_in(&app, "Supervisor").await;
    let (a, c) = (&app, &supervisor);
    let rows = every_page(
        a,
        "waiting appeals",
        20,
        expected.len(),
        "id",
        |page| async move {
            a.call_fn(
                c,
                AppealQueue {
                    decided: None,
                    page,
                },
            )
            .await
            .unwrap()
        },
    )
    .await;
    assert_eq!(
        distinct_keys(&app, "waiting appeals", &rows, "id"),
        expected,
        "{app}"
    );
}
both_backends!(appeals_come_a_page_at_a_time);
