//! The applications feature's server functions: the applicant's (overview,
//! form, draft, check your answers, submit) and the clerk's (queue, one
//! application, its events, lifting a blacklisting).

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{
    ApplicationDetail, ApplicationDraft, ApplyOptions, MyApplications, QueuePage,
    StaffApplicationView,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::port::DraftSaved,
    super::service::{application_not_found, clerk, parse_service, Desk, Draft},
    super::{drafts_full, ApplicationInput, QueueFilter, MAX_DRAFTS},
    crate::domain::application::ApplicationStatus,
    crate::domain::ServiceCode,
    crate::domain::StaffPower,
    crate::features::accounts::session::{require_individual, require_staff_power},
    crate::features::paging::{PageRequest, PAGE_ROWS, STAFF_PAGE_ROWS},
    crate::features::request::{actor, ports, redirect_to},
    crate::i18n::Text,
};

/// One page (`page` from 1, 20 a page) of the person's applications,
/// newest first; their drafts; what they may apply for; any blacklisting.
#[server(prefix = "/api", endpoint = "applications_overview", output = crate::wire::JsonAnswer)]
pub async fn applications_overview(
    #[server(default)] page: Option<String>,
) -> Result<MyApplications, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let page = PageRequest::parse(page.as_deref(), PAGE_ROWS)?;
    Desk::of(&ports).overview(&account, page).await
}

/// The form's options for one service: eligible subjects and fees, and how
/// many drafts the person has.
#[server(prefix = "/api", endpoint = "application_form", output = crate::wire::JsonAnswer)]
pub async fn application_form(service: String) -> Result<ApplyOptions, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let service = parse_service(&service)?;
    let mut options = Desk::of(&ports).options_for(&account, service).await?;
    options.drafts = ports
        .applications
        .drafts(account.account_id, MAX_DRAFTS)
        .await?
        .len() as i64;
    Ok(options)
}

/// Submits an application in one call (for unit systems and tests; the
/// browser goes through a draft and the check-your-answers page).
/// Answers the application number.
#[server(prefix = "/api", endpoint = "submit_application", output = crate::wire::JsonAnswer)]
pub async fn submit_application(
    service: String,
    subject: String,
    fulfilment: Option<String>,
    recipient: Option<String>,
    recipient_phone: Option<String>,
    address: Option<String>,
    reason: Option<String>,
    new_date: Option<String>,
) -> Result<String, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let service = parse_service(&service)?;
    let input = ApplicationInput {
        subject,
        reason,
        new_date,
        fulfilment,
        recipient,
        recipient_phone,
        address,
    };
    let new = Desk::of(&ports)
        .validate_input(&account, service, &input)
        .await?;
    let no = ports
        .applications
        .submit(new, None, &actor())
        .await?
        .ok_or_else(application_not_found)?;
    redirect_to(&format!("/account/applications/{no}?submitted=1"));
    Ok(no)
}

/// Saves what the form holds as a draft (草稿), then goes to the
/// check-your-answers page, or back to the form with the problems and
/// everything typed. Answers the draft id.
#[server(prefix = "/api", endpoint = "save_application_draft", output = crate::wire::JsonAnswer)]
pub async fn save_application_draft(
    service: String,
    draft: Option<i64>,
    subject: Option<String>,
    reason: Option<String>,
    new_date: Option<String>,
    fulfilment: Option<String>,
    recipient: Option<String>,
    recipient_phone: Option<String>,
    address: Option<String>,
) -> Result<i64, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let service = parse_service(&service)?;
    let keep = |v: Option<String>| v.map(|s| s.chars().take(200).collect::<String>());
    let input = ApplicationInput {
        subject: subject.unwrap_or_default(),
        reason: keep(reason),
        new_date: keep(new_date),
        fulfilment: keep(fulfilment),
        recipient: keep(recipient),
        recipient_phone: keep(recipient_phone),
        address: keep(address),
    };
    let json =
        serde_json::to_string(&input).map_err(|e| crate::error::internal("encode draft", e))?;
    let id = match ports
        .applications
        .save_draft(account.account_id, draft, service, &json, MAX_DRAFTS)
        .await?
    {
        DraftSaved::Saved(id) => id,
        DraftSaved::Full(drafts) => return Err(drafts_full(drafts)),
    };
    let page = match Desk::of(&ports)
        .validate_input(&account, service, &input)
        .await
    {
        Ok(_) => format!("/account/apply/{}/check?draft={id}", service.code()),
        Err(_) => format!("/account/apply/{}?draft={id}", service.code()),
    };
    redirect_to(&page);
    Ok(id)
}

/// Deletes one of the person's drafts (草稿), then back to the
/// applications page.
#[server(prefix = "/api", endpoint = "delete_application_draft", output = crate::wire::JsonAnswer)]
pub async fn delete_application_draft(draft: i64) -> Result<(), AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    if !ports
        .applications
        .delete_draft(account.account_id, draft)
        .await?
    {
        return Err(AppError::NotFound(Text::new(
            "没有找到这份草稿，可能已经提交或删除。",
            "That draft was not found; it may have been submitted or deleted.",
        )));
    }
    redirect_to("/account/applications?draft_deleted=1#drafts");
    Ok(())
}

