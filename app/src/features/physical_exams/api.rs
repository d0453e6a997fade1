//! The server functions of examinations and certificates. The hospital's
//! start with `require_unit_granted` (the unit must be granted the service;
//! an operator must hold the medical service); the driver's with
//! `require_individual`.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{DriverPhysical, ExamEntry};
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service::{ExamDesk, ExamForm},
    super::EXAM_PAGE_ROWS,
    crate::domain::SpecialService,
    crate::features::accounts::session::{
        individuals_only, require_individual, require_unit_granted,
    },
    crate::features::bindings::port::OwnerKey,
    crate::features::paging::PageRequest,
    crate::features::request::{actor, keep_typed, ports, redirect_to},
    crate::ui::encode_query_value,
};

/// One page (50 rows) of the examinations the hospital recorded.
#[server(prefix = "/api", endpoint = "unit/exams", output = crate::wire::JsonAnswer)]
pub async fn unit_exams(
    #[server(default)] person: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<ListPage<ExamEntry>, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::PhysicalExam)?;
    let page = PageRequest::parse(page.as_deref(), EXAM_PAGE_ROWS)?;
    ExamDesk::of(&ports)
        .hospital_exams(account.account_id, person.as_deref(), page)
        .await
}

/// D8: the hospital records an examination on the official form. Answers
/// the certificate number.
#[server(prefix = "/api", endpoint = "unit/record_exam", output = crate::wire::JsonAnswer)]
pub async fn record_exam(
    id_number: String,
    name: String,
    class: String,
    examined_on: String,
    height_cm: String,
    vision_left: String,
    vision_right: String,
    #[server(default)] vision_corrected: Option<String>,
    #[server(default)] colour_vision: String,
    #[server(default)] hearing: String,
    #[server(default)] upper_limbs: String,
    #[server(default)] lower_limbs: String,
    #[server(default)] trunk_neck: String,
    #[server(default)] conclusion: String,
) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::PhysicalExam)?;
    let form = ExamForm {
        id_number,
        name,
        class,
        examined_on,
        height_cm,
        vision_left,
        vision_right,
        vision_corrected,
        colour_vision,
        hearing,
        upper_limbs,
        lower_limbs,
        trunk_neck,
        conclusion,
    };
    match ExamDesk::of(&ports).record(&account, &form, &actor()).await {
        Ok(entry) => {
            redirect_to(&format!(
                "/unit/exams?done=recorded&no={}",
                encode_query_value(&entry.certificate_no)
            ));
            Ok(entry.certificate_no)
        }
        Err(e) => {
            let corrected = form.vision_corrected.as_deref().unwrap_or_default();
            keep_typed(
                &ports,
                &[
                    ("id_number", &form.id_number),
                    ("name", &form.name),
                    ("class", &form.class),
                    ("examined_on", &form.examined_on),
                    ("height_cm", &form.height_cm),
                    ("vision_left", &form.vision_left),
                    ("vision_right", &form.vision_right),
                    ("vision_corrected", corrected),
                    ("colour_vision", &form.colour_vision),
                    ("hearing", &form.hearing),
                    ("upper_limbs", &form.upper_limbs),
                    ("lower_limbs", &form.lower_limbs),
                    ("trunk_neck", &form.trunk_neck),
                    ("conclusion", &form.conclusion),
                ],
            );
            Err(e)
        }
    }
}

/// D9 by the hospital: submits the certificate of one of its examinations
/// for the driver. Answers the date the next one is owed.
#[server(prefix = "/api", endpoint = "unit/submit_certificate", output = crate::wire::JsonAnswer)]
pub async fn unit_submit_certificate(exam_id: i64) -> Result<String, AppError> {
    let ports = ports()?;
    let (account, _) = require_unit_granted(SpecialService::SubmitPhysicalCertificate)?;
    let next = ExamDesk::of(&ports)
        .submit_for_driver(&account, exam_id, &actor())
        .await?;
    redirect_to(&format!(
        "/unit/exams?done=submitted&next={}",
        encode_query_value(&next)
    ));
    Ok(next)
}

/// The holder's examinations, certificates and the date owed.
#[server(prefix = "/api", endpoint = "licence/physical", output = crate::wire::JsonAnswer)]
pub async fn licence_physical() -> Result<Option<DriverPhysical>, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    match account.registry_owner()? {
        OwnerKey::Person(id) => Ok(Some(ExamDesk::of(&ports).driver_view(&account, &id).await?)),
        OwnerKey::Organisation(_) => Ok(None),
    }
}

/// D9 by a window-registered holder, with the certificate's number.
/// Answers the date the next one is owed.
#[server(prefix = "/api", endpoint = "licence/submit_certificate", output = crate::wire::JsonAnswer)]
pub async fn licence_submit_certificate(certificate_no: String) -> Result<String, AppError> {
    let ports = ports()?;
    let account = require_individual()?;
    let OwnerKey::Person(id) = account.registry_owner()? else {
        return Err(individuals_only());
    };
    let next = ExamDesk::of(&ports)
        .submit_by_holder(&account, &id, &certificate_no, &actor())
        .await
        .inspect_err(|_| keep_typed(&ports, &[("certificate_no", &certificate_no)]))?;
    redirect_to(&format!(
        "/account/licence?certificate={}#physical",
        encode_query_value(&next)
    ));
    Ok(next)
}
