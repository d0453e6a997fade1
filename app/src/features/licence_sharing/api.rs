//! The server functions of licence share codes: the holder's (only an
//! individual, for their own licence) and the public check.

use super::{CheckedLicence, SharePage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{CheckForm, ShareDesk, ShareForm},
    crate::features::accounts::session::require_individual,
    crate::features::request::{actor, client_ip, keep_typed, ports, redirect_to},
};

#[cfg(feature = "ssr")]
const PAGE: &str = "/account/licence/share";
#[cfg(feature = "ssr")]
const CHECK_PAGE: &str = "/licence-check";

/// The holder's share codes with their uses.
#[server(prefix = "/api", endpoint = "licence/share_codes", output = crate::wire::JsonAnswer)]
pub async fn my_share_codes() -> Result<SharePage, AppError> {
    let ports = ports()?;
    ShareDesk::of(&ports).page(&require_individual()?).await
}

/// Makes a share code for a named party (生成分享码).
#[server(prefix = "/api", endpoint = "licence/create_share_code", output = crate::wire::JsonAnswer)]
pub async fn create_share_code(party: String, days: String) -> Result<String, AppError> {
    let ports = ports()?;
    let holder = require_individual()?;
    let form = ShareForm { party, days };
    match ShareDesk::of(&ports).create(&holder, &form, &actor()).await {
        Ok(code) => {
            redirect_to(&format!("{PAGE}?created=1"));
            Ok(code)
        }
        Err(e) => {
            keep_typed(&ports, &[("party", &form.party), ("days", &form.days)]);
            Err(e)
        }
    }
}

/// Revokes one of the holder's codes at once (撤销).
#[server(prefix = "/api", endpoint = "licence/revoke_share_code", output = crate::wire::JsonAnswer)]
pub async fn revoke_share_code(id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let holder = require_individual()?;
    ShareDesk::of(&ports).revoke(&holder, id, &actor()).await?;
    redirect_to(&format!("{PAGE}?revoked=1"));
    Ok(())
}

/// Checks a licence with a share code (驾驶证信息核查), for anyone: the
/// result page follows, by a key (the code never travels in an address).
#[server(prefix = "/api", endpoint = "licence_check", output = crate::wire::JsonAnswer)]
pub async fn check_licence(
    code: String,
    licence_tail: String,
    checker: String,
) -> Result<String, AppError> {
    let ports = ports()?;
    let form = CheckForm {
        code,
        licence_tail,
        checker,
    };
    match ShareDesk::of(&ports).check(&form, &client_ip()).await {
        Ok(key) => {
            redirect_to(&format!("{CHECK_PAGE}?result={key}"));
            Ok(key)
        }
        Err(e) => {
            keep_typed(
                &ports,
                &[
                    ("code", &form.code),
                    ("licence_tail", &form.licence_tail),
                    ("checker", &form.checker),
                ],
            );
            Err(e)
        }
    }
}

/// A check's result, by its key (for a quarter of an hour).
#[server(prefix = "/api", endpoint = "licence_check_result", output = crate::wire::JsonAnswer)]
pub async fn licence_check_result(result: String) -> Result<CheckedLicence, AppError> {
    ShareDesk::of(&ports()?).result(&result).await
}
