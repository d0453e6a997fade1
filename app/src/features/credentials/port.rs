//! The ports of signed credentials: the platform's signing keys and trust
//! list (the server's key ring), and the credentials issued, kept so that
//! the verification page knows revocation.

use crate::domain::credential::CredentialKind;
use crate::domain::jws::{Alg, Header};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use crate::profile::PeerKey;
use async_trait::async_trait;

/// What a key check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    Valid,
    /// The issuer is neither this platform nor a trusted peer.
    UnknownIssuer,
    /// The issuer is known but has no key by that id.
    UnknownKey,
    /// The key is of another algorithm than the header names.
    WrongAlgorithm,
    BadSignature,
}

/// This platform's signing keys and its trust list (信任列表): its own
/// keys, the current one signing and the older ones kept for checking, and
/// each trusted peer's public keys.
pub trait CredentialKeys: Send + Sync {
    /// This platform's province (the `iss` of what it signs), such as `冀`.
    fn issuer(&self) -> String;
    /// The id of the key that signs now.
    fn current_kid(&self) -> String;
    /// The algorithm of the key that signs now.
    fn current_alg(&self) -> Alg;
    /// Signs with the current key.
    fn sign(&self, message: &[u8]) -> Vec<u8>;
    /// Checks a signature of `issuer`'s key that `header` names (`kid`),
    /// which must be of the algorithm it names (`alg`).
    fn verify(&self, issuer: &str, header: &Header, message: &[u8], signature: &[u8]) -> KeyCheck;
    /// A trusted issuer's name (Chinese, English), this platform's included.
    fn issuer_name(&self, issuer: &str) -> Option<(String, String)>;
    /// This platform's public keys, for its key document.
    fn published_keys(&self) -> Vec<PublishedKey>;
}

/// One of this platform's public keys, as its key document lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedKey {
    /// The key as a peer's trust list names it (kid, curve, coordinates).
    pub key: PeerKey,
    /// The key that signs now (the others check older credentials).
    pub current: bool,
}

/// A credential to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCredential {
    pub jti: String,
    pub kind: CredentialKind,
    pub account_id: i64,
    /// What it is about: the licence's number for an electronic licence.
    pub subject: String,
    pub token: String,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
}

/// A credential the holder has now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldCredential {
    pub jti: String,
    pub token: String,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
}

/// A credential on record, as the verification page needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialOnRecord {
    pub kind: CredentialKind,
    /// When it was revoked, or its holder's account disabled.
    pub revoked_at_ms: Option<i64>,
    /// For an electronic licence: the licence's status now (GA code), if
    /// the registry still has it.
    pub licence_status_now: Option<String>,
}

/// The credentials this platform issued (电子凭证).
#[async_trait]
pub trait Credentials: Send + Sync {
    /// The holder's newest unrevoked credential of this kind about this
    /// subject that holds past `holds_past_ms`.
    async fn held_credential(
        &self,
        account_id: i64,
        kind: CredentialKind,
        subject: &str,
        holds_past_ms: i64,
    ) -> PortResult<Option<HeldCredential>>;
    /// Keeps a credential just signed.
    async fn record_credential(&self, new: &NewCredential) -> PortResult<()>;
    /// Revokes every credential of this kind the holder has that a check
    /// could still accept; audits (`credential.revoke`, with `reason`) when
    /// there was one. Answers how many.
    async fn revoke_credentials(
        &self,
        account_id: i64,
        kind: CredentialKind,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<usize>;
    /// The person's name as the registry has it (what a credential states).
    async fn registry_name(&self, id_number: &str) -> PortResult<Option<String>>;
    /// The credential with this id.
    async fn credential_on_record(&self, jti: &str) -> PortResult<Option<CredentialOnRecord>>;
    /// Deletes credentials that expired before `before_ms` (a check of
    /// one refuses it on its dates before asking the records).
    async fn delete_expired_credentials(&self, before_ms: i64) -> PortResult<usize>;
}
