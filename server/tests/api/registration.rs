//! Online registration (网上注册), SPEC §2, on both databases.

use crate::helpers::*;
use app::features::accounts::api::{
    CompleteRegistration, MyAccount, RegistrationWindows, SendRegistrationCode,
};

async fn send_code(app: &TestApp, kind: &str, id: &str, name: &str, phone: &str) -> Answer {
    app.call_fn(
        &app.client,
        SendRegistrationCode {
            kind: kind.to_string(),
            id_number: id.to_string(),
            name: name.to_string(),
            phone: phone.to_string(),
        },
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
    app.call_fn(
        &app.client,
        CompleteRegistration {
            kind: "owner_or_driver".into(),
            id_number: id.to_string(),
            name: name.to_string(),
            phone: phone.to_string(),
            code: code.to_string(),
            password: password.to_string(),
            password_confirm: password.to_string(),
        },
    )
    .await
}

async fn a_person_whose_phone_matches_registers_online_and_is_logged_in(app: TestApp) {
    let (id, name, phone) = app.demo.can_register_online[0].clone();
    let sent = send_code(&app, "owner_or_driver", &id, &name, &phone)
        .await
        .expect("code sent");
    assert_eq!(sent["valid_for_secs"], 300, "{app}");
    let code = app.latest_code(&phone).await;

    // A wrong code is refused with the attempts left; the right one works once.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = complete(&app, &id, &name, &phone, wrong, "Lvse-chuxing-2026")
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
    assert!(err.to_string().contains("还可以再试4次"), "{app}: {err}");

    complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
        .await
        .expect("registered");
    let me = app.call_fn(&app.client, MyAccount {}).await.unwrap();
    assert_eq!(me["role"]["Individual"]["channel"], "Online", "{app}: {me}");
    assert_eq!(
        me["role"]["Individual"]["kind"], "OwnerOrDriver",
        "{app}: {me}"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM accounts WHERE id_number = '{id}' AND channel = 'online' AND window_id IS NULL")).await,
        1,
        "{app}"
    );
    // The audit log keeps the ID number masked (110101********1234).
    let masked = app::domain::audit::mask_id_numbers(&id);
    assert!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE subject = '{masked}' AND action = 'account.registered'")).await == 1);

    // The code was single-use, and the ID cannot register twice.
    let again = complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
        .await
        .unwrap_err();
    assert_eq!(kind(&again), "Conflict", "{app}: {again}");
}
both_backends!(a_person_whose_phone_matches_registers_online_and_is_logged_in);

async fn a_different_phone_is_refused_with_the_window_list(app: TestApp) {
    let (id, name, phone) = app.demo.can_register_online[1].clone();
    let other = if phone == "13900000000" {
        "13800000000"
    } else {
        "13900000000"
    };
    let err = send_code(&app, "owner_or_driver", &id, &name, other)
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert_eq!(err["NotAllowed"]["see_windows"], true);
    // The windows of the district the ID number names are suggested first
    // (in the demo registry it is also the district of the address).
    let address: String = sqlx::query("SELECT address FROM persons WHERE id_number = $1")
        .bind(&id)
        .fetch_one(&app.platform.store.pool)
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap();
    let district = app::domain::window::district_of(&address).expect("a district");
    assert_eq!(err["NotAllowed"]["near_district"], district, "{app}: {err}");
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
        "{app}: no SMS to a stranger's phone"
    );
    let windows = app
        .call_fn(&app.client, RegistrationWindows {})
        .await
        .unwrap();
    let list = windows.as_array().unwrap();
    assert_eq!(
        list.iter().filter(|w| w["serves_units"] == false).count(),
        26
    );
    assert_eq!(list.iter().filter(|w| w["serves_units"] == true).count(), 1);
}
both_backends!(a_different_phone_is_refused_with_the_window_list);

