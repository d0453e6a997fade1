//! Drafts (草稿): what was typed is kept, and submitted once.

use super::*;
use app::features::applications::api::{
    ConfirmApplication, LoadApplicationDraft, SaveApplicationDraft,
};

async fn a_draft_keeps_what_was_typed_and_is_submitted_once(app: TestApp) {
    let (client, _) = window_user_ready(&app).await;
    // Missing address: saved as a draft, with the problem and the input.
    let draft = app
        .call_fn(
            &client,
            SaveApplicationDraft {
                service: "D1".into(),
                draft: None,
                subject: Some("licence".into()),
                reason: None,
                new_date: None,
                fulfilment: Some("post".into()),
                recipient: Some("张伟".into()),
                recipient_phone: Some("13803110001".into()),
                address: None,
            },
        )
        .await
        .expect("a draft is saved even when incomplete");
    let id = draft.as_i64().unwrap();
    let loaded = app
        .call_fn(&client, LoadApplicationDraft { draft: id })
        .await
        .unwrap();
    assert_eq!(loaded["input"]["recipient"], "张伟", "{app}: {loaded}");
    assert_eq!(
        fields(&loaded["problems"]),
        vec!["address"],
        "{app}: {loaded}"
    );
    let err = app
        .call_fn(&client, ConfirmApplication { draft: id })
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec!["address"],
        "{app}: an incomplete draft is not submitted"
    );

    // Completed, then confirmed twice (a double click): one application.
    app.call_fn(
        &client,
        SaveApplicationDraft {
            service: "D1".into(),
            draft: Some(id),
            subject: Some("licence".into()),
            reason: None,
            new_date: None,
            fulfilment: Some("post".into()),
            recipient: Some("张伟".into()),
            recipient_phone: Some("13803110001".into()),
            address: Some("河北省石家庄市长安区中山东路100号".into()),
        },
    )
    .await
    .unwrap();
    let loaded = app
        .call_fn(&client, LoadApplicationDraft { draft: id })
        .await
        .unwrap();
    assert!(loaded["problems"].is_null(), "{app}: {loaded}");
    let (a, b) = tokio::join!(
        app.call_fn(&client, ConfirmApplication { draft: id }),
        app.call_fn(&client, ConfirmApplication { draft: id })
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{app}: {a:?} {b:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications").await,
        1,
        "{app}"
    );
    // Someone else cannot read or submit the draft.
    let other = logged_in(&app, "Online-registered individual").await;
    let err = app
        .call_fn(&other, LoadApplicationDraft { draft: id })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}");
}
both_backends!(a_draft_keeps_what_was_typed_and_is_submitted_once);
