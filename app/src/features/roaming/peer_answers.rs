//! What trusted peers said lately of their credentials (凭证状态缓存), kept
//! in this app server's memory: the public verification page asks a peer
//! about one of its credentials at most once a minute per app server, and
//! never with more than [`MAX_IN_FLIGHT`] questions under way. Anyone may
//! open the verification page as often as they like; without this, each
//! visit would make this platform send the peer a signed question (and wait
//! for it), which the peer could not throttle, since every one comes signed
//! by a platform it trusts.

use crate::domain::roaming::credential_status::IssuerSays;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How long a usable answer is reused (an answer holds two minutes).
pub const ANSWER_HOLD_MS: i64 = 60_000;
/// How long "no usable answer" is reused: a peer that is down is not asked
/// again at once by every visitor.
pub const NO_ANSWER_HOLD_MS: i64 = 15_000;
/// The most answers kept; past it, the expired go, then all.
pub const MAX_KEPT: usize = 10_000;
/// The most questions to peers under way at once on this app server.
pub const MAX_IN_FLIGHT: usize = 16;

/// What was learnt of a credential: the peer's answer, or why there was
/// none.
pub type Learnt = Result<IssuerSays, String>;

type Key = (String, String, String);

/// The answers of trusted peers, by (issuer, credential id, kind).
#[derive(Default)]
pub struct PeerAnswers {
    kept: Mutex<HashMap<Key, (i64, Learnt)>>,
    in_flight: AtomicUsize,
}

/// A question under way; the slot frees when it is dropped.
pub struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn key(issuer: &str, credential: &str, kind: &str) -> Key {
    (issuer.into(), credential.into(), kind.into())
}

impl PeerAnswers {
    pub fn new() -> PeerAnswers {
        PeerAnswers::default()
    }

    /// What was learnt of this credential and still holds at `now_ms`.
    pub fn recall(
        &self,
        issuer: &str,
        credential: &str,
        kind: &str,
        now_ms: i64,
    ) -> Option<Learnt> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&key(issuer, credential, kind))
            .filter(|(until, _)| *until > now_ms)
            .map(|(_, learnt)| learnt.clone())
    }

    /// Keeps what was learnt at `now_ms`.
    pub fn remember(
        &self,
        issuer: &str,
        credential: &str,
        kind: &str,
        learnt: &Learnt,
        now_ms: i64,
    ) {
        let hold = if learnt.is_ok() {
            ANSWER_HOLD_MS
        } else {
            NO_ANSWER_HOLD_MS
        };
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_KEPT {
            kept.retain(|_, (until, _)| *until > now_ms);
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
        }
        kept.insert(
            key(issuer, credential, kind),
            (now_ms + hold, learnt.clone()),
        );
    }

    /// Forgets every answer, as a newly started app server knows none (the
    /// tests, to ask again at once).
    pub fn forget(&self) {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A slot for one question, or None when [`MAX_IN_FLIGHT`] are under
    /// way.
    pub fn begin(&self) -> Option<InFlight<'_>> {
        let before = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let slot = InFlight(&self.in_flight);
        (before < MAX_IN_FLIGHT).then_some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_reused_for_a_minute_and_no_answer_for_less() {
        let answers = PeerAnswers::new();
        let valid: Learnt = Ok(IssuerSays::Valid {
            licence_status_now: None,
        });
        answers.remember("京", "c1", "driving_licence", &valid, 1_000);
        assert_eq!(
            answers.recall("京", "c1", "driving_licence", 1_000 + ANSWER_HOLD_MS - 1),
            Some(valid)
        );
        assert_eq!(
            answers.recall("京", "c1", "driving_licence", 1_000 + ANSWER_HOLD_MS),
            None
        );
        // Another issuer, credential or kind is another question.
        assert_eq!(answers.recall("晋", "c1", "driving_licence", 1_000), None);
        assert_eq!(answers.recall("京", "c2", "driving_licence", 1_000), None);
        assert_eq!(answers.recall("京", "c1", "temporary_plate", 1_000), None);
        let down: Learnt = Err("unreachable".into());
        answers.remember("京", "c3", "driving_licence", &down, 1_000);
        assert_eq!(
            answers.recall("京", "c3", "driving_licence", 1_000 + NO_ANSWER_HOLD_MS - 1),
            Some(down)
        );
        assert_eq!(
            answers.recall("京", "c3", "driving_licence", 1_000 + NO_ANSWER_HOLD_MS),
            None
        );
    }

    #[test]
    fn no_more_than_the_cap_are_under_way_and_a_slot_frees_when_done() {
        let answers = PeerAnswers::new();
        let slots: Vec<_> = (0..MAX_IN_FLIGHT)
            .map(|_| answers.begin().expect("a slot"))
            .collect();
        assert!(answers.begin().is_none(), "over the cap");
        drop(slots);
        assert!(answers.begin().is_some(), "freed");
    }

    #[test]
    fn the_kept_answers_stay_bounded() {
        let answers = PeerAnswers::new();
        let valid: Learnt = Ok(IssuerSays::NotOnRecord);
        for i in 0..MAX_KEPT + 5 {
            answers.remember("京", &i.to_string(), "k", &valid, 0);
        }
        assert!(answers.kept.lock().unwrap().len() <= MAX_KEPT);
    }
}
