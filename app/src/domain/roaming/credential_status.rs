//! Asking a credential's issuer whether it still holds (凭证状态查询):
//! a verifier that checked a trusted peer's credential by its signature
//! and dates asks the peer that issued it, server to server, whether its
//! records still have it unrevoked. The question is a [`StatusRequest`]
//! (typ [`TYP_STATUS_REQUEST`], signed by the verifier) posted to the
//! issuer's [`CREDENTIAL_STATUS_PATH`]; the answer a [`StatusAnswer`] (typ
//! [`TYP_STATUS`], signed by the issuer), naming the request it answers.
//! Both hold at most [`STATUS_MAX_SECS`]. `docs/credentials.md`
//! ("Asking the issuer") writes it down for other implementers.

use super::{check_window, Refusal};
use serde::{Deserialize, Serialize};

/// The header `typ` of a credential status request (凭证状态查询).
pub const TYP_STATUS_REQUEST: &str = "JG-CRED-STATUS-REQ";
/// The header `typ` of the issuer's answer (凭证状态答复).
pub const TYP_STATUS: &str = "JG-CRED-STATUS";
/// The issuer's address for status requests (server to server).
pub const CREDENTIAL_STATUS_PATH: &str = "/roam/credential-status";
/// A status request or answer holds at most this long (two minutes).
pub const STATUS_MAX_SECS: i64 = 120;
/// A request asks with this much of it: a minute is plenty for one
/// round trip.
pub const STATUS_REQUEST_SECS: i64 = 60;
/// The longest credential id (`jti`) or kind a request may name.
const MAX_ID_CHARS: usize = 64;
/// The longest licence status code an answer may carry (letters and
/// digits; GA codes are one letter).
const MAX_STATUS_CODE_CHARS: usize = 8;

/// The verifier asks the issuer about one of its credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The verifying platform (its province).
    pub iss: String,
    /// The issuing platform asked.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// This request's own id (fresh, 128 random bits, hex).
    pub jti: String,
    /// The credential's id (its `jti`).
    pub credential: String,
    /// The credential's `kind`, as it states it (`driving_licence`…): a
    /// record of another kind is no record of it.
    pub kind: String,
}

/// What the issuer's records say of a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// On record, of that kind, not revoked (未作废).
    Valid,
    /// Revoked, or its holder's account disabled (已作废).
    Revoked,
    /// Never issued (无签发记录), or issued as another kind.
    NotOnRecord,
}

impl CredentialStatus {
    pub fn code(self) -> &'static str {
        match self {
            CredentialStatus::Valid => "valid",
            CredentialStatus::Revoked => "revoked",
            CredentialStatus::NotOnRecord => "not_on_record",
        }
    }
}

/// The issuer's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusAnswer {
    /// The issuing platform.
    pub iss: String,
    /// The verifier that asked.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// The answer's own id.
    pub jti: String,
    /// The `jti` of the request it answers.
    pub req: String,
    /// The credential asked about.
    pub credential: String,
    pub status: CredentialStatus,
    /// When it was revoked (seconds since 1970), with `revoked` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    /// An electronic licence's status now (驾驶证当前状态, GA code), with
    /// `valid` only, when the issuer's register still has the licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_status_now: Option<String>,
}

/// What the verifier learns from an answer that checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerSays {
    Valid { licence_status_now: Option<String> },
    Revoked { at_ms: i64 },
    NotOnRecord,
}

/// A credential id or kind as a request may name it: 1 to 64 printable
/// ASCII characters.
fn well_formed_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_ID_CHARS && text.bytes().all(|b| b.is_ascii_graphic())
}

/// The issuer's checks on a request once its signature holds: for this
/// platform, in time, naming a credential.
pub fn check_status_request(r: &StatusRequest, me: &str, now_secs: i64) -> Result<(), Refusal> {
    if r.aud != me {
        return Err(Refusal::WrongAudience);
    }
    check_window(r.iat, r.exp, now_secs, STATUS_MAX_SECS)?;
    if !well_formed_id(&r.jti) || !well_formed_id(&r.credential) || !well_formed_id(&r.kind) {
        return Err(Refusal::Malformed);
    }
    Ok(())
}

