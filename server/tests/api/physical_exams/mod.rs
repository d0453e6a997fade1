//! Hospitals' entrusted services on both databases (驾驶人体检 D8, 提交身体
//! 条件证明 D9): the hospital records an examination, the driver sees it
//! and renews the licence online with it; the hospital, or a
//! window-registered holder with the certificate's number, submits the
//! yearly certificate once; a unit not granted the service is refused
//! whatever a page offered. What the clients were told is compared with
//! the database.

use crate::helpers::*;
use app::features::applications::api::SubmitApplication;
use app::features::bindings::api::BindLicence;
use app::features::physical_exams::{
    DriverPhysical, LicencePhysical, LicenceSubmitCertificate, RecordExam, UnitExams,
    UnitSubmitCertificate,
};

pub(crate) const HOSPITAL: &str = "Hospital (unit)";
pub(crate) const WINDOW: &str = "Window-registered individual (owner)";
pub(crate) const ONLINE: &str = "Online-registered individual (owner)";

/// The hospital's form for this person, every item sound, "fit".
pub(crate) fn sound_exam(app: &TestApp, id_number: &str, name: &str, class: &str) -> RecordExam {
    RecordExam {
        id_number: id_number.into(),
        name: name.into(),
        class: class.into(),
        examined_on: app.platform.ports.clock.today().to_string(),
        height_cm: "172".into(),
        vision_left: "5.0".into(),
        vision_right: "5.1".into(),
        vision_corrected: None,
        colour_vision: "normal".into(),
        hearing: "normal".into(),
        upper_limbs: "normal".into(),
        lower_limbs: "normal".into(),
        trunk_neck: "normal".into(),
        conclusion: "fit".into(),
    }
}

/// The demo hospital examines the holder of this ID number for the class
/// of their licence; answers the certificate number.
pub(crate) async fn examined(app: &TestApp, id_number: &str) -> String {
    let hospital = logged_in(app, HOSPITAL).await;
    let (name, class): (String, String) = sqlx::query_as(
        "SELECT p.name, l.class FROM persons p JOIN driving_licences l ON l.id_number = p.id_number
         WHERE p.id_number = $1",
    )
    .bind(id_number)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    let answer = app
        .call_fn(&hospital, sound_exam(app, id_number, &name, &class))
        .await
        .unwrap_or_else(|e| panic!("{app}: recording: {e}"));
    answer.as_str().expect("the certificate number").to_string()
}

pub(crate) async fn person(app: &TestApp, role: &str) -> (String, String, String) {
    let (id, _) = app.demo_login(role);
    let (name, class): (String, String) = sqlx::query_as(
        "SELECT p.name, l.class FROM persons p JOIN driving_licences l ON l.id_number = p.id_number
         WHERE p.id_number = $1",
    )
    .bind(&id)
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    (id, name, class)
}

/// Records two more examinations of this person and answers the number of
/// the older one (never submitted), the newer one left newest.
pub(crate) async fn older_of_two_more(app: &TestApp, id_number: &str) -> String {
    let older = examined(app, id_number).await;
    examined(app, id_number).await;
    older
}

pub(crate) async fn physical(app: &TestApp, client: &reqwest::Client) -> DriverPhysical {
    let answer = app.call_fn(client, LicencePhysical {}).await.unwrap();
    serde_json::from_value::<Option<DriverPhysical>>(answer)
        .unwrap()
        .expect("a person's view")
}

fn renewal() -> SubmitApplication {
    SubmitApplication {
        service: "D10".into(),
        subject: "licence".into(),
        reason: None,
        new_date: None,
        fulfilment: Some("self_pickup".into()),
        recipient: None,
        recipient_phone: None,
        address: None,
    }
}

