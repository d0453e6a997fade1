//! The staff queue (网上业务受理队列): filters by status, service and an
//! application number or applicant's name, both orders, and pages of 50.

use super::*;
use app::features::applications::api::{ApplicationsOverview, StaffApplications};

fn query(
    status: Option<&str>,
    service: Option<&str>,
    q: Option<&str>,
    order: Option<&str>,
    page: Option<&str>,
) -> StaffApplications {
    StaffApplications {
        status: status.map(Into::into),
        service: service.map(Into::into),
        q: q.map(Into::into),
        order: order.map(Into::into),
        page: page.map(Into::into),
    }
}

fn numbers(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["application_no"].as_str().unwrap().to_string())
        .collect()
}

async fn the_queue_filters_orders_and_pages(app: TestApp) {
    let (client, car) = window_user_ready(&app).await;
    let first = apply_lost_licence_by_post(&app, &client).await;
    app.clock.advance_secs(60);
    let second = app
        .call_fn(&client, picked_up("V2", format!("v:{car}")))
        .await
        .map(|v| v.as_str().unwrap().to_string());
    assert!(second.is_ok(), "{app}: a second application: {second:?}");
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let all = app
        .call_fn(&clerk, query(None, None, None, None, None))
        .await
        .unwrap();
    let mut expected = vec![first.clone()];
    if let Ok(no) = &second {
        expected.push(no.clone());
    }
    assert_eq!(numbers(&all), expected, "{app}: oldest first: {all}");
    assert_eq!(all["total"], expected.len(), "{app}");
    let newest = app
        .call_fn(&clerk, query(None, None, None, Some("newest"), None))
        .await
        .unwrap();
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(numbers(&newest), reversed, "{app}");
    // By number, by service, by status; a page past the end.
    let by_no = app
        .call_fn(&clerk, query(None, None, Some(&first), None, None))
        .await
        .unwrap();
    assert_eq!(numbers(&by_no), vec![first.clone()], "{app}");
    let by_service = app
        .call_fn(&clerk, query(None, Some("D1"), None, None, None))
        .await
        .unwrap();
    assert_eq!(numbers(&by_service), vec![first.clone()], "{app}");
    let accepted = app
        .call_fn(&clerk, query(Some("accepted"), None, None, None, None))
        .await
        .unwrap();
    assert_eq!(accepted["total"], 0, "{app}");
    clerk_event(&app, &clerk, &first, "accept").await.unwrap();
    let accepted = app
        .call_fn(&clerk, query(Some("accepted"), None, None, None, None))
        .await
        .unwrap();
    assert_eq!(numbers(&accepted), vec![first.clone()], "{app}");
    let far = app
        .call_fn(&clerk, query(None, None, None, None, Some("9")))
        .await
        .unwrap();
    // A page past the end shows the last page.
    assert_eq!(numbers(&far), expected, "{app}: {far}");
    assert_eq!(far["page"], 1, "{app}: {far}");
    assert_eq!(far["total"], expected.len(), "{app}: the total stays");
}
both_backends!(the_queue_filters_orders_and_pages);

/// Adds `n` submitted applications of an account straight to the store
/// (numbers `TEST00000`…), oldest first; answers their numbers.
async fn add_applications(app: &TestApp, account: i64, n: usize) -> Vec<String> {
    let mut numbers = Vec::new();
    for i in 0..n {
        let no = format!("TEST{account:03}{i:05}");
        sqlx::query(
            "INSERT INTO applications (application_no, account_id, service, subject_label, fee_fen, postage_fen,
                status, created_at, updated_at)
             VALUES ($1, $2, 'D1', '驾驶证', 1000, 0, 'submitted', $3, $3)",
        )
        .bind(&no)
        .bind(account)
        // Some at the same moment: the id keeps the order.
        .bind(1_700_000_000_000_i64 + (i as i64 / 3))
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
        numbers.push(no);
    }
    numbers
}

/// A person's applications and the staff queue come a page at a time: 20
/// a page for the person (newest first), 50 for the queue; every page but
/// the last is full, the total holds, nothing repeats or is lost, and
/// nobody sees another person's.
async fn application_lists_come_a_page_at_a_time(app: TestApp) {
    let client = logged_in(&app, WINDOW).await;
    let me = account_id(&app, WINDOW).await;
    let other = account_id(&app, "Online-registered individual").await;
    let mine = add_applications(&app, me, 45).await;
    let theirs = add_applications(&app, other, 16).await;
    let (a, c) = (&app, &client);
    let rows = every_page(
        a,
        "my applications",
        20,
        45,
        "application_no",
        |page| async move {
            a.call_fn(c, ApplicationsOverview { page }).await.unwrap()["items"].clone()
        },
    )
    .await;
    let seen = distinct_keys(&app, "my applications", &rows, "application_no");
    let mut newest_first = mine.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "{app}");
    // The page itself: where it is, and plain links to either side.
    let html = client
        .get(format!("{}/account/applications?page=2", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("第 2 / 3 页（共 45 条）"), "{app}: {html}");
    assert!(
        html.contains(r#"href="/account/applications?page=1""#)
            && html.contains(r#"href="/account/applications?page=3""#),
        "{app}: {html}"
    );
    assert!(
        html.contains(&newest_first[20]),
        "{app}: the 21st on page 2"
    );
    assert!(
        !html.contains(&newest_first[19]),
        "{app}: the 20th on page 1 only"
    );
    // The staff queue: every open application, oldest first, 50 a page.
    let open = app
        .count("SELECT COUNT(*) FROM applications WHERE status IN ('submitted', 'accepted', 'produced', 'dispatched', 'delivery_refused', 'ready_for_pickup')")
        .await as usize;
    assert!(open > 50, "{app}: {open}");
    let clerk = logged_in(&app, "Business-centre clerk").await;
    let k = &clerk;
    let rows = every_page(
        a,
        "the staff queue",
        50,
        open,
        "application_no",
        |page| async move {
            a.call_fn(k, query(None, None, None, None, page.as_deref()))
                .await
                .unwrap()
        },
    )
    .await;
    let seen = distinct_keys(&app, "the staff queue", &rows, "application_no");
    let ours: Vec<&String> = seen
        .iter()
        .filter(|n| mine.contains(n) || theirs.contains(n))
        .collect();
    let mut expected: Vec<&String> = mine.iter().chain(theirs.iter()).collect();
    expected.sort_by_key(|n| (!mine.contains(n), *n));
    assert_eq!(ours, expected, "{app}: oldest first");
}
both_backends!(application_lists_come_a_page_at_a_time);
