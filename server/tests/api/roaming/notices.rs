//! The visited platform's side of the notices (会话通知): 京 ends a roaming
//! person's sessions on a genuine notice of their home platform (晋, the
//! test's fake), once; a replayed, tampered, foreign, early, late or
//! untrusted notice is refused with its reason, ends nothing and is
//! audited when it names a platform.

use super::refusals::{assertion, ring_of, shanxi, signed, Fake};
use crate::helpers::{new_client, TestApp};
use crate::roaming::{get, location, param, urlencode};
use app::domain::roaming::{
    random_token, Notice, NoticeEvent, Refusal, MESSAGE_MAX_SECS, NOTICE_PATH, TYP_ASSERTION,
    TYP_NOTICE,
};
use app::ports::Clock;

/// A browser roamed in from 晋 (subject 901) at 京, holding the session.
async fn roamed_in(fake: &Fake) -> reqwest::Client {
    let bj = &fake.pair.beijing;
    let browser = new_client();
    let res = get(
        &browser,
        &format!("{}/roam/start?home={}", bj.base, urlencode("晋")),
    )
    .await;
    let to = location(&res);
    let a = assertion(bj, &param(&to, "nonce"));
    fake.answers
        .lock()
        .unwrap()
        .push_back((200, signed(shanxi(), TYP_ASSERTION, &a)));
    let res = get(
        &browser,
        &format!(
            "{}/roam/callback?code={}&state={}",
            bj.base,
            random_token(rand::random()),
            param(&to, "state")
        ),
    )
    .await;
    assert_eq!(location(&res), "/account", "{bj}");
    assert!(bj.me(&browser).await.is_some(), "{bj}");
    browser
}

fn notice(app: &TestApp) -> Notice {
    let now = app.clock.now_ms() / 1000;
    Notice {
        iss: "晋".into(),
        aud: "京".into(),
        iat: now,
        exp: now + MESSAGE_MAX_SECS,
        jti: random_token(rand::random()),
        sub: "901".into(),
        event: NoticeEvent::LoggedOut,
    }
}

/// Posts a notice to 京: (status, the refusal's code if any).
async fn post(app: &TestApp, body: &str) -> (u16, Option<String>) {
    let res = reqwest::Client::new()
        .post(format!("{}{NOTICE_PATH}", app.base))
        .header("content-type", "application/jose")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: posting a notice: {e}"));
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let code = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["error"].as_str().map(String::from));
    (status, code)
}

async fn the_visited_platform_acts_only_on_a_genuine_notice_once(fake: Fake) {
    let bj = &fake.pair.beijing;
    let browser = roamed_in(&fake).await;
    let refusal = |r: Refusal| Some(r.code().to_string());

    // Crafted notices: each refused, and the session stays.
    let tampered = {
        let token = signed(shanxi(), TYP_NOTICE, &notice(bj));
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let other = Notice {
            sub: "999".into(),
            ..notice(bj)
        };
        parts[1] =
            app::domain::jws::signing_input(app::domain::jws::Alg::Sm2Sm3, TYP_NOTICE, "x", &other)
                .split('.')
                .nth(1)
                .unwrap()
                .to_string();
        parts.join(".")
    };
    let n = notice(bj);
    let cases: Vec<(u16, Refusal, String)> = vec![
        (403, Refusal::BadSignature, tampered),
        (
            403,
            Refusal::WrongAudience,
            signed(
                shanxi(),
                TYP_NOTICE,
                &Notice {
                    aud: "冀".into(),
                    ..notice(bj)
                },
            ),
        ),
        (
            403,
            Refusal::UnknownIssuer,
            signed(
                &ring_of("豫"),
                TYP_NOTICE,
                &Notice {
                    iss: "豫".into(),
                    ..notice(bj)
                },
            ),
        ),
        (
            403,
            Refusal::Expired,
            signed(
                shanxi(),
                TYP_NOTICE,
                &Notice {
                    iat: n.iat - 600,
                    exp: n.iat - 600 + MESSAGE_MAX_SECS,
                    ..notice(bj)
                },
            ),
        ),
        (
            403,
            Refusal::NotYetValid,
            signed(
                shanxi(),
                TYP_NOTICE,
                &Notice {
                    iat: n.iat + 600,
                    exp: n.iat + 600 + MESSAGE_MAX_SECS,
                    ..notice(bj)
                },
            ),
        ),
        // An assertion is not a notice, even signed by 晋.
        (
            400,
            Refusal::Malformed,
            signed(shanxi(), TYP_ASSERTION, &notice(bj)),
        ),
        (400, Refusal::Malformed, "a.b.c".into()),
    ];
    for (status, expected, body) in &cases {
        assert_eq!(
            post(bj, body).await,
            (*status, refusal(*expected)),
            "{bj}: {expected:?}"
        );
        assert!(
            bj.me(&browser).await.is_some(),
            "{bj}: ended by {expected:?}"
        );
    }

    // The genuine notice ends the session, once; the same again is a replay.
    let genuine = signed(shanxi(), TYP_NOTICE, &n);
    assert_eq!(post(bj, &genuine).await, (204, None), "{bj}");
    assert!(
        bj.me(&browser).await.is_none(),
        "{bj}: the session outlived it"
    );
    assert_eq!(
        post(bj, &genuine).await,
        (409, refusal(Refusal::Replayed)),
        "{bj}"
    );

    // Audited: the genuine one, and each refusal that names a platform
    // whose signature could be read (not the garbage).
    assert_eq!(
        bj.count("SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.notice' AND detail LIKE '%event=logged_out sessions_ended=1%'")
            .await,
        1,
        "{bj}"
    );
    for reason in [
        "bad_signature",
        "wrong_audience",
        "expired",
        "not_yet_valid",
        "replayed",
    ] {
        assert_eq!(
            bj.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'roaming.refused' AND detail = 'reason={reason}'"
            ))
            .await,
            1,
            "{bj}: {reason}"
        );
    }
}

both_backends!(start = crate::roaming::refusals::spawn_with_fake_home;
    the_visited_platform_acts_only_on_a_genuine_notice_once,
);
