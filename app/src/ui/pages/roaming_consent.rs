//! Logging in at another province's platform (漫游登录确认): the home
//! platform's page between the visited platform's "用其他省份账号登录" and
//! the way back. The person, logged in here, sees which platform asks and
//! what it will be told, and agrees or goes back. A plain form (no WASM).

use crate::features::roaming::{roaming_consent, ConsentView, GrantRoaming};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded, PostedError};
use crate::ui::require_login_redirect;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RoamingConsentPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let asked = use_query_map().with_untracked(|q| {
        (
            q.get("aud").unwrap_or_default(),
            q.get("state").unwrap_or_default(),
            q.get("nonce").unwrap_or_default(),
        )
    });
    let (aud, state, nonce) = asked.clone();
    let data = Resource::new_blocking(
        move || (aud.clone(), state.clone(), nonce.clone()),
        |(aud, state, nonce)| roaming_consent(aud, state, nonce),
    );
    view! {
        <Page title_zh="登录其他省份平台" title_en="Log in at another province's platform">
            <PostedError lang paths=vec![GrantRoaming::PATH] />
            {when_loaded(lang, data, move |lang, view| consent(lang, view, asked.clone()))}
        </Page>
    }
}

fn consent(lang: Lang, v: ConsentView, (aud, state, nonce): (String, String, String)) -> AnyView {
    let row = summary_row(lang);
    let peer = lang.pick(&v.peer_name_zh, &v.peer_name_en).to_string();
    let plates = if v.plates.is_empty() {
        lang.pick("（未绑定）", "(none bound)").to_string()
    } else {
        v.plates.join(lang.pick("、", ", "))
    };
    view! {
        <p class="lead">{match lang {
            Lang::Zh => format!("“{peer}”请求以您在本平台的账户登录。同意后，您无需在该平台重新注册，即可办理您在该省登记的机动车、核发的驾驶证业务，以及在该省发生的交通违法处理和罚款缴纳。"),
            Lang::En => format!("The {peer} asks to log you in with your account here. Once you agree, you can use its services for your vehicles registered and your licence issued there, and handle and pay violations recorded there, without registering again."),
        }}</p>
        <h2 class="heading-m">{lang.pick("该平台将获得以下信息", "That platform will be told")}</h2>
        <dl class="summary-list">
            {row("姓名", "Name", v.name.clone())}
            {row("公民身份号码", "ID number", v.id_number_masked.clone())}
            {row("手机号码", "Mobile phone", v.phone_masked.clone())}
            {row("注册方式和用户类别", "How you registered, and your user type", lang.pick("与本平台登记的相同", "As registered here").to_string())}
            {row("已绑定的机动车", "Vehicles you bound", plates)}
        </dl>
        <p class="hint">{lang.pick(
            "身份证号码和手机号码将完整发送给该平台，用于核对其登记信息；页面上只显示部分。您在本平台退出登录时，该平台上的登录也同时结束。",
            "Your full ID number and phone number are sent, so that platform can match its records; only part of them is shown here. When you log out here, your login there ends too.",
        )}</p>
        <form method="post" action=GrantRoaming::PATH class="form">
            <input type="hidden" name="aud" value=aud />
            <input type="hidden" name="state" value=state />
            <input type="hidden" name="nonce" value=nonce />
            <button class="button" type="submit">{lang.pick("同意并登录", "Agree and log in")}</button>
            " "
            <a class="button button--secondary" href="/account">{lang.pick("不同意，返回", "Do not agree, go back")}</a>
        </form>
    }
    .into_any()
}
