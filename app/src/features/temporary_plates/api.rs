//! The server functions of temporary plates. The dealer's start with
//! `require_unit_granted(TemporaryPlates)` (the unit must be granted the
//! service; an operator must hold it); the check is public; the buyer's
//! list needs an individual's session.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{PlateCheck, PlateSheet, TemporaryPlate};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{PlateForm, TemporaryPlateDesk},
    super::PLATE_PAGE_ROWS,
    crate::domain::SpecialService,
    crate::features::accounts::session::{require_individual, require_unit_granted},
    crate::features::bindings::port::OwnerKey,
    crate::features::credentials::service::CredentialDesk,
    crate::features::paging::PageRequest,
    crate::features::request::{
        actor, keep_typed, ports, qr_svg, redirect_to, site_origin, verify_base,
    },
    crate::ui::encode_query_value,
};

#[cfg(feature = "ssr")]
const PAGE: &str = "/unit/temporary-plates";

/// One page (50 rows) of the plates the dealer entered; `query`: a plate
/// number, a VIN or a buyer's ID number.
#[server(prefix = "/api", endpoint = "unit/temporary_plates", output = crate::wire::JsonAnswer)]
pub async fn unit_temporary_plates(
    #[server(default)] query: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<TemporaryPlate>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let page = PageRequest::parse(page.as_deref(), PLATE_PAGE_ROWS)?;
    TemporaryPlateDesk::of(&ports)
        .dealer_plates(&account, query.as_deref(), page)
        .await
}

/// One of the dealer's plates (the code step and the printed plate), with
/// the QR code once issued.
#[server(prefix = "/api", endpoint = "unit/temporary_plate", output = crate::wire::JsonAnswer)]
pub async fn unit_temporary_plate(id: i64) -> Result<PlateSheet, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let plate = TemporaryPlateDesk::of(&ports).plate(&account, id).await?;
    let origin = site_origin(&ports);
    let check_url = plate
        .check_path
        .as_ref()
        .map(|path| format!("{origin}{path}"));
    // Issued: its QR code carries a credential signed by the platform.
    let verify_url = match plate.issued_at_ms {
        Some(_) => Some(
            CredentialDesk::of(&ports)
                .temporary_plate_url(account.account_id, &plate, &verify_base(&ports))
                .await?,
        ),
        None => None,
    };
    Ok(PlateSheet {
        qr_svg: verify_url.as_deref().map(qr_svg),
        check_url,
        verify_url,
        plate,
    })
}

/// Step 1: the vehicle, its buyer and the dates; the buyer gets a code.
/// Answers the plate's id.
#[server(prefix = "/api", endpoint = "unit/enter_temporary_plate", output = crate::wire::JsonAnswer)]
pub async fn enter_temporary_plate(
    vin: String,
    buyer_id_number: String,
    buyer_name: String,
    buyer_phone: String,
    prefix: String,
    valid_from: String,
    days: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let form = PlateForm {
        vin,
        buyer_id_number,
        buyer_name,
        buyer_phone,
        prefix,
        valid_from,
        days,
    };
    match TemporaryPlateDesk::of(&ports)
        .enter(&account, &form, &actor())
        .await
    {
        Ok(id) => {
            redirect_to(&format!("{PAGE}?code={id}#code-step"));
            Ok(id)
        }
        Err(e) => {
            keep_typed(
                &ports,
                &[
                    ("vin", &form.vin),
                    ("buyer_id_number", &form.buyer_id_number),
                    ("buyer_name", &form.buyer_name),
                    ("buyer_phone", &form.buyer_phone),
                    ("prefix", &form.prefix),
                    ("valid_from", &form.valid_from),
                    ("days", &form.days),
                ],
            );
            Err(e)
        }
    }
}

/// Sends the buyer another code. Answers the masked phone.
#[server(prefix = "/api", endpoint = "unit/resend_temporary_plate_code", output = crate::wire::JsonAnswer)]
pub async fn resend_temporary_plate_code(id: i64) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let phone = TemporaryPlateDesk::of(&ports)
        .resend(&account, id, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?code={id}&resent=1#code-step"));
    Ok(phone)
}

/// Step 2: the buyer's code issues the plate. Answers its number.
#[server(prefix = "/api", endpoint = "unit/issue_temporary_plate", output = crate::wire::JsonAnswer)]
pub async fn issue_temporary_plate(id: i64, code: String) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let number = TemporaryPlateDesk::of(&ports)
        .confirm(&account, id, &code, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?done=issued&id={id}"));
    Ok(number)
}

/// Withdraws a plate still waiting for its buyer.
#[server(prefix = "/api", endpoint = "unit/withdraw_temporary_plate", output = crate::wire::JsonAnswer)]
pub async fn withdraw_temporary_plate(id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    TemporaryPlateDesk::of(&ports)
        .withdraw(&account, id, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?done=withdrawn"));
    Ok(())
}

/// Revokes an issued plate (注销); the buyer is told why. Answers its
/// number.
#[server(prefix = "/api", endpoint = "unit/revoke_temporary_plate", output = crate::wire::JsonAnswer)]
pub async fn revoke_temporary_plate(id: i64, reason: String) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::TemporaryPlates)?;
    let number = TemporaryPlateDesk::of(&ports)
        .revoke(&account, id, &reason, &actor())
        .await
        .inspect_err(|_| keep_typed(&ports, &[("reason", &reason)]))?;
    redirect_to(&format!(
        "{PAGE}?done=revoked&no={}",
        encode_query_value(&number)
    ));
    Ok(number)
}

/// The public check (临时号牌查验), for anyone: by the QR code's seal, or
/// by the number and the VIN's last six characters.
#[server(prefix = "/api", endpoint = "temporary_plates/check", output = crate::wire::JsonAnswer)]
pub async fn check_temporary_plate(
    number: String,
    #[server(default)] vin_tail: Option<String>,
    #[server(default)] seal: Option<String>,
) -> Result<PlateCheck, AppError> {
    let ports = ports()?;
    TemporaryPlateDesk::of(&ports)
        .check(&number, vin_tail.as_deref(), seal.as_deref())
        .await
}

/// The temporary plates issued to the holder (我的临时号牌).
#[server(prefix = "/api", endpoint = "account/temporary_plates", output = crate::wire::JsonAnswer)]
pub async fn my_temporary_plates() -> Result<Vec<TemporaryPlate>, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    match account.registry_owner()? {
        OwnerKey::Person(id) => TemporaryPlateDesk::of(&ports).buyer_plates(&id).await,
        OwnerKey::Organisation(_) => Ok(Vec::new()),
    }
}
