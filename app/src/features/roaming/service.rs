//! The roaming desk: both sides of the roaming login (`domain::roaming`
//! describes the messages). As the visited platform it sends the browser
//! home, exchanges the code for an assertion, checks it and opens the
//! roaming account; as the home platform it asks the person to agree,
//! grants the code, answers the exchange and tells visited platforms when
//! the person logs out or is disabled. Between platforms it also asks a
//! credential's issuer whether it still holds, and answers such questions
//! (`credential_status`).

mod credential_status;
mod notices;

pub use notices::{announcing, NOTICE_ATTEMPTS};

use super::port::{HomeFacts, OpenRefused, PeerError};
use super::ConsentView;
use crate::domain::credential::CLOCK_SKEW_SECS;
use crate::domain::jws::{self, Parsed};
use crate::domain::roaming::{
    check_assertion, check_window, random_token, read_state_cookie, state_cookie,
    well_formed_token, Assertion, Notice, Refusal, TokenRequest, ASSERTION_MAX_SECS,
    AUTHORIZE_PATH, CALLBACK_PATH, CODE_SECS, MAX_CHARS, MESSAGE_MAX_SECS, TYP_ASSERTION,
    TYP_NOTICE, TYP_REQUEST,
};
use crate::error::AppError;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::credentials::port::KeyCheck;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::PortError;
use crate::ports::Ports;
use crate::profile::Peer;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The roaming desk (漫游).
pub struct RoamingDesk<'a> {
    pub ports: &'a Ports,
    pub now_ms: i64,
}

/// Where the browser goes to start a roaming login, and the state cookie
/// that ties its return to this browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departure {
    pub location: String,
    pub state_cookie: String,
}

fn sha256_hex(text: &str) -> String {
    crate::domain::api_key::secret_digest(text)
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    q.finish()
}

fn no_such_peer() -> AppError {
    AppError::NotFound(Text::new(
        "本平台未与该省份的平台建立互信，不能用其账号登录。",
        "This platform has no trust arrangement with that province's platform.",
    ))
}

impl<'a> RoamingDesk<'a> {
    pub fn of(ports: &'a Ports) -> RoamingDesk<'a> {
        RoamingDesk {
            ports,
            now_ms: ports.clock.now_ms(),
        }
    }

    fn me(&self) -> String {
        self.ports.credential_keys.issuer()
    }

    fn now_secs(&self) -> i64 {
        self.now_ms / 1000
    }

    /// A trusted peer by its province (never this platform).
    pub fn peer(&self, province: &str) -> Option<&'a Peer> {
        self.ports
            .profile
            .peers
            .iter()
            .find(|p| p.province == province)
    }

    fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> String {
        let keys = &self.ports.credential_keys;
        let input = jws::signing_input(keys.current_alg(), typ, &keys.current_kid(), claims);
        let signature = keys.sign(input.as_bytes());
        jws::assemble(&input, &signature)
    }

    /// Parses a message of kind `typ` and checks its signature against
    /// the key of the issuer `issuer_of` names, which must be a peer.
    fn verified<T: DeserializeOwned>(
        &self,
        token: &str,
        typ: &str,
        issuer_of: impl Fn(&T) -> &str,
    ) -> Result<Parsed<T>, Refusal> {
        let parsed: Parsed<T> = jws::parse(token, typ, MAX_CHARS)?;
        let issuer = issuer_of(&parsed.claims);
        if issuer == self.me() || self.peer(issuer).is_none() {
            return Err(Refusal::UnknownIssuer);
        }
        match self.ports.credential_keys.verify(
            issuer,
            &parsed.header,
            parsed.signing_input.as_bytes(),
            &parsed.signature,
        ) {
            KeyCheck::Valid => Ok(parsed),
            KeyCheck::UnknownIssuer => Err(Refusal::UnknownIssuer),
            KeyCheck::UnknownKey => Err(Refusal::UnknownKey),
            KeyCheck::WrongAlgorithm => Err(Refusal::Algorithm),
            KeyCheck::BadSignature => Err(Refusal::BadSignature),
        }
    }