/// A draft of this account, with the form's options and its problems.
#[server(prefix = "/api", endpoint = "load_application_draft", output = crate::wire::JsonAnswer)]
pub async fn load_application_draft(draft: i64) -> Result<ApplicationDraft, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let desk = Desk::of(&ports);
    let (service, input) = open_draft(&desk, account.account_id, draft).await?;
    let options = desk.options_for(&account, service).await?;
    let problems = desk.validate_input(&account, service, &input).await.err();
    Ok(ApplicationDraft {
        draft_id: draft,
        options,
        input,
        problems,
    })
}

/// Submits a checked draft. Twice (a double click, a second tab) submits
/// once: the draft is used up in the same transaction.
#[server(prefix = "/api", endpoint = "confirm_application", output = crate::wire::JsonAnswer)]
pub async fn confirm_application(draft: i64) -> Result<String, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let desk = Desk::of(&ports);
    let (service, input) = open_draft(&desk, account.account_id, draft).await?;
    let new = desk.validate_input(&account, service, &input).await?;
    let no = ports
        .applications
        .submit(new, Some(draft), &actor())
        .await?
        .ok_or_else(|| {
            AppError::Conflict(Text::new(
                "这份申请已经提交过了，请在“补换证业务”中查看。",
                "This application was already submitted; see Documents.",
            ))
        })?;
    redirect_to(&format!("/account/applications/{no}?submitted=1"));
    Ok(no)
}

/// One of the person's applications with its status history.
#[server(prefix = "/api", endpoint = "my_application", output = crate::wire::JsonAnswer)]
pub async fn my_application(application_no: String) -> Result<ApplicationDetail, AppError> {
    let account = require_individual()?;
    let application_no =
        crate::domain::text::reference_number(&application_no).ok_or_else(application_not_found)?;
    ports()?
        .applications
        .detail(&application_no)
        .await?
        .filter(|d| d.account_id == account.account_id)
        .ok_or_else(application_not_found)
}

/// The staff console's queue: open applications (or one status), of one
/// service, an application number or applicant's name; oldest first
/// (`order` = "newest" reverses); a page of 50 (`page` from 1; past the
/// end: the last page; not a number: a field problem). Unknown filter
/// values are ignored.
#[server(prefix = "/api", endpoint = "staff/applications", output = crate::wire::JsonAnswer)]
pub async fn staff_applications(
    #[server(default)] status: Option<String>,
    #[server(default)] service: Option<String>,
    #[server(default)] q: Option<String>,
    #[server(default)] order: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<QueuePage, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ReadApplications)?;
    let page = PageRequest::parse(page.as_deref(), STAFF_PAGE_ROWS)?;
    let filter = QueueFilter {
        status: status.as_deref().and_then(ApplicationStatus::from_code),
        service: service
            .as_deref()
            .and_then(|s| ServiceCode::from_code(s.trim())),
        search: q
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty() && q.chars().count() <= 40),
        newest_first: order.as_deref() == Some("newest"),
        page,
    };
    Ok(ports.applications.queue(&filter).await?)
}

/// One application for a clerk: details, the events possible now, the
/// applicant's blacklist entries and audit trail.
#[server(prefix = "/api", endpoint = "staff/application", output = crate::wire::JsonAnswer)]
pub async fn staff_application(application_no: String) -> Result<StaffApplicationView, AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ReadApplications)?;
    let application_no =
        crate::domain::text::reference_number(&application_no).ok_or_else(application_not_found)?;
    clerk::view(&ports, &application_no, &actor()).await
}

/// A clerk records what happened (accept, reject with reason, produced,
/// posted, ready, delivered, delivery refused, collected).
#[server(prefix = "/api", endpoint = "staff/application_event", output = crate::wire::JsonAnswer)]
pub async fn staff_application_event(
    application_no: String,
    event: String,
    note: Option<String>,
) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::ProcessApplications)?;
    let no = application_no.trim();
    clerk::record_event(&ports, no, &event, note, &actor()).await?;
    redirect_to(&format!("/staff/applications/{no}?done=1"));
    Ok(())
}

/// A clerk lifts a blacklisting, with the reason recorded.
#[server(prefix = "/api", endpoint = "staff/lift_blacklist", output = crate::wire::JsonAnswer)]
pub async fn staff_lift_blacklist(
    entry_id: i64,
    reason: String,
    application_no: String,
) -> Result<(), AppError> {
    let ports = ports()?;
    require_staff_power(StaffPower::LiftBlacklist)?;
    clerk::lift_blacklist(&ports, entry_id, &reason, &actor()).await?;
    redirect_to(&format!(
        "/staff/applications/{}?lifted=1",
        application_no.trim()
    ));
    Ok(())
}

/// The draft's service and input; back after submitting, goes to the
/// application the draft became.
#[cfg(feature = "ssr")]
async fn open_draft(
    desk: &Desk<'_>,
    account_id: i64,
    draft: i64,
) -> Result<(ServiceCode, ApplicationInput), AppError> {
    match desk.draft(account_id, draft).await? {
        Draft::Open(service, input) => Ok((service, input)),
        gone => {
            if let Draft::Submitted(no) = gone {
                redirect_to(&format!("/account/applications/{no}?already=1"));
            }
            Err(AppError::NotFound(Text::new(
                "没有找到这份草稿，可能已经提交。请在“补换证业务”中查看您的申请。",
                "That draft was not found; it may have been submitted. See your applications under Documents.",
            )))
        }
    }
}