async fn bad_input_names_every_wrong_field_and_unknown_people_go_to_a_window(app: TestApp) {
    let err = send_code(&app, "", "13010419900101123", "张3", "1234")
        .await
        .unwrap_err();
    let mut f = fields(&err);
    f.sort();
    assert_eq!(
        f,
        vec!["id_number", "kind", "name", "phone"],
        "{app}: {err}"
    );

    // A valid ID that is not in the registry: to a window.
    let unknown = send_code(
        &app,
        "learner",
        "11010519491231002X",
        "王小明",
        "13912345678",
    )
    .await
    .unwrap_err();
    assert_eq!(kind(&unknown), "NotAllowed", "{app}: {unknown}");
    assert_eq!(unknown["NotAllowed"]["see_windows"], true);

    // A wrong name and a wrong phone get the very answer an unknown ID
    // number gets, so the form tells nobody whose ID goes with which name
    // or phone; the windows suggested are those of the district the ID
    // number itself names.
    let (id, name, phone) = app.demo.can_register_online[2].clone();
    let other_phone = if phone == "13900000000" {
        "13800000000"
    } else {
        "13900000000"
    };
    let wrong_name = send_code(&app, "owner_or_driver", &id, "错名字", &phone)
        .await
        .unwrap_err();
    let wrong_phone = send_code(&app, "owner_or_driver", &id, &name, other_phone)
        .await
        .unwrap_err();
    assert_eq!(wrong_name, wrong_phone, "{app}");
    assert_eq!(
        wrong_name["NotAllowed"]["rule"], unknown["NotAllowed"]["rule"],
        "{app}"
    );
    assert_eq!(
        wrong_name["NotAllowed"]["near_district"],
        app::domain::window::district_of_id_region(&id[..6]).expect("a demo district"),
        "{app}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_outbox").await,
        0,
        "{app}: no SMS for a mismatch"
    );

    // Checks are counted before any look-up: wrong guesses at one ID
    // number are soon slowed down.
    let mut limited = None;
    for (i, guess) in [
        "张甲", "张乙", "张丙", "张丁", "张戊", "张己", "张庚", "张辛",
    ]
    .into_iter()
    .enumerate()
    {
        let err = send_code(&app, "owner_or_driver", &id, guess, &phone)
            .await
            .unwrap_err();
        assert_ne!(kind(&err), "Fields", "{app}: {err}");
        if kind(&err) == "RateLimited" {
            limited = Some(i);
            break;
        }
    }
    assert!(
        limited.is_some(),
        "{app}: guesses at one ID number are throttled"
    );
}
both_backends!(bad_input_names_every_wrong_field_and_unknown_people_go_to_a_window);

async fn codes_are_rate_limited_and_weak_passwords_refused(app: TestApp) {
    let (id, name, phone) = app.demo.can_register_online[3].clone();
    let first = send_code(&app, "owner_or_driver", &id, &name, &phone)
        .await
        .expect("first code");
    assert_eq!(first["already_sent"], false, "{app}: {first}");
    // Asking again (a reload) goes on with the live code: no new SMS.
    let again = send_code(&app, "owner_or_driver", &id, &name, &phone)
        .await
        .expect("the live code stands");
    assert_eq!(again["already_sent"], true, "{app}: {again}");
    let wait = again["resend_after_secs"].as_i64().unwrap();
    assert!((55..=60).contains(&wait), "{app}: {again}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_outbox").await, 1);
    // Another person's registration on the same phone is still told to wait.
    let (other_id, other_name, _) = app.demo.can_register_online[4].clone();
    let err = send_code(&app, "owner_or_driver", &other_id, &other_name, &phone)
        .await
        .unwrap_err();
    assert!(
        matches!(kind(&err).as_str(), "RateLimited" | "NotAllowed"),
        "{app}: {err}"
    );

    let code = app.latest_code(&phone).await;
    let err = complete(&app, &id, &name, &phone, &code, "12345678")
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["password"], "{app}: {err}");
    let err = complete(&app, &id, &name, &phone, &code, &format!("x{phone}y"))
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec!["password"],
        "{app}: password containing the phone"
    );
    // The code is still good after password mistakes (they fail before it is checked).
    complete(&app, &id, &name, &phone, &code, "Lvse-chuxing-2026")
        .await
        .expect("registered");
}
both_backends!(codes_are_rate_limited_and_weak_passwords_refused);

