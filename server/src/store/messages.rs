//! The message centre (消息中心) in the store: the list, marking read and
//! the unread count shown in the menu on every page; and telling the
//! account holder (a message and an SMS) inside the caller's transaction.

use super::{port, Store, StoreResult, Tx};
use app::domain::Sms;
use app::features::paging::{ListPage, PageRequest};
use app::ports::*;
use async_trait::async_trait;

/// The start of a message-centre entry's INSERT, up to its values:
/// account_id, created_at, title, body, link.
macro_rules! into_messages {
    () => {
        "INSERT INTO messages (account_id, created_at, title, body, link) "
    };
}
pub(super) use into_messages;

impl Store {
    /// Tells the account holder: a message-centre entry (the template's
    /// title and text) and the SMS to the account's phone, inside the
    /// caller's transaction. Returns the number texted, if any, so that a
    /// caller telling more numbers skips it.
    pub(crate) async fn notify_in(
        tx: &mut Tx,
        account_id: i64,
        sms: &Sms,
        link: &str,
        now_ms: i64,
    ) -> StoreResult<Option<String>> {
        Store::message_in(tx, &[account_id], sms, link, now_ms).await?;
        super::sms_outbox::enqueue_for_account_in(tx, account_id, sms, now_ms).await
    }

    /// The same message-centre entry (站内消息) for each of the accounts,
    /// inside the caller's transaction: the template's title and text.
    pub(crate) async fn message_in(
        tx: &mut Tx,
        account_ids: &[i64],
        sms: &Sms,
        link: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        let (title, body) = (sms.title(), sms.text());
        for account_id in account_ids {
            sqlx::query(concat!(into_messages!(), "VALUES ($1, $2, $3, $4, $5)"))
                .bind(account_id)
                .bind(now_ms)
                .bind(title)
                .bind(&body)
                .bind(link)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// An SMS (短信) to `phone`, queued in the outbox inside the caller's
    /// transaction: it is sent only if the change commits, and the outbox
    /// worker delivers it afterwards ([`crate::sms`]).
    pub(crate) async fn sms_in(
        tx: &mut Tx,
        phone: &str,
        sms: &Sms,
        now_ms: i64,
    ) -> StoreResult<()> {
        super::sms_outbox::enqueue_in(tx, phone, sms, now_ms).await
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    created_at: i64,
    title: String,
    body: String,
    link: String,
    read_at: Option<i64>,
}

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Message {
        Message {
            id: row.id,
            created_at_ms: row.created_at,
            title: row.title,
            body: row.body,
            link: row.link,
            read: row.read_at.is_some(),
        }
    }
}

#[async_trait]
impl Messages for Store {
    async fn messages(&self, account_id: i64, page: PageRequest) -> PortResult<ListPage<Message>> {
        port("messages", async {
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<MessageRow> = sqlx::query_as(
                "SELECT id, created_at, title, body, link, read_at FROM messages WHERE account_id = $1
                 ORDER BY id DESC LIMIT $2 OFFSET $3",
            )
            .bind(account_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            Ok(ListPage::new(
                rows.into_iter().map(Into::into).collect(),
                total,
                page,
            ))
        })
        .await
    }

    async fn mark_read(
        &self,
        account_id: i64,
        first_id: i64,
        last_id: i64,
        now_ms: i64,
    ) -> PortResult<()> {
        port("mark_read", async {
            sqlx::query(
                "UPDATE messages SET read_at = $1
                 WHERE account_id = $2 AND id >= $3 AND id <= $4 AND read_at IS NULL",
            )
            .bind(now_ms)
            .bind(account_id)
            .bind(first_id)
            .bind(last_id)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
        .await
    }

    async fn unread_count(&self, account_id: i64) -> PortResult<i64> {
        port("unread_count", async {
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM messages WHERE account_id = $1 AND read_at IS NULL",
            )
            .bind(account_id)
            .fetch_one(&self.pool)
            .await?)
        })
        .await
    }
}
