//! Who may submit or see a licence photo: the holder of a bound own licence.

use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::ports::Ports;

/// The ID number of the account's bound own licence, if any: only its
/// holder submits or sees the photo.
pub async fn photo_holder(
    ports: &Ports,
    account: &SessionAccount,
) -> Result<Option<String>, AppError> {
    let Some(id) = account.person_id() else {
        return Ok(None);
    };
    let bound = ports
        .bindings
        .licence(account.account_id, id)
        .await?
        .is_some_and(|l| l.bound);
    Ok(bound.then(|| id.to_string()))
}
