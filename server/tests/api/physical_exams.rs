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
const WINDOW: &str = "Window-registered individual (owner)";
const ONLINE: &str = "Online-registered individual (owner)";

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

async fn person(app: &TestApp, role: &str) -> (String, String, String) {
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
async fn older_of_two_more(app: &TestApp, id_number: &str) -> String {
    let older = examined(app, id_number).await;
    examined(app, id_number).await;
    older
}

async fn physical(app: &TestApp, client: &reqwest::Client) -> DriverPhysical {
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

async fn a_certificate_is_submitted_once_by_the_hospital_or_the_window_holder(app: TestApp) {
    let pool = &app.platform.store.pool;
    let today = app.platform.ports.clock.today();
    let (id, _, _) = person(&app, WINDOW).await;
    let due = today.add_days(20);
    let set_due = |due: Option<String>| {
        let id = id.clone();
        async move {
            sqlx::query("UPDATE driving_licences SET physical_due = $1 WHERE id_number = $2")
                .bind(due)
                .bind(&id)
                .execute(pool)
                .await
                .unwrap();
        }
    };
    set_due(Some(due.to_string())).await;
    let stored_due = || async {
        app.scalar::<Option<String>, _>(
            "SELECT physical_due FROM driving_licences WHERE id_number = $1",
            id.as_str(),
        )
        .await
    };

    // The hospital submits with its examination: a year on from the date owed.
    let first = examined(&app, &id).await;
    let hospital = logged_in(&app, HOSPITAL).await;
    let exam_id: i64 = app
        .scalar(
            "SELECT id FROM physical_exams WHERE certificate_no = $1",
            first.as_str(),
        )
        .await;
    let next = app
        .call_fn(&hospital, UnitSubmitCertificate { exam_id })
        .await
        .unwrap_or_else(|e| panic!("{app}: submitting: {e}"));
    assert_eq!(next, due.add_years(1).to_string(), "{app}");
    assert_eq!(
        stored_due().await,
        Some(due.add_years(1).to_string()),
        "{app}"
    );
    // Once only.
    let err = app
        .call_fn(&hospital, UnitSubmitCertificate { exam_id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    assert_eq!(
        stored_due().await,
        Some(due.add_years(1).to_string()),
        "{app}: moved once"
    );
    // An examination no hospital of this unit recorded is not found.
    let err = app
        .call_fn(
            &hospital,
            UnitSubmitCertificate {
                exam_id: exam_id + 1000,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");

    // The window holder submits their own with the number the SMS gave.
    let second = examined(&app, &id).await;
    let driver = logged_in(&app, WINDOW).await;
    app.call_fn(&driver, BindLicence {}).await.unwrap();
    let mut slip: Vec<char> = second.chars().collect();
    slip[12] = if slip[12] == '9' { '8' } else { '9' };
    let err = app
        .call_fn(
            &driver,
            LicenceSubmitCertificate {
                certificate_no: slip.into_iter().collect(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["certificate_no"], "{app}: {err}");
    assert!(
        err.to_string().contains("有误"),
        "{app}: the check digit: {err}"
    );
    // Someone else's certificate reads like an unknown one.
    let (other, _, _) = person(&app, "Window-registered individual (owner) #2").await;
    let theirs = examined(&app, &other).await;
    let err = app
        .call_fn(
            &driver,
            LicenceSubmitCertificate {
                certificate_no: theirs,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["certificate_no"], "{app}: {err}");
    assert!(err.to_string().contains("没有找到"), "{app}: {err}");
    // The next one is owed a year on: too early to submit, so no year is
    // skipped by submitting twice.
    let own = || LicenceSubmitCertificate {
        certificate_no: format!(" {} ", second.to_lowercase()),
    };
    let err = app.call_fn(&driver, own()).await.unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("起可以提交"), "{app}: {err}");
    assert_eq!(
        stored_due().await,
        Some(due.add_years(1).to_string()),
        "{app}"
    );
    // A year later (the date owed is near again) it is taken.
    set_due(Some(due.to_string())).await;
    let next = app
        .call_fn(&driver, own())
        .await
        .unwrap_or_else(|e| panic!("{app}: the holder submits: {e}"));
    assert_eq!(next, due.add_years(1).to_string(), "{app}");
    let seen = physical(&app, &driver).await;
    assert_eq!(seen.certificates.len(), 2, "{app}");
    assert_eq!(seen.certificate_due, Some(due.add_years(1)), "{app}");
    // An older examination does not stand in for the newest.
    set_due(Some(due.to_string())).await;
    let err = app
        .call_fn(
            &driver,
            LicenceSubmitCertificate {
                certificate_no: older_of_two_more(&app, &id).await,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("最新"), "{app}: {err}");
    let channels: Vec<String> =
        sqlx::query_scalar("SELECT channel FROM physical_certificates ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(channels, ["hospital", "holder"], "{app}");

    // A licence that owes none is told so; nothing is kept.
    set_due(None).await;
    let third = examined(&app, &id).await;
    let err = app
        .call_fn(
            &driver,
            LicenceSubmitCertificate {
                certificate_no: third,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM physical_certificates")
            .await,
        2,
        "{app}"
    );

    // An online-registered holder is sent to a window or to the hospital.
    let online = logged_in(&app, ONLINE).await;
    let err = app
        .call_fn(
            &online,
            LicenceSubmitCertificate {
                certificate_no: second,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
}
both_backends!(a_certificate_is_submitted_once_by_the_hospital_or_the_window_holder);

async fn only_a_hospital_granted_the_service_may_use_it(app: TestApp) {
    let pool = &app.platform.store.pool;
    let (id, name, class) = person(&app, WINDOW).await;
    for role in ["Car dealer", "Driving school", "Road transport company"] {
        let unit = logged_in(&app, role).await;
        let err = app
            .call_fn(&unit, sound_exam(&app, &id, &name, &class))
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
        assert!(err.to_string().contains("未获交管部门授权"), "{app}: {err}");
        let err = app
            .call_fn(
                &unit,
                UnitExams {
                    person: None,
                    page: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(kind(&err), "NotAllowed", "{app}: {role}: {err}");
    }
    // The hospital without the certificate grant records but does not submit.
    let hospital_id = account_id(&app, HOSPITAL).await;
    sqlx::query(
        "DELETE FROM unit_special_services WHERE account_id = $1 AND service = 'submit_physical_certificate'",
    )
    .bind(hospital_id)
    .execute(pool)
    .await
    .unwrap();
    let hospital = logged_in(&app, HOSPITAL).await;
    app.call_fn(&hospital, sound_exam(&app, &id, &name, &class))
        .await
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let exam_id: i64 = app
        .scalar(
            "SELECT MAX(id) FROM physical_exams WHERE id_number = $1",
            id.as_str(),
        )
        .await;
    let err = app
        .call_fn(&hospital, UnitSubmitCertificate { exam_id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
    assert!(err.to_string().contains("提交身体条件证明"), "{app}: {err}");
    // A citizen is no hospital.
    let citizen = logged_in(&app, WINDOW).await;
    let err = app
        .call_fn(
            &citizen,
            UnitExams {
                person: None,
                page: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotAllowed", "{app}: {err}");
}
both_backends!(only_a_hospital_granted_the_service_may_use_it);
