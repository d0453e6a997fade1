//! The server functions of roaming: on the home platform, what the person
//! agrees to and the agreement itself; on any platform, the provinces
//! whose accounts may log in here.

use super::{ConsentView, RoamingHome};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::RoamingDesk,
    crate::features::accounts::session::require_account,
    crate::features::request::{actor, ports, redirect_to},
};

/// What the platform `aud` asks to be told (the consent page, step 2).
#[server(prefix = "/api", endpoint = "roaming/consent", output = crate::wire::JsonAnswer)]
pub async fn roaming_consent(
    aud: String,
    state: String,
    nonce: String,
) -> Result<ConsentView, AppError> {
    let ports = ports()?;
    let account = require_account()?;
    RoamingDesk::of(&ports)
        .consent(&account, &aud, &state, &nonce)
        .await
}

/// Agrees: the browser goes back to `aud` with a one-time code (同意并登录).
#[server(prefix = "/api", endpoint = "roaming/grant", output = crate::wire::JsonAnswer)]
pub async fn grant_roaming(aud: String, state: String, nonce: String) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_account()?;
    let location = RoamingDesk::of(&ports)
        .grant(&account, &aud, &state, &nonce, &actor())
        .await?;
    redirect_to(&location);
    Ok(())
}

/// The provinces whose platforms this one trusts: their accounts may log
/// in here (the login page's "用其他省份账号登录").
#[server(prefix = "/api", endpoint = "roaming/homes", output = crate::wire::JsonAnswer)]
pub async fn roaming_homes() -> Result<Vec<RoamingHome>, AppError> {
    let ports = ports()?;
    Ok(ports
        .profile
        .peers
        .iter()
        .map(|p| RoamingHome {
            province: p.province.clone(),
            name_zh: p.name_zh.clone(),
            name_en: p.name_en.clone(),
        })
        .collect())
}
