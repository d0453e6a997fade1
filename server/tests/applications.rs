//! Document applications on both databases: eligibility refusals, fees and
//! fulfilment, clerk processing, the blacklist (three refused deliveries,
//! an uncollected pick-up, concurrent sweeps) and lifting it.

mod common;
use app::ports::Applications;
use common::*;
use sqlx::Row;

const WINDOW: &str = "Window-registered individual";

async fn client_for(app: &TestApp, role: &str) -> reqwest::Client {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    app.login(&client, &login, &password).await.expect("login");
    client
}

/// The window user with their car and licence bound.
async fn window_user_ready(app: &TestApp) -> (reqwest::Client, i64) {
    let client = client_for(app, WINDOW).await;
    let overview = app.call_with(&client, "my_vehicles", &[]).await.unwrap();
    let car = overview["unbound_own"][0]["vehicle_id"].as_i64().unwrap();
    app.call_with(
        &client,
        "bind_own_vehicle",
        &[("vehicle_id", &car.to_string())],
    )
    .await
    .unwrap();
    app.call_with(&client, "bind_licence", &[]).await.unwrap();
    (client, car)
}

async fn clerk_event(app: &TestApp, clerk: &reqwest::Client, no: &str, event: &str) -> Answer {
    app.call_with(
        clerk,
        "staff/application_event",
        &[("application_no", no), ("event", event)],
    )
    .await
}

