//! The licence photo (驾驶证专用照片, D4): which files are accepted. Only
//! the file's own header is trusted (never its name or declared type).

use super::rules;
use serde::{Deserialize, Serialize};

/// The image formats accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoFormat {
    Jpeg,
    Png,
}

impl PhotoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
        }
    }
}

/// A photo file that passed the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoInfo {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
}

pub const PHOTO_MIN_BYTES: usize = 10 * 1024;
pub const PHOTO_MAX_BYTES: usize = 300 * 1024;
pub const PHOTO_MIN_WIDTH: u32 = 260;
pub const PHOTO_MIN_HEIGHT: u32 = 320;
pub const PHOTO_MAX_WIDTH: u32 = 1200;
pub const PHOTO_MAX_HEIGHT: u32 = 1600;
/// The recommended size (358×441 pixels, about 4:5).
pub const PHOTO_RECOMMENDED_WIDTH: u32 = 358;
pub const PHOTO_RECOMMENDED_HEIGHT: u32 = 441;
/// Portrait: width × 100 / height (rounded down) within this range.
pub const PHOTO_MIN_RATIO_X100: u32 = 70;
pub const PHOTO_MAX_RATIO_X100: u32 = 90;

/// Why a photo file was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoError {
    Missing,
    TooLarge,
    TooSmall,
    NotAnImage,
    Dimensions,
    NotPortrait,
}

rules!(PhotoError {
    PhotoError::Missing => ("photo.missing", "请选择要上传的照片文件", "Choose the photo file to upload"),
    PhotoError::TooLarge => ("photo.too_large", "照片文件不能超过300KB，请压缩后再上传", "The file must be at most 300 KB; compress it and try again"),
    PhotoError::TooSmall => ("photo.too_small", "照片文件太小（不足10KB），清晰度不够，请上传原图", "The file is under 10 KB, too blurry; upload the original"),
    PhotoError::NotAnImage => ("photo.not_image", "只能上传JPG或PNG格式的照片", "Only JPG or PNG photos are accepted"),
    PhotoError::Dimensions => ("photo.dimensions", "照片尺寸应在宽260至1200像素、高320至1600像素之间（推荐358×441像素）", "The photo must be 260–1200 pixels wide and 320–1600 high (358×441 recommended)"),
    PhotoError::NotPortrait => ("photo.not_portrait", "请上传竖幅证件照，宽高比约为4:5（推荐358×441像素）", "Upload a portrait ID photo, about 4:5 wide to high (358×441 recommended)"),
});

impl PhotoError {
    pub const ALL: &'static [PhotoError] = &[
        PhotoError::Missing,
        PhotoError::TooLarge,
        PhotoError::TooSmall,
        PhotoError::NotAnImage,
        PhotoError::Dimensions,
        PhotoError::NotPortrait,
    ];

    pub fn from_code(code: &str) -> Option<PhotoError> {
        use super::Rule;
        PhotoError::ALL.iter().copied().find(|e| e.code() == code)
    }
}

/// Checks a licence photo file: JPG or PNG by its header, 10–300 KB,
/// within the size limits, portrait at about 4:5.
pub fn check_photo(bytes: &[u8]) -> Result<PhotoInfo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Missing);
    }
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let (format, (width, height)) = if let Some(size) = png_size(bytes) {
        (PhotoFormat::Png, size)
    } else if let Some(size) = jpeg_size(bytes) {
        (PhotoFormat::Jpeg, size)
    } else {
        return Err(PhotoError::NotAnImage);
    };
    if bytes.len() < PHOTO_MIN_BYTES {
        return Err(PhotoError::TooSmall);
    }
    check_dimensions(width, height)?;
    Ok(PhotoInfo {
        format,
        width,
        height,
    })
}

/// Checks a photo's size in pixels, as it is shown: within the limits and
/// portrait at about 4:5 (also after the server turned a photo the way its
/// camera said it was held).
pub fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoError> {
    if !(PHOTO_MIN_WIDTH..=PHOTO_MAX_WIDTH).contains(&width)
        || !(PHOTO_MIN_HEIGHT..=PHOTO_MAX_HEIGHT).contains(&height)
    {
        return Err(PhotoError::Dimensions);
    }
    // Width / height between 0.70 and 0.90 (358×441 is 0.81).
    let ratio_x100 = width * 100 / height;
    if !(PHOTO_MIN_RATIO_X100..=PHOTO_MAX_RATIO_X100).contains(&ratio_x100) {
        return Err(PhotoError::NotPortrait);
    }
    Ok(())
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if b.len() < 24 || !b.starts_with(SIGNATURE) || &b[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
    Some((w, h))
}

/// Width and height from a JPEG's start-of-frame segment.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return None;
    }
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
            let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
            return Some((w, h));
        }
        if len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::domain::Rule;

    /// A PNG header of the given size, padded to `bytes` long.
    pub fn png(width: u32, height: u32, bytes: usize) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        v.extend_from_slice(&width.to_be_bytes());
        v.extend_from_slice(&height.to_be_bytes());
        v.resize(bytes, 0);
        v
    }

    fn jpeg(width: u16, height: u16, bytes: usize) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&width.to_be_bytes());
        v.resize(bytes, 0);
        v
    }

    #[test]
    fn a_standard_photo_is_accepted_in_both_formats() {
        let p = check_photo(&png(358, 441, 20_000)).unwrap();
        assert_eq!((p.format, p.width, p.height), (PhotoFormat::Png, 358, 441));
        let j = check_photo(&jpeg(358, 441, 30_000)).unwrap();
        assert_eq!((j.format, j.width, j.height), (PhotoFormat::Jpeg, 358, 441));
        assert_eq!(j.format.mime(), "image/jpeg");
    }

    #[test]
    fn the_recommended_size_and_the_ratio_edges() {
        let (w, h) = (PHOTO_RECOMMENDED_WIDTH, PHOTO_RECOMMENDED_HEIGHT);
        assert!(check_photo(&png(w, h, 20_000)).is_ok());
        // 700×1000 and 909×1000 are inside, 699×1000 and 910×1000 not.
        assert!(check_photo(&png(700, 1000, 20_000)).is_ok());
        assert!(check_photo(&png(909, 1000, 20_000)).is_ok());
        for width in [699, 910] {
            assert_eq!(
                check_photo(&png(width, 1000, 20_000)),
                Err(PhotoError::NotPortrait)
            );
        }
    }

    #[test]
    fn wrong_files_are_refused_with_the_reason() {
        assert_eq!(check_photo(&[]), Err(PhotoError::Missing));
        assert_eq!(
            check_photo(b"GIF89a not a photo"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            check_photo(&png(358, 441, 400 * 1024)),
            Err(PhotoError::TooLarge)
        );
        assert_eq!(
            check_photo(&png(358, 441, 2_000)),
            Err(PhotoError::TooSmall)
        );
        assert_eq!(
            check_photo(&png(100, 120, 20_000)),
            Err(PhotoError::Dimensions)
        );
        assert_eq!(
            check_photo(&png(441, 358, 20_000)),
            Err(PhotoError::NotPortrait)
        );
        assert_eq!(check_dimensions(441, 358), Err(PhotoError::NotPortrait));
        assert_eq!(check_dimensions(358, 441), Ok(()));
        assert_eq!(
            PhotoError::from_code(PhotoError::Dimensions.code()),
            Some(PhotoError::Dimensions)
        );
    }
}
