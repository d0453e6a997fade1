//! A driving school's learners on both databases (学员预录入, 学员用户窗口
//! 注册, 学员预约信息查询): the school enters a learner, the learner's SMS
//! code confirms it, the school registers the learner's account with
//! itself as the registration point and its operator recorded, the learner
//! books a test and is allocated, and the school sees the booking, the
//! rank and the result. What the clients were told is compared with the
//! database.

use crate::helpers::*;
use app::features::exams::api::{BookExam, MyExams, StaffAllocateSession};
use app::features::learners::{
    ConfirmLearner, EnterLearner, RegisterLearner, UnitLearners, WithdrawLearner,
};

const SCHOOL: &str = "Driving school (unit)";
const PASSWORD: &str = "Xuexi2026abc";

/// A person with a learner's permit (学习驾驶证明) and no account.
async fn new_learner(app: &TestApp) -> (String, String, String) {
    sqlx::query_as(
        "SELECT p.id_number, p.name, p.phone FROM persons p
         JOIN learner_records l ON l.id_number = p.id_number
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id_number = p.id_number)
         ORDER BY p.id_number LIMIT 1",
    )
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap_or_else(|e| panic!("{app}: a learner without an account: {e}"))
}

fn entry(id: &str, name: &str, phone: &str) -> EnterLearner {
    EnterLearner {
        id_number: id.into(),
        name: name.into(),
        phone: phone.into(),
        class: "C1".into(),
    }
}

