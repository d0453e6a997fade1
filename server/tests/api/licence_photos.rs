//! Licence photos on both databases: checked by their content, shown only
//! to their holder, and large uploads answered with the reason (驾驶证照片).

use crate::helpers::*;
use app::features::bindings::api::BindLicence;
use app::features::photos::api::LicencePhotoStatus;

/// A PNG header of the given size, padded to `bytes` long.
fn png(width: u32, height: u32, bytes: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.resize(bytes, 7);
    v
}

/// A real grey PNG of the given size, noisy like a photo (so it is over
/// the 10 KB a photo must have), as the server decodes and encodes it.
pub(crate) fn photo_png(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 12345;
    let picture = image::GrayImage::from_fn(width, height, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        image::Luma([(seed >> 24) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG");
    out.into_inner()
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> String {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let res = client
        .post(format!("{}/account/licence/photo/upload", app.base))
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn licence_photos_are_checked_by_their_content_and_shown_only_to_their_holder(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    // Without a bound licence nothing is stored.
    assert_eq!(
        upload(&app, &owner, "me.png", png(358, 441, 20_000)).await,
        "/account/licence/photo",
        "{app}"
    );
    app.call_fn(&owner, BindLicence {}).await.unwrap();

    // A renamed text file, a landscape picture, a huge file: refused.
    assert!(
        upload(
            &app,
            &owner,
            "me.jpg",
            b"<script>alert(1)</script>".repeat(800)
        )
        .await
        .ends_with("error=photo.not_image"),
        "{app}"
    );
    assert!(
        upload(&app, &owner, "me.png", png(441, 358, 20_000))
            .await
            .ends_with("error=photo.not_portrait"),
        "{app}"
    );
    assert!(
        upload(&app, &owner, "me.png", png(358, 441, 500 * 1024))
            .await
            .ends_with("error=photo.too_large"),
        "{app}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM licence_photos").await,
        0,
        "{app}"
    );

    let photo = photo_png(358, 441);
    assert_eq!(
        upload(&app, &owner, "whatever.exe", photo.clone()).await,
        "/account/licence/photo?uploaded=1",
        "{app}"
    );
    let status = app.call_fn(&owner, LicencePhotoStatus {}).await.unwrap();
    assert_eq!(status["photo"]["width"], 358, "{app}: {status}");
    let res = owner
        .get(format!("{}/account/licence/photo/image", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/png", "{app}");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{app}");
    // The same picture (PNG keeps every pixel), encoded again by the server.
    let stored = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    let sent = image::load_from_memory(&photo).unwrap();
    assert_eq!(stored.to_luma8(), sent.to_luma8(), "{app}");
    // Another person sees nothing.
    let other = logged_in(&app, "Window-registered individual").await;
    let res = other
        .get(format!("{}/account/licence/photo/image", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "{app}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'licence.photo'")
            .await,
        1,
        "{app}"
    );
}
both_backends!(licence_photos_are_checked_by_their_content_and_shown_only_to_their_holder);

/// Phone photos are several megabytes: such an upload is read to its end
/// and answered with the reason on the photo page (a reset connection shows
/// the browser's "site can't be reached"); beyond 20 MB a 413 page says so.
async fn multi_megabyte_photos_are_answered_with_the_reason_not_a_reset(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    app.call_fn(&owner, BindLicence {}).await.unwrap();
    for mb in [2, 10] {
        assert_eq!(
            upload(&app, &owner, "IMG_0001.jpg", png(358, 441, mb << 20)).await,
            "/account/licence/photo?error=photo.too_large",
            "{app}: {mb} MB"
        );
    }
    let part = reqwest::multipart::Part::bytes(png(358, 441, 21 << 20)).file_name("video.mp4");
    let res = owner
        .post(format!("{}/account/licence/photo/upload", app.base))
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .expect("an answer, not a reset connection");
    assert_eq!(res.status(), 413, "{app}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("text/html"),
        "{app}: {content_type}"
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("照片文件太大"), "{app}: {page}");
    assert!(page.contains("too large"), "{app}: {page}");
    assert!(
        page.contains(r#"href="/account/licence/photo""#),
        "{app}: {page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM licence_photos").await,
        0,
        "{app}"
    );
    // The same client goes on working.
    assert_eq!(
        upload(&app, &owner, "me.png", photo_png(358, 441)).await,
        "/account/licence/photo?uploaded=1",
        "{app}"
    );
}
both_backends!(multi_megabyte_photos_are_answered_with_the_reason_not_a_reset);
