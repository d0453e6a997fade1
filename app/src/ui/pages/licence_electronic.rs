//! The electronic driving licence (电子驾驶证) on the holder's licence page:
//! the QR code with the credential this platform signed, what it states,
//! until when it holds, and a button that revokes it and shows a new one.

use crate::domain::credential::LICENCE_HOURS;
use crate::domain::date::cst_date_time;
use crate::domain::{LicenceClass, LicenceStatus};
use crate::features::credentials::{
    my_electronic_licence, ElectronicLicence, LicenceCode, RenewElectronicLicence,
};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::page_data::{load_failed, summary_row};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The section, loaded on its own (a licence page without it still works).
#[component]
pub fn ElectronicLicenceSection() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| my_electronic_licence());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(ElectronicLicence::Shown(code)) => shown(lang, *code).into_any(),
                    Ok(ElectronicLicence::Unavailable(why)) => view! {
                        <h2 class="heading-m" id="e-licence">{lang.pick("电子驾驶证", "Electronic driving licence")}</h2>
                        <p data-testid="e-licence-unavailable">{why.get(lang).to_string()}</p>
                    }
                    .into_any(),
                    Ok(ElectronicLicence::NotBound) => ().into_any(),
                    Err(err) => load_failed(lang, err),
                }
            })}
        </Suspense>
    }
}

fn shown(lang: Lang, code: LicenceCode) -> impl IntoView {
    let row = summary_row(lang);
    let f = &code.facts;
    let class = f
        .class()
        .map(|c: LicenceClass| format!("{} {}", c.code(), lang.pick(c.zh(), c.en())))
        .unwrap_or_else(|| f.class.clone());
    let status = f
        .status()
        .map(|s: LicenceStatus| lang.pick(s.zh(), s.en()).to_string())
        .unwrap_or_else(|| f.status.clone());
    view! {
        <h2 class="heading-m" id="e-licence">{lang.pick("电子驾驶证", "Electronic driving licence")}</h2>
        <div class="e-licence" data-testid="e-licence">
            <div class="qr e-licence__qr" role="img"
                aria-label=lang.pick("电子驾驶证二维码：交警或他人用手机扫描即可核验", "The licence's QR code: a police officer or anyone else scans it with a phone to check it")
                inner_html=code.qr_svg.clone()></div>
            <dl class="summary-list">
                {row("姓名", "Name", f.name.clone())}
                {row("驾驶证号", "Licence number", f.number.clone())}
                {row("准驾车型", "Class", class)}
                {row("状态", "Status", status)}
                {row("有效期", "Valid", format!("{} — {}", f.valid_from, f.valid_until))}
                {row("二维码有效至", "The code holds until", cst_date_time(code.expires_at_ms))}
            </dl>
        </div>
        <p>{match lang {
            Lang::Zh => format!("二维码由本平台签名，任何人扫描后可核验真伪和有效期。它在签发后{LICENCE_HOURS}小时内有效；出示前请刷新本页，剩余不足12小时时会换成新的二维码。过期的截图不能通过核验。"),
            Lang::En => format!("The code is signed by this platform: anyone who scans it can check that it is genuine and in force. It holds for {LICENCE_HOURS} hours; reload this page before showing it, and it gives a new code once less than 12 hours are left. An expired screenshot does not pass."),
        }}</p>
        <p><a href=code.verify_url.clone() data-testid="e-licence-link">{lang.pick("在核验页打开这份凭证", "Open this credential on the verification page")}</a></p>
        <form method="post" action=RenewElectronicLicence::PATH>
            <p class="hint" id="renew-hint">{lang.pick(
                "如果二维码截图被他人拿去，作废后旧二维码在本平台核验页立即不能通过（离线核验只看有效期，最长一天）。",
                "If someone has a screenshot of the code, revoke it: the old code stops passing on this platform's check page at once (an offline check sees only its dates: a day at most).",
            )}</p>
            <button class="button button--secondary" type="submit" aria-describedby="renew-hint">
                {lang.pick("作废二维码并重新生成", "Revoke the code and make a new one")}
            </button>
        </form>
    }
}
