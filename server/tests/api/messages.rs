//! The message centre (消息中心) on both databases: messages come 20 a
//! page, newest first, and showing a page marks only its messages read.

use crate::helpers::*;
use app::features::messages::api::{MyMessages, UnreadMessageCount};

async fn messages_come_a_page_at_a_time_and_a_page_read_is_read(app: TestApp) {
    let role = "Online-registered individual";
    let client = logged_in(&app, role).await;
    let me = account_id(&app, role).await;
    let pool = &app.platform.store.pool;
    for i in 0..45_i64 {
        sqlx::query(
            "INSERT INTO messages (account_id, created_at, title, body, link) VALUES ($1, $2, $3, '正文', '')",
        )
        .bind(me)
        // Several at the same moment: the newer record first.
        .bind(1_780_000_000_000_i64 + i / 3)
        .bind(format!("测试消息{i}"))
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE messages SET read_at = NULL WHERE account_id = $1")
        .bind(me)
        .execute(pool)
        .await
        .unwrap();
    let total: i64 = app
        .scalar("SELECT COUNT(*) FROM messages WHERE account_id = $1", me)
        .await;
    let unread = || async {
        app.call_fn(&client, UnreadMessageCount {})
            .await
            .unwrap()
            .as_i64()
            .unwrap()
    };
    assert_eq!(unread().await, total, "{app}");
    // The first page shows its messages as new, then they are read; the
    // others stay unread.
    let first = app
        .call_fn(&client, MyMessages { page: None })
        .await
        .unwrap();
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 20, "{app}: {first}");
    assert!(items.iter().all(|m| m["read"] == false), "{app}: {first}");
    assert_eq!(unread().await, total - 20, "{app}");
    let (a, c) = (&app, &client);
    let rows = every_page(a, "messages", 20, total as usize, "id", |page| async move {
        a.call_fn(c, MyMessages { page }).await.unwrap()
    })
    .await;
    let expected: Vec<String> = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM messages WHERE account_id = $1 ORDER BY id DESC",
    )
    .bind(me)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(i64::to_string)
    .collect();
    assert_eq!(
        distinct_keys(&app, "messages", &rows, "id"),
        expected,
        "{app}"
    );
    assert_eq!(unread().await, 0, "{app}: every page read");
    // Nobody else's messages are among them.
    let others: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM messages WHERE account_id <> $1 AND read_at IS NOT NULL AND title LIKE '测试消息%'",
            me,
        )
        .await;
    assert_eq!(others, 0, "{app}");
}
both_backends!(messages_come_a_page_at_a_time_and_a_page_read_is_read);
