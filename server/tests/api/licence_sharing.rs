//! Licence share codes (驾驶证信息分享码) on both databases: the holder makes
//! a code for a named party; the party checks the licence with it and the
//! licence number's last four characters and sees what the registry says
//! now; the holder sees each use; revocation and expiry end it; another
//! holder cannot revoke it; wrong checks are limited per address; ten
//! active codes at most.

use crate::helpers::*;
use app::domain::share_code::{ShareState, FAILED_CHECKS_PER_HOUR, MAX_ACTIVE};
use app::features::bindings::BindLicence;
use app::features::licence_sharing::{
    CheckLicence, CheckedLicence, CreateShareCode, LicenceCheckResult, MyShareCodes,
    RevokeShareCode, SharePage,
};

const HOLDER: &str = "Online-registered individual (owner)";
const OTHER: &str = "Window-registered individual (owner)";

async fn holder(app: &TestApp, role: &str) -> reqwest::Client {
    let client = logged_in(app, role).await;
    app.call_fn(&client, BindLicence {})
        .await
        .unwrap_or_else(|e| panic!("{app}: bind licence: {e}"));
    client
}

async fn make_code(
    app: &TestApp,
    client: &reqwest::Client,
    party: &str,
) -> Result<String, serde_json::Value> {
    app.call_fn(
        client,
        CreateShareCode {
            party: party.into(),
            days: "21".into(),
        },
    )
    .await
    .map(|v| v.as_str().unwrap().to_string())
}

async fn page(app: &TestApp, client: &reqwest::Client) -> SharePage {
    let answer = app.call_fn(client, MyShareCodes {}).await.unwrap();
    serde_json::from_value(answer).unwrap()
}

/// Posts the check, then reads the result page's data by the key it gave.
async fn check(app: &TestApp, code: &str, tail: &str) -> Result<CheckedLicence, serde_json::Value> {
    let client = new_client();
    let key = app
        .call_fn(
            &client,
            CheckLicence {
                code: code.into(),
                licence_tail: tail.into(),
                checker: "某某汽车租赁有限公司".into(),
            },
        )
        .await?;
    let result = key.as_str().unwrap().to_string();
    let seen = app
        .call_fn(&client, LicenceCheckResult { result })
        .await
        .unwrap_or_else(|e| panic!("{app}: result: {e}"));
    Ok(serde_json::from_value(seen).unwrap())
}

async fn licence_number(app: &TestApp, role: &str) -> String {
    app.scalar(
        "SELECT id_number FROM accounts WHERE id = $1",
        account_id(app, role).await,
    )
    .await
}

fn says(err: &serde_json::Value, needle: &str) -> bool {
    err.to_string().contains(needle)
}

