//! Changing the phone on record (D3 for a driver, V4 for a vehicle's owner):
//! the registry, the audit record, and a notice to the account and to the
//! old number.

use super::{Store, StoreResult};
use app::domain::{PhoneNumber, Sms};
use app::ports::*;

impl Store {
    pub(super) async fn change_contact_in(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &PhoneNumber,
        actor: &Actor,
    ) -> StoreResult<()> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let (old, service): (Option<String>, &str) = match target {
            ContactTarget::Driver(id) => {
                let old: Option<String> =
                    sqlx::query_scalar("SELECT phone FROM persons WHERE id_number = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                sqlx::query("UPDATE persons SET phone = $1, updated_at = $2 WHERE id_number = $3")
                    .bind(phone.as_str())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                (old, "D3")
            }
            ContactTarget::Owner(vehicle_id) => {
                let old: Option<String> =
                    sqlx::query_scalar("SELECT phone FROM vehicles WHERE id = $1")
                        .bind(vehicle_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                sqlx::query("UPDATE vehicles SET phone = $1 WHERE id = $2")
                    .bind(phone.as_str())
                    .bind(vehicle_id)
                    .execute(&mut *tx)
                    .await?;
                (old, "V4")
            }
        };
        self.audit_in(
            &mut tx,
            actor,
            &format!("contact.change.{service}"),
            &format!("account:{account_id}"),
            &format!(
                "{label}: {} -> {}",
                old.as_deref()
                    .map(PhoneNumber::masked_or_stars)
                    .unwrap_or_default(),
                phone.masked()
            ),
        )
        .await?;
        let notice = Sms::contact_changed(label, &phone.masked());
        let texted = Store::notify_in(&mut tx, account_id, &notice, "/account", now).await?;
        // The old number is told too, once: unless it is the new one, or the
        // account's own number that the notice above has just texted.
        if let Some(old) =
            old.filter(|o| o != phone.as_str() && !o.is_empty() && Some(o) != texted.as_ref())
        {
            Store::sms_in(&mut tx, &old, &notice, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
