//! A peer that gives no usable answer (凭证状态未能核实): 冀 trusts 晋
//! (the test's fake issuer, answering what it is told) and 豫 (at a
//! closed port). 豫's credential is genuine by signature and dates, and the
//! page says plainly, in both languages, that revocation could not be
//! checked with the issuer. 晋's answers count when they check — valid,
//! revoked, not on record — and leave revocation unchecked when they do
//! not: for another request, platform or credential, late, inconsistent,
//! from another issuer, under another key, not an answer, a refusal, a
//! failure. What 晋 was asked is 冀's signed request.

use super::credential_status::{beijing_licence, page, sign_as, token_of};
use super::refusals::{ring_of, shanxi, signed};
use super::Pair;
use crate::credentials::{genuine, refusal};
use crate::helpers::Backend;
use crate::roaming::{peer_entry, spawn_pair_with};
use app::domain::credential::{self, Claims, Refusal};
use app::domain::jws;
use app::domain::roaming::credential_status::{
    answer_to, CredentialStatus, StatusAnswer, StatusRequest, CREDENTIAL_STATUS_PATH,
    STATUS_MAX_SECS, TYP_STATUS, TYP_STATUS_REQUEST,
};
use app::domain::roaming::{random_token, TYP_ASSERTION};
use app::features::credentials::RevocationCheck;
use app::ports::{Clock, CredentialKeys, KeyCheck};
use axum::routing::post;
use server::signing::KeyRing;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

/// What the fake issuer 晋 answers to its next request (given it).
type Reply = Box<dyn FnOnce(&StatusRequest) -> (u16, String) + Send>;

/// 冀 and 京, and on 冀's trust list 晋 (the test's fake issuer, answering
/// what it is told) and 豫 (at a closed port).
struct Peers {
    pair: Pair,
    replies: Arc<Mutex<VecDeque<Reply>>>,
    /// The requests 晋 received.
    asked: Arc<Mutex<Vec<jws::Parsed<StatusRequest>>>>,
}

/// 豫's keys, the same through the test.
fn henan() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| ring_of("豫"))
}

