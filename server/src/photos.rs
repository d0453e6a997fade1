//! Uploading and serving the licence photo (驾驶证专用照片, D4): a plain
//! multipart form (works without JavaScript). The file is checked by its
//! own header (`domain::photo`), stored in the database and served back only
//! to its holder, with its checked type and `nosniff`.

use crate::web::WebState;
use app::api::server::{ClientIp, CurrentSession};
use app::domain::photo::{check_photo, PhotoError};
use app::domain::Rule;
use app::ports::Actor;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

const PAGE: &str = "/account/licence/photo";

/// `POST /account/licence/photo/upload`
pub async fn upload(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    ip: Option<Extension<ClientIp>>,
    mut form: Multipart,
) -> Response {
    let Some(Extension(session)) = session else {
        return Redirect::to("/login").into_response();
    };
    let account_id = session.account.account_id;
    let holder = match app::api::photo::photo_holder(&state.ports, account_id).await {
        Ok(Some(id)) => id,
        Ok(None) => return Redirect::to(PAGE).into_response(),
        Err(err) => {
            tracing::error!(?err, "photo upload: holder");
            return Redirect::to(&format!("{PAGE}?error=internal")).into_response();
        }
    };
    let mut bytes = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("photo") => match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => return refused(PhotoError::TooLarge),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            // An over-long body ends the stream here.
            Err(_) => return refused(PhotoError::TooLarge),
        }
    }
    let info = match check_photo(&bytes) {
        Ok(info) => info,
        Err(e) => return refused(e),
    };
    let actor = Actor {
        account_id: Some(account_id),
        ip: ip.map(|Extension(ClientIp(ip))| ip).unwrap_or_default(),
    };
    match state
        .ports
        .photos
        .save_photo(account_id, &holder, info, &bytes, &actor)
        .await
    {
        Ok(()) => Redirect::to(&format!("{PAGE}?uploaded=1")).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "photo upload: store");
            Redirect::to(&format!("{PAGE}?error=internal")).into_response()
        }
    }
}

fn refused(e: PhotoError) -> Response {
    Redirect::to(&format!("{PAGE}?error={}", e.code())).into_response()
}

/// `GET /account/licence/photo/image`: the holder's own photo.
pub async fn image(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
) -> Response {
    let Some(Extension(session)) = session else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let holder = match app::api::photo::photo_holder(&state.ports, session.account.account_id).await
    {
        Ok(Some(id)) => id,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match state.ports.photos.photo(&holder).await {
        Ok(Some((mime, bytes))) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
                (header::CONTENT_DISPOSITION, "inline".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "photo image");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
