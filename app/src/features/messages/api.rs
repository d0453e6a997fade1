//! The message centre's server functions.

use super::Message;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::features::accounts::session::{current_account, require_account},
    crate::features::request::ports,
};

/// The newest messages; opening the centre marks them read.
#[server(prefix = "/api", endpoint = "my_messages")]
pub async fn my_messages() -> Result<Vec<Message>, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let messages = ports.messages.messages(account.account_id, 100).await?;
    ports
        .messages
        .mark_all_read(account.account_id, ports.clock.now_ms())
        .await?;
    Ok(messages)
}

/// How many messages the logged-in person has not read (0 when nobody is
/// logged in or for staff, who get no messages). Shown in the menu.
#[server(prefix = "/api", endpoint = "unread_message_count")]
pub async fn unread_message_count() -> Result<i64, AppError> {
    let Some(account) = current_account().filter(|a| !a.is_staff()) else {
        return Ok(0);
    };
    Ok(ports()?.messages.unread_count(account.account_id).await?)
}
