//! A hospital's examinations (D8 体检信息) and certificates (D9 身体条件证明)
//! through the open API: the same desk as the hospital's page
//! (`features::physical_exams::service::ExamDesk`), under the key's
//! `physical_exams` scope.

use super::errors::{ErrorBody, Id, Params};
use super::{ApiCaller, ApiError, Body};
use crate::http::WebState;
use app::domain::SpecialService;
use app::features::paging::PageRequest;
use app::features::physical_exams::service::{ExamDesk, ExamForm};
use app::features::physical_exams::{ExamEntry, EXAM_PAGE_ROWS};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An examination on the official form (机动车驾驶人身体条件证明).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamIn {
    pub id_number: String,
    pub name: String,
    /// The class examined for (申请或准驾车型), e.g. C1.
    pub class: String,
    /// YYYY-MM-DD, not in the future.
    pub examined_on: String,
    pub height_cm: String,
    /// 5-point scale (e.g. 5.0).
    pub vision_left: String,
    pub vision_right: String,
    /// "yes" when the vision was measured with glasses.
    #[serde(default)]
    pub vision_corrected: Option<String>,
    /// normal, red_green or other codes as on the form.
    pub colour_vision: String,
    pub hearing: String,
    pub upper_limbs: String,
    pub lower_limbs: String,
    pub trunk_neck: String,
    /// fit or unfit (合格 / 不合格).
    pub conclusion: String,
}

/// A recorded examination.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExamOut {
    pub id: i64,
    /// 身体条件证明编号 (17 characters).
    pub certificate_no: String,
    pub name: String,
    pub id_number_masked: String,
    pub class: String,
    /// YYYY-MM-DD.
    pub examined_on: String,
    pub conclusion: String,
    /// Good until (six months), YYYY-MM-DD.
    pub valid_until: String,
    pub recorded_at_ms: i64,
    /// When its certificate was submitted (D9), if it was.
    pub certificate_submitted_ms: Option<i64>,
}

/// One page of examinations, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExamPage {
    pub items: Vec<ExamOut>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Which examinations.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExamQuery {
    /// The examinee's ID number or the certificate number.
    pub person: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

/// A certificate submitted: the date the next one is owed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Submitted {
    /// YYYY-MM-DD.
    pub next_due: String,
}

fn exam_out(e: ExamEntry) -> ExamOut {
    ExamOut {
        id: e.id,
        certificate_no: e.certificate_no,
        name: e.name,
        id_number_masked: e.id_masked,
        class: e.class.code().to_string(),
        examined_on: e.exam.examined_on.to_string(),
        conclusion: e.exam.conclusion.code().to_string(),
        valid_until: e.valid_until.to_string(),
        recorded_at_ms: e.recorded_at_ms,
        certificate_submitted_ms: e.certificate_submitted_ms,
    }
}

/// The hospital's examinations.
#[utoipa::path(get, path = "/open/v1/physical-exams", tag = "physical_exams",
    params(ExamQuery),
    responses((status = 200, body = ExamPage), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Params(query): Params<ExamQuery>,
) -> Result<Json<ExamPage>, ApiError> {
    caller.require(SpecialService::PhysicalExam)?;
    let page = PageRequest::parse(query.page.as_deref(), EXAM_PAGE_ROWS)?;
    let list = ExamDesk::of(&state.ports)
        .hospital_exams(caller.unit.account_id, query.person.as_deref(), page)
        .await?;
    Ok(Json(ExamPage {
        items: list.items.into_iter().map(exam_out).collect(),
        total: list.total,
        page: list.page,
        per_page: list.per_page,
    }))
}

/// Records an examination (D8); the driver is told by SMS.
#[utoipa::path(post, path = "/open/v1/physical-exams", tag = "physical_exams",
    request_body = ExamIn,
    responses((status = 201, body = ExamOut), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn record(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Body(input): Body<ExamIn>,
) -> Result<(StatusCode, Json<ExamOut>), ApiError> {
    caller.require(SpecialService::PhysicalExam)?;
    let form = ExamForm {
        id_number: input.id_number,
        name: input.name,
        class: input.class,
        examined_on: input.examined_on,
        height_cm: input.height_cm,
        vision_left: input.vision_left,
        vision_right: input.vision_right,
        vision_corrected: input.vision_corrected,
        colour_vision: input.colour_vision,
        hearing: input.hearing,
        upper_limbs: input.upper_limbs,
        lower_limbs: input.lower_limbs,
        trunk_neck: input.trunk_neck,
        conclusion: input.conclusion,
    };
    let entry = ExamDesk::of(&state.ports)
        .record(&caller.unit, &form, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(exam_out(entry))))
}

/// Submits the certificate of one of the hospital's examinations for the
/// driver (D9 代为提交).
#[utoipa::path(post, path = "/open/v1/physical-exams/{id}/certificate", tag = "physical_exams",
    params(("id" = i64, Path, description = "The examination's id")),
    responses((status = 200, body = Submitted), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn submit_certificate(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<Submitted>, ApiError> {
    caller.require(SpecialService::SubmitPhysicalCertificate)?;
    let next_due = ExamDesk::of(&state.ports)
        .submit_for_driver(&caller.unit, id, &caller.actor())
        .await?;
    Ok(Json(Submitted { next_due }))
}
