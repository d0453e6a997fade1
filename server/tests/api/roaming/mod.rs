//! Roaming between two platforms (漫游, SPEC §6): 冀 and 京, each with its
//! own database, configuration file, session cookie and signing keys, each
//! on the other's trust list, talking over real HTTP. A person of 冀 logs
//! in at 京 with their 冀 account (from 京's login page, and from a link on
//! 冀), handles and pays a violation recorded in 京, and sees their licence
//! issued there; logging out or being disabled at home ends the session in
//! 京. The exchange's refusals are in `refusals.rs`; a credential's issuer
//! asked whether it still holds, in `credential_status.rs` and
//! `issuer_unreachable.rs`.

mod credential_status;
mod exchange;
mod issuer_unreachable;
mod local;
mod notices;
pub(crate) mod pair;
mod refusals;

pub use pair::*;

use crate::helpers::{logged_in, new_client, TestApp};
use app::domain::roaming::random_token;
use app::domain::RegistrationChannel;
use app::features::accounts::AccountRole;
use app::features::applications::api::SubmitApplication;
use app::features::fines::api::{FineReceipt, MyViolations};
use app::features::fines::{Receipt, ViolationsOverview};

/// The whole journey in one browser already logged in at 冀: 京's start,
/// 冀's consent page and agreement, 京's return. Answers where 京 sends
/// the browser at the end.
async fn roam(pair: &Pair, browser: &reqwest::Client) -> String {
    roam_naming(pair, browser, None).await
}

/// [`roam`], the consent page naming this bound car.
async fn roam_naming(pair: &Pair, browser: &reqwest::Client, plate: Option<&str>) -> String {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let authorize = start_at(bj, browser, "冀").await;
    assert!(
        authorize.starts_with(&format!("{}/roam/authorize?", he.base)),
        "{he}: {authorize}"
    );
    assert_eq!(param(&authorize, "aud"), "京");
    // The consent page, logged in at 冀: says who asks and what is sent.
    let page = get(browser, &authorize).await;
    assert_eq!(page.status(), 200, "{he}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("北京市互联网交通安全综合服务管理平台"),
        "{he}"
    );
    if let Some(plate) = plate {
        assert!(html.contains(plate), "{he}: the bound car is named");
    }
    // Agreed, as the page's plain form posts it.
    let res = grant(
        he,
        browser,
        &param(&authorize, "state"),
        &param(&authorize, "nonce"),
    )
    .await;
    assert!(res.status().is_redirection(), "{he}: {}", res.status());
    let back = location(&res);
    assert!(
        back.starts_with(&format!("{}/roam/callback?", bj.base)),
        "{he}: {back}"
    );
    let res = get(browser, &back).await;
    assert_eq!(res.status(), 303, "{bj}");
    location(&res)
}

async fn overview(app: &TestApp, client: &reqwest::Client) -> ViolationsOverview {
    let v = app
        .call_fn(client, MyViolations { page: None })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    serde_json::from_value(v).unwrap()
}

