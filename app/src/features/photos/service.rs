//! Who may submit or see a licence photo: the holder of a bound own licence.

use crate::error::AppError;
use crate::features::bindings::port::OwnerKey;
use crate::ports::Ports;

/// The ID number of the account's bound own licence, if any: only its
/// holder submits or sees the photo.
pub async fn photo_holder(ports: &Ports, account_id: i64) -> Result<Option<String>, AppError> {
    let Some(OwnerKey::Person(id)) = ports.bindings.account_owner(account_id).await? else {
        return Ok(None);
    };
    let bound = ports
        .bindings
        .licence(account_id, &id)
        .await?
        .is_some_and(|l| l.bound);
    Ok(bound.then_some(id))
}
