//! A roaming account and what is made here: the bindings a person makes on
//! the visited platform outlive their next roaming login (only those from
//! home are replaced), and registering here — at a window or online —
//! makes the roaming account this platform's own, with its records; a
//! roaming account disabled here stays disabled.

use super::{roam, Pair};
use crate::helpers::{logged_in, new_client, TestApp};
use app::domain::RegistrationChannel;
use app::features::accounts::api::{CompleteRegistration, SendRegistrationCode};
use app::features::accounts::{AccountRole, SessionAccount};
use app::features::bindings::api::{ConfirmOtherVehicle, RequestOtherVehicle};
use app::features::staff::api::RegisterIndividual;

/// The 冀 demo login `role` logs in at home and roams into 京: the browser
/// and its roaming session there.
async fn roamed_in(pair: &Pair, role: &str) -> (reqwest::Client, SessionAccount) {
    let browser = logged_in(&pair.hebei, role).await;
    assert_eq!(roam(pair, &browser).await, "/account", "{}", pair.beijing);
    let me = pair
        .beijing
        .me(&browser)
        .await
        .expect("a roaming session at 京");
    (browser, me)
}

/// A 京 vehicle in someone else's name: (plate, vin, owner's phone).
async fn someone_elses_car(app: &TestApp, id_number: &str) -> (String, String, String) {
    let row = sqlx::query(
        "SELECT v.plate, v.vin, p.phone FROM vehicles v JOIN persons p ON p.id_number = v.owner_id
         WHERE v.owner_kind = 'person' AND v.owner_id <> $1 AND v.plate IS NOT NULL
         ORDER BY v.id LIMIT 1",
    )
    .bind(id_number)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap_or_else(|e| panic!("{app}: no vehicle of someone else: {e}"));
    use sqlx::Row;
    (row.get(0), row.get(1), row.get(2))
}

/// (plate, own, from home) of each binding, in Rust's order (the two
/// databases may collate plates differently).
async fn bindings(app: &TestApp, account_id: i64) -> Vec<(String, i64, i64)> {
    let mut rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT v.plate, b.own, b.from_home FROM vehicle_bindings b JOIN vehicles v ON v.id = b.vehicle_id
         WHERE b.account_id = $1",
    )
    .bind(account_id)
    .fetch_all(&app.platform.store.pool)
    .await
    .unwrap();
    rows.sort();
    rows
}

