//! The public verification page (电子凭证核验, `/verify`): anyone — a police
//! officer, a car-rental desk, an employer — scans an electronic licence's
//! QR code (which opens this page with the credential in `?c=`) or pastes
//! the credential, and sees whether it is genuine, unchanged and in force.
//! A plain GET form: it works without the WASM.

use crate::domain::credential::{
    Facts, LicenceFacts, PlateFacts, ReceiptFacts, Refusal, VERIFY_PATH,
};
use crate::domain::date::cst_date_time;
use crate::domain::temporary_plate::dotted;
use crate::domain::violation::yuan_text;
use crate::domain::{Date, LicenceClass, LicenceStatus, VehicleType};
use crate::features::credentials::{verify_credential, RevocationCheck, Verification, Verified};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::ErrorSummary;
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{load_failed, summary_row};
use crate::ui::today;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let pasted = use_query_map().with_untracked(|q| q.get("c").unwrap_or_default());
    let asked = !pasted.trim().is_empty();
    let to_check = pasted.clone();
    let data = Resource::new_blocking(
        || (),
        move |_| {
            let credential = to_check.clone();
            async move {
                if credential.trim().is_empty() {
                    Ok(None)
                } else {
                    verify_credential(credential).await.map(Some)
                }
            }
        },
    );
    view! {
        <Page title_zh="电子凭证核验" title_en="Check a credential">
            <p class="lead">{lang.pick(
                "扫描电子驾驶证上的二维码，或把凭证内容粘贴到下面，核验它是否由交通管理部门签发、签发后是否被改动、是否仍然有效。",
                "Scan the QR code of an electronic driving licence, or paste the credential below, to check that a traffic authority issued it, that nothing was changed since, and that it still holds.",
            )}</p>
            <Suspense fallback=|| ()>
                {move || {
                    let pasted = pasted.clone();
                    Suspend::new(async move {
                        let (found, error) = match data.await {
                            Ok(found) => (found, None),
                            Err(err) => (None, Some(err)),
                        };
                        let problem = error
                            .as_ref()
                            .and_then(|e| e.field_problems().first().map(|p| p.message.clone()));
                        let shown = match (found, error) {
                            (Some(Verification::Genuine(v)), _) => genuine(lang, *v),
                            (Some(Verification::Refused(r)), _) => refused(lang, &r).into_any(),
                            (None, Some(err)) if problem.is_some() => view! {
                                <ErrorSummary lang error=Signal::stored(Some(err))
                                    labels=vec![("credential", Text::new("凭证内容或核验地址", "The credential, or the address its QR code opens"))] />
                            }
                            .into_any(),
                            (None, Some(err)) => load_failed(lang, err),
                            (None, None) => ().into_any(),
                        };
                        view! {
                            {shown}
                            {form(lang, asked, pasted, problem)}
                        }
                    })
                }}
            </Suspense>
        </Page>
    }
}