/// The learner logs in with the password set at the school and books the
/// first open subject-1 session; answers (the account's id, the session).
pub(crate) async fn books_subject_one(
    app: &TestApp,
    id_number: &str,
    password: &str,
) -> (i64, i64) {
    let learner = new_client();
    app.login(&learner, id_number, password)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let me = app.me(&learner).await.expect("logged in");
    let overview = app.call_fn(&learner, MyExams { page: None }).await.unwrap();
    let session = overview["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0]["subject"] == "One" && s[1].is_null())
        .map(|s| s[0]["id"].as_i64().unwrap())
        .expect("an open subject-1 session");
    app.call_fn(
        &learner,
        BookExam {
            session_id: session,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: booking: {e}"));
    (me.account_id, session)
}

/// The administrator allocates the session's seats.
pub(crate) async fn allocates(app: &TestApp, session: i64) {
    let admin = new_client();
    let (c, p) = app.demo_login("Administrator");
    app.login(&admin, &c, &p).await.unwrap();
    app.call_fn(
        &admin,
        StaffAllocateSession {
            session_id: session,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: allocating: {e}"));
}

async fn state_of(app: &TestApp, id: i64) -> String {
    app.scalar("SELECT state FROM learner_entries WHERE id = $1", id)
        .await
}

async fn a_school_enters_and_registers_a_learner_who_books_and_the_school_sees_the_rank(
    app: TestApp,
) {
    let pool = &app.platform.store.pool;
    let (id_number, name, phone) = new_learner(&app).await;
    let school = logged_in(&app, SCHOOL).await;
    let school_id = account_id(&app, SCHOOL).await;

    // Every field wrong, each named; a first licence is not B2.
    let err = app
        .call_fn(
            &school,
            EnterLearner {
                id_number: "1".into(),
                name: "".into(),
                phone: "2".into(),
                class: "B2".into(),
            },
        )
        .await
        .unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(
        named,
        ["class", "id_number", "name", "phone"],
        "{app}: {err}"
    );
    let err = app
        .call_fn(&school, entry(&id_number, "张冒名", &phone))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["name"], "{app}: {err}");
    // A learner with an account already needs none.
    let (registered, _) = app.demo_login("Learner");
    let registered_name: String = app
        .scalar(
            "SELECT name FROM persons WHERE id_number = $1",
            registered.clone(),
        )
        .await;
    let err = app
        .call_fn(&school, entry(&registered, &registered_name, &phone))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM learner_entries").await,
        0,
        "{app}"
    );

    // Entered; the learner got a code naming the school.
    let id = app
        .call_fn(&school, entry(&id_number, &name, &phone))
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"))
        .as_i64()
        .unwrap();
    assert_eq!(state_of(&app, id).await, "awaiting_learner", "{app}");
    let school_name: String = app
        .scalar("SELECT display_name FROM accounts WHERE id = $1", school_id)
        .await;
    assert!(
        app.sms_texts(&phone)
            .await
            .last()
            .unwrap()
            .contains(&school_name),
        "{app}"
    );
    let err = app
        .call_fn(&school, entry(&id_number, &name, &phone))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("本校已预录入"), "{app}: {err}");
    // Not yet confirmed: no account.
    let register = RegisterLearner {
        id,
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    };
    let err = app.call_fn(&school, register.clone()).await.unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    let code = app.latest_code(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = app
        .call_fn(
            &school,
            ConfirmLearner {
                id,
                code: wrong.into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"], "{app}: {err}");
    app.call_fn(&school, ConfirmLearner { id, code })
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    assert_eq!(state_of(&app, id).await, "confirmed", "{app}");

    // Registered with the password the learner typed.
    let err = app
        .call_fn(
            &school,
            RegisterLearner {
                id,
                password: PASSWORD.into(),
                password_confirm: "Other2026abc".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["password_confirm"], "{app}: {err}");
    let account = app
        .call_fn(&school, register)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"))
        .as_i64()
        .unwrap();
    let (channel, kind_of, window, by): (String, String, i64, i64) = sqlx::query_as(
        "SELECT channel, individual_kind, window_id, registered_by FROM accounts WHERE id = $1",
    )
    .bind(account)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        (channel.as_str(), kind_of.as_str(), by),
        ("window", "learner", school_id),
        "{app}"
    );
    let point: (String, i64) =
        sqlx::query_as("SELECT name, school_account_id FROM registration_windows WHERE id = $1")
            .bind(window)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        point,
        (school_name.clone(), school_id),
        "{app}: the school is the registration point"
    );
    assert_eq!(state_of(&app, id).await, "registered", "{app}");
    // The point is no window the public list offers.
    let windows = app
        .call_fn(
            &new_client(),
            app::features::accounts::api::RegistrationWindows {},
        )
        .await
        .unwrap();
    assert!(
        !windows.to_string().contains(&school_name),
        "{app}: {windows}"
    );

    // The learner logs in, is a window-registered learner, and books.
    let (me, session) = books_subject_one(&app, &id_number, PASSWORD).await;
    assert_eq!(me, account, "{app}");
    let list = app
        .call_fn(&school, UnitLearners { page: None })
        .await
        .unwrap();
    let row = &list["items"][0];
    assert_eq!(row["bookings"][0]["status"], "pending", "{app}: {row}");
    assert_eq!(
        row["bookings"][0]["rank"], 1,
        "{app}: first in the queue: {row}"
    );
    allocates(&app, session).await;
    let (status, rank): (String, i64) =
        sqlx::query_as("SELECT status, rank FROM exam_bookings WHERE id_number = $1")
            .bind(&id_number)
            .fetch_one(pool)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO exam_results (id_number, subject, day, passed) VALUES ($1, '1', $2, 1)",
    )
    .bind(&id_number)
    .bind(app.platform.ports.clock.today().to_string())
    .execute(pool)
    .await
    .unwrap();
    let list = app
        .call_fn(&school, UnitLearners { page: None })
        .await
        .unwrap();
    let row = &list["items"][0];
    assert_eq!(
        row["bookings"][0]["status"],
        status.as_str(),
        "{app}: {row}"
    );
    assert_eq!(
        row["bookings"][0]["rank"], rank,
        "{app}: the rank the database holds"
    );
    assert_eq!(row["results"][0]["passed"], true, "{app}: {row}");
    assert!(
        !list.to_string().contains(&id_number),
        "{app}: ID numbers masked"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'learner.%'")
            .await,
        3,
        "{app}: entered, confirmed, registered"
    );
}

async fn only_a_school_granted_the_services_may_use_them_and_an_entry_can_be_withdrawn(
    app: TestApp,
) {
    let (id_number, name, phone) = new_learner(&app).await;
    for role in ["Car dealer", "Hospital (unit)", "Road transport company"] {
        let unit = logged_in(&app, role).await;
        let err = app
            .call_fn(&unit, entry(&id_number, &name, &phone))
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
        let err = app
            .call_fn(&unit, UnitLearners { page: None })
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
    }
    let school = logged_in(&app, SCHOOL).await;
    let id = app
        .call_fn(&school, entry(&id_number, &name, &phone))
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    app.call_fn(&school, WithdrawLearner { id }).await.unwrap();
    assert_eq!(state_of(&app, id).await, "withdrawn", "{app}");
    let code = app.latest_code(&phone).await;
    let err = app
        .call_fn(&school, ConfirmLearner { id, code })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    // The registration grant withdrawn at the window: registration refused.
    sqlx::query("DELETE FROM unit_special_services WHERE account_id = $1 AND service = 'learner_window_registration'")
        .bind(account_id(&app, SCHOOL).await)
        .execute(&app.platform.store.pool)
        .await
        .unwrap();
    let school = logged_in(&app, SCHOOL).await;
    let err = app
        .call_fn(
            &school,
            RegisterLearner {
                id,
                password: PASSWORD.into(),
                password_confirm: PASSWORD.into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
}

both_backends!(
    a_school_enters_and_registers_a_learner_who_books_and_the_school_sees_the_rank,
    only_a_school_granted_the_services_may_use_them_and_an_entry_can_be_withdrawn
);