async fn a_binding_made_here_outlives_the_next_roaming_login(pair: Pair) {
    let (he, bj) = (&pair.hebei, &pair.beijing);
    let role = "Window-registered individual (owner)";
    let (browser, me) = roamed_in(&pair, role).await;
    let id_number: String = bj
        .scalar(
            "SELECT id_number FROM accounts WHERE id = $1",
            me.account_id,
        )
        .await;
    // What the login bound from home (their licence 京 issued, here) is
    // marked so.
    let from_home = bindings(bj, me.account_id).await;
    assert!(
        from_home.iter().all(|(_, _, home)| *home == 1),
        "{bj}: {from_home:?}"
    );
    let licence_from_home =
        "SELECT COUNT(*) FROM licence_bindings WHERE account_id = $1 AND from_home = 1";
    assert_eq!(
        bj.scalar::<i64, _>(licence_from_home, me.account_id).await,
        1,
        "{bj}"
    );
    // At 京 they bind a 京 car not in their name, by its owner's code.
    let (plate, vin, owner_phone) = someone_elses_car(bj, &id_number).await;
    bj.call_fn(
        &browser,
        RequestOtherVehicle {
            plate: plate.clone(),
            vin_suffix: vin[vin.len() - 6..].to_string(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{bj}: asking the owner: {e}"));
    let code = bj.latest_code(&owner_phone).await;
    bj.call_fn(
        &browser,
        ConfirmOtherVehicle {
            plate: plate.clone(),
            code,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{bj}: binding by the owner's code: {e}"));
    let made_here = (plate.clone(), 0, 0);
    assert!(
        bindings(bj, me.account_id).await.contains(&made_here),
        "{bj}"
    );

    // The next roaming login replaces what came from home, and only that.
    let again = logged_in(he, role).await;
    assert_eq!(roam(&pair, &again).await, "/account", "{bj}");
    let after = bindings(bj, me.account_id).await;
    assert!(after.contains(&made_here), "{bj}: lost: {after:?}");
    let mut expected = from_home.clone();
    expected.push(made_here);
    expected.sort();
    assert_eq!(after, expected, "{bj}");
    assert_eq!(
        bj.scalar::<i64, _>(licence_from_home, me.account_id).await,
        1,
        "{bj}"
    );
}

async fn a_person_who_roamed_here_registers_at_a_window_and_keeps_their_records(pair: Pair) {
    let bj = &pair.beijing;
    let (browser, me) = roamed_in(&pair, "Online-registered individual").await;
    let bound_before = bindings(bj, me.account_id).await;
    assert!(!bound_before.is_empty(), "{bj}");
    let name: String = bj
        .scalar(
            "SELECT display_name FROM accounts WHERE id = $1",
            me.account_id,
        )
        .await;

    // A 京 clerk registers them at the window on their identity document.
    let clerk = crate::staff::clerk_client(bj, false).await;
    let password = "Jinghua-chuxing-2026";
    let registered = bj
        .call_fn(
            &clerk,
            RegisterIndividual {
                kind: "owner_or_driver".into(),
                id_number: pair.owner.0.clone(),
                name,
                phone: "13911223344".into(),
                password: password.into(),
                password_confirm: password.into(),
                form: String::new(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{bj}: registering a person who roamed here: {e}"));
    assert_eq!(
        registered.as_i64(),
        Some(me.account_id),
        "{bj}: the same account, made this platform's own"
    );
    assert!(
        bj.me(&browser).await.is_none(),
        "{bj}: the roaming session ended"
    );
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM roaming_accounts").await,
        0,
        "{bj}"
    );
    // They log in here with the password set at the window, as a window
    // registration of this platform, with what was bound kept as theirs.
    logs_in_here_as(
        bj,
        &pair.owner.0,
        password,
        me.account_id,
        RegistrationChannel::Window,
    )
    .await;
    let kept: Vec<_> = bound_before
        .iter()
        .map(|(plate, own, _)| (plate.clone(), *own, 0))
        .collect();
    assert_eq!(bindings(bj, me.account_id).await, kept, "{bj}");
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.registered' AND detail LIKE '%was roaming from 冀%'")
            .await,
        1,
        "{bj}"
    );
    // Roaming in from 冀 now points them to their own account here.
    let again = logged_in(&pair.hebei, "Online-registered individual").await;
    assert_eq!(
        roam(&pair, &again).await,
        "/login?roaming=local_account",
        "{bj}"
    );
}

/// They log in at 京 with `password`: the same account, this platform's
/// own (not roaming), registered through `channel`.
async fn logs_in_here_as(
    bj: &TestApp,
    id_number: &str,
    password: &str,
    account_id: i64,
    channel: RegistrationChannel,
) {
    let local = new_client();
    bj.login(&local, id_number, password)
        .await
        .unwrap_or_else(|e| panic!("{bj}: local login: {e}"));
    let me_here = bj.me(&local).await.expect("logged in at 京");
    assert_eq!(me_here.account_id, account_id, "{bj}");
    assert_eq!(me_here.roaming_from, None, "{bj}");
    assert!(
        matches!(
            &me_here.role,
            AccountRole::Individual { channel: c, .. } if *c == channel
        ),
        "{bj}: {:?}",
        me_here.role
    );
}

/// Online registration at 京 (SMS code to the phone 京's registry has),
/// from a browser of its own: the refusal of either step, else what
/// `CompleteRegistration` answered.
async fn register_online(bj: &TestApp, id_number: &str, password: &str) -> crate::helpers::Answer {
    let (name, phone): (String, String) =
        sqlx::query_as("SELECT name, phone FROM persons WHERE id_number = $1")
            .bind(id_number)
            .fetch_one(&bj.platform.store.pool)
            .await
            .unwrap();
    let browser = new_client();
    bj.call_fn(
        &browser,
        SendRegistrationCode {
            kind: "owner_or_driver".into(),
            id_number: id_number.into(),
            name: name.clone(),
            phone: phone.clone(),
        },
    )
    .await?;
    let code = bj.latest_code(&phone).await;
    bj.call_fn(
        &browser,
        CompleteRegistration {
            kind: "owner_or_driver".into(),
            id_number: id_number.into(),
            name,
            phone,
            code,
            password: password.into(),
            password_confirm: password.into(),
        },
    )
    .await
}

async fn a_person_who_roamed_here_registers_online_and_keeps_their_account(pair: Pair) {
    let bj = &pair.beijing;
    let (browser, me) = roamed_in(&pair, "Online-registered individual").await;
    let own_before: Vec<_> = bindings(bj, me.account_id)
        .await
        .into_iter()
        .filter(|(_, own, _)| *own == 1)
        .map(|(plate, own, _)| (plate, own, 0))
        .collect();
    assert!(!own_before.is_empty(), "{bj}");

    let password = "Jinghua-wangshang-2026";
    register_online(bj, &pair.owner.0, password)
        .await
        .unwrap_or_else(|e| panic!("{bj}: registering online after roaming: {e}"));
    assert!(
        bj.me(&browser).await.is_none(),
        "{bj}: the roaming session ended"
    );
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM roaming_accounts").await,
        0,
        "{bj}"
    );
    assert_eq!(
        bj.scalar::<i64, _>(
            "SELECT COUNT(*) FROM accounts WHERE id_number = $1",
            pair.owner.0.as_str()
        )
        .await,
        1,
        "{bj}: one account, not a second"
    );
    logs_in_here_as(
        bj,
        &pair.owner.0,
        password,
        me.account_id,
        RegistrationChannel::Online,
    )
    .await;
    // Their own vehicles stay, now this platform's bindings; an online
    // registration binds no one else's.
    assert_eq!(bindings(bj, me.account_id).await, own_before, "{bj}");
}

async fn a_roaming_account_disabled_here_cannot_be_registered_away(pair: Pair) {
    let bj = &pair.beijing;
    let (_browser, me) = roamed_in(&pair, "Online-registered individual").await;
    let hash_before: String = bj
        .scalar(
            "SELECT password_hash FROM accounts WHERE id = $1",
            me.account_id,
        )
        .await;
    // 京 disables the roaming account (as its supervisor would).
    sqlx::query("UPDATE accounts SET disabled_at = 1 WHERE id = $1")
        .bind(me.account_id)
        .execute(&bj.platform.store.pool)
        .await
        .unwrap();
    let codes_before = bj.count("SELECT COUNT(*) FROM sms_codes").await;
    let err = register_online(bj, &pair.owner.0, "Jinghua-wangshang-2026")
        .await
        .expect_err("a disabled account is not registered away");
    assert_eq!(crate::helpers::kind(&err), "Conflict", "{bj}: {err}");
    // Refused before any code is sent; nothing changed: still the
    // disabled roaming account, no second one.
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM sms_codes").await,
        codes_before,
        "{bj}: no registration code sent"
    );
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM roaming_accounts").await,
        1,
        "{bj}"
    );
    let after: (i64, String, Option<i64>) =
        sqlx::query_as("SELECT id, password_hash, disabled_at FROM accounts WHERE id_number = $1")
            .bind(pair.owner.0.as_str())
            .fetch_one(&bj.platform.store.pool)
            .await
            .unwrap();
    assert_eq!(after, (me.account_id, hash_before, Some(1)), "{bj}");
}

both_backends!(start = crate::roaming::spawn_pair;
    a_binding_made_here_outlives_the_next_roaming_login,
    a_person_who_roamed_here_registers_at_a_window_and_keeps_their_records,
    a_person_who_roamed_here_registers_online_and_keeps_their_account,
    a_roaming_account_disabled_here_cannot_be_registered_away,
);
