//! The unit's tables as CSV files (`/unit/vehicles.csv`,
//! `/unit/violations.csv`): the same search and filters as the page, every
//! row, streamed a chunk of [`EXPORT_CHUNK`] rows at a time (keyset by id),
//! so a fleet of any size is never held in memory and no connection is held
//! while the client reads. Only the unit itself may export its tables.

use super::WebState;
use app::domain::unit_operator::OperatorService;
use app::features::accounts::session::CurrentSession;
use app::features::accounts::AccountRole;
use app::features::physical_exams::export::{exam_line, exams_header};
use app::features::physical_exams::service::exam_search;
use app::features::units::drivers::service::DriverDesk;
use app::features::units::drivers::DriverFilter;
use app::features::units::export::{
    content_disposition, driver_line, drivers_header, vehicle_line, vehicles_header,
    violation_line, violations_header, EXPORT_CHUNK,
};
use app::features::units::{FleetQuery, FleetViolationQuery};
use app::i18n::Lang;
use app::ports::Ports;
use axum::body::{Body, Bytes};
use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

/// `GET /unit/vehicles.csv`: the unit's vehicles as filtered on the page.
pub async fn vehicles(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Params,
) -> Response {
    let (account_id, code) = match unit_of(
        session,
        OperatorService::Vehicles,
        "/unit/vehicles",
        raw.as_deref(),
    ) {
        Ok(unit) => unit,
        Err(response) => return *response,
    };
    let get = |k: &str| params.get(k).map(String::as_str);
    let Ok(query) = FleetQuery::parse(
        get("plate"),
        get("binding"),
        get("due"),
        get("violations"),
        get("sort"),
    ) else {
        // The page shows what is wrong with the search.
        return back_to("/unit/vehicles", raw.as_deref());
    };
    let lang = lang_of(&headers);
    let ports = state.ports.clone();
    let today = ports.clock.today();
    let until = app::domain::fleet::inspection_soon_until(today);
    let rows = chunks(move |after| {
        let (ports, code, query) = (ports.clone(), code.clone(), query.clone());
        async move {
            let chunk = ports
                .units
                .fleet_vehicles_after(account_id, &code, &query, until, after, EXPORT_CHUNK)
                .await?;
            Ok(chunk
                .iter()
                .map(|v| (v.vehicle_id, vehicle_line(lang, v, today)))
                .collect())
        }
    });
    csv_response(
        vehicles_header(lang),
        rows,
        content_disposition("单位车辆", "unit-vehicles", today),
    )
}

/// `GET /unit/violations.csv`: the violations of the unit's bound vehicles.
pub async fn violations(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Params,
) -> Response {
    let (account_id, _) = match unit_of(
        session,
        OperatorService::Violations,
        "/unit/violations",
        raw.as_deref(),
    ) {
        Ok(unit) => unit,
        Err(response) => return *response,
    };
    let get = |k: &str| params.get(k).map(String::as_str);
    let Ok(query) =
        FleetViolationQuery::parse(get("plate"), get("status"), get("points"), get("order"))
    else {
        return back_to("/unit/violations", raw.as_deref());
    };
    let lang = lang_of(&headers);
    let ports: Ports = state.ports.clone();
    let today = ports.clock.today();
    let rows = chunks(move |after| {
        let (ports, query) = (ports.clone(), query.clone());
        async move {
            let chunk = ports
                .units
                .fleet_violations_after(account_id, &query, after, EXPORT_CHUNK)
                .await?;
            Ok(chunk
                .iter()
                .map(|v| (v.id, violation_line(lang, v)))
                .collect())
        }
    });
    csv_response(
        violations_header(lang),
        rows,
        content_disposition("单位违法记录", "unit-violations", today),
    )
}

/// `GET /unit/drivers.csv`: the drivers whose licences the unit has bound.
pub async fn drivers(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Params,
) -> Response {
    let (account_id, _) = match unit_of(
        session,
        OperatorService::Drivers,
        "/unit/drivers",
        raw.as_deref(),
    ) {
        Ok(unit) => unit,
        Err(response) => return *response,
    };
    let Ok(filter) = DriverFilter::parse(params.get("show").map(String::as_str)) else {
        return back_to("/unit/drivers", raw.as_deref());
    };
    let lang = lang_of(&headers);
    let ports: Ports = state.ports.clone();
    let today = ports.clock.today();
    let rows = chunks(move |after| {
        let ports = ports.clone();
        async move {
            let chunk = DriverDesk::of(&ports)
                .drivers_after(account_id, filter, after, EXPORT_CHUNK)
                .await?;
            Ok(chunk.iter().map(|d| (d.id, driver_line(lang, d))).collect())
        }
    });
    csv_response(
        drivers_header(lang),
        rows,
        content_disposition("单位驾驶人", "unit-drivers", today),
    )
}

