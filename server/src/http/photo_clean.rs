//! Licence photos lose what is not the picture (去除照片元数据): the
//! uploaded file is decoded and encoded again, so the stored photo keeps
//! its pixels and nothing else — no EXIF (GPS position, camera, time), no
//! comments, no bytes hidden after the image. A photo taken with the phone
//! held upright but stored sideways (EXIF orientation) is turned upright
//! first, since the tag that said so goes.

use app::domain::photo::{
    check_dimensions, PhotoError, PhotoFormat, PhotoInfo, PHOTO_MAX_HEIGHT, PHOTO_MAX_WIDTH,
};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// JPEG quality of the stored photo (high: it is printed on the licence).
const JPEG_QUALITY: u8 = 92;

/// The photo decoded and encoded again in its own format, with what the
/// domain check found; a file that does not decode is not an image.
pub fn reencode(info: PhotoInfo, bytes: &[u8]) -> Result<(PhotoInfo, Vec<u8>), PhotoError> {
    let format = match info.format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The header was checked already; the decoder is held to the same
    // size whatever the file says further on (nothing larger is decoded).
    let mut limits = Limits::default();
    let side = PHOTO_MAX_WIDTH.max(PHOTO_MAX_HEIGHT);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let not_an_image = |e: image::ImageError| {
        tracing::info!(error = %e, "licence photo does not decode");
        PhotoError::NotAnImage
    };
    let mut decoder = reader.into_decoder().map_err(not_an_image)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(not_an_image)?;
    picture.apply_orientation(orientation);
    let (width, height) = (picture.width(), picture.height());
    check_dimensions(width, height)?;
    let mut out = Vec::with_capacity(bytes.len());
    let written = match info.format {
        PhotoFormat::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if picture.color().has_color() {
                DynamicImage::ImageRgb8(picture.to_rgb8()).write_with_encoder(encoder)
            } else {
                DynamicImage::ImageLuma8(picture.to_luma8()).write_with_encoder(encoder)
            }
        }
        PhotoFormat::Png => picture.write_with_encoder(PngEncoder::new(&mut out)),
    };
    written.map_err(|e| {
        tracing::error!(error = %e, "licence photo: encoding");
        PhotoError::NotAnImage
    })?;
    Ok((
        PhotoInfo {
            format: info.format,
            width,
            height,
        },
        out,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, RgbImage};

    fn info(format: PhotoFormat, width: u32, height: u32) -> PhotoInfo {
        PhotoInfo {
            format,
            width,
            height,
        }
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(picture)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        out
    }

    /// The JPEG with an EXIF segment (APP1) after its start: the given
    /// orientation, and a GPS-like text a test can look for.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
        tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
        tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 38.0428N 114.5149E");
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// The CRC-32 of a PNG chunk (its type and data).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn exif_goes_and_the_picture_stays() {
        let original = with_exif(&jpeg(358, 441), 1);
        assert!(contains(&original, b"Exif") && contains(&original, b"GPS"));
        let (found, clean) = reencode(info(PhotoFormat::Jpeg, 358, 441), &original).unwrap();
        assert!(!contains(&clean, b"Exif") && !contains(&clean, b"GPS"));
        assert_eq!((found.width, found.height), (358, 441));
        let decoded = image::load_from_memory_with_format(&clean, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (358, 441));
    }

    #[test]
    fn a_photo_stored_sideways_is_turned_upright() {
        // Stored 441 wide, 358 high; the camera says: turn 90° clockwise.
        let sideways = with_exif(&jpeg(441, 358), 6);
        let (found, clean) = reencode(info(PhotoFormat::Jpeg, 441, 358), &sideways).unwrap();
        assert_eq!((found.width, found.height), (358, 441));
        let decoded = image::load_from_memory(&clean).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (358, 441));
        // Upright it is landscape: the domain's rule refuses it.
        let landscape = with_exif(&jpeg(358, 441), 6);
        assert_eq!(
            reencode(info(PhotoFormat::Jpeg, 358, 441), &landscape),
            Err(PhotoError::NotPortrait)
        );
    }

    #[test]
    fn png_text_goes_and_a_grey_png_stays_grey() {
        let picture = GrayImage::from_fn(358, 441, |x, y| image::Luma([((x ^ y) % 256) as u8]));
        let mut png = Vec::new();
        DynamicImage::ImageLuma8(picture)
            .write_with_encoder(PngEncoder::new(&mut png))
            .unwrap();
        // A text chunk before the end (IEND is the last 12 bytes).
        let mut chunk = Vec::new();
        let data = b"Comment\x00taken at 38.0428N 114.5149E";
        chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(data);
        chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
        let at = png.len() - 12;
        png.splice(at..at, chunk);
        png.extend_from_slice(b"trailing secret");
        assert!(contains(&png, b"38.0428N"));
        let (_, clean) = reencode(info(PhotoFormat::Png, 358, 441), &png).unwrap();
        assert!(!contains(&clean, b"38.0428N") && !contains(&clean, b"secret"));
        let decoded = image::load_from_memory(&clean).unwrap();
        assert_eq!(decoded.color(), image::ColorType::L8);
        assert_eq!((decoded.width(), decoded.height()), (358, 441));
    }

    #[test]
    fn what_does_not_decode_is_not_an_image() {
        // A JPEG start and frame header with no picture after it.
        let mut broken = vec![
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xB9, 0x01, 0x66,
        ];
        broken.resize(20_000, 0);
        assert_eq!(
            reencode(info(PhotoFormat::Jpeg, 358, 441), &broken).map(|_| ()),
            Err(PhotoError::NotAnImage)
        );
    }
}
