//! A stored licence photo keeps no EXIF: it is decoded and encoded again.

use crate::helpers::*;
use crate::licence_photos::photo_png;
use app::features::bindings::api::BindLicence;

/// A JPEG of this size, noisy like a photo (over the 10 KB a photo must
/// have), with an EXIF segment (APP1) after its start saying where it was
/// taken.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 7;
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let noise = (seed >> 27) as u8;
        image::Rgb([(x % 200) as u8 + noise, (y % 200) as u8 + noise, 120])
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let jpeg = jpeg.into_inner();
    // TIFF header, one IFD entry (a GPS latitude reference, "N"), then the
    // position written out as a camera's maker note might.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01".to_vec();
    tiff.extend_from_slice(&[
        0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, b'N', 0, 0, 0,
    ]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 38.0428N 114.5149E iPhone 15");
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn a_stored_photo_keeps_no_exif(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    app.call_fn(&owner, BindLicence {}).await.unwrap();
    let photo = jpeg_with_exif(358, 441);
    assert!(contains(&photo, b"Exif") && contains(&photo, b"114.5149E"));
    assert!(
        (10 * 1024..300 * 1024).contains(&photo.len()),
        "{}",
        photo.len()
    );
    let part = reqwest::multipart::Part::bytes(photo).file_name("IMG_0001.jpg");
    let res = owner
        .post(format!("{}/account/licence/photo/upload", app.base))
        .header("origin", &app.base)
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/account/licence/photo?uploaded=1",
        "{app}"
    );
    let res = owner
        .get(format!("{}/account/licence/photo/image", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg", "{app}");
    let stored = res.bytes().await.unwrap().to_vec();
    assert!(!contains(&stored, b"Exif"), "{app}: EXIF kept");
    assert!(!contains(&stored, b"114.5149E"), "{app}: the position kept");
    let decoded = image::load_from_memory(&stored).expect("the photo still decodes");
    assert_eq!((decoded.width(), decoded.height()), (358, 441), "{app}");

    // A PNG as well: the same pixels, nothing after them.
    let mut png = photo_png(358, 441);
    png.extend_from_slice(b"114.5149E");
    let part = reqwest::multipart::Part::bytes(png).file_name("me.png");
    let res = owner
        .post(format!("{}/account/licence/photo/upload", app.base))
        .header("origin", &app.base)
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/account/licence/photo?uploaded=1",
        "{app}"
    );
    let stored = owner
        .get(format!("{}/account/licence/photo/image", app.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!contains(&stored, b"114.5149E"), "{app}");
}
both_backends!(a_stored_photo_keeps_no_exif);
