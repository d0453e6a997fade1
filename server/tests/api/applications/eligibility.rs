//! Who may apply for what: the window-registered only, small vehicles only,
//! fees and fulfilment, and the renewal window of an expiring licence.

use super::*;
use app::domain::licence::renewal_stage;
use app::features::applications::api::{ApplicationForm, SubmitApplication};

async fn eligibility_window_only_small_vehicles_and_the_renewal_window(app: TestApp) {
    let pool = &app.platform.store.pool;

    // Online users are told to register at a window.
    let online = logged_in(&app, "Online-registered individual").await;
    let form = app
        .call_fn(
            &online,
            ApplicationForm {
                service: "D1".into(),
            },
        )
        .await
        .unwrap();
    assert!(
        form["refusal"]["rule"]["zh"]
            .as_str()
            .unwrap()
            .contains("窗口注册"),
        "{app}: {form}"
    );
    let err = app
        .call_fn(&online, picked_up("D1", "licence"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    let (client, car) = window_user_ready(&app).await;
    // Fees are known before submitting.
    let form = app
        .call_fn(
            &client,
            ApplicationForm {
                service: "V5".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(form["fee_fen"], 10000, "{app}: {form}");
    assert_eq!(form["postage_fen"], 2000, "{app}");
    assert!(form["subjects"][0]["refusal"].is_null(), "{app}: {form}");

    // A large vehicle is refused for vehicle services.
    sqlx::query("UPDATE vehicles SET vehicle_type = 'H11' WHERE id = $1")
        .bind(car)
        .execute(pool)
        .await
        .unwrap();
    let form = app
        .call_fn(
            &client,
            ApplicationForm {
                service: "V1".into(),
            },
        )
        .await
        .unwrap();
    assert!(
        form["subjects"][0]["refusal"]["rule"]["zh"]
            .as_str()
            .unwrap()
            .contains("小型机动车"),
        "{app}: {form}"
    );
    let err = app
        .call_fn(
            &client,
            SubmitApplication {
                fulfilment: Some("self_pickup".into()),
                ..application("V1", format!("v:{car}"))
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    // Renewal only within 90 days of expiry.
    let (id, _) = app.demo_login(WINDOW);
    let today = app.platform.ports.clock.today();
    sqlx::query("UPDATE driving_licences SET valid_until = $1 WHERE id_number = $2")
        .bind(today.add_days(200).to_iso())
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    let err = app
        .call_fn(&client, picked_up("D10", "licence"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    let valid_until = today.add_days(200);
    let too_early = renewal_stage(valid_until, today)
        .refusal(valid_until)
        .expect("too early");
    assert_eq!(
        err,
        refused(too_early),
        "{app}: the 90-day rule, with the date it opens"
    );
    sqlx::query("UPDATE driving_licences SET valid_until = $1 WHERE id_number = $2")
        .bind(today.add_days(30).to_iso())
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    // Inside the window, with a hospital's examination on record.
    crate::physical_exams::examined(&app, &id).await;
    app.call_fn(&client, picked_up("D10", "licence"))
        .await
        .expect("renewal inside the window");

    // Over-age exchange needs the age (a 1990s-born holder does not).
    let err = app
        .call_fn(&client, picked_up("D11", "licence"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    // Deferrals need a reason and a later date within the limit.
    let err = app
        .call_fn(
            &client,
            SubmitApplication {
                new_date: Some("2001-01-01".into()),
                ..application("D7", "licence")
            },
        )
        .await
        .unwrap_err();
    let mut f = fields(&err);
    f.sort();
    assert_eq!(f, vec!["new_date", "reason"], "{app}: {err}");
    let later = today.add_days(200).to_iso();
    app.call_fn(
        &client,
        SubmitApplication {
            reason: Some("abroad".into()),
            new_date: Some(later.to_string()),
            ..application("D7", "licence")
        },
    )
    .await
    .expect("deferral");

    // Postal delivery needs a recipient, a phone and an address; the
    // typed values are refused field by field.
    let err = app
        .call_fn(
            &client,
            SubmitApplication {
                fulfilment: Some("post".into()),
                recipient: Some("张".into()),
                recipient_phone: Some("123".into()),
                address: Some("短".into()),
                ..application("D1", "licence")
            },
        )
        .await
        .unwrap_err();
    let mut f = fields(&err);
    f.sort();
    assert_eq!(
        f,
        vec!["address", "recipient", "recipient_phone"],
        "{app}: {err}"
    );
}
both_backends!(eligibility_window_only_small_vehicles_and_the_renewal_window);

/// The D10 page as the applicant sees it.
async fn renewal_page(app: &TestApp, client: &reqwest::Client) -> String {
    client
        .get(format!("{}/account/apply/D10", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn an_expired_licence_is_told_which_case_applies_never_a_day_already_past(app: TestApp) {
    let pool = &app.platform.store.pool;
    let (client, _) = window_user_ready(&app).await;
    let (id, _) = app.demo_login(WINDOW);
    let today = app.platform.ports.clock.today();
    let set_expiry = |until: app::domain::Date| {
        let id = id.clone();
        async move {
            sqlx::query("UPDATE driving_licences SET valid_until = $1 WHERE id_number = $2")
                .bind(until.to_iso())
                .bind(&id)
                .execute(pool)
                .await
                .unwrap();
        }
    };
    let past_window_start = |until: app::domain::Date| until.add_days(-90).to_iso();
    crate::physical_exams::examined(&app, &id).await;

    // Expired 200 days ago: still renewed online (逾期未换证), with the
    // last day and a warning not to drive; the form is there.
    let until = today.add_days(-200);
    set_expiry(until).await;
    let form = app
        .call_fn(
            &client,
            ApplicationForm {
                service: "D10".into(),
            },
        )
        .await
        .unwrap();
    let subject = &form["subjects"][0];
    assert!(subject["refusal"].is_null(), "{app}: {form}");
    let notice = subject["notice"]["zh"].as_str().unwrap_or_default();
    assert!(notice.contains("逾期未换证"), "{app}: {form}");
    assert!(
        notice.contains(&format!("{}前", until.add_years(1))),
        "{app}: {notice}"
    );
    let page = renewal_page(&app, &client).await;
    assert!(page.contains("逾期未换证"), "{app}");
    assert!(page.contains(r#"name="subject""#), "{app}: the form");
    assert!(
        !page.contains(&past_window_start(until)),
        "{app}: a day already past"
    );
    app.call_fn(&client, picked_up("D10", "licence"))
        .await
        .expect("an overdue licence is renewed");

    // Expired more than a year: cancelled; subject 1 at the office,
    // by a day still to come; no form.
    let until = today.add_days(-500);
    set_expiry(until).await;
    let page = renewal_page(&app, &client).await;
    assert!(page.contains("注销"), "{app}");
    assert!(page.contains("科目一"), "{app}");
    assert!(page.contains("车辆管理所"), "{app}");
    let restore_until = until.add_years(1).add_days(1).add_years(2);
    assert!(
        page.contains(&format!("{restore_until}前")),
        "{app}: {restore_until}"
    );
    assert!(!page.contains(r#"name="subject""#), "{app}: no form");
    assert!(!page.contains(&past_window_start(until)), "{app}");
    let err = app
        .call_fn(&client, picked_up("D10", "licence"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    // Nor is a cancelled licence deferred (D5) or replaced (D1) online.
    for service in ["D5", "D1"] {
        let form = app
            .call_fn(
                &client,
                ApplicationForm {
                    service: service.to_string(),
                },
            )
            .await
            .unwrap();
        let why = form["subjects"][0]["refusal"]["rule"]["zh"]
            .as_str()
            .unwrap_or_default();
        assert!(why.contains("注销"), "{app} {service}: {form}");
    }

    // Cancelled more than two years ago: nothing can be restored.
    set_expiry(today.add_days(-(365 * 4))).await;
    let page = renewal_page(&app, &client).await;
    assert!(page.contains("不能恢复驾驶资格"), "{app}");
    assert!(!page.contains(r#"name="subject""#), "{app}: no form");
}
both_backends!(an_expired_licence_is_told_which_case_applies_never_a_day_already_past);
