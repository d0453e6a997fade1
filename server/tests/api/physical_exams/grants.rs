//! The grant on both databases: a unit that was not granted a hospital's
//! service is refused it, whatever a page offered.

use super::*;

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
