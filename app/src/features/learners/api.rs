//! The server functions of a school's learners. Each starts with
//! `require_unit_granted` for its service: pre-entry (学员预录入), the
//! learner's registration (学员用户窗口注册), the bookings (学员预约信息查询).

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::LearnerEntry;
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{LearnerDesk, LearnerForm},
    super::LEARNER_PAGE_ROWS,
    crate::domain::SpecialService,
    crate::features::accounts::session::require_unit_granted,
    crate::features::paging::PageRequest,
    crate::features::request::{actor, keep_typed, ports, redirect_to},
};

#[cfg(feature = "ssr")]
const PAGE: &str = "/unit/learners";

/// One page of the school's learners with their bookings, ranks and
/// results.
#[server(prefix = "/api", endpoint = "unit/learners", output = crate::wire::JsonAnswer)]
pub async fn unit_learners(
    #[server(default)] page: Option<String>,
) -> Result<ListPage<LearnerEntry>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerAppointmentQuery)?;
    let page = PageRequest::parse(page.as_deref(), LEARNER_PAGE_ROWS)?;
    LearnerDesk::of(&ports).learners(&account, page).await
}

/// Pre-entry: the learner gets a code. Answers the entry's id.
#[server(prefix = "/api", endpoint = "unit/enter_learner", output = crate::wire::JsonAnswer)]
pub async fn enter_learner(
    id_number: String,
    name: String,
    phone: String,
    class: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerPreEntry)?;
    let form = LearnerForm {
        id_number,
        name,
        phone,
        class,
    };
    match LearnerDesk::of(&ports)
        .enter(&account, &form, &actor())
        .await
    {
        Ok(id) => {
            redirect_to(&format!("{PAGE}?entry={id}#learner-step"));
            Ok(id)
        }
        Err(e) => {
            keep_typed(
                &ports,
                &[
                    ("id_number", &form.id_number),
                    ("name", &form.name),
                    ("phone", &form.phone),
                    ("class", &form.class),
                ],
            );
            Err(e)
        }
    }
}

/// Sends the learner another code. Answers the masked phone.
#[server(prefix = "/api", endpoint = "unit/resend_learner_code", output = crate::wire::JsonAnswer)]
pub async fn resend_learner_code(id: i64) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerPreEntry)?;
    let phone = LearnerDesk::of(&ports)
        .send_code(&account, id, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?entry={id}&resent=1#learner-step"));
    Ok(phone)
}

/// The learner's code confirms the entry.
#[server(prefix = "/api", endpoint = "unit/confirm_learner", output = crate::wire::JsonAnswer)]
pub async fn confirm_learner(id: i64, code: String) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerPreEntry)?;
    LearnerDesk::of(&ports)
        .confirm(&account, id, &code, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?entry={id}#learner-step"));
    Ok(())
}

/// Registers the confirmed learner's platform account at the school, with
/// the password the learner typed. Answers the account's id.
#[server(prefix = "/api", endpoint = "unit/register_learner", output = crate::wire::JsonAnswer)]
pub async fn register_learner(
    id: i64,
    password: String,
    password_confirm: String,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerWindowRegistration)?;
    let registered = LearnerDesk::of(&ports)
        .register(&account, id, &password, &password_confirm, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?done=registered"));
    Ok(registered)
}

/// Withdraws an entry not yet registered.
#[server(prefix = "/api", endpoint = "unit/withdraw_learner", output = crate::wire::JsonAnswer)]
pub async fn withdraw_learner(id: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::LearnerPreEntry)?;
    LearnerDesk::of(&ports)
        .withdraw(&account, id, &actor())
        .await?;
    redirect_to(&format!("{PAGE}?done=withdrawn"));
    Ok(())
}