async fn apply_lost_licence_by_post(app: &TestApp, client: &reqwest::Client) -> String {
    app.call_with(
        client,
        "submit_application",
        &[
            ("service", "D1"),
            ("subject", "licence"),
            ("fulfilment", "post"),
            ("recipient", "张伟"),
            ("recipient_phone", "13803110001"),
            ("address", "河北省石家庄市长安区中山东路100号3单元502室"),
        ],
    )
    .await
    .expect("application accepted")
    .as_str()
    .unwrap()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligibility_window_only_small_vehicles_and_the_renewal_window() {
    for backend in backends() {
        let app = spawn(backend).await;
        let pool = &app.platform.store.pool;

        // Online users are told to register at a window.
        let online = client_for(&app, "Online-registered individual").await;
        let form = app
            .call_with(&online, "application_form", &[("service", "D1")])
            .await
            .unwrap();
        assert!(
            form["refusal"]["rule"]["zh"]
                .as_str()
                .unwrap()
                .contains("窗口注册"),
            "{backend}: {form}"
        );
        let err = app
            .call_with(
                &online,
                "submit_application",
                &[
                    ("service", "D1"),
                    ("subject", "licence"),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

        let (client, car) = window_user_ready(&app).await;
        // Fees are known before submitting.
        let form = app
            .call_with(&client, "application_form", &[("service", "V5")])
            .await
            .unwrap();
        assert_eq!(form["fee_fen"], 10000, "{backend}: {form}");
        assert_eq!(form["postage_fen"], 2000, "{backend}");
        assert!(
            form["subjects"][0]["refusal"].is_null(),
            "{backend}: {form}"
        );

        // A large vehicle is refused for vehicle services.
        sqlx::query("UPDATE vehicles SET vehicle_type = 'H11' WHERE id = $1")
            .bind(car)
            .execute(pool)
            .await
            .unwrap();
        let form = app
            .call_with(&client, "application_form", &[("service", "V1")])
            .await
            .unwrap();
        assert!(
            form["subjects"][0]["refusal"]["rule"]["zh"]
                .as_str()
                .unwrap()
                .contains("小型机动车"),
            "{backend}: {form}"
        );
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "V1"),
                    ("subject", &format!("v:{car}")),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

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
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D10"),
                    ("subject", "licence"),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert!(err.to_string().contains("90"), "{backend}: {err}");
        sqlx::query("UPDATE driving_licences SET valid_until = $1 WHERE id_number = $2")
            .bind(today.add_days(30).to_iso())
            .bind(&id)
            .execute(pool)
            .await
            .unwrap();
        app.call_with(
            &client,
            "submit_application",
            &[
                ("service", "D10"),
                ("subject", "licence"),
                ("fulfilment", "self_pickup"),
            ],
        )
        .await
        .expect("renewal inside the window");

        // Over-age exchange needs the age (a 1990s-born holder does not).
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D11"),
                    ("subject", "licence"),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");

        // Deferrals need a reason and a later date within the limit.
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D7"),
                    ("subject", "licence"),
                    ("new_date", "2001-01-01"),
                ],
            )
            .await
            .unwrap_err();
        let mut f = fields(&err);
        f.sort();
        assert_eq!(f, vec!["new_date", "reason"], "{backend}: {err}");
        let later = today.add_days(200).to_iso();
        app.call_with(
            &client,
            "submit_application",
            &[
                ("service", "D7"),
                ("subject", "licence"),
                ("reason", "abroad"),
                ("new_date", &later),
            ],
        )
        .await
        .expect("deferral");

        // Postal delivery needs a recipient, a phone and an address; the
        // typed values are refused field by field.
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D1"),
                    ("subject", "licence"),
                    ("fulfilment", "post"),
                    ("recipient", "张"),
                    ("recipient_phone", "123"),
                    ("address", "短"),
                ],
            )
            .await
            .unwrap_err();
        let mut f = fields(&err);
        f.sort();
        assert_eq!(
            f,
            vec!["address", "recipient", "recipient_phone"],
            "{backend}: {err}"
        );
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_licence_is_told_which_case_applies_never_a_day_already_past() {
    for backend in backends() {
        let app = spawn(backend).await;
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

        // Expired 200 days ago: still renewed online (逾期未换证), with the
        // last day and a warning not to drive; the form is there.
        let until = today.add_days(-200);
        set_expiry(until).await;
        let form = app
            .call_with(&client, "application_form", &[("service", "D10")])
            .await
            .unwrap();
        let subject = &form["subjects"][0];
        assert!(subject["refusal"].is_null(), "{backend}: {form}");
        let notice = subject["notice"]["zh"].as_str().unwrap_or_default();
        assert!(notice.contains("逾期未换证"), "{backend}: {form}");
        assert!(
            notice.contains(&format!("{}前", until.add_years(1))),
            "{backend}: {notice}"
        );
        let page = renewal_page(&app, &client).await;
        assert!(page.contains("逾期未换证"), "{backend}");
        assert!(page.contains(r#"name="subject""#), "{backend}: the form");
        assert!(
            !page.contains(&past_window_start(until)),
            "{backend}: a day already past"
        );
        app.call_with(
            &client,
            "submit_application",
            &[
                ("service", "D10"),
                ("subject", "licence"),
                ("fulfilment", "self_pickup"),
            ],
        )
        .await
        .expect("an overdue licence is renewed");

        // Expired more than a year: cancelled; subject 1 at the office,
        // by a day still to come; no form.
        let until = today.add_days(-500);
        set_expiry(until).await;
        let page = renewal_page(&app, &client).await;
        assert!(page.contains("注销"), "{backend}");
        assert!(page.contains("科目一"), "{backend}");
        assert!(page.contains("车辆管理所"), "{backend}");
        let restore_until = until.add_years(1).add_days(1).add_years(2);
        assert!(
            page.contains(&format!("{restore_until}前")),
            "{backend}: {restore_until}"
        );
        assert!(!page.contains(r#"name="subject""#), "{backend}: no form");
        assert!(!page.contains(&past_window_start(until)), "{backend}");
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D10"),
                    ("subject", "licence"),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        // Nor is a cancelled licence deferred (D5) or replaced (D1) online.
        for service in ["D5", "D1"] {
            let form = app
                .call_with(&client, "application_form", &[("service", service)])
                .await
                .unwrap();
            let why = form["subjects"][0]["refusal"]["rule"]["zh"]
                .as_str()
                .unwrap_or_default();
            assert!(why.contains("注销"), "{backend} {service}: {form}");
        }

        // Cancelled more than two years ago: nothing can be restored.
        set_expiry(today.add_days(-(365 * 4))).await;
        let page = renewal_page(&app, &client).await;
        assert!(page.contains("不能恢复驾驶资格"), "{backend}");
        assert!(!page.contains(r#"name="subject""#), "{backend}: no form");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_refused_deliveries_blacklist_the_applicant_until_a_clerk_lifts_it() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, _) = window_user_ready(&app).await;
        let no = apply_lost_licence_by_post(&app, &client).await;
        assert!(no.starts_with("D1"), "{backend}: {no}");
        let clerk = client_for(&app, "Window clerk").await;

        // Only staff process applications.
        let err = clerk_event(&app, &client, &no, "accept").await.unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        // Steps out of order are refused; rejecting needs a reason.
        let err = clerk_event(&app, &clerk, &no, "dispatch")
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "Conflict", "{backend}: {err}");
        let err = clerk_event(&app, &clerk, &no, "reject").await.unwrap_err();
        assert_eq!(fields(&err), vec!["note"], "{backend}: {err}");

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
                .unwrap_or_else(|err| panic!("{backend}: {e}: {err}"));
        }
        let overview = app
            .call_with(&client, "applications_overview", &[])
            .await
            .unwrap();
        assert_eq!(
            overview["blacklist"].as_array().unwrap().len(),
            0,
            "{backend}: two refusals are not enough"
        );
        clerk_event(&app, &clerk, &no, "delivery_refused")
            .await
            .unwrap();

        let overview = app
            .call_with(&client, "applications_overview", &[])
            .await
            .unwrap();
        let entry = &overview["blacklist"][0];
        assert_eq!(
            entry["cause"], "deliveries_refused",
            "{backend}: {overview}"
        );
        let refused: Vec<_> = overview["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s[1].is_null())
            .map(|s| s[0].as_str().unwrap().to_string())
            .collect();
        assert!(
            refused.contains(&"D2".to_string()) && refused.contains(&"V5".to_string()),
            "{backend}: {refused:?}"
        );
        assert!(
            !refused.contains(&"D7".to_string()),
            "{backend}: deferrals stay open"
        );
        let err = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "D2"),
                    ("subject", "licence"),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("黑名单"), "{backend}: {err}");

        // The status history has every step; the applicant was told each time.
        let detail = app
            .call_with(&client, "my_application", &[("application_no", &no)])
            .await
            .unwrap();
        assert_eq!(
            detail["steps"].as_array().unwrap().len(),
            9,
            "{backend}: {detail}"
        );
        assert_eq!(detail["refused_deliveries"], 3, "{backend}");

        // The clerk sees the entry and the trail, and lifts it with a reason.
        let view = app
            .call_with(&clerk, "staff/application", &[("application_no", &no)])
            .await
            .unwrap();
        let entry_id = view["blacklist"][0]["id"].as_i64().unwrap().to_string();
        assert!(
            view["audit"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["action"] == "blacklist.add"),
            "{backend}: {view}"
        );
        let err = app
            .call_with(
                &clerk,
                "staff/lift_blacklist",
                &[
                    ("entry_id", &entry_id),
                    ("reason", ""),
                    ("application_no", &no),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["reason"], "{backend}");
        app.call_with(
            &clerk,
            "staff/lift_blacklist",
            &[
                ("entry_id", &entry_id),
                ("reason", "邮政投递地址错误，非申请人原因"),
                ("application_no", &no),
            ],
        )
        .await
        .unwrap();
        app.call_with(
            &client,
            "submit_application",
            &[
                ("service", "D2"),
                ("subject", "licence"),
                ("fulfilment", "self_pickup"),
            ],
        )
        .await
        .expect("may apply again");
        let lifted = app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'blacklist.lift'")
            .await;
        assert_eq!(lifted, 1, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncollected_pickup_blacklists_once_however_many_sweeps_run_at_once() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, car) = window_user_ready(&app).await;
        let no = app
            .call_with(
                &client,
                "submit_application",
                &[
                    ("service", "V3"),
                    ("subject", &format!("v:{car}")),
                    ("fulfilment", "self_pickup"),
                ],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        let clerk = client_for(&app, "Window clerk").await;
        for e in ["accept", "produce", "mark_ready"] {
            clerk_event(&app, &clerk, &no, e).await.unwrap();
        }
        let detail = app
            .call_with(&client, "my_application", &[("application_no", &no)])
            .await
            .unwrap();
        let today = app.platform.ports.clock.today();
        assert_eq!(
            detail["pickup_deadline"],
            serde_json::json!(today.add_months(1)),
            "{backend}: {detail}"
        );

        // Nothing happens before the deadline.
        assert_eq!(
            app.platform.store.sweep_blacklist(today).await.unwrap(),
            0,
            "{backend}"
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
        assert_eq!(made, 1, "{backend}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM blacklist").await,
            1,
            "{backend}"
        );
        let status: String =
            sqlx::query("SELECT status FROM applications WHERE application_no = $1")
                .bind(&no)
                .fetch_one(&app.platform.store.pool)
                .await
                .unwrap()
                .get("status");
        assert_eq!(status, "uncollected", "{backend}");
        let overview = app
            .call_with(&client, "applications_overview", &[])
            .await
            .unwrap();
        assert_eq!(
            overview["blacklist"][0]["cause"], "not_collected",
            "{backend}"
        );
        assert_eq!(
            overview["blacklist"][0]["until"],
            serde_json::json!(later.add_months(6)),
            "{backend}"
        );
        let messages = app.call_with(&client, "my_messages", &[]).await.unwrap();
        assert!(
            messages[0]["title"].as_str().unwrap().contains("黑名单"),
            "{backend}: {messages}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_keeps_what_was_typed_and_is_submitted_once() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (client, _) = window_user_ready(&app).await;
        // Missing address: saved as a draft, with the problem and the input.
        let draft = app
            .call_with(
                &client,
                "save_application_draft",
                &[
                    ("service", "D1"),
                    ("subject", "licence"),
                    ("fulfilment", "post"),
                    ("recipient", "张伟"),
                    ("recipient_phone", "13803110001"),
                ],
            )
            .await
            .expect("a draft is saved even when incomplete");
        let id = draft.as_i64().unwrap().to_string();
        let loaded = app
            .call_with(&client, "load_application_draft", &[("draft", &id)])
            .await
            .unwrap();
        assert_eq!(loaded["input"]["recipient"], "张伟", "{backend}: {loaded}");
        assert_eq!(
            fields(&loaded["problems"]),
            vec!["address"],
            "{backend}: {loaded}"
        );
        let err = app
            .call_with(&client, "confirm_application", &[("draft", &id)])
            .await
            .unwrap_err();
        assert_eq!(
            fields(&err),
            vec!["address"],
            "{backend}: an incomplete draft is not submitted"
        );

        // Completed, then confirmed twice (a double click): one application.
        app.call_with(
            &client,
            "save_application_draft",
            &[
                ("service", "D1"),
                ("draft", &id),
                ("subject", "licence"),
                ("fulfilment", "post"),
                ("recipient", "张伟"),
                ("recipient_phone", "13803110001"),
                ("address", "河北省石家庄市长安区中山东路100号"),
            ],
        )
        .await
        .unwrap();
        let loaded = app
            .call_with(&client, "load_application_draft", &[("draft", &id)])
            .await
            .unwrap();
        assert!(loaded["problems"].is_null(), "{backend}: {loaded}");
        let form = [("draft", id.as_str())];
        let (a, b) = tokio::join!(
            app.call_with(&client, "confirm_application", &form),
            app.call_with(&client, "confirm_application", &form)
        );
        assert_eq!(
            a.is_ok() as u8 + b.is_ok() as u8,
            1,
            "{backend}: {a:?} {b:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM applications").await,
            1,
            "{backend}"
        );
        // Someone else cannot read or submit the draft.
        let other = client_for(&app, "Online-registered individual").await;
        let err = app
            .call_with(&other, "load_application_draft", &[("draft", &id)])
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotFound", "{backend}");
    }
}
