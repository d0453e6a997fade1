//! The server functions of signed credentials: the holder's electronic
//! licence and its revocation (the holder only), and the public check.

use super::{ElectronicLicence, Verification};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::CredentialDesk,
    crate::domain::credential::VERIFY_PATH,
    crate::features::accounts::session::require_individual,
    crate::features::request::{actor, ports, qr_svg, redirect_to, site_origin},
};

/// The holder's electronic driving licence (电子驾驶证): a QR code with a
/// credential signed by this platform, new when the one on record is old.
#[server(prefix = "/api", endpoint = "licence/electronic", output = crate::wire::JsonAnswer)]
pub async fn my_electronic_licence() -> Result<ElectronicLicence, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let verify_base = format!("{}{VERIFY_PATH}", site_origin(&ports));
    CredentialDesk::of(&ports)
        .electronic_licence(&account, &verify_base, qr_svg, &actor())
        .await
}

/// Revokes the holder's electronic licence codes at once (作废并重新生成):
/// a screenshot or printout of an earlier one no longer passes.
#[server(prefix = "/api", endpoint = "licence/renew_electronic", output = crate::wire::JsonAnswer)]
pub async fn renew_electronic_licence() -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    CredentialDesk::of(&ports)
        .revoke_licence_codes(&account, &actor())
        .await?;
    redirect_to("/account/licence?renewed=1#e-licence");
    Ok(())
}

/// Checks a credential (电子凭证核验), for anyone: the credential itself
/// or the address its QR code carries.
#[server(prefix = "/api", endpoint = "credentials/verify", output = crate::wire::JsonAnswer)]
pub async fn verify_credential(credential: String) -> Result<Verification, AppError> {
    CredentialDesk::of(&ports()?).verify(&credential).await
}