    /// Accepts a message id once (kept past its skew minute).
    async fn first_time(&self, issuer: &str, jti: &str, exp: i64) -> Result<(), Refusal> {
        let keep_until = (exp + CLOCK_SKEW_SECS + 1) * 1000;
        match self
            .ports
            .roaming
            .claim_message(issuer, jti, keep_until)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(Refusal::Replayed),
            Err(e) => Err(Refusal::internal("recording a roaming message id", e)),
        }
    }

    /// Records a refusal that names a platform (a login started here, a
    /// message whose issuer can be read); text from nowhere is refused
    /// without a record, so that nobody can fill the log with it.
    async fn audit_refusal(&self, issuer: &str, refusal: Refusal, actor: &Actor) {
        if issuer.is_empty() {
            return;
        }
        // An internal failure's reference goes with it, to find its log.
        let reason = match refusal.reference() {
            Some(reference) => format!("{} ref={reference}", refusal.code()),
            None => refusal.code().to_string(),
        };
        if let Err(e) = self
            .ports
            .roaming
            .record_refusal(issuer, &reason, actor)
            .await
        {
            tracing::error!(error = %e, "recording a roaming refusal failed");
        }
    }

    // ---- the visited platform -------------------------------------------

    /// Step 1: where to send the browser to log in at `home`.
    pub fn depart(&self, home: &str) -> Result<Departure, AppError> {
        let peer = self.peer(home).ok_or_else(no_such_peer)?;
        let state = random_token(rand::random());
        let nonce = random_token(rand::random());
        let me = self.me();
        Ok(Departure {
            location: format!(
                "{}{AUTHORIZE_PATH}?{}",
                peer.base_url.trim_end_matches('/'),
                query(&[("aud", &me), ("state", &state), ("nonce", &nonce)])
            ),
            state_cookie: state_cookie(&state, &nonce, home),
        })
    }

    /// Step 3, as the visited platform: the code exchanged with the home
    /// platform the state cookie names, the assertion checked, the roaming
    /// account opened. Every refusal is audited.
    pub async fn arrive(
        &self,
        code: &str,
        state: &str,
        cookie: Option<&str>,
        actor: &Actor,
    ) -> Result<i64, Refusal> {
        let started = cookie.and_then(read_state_cookie);
        let home = started.as_ref().map(|s| s.2.clone()).unwrap_or_default();
        let result = self.arrive_checked(code, state, started).await;
        if let Err(refusal) = result {
            self.audit_refusal(&home, refusal, actor).await;
        }
        let (subject, facts) = result?;
        let open = || {
            self.ports
                .roaming
                .open_roaming_account(&home, &subject, &facts, actor)
        };
        // Two first logins of one person at once (two tabs): the second
        // to write finds the account the first made when it tries again.
        let opened = match open().await {
            Err(PortError::Conflict(_)) => open().await,
            other => other,
        };
        match opened {
            Ok(Ok(account_id)) => Ok(account_id),
            Ok(Err(refused)) => {
                let refusal = match refused {
                    OpenRefused::LocalAccount => Refusal::LocalAccount,
                    OpenRefused::Disabled => Refusal::Disabled,
                    OpenRefused::IdentityChanged => Refusal::IdentityChanged,
                };
                self.audit_refusal(&home, refusal, actor).await;
                Err(refusal)
            }
            Err(e) => Err(Refusal::internal(
                &format!("opening the roaming account of {home}:{subject}"),
                e,
            )),
        }
    }

    async fn arrive_checked(
        &self,
        code: &str,
        state: &str,
        started: Option<(String, String, String)>,
    ) -> Result<(String, HomeFacts), Refusal> {
        let Some((expected_state, nonce, home)) = started else {
            return Err(Refusal::StateMismatch);
        };
        if state != expected_state {
            return Err(Refusal::StateMismatch);
        }
        let peer = self.peer(&home).ok_or(Refusal::UnknownIssuer)?;
        if !well_formed_token(code) {
            return Err(Refusal::CodeRefused);
        }
        let now = self.now_secs();
        let request = TokenRequest {
            iss: self.me(),
            aud: home.clone(),
            iat: now,
            exp: now + MESSAGE_MAX_SECS,
            jti: random_token(rand::random()),
            code: code.to_string(),
        };
        let answer = self
            .ports
            .peer_link
            .exchange(&peer.base_url, &self.sign(TYP_REQUEST, &request))
            .await
            .map_err(|e| match e {
                PeerError::Refused(_) => Refusal::CodeRefused,
                PeerError::Unreachable(why) => {
                    tracing::warn!(home = %home, why = %why, "the home platform did not answer the exchange");
                    Refusal::HomeUnreachable
                }
            })?;
        let assertion: Parsed<Assertion> =
            self.verified(&answer, TYP_ASSERTION, |a: &Assertion| &a.iss)?;
        let a = assertion.claims;
        check_assertion(&a, &home, &self.me(), &nonce, now)?;
        self.first_time(&a.iss, &a.jti, a.exp).await?;
        let person = a.person.checked().ok_or(Refusal::Malformed)?;
        Ok((
            a.sub,
            HomeFacts {
                person,
                vehicles: a.vehicles,
            },
        ))
    }

    /// Step 4, as the visited platform: a notice from a home platform ends
    /// the person's roaming sessions here.
    pub async fn receive_notice(&self, token: &str, actor: &Actor) -> Result<usize, Refusal> {
        let result = self.notice_checked(token).await;
        let notice = match result {
            Ok(n) => n,
            Err(refusal) => {
                let issuer = jws::parse::<Notice>(token, TYP_NOTICE, MAX_CHARS)
                    .map(|p| p.claims.iss)
                    .unwrap_or_default();
                self.audit_refusal(&issuer, refusal, actor).await;
                return Err(refusal);
            }
        };
        self.ports
            .roaming
            .end_roaming_sessions(&notice.iss, &notice.sub, notice.event, actor)
            .await
            .map_err(|e| {
                Refusal::internal(
                    &format!(
                        "ending the roaming sessions of {}:{}",
                        notice.iss, notice.sub
                    ),
                    e,
                )
            })
    }

    async fn notice_checked(&self, token: &str) -> Result<Notice, Refusal> {
        let n = self
            .verified(token, TYP_NOTICE, |n: &Notice| &n.iss)?
            .claims;
        if n.aud != self.me() {
            return Err(Refusal::WrongAudience);
        }
        check_window(n.iat, n.exp, self.now_secs(), MESSAGE_MAX_SECS)?;
        self.first_time(&n.iss, &n.jti, n.exp).await?;
        Ok(n)
    }

    // ---- the home platform ----------------------------------------------

    /// Step 2: what the person is asked to agree to. Refuses a platform
    /// not trusted, a malformed state or nonce, and anyone but an
    /// individual user.
    pub async fn consent(
        &self,
        account: &SessionAccount,
        aud: &str,
        state: &str,
        nonce: &str,
    ) -> Result<ConsentView, AppError> {
        if !matches!(account.role, AccountRole::Individual { .. })
            || account.operator.is_some()
            || account.roaming_from.is_some()
        {
            return Err(AppError::not_allowed(
                Text::new(Refusal::NotIndividual.zh(), Refusal::NotIndividual.en()),
                Text::new(
                    "请使用个人用户账户登录后再试。",
                    "Log in with an individual user's account and try again.",
                ),
            ));
        }
        let peer = self.peer(aud).ok_or_else(no_such_peer)?;
        if !well_formed_token(state) || !well_formed_token(nonce) {
            return Err(AppError::Malformed(
                "state and nonce are 32 lowercase hexadecimal characters".into(),
            ));
        }
        let facts = self
            .ports
            .roaming
            .home_facts(account.account_id)
            .await?
            .ok_or(AppError::NotLoggedIn)?;
        Ok(ConsentView {
            peer_province: peer.province.clone(),
            peer_name_zh: peer.name_zh.clone(),
            peer_name_en: peer.name_en.clone(),
            name: facts.person.name,
            id_number_masked: account.id_number_masked.clone().unwrap_or_default(),
            phone_masked: account.phone_masked.clone(),
            plates: facts.vehicles.into_iter().map(|v| v.plate).collect(),
        })
    }

    /// Step 2, agreed: a one-time code for `aud`, and the address that
    /// takes the browser back there with it.
    pub async fn grant(
        &self,
        account: &SessionAccount,
        aud: &str,
        state: &str,
        nonce: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        self.consent(account, aud, state, nonce).await?;
        let peer = self.peer(aud).ok_or_else(no_such_peer)?;
        let code = random_token(rand::random());
        self.ports
            .roaming
            .grant_code(
                account.account_id,
                aud,
                nonce,
                &sha256_hex(&code),
                self.now_ms + CODE_SECS * 1000,
                actor,
            )
            .await?;
        Ok(format!(
            "{}{CALLBACK_PATH}?{}",
            peer.base_url.trim_end_matches('/'),
            query(&[("code", &code), ("state", state)])
        ))
    }

    /// Step 3, as the home platform: a peer's signed token request
    /// answered with the assertion behind its code. Refusals are audited.
    pub async fn answer_exchange(&self, token: &str, actor: &Actor) -> Result<String, Refusal> {
        let result = self.exchange_checked(token).await;
        if let Err(refusal) = result {
            let issuer = jws::parse::<TokenRequest>(token, TYP_REQUEST, MAX_CHARS)
                .map(|p| p.claims.iss)
                .unwrap_or_default();
            self.audit_refusal(&issuer, refusal, actor).await;
        }
        result
    }

    async fn exchange_checked(&self, token: &str) -> Result<String, Refusal> {
        let r = self
            .verified(token, TYP_REQUEST, |r: &TokenRequest| &r.iss)?
            .claims;
        if r.aud != self.me() {
            return Err(Refusal::WrongAudience);
        }
        let now = self.now_secs();
        check_window(r.iat, r.exp, now, MESSAGE_MAX_SECS)?;
        self.first_time(&r.iss, &r.jti, r.exp).await?;
        let internal =
            |e: PortError| Refusal::internal(&format!("answering {}'s roaming exchange", r.iss), e);
        let (account_id, nonce) = self
            .ports
            .roaming
            .redeem_code(&sha256_hex(&r.code), &r.iss, self.now_ms)
            .await
            .map_err(internal)?
            .ok_or(Refusal::CodeRefused)?;
        let facts = self
            .ports
            .roaming
            .home_facts(account_id)
            .await
            .map_err(internal)?
            .ok_or(Refusal::CodeRefused)?;
        let assertion = Assertion {
            iss: self.me(),
            aud: r.iss,
            sub: account_id.to_string(),
            iat: now,
            exp: now + ASSERTION_MAX_SECS,
            jti: random_token(rand::random()),
            nonce,
            person: facts.person,
            vehicles: facts.vehicles,
        };
        Ok(self.sign(TYP_ASSERTION, &assertion))
    }
}
