//! The staff queue (网上业务受理队列): filters by status, service and an
//! application number or applicant's name, both orders, and pages of 50.

use super::*;
use app::features::applications::api::StaffApplications;

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
    // By number, by service, by status; a page past the end is empty.
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
    assert_eq!(numbers(&far), Vec::<String>::new(), "{app}");
    assert_eq!(far["total"], expected.len(), "{app}: the total stays");
}
both_backends!(the_queue_filters_orders_and_pages);
