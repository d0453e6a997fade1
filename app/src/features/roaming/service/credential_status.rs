//! Asking a credential's issuer whether it still holds (凭证状态查询,
//! `domain::roaming::credential_status`): as the verifier, the question
//! signed and sent and the answer checked; as the issuer, a peer's
//! question checked, audited when refused, and answered from the records.

use super::RoamingDesk;
use crate::domain::credential::CredentialKind;
use crate::domain::jws;
use crate::domain::roaming::credential_status::{
    answer_to, check_status_answer, check_status_request, IssuerSays, StatusAnswer, StatusRequest,
    STATUS_REQUEST_SECS, TYP_STATUS, TYP_STATUS_REQUEST,
};
use crate::domain::roaming::{random_token, Refusal, MAX_CHARS};
use crate::features::port::Actor;
use crate::features::roaming::port::PeerError;

impl RoamingDesk<'_> {
    /// As the verifier: asks `issuer`, a trusted peer, what its records say
    /// of its credential `credential` of `kind`. `Err` says why there is no
    /// usable answer (unreachable, refused, an answer that does not check,
    /// or too many questions under way); it is logged here. What was learnt
    /// is reused for a while (`peer_answers`), so the public page cannot
    /// make this platform ask a peer at every visit.
    pub async fn ask_issuer(
        &self,
        issuer: &str,
        credential: &str,
        kind: CredentialKind,
    ) -> Result<IssuerSays, String> {
        let answers = &self.ports.peer_answers;
        if let Some(known) = answers.recall(issuer, credential, kind.code(), self.now_ms) {
            return known;
        }
        // Only what the peer was asked is remembered: being busy here says
        // nothing of the peer.
        let result = match answers.begin() {
            Some(_slot) => {
                let learnt = self.ask_issuer_checked(issuer, credential, kind).await;
                answers.remember(issuer, credential, kind.code(), &learnt, self.now_ms);
                learnt
            }
            None => Err("too many status questions to peers under way".to_string()),
        };
        if let Err(why) = &result {
            tracing::warn!(issuer = %issuer, credential = %credential, why = %why,
                "the issuer's answer on a credential's status was not usable");
        }
        result
    }

    async fn ask_issuer_checked(
        &self,
        issuer: &str,
        credential: &str,
        kind: CredentialKind,
    ) -> Result<IssuerSays, String> {
        let peer = self
            .peer(issuer)
            .ok_or_else(|| format!("{issuer} is not on the trust list"))?;
        let now = self.now_secs();
        let request = StatusRequest {
            iss: self.me(),
            aud: issuer.to_string(),
            iat: now,
            exp: now + STATUS_REQUEST_SECS,
            jti: random_token(rand::random()),
            credential: credential.to_string(),
            kind: kind.code().to_string(),
        };
        let answer = self
            .ports
            .peer_link
            .credential_status(&peer.base_url, &self.sign(TYP_STATUS_REQUEST, &request))
            .await
            .map_err(|e| match e {
                PeerError::Refused(code) => format!("refused the request: {code}"),
                PeerError::Unreachable(why) => format!("unreachable: {why}"),
            })?;
        let refused = |r: Refusal| format!("its answer did not check: {}", r.code());
        let parsed = self
            .verified(&answer, TYP_STATUS, |a: &StatusAnswer| &a.iss)
            .map_err(refused)?;
        check_status_answer(&parsed.claims, &request, self.now_secs()).map_err(refused)
    }

    /// As the issuer: a peer's signed status request answered from the
    /// records. Refusals of a request in a trusted peer's name are audited;
    /// one naming no peer is only traced (anyone can send text, and it
    /// must not fill the audit log).
    pub async fn answer_credential_status(
        &self,
        token: &str,
        actor: &Actor,
    ) -> Result<String, Refusal> {
        let result = self.credential_status_checked(token).await;
        if let Err(refusal) = result {
            let issuer = jws::parse::<StatusRequest>(token, TYP_STATUS_REQUEST, MAX_CHARS)
                .map(|p| p.claims.iss)
                .unwrap_or_default();
            if self.peer(&issuer).is_some() {
                self.audit_refusal(&issuer, refusal, actor).await;
            } else {
                tracing::info!(issuer = %issuer, refusal = refusal.code(),
                    "a credential status request naming no trusted peer was refused");
            }
        }
        result
    }

    async fn credential_status_checked(&self, token: &str) -> Result<String, Refusal> {
        let r = self
            .verified(token, TYP_STATUS_REQUEST, |r: &StatusRequest| &r.iss)?
            .claims;
        let now = self.now_secs();
        check_status_request(&r, &self.me(), now)?;
        self.first_time(&r.iss, &r.jti, r.exp).await?;
        let record = self
            .ports
            .credentials
            .credential_on_record(&r.credential)
            .await
            .map_err(|e| {
                Refusal::internal(
                    &format!("answering {}'s credential status request", r.iss),
                    e,
                )
            })?
            // A record of another kind is no record of this credential.
            .filter(|record| record.kind.code() == r.kind)
            .map(|record| (record.revoked_at_ms, record.licence_status_now));
        let answer = answer_to(&r, &self.me(), random_token(rand::random()), now, record);
        Ok(self.sign(TYP_STATUS, &answer))
    }
}