/// `GET /unit/exams.csv`: the hospital's examinations (驾驶人体检), as
/// searched on the page. Only a hospital granted the examinations.
pub async fn exams(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Params,
) -> Response {
    // A visitor goes to the login page and a person is refused by `unit_of`.
    let granted = session
        .as_ref()
        .is_none_or(|Extension(s)| match &s.account.role {
            AccountRole::Unit { kind, granted, .. } => {
                let exam = app::domain::SpecialService::PhysicalExam;
                exam.allowed_for(*kind) && granted.contains(&exam)
            }
            _ => true,
        });
    if !granted {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "本单位未获交管部门授权办理“驾驶人体检”业务。\nThe traffic authority has not granted this unit driver examinations.\n",
        )
            .into_response();
    }
    let (account_id, _) = match unit_of(
        session,
        OperatorService::Medical,
        "/unit/exams",
        raw.as_deref(),
    ) {
        Ok(unit) => unit,
        Err(response) => return *response,
    };
    let Ok(person) = exam_search(params.get("person").map(String::as_str)) else {
        return back_to("/unit/exams", raw.as_deref());
    };
    let lang = lang_of(&headers);
    let ports: Ports = state.ports.clone();
    let today = ports.clock.today();
    let rows = chunks(move |after| {
        let (ports, person) = (ports.clone(), person.clone());
        async move {
            let chunk = ports
                .physical_exams
                .hospital_exams_after(account_id, person.as_deref(), after, EXPORT_CHUNK)
                .await?;
            Ok(chunk.iter().map(|e| (e.id, exam_line(lang, e))).collect())
        }
    });
    csv_response(
        exams_header(lang),
        rows,
        content_disposition("本院体检记录", "examinations", today),
    )
}

/// The unit's account id and credit code, or the answer for anyone else:
/// the login page (then back to the table) for a visitor, 403 for a person
/// or an officer.
fn unit_of(
    session: Option<Extension<CurrentSession>>,
    service: OperatorService,
    page: &str,
    raw: Option<&str>,
) -> Result<(i64, String), Box<Response>> {
    let Some(Extension(session)) = session else {
        let asked = match raw {
            Some(q) if !q.is_empty() => format!("{page}?{q}"),
            _ => page.to_string(),
        };
        return Err(Box::new(
            Redirect::to(&app::ui::login_location(Some(&asked))).into_response(),
        ));
    };
    let refused = |text: String| {
        Box::new(
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response(),
        )
    };
    if !session.account.may_use_unit_service(&[service]) {
        return Err(refused(format!(
            "您的经办人账户未获准办理“{}”。\nYour operator login is not allowed to use \"{}\".\n",
            service.zh(),
            service.en()
        )));
    }
    match session.account.role {
        AccountRole::Unit { credit_code, .. } => Ok((session.account.account_id, credit_code)),
        _ => Err(Box::new(
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "此功能只面向单位用户。\nThis is for unit users only.\n",
            )
                .into_response(),
        )),
    }
}

fn back_to(page: &str, raw: Option<&str>) -> Response {
    match raw {
        Some(q) if !q.is_empty() => Redirect::to(&format!("{page}?{q}")),
        _ => Redirect::to(page),
    }
    .into_response()
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| app::i18n::cookie_in(c, Lang::COOKIE))
        .map(|v| Lang::from_code(&v))
        .unwrap_or_default()
}

/// The rows, read by `read(after_id)` a chunk at a time until a chunk
/// comes back short; each chunk answers (id, line) pairs.
fn chunks<F, Fut>(read: F) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>>
where
    F: Fn(i64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Vec<(i64, String)>, app::ports::PortError>> + Send,
{
    futures_util::stream::unfold(Some(0_i64), move |after| {
        let next = after.map(&read);
        async move {
            let rows = match next?.await {
                Ok(rows) => rows,
                Err(err) => {
                    let reference = match app::error::internal("CSV export: reading a chunk", err) {
                        app::error::AppError::Internal { reference } => reference,
                        _ => String::new(),
                    };
                    // The headers are sent: ending the body with an error
                    // makes the browser report a failed download.
                    return Some((Err(std::io::Error::other(reference)), None));
                }
            };
            let last = rows.last().map(|(id, _)| *id);
            let more = rows.len() as i64 == EXPORT_CHUNK;
            let text: String = rows.into_iter().map(|(_, line)| line).collect();
            let next = if more { last } else { None };
            if text.is_empty() {
                return None;
            }
            Some((Ok(Bytes::from(text)), next))
        }
    })
}

fn csv_response(
    header_line: String,
    rows: impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    disposition: String,
) -> Response {
    use futures_util::StreamExt;
    // Fused: the compression layer may ask again after the end.
    let body = futures_util::stream::once(async move { Ok(Bytes::from(header_line)) })
        .chain(rows)
        .fuse();
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
