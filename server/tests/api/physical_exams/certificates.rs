//! D9 on both databases: the yearly certificate, by the hospital or by the
//! window-registered holder with the certificate's number, once, in the
//! 90 days before it is owed, with the newest examination only.

use super::*;

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
