//! Uploading and serving the licence photo (驾驶证专用照片, D4): a plain
//! multipart form (works without JavaScript; on the photo page a small
//! script first shrinks a phone photo, `public/licence-photo.js`). The file
//! is checked by its own header (`domain::photo`), decoded and encoded
//! again so that only the picture is kept ([`super::photo_clean`]: no EXIF
//! with the GPS position), stored in the database and served back only to
//! its holder, with its checked type and `nosniff`.
//!
//! Every upload is read to its end before it is answered. A server that
//! answers and closes while the browser is still sending makes the browser
//! show "This site can't be reached" instead of the reason. Up to
//! [`UPLOAD_READ_MAX`] the photo page says the file is too large; a larger
//! upload gets a 413 page at once while the rest is read and thrown away in
//! the background (for at most [`DRAIN_FOR`]).

use super::WebState;
use app::domain::photo::{check_photo, PhotoError, PHOTO_MAX_BYTES};
use app::domain::Rule;
use app::features::accounts::session::CurrentSession;
use app::features::request::ClientIp;
use app::ports::Actor;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::time::Duration;

const PAGE: &str = "/account/licence/photo";

/// The largest upload read to its end and answered on the photo page (a
/// phone photo or a few); photos are kept only up to `PHOTO_MAX_BYTES`.
pub const UPLOAD_READ_MAX: u64 = 20 * 1024 * 1024;
/// How long, and how much of, a larger upload is read and thrown away after
/// its 413 answer, so that the browser receives the answer.
const DRAIN_FOR: Duration = Duration::from_secs(120);
const DRAIN_MAX: u64 = 1024 * 1024 * 1024;

/// `POST /account/licence/photo/upload` (the photo form).
pub async fn upload(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(mut form) = form else {
        return refused(PhotoError::Missing);
    };
    if declared_length(&headers).is_some_and(|n| n > UPLOAD_READ_MAX) {
        drain_later(form);
        return too_large_page(&state.leptos);
    }
    let bytes = match read_photo(&mut form).await {
        Ok(bytes) => bytes,
        Err(Unread::OverLimit) => {
            drain_later(form);
            return too_large_page(&state.leptos);
        }
        Err(Unread::Malformed) => return refused(PhotoError::Missing),
    };
    let Some(Extension(session)) = session else {
        return Redirect::to("/login").into_response();
    };
    let account_id = session.account.account_id;
    let holder =
        match app::features::photos::service::photo_holder(&state.ports, &session.account).await {
            Ok(Some(id)) => id,
            Ok(None) => return Redirect::to(PAGE).into_response(),
            Err(err) => {
                tracing::error!(?err, "photo upload: holder");
                return Redirect::to(&format!("{PAGE}?error=internal")).into_response();
            }
        };
    let info = match check_photo(&bytes) {
        Ok(info) => info,
        Err(e) => return refused(e),
    };
    // Only the picture is kept: no EXIF (GPS, camera), nothing hidden.
    // (Decoding takes a few milliseconds of CPU: off the request threads.)
    let cleaned =
        tokio::task::spawn_blocking(move || super::photo_clean::reencode(info, &bytes)).await;
    let (info, bytes) = match cleaned {
        Ok(Ok(clean)) => clean,
        Ok(Err(e)) => return refused(e),
        Err(err) => {
            tracing::error!(%err, "photo upload: re-encoding");
            return Redirect::to(&format!("{PAGE}?error=internal")).into_response();
        }
    };
    let actor = Actor {
        account_id: Some(account_id),
        ip: ip.map(|Extension(ClientIp(ip))| ip).unwrap_or_default(),
        operator_id: None,
        api_key: None,
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

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Why an upload was not read to its end.
#[derive(Debug)]
enum Unread {
    /// More than `UPLOAD_READ_MAX` bytes (sent without a declared length).
    OverLimit,
    /// Not a well-formed multipart form.
    Malformed,
}

/// Reads the whole form and keeps the `photo` field's bytes, at most one
/// byte more than a photo may have (enough for `check_photo` to refuse).
async fn read_photo(form: &mut Multipart) -> Result<Vec<u8>, Unread> {
    let mut photo = Vec::new();
    let mut read: u64 = 0;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(photo),
            Err(_) => return Err(Unread::Malformed),
        };
        let is_photo = field.name() == Some("photo");
        if is_photo {
            photo.clear();
        }
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    read += chunk.len() as u64;
                    if read > UPLOAD_READ_MAX {
                        return Err(Unread::OverLimit);
                    }
                    if is_photo {
                        let room = (PHOTO_MAX_BYTES + 1).saturating_sub(photo.len());
                        photo.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    }
                }
                Ok(None) => break,
                Err(_) => return Err(Unread::Malformed),
            }
        }
    }
}

/// Reads the rest of an upload in the background and throws it away, so
/// that the connection is not closed while the browser is still sending.
fn drain_later(mut form: Multipart) {
    tokio::spawn(async move {
        let drain = async {
            let mut read: u64 = 0;
            while let Ok(Some(mut field)) = form.next_field().await {
                while let Ok(Some(chunk)) = field.chunk().await {
                    read += chunk.len() as u64;
                    if read > DRAIN_MAX {
                        return;
                    }
                }
            }
        };
        if tokio::time::timeout(DRAIN_FOR, drain).await.is_err() {
            tracing::info!("photo upload: stopped reading an oversized upload");
        }
    });
}

/// The 413 page, in both languages (the upload is refused before the
/// session or the language matter), with the way back.
fn too_large_page(options: &leptos::prelude::LeptosOptions) -> Response {
    let stylesheet = app::ui::assets::stylesheet_href(options);
    let max_mb = UPLOAD_READ_MAX / (1024 * 1024);
    let max_kb = PHOTO_MAX_BYTES / 1024;
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>照片文件太大 - Photo file too large</title>
<link rel="stylesheet" href="{stylesheet}">
</head>
<body>
<header class="header"><div class="header__inner"><a class="header__brand" href="/"><span class="header__emblem" aria-hidden="true">122</span><span>互联网交通安全综合服务管理平台</span></a></div></header>
<main class="main" id="main">
<h1 class="heading-xl">照片文件太大</h1>
<p>所选文件超过{max_mb}MB，没有上传。驾驶证专用照片应为JPG或PNG格式、不超过{max_kb}KB：请确认选择的是照片（不是视频），或先压缩照片再上传。</p>
<p><a class="button" href="{PAGE}">返回提交照片</a></p>
<div lang="en">
<h2 class="heading-m">Photo file too large</h2>
<p>The chosen file is over {max_mb} MB and was not uploaded. A licence photo is a JPG or PNG of at most {max_kb} KB: check that you chose a photo (not a video), or compress it first.</p>
<p><a href="{PAGE}">Back to the photo page</a></p>
</div>
</main>
</body>
</html>
"#
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                ),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response()
}

/// `GET /account/licence/photo/image`: the holder's own photo.
pub async fn image(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
) -> Response {
    let Some(Extension(session)) = session else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let holder =
        match app::features::photos::service::photo_holder(&state.ports, &session.account).await {
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
