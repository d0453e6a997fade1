//! A driving school's learners through the open API (学员预录入, 学员用户
//! 窗口注册, 学员预约信息查询): the same desk as the school's page
//! (`features::learners::service::LearnerDesk`), under the key's
//! `learners` scope.

use super::errors::{created, done, CodeSent, Created, Done, ErrorBody, Id, Params};
use super::{ApiCaller, ApiError, Body};
use crate::http::WebState;
use app::domain::SpecialService;
use app::features::learners::service::{LearnerDesk, LearnerForm};
use app::features::learners::{LearnerEntry, LEARNER_PAGE_ROWS};
use app::features::paging::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A learner to pre-enter (学员预录入).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerIn {
    /// 身份证明号码, as on the identity document.
    pub id_number: String,
    /// 姓名, as on the identity document.
    pub name: String,
    /// The learner's mobile number: the confirmation code goes there.
    pub phone: String,
    /// 申请准驾车型: C1, C2, C5, D, E or F.
    pub class: String,
}

/// The code the learner received (学员确认验证码).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    pub code: String,
}

/// The password the learner chose at the school (学员用户窗口注册), typed
/// twice.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    pub password: String,
    pub password_confirm: String,
}

/// A booking of a learner.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BookingOut {
    /// subject1 … subject4 (科目一至科目四).
    pub subject: String,
    /// The session's day, YYYY-MM-DD.
    pub day: String,
    pub centre: String,
    /// pending, allocated, not_allocated or cancelled.
    pub status: String,
    /// The place in the queue while pending; the rank after allocation.
    pub rank: Option<i64>,
}

/// A test result (考试成绩).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResultOut {
    pub subject: String,
    pub day: String,
    pub passed: bool,
}

/// A learner the school entered, with bookings and results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearnerOut {
    pub id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub class: String,
    /// awaiting_learner, confirmed, registered or withdrawn.
    pub state: String,
    /// Milliseconds since 1970 (UTC).
    pub entered_at_ms: i64,
    pub registered_at_ms: Option<i64>,
    pub bookings: Vec<BookingOut>,
    pub results: Vec<ResultOut>,
}

/// One page of learners, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearnerPage {
    pub items: Vec<LearnerOut>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Which page.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1.
    pub page: Option<String>,
}

fn learner_out(e: LearnerEntry) -> LearnerOut {
    LearnerOut {
        id: e.id,
        name: e.name,
        id_number_masked: e.id_masked,
        phone_masked: e.phone_masked,
        class: e.class.code().to_string(),
        state: e.state.code().to_string(),
        entered_at_ms: e.entered_at_ms,
        registered_at_ms: e.registered_at_ms,
        bookings: e
            .bookings
            .into_iter()
            .map(|b| BookingOut {
                subject: b.subject.code().to_string(),
                day: b.day.to_string(),
                centre: b.centre,
                status: b.status,
                rank: b.rank,
            })
            .collect(),
        results: e
            .results
            .into_iter()
            .map(|r| ResultOut {
                subject: r.subject.code().to_string(),
                day: r.day.to_string(),
                passed: r.passed,
            })
            .collect(),
    }
}

/// The school's learners with their bookings, ranks and results (学员预约信息查询).
#[utoipa::path(get, path = "/open/v1/learners", tag = "learners", params(PageQuery),
    responses((status = 200, body = LearnerPage), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Params(query): Params<PageQuery>,
) -> Result<Json<LearnerPage>, ApiError> {
    caller.require(SpecialService::LearnerAppointmentQuery)?;
    let page = PageRequest::parse(query.page.as_deref(), LEARNER_PAGE_ROWS)?;
    let list = LearnerDesk::of(&state.ports)
        .learners(&caller.unit, page)
        .await?;
    Ok(Json(LearnerPage {
        items: list.items.into_iter().map(learner_out).collect(),
        total: list.total,
        page: list.page,
        per_page: list.per_page,
    }))
}

/// Pre-enters a learner; the learner gets an SMS code (学员预录入).
#[utoipa::path(post, path = "/open/v1/learners", tag = "learners", request_body = LearnerIn,
    responses((status = 201, body = Created), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn enter(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Body(input): Body<LearnerIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    caller.require(SpecialService::LearnerPreEntry)?;
    let form = LearnerForm {
        id_number: input.id_number,
        name: input.name,
        phone: input.phone,
        class: input.class,
    };
    let id = LearnerDesk::of(&state.ports)
        .enter(&caller.unit, &form, &caller.actor())
        .await?;
    Ok(created(id))
}

/// Sends the learner another code.
#[utoipa::path(post, path = "/open/v1/learners/{id}/code", tag = "learners",
    params(("id" = i64, Path, description = "The entry's id")),
    responses((status = 200, body = CodeSent), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn resend_code(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<CodeSent>, ApiError> {
    caller.require(SpecialService::LearnerPreEntry)?;
    let phone_masked = LearnerDesk::of(&state.ports)
        .send_code(&caller.unit, id, &caller.actor())
        .await?;
    Ok(Json(CodeSent { phone_masked }))
}

/// The learner's code confirms the entry.
#[utoipa::path(post, path = "/open/v1/learners/{id}/confirm", tag = "learners",
    params(("id" = i64, Path, description = "The entry's id")), request_body = CodeIn,
    responses((status = 200, body = Done), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn confirm(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
    Body(input): Body<CodeIn>,
) -> Result<Json<Done>, ApiError> {
    caller.require(SpecialService::LearnerPreEntry)?;
    LearnerDesk::of(&state.ports)
        .confirm(&caller.unit, id, &input.code, &caller.actor())
        .await?;
    Ok(done())
}

/// Registers the confirmed learner's platform account at the school
/// (学员用户窗口注册), after the school checked the identity document in
/// person. Answers the new account's id.
#[utoipa::path(post, path = "/open/v1/learners/{id}/register", tag = "learners",
    params(("id" = i64, Path, description = "The entry's id")), request_body = PasswordIn,
    responses((status = 201, body = Created), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn register(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
    Body(input): Body<PasswordIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    caller.require(SpecialService::LearnerWindowRegistration)?;
    let account = LearnerDesk::of(&state.ports)
        .register(
            &caller.unit,
            id,
            &input.password,
            &input.password_confirm,
            &caller.actor(),
        )
        .await?;
    Ok(created(account))
}

/// Withdraws an entry not yet registered.
#[utoipa::path(delete, path = "/open/v1/learners/{id}", tag = "learners",
    params(("id" = i64, Path, description = "The entry's id")),
    responses((status = 200, body = Done), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn withdraw(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<Done>, ApiError> {
    caller.require(SpecialService::LearnerPreEntry)?;
    LearnerDesk::of(&state.ports)
        .withdraw(&caller.unit, id, &caller.actor())
        .await?;
    Ok(done())
}
