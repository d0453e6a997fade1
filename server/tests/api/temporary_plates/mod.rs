//! Dealers' temporary plates on both databases (临时号牌核发): the dealer
//! enters a new vehicle it sold and its buyer, the buyer's SMS code issues
//! the plate, anyone checks it by its QR code's seal or by the VIN's tail,
//! the dealer revokes it, the buyer sees it; at most three per vehicle,
//! one at a time, fifteen days at most; a unit not granted the service is
//! refused whatever a page offered. What the clients were told is compared
//! with the database.

use crate::helpers::*;
use app::features::temporary_plates::{
    CheckTemporaryPlate, EnterTemporaryPlate, IssueTemporaryPlate, MyTemporaryPlates,
    RevokeTemporaryPlate, UnitTemporaryPlates, WithdrawTemporaryPlate,
};

mod grants;

pub(crate) const DEALER: &str = "Car dealer (unit)";
pub(crate) const BUYER: &str = "New-car owner #2";

/// The buyer's ID number, name, phone on record and new car's VIN.
pub(crate) async fn buyer(app: &TestApp) -> (String, String, String, String) {
    let (id, _) = app.demo_login(BUYER);
    let (name, phone, vin): (String, String, String) = sqlx::query_as(
        "SELECT p.name, p.phone, v.vin FROM persons p
         JOIN vehicles v ON v.owner_kind = 'person' AND v.owner_id = p.id_number AND v.plate IS NULL
         WHERE p.id_number = $1",
    )
    .bind(&id)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap_or_else(|e| panic!("{app}: the buyer's new car: {e}"));
    (id, name, phone, vin)
}

/// The dealer's form for the buyer's car, from today for `days` days.
pub(crate) fn entry(
    app: &TestApp,
    b: &(String, String, String, String),
    days: &str,
) -> EnterTemporaryPlate {
    EnterTemporaryPlate {
        vin: b.3.to_lowercase(),
        buyer_id_number: b.0.clone(),
        buyer_name: b.1.clone(),
        buyer_phone: b.2.clone(),
        prefix: app.platform.ports.profile.seat().plate_prefix.clone(),
        valid_from: app.platform.ports.clock.today().to_string(),
        days: days.into(),
    }
}

/// Enters and issues a plate with the code the buyer received; answers
/// (id, number).
pub(crate) async fn issued(
    app: &TestApp,
    dealer: &reqwest::Client,
    form: EnterTemporaryPlate,
) -> (i64, String) {
    let phone = form.buyer_phone.clone();
    // One code a minute to a phone.
    app.clock.advance_secs(61);
    let id = app
        .call_fn(dealer, form)
        .await
        .unwrap_or_else(|e| panic!("{app}: entering: {e}"))
        .as_i64()
        .expect("the plate's id");
    let code = app.latest_code(&phone).await;
    let number = app
        .call_fn(dealer, IssueTemporaryPlate { id, code })
        .await
        .unwrap_or_else(|e| panic!("{app}: issuing: {e}"));
    (id, number.as_str().unwrap().to_string())
}

async fn state_of(app: &TestApp, id: i64) -> String {
    app.scalar("SELECT state FROM temporary_plates WHERE id = $1", id)
        .await
}

fn check_by_tail(number: &str, tail: &str) -> CheckTemporaryPlate {
    CheckTemporaryPlate {
        number: number.into(),
        vin_tail: Some(tail.into()),
        seal: None,
    }
}

