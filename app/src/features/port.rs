//! What every port shares: who acts (for the audit trail), the clock, and
//! the audit trail's own port (security events, the sealing job).

use crate::domain::audit::SecurityEvent;
use crate::domain::Date;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// Who did something and from where (for the audit trail, 审计日志).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The logged-in account, or None for an anonymous visitor.
    pub account_id: Option<i64>,
    pub ip: String,
    /// The unit's operator acting for the account (经办人), if any.
    pub operator_id: Option<i64>,
    /// The open API key the account's system called with (开放接口密钥,
    /// `jgk_…`, its public part), if it did.
    pub api_key: Option<String>,
}

/// Wall clock (China Standard Time dates); replaceable in tests.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn today(&self) -> Date {
        Date::from_unix_seconds(self.now_ms().div_euclid(1000), 8)
    }
}

/// The audit log's own port (审计日志): security events, recorded each in
/// its own transaction, and the job that seals entries into the hash chain
/// (`domain::audit::chain`).
#[async_trait]
pub trait AuditTrail: Send + Sync {
    /// Records a security event (安全事件): a refused login, a refused
    /// staff power, a refused cross-site request.
    async fn security_event(&self, actor: &Actor, event: &SecurityEvent) -> PortResult<()>;
    /// Seals, in id order, the entries not sealed yet that no open
    /// transaction can precede any more; answers how many. One sealer at
    /// a time: another server's run at the same moment seals nothing.
    async fn seal(&self, now_ms: i64) -> PortResult<usize>;
}
