//! The port of the message centre.

use super::Message;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// The message centre (消息中心).
#[async_trait]
pub trait Messages: Send + Sync {
    async fn messages(&self, account_id: i64, limit: i64) -> PortResult<Vec<Message>>;
    async fn mark_all_read(&self, account_id: i64, now_ms: i64) -> PortResult<()>;
    /// How many messages the account has not read (for the menu).
    async fn unread_count(&self, account_id: i64) -> PortResult<i64>;
}
