//! The ports of the message centre and of the SMS gateway.

use super::Message;
use crate::features::paging::{ListPage, PageRequest};
use crate::port_error::PortResult;
use async_trait::async_trait;

/// The message centre (消息中心).
#[async_trait]
pub trait Messages: Send + Sync {
    /// One page of the account's messages, newest first.
    async fn messages(&self, account_id: i64, page: PageRequest) -> PortResult<ListPage<Message>>;
    /// Marks the account's messages with ids from `first_id` to `last_id`
    /// read (those one page showed).
    async fn mark_read(
        &self,
        account_id: i64,
        first_id: i64,
        last_id: i64,
        now_ms: i64,
    ) -> PortResult<()>;
    /// How many messages the account has not read (for the menu).
    async fn unread_count(&self, account_id: i64) -> PortResult<i64>;
}

/// What the SMS provider answered when it accepted a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsAccepted {
    /// The provider's id for the message (Alibaba Cloud's `BizId`), to
    /// look up its delivery receipt; None when the adapter has none.
    pub provider_message_id: Option<String>,
}

/// Why the provider did not take a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsRefused {
    /// Worth trying again later (rate limit, provider or network trouble).
    Retryable(String),
    /// Trying again cannot help (invalid number, template not approved…).
    Permanent(String),
}

impl SmsRefused {
    pub fn reason(&self) -> &str {
        match self {
            SmsRefused::Retryable(r) | SmsRefused::Permanent(r) => r,
        }
    }
}

/// The SMS gateway (短信网关): hands one templated message for one mobile
/// number to the provider. Called only by the outbox worker, never while
/// a request waits.
#[async_trait]
pub trait SmsGateway: Send + Sync {
    /// A short name for logs ("log", "aliyun").
    fn name(&self) -> &'static str;
    async fn send(
        &self,
        phone: &crate::domain::PhoneNumber,
        sms: &crate::domain::Sms,
    ) -> Result<SmsAccepted, SmsRefused>;
}

/// The SMS outbox (短信发件箱) as the scheduled jobs see it: deliver what is
/// due through the gateway, with retries and backoff. Safe when every app
/// server runs it at once.
#[async_trait]
pub trait SmsOutbox: Send + Sync {
    /// Delivers the due messages; answers how many the provider took.
    async fn deliver_due(&self) -> PortResult<usize>;
}
