//! Drafts (草稿): what was typed is kept, and submitted once.

use super::*;
use app::features::applications::api::{
    ApplicationForm, ApplicationsOverview, ConfirmApplication, DeleteApplicationDraft,
    LoadApplicationDraft, SaveApplicationDraft,
};
use app::features::applications::MAX_DRAFTS;
use leptos::server_fn::ServerFn;
use std::sync::Arc;

/// A draft of a lost licence (D1) with the recipient typed: new
/// (`draft` None) or an update of one.
fn lost_licence_draft(draft: Option<i64>, recipient: &str) -> SaveApplicationDraft {
    SaveApplicationDraft {
        service: "D1".into(),
        draft,
        subject: Some("licence".into()),
        reason: None,
        new_date: None,
        fulfilment: Some("post".into()),
        recipient: Some(recipient.into()),
        recipient_phone: None,
        address: None,
    }
}

/// The drafts an account holds.
async fn drafts_of(app: &TestApp, account: i64) -> i64 {
    app.scalar(
        "SELECT COUNT(*) FROM application_drafts WHERE account_id = $1",
        account,
    )
    .await
}

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

/// A person keeps at most MAX_DRAFTS drafts: the next new one is refused
/// with how many there are and what to do, nothing is written; a draft they
/// have can still be changed, and deleting one makes room.
async fn drafts_are_capped_per_account(app: TestApp) {
    let (client, _) = window_user_ready(&app).await;
    let me = account_id(&app, WINDOW).await;
    let mut ids = Vec::new();
    for i in 0..MAX_DRAFTS {
        let id = app
            .call_fn(&client, lost_licence_draft(None, &format!("收件人{i}")))
            .await
            .unwrap_or_else(|e| panic!("{app}: draft {i}: {e}"));
        ids.push(id.as_i64().unwrap());
    }
    assert_eq!(drafts_of(&app, me).await, MAX_DRAFTS, "{app}");
    // One more new draft: refused, with the count and the remedy.
    let err = app
        .call_fn(&client, lost_licence_draft(None, "第二十一份"))
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "Conflict", "{app}: {err}");
    let zh = err["Conflict"]["zh"].as_str().unwrap_or_default();
    assert!(
        zh.contains(&format!("您已有{MAX_DRAFTS}份未提交的草稿")) && zh.contains("删除"),
        "{app}: {zh}"
    );
    assert!(
        err["Conflict"]["en"]
            .as_str()
            .unwrap_or_default()
            .contains("delete"),
        "{app}: {err}"
    );
    assert_eq!(
        drafts_of(&app, me).await,
        MAX_DRAFTS,
        "{app}: nothing written"
    );
    let typed: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM application_drafts WHERE input LIKE $1",
            "%第二十一份%",
        )
        .await;
    assert_eq!(typed, 0, "{app}");
    // A draft they have can still be changed.
    let again = app
        .call_fn(&client, lost_licence_draft(Some(ids[3]), "改过的收件人"))
        .await
        .expect("an existing draft is updated at the cap");
    assert_eq!(again.as_i64(), Some(ids[3]), "{app}");
    let loaded = app
        .call_fn(&client, LoadApplicationDraft { draft: ids[3] })
        .await
        .unwrap();
    assert_eq!(loaded["input"]["recipient"], "改过的收件人", "{app}");
    assert_eq!(drafts_of(&app, me).await, MAX_DRAFTS, "{app}");
    // The page lists them, and a new form says so before anything is typed.
    let overview = app
        .call_fn(&client, ApplicationsOverview { page: None })
        .await
        .unwrap();
    assert_eq!(
        overview["drafts"].as_array().unwrap().len() as i64,
        MAX_DRAFTS,
        "{app}"
    );
    let form = app
        .call_fn(
            &client,
            ApplicationForm {
                service: "D1".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(form["drafts"], MAX_DRAFTS, "{app}");
    // Someone else cannot delete it; its holder can, which makes room.
    let other = logged_in(&app, "Online-registered individual").await;
    let err = app
        .call_fn(&other, DeleteApplicationDraft { draft: ids[0] })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: {err}");
    assert_eq!(drafts_of(&app, me).await, MAX_DRAFTS, "{app}");
    app.call_fn(&client, DeleteApplicationDraft { draft: ids[0] })
        .await
        .expect("the holder deletes a draft");
    assert_eq!(drafts_of(&app, me).await, MAX_DRAFTS - 1, "{app}");
    let err = app
        .call_fn(&client, DeleteApplicationDraft { draft: ids[0] })
        .await
        .unwrap_err();
    assert_eq!(kind(&err), "NotFound", "{app}: deleted once");
    app.call_fn(&client, lost_licence_draft(None, "有空位了"))
        .await
        .expect("a new draft once there is room");
    assert_eq!(drafts_of(&app, me).await, MAX_DRAFTS, "{app}");
}
both_backends!(drafts_are_capped_per_account);

/// How many new drafts are sent at once.
const AT_ONCE: usize = 60;

/// Many new drafts of one account at once (several browsers of the same
/// person, released together by a barrier) when one place is left never
/// leave more than MAX_DRAFTS: exactly one is saved, the rest refused.
async fn parallel_new_drafts_never_pass_the_cap(app: TestApp) {
    let (first, _) = window_user_ready(&app).await;
    let me = account_id(&app, WINDOW).await;
    let mut clients = vec![first];
    for _ in 0..4 {
        clients.push(logged_in(&app, WINDOW).await);
    }
    // All but the last place taken: every request races for it.
    for i in 1..MAX_DRAFTS {
        app.call_fn(&clients[0], lost_licence_draft(None, &format!("先存{i}")))
            .await
            .unwrap();
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(AT_ONCE));
    let url = format!("{}{}", app.base, SaveApplicationDraft::url());
    let tasks: Vec<_> = (0..AT_ONCE)
        .map(|i| {
            let barrier = barrier.clone();
            let client = clients[i % clients.len()].clone();
            let url = url.clone();
            let form = lost_licence_draft(None, &format!("并发{i}"));
            tokio::spawn(async move {
                let request = client
                    .post(url)
                    .header("accept", "application/json")
                    .form(&form);
                barrier.wait().await;
                let res = request.send().await.expect("no request fails in transport");
                let status = res.status().as_u16();
                let text = res.text().await.expect("a whole answer");
                (status, text)
            })
        })
        .collect();
    let mut saved = 0;
    let mut refused = 0;
    for t in tasks {
        let (status, text) = t.await.expect("the request task ran");
        match status {
            200..=299 => saved += 1,
            409 => {
                assert!(text.contains("未提交的草稿"), "{app}: {text}");
                refused += 1;
            }
            _ => panic!("{app}: {status} {text}"),
        }
    }
    let stored = drafts_of(&app, me).await;
    assert_eq!(stored, MAX_DRAFTS, "{app}: never more than the cap");
    assert_eq!(saved, 1, "{app}: {saved} told saved");
    assert_eq!(saved + refused, AT_ONCE, "{app}");
}
both_backends!(parallel_new_drafts_never_pass_the_cap);
