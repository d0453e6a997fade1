//! Staff accounts (民警、管理员): created from the command line.

use super::{Store, StoreResult};
use app::domain::StaffRole;
use app::ports::*;

/// Creates a staff account (administrator bootstrap and clerks).
pub async fn create_staff(
    store: &Store,
    username: &str,
    display_name: &str,
    role: StaffRole,
    window_id: Option<i64>,
    password_hash: &str,
) -> StoreResult<i64> {
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, created_at)
         VALUES ('staff', $1, $2, $3, '', $4, $5, $6) RETURNING id",
    )
    .bind(username)
    .bind(role.code())
    .bind(display_name)
    .bind(password_hash)
    .bind(window_id)
    .bind(store.clock.now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let actor = Actor {
        account_id: None,
        ip: "cli".into(),
    };
    store
        .audit_in(
            &mut tx,
            &actor,
            "account.staff_created",
            &format!("staff:{username}"),
            role.code(),
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}
