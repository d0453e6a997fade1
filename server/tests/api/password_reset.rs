//! Forgotten password (忘记密码): reset by SMS code to the phone on the
//! account, on both databases.

use crate::helpers::*;
use app::features::accounts::api::{MyAccount, RequestPasswordReset, ResetPassword};

/// The phone on the account with this ID number.
async fn account_phone(app: &TestApp, id_number: &str) -> String {
    sqlx::query("SELECT phone FROM accounts WHERE id_number = $1")
        .bind(id_number)
        .fetch_one(&app.platform.store.pool)
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap()
}

async fn sms_count(app: &TestApp, phone: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM sms_outbox WHERE phone = '{phone}'"
    ))
    .await
}

fn reset_form(id: &str, phone: &str, code: &str, password: &str) -> ResetPassword {
    ResetPassword {
        id_number: id.into(),
        phone: phone.into(),
        code: code.into(),
        password: password.into(),
        password_confirm: password.into(),
    }
}

async fn a_forgotten_password_is_reset_by_sms_code_and_every_session_ends(app: TestApp) {
    let (id, old_password) = app.demo_login("Online-registered individual");
    let phone = account_phone(&app, &id).await;
    // Logged in on another device.
    let other_device = new_client();
    app.login(&other_device, &id, &old_password).await.unwrap();

    let client = new_client();
    let sent = app
        .call_fn(
            &client,
            RequestPasswordReset {
                id_number: id.to_string(),
                phone: phone.to_string(),
            },
        )
        .await
        .expect("code requested");
    assert_eq!(
        sent["phone_masked"],
        format!("{}****{}", &phone[..3], &phone[7..])
    );
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // A wrong code is refused on the code field, and nothing changes.
    let err = app
        .call_fn(&client, reset_form(&id, &phone, wrong, "Xin-mima-2026"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
    assert!(err.to_string().contains("验证码不正确"), "{app}: {err}");
    // The password rules apply (checked before the code is used up).
    let err = app
        .call_fn(&client, reset_form(&id, &phone, &code, "12345678"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec!["password"], "{app}: {err}");
    let mut mismatch = reset_form(&id, &phone, &code, "Xin-mima-2026");
    mismatch.password_confirm = "Xin-mima-2027".into();
    let err = app.call_fn(&client, mismatch).await.unwrap_err();
    assert_eq!(fields(&err), vec!["password_confirm"], "{app}: {err}");

    let next = app
        .call_fn(&client, reset_form(&id, &phone, &code, "Xin-mima-2026"))
        .await
        .expect("password reset");
    assert_eq!(next, "/login?reset=1");

    // Every session of the account ended; the old password is gone.
    let me = app.call_fn(&other_device, MyAccount {}).await.unwrap();
    assert!(me.is_null(), "{app}: the other device is logged out");
    assert!(app.login(&new_client(), &id, &old_password).await.is_err());
    app.login(&new_client(), &id, "Xin-mima-2026")
        .await
        .expect("the new password works");
    // The code was used up.
    let err = app
        .call_fn(&client, reset_form(&id, &phone, &code, "Xin-mima-2028"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已过期或已使用"), "{app}: {err}");
    // The owner is told by SMS, and it is audited.
    let texts = app.sms_texts(&phone).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("登录密码已通过短信验证码重置")),
        "{app}: {texts:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.password_reset'")
            .await,
        1,
        "{app}"
    );
}
both_backends!(a_forgotten_password_is_reset_by_sms_code_and_every_session_ends);

async fn a_reset_answers_the_same_whether_or_not_the_account_exists(app: TestApp) {
    let (id, _) = app.demo_login("Window-registered individual");
    let phone = account_phone(&app, &id).await;
    let (stranger_id, _, _) = app.demo.can_register_online[5].clone();
    let other_phone = if phone.starts_with("139") {
        "13800000001"
    } else {
        "13900000001"
    };

    let ask = |id: String, phone: String| {
        let app = &app;
        async move {
            app.call_fn(
                &new_client(),
                RequestPasswordReset {
                    id_number: id.as_str().to_string(),
                    phone: phone.as_str().to_string(),
                },
            )
            .await
        }
    };
    let real = ask(id.clone(), phone.clone())
        .await
        .expect("matching account");
    assert_eq!(sms_count(&app, &phone).await, 1, "{app}: a code went out");
    // No account with this ID number, same phone typed: the same answer.
    let unknown = ask(stranger_id.clone(), phone.clone())
        .await
        .expect("unknown account");
    assert_eq!(real, unknown, "{app}");
    // An account exists but the phone is another: the same answer again,
    // and no SMS to either phone. (Another account: the same ID number
    // from the same address must wait a minute.)
    let (other_id, _) = app.demo_login("Online-registered individual");
    let wrong_phone = ask(other_id, other_phone.to_string())
        .await
        .expect("wrong phone");
    assert_eq!(
        wrong_phone["phone_masked"],
        format!("{}****{}", &other_phone[..3], &other_phone[7..])
    );
    assert_eq!(wrong_phone["valid_for_secs"], real["valid_for_secs"]);
    assert_eq!(sms_count(&app, &phone).await, 1, "{app}");
    assert_eq!(sms_count(&app, other_phone).await, 0, "{app}");

    // Step 2 for an account that does not exist says what an expired code says.
    let no_account = app
        .call_fn(
            &new_client(),
            reset_form(&stranger_id, &phone, "123456", "Xin-mima-2026"),
        )
        .await
        .unwrap_err();
    let expired = app
        .call_fn(
            &new_client(),
            reset_form(&id, other_phone, "123456", "Xin-mima-2026"),
        )
        .await
        .unwrap_err();
    assert_eq!(no_account, expired, "{app}");
    assert!(
        expired.to_string().contains("已过期或已使用"),
        "{app}: {expired}"
    );

    // An ID number that also has the shape of a credit code is an ID number
    // (made here: the demo's ID numbers follow the date, so which of them
    // has that shape changes from day to day).
    let birth = app::domain::Date::new(1990, 3, 7).expect("a date");
    let both = (0..1000)
        .map(|seq| {
            app::domain::ResidentId::from_parts("110101", birth, seq)
                .as_str()
                .to_string()
        })
        .find(|id| app::domain::CreditCode::parse(id).is_ok())
        .expect("an ID number shaped like a credit code");
    ask(both, phone.clone())
        .await
        .expect("treated as an ID number");

    // Units and staff are told where to reset, by the shape of what was typed.
    let (unit, _) = app.demo_login("Car dealer");
    let err = ask(unit, phone.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("单位用户注册窗口"), "{app}: {err}");
    let err = ask("clerk01".into(), phone.clone()).await.unwrap_err();
    assert!(err.to_string().contains("管理员"), "{app}: {err}");
}
both_backends!(a_reset_answers_the_same_whether_or_not_the_account_exists);

async fn password_reset_requests_and_codes_are_throttled(app: TestApp) {
    let (id, _) = app.demo_login("Online-registered individual");
    let phone = account_phone(&app, &id).await;
    let (stranger_id, _, _) = app.demo.can_register_online[6].clone();
    let client = new_client();
    for who in [&id, &stranger_id] {
        let form = RequestPasswordReset {
            id_number: who.clone(),
            phone: phone.clone(),
        };
        app.call_fn(&client, form.clone())
            .await
            .expect("first request");
        // Asked again at once: wait, whether or not the account exists.
        let err = app.call_fn(&client, form).await.unwrap_err();
        assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
    }
    // Guessing codes slows down like login, even with the right code.
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        let err = app
            .call_fn(&client, reset_form(&id, &phone, wrong, "Xin-mima-2026"))
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["code"], "{app}: {err}");
    }
    let err = app
        .call_fn(&client, reset_form(&id, &phone, &code, "Xin-mima-2026"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
    // The same for an ID number with no account.
    for _ in 0..4 {
        app.call_fn(
            &client,
            reset_form(&stranger_id, &phone, wrong, "Xin-mima-2026"),
        )
        .await
        .unwrap_err();
    }
    let err = app
        .call_fn(
            &client,
            reset_form(&stranger_id, &phone, wrong, "Xin-mima-2026"),
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
}
both_backends!(password_reset_requests_and_codes_are_throttled);
