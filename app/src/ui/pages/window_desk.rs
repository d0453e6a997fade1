//! The window clerk's forms on an opened account file (窗口业务): upgrade to
//! a window registration, reset a forgotten password, change a lost phone.
//! Each starts with the identity check in person. Plain forms.

use crate::domain::RegistrationChannel;
use crate::features::supervision::{
    AccountFile, ChangePhoneAtWindow, ResetPasswordAtWindow, SendWindowPhoneCode,
    SendWindowResetCode, UpgradeAtWindow,
};
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// Every form of the account file, for the error a plain post came back with.
pub fn posted_paths(mut extra: Vec<&'static str>) -> Vec<&'static str> {
    extra.extend([
        UpgradeAtWindow::PATH,
        SendWindowResetCode::PATH,
        ResetPasswordAtWindow::PATH,
        SendWindowPhoneCode::PATH,
        ChangePhoneAtWindow::PATH,
    ]);
    extra
}

/// The identity-check box every window service starts with.
fn identity_box(lang: Lang, id: &'static str) -> impl IntoView {
    view! {
        <div class="radios__item">
            <input class="radios__input" type="checkbox" id=id name="identity_checked" value="1" required />
            <label class="radios__label" for=id>{lang.pick("已核验申请人身份证明原件，与账户一致", "I checked the person's identity document; it matches the account")}</label>
        </div>
    }
}

fn input(
    lang: Lang,
    id: &'static str,
    name: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: &'static str,
    extra: &'static str,
) -> impl IntoView {
    let (mode, autocomplete) = match extra {
        "code" => ("numeric", "one-time-code"),
        "tel" => ("tel", "off"),
        _ => ("text", "new-password"),
    };
    view! {
        <div class="form-group">
            <label class="label" for=id>{lang.pick(zh, en)}</label>
            <input class="input input--w20" id=id name=name type=kind inputmode=mode autocomplete=autocomplete required />
        </div>
    }
}

#[component]
pub fn WindowDesk(lang: Lang, file: AccountFile) -> impl IntoView {
    let (reset_sent, phone_sent) = use_query_map()
        .with_untracked(|q| (q.get("reset_sent").is_some(), q.get("phone_sent").is_some()));
    let id = file.account_id.to_string();
    let online = !file.unit && file.channel == Some(RegistrationChannel::Online);
    let upgrade = online.then(|| {
        let id = id.clone();
        view! {
            <section class="section" aria-labelledby="upgrade-heading">
                <h2 class="heading-m" id="upgrade-heading">{lang.pick("转为窗口注册", "Upgrade to a window registration")}</h2>
                <p>{lang.pick("网上注册的用户在窗口核验身份后，转为窗口注册用户（同一账户），可办理窗口注册用户的全部业务。", "After the identity check, an online registration becomes a window registration (the same account), with every service window users have.")}</p>
                <form class="form" method="post" action=UpgradeAtWindow::PATH novalidate>
                    <input type="hidden" name="account_id" value=id />
                    {identity_box(lang, "upgrade-checked")}
                    <button class="button" type="submit">{lang.pick("转为窗口注册", "Upgrade")}</button>
                </form>
            </section>
        }
    });
    let reset_step2 = reset_sent.then(|| {
        let id = id.clone();
        view! {
            <form class="form" method="post" action=ResetPasswordAtWindow::PATH novalidate>
                <p role="status">{lang.pick("验证码已发送到账户手机号码。请申请人在密码键盘上输入验证码和新密码。", "A code was sent to the phone on the account. The person types it and a new password on the keypad.")}</p>
                <input type="hidden" name="account_id" value=id />
                {input(lang, "reset-code", "code", "短信验证码", "Code from the SMS", "text", "code")}
                {input(lang, "reset-password", "password", "新密码", "New password", "password", "")}
                {input(lang, "reset-password-confirm", "password_confirm", "再次输入新密码", "New password again", "password", "")}
                <button class="button" type="submit">{lang.pick("设置新密码", "Set the new password")}</button>
            </form>
        }
    });
    let phone_step2 = phone_sent.then(|| {
        let id = id.clone();
        view! {
            <form class="form" method="post" action=ChangePhoneAtWindow::PATH novalidate>
                <p role="status">{lang.pick("验证码已发送到新手机号码。请再次输入新号码和申请人收到的验证码。", "A code was sent to the new number. Type the new number again and the code the person received.")}</p>
                <input type="hidden" name="account_id" value=id />
                {input(lang, "phone-new-again", "new_phone", "新手机号码", "New phone number", "tel", "tel")}
                {input(lang, "phone-code", "code", "短信验证码", "Code from the SMS", "text", "code")}
                <button class="button" type="submit">{lang.pick("确认变更", "Change the phone")}</button>
            </form>
        }
    });
    let id2 = id.clone();
    view! {
        {upgrade}
        <section class="section" aria-labelledby="reset-heading">
            <h2 class="heading-m" id="reset-heading">{lang.pick("重置密码", "Reset the password")}</h2>
            <form class="form" method="post" action=SendWindowResetCode::PATH novalidate>
                <input type="hidden" name="account_id" value=id />
                {identity_box(lang, "reset-checked")}
                <button class="button button--secondary" type="submit">{lang.pick("向账户手机发送验证码", "Send a code to the phone on the account")}</button>
            </form>
            {reset_step2}
        </section>
        <section class="section" aria-labelledby="phone-heading">
            <h2 class="heading-m" id="phone-heading">{lang.pick("变更手机号码（原号码遗失）", "Change the phone (the old one is lost)")}</h2>
            <form class="form" method="post" action=SendWindowPhoneCode::PATH novalidate>
                <input type="hidden" name="account_id" value=id2 />
                {identity_box(lang, "phone-checked")}
                {input(lang, "phone-new", "new_phone", "新手机号码", "New phone number", "tel", "tel")}
                <button class="button button--secondary" type="submit">{lang.pick("向新号码发送验证码", "Send a code to the new number")}</button>
            </form>
            {phone_step2}
        </section>
    }
}