async fn an_expired_code_is_refused(app: TestApp) {
    use app::domain::PhoneNumber;
    use app::ports::{CodeRejection, SmsCodes};
    let store = &app.platform.store;
    let phone = PhoneNumber::parse("13912340000").unwrap();
    let t0 = 1_800_000_000_000;
    store
        .send_code(&phone, "register", "S", "10.0.0.1", t0)
        .await
        .unwrap()
        .unwrap();
    let code = app.latest_code("13912340000").await;
    let late = t0 + 5 * 60 * 1000 + 1;
    assert_eq!(
        store
            .use_code(&phone, "register", "S", &code, late)
            .await
            .unwrap(),
        Err(CodeRejection::NoLiveCode),
        "{app}"
    );
    // Another subject cannot use this phone's code either.
    assert_eq!(
        store
            .use_code(&phone, "register", "OTHER", &code, t0 + 1000)
            .await
            .unwrap(),
        Err(CodeRejection::NoLiveCode),
        "{app}"
    );
    assert_eq!(
        store
            .use_code(&phone, "register", "S", &code, t0 + 1000)
            .await
            .unwrap(),
        Ok(()),
        "{app}"
    );
}
both_backends!(an_expired_code_is_refused);

/// Full-width digits (Chinese input methods), spaces from pasting and a
/// code typed with a space all reach the same account.
async fn ids_phones_and_codes_are_taken_as_people_type_and_paste_them(app: TestApp) {
    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                other => other,
            })
            .collect()
    }
    let (id, name, phone) = app.demo.can_register_online[5].clone();
    let pasted_id = format!("{} {} {}", &id[..6], &id[6..14], id[14..].to_lowercase());
    let typed_phone = full_width(&phone);
    send_code(&app, "owner_or_driver", &pasted_id, &name, &typed_phone)
        .await
        .expect("code sent");
    let code = app.latest_code(&phone).await;
    let typed_code = format!("{} {}", full_width(&code[..3]), &code[3..]);
    app.call_fn(
        &app.client,
        CompleteRegistration {
            kind: "owner_or_driver".into(),
            id_number: pasted_id.to_string(),
            name: name.to_string(),
            phone: typed_phone.to_string(),
            code: typed_code.to_string(),
            password: "Lvse-chuxing-2026".into(),
            password_confirm: "Lvse-chuxing-2026".into(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: registered, got {e}"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM accounts WHERE id_number = '{id}' AND phone = '{phone}'"
        ))
        .await,
        1,
        "{app}: stored in the canonical form"
    );
}
both_backends!(ids_phones_and_codes_are_taken_as_people_type_and_paste_them);

/// A press of 获取短信验证码 before the page's script has loaded posts the
/// form itself; the refusal sends the browser back to the form, which
/// comes back filled in with what was typed (kept in a short-lived
/// cookie, never in the address), once.
async fn a_form_posted_before_the_script_comes_back_filled_in(app: TestApp) {
    let (id, name, phone) = app.demo.can_register_online[2].clone();
    let other = if phone == "13900000000" {
        "13800000000"
    } else {
        "13900000000"
    };
    let client = new_client();
    let response = client
        .post(format!("{}/api/send_registration_code", app.base))
        .header("origin", app.base.clone())
        .header("accept", "text/html")
        .header(
            "referer",
            format!("{}/register/online?kind=owner_or_driver", app.base),
        )
        .form(&[
            ("kind", "owner_or_driver"),
            ("id_number", id.as_str()),
            ("name", name.as_str()),
            ("phone", other),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: transport error {e}"));
    assert!(
        response.status().is_redirection(),
        "{app}: {}",
        response.status()
    );
    let back = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        !back.contains(&id),
        "{app}: the ID number stays out of the address: {back}"
    );
    let page = |path: String| {
        let client = client.clone();
        async move { client.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let url = if back.starts_with("http") {
        back.clone()
    } else {
        format!("{}{back}", app.base)
    };
    let html = page(url.clone()).await;
    assert!(
        html.contains(&format!("value=\"{id}\"")),
        "{app}: the ID number is back in its box"
    );
    assert!(
        html.contains(&format!("value=\"{other}\"")),
        "{app}: and the phone"
    );
    assert!(html.contains("不一致"), "{app}: with the reason");
    let again = page(url).await;
    assert!(
        !again.contains(&format!("value=\"{id}\"")),
        "{app}: once only"
    );
}
both_backends!(a_form_posted_before_the_script_comes_back_filled_in);
