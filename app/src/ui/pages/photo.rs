//! Submitting the licence photo (提交驾驶证专用照片, D4): the requirements,
//! the photo on record, and a plain upload form (works without JavaScript).

use crate::api::photo::{licence_photo_status, PhotoStatus};
use crate::domain::date::cst_date_time;
use crate::domain::photo::PhotoError;
use crate::domain::Rule;
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
        <form class="form" method="post" action="/account/licence/photo/upload" enctype="multipart/form-data">
            <div class="form-group">
                <label class="label" for="photo">{lang.pick("选择照片", "Choose the photo")}</label>
                <div class="hint" id="photo-hint">{lang.pick("提交新照片会替换已提交的照片", "A new photo replaces the one on record")}</div>
                <input class="file-input" type="file" id="photo" name="photo" accept="image/jpeg,image/png" aria-describedby="photo-hint" />
            </div>
            <button class="button" type="submit">{lang.pick("提交照片", "Submit the photo")}</button>
        </form>
    }
    .into_any()
}
