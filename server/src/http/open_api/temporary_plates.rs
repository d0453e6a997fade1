//! A car dealer's temporary plates through the open API (临时行驶车号牌):
//! the same desk as the dealer's page
//! (`features::temporary_plates::service::TemporaryPlateDesk`), under the
//! key's `temporary_plates` scope.

use super::errors::{created, done, CodeSent, Created, Done, ErrorBody, Id, Params};
use super::{ApiCaller, ApiError, Body};
use crate::http::WebState;
use app::domain::SpecialService;
use app::features::paging::PageRequest;
use app::features::temporary_plates::service::{PlateForm, TemporaryPlateDesk};
use app::features::temporary_plates::{TemporaryPlate, PLATE_PAGE_ROWS};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A temporary plate to enter for a vehicle the dealer sold.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlateIn {
    /// 车辆识别代号 (17 characters) of a new vehicle on record.
    pub vin: String,
    /// The buyer as the vehicle's sale record names them.
    pub buyer_id_number: String,
    pub buyer_name: String,
    /// The buyer's mobile number on record: the code goes there.
    pub buyer_phone: String,
    /// Where the vehicle will be registered: a plate prefix of this
    /// province (e.g. 冀A).
    pub prefix: String,
    /// First day, YYYY-MM-DD: today or up to 7 days on.
    pub valid_from: String,
    /// 1 to 15 days, the first day included.
    pub days: String,
}

/// The buyer's code, read out to the dealer.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerCodeIn {
    pub code: String,
}

/// Why the plate is revoked (注销原因), up to 30 characters.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeIn {
    pub reason: String,
}

/// A temporary plate.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlateOut {
    pub id: i64,
    /// 号牌号码 once issued (冀A000123), else empty.
    pub number: String,
    pub vin: String,
    pub model: String,
    /// The vehicle type's code.
    pub vehicle_type: String,
    pub buyer_name: String,
    pub buyer_id_number_masked: String,
    pub buyer_phone_masked: String,
    /// YYYY-MM-DD.
    pub valid_from: String,
    pub valid_until: String,
    /// awaiting_buyer, issued, withdrawn or revoked.
    pub state: String,
    /// What it means today: awaiting_buyer, not_yet_valid, valid, expired,
    /// withdrawn or revoked.
    pub standing: String,
    pub entered_at_ms: i64,
    pub issued_at_ms: Option<i64>,
    pub revoked_reason: Option<String>,
    /// The public check page's path with its seal (the QR code's
    /// address on this platform), once issued.
    pub check_path: Option<String>,
}

/// One page of plates, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlatePage {
    pub items: Vec<PlateOut>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Which plates.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlateQuery {
    /// A plate number, a VIN or the buyer's ID number.
    pub query: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

fn plate_out(p: TemporaryPlate) -> PlateOut {
    PlateOut {
        id: p.id,
        number: p.number,
        vin: p.vin,
        model: p.model,
        vehicle_type: p.vehicle_type.code().to_string(),
        buyer_name: p.buyer_name,
        buyer_id_number_masked: p.buyer_id_masked,
        buyer_phone_masked: p.buyer_phone_masked,
        valid_from: p.valid_from.to_string(),
        valid_until: p.valid_until.to_string(),
        state: p.state.code().to_string(),
        standing: p.standing.code().to_string(),
        entered_at_ms: p.entered_at_ms,
        issued_at_ms: p.issued_at_ms,
        revoked_reason: p.revoked_reason,
        check_path: p.check_path,
    }
}

/// The dealer's plates (临时号牌查询).
#[utoipa::path(get, path = "/open/v1/temporary-plates", tag = "temporary_plates",
    params(PlateQuery),
    responses((status = 200, body = PlatePage), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Params(query): Params<PlateQuery>,
) -> Result<Json<PlatePage>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let page = PageRequest::parse(query.page.as_deref(), PLATE_PAGE_ROWS)?;
    let list = TemporaryPlateDesk::of(&state.ports)
        .dealer_plates(&caller.unit, query.query.as_deref(), page)
        .await?;
    Ok(Json(PlatePage {
        items: list.items.into_iter().map(plate_out).collect(),
        total: list.total,
        page: list.page,
        per_page: list.per_page,
    }))
}

