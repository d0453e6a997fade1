//! The second step of a staff login (动态口令验证): type the code of the
//! authenticator app; at the first login, add the key to the app first.
//! A plain form: no WASM on this page.

use crate::features::staff::{second_factor_step, ConfirmSecondFactor, SecondFactorView};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, PostedError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let lang = use_lang();
    let next = use_query_map().with_untracked(|q| {
        q.get("next")
            .and_then(|n| crate::policy::safe_return_path(&n).map(str::to_string))
    });
    let data = Resource::new_blocking(|| (), |_| second_factor_step());
    let form = move |lang: Lang, view: SecondFactorView| {
        let next = next.clone();
        let enrolling = view.enrol.is_some();
        let enrol = view.enrol.map(|e| {
            view! {
                <section aria-labelledby="enrol-heading" class="section">
                    <h2 id="enrol-heading">{lang.pick("首次登录：绑定身份验证器", "First login: set up your authenticator app")}</h2>
                    <ol>
                        <li>{lang.pick(
                            "在手机上打开身份验证器应用（支持基于时间的动态口令，如“阿里云App”“腾讯身份验证器”“Microsoft Authenticator”）。",
                            "Open an authenticator app on your phone (any app for time-based one-time codes).",
                        )}</li>
                        <li>{lang.pick("扫描下面的二维码，或手动输入密钥。", "Scan the QR code below, or type the key by hand.")}</li>
                        <li>{lang.pick("输入应用显示的6位动态口令，完成绑定。", "Type the 6-digit code the app shows to finish.")}</li>
                    </ol>
                    <div class="qr" role="img" aria-label=lang.pick("动态口令密钥二维码", "QR code of the key") inner_html=e.qr_svg></div>
                    <p>
                        {lang.pick("密钥：", "Key: ")}
                        <code class="key" data-testid="totp-key">{e.key}</code>
                    </p>
                    <p class="hint">{lang.pick(
                        "密钥只在绑定时显示。请勿截图或告诉他人；更换手机时请联系系统管理员重置。",
                        "The key is shown only now. Do not share it; if you change phones, ask an administrator to reset it.",
                    )}</p>
                </section>
            }
        });
        view! {
            <p class="lead">{lang.pick("民警账号：", "Staff account: ")}<strong>{view.username}</strong></p>
            {enrol}
            <form class="form" method="post" action=ConfirmSecondFactor::PATH novalidate>
                {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <div class="form-group">
                    <label class="label" for="code">{lang.pick("动态口令", "One-time code")}</label>
                    <p class="hint" id="code-hint">{lang.pick("身份验证器显示的6位数字，每30秒更新", "The 6 digits your app shows; they change every 30 seconds")}</p>
                    <input class="input input--w5" id="code" name="code" type="text"
                        inputmode="numeric" autocomplete="one-time-code" maxlength="12"
                        aria-describedby="code-hint" autofocus required />
                </div>
                <button class="button" type="submit">
                    {if enrolling { lang.pick("完成绑定并登录", "Finish and log in") } else { lang.pick("验证并登录", "Verify and log in") }}
                </button>
            </form>
        }
    };
    view! {
        <Page title_zh="动态口令验证" title_en="One-time code">
            <PostedError lang paths=vec![ConfirmSecondFactor::PATH] />
            {when_loaded(lang, data, form)}
            <p><a href="/login">{lang.pick("返回重新登录", "Back to login")}</a></p>
        </Page>
    }
}
