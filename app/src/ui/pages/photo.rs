//! Submitting the licence photo (提交驾驶证专用照片, D4): the requirements,
//! the photo on record, and a plain upload form (works without JavaScript).
//! On this page only, `public/licence-photo.js` turns a phone photo upright,
//! crops and compresses it before the form sends it; the form gives it the
//! rules of `domain::photo` and the messages in the page's language.

use crate::domain::date::cst_date_time;
use crate::domain::photo::{self as rules, PhotoError};
use crate::domain::Rule;
use crate::features::photos::{licence_photo_status, PhotoStatus};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LicencePhotoPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (uploaded, error) =
        use_query_map().with_untracked(|q| (q.get("uploaded").is_some(), q.get("error")));
    let done = uploaded.then(|| Text::new("照片已提交。", "The photo is submitted."));
    let problem = error.map(|code| match PhotoError::from_code(&code) {
        Some(e) => Text::new(e.zh(), e.en()),
        None => Text::new(
            "系统繁忙，照片没有保存，请稍后再试。",
            "Something went wrong and the photo was not saved. Please try again later.",
        ),
    });
    let data = Resource::new_blocking(|| (), |_| licence_photo_status());
    view! {
        <Page title_zh="提交驾驶证专用照片" title_en="Submit a licence photo">
            <AccountNav lang current="/account/licence" />
            <DoneBanner text=done lang />
            {problem.map(|p| view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2 class="error-summary__title">{lang.pick("照片没有提交", "The photo was not submitted")}</h2>
                    <ul class="error-summary__list"><li><a href="#photo">{p.get(lang).to_string()}</a></li></ul>
                </div>
            })}
            {when_loaded(lang, data, photo_view)}
        </Page>
    }
}

fn photo_view(lang: Lang, status: PhotoStatus) -> impl IntoView {
    if !status.licence_bound {
        return view! {
            <p>{lang.pick("请先绑定本人驾驶证。", "Bind your own driving licence first.")} " " <a href="/account/licence">{lang.pick("去绑定", "Bind it")}</a></p>
        }
        .into_any();
    }
    let current = status.photo.map(|p| {
        view! {
            <h2 class="heading-m">{lang.pick("已提交的照片", "Photo on record")}</h2>
            <img class="licence-photo" src=format!("/account/licence/photo/image?v={}", p.uploaded_at_ms)
                alt=lang.pick("您提交的驾驶证专用照片", "Your submitted licence photo") width=p.width.min(358) />
            <p class="caption">{format!("{}×{} · {}", p.width, p.height, cst_date_time(p.uploaded_at_ms))}</p>
        }
    });
    view! {
        <h2 class="heading-m">{lang.pick("照片要求", "Photo requirements")}</h2>
        <ul class="list--bullet">
            <li>{lang.pick("近6个月内拍摄的本人正面免冠彩色半身证件照，白色背景", "A recent (6 months) full-face colour ID photo without a hat, white background")}</li>
            <li>{lang.pick("JPG或PNG格式，10KB至300KB", "JPG or PNG, 10 KB to 300 KB")}</li>
            <li>{lang.pick("竖幅，推荐358×441像素（宽260至1200、高320至1600像素）", "Portrait, 358×441 pixels recommended (260–1200 wide, 320–1600 high)")}</li>
        </ul>
        {current}
        <PhotoForm lang />
    }
    .into_any()
}

/// The upload form. Its data-* attributes carry the rules, and the status
/// line's the messages, for `public/licence-photo.js` (loaded here only).
#[component]
fn PhotoForm(lang: Lang) -> impl IntoView {
    let error = move |e: PhotoError| lang.pick(&e.zh(), &e.en()).to_string();
    view! {
        <form class="form" id="photo-form" method="post" action="/account/licence/photo/upload" enctype="multipart/form-data"
            data-min-bytes=rules::PHOTO_MIN_BYTES data-max-bytes=rules::PHOTO_MAX_BYTES
            data-min-width=rules::PHOTO_MIN_WIDTH data-min-height=rules::PHOTO_MIN_HEIGHT
            data-max-width=rules::PHOTO_MAX_WIDTH data-max-height=rules::PHOTO_MAX_HEIGHT
            data-ratio-min=f64::from(rules::PHOTO_MIN_RATIO_X100) / 100.0
            data-ratio-max=f64::from(rules::PHOTO_MAX_RATIO_X100) / 100.0
            data-target-width=rules::PHOTO_RECOMMENDED_WIDTH data-target-height=rules::PHOTO_RECOMMENDED_HEIGHT>
            <div class="form-group" id="photo-group">
                <label class="label" for="photo">{lang.pick("选择照片", "Choose the photo")}</label>
                <div class="hint" id="photo-hint">{lang.pick(
                    "可以直接选择手机拍摄的照片，提交前会自动摆正、压缩。提交新照片会替换已提交的照片。",
                    "You can choose a photo straight from your phone: it is turned upright and compressed before it is sent. A new photo replaces the one on record.",
                )}</div>
                <p class="error-message" id="photo-error" role="alert"></p>
                <input class="file-input" type="file" id="photo" name="photo" accept="image/jpeg,image/png"
                    aria-describedby="photo-hint photo-error photo-status" />
                <p class="photo-status" id="photo-status" role="status"
                    data-msg-working=lang.pick("正在处理照片……", "Preparing the photo…")
                    data-msg-kept=lang.pick("照片符合要求，将按原文件提交。", "The photo meets the requirements and will be sent as it is.")
                    data-msg-done=lang.pick("照片已自动压缩为{width}×{height}像素、{size}（原文件{original}）。", "The photo was resized to {width}×{height} pixels, {size} (the original was {original}). ")
                    data-msg-turned=lang.pick("已按拍摄方向摆正。", "It was turned upright as it was taken. ")
                    data-msg-cropped=lang.pick("已从中间裁剪为竖幅。", "It was cropped to portrait from the middle. ")
                    data-msg-ready=lang.pick("请查看下面的照片，无误后点击“提交照片”。", "Check the photo below, then choose “Submit the photo”.")
                    data-msg-sending=lang.pick("正在上传照片……", "Uploading the photo…")
                    data-msg-preview=lang.pick("将要提交的照片", "The photo to be submitted")
                    data-msg-not-image=lang.pick("无法读取这个文件。只能上传JPG或PNG格式的照片。", "This file cannot be read. Only JPG or PNG photos are accepted.")
                    data-msg-dimensions=error(PhotoError::Dimensions)
                    data-msg-too-large=error(PhotoError::TooLarge)
                    data-msg-too-small=error(PhotoError::TooSmall)
                    data-msg-failed=lang.pick("照片没有处理成功，请重新选择照片，或换用其他浏览器。", "The photo could not be prepared. Choose it again, or use another browser.")></p>
            </div>
            <button class="button" type="submit">{lang.pick("提交照片", "Submit the photo")}</button>
        </form>
        <script src="/licence-photo.js" defer></script>
    }
}
