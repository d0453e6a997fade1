//! Telling a vehicle's owner (机动车所有人) what someone else did with their
//! vehicle — bound it, handled one of its violations: an SMS to the phone
//! on record for the vehicle, and a message-centre entry for every account
//! of the owner. Inside the caller's transaction.

use super::{Store, StoreResult, Tx};
use app::domain::Sms;

impl Store {
    /// Tells the owner of the vehicle; the message (a template) comes from
    /// the domain.
    pub(crate) async fn tell_owner_in(
        tx: &mut Tx,
        vehicle_id: i64,
        sms: &Sms,
        now_ms: i64,
    ) -> StoreResult<()> {
        let (owner_kind, owner_id, phone): (String, String, Option<String>) =
            sqlx::query_as("SELECT owner_kind, owner_id, phone FROM vehicles WHERE id = $1")
                .bind(vehicle_id)
                .fetch_one(&mut **tx)
                .await?;
        let accounts = if owner_kind == "person" {
            "SELECT id FROM accounts WHERE kind = 'individual' AND id_number = $1"
        } else {
            "SELECT id FROM accounts WHERE kind = 'unit' AND credit_code = $1"
        };
        let owners: Vec<i64> = sqlx::query_scalar(accounts)
            .bind(&owner_id)
            .fetch_all(&mut **tx)
            .await?;
        Store::message_in(tx, &owners, sms, "/account/vehicles", now_ms).await?;
        if let Some(phone) = phone.filter(|p| !p.is_empty()) {
            Store::sms_in(tx, &phone, sms, now_ms).await?;
        }
        Ok(())
    }

    /// The name an account is shown by (for a masked mention).
    pub(crate) async fn account_name_in(tx: &mut Tx, account_id: i64) -> StoreResult<String> {
        Ok(
            sqlx::query_scalar("SELECT display_name FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_one(&mut **tx)
                .await?,
        )
    }
}