/// The answer to `r` from what the records hold: `None` when there is no
/// record of the credential or it is of another kind; else when it was
/// revoked (ms) and, for an electronic licence, the licence's status now.
pub fn answer_to(
    r: &StatusRequest,
    me: &str,
    jti: String,
    now_secs: i64,
    record: Option<(Option<i64>, Option<String>)>,
) -> StatusAnswer {
    let (status, revoked_at, licence_status_now) = match record {
        None => (CredentialStatus::NotOnRecord, None, None),
        Some((Some(at_ms), _)) => (
            CredentialStatus::Revoked,
            Some(at_ms.div_euclid(1000)),
            None,
        ),
        Some((None, now)) => (CredentialStatus::Valid, None, now),
    };
    StatusAnswer {
        iss: me.to_string(),
        aud: r.iss.clone(),
        iat: now_secs,
        exp: now_secs + STATUS_MAX_SECS,
        jti,
        req: r.jti.clone(),
        credential: r.credential.clone(),
        status,
        revoked_at,
        licence_status_now,
    }
}

/// The verifier's checks on an answer once its signature holds: from the
/// issuer asked, for this platform, in time, to this very request, and
/// consistent (a date with `revoked` and only then).
pub fn check_status_answer(
    a: &StatusAnswer,
    request: &StatusRequest,
    now_secs: i64,
) -> Result<IssuerSays, Refusal> {
    if a.iss != request.aud {
        return Err(Refusal::WrongIssuer);
    }
    if a.aud != request.iss {
        return Err(Refusal::WrongAudience);
    }
    check_window(a.iat, a.exp, now_secs, STATUS_MAX_SECS)?;
    if a.req != request.jti || a.credential != request.credential {
        return Err(Refusal::StateMismatch);
    }
    let status_ok = a.licence_status_now.as_deref().is_none_or(|s| {
        !s.is_empty()
            && s.len() <= MAX_STATUS_CODE_CHARS
            && s.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    match (a.status, a.revoked_at, &a.licence_status_now) {
        (CredentialStatus::Valid, None, now) if status_ok => Ok(IssuerSays::Valid {
            licence_status_now: now.clone(),
        }),
        (CredentialStatus::Revoked, Some(at), None) => Ok(IssuerSays::Revoked {
            at_ms: at.saturating_mul(1000),
        }),
        (CredentialStatus::NotOnRecord, None, None) => Ok(IssuerSays::NotOnRecord),
        _ => Err(Refusal::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::super::random_token;
    use super::*;
    use crate::domain::credential::CLOCK_SKEW_SECS;

    const NOW: i64 = 1_800_000_000;

    fn request() -> StatusRequest {
        StatusRequest {
            iss: "冀".into(),
            aud: "京".into(),
            iat: NOW,
            exp: NOW + STATUS_REQUEST_SECS,
            jti: random_token([1; 16]),
            credential: random_token([2; 16]),
            kind: "driving_licence".into(),
        }
    }

    fn answer(record: Option<(Option<i64>, Option<String>)>) -> StatusAnswer {
        answer_to(&request(), "京", random_token([3; 16]), NOW + 1, record)
    }

    #[test]
    fn a_request_passes_only_for_me_in_time_naming_a_credential() {
        let r = request();
        assert_eq!(check_status_request(&r, "京", NOW + 5), Ok(()));
        assert_eq!(
            check_status_request(&r, "晋", NOW + 5),
            Err(Refusal::WrongAudience)
        );
        assert_eq!(
            check_status_request(&r, "京", r.exp + CLOCK_SKEW_SECS),
            Err(Refusal::Expired)
        );
        assert_eq!(
            check_status_request(&r, "京", NOW - CLOCK_SKEW_SECS - 1),
            Err(Refusal::NotYetValid)
        );
        // Two minutes at most, even while in time.
        let long = StatusRequest {
            exp: NOW + STATUS_MAX_SECS + 1,
            ..request()
        };
        assert_eq!(
            check_status_request(&long, "京", NOW),
            Err(Refusal::Expired)
        );
        let at_most = StatusRequest {
            exp: NOW + STATUS_MAX_SECS,
            ..request()
        };
        assert_eq!(check_status_request(&at_most, "京", NOW), Ok(()));
        for bad in ["", "a b", &"a".repeat(65)] {
            let odd = StatusRequest {
                credential: bad.to_string(),
                ..request()
            };
            assert_eq!(
                check_status_request(&odd, "京", NOW),
                Err(Refusal::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_answer_says_what_the_records_hold() {
        let valid = answer(Some((None, Some("A".into()))));
        assert_eq!((valid.iss.as_str(), valid.aud.as_str()), ("京", "冀"));
        assert_eq!(valid.req, request().jti);
        assert_eq!(valid.credential, request().credential);
        assert_eq!(valid.exp - valid.iat, STATUS_MAX_SECS);
        assert_eq!(valid.status, CredentialStatus::Valid);
        assert_eq!(valid.licence_status_now.as_deref(), Some("A"));
        let revoked = answer(Some((Some(1_800_000_000_123), Some("A".into()))));
        assert_eq!(revoked.status, CredentialStatus::Revoked);
        assert_eq!(revoked.revoked_at, Some(1_800_000_000));
        assert_eq!(revoked.licence_status_now, None);
        let none = answer(None);
        assert_eq!(none.status, CredentialStatus::NotOnRecord);
        assert_eq!((none.revoked_at, none.licence_status_now), (None, None));
    }

    #[test]
    fn the_verifier_takes_an_answer_only_to_its_own_request() {
        let r = request();
        let now = NOW + 2;
        assert_eq!(
            check_status_answer(&answer(Some((None, Some("D".into())))), &r, now),
            Ok(IssuerSays::Valid {
                licence_status_now: Some("D".into())
            })
        );
        assert_eq!(
            check_status_answer(&answer(Some((Some(5_000), None))), &r, now),
            Ok(IssuerSays::Revoked { at_ms: 5_000 })
        );
        assert_eq!(
            check_status_answer(&answer(None), &r, now),
            Ok(IssuerSays::NotOnRecord)
        );
        let a = answer(None);
        let cases = [
            (
                StatusAnswer {
                    iss: "晋".into(),
                    ..a.clone()
                },
                Refusal::WrongIssuer,
            ),
            (
                StatusAnswer {
                    aud: "晋".into(),
                    ..a.clone()
                },
                Refusal::WrongAudience,
            ),
            (
                StatusAnswer {
                    req: random_token([9; 16]),
                    ..a.clone()
                },
                Refusal::StateMismatch,
            ),
            (
                StatusAnswer {
                    credential: random_token([9; 16]),
                    ..a.clone()
                },
                Refusal::StateMismatch,
            ),
            (
                StatusAnswer {
                    exp: a.iat + STATUS_MAX_SECS + 1,
                    ..a.clone()
                },
                Refusal::Expired,
            ),
            (
                StatusAnswer {
                    iat: now + CLOCK_SKEW_SECS + 1,
                    exp: now + CLOCK_SKEW_SECS + 2,
                    ..a.clone()
                },
                Refusal::NotYetValid,
            ),
            // Revoked without a date, a date without revoked.
            (
                StatusAnswer {
                    status: CredentialStatus::Revoked,
                    ..a.clone()
                },
                Refusal::Malformed,
            ),
            (
                StatusAnswer {
                    status: CredentialStatus::Valid,
                    revoked_at: Some(1),
                    ..a.clone()
                },
                Refusal::Malformed,
            ),
            (
                StatusAnswer {
                    status: CredentialStatus::Valid,
                    licence_status_now: Some("<script>".into()),
                    ..a.clone()
                },
                Refusal::Malformed,
            ),
        ];
        for (odd, expected) in cases {
            assert_eq!(check_status_answer(&odd, &r, now), Err(expected), "{odd:?}");
        }
    }

    #[test]
    fn the_messages_travel_as_json_with_nothing_unknown() {
        let a = answer(Some((None, None)));
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""status":"valid""#), "{json}");
        assert!(!json.contains("revoked_at") && !json.contains("licence_status_now"));
        assert_eq!(serde_json::from_str::<StatusAnswer>(&json).unwrap(), a);
        let extra = json.replacen('{', "{\"admin\":true,", 1);
        assert!(serde_json::from_str::<StatusAnswer>(&extra).is_err());
        let revoked = serde_json::to_value(answer(Some((Some(7_000), None)))).unwrap();
        assert_eq!(revoked["status"], "revoked");
        assert_eq!(revoked["revoked_at"], 7);
        let r = serde_json::to_value(request()).unwrap();
        assert_eq!(r["kind"], "driving_licence");
        for s in [
            CredentialStatus::Valid,
            CredentialStatus::Revoked,
            CredentialStatus::NotOnRecord,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
    }
}
