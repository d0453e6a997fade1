//! The message centre (消息中心) in the store: the list, marking read and
//! the unread count shown in the menu on every page.

use super::{db_error, Store};
use app::ports::*;
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl Messages for Store {
    async fn messages(&self, account_id: i64, limit: i64) -> PortResult<Vec<Message>> {
        sqlx::query(
            "SELECT id, created_at, title, body, link, read_at FROM messages WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list messages"))?
        .iter()
        .map(|row| {
            Ok(Message {
                id: row.try_get("id")?,
                created_at_ms: row.try_get("created_at")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                link: row.try_get("link")?,
                read: row.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db_error("read message"))
    }

    async fn mark_all_read(&self, account_id: i64, now_ms: i64) -> PortResult<()> {
        sqlx::query("UPDATE messages SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL")
            .bind(now_ms)
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(db_error("mark messages read"))?;
        Ok(())
    }

    async fn unread_count(&self, account_id: i64) -> PortResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM messages WHERE account_id = $1 AND read_at IS NULL")
            .bind(account_id)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_error("count unread messages"))
    }
}
