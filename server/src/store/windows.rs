//! The administrator's registration windows (注册窗口管理) in the store.

use super::port;
use super::Store;
use app::ports::*;
use async_trait::async_trait;

#[async_trait]
impl WindowAdmin for Store {
    async fn add_window(&self, new: NewWindow, actor: &Actor) -> PortResult<i64> {
        port("add_window", async {
            let mut tx = self.begin_write().await?;
            // Window ids are not generated: the seeded ones are numbered in
            // the order of the configuration file. Two administrators adding
            // at once take turns for the next number (on SQLite the write
            // gate already makes them).
            self.lock_keys(&mut tx, &["registration_windows:next_id"])
                .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO registration_windows (id, code, name, address, serves, phone)
                 SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, $5 FROM registration_windows
                 RETURNING id",
            )
            .bind(&new.code)
            .bind(&new.name)
            .bind(&new.address)
            .bind(if new.serves_units {
                "unit"
            } else {
                "individual"
            })
            .bind(&new.phone)
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "window.added",
                &format!("window:{id}"),
                &format!("{} {}", new.code, new.name),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn update_window(
        &self,
        id: i64,
        name: &str,
        address: &str,
        phone: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("update_window", async {
            let mut tx = self.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE registration_windows SET name = $1, address = $2, phone = $3 WHERE id = $4",
            )
            .bind(name)
            .bind(address)
            .bind(phone)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            self.audit_in(
                &mut tx,
                actor,
                "window.updated",
                &format!("window:{id}"),
                &format!("{name}; {address}; {phone}"),
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }
}
