//! The server functions of the unit's open API keys; each starts with
//! `require_unit_agent`: only the unit's own account manages keys, never an
//! operator.

use super::ApiKeysPage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{ApiKeyDesk, KeyForm},
    super::NEW_KEY_COOKIE,
    crate::features::accounts::session::{request_cookie, require_unit_agent, set_cookie},
    crate::features::request::{actor, keep_typed, ports, redirect_to},
};

#[cfg(feature = "ssr")]
const PAGE: &str = "/unit/api-keys";

/// The unit's keys, and the key just created, shown this once (the cookie
/// that carried it is cleared).
#[server(prefix = "/api", endpoint = "unit/api_keys", output = crate::wire::JsonAnswer)]
pub async fn unit_api_keys() -> Result<ApiKeysPage, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    let revealed = request_cookie(NEW_KEY_COOKIE);
    let page = ApiKeyDesk::of(&ports)
        .page(&account, revealed.as_deref())
        .await?;
    // Shown: cleared (a page that failed leaves it for a reload).
    if revealed.is_some() {
        set_cookie(&ports, NEW_KEY_COOKIE, "", 0, "Strict");
    }
    Ok(page)
}

/// Creates a key. The key goes back to the page once, in a cookie that
/// lasts a minute; the answer carries only its public part.
#[server(prefix = "/api", endpoint = "unit/create_api_key", output = crate::wire::JsonAnswer)]
pub async fn create_api_key(
    name: String,
    #[server(default)] scopes: Vec<String>,
    days: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    let form = KeyForm { name, scopes, days };
    match ApiKeyDesk::of(&ports)
        .create(&account, &form, &actor())
        .await
    {
        Ok(key) => {
            set_cookie(&ports, NEW_KEY_COOKIE, &key, 60, "Strict");
            redirect_to(&format!("{PAGE}?done=created#new-key"));
            Ok(())
        }
        Err(e) => {
            let scopes = form.scopes.join(",");
            keep_typed(
                &ports,
                &[
                    ("name", &form.name),
                    ("scopes", &scopes),
                    ("days", &form.days),
                ],
            );
            Err(e)
        }
    }
}

/// Revokes a key at once.
#[server(prefix = "/api", endpoint = "unit/revoke_api_key", output = crate::wire::JsonAnswer)]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_agent()?;
    ApiKeyDesk::of(&ports)
        .revoke(&account, id, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?done=revoked"));
    Ok(())
}