/// One of the dealer's plates.
#[utoipa::path(get, path = "/open/v1/temporary-plates/{id}", tag = "temporary_plates",
    params(("id" = i64, Path, description = "The plate's id")),
    responses((status = 200, body = PlateOut), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn one(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<PlateOut>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let plate = TemporaryPlateDesk::of(&state.ports)
        .plate(&caller.unit, id)
        .await?;
    Ok(Json(plate_out(plate)))
}

/// Enters a plate for a vehicle sold; the buyer gets an SMS code.
#[utoipa::path(post, path = "/open/v1/temporary-plates", tag = "temporary_plates",
    request_body = PlateIn,
    responses((status = 201, body = Created), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn enter(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Body(input): Body<PlateIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let form = PlateForm {
        vin: input.vin,
        buyer_id_number: input.buyer_id_number,
        buyer_name: input.buyer_name,
        buyer_phone: input.buyer_phone,
        prefix: input.prefix,
        valid_from: input.valid_from,
        days: input.days,
    };
    let id = TemporaryPlateDesk::of(&state.ports)
        .enter(&caller.unit, &form, &caller.actor())
        .await?;
    Ok(created(id))
}

/// Sends the buyer another code.
#[utoipa::path(post, path = "/open/v1/temporary-plates/{id}/code", tag = "temporary_plates",
    params(("id" = i64, Path, description = "The plate's id")),
    responses((status = 200, body = CodeSent), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn resend_code(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<CodeSent>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let phone_masked = TemporaryPlateDesk::of(&state.ports)
        .resend(&caller.unit, id, &caller.actor())
        .await?;
    Ok(Json(CodeSent { phone_masked }))
}

/// The buyer's code issues the plate. Answers it, numbered.
#[utoipa::path(post, path = "/open/v1/temporary-plates/{id}/issue", tag = "temporary_plates",
    params(("id" = i64, Path, description = "The plate's id")), request_body = BuyerCodeIn,
    responses((status = 200, body = PlateOut), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn issue(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
    Body(input): Body<BuyerCodeIn>,
) -> Result<Json<PlateOut>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let desk = TemporaryPlateDesk::of(&state.ports);
    desk.confirm(&caller.unit, id, &input.code, &caller.actor())
        .await?;
    Ok(Json(plate_out(desk.plate(&caller.unit, id).await?)))
}

/// Withdraws a plate still waiting for its buyer.
#[utoipa::path(delete, path = "/open/v1/temporary-plates/{id}", tag = "temporary_plates",
    params(("id" = i64, Path, description = "The plate's id")),
    responses((status = 200, body = Done), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn withdraw(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
) -> Result<Json<Done>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    TemporaryPlateDesk::of(&state.ports)
        .withdraw(&caller.unit, id, &caller.actor())
        .await?;
    Ok(done())
}

/// Revokes an issued plate within its dates (注销); the buyer is told.
#[utoipa::path(post, path = "/open/v1/temporary-plates/{id}/revoke", tag = "temporary_plates",
    params(("id" = i64, Path, description = "The plate's id")), request_body = RevokeIn,
    responses((status = 200, body = PlateOut), (status = "4XX", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn revoke(
    State(state): State<WebState>,
    Extension(caller): Extension<ApiCaller>,
    Id(id): Id,
    Body(input): Body<RevokeIn>,
) -> Result<Json<PlateOut>, ApiError> {
    caller.require(SpecialService::TemporaryPlates)?;
    let desk = TemporaryPlateDesk::of(&state.ports);
    desk.revoke(&caller.unit, id, &input.reason, &caller.actor())
        .await?;
    Ok(Json(plate_out(desk.plate(&caller.unit, id).await?)))
}
