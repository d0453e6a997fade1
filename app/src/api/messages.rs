//! The message centre (消息中心): what happened to the person's business,
//! newest first (each entry was also sent by SMS).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub created_at_ms: i64,
    pub title: String,
    pub body: String,
    /// A page of the portal it is about (may be empty).
    pub link: String,
    pub read: bool,
}

/// The newest messages; opening the centre marks them read.
#[server(prefix = "/api", endpoint = "my_messages")]
pub async fn my_messages() -> Result<Vec<Message>, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let messages = ports
        .messages
        .messages(account.account_id, 100)
        .await
        .map_err(port("list messages"))?;
    ports
        .messages
        .mark_all_read(account.account_id, ports.clock.now_ms())
        .await
        .map_err(port("mark messages read"))?;
    Ok(messages)
}

/// How many messages the logged-in person has not read (0 when nobody is
/// logged in or for staff, who get no messages). Shown in the menu.
#[server(prefix = "/api", endpoint = "unread_message_count")]
pub async fn unread_message_count() -> Result<i64, AppError> {
    use super::server::*;
    let Some(account) = current_account().filter(|a| !a.is_staff()) else {
        return Ok(0);
    };
    ports()?
        .messages
        .unread_count(account.account_id)
        .await
        .map_err(port("count unread messages"))
}