async fn a_person_of_hebei_roams_into_beijing_and_pays_a_fine_there(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let browser = logged_in(he, "Online-registered individual").await;
    let home_me = he.me(&browser).await.expect("logged in at 冀");
    assert_eq!(bj.me(&browser).await, None, "{bj}: not yet at 京");

    let plate = Some(pair.home_plate.as_str());
    assert_eq!(
        roam_naming(&pair, &browser, plate).await,
        "/account",
        "{bj}"
    );
    let me = bj.me(&browser).await.expect("a roaming session at 京");
    assert_eq!(me.roaming_from.as_deref(), Some("冀"), "{bj}");
    assert_eq!(me.display_name, home_me.display_name, "{bj}");
    // Still logged in at home: each platform has its own cookie.
    assert_eq!(
        he.me(&browser).await.map(|m| m.account_id),
        Some(home_me.account_id)
    );
    // No second registration: one account here, with no password.
    let account_id: i64 = bj
        .scalar(
            "SELECT id FROM accounts WHERE id_number = $1",
            &pair.owner.0,
        )
        .await;
    assert_eq!(me.account_id, account_id);
    let login = bj.login(&new_client(), &pair.owner.0, &pair.owner.1).await;
    assert!(login.is_err(), "{bj}: the home password opens nothing here");

    // The car registered here and the home car caught here are bound.
    let bound: Vec<String> = sqlx::query_scalar(
        "SELECT v.plate FROM vehicle_bindings b JOIN vehicles v ON v.id = b.vehicle_id
         WHERE b.account_id = $1 ORDER BY v.plate",
    )
    .bind(account_id)
    .fetch_all(&bj.platform.store.pool)
    .await
    .unwrap();
    let mut expected = vec![pair.home_plate.clone(), pair.plate_here.clone()];
    expected.sort();
    assert_eq!(bound, expected, "{bj}");

    // The violations recorded in 京: handled and paid here.
    let list = overview(bj, &browser).await;
    let home_car: Vec<_> = list
        .items
        .items
        .iter()
        .filter(|v| v.plate == pair.home_plate)
        .collect();
    assert_eq!(home_car.len(), 2, "{bj}: {:?}", list.items.items);
    assert!(home_car.iter().all(|v| v.recorded_province == "京"));
    let fine = home_car
        .iter()
        .find(|v| v.fine_yuan > 0 && v.points == 0)
        .expect("a fine without points");
    bj.handle_violation(&browser, fine.id, true)
        .await
        .unwrap_or_else(|e| panic!("{bj}: handling: {e}"));
    bj.pay_through_bank(&browser, fine.id).await;
    let status: String = bj
        .scalar("SELECT status FROM violations WHERE id = $1", fine.id)
        .await;
    assert_eq!(status, "paid", "{bj}");
    let payer: i64 = bj
        .scalar(
            "SELECT account_id FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
            fine.id,
        )
        .await;
    assert_eq!(payer, account_id, "{bj}: paid by the roaming account");
    receipt_checks_on_both_platforms(&pair, &browser, fine.id).await;
    // 冀 knows nothing of it, and its own records are untouched.
    assert_eq!(
        he.count(&format!(
            "SELECT COUNT(*) FROM violations WHERE plate = '{}' AND recorded_province = '京' AND status = 'paid'",
            pair.home_plate
        ))
        .await,
        0,
        "{he}"
    );
    // Audited on both sides.
    assert_eq!(
        he.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.grant'")
            .await,
        1
    );
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.login'")
            .await,
        1
    );

    // A second visit opens the same account, brought up to date.
    let again = logged_in(he, "Online-registered individual").await;
    assert_eq!(roam(&pair, &again).await, "/account");
    assert_eq!(
        bj.me(&again).await.map(|m| m.account_id),
        Some(account_id),
        "{bj}"
    );
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM roaming_accounts").await,
        1,
        "{bj}"
    );
}