/// The form: what was pasted stays in the box, and a problem with it is
/// said beside it.
fn form(lang: Lang, asked: bool, pasted: String, problem: Option<Text>) -> impl IntoView {
    let invalid = problem.is_some();
    let described = if invalid {
        "credential-hint credential-error"
    } else {
        "credential-hint"
    };
    view! {
        <h2 class="heading-m">{if asked {
            lang.pick("核验另一份凭证", "Check another credential")
        } else {
            lang.pick("核验凭证", "Check a credential")
        }}</h2>
        <form class="form" method="get" action=VERIFY_PATH>
            <div class=if invalid { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="credential">{lang.pick("凭证内容或核验地址", "The credential, or the address its QR code opens")}</label>
                <p class="hint" id="credential-hint">{lang.pick(
                    "用手机扫描二维码会直接打开本页。也可以粘贴二维码中的全部文字（以“ey”开头，含两个“.”）。",
                    "Scanning the QR code with a phone opens this page directly. You can also paste all of the QR code's text (it starts with “ey” and has two dots).",
                )}</p>
                {problem.map(|p| view! {
                    <p class="error-message" id="credential-error">{p.get(lang).to_string()}</p>
                })}
                <textarea class="textarea textarea--key" id="credential" name="c" rows="5"
                    aria-describedby=described aria-invalid=invalid.then_some("true")
                    autocomplete="off" spellcheck="false">{pasted}</textarea>
            </div>
            <button class="button" type="submit">{lang.pick("核验", "Check")}</button>
        </form>
    }
}

fn refused(lang: Lang, refusal: &Refusal) -> impl IntoView {
    view! {
        <div class="notice notice--warning" role="alert" data-testid="verify-refused" data-reason=refusal.code()>
            <h2 class="heading-m">{lang.pick("凭证未通过核验", "The credential did not pass")}</h2>
            <p>{match lang {
                Lang::Zh => refusal.zh(),
                Lang::En => refusal.en(),
            }}</p>
        </div>
    }
}

fn genuine(lang: Lang, v: Verified) -> AnyView {
    let row = summary_row(lang);
    let issuer = match lang {
        Lang::Zh => v.issuer_zh.clone(),
        Lang::En => v.issuer_en.clone(),
    };
    let kind = v.claims.facts.kind();
    let scope = match v.revocation {
        RevocationCheck::OurRecords => Text::new(
            "签名与本平台公钥相符，凭证在有效期内，且未被作废。",
            "The signature matches this platform's public key, the credential is within its dates, and it has not been revoked.",
        ),
        RevocationCheck::IssuerAnswered => Text::new(
            format!("签名与签发平台的公钥（本平台信任列表中）相符，凭证在有效期内；经向签发平台（{}）核实，未被作废。", v.issuer_zh),
            format!("The signature matches the issuing platform's public key (on this platform's trust list), the credential is within its dates, and the issuing platform ({}) confirms it has not been revoked.", v.issuer_en),
        ),
        RevocationCheck::IssuerUnreachable => Text::new(
            format!("签名和有效期核验通过；未能向签发平台（{}）核实凭证是否已被作废。请稍后再试，或到签发平台的网站核验。", v.issuer_zh),
            format!("The signature and the dates check out, but we could not ask the issuing platform ({}) whether the credential has been revoked. Try again later, or check it on the issuing platform's own site.", v.issuer_en),
        ),
    };
    // Revocation not checked: never the success box. A warning box with
    // a heading of its own says what was checked and what was not.
    let unchecked = v.revocation == RevocationCheck::IssuerUnreachable;
    let (box_class, testid) = if unchecked {
        ("notice notice--warning", "verify-revocation-unchecked")
    } else {
        ("notice notice--success", "verify-genuine")
    };
    let heading = match (lang, unchecked) {
        (Lang::Zh, false) => format!("凭证有效：{}签发的{}", issuer, kind.zh()),
        (Lang::En, false) => format!("Genuine: {} issued by the {}", kind.en(), issuer),
        (Lang::Zh, true) => format!(
            "签名真实，未能核实是否已作废：{}签发的{}",
            issuer,
            kind.zh()
        ),
        (Lang::En, true) => format!(
            "Genuine signature, revocation not checked: {} issued by the {}",
            kind.en(),
            issuer
        ),
    };
    let scope = scope.get(lang).to_string();
    let common = view! {
        {row("凭证签发时间", "Credential issued", cst_date_time(v.claims.iat * 1000))}
        {row("凭证有效至", "Credential holds until", cst_date_time(v.claims.exp * 1000))}
        {row("签名密钥", "Signing key", format!("{} · {}", v.claims.iss, v.kid))}
    };
    let (warning, facts) = match v.claims.facts.clone() {
        Facts::DrivingLicence(f) => licence(lang, &v, f),
        Facts::TemporaryPlate(p) => plate(lang, p),
        Facts::FineReceipt(r) => (None, receipt(lang, r)),
    };
    view! {
        <div class=box_class role="status" data-testid=testid
            data-revocation=v.revocation.code()>
            <h2 class="heading-m">{heading}</h2>
            <p>{scope}</p>
        </div>
        {warning.map(|w| view! { <p class="notice notice--warning">{w.get(lang).to_string()}</p> })}
        {facts}
        <dl class="summary-list">{common}</dl>
    }
    .into_any()
}

/// An electronic licence's facts, with a warning when its status then or
/// now is not "valid", or it has lapsed.
fn licence(lang: Lang, v: &Verified, f: LicenceFacts) -> (Option<Text>, AnyView) {
    let row = summary_row(lang);
    let class = f
        .class()
        .map(|c: LicenceClass| format!("{} {}", c.code(), lang.pick(c.zh(), c.en())))
        .unwrap_or_else(|| f.class.clone());
    let status = |code: &str| {
        LicenceStatus::from_code(code)
            .map(|s| lang.pick(s.zh(), s.en()).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let now = v.licence_status_now.as_deref().map(status);
    let changed = v
        .licence_status_now
        .as_deref()
        .is_some_and(|now| now != f.status);
    let warning = if f.lapsed(today()) {
        Some(Text::new(
            "注意：这本驾驶证已超过有效期。",
            "Note: this licence is past its validity.",
        ))
    } else if v.licence_status_now.is_none() && v.revocation == RevocationCheck::OurRecords {
        Some(Text::new(
            "注意：本平台的驾驶证登记中已查不到这本驾驶证，请持证人到车辆管理所核实。",
            "Note: this platform's licence register no longer has this licence; the holder should check with the vehicle administration office.",
        ))
    } else if v.licence_status_now.is_none() && v.revocation == RevocationCheck::IssuerAnswered {
        Some(Text::new(
            "注意：签发平台的驾驶证登记中已查不到这本驾驶证，请持证人到发证地车辆管理所核实。",
            "Note: the issuing platform's licence register no longer has this licence; the holder should check with the vehicle administration office that issued it.",
        ))
    } else if changed || v.licence_status_now.as_deref().is_some_and(|s| s != "A") {
        Some(Text::new(
            "注意：驾驶证的当前状态不是“正常”，以当前状态为准。",
            "Note: the licence's status now is not “valid”; the status now is what counts.",
        ))
    } else if f.status != "A" {
        Some(Text::new(
            "注意：凭证签发时驾驶证的状态不是“正常”。",
            "Note: when the credential was issued the licence was not “valid”.",
        ))
    } else {
        None
    };
    let rows = view! {
        <dl class="summary-list" data-testid="verified-licence">
            {row("姓名", "Name", f.name.clone())}
            {row("驾驶证号", "Licence number", f.number.clone())}
            {row("准驾车型", "Class", class)}
            {row("签发时状态", "Status when issued", status(&f.status))}
            {now.map(|now| row("当前状态", "Status now", now))}
            {row("有效期", "Valid", format!("{} — {}", f.valid_from, f.valid_until))}
            {row("初次领证日期", "First issued", f.first_issued.clone())}
            {row("发证机关", "Issued by", f.authority.clone())}
        </dl>
    };
    (warning, rows.into_any())
}

/// A temporary plate's facts as printed, with a warning past its dates.
fn plate(lang: Lang, p: PlateFacts) -> (Option<Text>, AnyView) {
    let row = summary_row(lang);
    let today = today();
    let warning = match (
        Date::parse_iso(&p.valid_from),
        Date::parse_iso(&p.valid_until),
    ) {
        (_, Some(until)) if until < today => Some(Text::new(
            "注意：这副临时号牌已过有效期。",
            "Note: this temporary plate is past its dates.",
        )),
        (Some(from), _) if today < from => Some(Text::new(
            "注意：这副临时号牌尚未到有效期。",
            "Note: this temporary plate is not valid yet.",
        )),
        _ => None,
    };
    let vehicle_type = VehicleType::from_code(&p.vehicle_type)
        .map(|t| lang.pick(t.zh(), t.en()).to_string())
        .unwrap_or_else(|| p.vehicle_type.clone());
    let rows = view! {
        <dl class="summary-list" data-testid="verified-plate">
            {row("号牌号码", "Plate number", dotted(&p.number))}
            {row("有效期", "Valid", format!("{} — {}", p.valid_from, p.valid_until))}
            {row("车辆识别代号", "VIN", p.vin.clone())}
            {row("品牌型号", "Make and model", p.model.clone())}
            {row("车辆类型", "Vehicle type", vehicle_type)}
            {row("核发单位", "Issued by", p.dealer.clone())}
        </dl>
    };
    (warning, rows.into_any())
}

/// A fine payment receipt's facts as printed.
fn receipt(lang: Lang, r: ReceiptFacts) -> AnyView {
    let row = summary_row(lang);
    view! {
        <dl class="summary-list" data-testid="verified-receipt">
            {row("凭证编号", "Receipt number", r.receipt_no.clone())}
            {row("缴款人", "Payer", r.payer.clone())}
            {row("处罚决定书编号", "Decision number", r.decision_no.clone())}
            {row("号牌号码", "Plate", r.plate.clone())}
            {row("实缴金额", "Amount paid", format!("¥{}", yuan_text(r.amount_fen)))}
            {row("缴款时间", "Paid at", cst_date_time(r.paid_at * 1000))}
            {row("收款单位", "Payee", r.payee.clone())}
        </dl>
    }
    .into_any()
}
