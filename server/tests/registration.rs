//! Online registration (网上注册), SPEC §2, on both databases.

mod common;
use common::*;

async fn send_code(app: &TestApp, kind: &str, id: &str, name: &str, phone: &str) -> Answer {
    app.call(
        "send_registration_code",
        &[
            ("kind", kind),
            ("id_number", id),
            ("name", name),
            ("phone", phone),
        ],
    )
    .await
}

async fn complete(
    app: &TestApp,
    id: &str,
    name: &str,
    phone: &str,
    code: &str,
    password: &str,
) -> Answer {
    app.call(
        "complete_registration",
        &[
            ("kind", "owner_or_driver"),
            ("id_number", id),
            ("name", name),
            ("phone", phone),
            ("code", code),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_whose_phone_matches_registers_online_and_is_logged_in() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (id, name, phone) = app.demo.can_register_online[0].clone();
        let sent = send_code(&app, "owner_or_driver", &id, &name, &phone)
            .await
            .expect("code sent");
        assert_eq!(sent["valid_for_secs"], 300, "{backend}");
        let code = app.latest_code(&phone).await;

        // A wrong code is refused with the attempts left; the right one works once.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let err = complete(&app, &id, &name, &phone, wrong, "Lvse-chuxing-2026")
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["code"], "{backend}: {err}");
        assert!(
            err.to_string().contains("还可以再试4次"),
            "{backend}: {err}"
        );

        complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
            .await
            .expect("registered");
        let me = app.call("my_account", &[]).await.unwrap();
        assert_eq!(
            me["role"]["Individual"]["channel"], "Online",
            "{backend}: {me}"
        );
        assert_eq!(
            me["role"]["Individual"]["kind"], "OwnerOrDriver",
            "{backend}: {me}"
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM accounts WHERE id_number = '{id}' AND channel = 'online' AND window_id IS NULL")).await,
            1,
            "{backend}"
        );
        assert!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE subject = '{id}' AND action = 'account.registered'")).await == 1);

        // The code was single-use, and the ID cannot register twice.
        let again = complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
            .await
            .unwrap_err();
        assert_eq!(kind(&again), "Conflict", "{backend}: {again}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_phone_is_refused_with_the_window_list() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (id, name, phone) = app.demo.can_register_online[1].clone();
        let other = if phone == "13900000000" {
            "13800000000"
        } else {
            "13900000000"
        };
        let err = send_code(&app, "owner_or_driver", &id, &name, other)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert_eq!(err["NotAllowed"]["see_windows"], true);
        assert!(err["NotAllowed"]["rule"]["zh"]
            .as_str()
            .unwrap()
            .contains("不一致"));
        assert!(err["NotAllowed"]["remedy"]["zh"]
            .as_str()
            .unwrap()
            .contains("注册窗口"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sms_outbox").await,
            0,
            "{backend}: no SMS to a stranger's phone"
        );
        let windows = app.call("registration_windows", &[]).await.unwrap();
        let list = windows.as_array().unwrap();
        assert_eq!(
            list.iter().filter(|w| w["serves_units"] == false).count(),
            26
        );
        assert_eq!(list.iter().filter(|w| w["serves_units"] == true).count(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_names_every_wrong_field_and_unknown_people_go_to_a_window() {
    for backend in backends() {
        let app = spawn(backend).await;
        let err = send_code(&app, "", "13010419900101123", "张3", "1234")
            .await
            .unwrap_err();
        let mut f = fields(&err);
        f.sort();
        assert_eq!(
            f,
            vec!["id_number", "kind", "name", "phone"],
            "{backend}: {err}"
        );

        // A valid ID that is not in the registry.
        let err = send_code(
            &app,
            "learner",
            "11010519491231002X",
            "王小明",
            "13912345678",
        )
        .await
        .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{backend}: {err}");
        assert_eq!(err["NotAllowed"]["see_windows"], true);

        // The name must match the registry.
        let (id, _, phone) = app.demo.can_register_online[2].clone();
        let err = send_code(&app, "owner_or_driver", &id, "错名字", &phone)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["name"], "{backend}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_rate_limited_and_weak_passwords_refused() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (id, name, phone) = app.demo.can_register_online[3].clone();
        send_code(&app, "owner_or_driver", &id, &name, &phone)
            .await
            .expect("first code");
        let err = send_code(&app, "owner_or_driver", &id, &name, &phone)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "RateLimited", "{backend}: {err}");
        assert_eq!(app.count("SELECT COUNT(*) FROM sms_outbox").await, 1);

        let code = app.latest_code(&phone).await;
        let err = complete(&app, &id, &name, &phone, &code, "12345678")
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["password"], "{backend}: {err}");
        let err = complete(&app, &id, &name, &phone, &code, &format!("x{phone}y"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&err),
            vec!["password"],
            "{backend}: password containing the phone"
        );
        // The code is still good after password mistakes (they fail before it is checked).
        complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
            .await
            .expect("registered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    use app::domain::PhoneNumber;
    use app::ports::{CodeRejection, SmsCodes};
    for backend in backends() {
        let app = spawn(backend).await;
        let store = &app.platform.store;
        let phone = PhoneNumber::parse("13912340000").unwrap();
        let t0 = 1_800_000_000_000;
        store
            .send_code(&phone, "register", "S", "10.0.0.1", t0)
            .await
            .unwrap()
            .unwrap();
        let body: String = sqlx::query("SELECT body FROM sms_outbox WHERE phone = '13912340000'")
            .fetch_one(&store.pool)
            .await
            .map(|r| sqlx::Row::get(&r, 0))
            .unwrap();
        let code: String = body
            .chars()
            .filter(|c| c.is_ascii_digit())
            .take(6)
            .collect();
        let late = t0 + 5 * 60 * 1000 + 1;
        assert_eq!(
            store
                .use_code(&phone, "register", "S", &code, late)
                .await
                .unwrap(),
            Err(CodeRejection::NoLiveCode),
            "{backend}"
        );
        // Another subject cannot use this phone's code either.
        assert_eq!(
            store
                .use_code(&phone, "register", "OTHER", &code, t0 + 1000)
                .await
                .unwrap(),
            Err(CodeRejection::NoLiveCode),
            "{backend}"
        );
        assert_eq!(
            store
                .use_code(&phone, "register", "S", &code, t0 + 1000)
                .await
                .unwrap(),
            Ok(()),
            "{backend}"
        );
    }
}
