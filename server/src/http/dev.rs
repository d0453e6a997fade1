//! Development-only routes (开发环境): the SMS outbox, read by the browser
//! tests instead of a phone. Mounted only with `DEV_SMS_OUTBOX=1`.

use super::WebState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(serde::Deserialize)]
pub struct OutboxQuery {
    phone: String,
}

/// `GET /dev/sms-outbox?phone=…`: the newest messages queued for a phone,
/// newest first, each rendered from its template (`body`), with the
/// template's name and the delivery status.
pub async fn sms_outbox(State(state): State<WebState>, Query(q): Query<OutboxQuery>) -> Response {
    use crate::store::sms_outbox::sms_of_row;
    use sqlx::Row;
    let Some(pool) = &state.dev_outbox else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rows = sqlx::query(
        "SELECT template, params, status, created_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 10",
    )
    .bind(q.phone.trim())
    .fetch_all(pool)
    .await;
    match rows {
        Ok(rows) => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let template: String = r.try_get("template").unwrap_or_default();
                    let params: String = r.try_get("params").unwrap_or_default();
                    let body = sms_of_row(&template, &params)
                        .map(|sms| sms.text())
                        .unwrap_or_else(|e| format!("({e})"));
                    serde_json::json!({
                        "body": body,
                        "template": template,
                        "status": r.try_get::<String, _>("status").unwrap_or_default(),
                        "created_at": r.try_get::<i64, _>("created_at").unwrap_or_default(),
                    })
                })
                .collect();
            axum::Json(list).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "reading the SMS outbox failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