async fn spawn_with_fake_issuers(backend: Backend) -> Peers {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let replies: Arc<Mutex<VecDeque<Reply>>> = Arc::default();
    let asked: Arc<Mutex<Vec<jws::Parsed<StatusRequest>>>> = Arc::default();
    let (queue, seen) = (replies.clone(), asked.clone());
    let router = axum::Router::new().route(
        CREDENTIAL_STATUS_PATH,
        post(move |body: String| {
            let (queue, seen) = (queue.clone(), seen.clone());
            async move {
                let parsed = jws::parse::<StatusRequest>(&body, TYP_STATUS_REQUEST, 16_000);
                let reply = queue.lock().unwrap().pop_front();
                let (status, answer) = match (parsed, reply) {
                    (Ok(parsed), Some(reply)) => {
                        let answer = reply(&parsed.claims);
                        seen.lock().unwrap().push(parsed);
                        answer
                    }
                    _ => (500, String::new()),
                };
                (axum::http::StatusCode::from_u16(status).unwrap(), answer)
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let extra = format!(
        "{}{}",
        peer_entry(
            "晋",
            "山西省互联网交通安全综合服务管理平台",
            &base,
            &shanxi().published_keys().remove(0).key
        ),
        peer_entry(
            "豫",
            "河南省互联网交通安全综合服务管理平台",
            "http://127.0.0.1:9",
            &henan().published_keys().remove(0).key
        ),
    );
    Peers {
        pair: spawn_pair_with(backend, "", &extra).await,
        replies,
        asked,
    }
}

async fn a_peer_that_gives_no_usable_answer_leaves_revocation_unchecked(peers: Peers) {
    let he = &peers.pair.hebei;
    let now = he.clock.now_ms() / 1000;
    let (_, code) = beijing_licence(&peers.pair).await;
    let facts = credential::parse(&token_of(&code)).unwrap().claims.facts;
    let of = |iss: &str| Claims {
        iss: iss.into(),
        jti: random_token(rand::random()),
        iat: now,
        exp: now + 3600,
        facts: facts.clone(),
    };

    // 豫 cannot be reached: genuine by signature and dates, and said so.
    let from_henan = sign_as(henan(), &of("豫"));
    let v = genuine(he, &from_henan).await;
    assert_eq!(v.revocation, RevocationCheck::IssuerUnreachable, "{he}");
    assert_eq!(v.licence_status_now, None, "{he}");
    let zh = page(he, &from_henan, "zh").await;
    // Never the success box: a warning with a heading of its own.
    assert!(!zh.contains("data-testid=\"verify-genuine\""), "{he}: {zh}");
    assert!(!zh.contains("凭证有效："), "{he}: {zh}");
    assert!(
        zh.contains("data-testid=\"verify-revocation-unchecked\""),
        "{he}: {zh}"
    );
    assert!(
        zh.contains("签名真实，未能核实是否已作废：河南省互联网交通安全综合服务管理平台签发的"),
        "{he}: {zh}"
    );
    assert!(
        zh.contains("签名和有效期核验通过；未能向签发平台（河南省互联网交通安全综合服务管理平台）核实凭证是否已被作废。请稍后再试，或到签发平台的网站核验。"),
        "{he}: {zh}"
    );
    let en = page(he, &from_henan, "en").await;
    assert!(
        en.contains("we could not ask the issuing platform (豫 platform) whether the credential has been revoked"),
        "{he}: {en}"
    );

    // 晋 answers: what it says counts when its answer checks.
    let from_shanxi = of("晋");
    let token = sign_as(shanxi(), &from_shanxi);
    let reply = |f: Box<dyn FnOnce(&StatusRequest) -> StatusAnswer + Send>| -> Reply {
        Box::new(move |r: &StatusRequest| (200, signed(shanxi(), TYP_STATUS, &f(r))))
    };
    let answer = move |r: &StatusRequest, record: Option<(Option<i64>, Option<String>)>| {
        answer_to(r, "晋", random_token(rand::random()), now, record)
    };
    let push = |r: Reply| peers.replies.lock().unwrap().push_back(r);
    push(reply(Box::new(move |r: &StatusRequest| {
        answer(r, Some((None, Some("A".into()))))
    })));
    let v = genuine(he, &token).await;
    assert_eq!(v.revocation, RevocationCheck::IssuerAnswered, "{he}");
    assert_eq!(v.licence_status_now.as_deref(), Some("A"));
    // What 晋 was asked: by 冀, signed with its key, about this credential.
    let asked = peers.asked.lock().unwrap().pop().expect("晋 was asked");
    let r = &asked.claims;
    assert_eq!((r.iss.as_str(), r.aud.as_str()), ("冀", "晋"));
    assert_eq!(
        (r.credential.as_str(), r.kind.as_str()),
        (from_shanxi.jti.as_str(), "driving_licence")
    );
    assert!(r.exp > r.iat && r.exp - r.iat <= STATUS_MAX_SECS, "{r:?}");
    assert_eq!(asked.header.alg, "EdDSA");
    assert_eq!(
        he.platform.ports.credential_keys.verify(
            "冀",
            &asked.header,
            asked.signing_input.as_bytes(),
            &asked.signature
        ),
        KeyCheck::Valid
    );
    // Checked again within the minute: the answer is reused, 晋 is not
    // asked (the public page cannot make 冀 ask a peer at every visit).
    let again = genuine(he, &token).await;
    assert_eq!(again.revocation, RevocationCheck::IssuerAnswered, "{he}");
    assert!(peers.asked.lock().unwrap().is_empty(), "{he}: asked again");
    // A minute later it is asked again (晋's answers, dated at the start,
    // hold two minutes).
    he.clock.advance_secs(61);
    push(reply(Box::new(move |r: &StatusRequest| {
        answer(r, Some((None, Some("A".into()))))
    })));
    assert_eq!(
        genuine(he, &token).await.revocation,
        RevocationCheck::IssuerAnswered,
        "{he}"
    );
    assert_eq!(peers.asked.lock().unwrap().len(), 1, "{he}: asked anew");
    let forget = || he.platform.ports.peer_answers.forget();
    forget();
    push(reply(Box::new(move |r: &StatusRequest| {
        answer(r, Some((Some(1_795_000_000_000), None)))
    })));
    assert_eq!(
        refusal(he, &token).await,
        Refusal::Revoked {
            at_ms: 1_795_000_000_000
        }
    );
    forget();
    push(reply(Box::new(move |r: &StatusRequest| answer(r, None))));
    assert_eq!(refusal(he, &token).await, Refusal::NotOnRecord);

    // Answers that do not check, and no answer: genuine, not checked.
    let crafted: Vec<(&str, Reply)> = vec![
        (
            "to another request",
            reply(Box::new(move |r: &StatusRequest| StatusAnswer {
                req: random_token(rand::random()),
                ..answer(r, None)
            })),
        ),
        (
            "for another platform",
            reply(Box::new(move |r: &StatusRequest| StatusAnswer {
                aud: "京".into(),
                ..answer(r, None)
            })),
        ),
        (
            "about another credential",
            reply(Box::new(move |r: &StatusRequest| StatusAnswer {
                credential: random_token(rand::random()),
                ..answer(r, None)
            })),
        ),
        (
            "late",
            reply(Box::new(move |r: &StatusRequest| StatusAnswer {
                iat: now - 600,
                exp: now - 600 + STATUS_MAX_SECS,
                ..answer(r, None)
            })),
        ),
        (
            "revoked, no date",
            reply(Box::new(move |r: &StatusRequest| StatusAnswer {
                status: CredentialStatus::Revoked,
                ..answer(r, None)
            })),
        ),
        (
            "from 豫, whom 冀 trusts, but not the issuer asked",
            Box::new(move |r: &StatusRequest| {
                let a = StatusAnswer {
                    iss: "豫".into(),
                    ..answer(r, None)
                };
                (200, signed(henan(), TYP_STATUS, &a))
            }),
        ),
        (
            "under a key 晋 never published",
            Box::new(move |r: &StatusRequest| {
                (200, signed(&ring_of("晋"), TYP_STATUS, &answer(r, None)))
            }),
        ),
        (
            "under 晋's key id, signed by another key",
            Box::new(move |r: &StatusRequest| {
                let input = app::domain::jws::signing_input(
                    app::domain::jws::Alg::Sm2Sm3,
                    TYP_STATUS,
                    &shanxi().current_kid(),
                    &answer(r, None),
                );
                let forger =
                    super::refusals::ring_signing_with("晋", app::domain::jws::Alg::Sm2Sm3);
                (
                    200,
                    app::domain::jws::assemble(&input, &forger.sign(input.as_bytes())),
                )
            }),
        ),
        (
            "not an answer",
            Box::new(move |r: &StatusRequest| {
                (200, signed(shanxi(), TYP_ASSERTION, &answer(r, None)))
            }),
        ),
        (
            "a refusal",
            Box::new(|_: &StatusRequest| (403, r#"{"error":"unknown_issuer"}"#.to_string())),
        ),
        (
            "a failure",
            Box::new(|_: &StatusRequest| {
                (
                    500,
                    r#"{"error":"internal","reference":"E-00000001"}"#.to_string(),
                )
            }),
        ),
    ];
    for (what, craft) in crafted {
        forget();
        push(craft);
        let v = genuine(he, &token).await;
        assert_eq!(
            v.revocation,
            RevocationCheck::IssuerUnreachable,
            "{he}: an answer {what}"
        );
        assert_eq!(v.licence_status_now, None, "{he}: an answer {what}");
    }
    assert!(
        peers.replies.lock().unwrap().is_empty(),
        "{he}: 晋 was asked each time"
    );
}

both_backends!(start = crate::roaming::issuer_unreachable::spawn_with_fake_issuers;
    a_peer_that_gives_no_usable_answer_leaves_revocation_unchecked,
);