async fn a_hospital_records_an_examination_and_the_driver_renews_online_with_it(app: TestApp) {
    let pool = &app.platform.store.pool;
    let today = app.platform.ports.clock.today();
    let (id, name, class) = person(&app, WINDOW).await;
    sqlx::query("UPDATE driving_licences SET valid_until = $1, status = 'A' WHERE id_number = $2")
        .bind(today.add_days(30).to_string())
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    let driver = logged_in(&app, WINDOW).await;
    app.call_fn(&driver, BindLicence {}).await.unwrap();

    // No examination yet: the renewal says what is missing.
    let err = app.call_fn(&driver, renewal()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("体检"), "{app}: {err}");

    let hospital = logged_in(&app, HOSPITAL).await;
    // Every field wrong: each named at once.
    let err = app
        .call_fn(
            &hospital,
            RecordExam {
                id_number: "11010119900307777".into(),
                name: "".into(),
                class: "Z9".into(),
                examined_on: "2026-13-01".into(),
                height_cm: "17".into(),
                vision_left: "6.0".into(),
                vision_right: "".into(),
                vision_corrected: None,
                colour_vision: "green".into(),
                hearing: "".into(),
                upper_limbs: "x".into(),
                lower_limbs: "".into(),
                trunk_neck: "".into(),
                conclusion: "maybe".into(),
            },
        )
        .await
        .unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(
        named,
        [
            "class",
            "colour_vision",
            "conclusion",
            "examined_on",
            "hearing",
            "height_cm",
            "id_number",
            "lower_limbs",
            "name",
            "trunk_neck",
            "upper_limbs",
            "vision_left",
            "vision_right"
        ],
        "{app}: {err}"
    );
    // A name that is not the registry's, and a date in the future.
    let mut wrong = sound_exam(&app, &id, "张冒名", &class);
    wrong.examined_on = today.add_days(1).to_string();
    let err = app.call_fn(&hospital, wrong).await.unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(named, ["examined_on", "name"], "{app}: {err}");
    // "Fit" with a left eye of 4.8 does not agree with the items.
    let mut weak = sound_exam(&app, &id, &name, &class);
    weak.vision_left = "4.8".into();
    let err = app.call_fn(&hospital, weak.clone()).await.unwrap_err();
    assert_eq!(fields(&err), ["conclusion"], "{app}: {err}");
    assert!(err.to_string().contains("视力"), "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM physical_exams").await,
        0,
        "{app}: nothing kept"
    );
    // "Unfit" is recorded, and a renewal cannot rest on it.
    weak.conclusion = "unfit".into();
    app.call_fn(&hospital, weak).await.unwrap();
    let err = app.call_fn(&driver, renewal()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");

    let number = app
        .call_fn(&hospital, sound_exam(&app, &id, &name, &class))
        .await
        .unwrap_or_else(|e| panic!("{app}: recording: {e}"));
    let number = number.as_str().unwrap().to_string();
    let (exam_id, stored_no, by): (i64, String, i64) = sqlx::query_as(
        "SELECT id, certificate_no, hospital_account_id FROM physical_exams WHERE conclusion = 'fit'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stored_no, number, "{app}: told the number stored");
    assert_eq!(by, account_id(&app, HOSPITAL).await, "{app}");
    let texts = app
        .sms_texts(
            &app.scalar::<String, _>(
                "SELECT phone FROM persons WHERE id_number = $1",
                id.as_str(),
            )
            .await,
        )
        .await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&number) && t.contains("合格")),
        "{app}: the driver's SMS: {texts:?}"
    );
    let page = app
        .call_fn(
            &hospital,
            UnitExams {
                person: None,
                page: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(page["total"], 2, "{app}: {page}");
    // Found by the examinee's ID number (as typed, spaces and all) or the
    // certificate number; someone else's finds none.
    let spaced = format!("{} {}", &id[..6], &id[6..]);
    for (person, found) in [
        (spaced.as_str(), 2),
        (number.as_str(), 1),
        ("110101199003077774", 0),
    ] {
        let page = app
            .call_fn(
                &hospital,
                UnitExams {
                    person: Some(person.to_string()),
                    page: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(page["total"], found, "{app}: {person}: {page}");
    }
    assert_eq!(
        page["items"][0]["certificate_no"], number,
        "{app}: newest first"
    );

    // The export: every examination of the hospital, as the database
    // holds them.
    let csv = hospital
        .get(format!("{}/unit/exams.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200, "{app}");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{app}: header and two examinations: {csv}");
    assert!(
        lines[2].starts_with(&number),
        "{app}: in the order recorded: {csv}"
    );
    assert!(!csv.contains(&id), "{app}: the ID number masked");
    // The driver sees both, and the renewal rests on the fit one.
    let seen = physical(&app, &driver).await;
    assert_eq!(seen.exams.len(), 2, "{app}");
    assert_eq!(seen.renewal_exam.as_deref(), Some(number.as_str()), "{app}");
    let no = app
        .call_fn(&driver, renewal())
        .await
        .unwrap_or_else(|e| panic!("{app}: renewing: {e}"));
    let rests_on: Option<i64> =
        sqlx::query_scalar("SELECT physical_exam_id FROM applications WHERE application_no = $1")
            .bind(no.as_str().unwrap())
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(rests_on, Some(exam_id), "{app}");
    // The applicant and the clerk see which examination it rests on.
    let detail = app
        .call_fn(
            &driver,
            app::features::applications::api::MyApplication {
                application_no: no.as_str().unwrap().to_string(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        detail["physical_exam"]["certificate_no"], number,
        "{app}: {detail}"
    );
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'physical_exam.record'")
        .await;
    assert_eq!(audited, 2, "{app}");
    // A newer unfit result decides: the older fit one no longer serves.
    let mut unfit = sound_exam(&app, &id, &name, &class);
    unfit.conclusion = "unfit".into();
    app.call_fn(&hospital, unfit).await.unwrap();
    let seen = physical(&app, &driver).await;
    assert_eq!(seen.renewal_exam, None, "{app}");
}
both_backends!(a_hospital_records_an_examination_and_the_driver_renews_online_with_it);

mod certificates;
mod grants;
