//! Races (并发竞争): limits that hold one request at a time must hold for
//! many at once. Each case releases at least 50 requests together through
//! a barrier, on both databases, and compares what the clients were told
//! with what the database holds. A request that fails in transport fails
//! the test.

use crate::helpers::*;
use app::features::accounts::api::{
    Login, RequestContactChange, RequestPasswordReset, ResetPassword,
};
use app::features::bindings::api::BindOwnVehicle;
use app::policy::{LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_SECS, SMS_MAX_PER_IP_PER_HOUR};
use leptos::server_fn::ServerFn;
use std::sync::Arc;

/// How many requests each case releases at once.
const AT_ONCE: usize = 50;

/// Sends `AT_ONCE` server-function calls, each from its own client (or
/// the one given), all released by one barrier; answers in order.
async fn together<F>(
    app: &TestApp,
    client: Option<&reqwest::Client>,
    args: impl Fn(usize) -> F,
) -> Vec<Answer>
where
    F: ServerFn + serde::Serialize + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(AT_ONCE));
    let tasks: Vec<_> = (0..AT_ONCE)
        .map(|i| {
            let barrier = barrier.clone();
            let client = client.cloned().unwrap_or_else(new_client);
            let url = format!("{}{}", app.base, F::url());
            let form = args(i);
            tokio::spawn(async move {
                let request = client
                    .post(url)
                    .header("accept", "application/json")
                    .form(&form);
                barrier.wait().await;
                let res = request.send().await.expect("no request fails in transport");
                let ok = res.status().is_success();
                let text = res.text().await.expect("a whole answer");
                let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
                if ok {
                    Ok(value)
                } else {
                    Err(value)
                }
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(AT_ONCE);
    for t in tasks {
        answers.push(t.await.expect("the request task ran"));
    }
    answers
}

/// The answers by kind (Ok, or the error's kind and fields), for messages.
fn tally(answers: &[Answer]) -> std::collections::BTreeMap<String, usize> {
    let mut by = std::collections::BTreeMap::new();
    for a in answers {
        let key = match a {
            Ok(_) => "Ok".to_string(),
            Err(e) => format!("{} {:?}", kind(e), fields(e)),
        };
        *by.entry(key).or_insert(0) += 1;
    }
    by
}

/// How many answers were refusals of this kind.
fn count_kind(answers: &[Answer], which: &str) -> usize {
    answers
        .iter()
        .filter(|a| a.as_ref().err().is_some_and(|e| kind(e) == which))
        .count()
}

/// How many answers were a problem on exactly this field.
fn count_field(answers: &[Answer], field: &str) -> usize {
    answers
        .iter()
        .filter(|a| {
            a.as_ref()
                .err()
                .is_some_and(|e| fields(e) == vec![field.to_string()])
        })
        .count()
}

async fn parallel_wrong_logins_stay_within_the_delay(app: TestApp) {
    let (login, password) = app.demo_login("Online-registered individual");
    let answers = together(&app, None, |_| Login {
        identifier: login.clone(),
        password: "Wrong-password-1".into(),
        next: None,
    })
    .await;
    // The free failures, then the delay: every other try is refused
    // before its password is checked.
    let checked = count_field(&answers, "password");
    let limited = count_kind(&answers, "RateLimited");
    assert_eq!(
        (checked, limited),
        (
            LOGIN_FREE_FAILURES as usize + 1,
            AT_ONCE - LOGIN_FREE_FAILURES as usize - 1
        ),
        "{app}: {:?}",
        tally(&answers)
    );
    let recorded = app
        .scalar::<i64, _>(
            "SELECT COUNT(*) FROM login_attempts WHERE identifier = $1",
            format!("id:{login}"),
        )
        .await;
    assert_eq!(
        recorded as usize, checked,
        "{app}: one attempt recorded per password checked"
    );
    // The owner is slowed too, but never locked out.
    let client = new_client();
    let err = app.login(&client, &login, &password).await.unwrap_err();
    assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
    app.clock.advance_secs(LOGIN_MAX_DELAY_SECS);
    app.login(&client, &login, &password)
        .await
        .expect("the owner gets in after the delay");
}
both_backends!(parallel_wrong_logins_stay_within_the_delay);

async fn one_account_guessed_from_many_addresses_is_slowed_everywhere(app: TestApp) {
    use app::ports::Accounts;
    let store = &app.platform.store;
    let key = "id:130102199001011234";
    let now = app.clock.now_ms();
    // Eleven addresses fail once each: no address is over its own limit.
    for i in 0..11 {
        let ip = format!("203.0.113.{i}");
        store
            .claim_login_attempt(key, &ip, now)
            .await
            .unwrap()
            .expect("each address may try");
    }
    // A twelfth address, which never failed, waits.
    let wait = store
        .claim_login_attempt(key, "198.51.100.7", now)
        .await
        .unwrap()
        .expect_err("the account is slowed for every address");
    assert!(
        wait > 0 && wait <= LOGIN_MAX_DELAY_SECS * 1000,
        "{app}: {wait}"
    );
    // Another account from the same address is not.
    store
        .claim_login_attempt("id:130102199001015678", "198.51.100.7", now)
        .await
        .unwrap()
        .expect("other accounts are not slowed");
}
both_backends!(one_account_guessed_from_many_addresses_is_slowed_everywhere);

async fn parallel_sends_stay_within_the_quota(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let (_, _, truck) = online_owner_fleet(&app).await;
    app.call_fn(&owner, BindOwnVehicle { vehicle_id: truck })
        .await
        .unwrap();
    let target = format!("v:{truck}");
    // One phone: one code, whatever the number of requests.
    let answers = together(&app, Some(&owner), |_| RequestContactChange {
        target: target.clone(),
        phone: "13931100000".into(),
    })
    .await;
    let sent = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(sent, 1, "{app}: {:?}", tally(&answers));
    assert_eq!(count_kind(&answers, "RateLimited"), AT_ONCE - 1, "{app}");
    // Many phones from one address: the address's hourly quota.
    let answers = together(&app, Some(&owner), |i| RequestContactChange {
        target: target.clone(),
        phone: format!("139311{:05}", i + 1),
    })
    .await;
    let sent_now = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(
        sent_now,
        SMS_MAX_PER_IP_PER_HOUR as usize - 1,
        "{app}: {:?}",
        tally(&answers)
    );
    let codes = app
        .count("SELECT COUNT(*) FROM sms_codes WHERE purpose = 'contact_change'")
        .await;
    assert_eq!(
        codes, SMS_MAX_PER_IP_PER_HOUR,
        "{app}: codes stored = codes acknowledged"
    );
    let queued = app
        .count("SELECT COUNT(*) FROM sms_outbox WHERE template = 'verification_code'")
        .await;
    assert_eq!(queued, SMS_MAX_PER_IP_PER_HOUR, "{app}: one SMS per code");
}
both_backends!(parallel_sends_stay_within_the_quota);

async fn parallel_code_guesses_stay_within_the_limit(app: TestApp) {
    let (id, _) = app.demo_login("Online-registered individual");
    let phone: String = app
        .scalar(
            "SELECT phone FROM accounts WHERE id_number = $1",
            id.clone(),
        )
        .await;
    app.call_fn(
        &new_client(),
        RequestPasswordReset {
            id_number: id.clone(),
            phone: phone.clone(),
        },
    )
    .await
    .expect("code sent");
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let form = |code: &str| ResetPassword {
        id_number: id.clone(),
        phone: phone.clone(),
        code: code.into(),
        password: "Brand-new-pass-7".into(),
        password_confirm: "Brand-new-pass-7".into(),
    };
    let answers = together(&app, None, |_| form(wrong)).await;
    let tried = count_field(&answers, "code");
    assert_eq!(
        (tried, count_kind(&answers, "RateLimited")),
        (
            LOGIN_FREE_FAILURES as usize + 1,
            AT_ONCE - LOGIN_FREE_FAILURES as usize - 1
        ),
        "{app}: {:?}",
        tally(&answers)
    );
    let attempts: i64 = app
        .scalar(
            "SELECT attempts FROM sms_codes WHERE phone = $1",
            phone.clone(),
        )
        .await;
    assert_eq!(
        attempts as usize, tried,
        "{app}: every try reached the code once"
    );
    assert!(attempts < app::policy::SMS_MAX_ATTEMPTS, "{app}");
    // After the delay, the right code sent fifty times at once works once.
    app.clock.advance_secs(LOGIN_MAX_DELAY_SECS);
    let answers = together(&app, None, |_| form(&code)).await;
    let done = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(done, 1, "{app}: {:?}", tally(&answers));
    let used = app
        .scalar::<i64, _>(
            "SELECT COUNT(*) FROM sms_codes WHERE phone = $1 AND used_at IS NOT NULL",
            phone.clone(),
        )
        .await;
    assert_eq!(used, 1, "{app}");
}
both_backends!(parallel_code_guesses_stay_within_the_limit);