async fn a_dealer_issues_a_plate_the_buyer_confirms_and_anyone_checks_it(app: TestApp) {
    let b = buyer(&app).await;
    let (id_number, name, phone, vin) = b.clone();
    let tail = vin[11..].to_string();
    let dealer = logged_in(&app, DEALER).await;

    // Every field wrong: each named at once, nothing kept.
    let err = app
        .call_fn(
            &dealer,
            EnterTemporaryPlate {
                vin: "LSV".into(),
                buyer_id_number: "123".into(),
                buyer_name: "".into(),
                buyer_phone: "12".into(),
                prefix: "京Z".into(),
                valid_from: "2026-13-01".into(),
                days: "x".into(),
            },
        )
        .await
        .unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(
        named,
        [
            "buyer_id_number",
            "buyer_name",
            "buyer_phone",
            "prefix",
            "valid_from",
            "vin"
        ],
        "{app}: {err}"
    );
    // Sixteen days; a registered vehicle; another buyer; a wrong name.
    let err = app
        .call_fn(&dealer, entry(&app, &b, "16"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["days"], "{app}: {err}");
    let registered: String = app
        .scalar(
            "SELECT vin FROM vehicles WHERE plate IS NOT NULL AND owner_id <> $1 LIMIT 1",
            id_number.clone(),
        )
        .await;
    let mut form = entry(&app, &b, "15");
    form.vin = registered;
    let err = app.call_fn(&dealer, form).await.unwrap_err();
    assert_eq!(fields(&err), ["vin"], "{app}: {err}");
    assert!(err.to_string().contains("已注册登记"), "{app}: {err}");
    assert!(
        !err.to_string().contains("冀"),
        "{app}: the plate is not told: {err}"
    );
    let (other, _) = app.demo_login("Window-registered individual (owner)");
    let mut form = entry(&app, &b, "15");
    form.buyer_id_number = other;
    let err = app.call_fn(&dealer, form).await.unwrap_err();
    assert_eq!(fields(&err), ["buyer_id_number"], "{app}: {err}");
    let mut form = entry(&app, &b, "15");
    form.buyer_name = "张冒名".into();
    let err = app.call_fn(&dealer, form).await.unwrap_err();
    assert_eq!(
        fields(&err),
        ["buyer_id_number"],
        "{app}: the same answer: {err}"
    );
    // A phone that is not the buyer's on record gets no code.
    let mut form = entry(&app, &b, "15");
    form.buyer_phone = if phone == "13900000000" {
        "13900000001".into()
    } else {
        "13900000000".into()
    };
    let err = app.call_fn(&dealer, form).await.unwrap_err();
    assert_eq!(fields(&err), ["buyer_phone"], "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM temporary_plates").await,
        0,
        "{app}: nothing kept"
    );

    // Entered: waiting for the buyer, who got a code naming the dealer and the car.
    let id = app
        .call_fn(&dealer, entry(&app, &b, "15"))
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"))
        .as_i64()
        .unwrap();
    assert_eq!(state_of(&app, id).await, "awaiting_buyer", "{app}");
    let sms = app.sms_texts(&phone).await;
    let asked = sms.last().expect("the buyer's code");
    assert!(
        asked.contains("石家庄市鑫达汽车销售服务有限公司") && asked.contains(&tail),
        "{app}: {asked}"
    );
    // A second entry for the same car waits for the first.
    let err = app
        .call_fn(&dealer, entry(&app, &b, "15"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("等待购车人确认"), "{app}: {err}");
    // A wrong code issues nothing; the right one issues the plate.
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = app
        .call_fn(
            &dealer,
            IssueTemporaryPlate {
                id,
                code: wrong.into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"], "{app}: {err}");
    assert_eq!(state_of(&app, id).await, "awaiting_buyer", "{app}");
    let number = app
        .call_fn(&dealer, IssueTemporaryPlate { id, code })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let number = number.as_str().unwrap().to_string();
    let (stored, state, until): (String, String, String) =
        sqlx::query_as("SELECT number, state, valid_until FROM temporary_plates WHERE id = $1")
            .bind(id)
            .fetch_one(&app.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(
        (stored.as_str(), state.as_str()),
        (number.as_str(), "issued"),
        "{app}"
    );
    let today = app.platform.ports.clock.today();
    assert_eq!(
        until,
        today.add_days(14).to_string(),
        "{app}: fifteen days, today included"
    );
    let told = app.sms_texts(&phone).await;
    assert!(
        told.last()
            .unwrap()
            .contains(&app::domain::temporary_plate::dotted(&number)),
        "{app}: {told:?}"
    );

    // The dealer's table; the QR code's address.
    let list = app
        .call_fn(
            &dealer,
            UnitTemporaryPlates {
                query: Some(vin.clone()),
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(list["total"], 1, "{app}: {list}");
    let row = &list["items"][0];
    assert_eq!(
        (row["number"].as_str(), row["standing"].as_str()),
        (Some(number.as_str()), Some("Valid")),
        "{app}: {row}"
    );
    let path = row["check_path"]
        .as_str()
        .expect("issued: a check address")
        .to_string();
    let seal = path.rsplit("seal=").next().unwrap().to_string();

    // Anyone checks it: by the seal, by the VIN's tail; a changed seal or
    // a wrong tail is refused.
    let anyone = new_client();
    let by_seal = CheckTemporaryPlate {
        number: number.clone(),
        vin_tail: None,
        seal: Some(seal.clone()),
    };
    let seen = app
        .call_fn(&anyone, by_seal)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(
        (seen["standing"].as_str(), seen["sealed"].as_bool()),
        (Some("Valid"), Some(true)),
        "{app}: {seen}"
    );
    assert!(
        !seen.to_string().contains(&id_number) && !seen.to_string().contains(&name),
        "{app}: no identity: {seen}"
    );
    let mut forged = seal.clone();
    forged.replace_range(0..1, if seal.starts_with('0') { "1" } else { "0" });
    let err = app
        .call_fn(
            &anyone,
            CheckTemporaryPlate {
                number: number.clone(),
                vin_tail: None,
                seal: Some(forged),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("二维码无效"), "{app}: {err}");
    let typed = app::domain::temporary_plate::dotted(&number).to_lowercase();
    let seen = app
        .call_fn(&anyone, check_by_tail(&typed, &tail.to_lowercase()))
        .await
        .unwrap();
    assert_eq!(
        (seen["standing"].as_str(), seen["sealed"].as_bool()),
        (Some("Valid"), Some(false)),
        "{app}: {seen}"
    );
    let err = app
        .call_fn(&anyone, check_by_tail(&number, "000000"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");

    // The buyer sees it in their account.
    let own = logged_in(&app, BUYER).await;
    let mine = app.call_fn(&own, MyTemporaryPlates {}).await.unwrap();
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{app}: {mine}");
    assert_eq!(mine[0]["number"].as_str(), Some(number.as_str()), "{app}");

    // Revoked with a reason: the check says so and the buyer is told.
    let err = app
        .call_fn(
            &dealer,
            RevokeTemporaryPlate {
                id,
                reason: " ".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["reason"], "{app}: {err}");
    app.call_fn(
        &dealer,
        RevokeTemporaryPlate {
            id,
            reason: "退车".into(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(state_of(&app, id).await, "revoked", "{app}");
    let seen = app
        .call_fn(&anyone, check_by_tail(&number, &tail))
        .await
        .unwrap();
    assert_eq!(seen["standing"].as_str(), Some("Revoked"), "{app}: {seen}");
    assert!(
        app.sms_texts(&phone).await.last().unwrap().contains("退车"),
        "{app}"
    );
    let err = app
        .call_fn(
            &dealer,
            RevokeTemporaryPlate {
                id,
                reason: "再次".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");

    // Two more; the last runs out; a fourth is refused.
    let (second, _) = issued(&app, &dealer, entry(&app, &b, "3")).await;
    let err = app
        .call_fn(&dealer, entry(&app, &b, "3"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("未到期"),
        "{app}: one at a time: {err}"
    );
    app.call_fn(
        &dealer,
        RevokeTemporaryPlate {
            id: second,
            reason: "信息录入错误".into(),
        },
    )
    .await
    .unwrap();
    let (third, third_no) = issued(&app, &dealer, entry(&app, &b, "2")).await;
    sqlx::query("UPDATE temporary_plates SET valid_from = $1, valid_until = $1 WHERE id = $2")
        .bind(today.add_days(-1).to_string())
        .bind(third)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let seen = app
        .call_fn(&anyone, check_by_tail(&third_no, &tail))
        .await
        .unwrap();
    assert_eq!(seen["standing"].as_str(), Some("Expired"), "{app}: {seen}");
    let err = app
        .call_fn(
            &dealer,
            RevokeTemporaryPlate {
                id: third,
                reason: "退车".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已过有效期"), "{app}: {err}");
    let err = app
        .call_fn(&dealer, entry(&app, &b, "15"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("最多核发3次"), "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM temporary_plates WHERE state IN ('issued', 'revoked')")
            .await,
        3,
        "{app}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'temporary_plate.%'")
            .await,
        3 + 3 + 2,
        "{app}: entered, issued and revoked, each audited"
    );
}

async fn a_plate_waiting_for_its_buyer_can_be_withdrawn(app: TestApp) {
    let b = buyer(&app).await;
    let dealer = logged_in(&app, DEALER).await;
    let id = app
        .call_fn(&dealer, entry(&app, &b, "5"))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let code = app.latest_code(&b.2).await;
    app.call_fn(&dealer, WithdrawTemporaryPlate { id })
        .await
        .unwrap();
    assert_eq!(state_of(&app, id).await, "withdrawn", "{app}");
    // The code the buyer got issues nothing now.
    let err = app
        .call_fn(&dealer, IssueTemporaryPlate { id, code })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert_eq!(state_of(&app, id).await, "withdrawn", "{app}");
    // Withdrawn plates were never issued: the car may have one now.
    issued(&app, &dealer, entry(&app, &b, "5")).await;
    // A withdrawn plate is nowhere to be checked.
    let number: String = app
        .scalar("SELECT number FROM temporary_plates WHERE id = $1", id)
        .await;
    let err = app
        .call_fn(&new_client(), check_by_tail(&number, &b.3[11..]))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
}

both_backends!(
    a_dealer_issues_a_plate_the_buyer_confirms_and_anyone_checks_it,
    a_plate_waiting_for_its_buyer_can_be_withdrawn
);
