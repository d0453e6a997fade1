//! The message centre's server functions.

use super::Message;
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::features::accounts::session::{current_account, require_citizen},
    crate::features::paging::{PageRequest, PAGE_ROWS},
    crate::features::request::ports,
};

/// One page (`page` from 1, 20 a page) of the messages, newest first;
/// showing a page marks its messages read (they still show as new on it).
#[server(prefix = "/api", endpoint = "my_messages", output = crate::wire::JsonAnswer)]
pub async fn my_messages(
    #[server(default)] page: Option<String>,
) -> Result<ListPage<Message>, AppError> {
    let ports = ports()?;
    let account = require_citizen()?;
    let page = PageRequest::parse(page.as_deref(), PAGE_ROWS)?;
    let messages = ports.messages.messages(account.account_id, page).await?;
    let ids = messages.items.iter().map(|m| m.id);
    if let (Some(first), Some(last)) = (ids.clone().min(), ids.max()) {
        ports
            .messages
            .mark_read(account.account_id, first, last, ports.clock.now_ms())
            .await?;
    }
    Ok(messages)
}

/// How many messages the logged-in person has not read (0 when nobody is
/// logged in or for staff, who get no messages). Shown in the menu.
#[server(prefix = "/api", endpoint = "unread_message_count", output = crate::wire::JsonAnswer)]
pub async fn unread_message_count() -> Result<i64, AppError> {
    // Staff and a unit's operators have no message centre.
    let Some(account) = current_account().filter(|a| !a.is_staff() && a.operator.is_none()) else {
        return Ok(0);
    };
    Ok(ports()?.messages.unread_count(account.account_id).await?)
}