/// The receipt of a fine paid at 京 carries a credential 京 signed: 京
/// finds it genuine on its records, 冀 through its trust list and by
/// asking 京; changed, it is refused on both.
async fn receipt_checks_on_both_platforms(pair: &Pair, browser: &reqwest::Client, fine: i64) {
    use crate::credentials::{genuine, refusal, with_claims};
    use app::domain::credential::{Facts, Refusal};
    use app::features::credentials::RevocationCheck;
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let receipt_no: String = bj
        .scalar(
            "SELECT receipt_no FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
            fine,
        )
        .await;
    let receipt: Receipt = serde_json::from_value(
        bj.call_fn(
            browser,
            FineReceipt {
                receipt_no: receipt_no.clone(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{bj}: the receipt: {e}")),
    )
    .unwrap();
    assert!(receipt.qr_svg.is_some(), "{bj}");
    let url = receipt.verify_url.clone().expect("the receipt's QR code");
    assert!(
        url.starts_with(&format!("{}/verify?c=", bj.base)),
        "{bj}: {url}"
    );
    for (app, checked) in [
        (bj, RevocationCheck::OurRecords),
        (he, RevocationCheck::IssuerAnswered),
    ] {
        let v = genuine(app, &url).await;
        assert_eq!(v.revocation, checked, "{app}");
        let Facts::FineReceipt(facts) = &v.claims.facts else {
            panic!("{app}: not a receipt: {v:?}")
        };
        assert_eq!(
            (
                facts.receipt_no.as_str(),
                facts.amount_fen,
                facts.plate.as_str()
            ),
            (
                receipt_no.as_str(),
                receipt.amount_fen,
                receipt.plate.as_str()
            ),
            "{app}"
        );
        assert_eq!(v.claims.iss, "京", "{app}");
        let token = url.split_once("?c=").unwrap().1;
        let halved = with_claims(token, |c| c["amount_fen"] = (receipt.amount_fen / 2).into());
        assert_eq!(refusal(app, &halved).await, Refusal::BadSignature, "{app}");
    }
    // Shown again: the same credential, signed once.
    let again: Receipt = serde_json::from_value(
        bj.call_fn(browser, FineReceipt { receipt_no })
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(again.verify_url, Some(url), "{bj}");
}

async fn a_window_registered_person_of_hebei_applies_for_a_licence_issued_in_beijing(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let browser = logged_in(he, "Window-registered individual (owner)").await;
    assert_eq!(roam(&pair, &browser).await, "/account", "{bj}");
    let me = bj.me(&browser).await.expect("a roaming session at 京");
    // What they may do follows their home registration: at a window.
    assert!(
        matches!(
            me.role,
            AccountRole::Individual {
                channel: RegistrationChannel::Window,
                ..
            }
        ),
        "{bj}: {:?}",
        me.role
    );
    // The licence 京 issued is theirs here.
    let bound: i64 = bj
        .scalar(
            "SELECT COUNT(*) FROM licence_bindings WHERE account_id = $1",
            me.account_id,
        )
        .await;
    assert_eq!(bound, 1, "{bj}");
    // A licence service only window registrations may use (D1, 遗失补领).
    let no = bj
        .call_fn(
            &browser,
            SubmitApplication {
                service: "D1".into(),
                subject: "licence".into(),
                fulfilment: Some("post".into()),
                recipient: Some("孙京华".into()),
                recipient_phone: Some("13811112222".into()),
                address: Some("北京市朝阳区建国路88号2单元301室".into()),
                reason: None,
                new_date: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{bj}: applying: {e}"));
    let applicant: i64 = bj
        .scalar(
            "SELECT account_id FROM applications WHERE application_no = $1",
            no.as_str().unwrap(),
        )
        .await;
    assert_eq!(applicant, me.account_id, "{bj}");
    assert_eq!(
        he.count("SELECT COUNT(*) FROM applications WHERE service = 'D1'")
            .await,
        0,
        "{he}: nothing reaches the home platform"
    );
    // A contact change is confirmed with a password here, and a roaming
    // account has none: refused, with the way to do it.
    let err = bj
        .call_fn(
            &browser,
            app::features::accounts::api::RequestContactChange {
                target: "account".into(),
                phone: "13911112222".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("没有本平台的登录密码"),
        "{bj}: {err}"
    );
}

/// The browser's session at `app` ends within ten seconds (a notice from
/// home arrives).
async fn assert_session_ends(app: &TestApp, browser: &reqwest::Client, after: &str) {
    let ended = crate::helpers::eventually(10, || async {
        app.me(browser).await.is_none().then_some(())
    })
    .await;
    assert!(
        ended.is_some(),
        "{app}: the roaming session outlived {after}"
    );
}

async fn logging_out_or_being_disabled_at_home_ends_the_session_there(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let browser = logged_in(he, "Online-registered individual").await;
    roam(&pair, &browser).await;
    assert!(bj.me(&browser).await.is_some());
    // Logging out at 冀 tells 京.
    he.call_fn(&browser, app::features::accounts::api::Logout {})
        .await
        .unwrap();
    assert_session_ends(bj, &browser, "the home logout").await;
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.notice' AND detail LIKE '%event=logged_out sessions_ended=1%'")
            .await,
        1,
        "{bj}"
    );
    assert_eq!(
        he.count("SELECT COUNT(*) FROM roaming_notices WHERE sent_at IS NOT NULL")
            .await,
        1,
        "{he}"
    );

    // In again, then a supervisor disables the account at 冀.
    let browser = logged_in(he, "Online-registered individual").await;
    roam(&pair, &browser).await;
    assert!(bj.me(&browser).await.is_some());
    let account_id = crate::helpers::account_id(he, "Online-registered individual").await;
    let ports = he.platform.ports.clone();
    let actor = app::ports::Actor {
        account_id: None,
        ip: "127.0.0.1".into(),
        operator_id: None,
        api_key: None,
    };
    app::features::supervision::service::set_disabled(
        &ports,
        account_id,
        true,
        "冒用他人身份注册，经核实停用",
        &actor,
    )
    .await
    .unwrap();
    assert_session_ends(bj, &browser, "the disabling").await;
    // And the disabled person cannot come back: the session 冀 had is
    // over, and 冀 grants nothing to it.
    let authorize = start_at(bj, &browser, "冀").await;
    let res = get(&browser, &authorize).await;
    assert_eq!(res.status(), 303, "{he}: to the login page");
    assert!(location(&res).starts_with("/login"), "{he}");
    let res = grant(
        he,
        &browser,
        &random_token(rand::random()),
        &random_token(rand::random()),
    )
    .await;
    assert!(
        !location(&res).contains("/roam/callback"),
        "{he}: a code for a disabled account: {}",
        location(&res)
    );
    assert_eq!(
        he.count("SELECT COUNT(*) FROM roaming_codes").await,
        2,
        "{he}: no code after the disabling"
    );
    let login = he.login(&new_client(), &pair.owner.0, &pair.owner.1).await;
    assert!(login.is_err(), "{he}: the disabled account logs in");
}

both_backends!(start = crate::roaming::spawn_pair;
    a_person_of_hebei_roams_into_beijing_and_pays_a_fine_there,
    a_window_registered_person_of_hebei_applies_for_a_licence_issued_in_beijing,
    logging_out_or_being_disabled_at_home_ends_the_session_there,
);