async fn a_code_lets_the_party_check_and_the_holder_see_it(app: TestApp) {
    let client = holder(&app, HOLDER).await;
    let code = make_code(&app, &client, "某某汽车租赁有限公司")
        .await
        .unwrap();
    assert_eq!(code.len(), 9, "ABCD-EFGH: {code}");
    let number = licence_number(&app, HOLDER).await;
    let tail = &number[14..];
    // A wrong tail finds nothing, and says so without telling which part.
    let wrong = if tail == "0000" { "1111" } else { "0000" };
    let err = check(&app, &code, wrong).await.unwrap_err();
    assert!(says(&err, "分享码或驾驶证号后4位不正确"), "{app}: {err}");
    // The right one, typed in lower case with a space: the licence now.
    let typed = code.to_lowercase().replace('-', " ");
    let seen = check(&app, &typed, &tail.to_lowercase()).await.unwrap();
    let (class, status, points): (String, String, i64) =
        sqlx::query_as("SELECT class, status, points FROM driving_licences WHERE id_number = $1")
            .bind(&number)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(
        (seen.class.code(), seen.status.code(), seen.points),
        (class.as_str(), status.as_str(), points),
        "{app}"
    );
    assert_eq!(seen.party, "某某汽车租赁有限公司");
    assert!(seen.number.contains("********") && seen.number.ends_with(tail));
    // The holder sees the one use (not the wrong try), with who checked.
    let listed = page(&app, &client).await;
    assert!(listed.licence_bound);
    let row = &listed.codes[0];
    assert_eq!(
        (row.code.as_str(), row.state),
        (code.as_str(), ShareState::Active)
    );
    assert_eq!(row.uses.len(), 1, "{app}: {row:?}");
    assert_eq!(row.uses[0].checker, "某某汽车租赁有限公司");
    let recorded = app
        .count("SELECT COUNT(*) FROM share_code_checks WHERE matched = 1")
        .await;
    assert_eq!(recorded, 1, "{app}");
    // The result is read by its key for a quarter of an hour, then not.
    let key: String = app
        .scalar(
            "SELECT result_key FROM share_code_checks WHERE matched = $1",
            1_i64,
        )
        .await;
    let again = app
        .call_fn(
            &new_client(),
            LicenceCheckResult {
                result: key.clone(),
            },
        )
        .await;
    assert!(again.is_ok(), "{app}: {again:?}");
    app.clock.advance_secs(15 * 60 + 1);
    let late = app
        .call_fn(&new_client(), LicenceCheckResult { result: key })
        .await
        .unwrap_err();
    assert_eq!(kind(&late), "NotFound", "{app}: {late}");
    let client = logged_in(&app, HOLDER).await;
    // Another holder cannot revoke it; it still works.
    let other = holder(&app, OTHER).await;
    let err = app
        .call_fn(&other, RevokeShareCode { id: row.id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
    check(&app, &code, tail).await.unwrap();
    // Revoked by the holder: refused at once, and said why.
    app.call_fn(&client, RevokeShareCode { id: row.id })
        .await
        .unwrap();
    let err = check(&app, &code, tail).await.unwrap_err();
    assert!(says(&err, "持证人已撤销"), "{app}: {err}");
    assert_eq!(
        page(&app, &client).await.codes[0].state,
        ShareState::Revoked
    );
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action IN ('share_code.create', 'share_code.revoke')")
        .await;
    assert_eq!(audited, 2, "{app}");
}

async fn unbinding_ends_the_codes(app: TestApp) {
    let client = holder(&app, HOLDER).await;
    let code = make_code(&app, &client, "某某公司").await.unwrap();
    let number = licence_number(&app, HOLDER).await;
    check(&app, &code, &number[14..]).await.unwrap();
    app.call_fn(&client, app::features::bindings::UnbindLicence {})
        .await
        .unwrap();
    let err = check(&app, &code, &number[14..]).await.unwrap_err();
    assert!(says(&err, "持证人已撤销"), "{app}: {err}");
    // A disabled holder's code (bound again, then the account disabled)
    // finds nothing either.
    app.call_fn(&client, BindLicence {}).await.unwrap();
    let code = make_code(&app, &client, "某某公司").await.unwrap();
    sqlx::query("UPDATE accounts SET disabled_at = 1 WHERE id_number = $1")
        .bind(&number)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let err = check(&app, &code, &number[14..]).await.unwrap_err();
    assert!(says(&err, "分享码或驾驶证号后4位不正确"), "{app}: {err}");
}

async fn a_code_expires_after_its_days(app: TestApp) {
    let client = holder(&app, HOLDER).await;
    let code = make_code(&app, &client, "某物流公司").await.unwrap();
    let number = licence_number(&app, HOLDER).await;
    app.clock.advance_secs(21 * 86_400 - 60);
    check(&app, &code, &number[14..]).await.unwrap();
    app.clock.advance_secs(61);
    let err = check(&app, &code, &number[14..]).await.unwrap_err();
    assert!(says(&err, "已过期"), "{app}: {err}");
    // (The session lapsed meanwhile: log in again.)
    let client = logged_in(&app, HOLDER).await;
    assert_eq!(
        page(&app, &client).await.codes[0].state,
        ShareState::Expired
    );
}

async fn wrong_checks_are_limited_and_codes_are_few(app: TestApp) {
    let client = holder(&app, HOLDER).await;
    let code = make_code(&app, &client, "某某公司").await.unwrap();
    let number = licence_number(&app, HOLDER).await;
    // Thirty wrong tries at once: the limit holds (they take turns).
    let tries = (0..30).map(|_| check(&app, "ZZZZ-ZZZZ", "1234"));
    let answers = futures_util::future::join_all(tries).await;
    let kinds: Vec<String> = answers
        .iter()
        .map(|a| kind(a.as_ref().unwrap_err()))
        .collect();
    let wrong = kinds.iter().filter(|k| *k == "NotFound").count() as i64;
    let waited = kinds.iter().filter(|k| *k == "RateLimited").count() as i64;
    assert_eq!(
        (wrong, waited),
        (FAILED_CHECKS_PER_HOUR, 30 - FAILED_CHECKS_PER_HOUR),
        "{app}: {kinds:?}"
    );
    let recorded = app
        .count("SELECT COUNT(*) FROM share_code_checks WHERE matched = 0")
        .await;
    assert_eq!(recorded, FAILED_CHECKS_PER_HOUR, "{app}");
    // Now even the right code waits, from this address.
    let err = check(&app, &code, &number[14..]).await.unwrap_err();
    assert_eq!(kind(&err), "RateLimited", "{app}: {err}");
    app.clock.advance_secs(3_601);
    check(&app, &code, &number[14..]).await.unwrap();
    let client = logged_in(&app, HOLDER).await;
    // Ten active codes at most.
    for n in 1..MAX_ACTIVE {
        make_code(&app, &client, &format!("第{n}家")).await.unwrap();
    }
    let err = make_code(&app, &client, "第十一家").await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert_eq!(page(&app, &client).await.codes.len(), MAX_ACTIVE);
}

both_backends!(
    a_code_lets_the_party_check_and_the_holder_see_it,
    unbinding_ends_the_codes,
    a_code_expires_after_its_days,
    wrong_checks_are_limited_and_codes_are_few,
);
