//! The port of the open API's keys: the unit's keys, and what the server's
//! API gate reads of a presented key (its record, the calls it made this
//! minute) and writes (each call, audited with the key).

use super::ApiKeyRow;
use crate::domain::api_key::ApiScope;
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A key to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub account_id: i64,
    pub public_id: String,
    pub secret_digest: String,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at_ms: i64,
}

/// A presented key as stored, with whether its unit is still in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyOnRecord {
    pub id: i64,
    pub account_id: i64,
    pub public_id: String,
    pub secret_digest: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub account_disabled: bool,
}

/// One call through the open API, for the audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCall<'a> {
    /// The key as the unit's list names it (`jgk_…`).
    pub public_id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
}

/// The open API's keys (开放接口密钥).
#[async_trait]
pub trait ApiKeys: Send + Sync {
    /// Stores the key unless the unit holds `max_active` active keys
    /// already (counted in the same transaction); audits. Answers its id,
    /// or None when there are too many.
    async fn create_key(
        &self,
        new: &NewApiKey,
        max_active: usize,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    /// The unit's keys, newest first.
    async fn unit_keys(&self, account_id: i64, now_ms: i64) -> PortResult<Vec<ApiKeyRow>>;
    /// Revokes the unit's key at once; audits. False: not the unit's, or
    /// revoked already.
    async fn revoke_key(&self, account_id: i64, id: i64, actor: &Actor) -> PortResult<bool>;
    /// The key with this public id.
    async fn key_by_public_id(&self, public_id: &str) -> PortResult<Option<KeyOnRecord>>;
    /// Counts a call of the key in this minute and notes it as used;
    /// answers the minute's calls so far, this one included. Once the
    /// count is past `limit`, calls are answered without a write (a client
    /// that keeps on calling costs reads only).
    async fn count_call(
        &self,
        key_id: i64,
        minute: i64,
        now_ms: i64,
        limit: i64,
    ) -> PortResult<i64>;
    /// Audits one call (`api.call`), or a key on record refused
    /// (`api_key.refused`, with why).
    async fn audit_call(
        &self,
        call: &ApiCall<'_>,
        refused: Option<&str>,
        actor: &Actor,
    ) -> PortResult<()>;
    /// Deletes the call counts of minutes before `minute`.
    async fn delete_old_calls(&self, minute: i64) -> PortResult<usize>;
}
