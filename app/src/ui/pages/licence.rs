//! My driving licence (我的驾驶证): the licence on record, what to do
//! next, and the units that have bound it (which the driver can end).
//! Plain forms: they work before (and without) the WASM.

use crate::domain::date::cst_date_time;
use crate::features::bindings::{licence_hints, licence_overview, BindLicence, UnbindLicence};
use crate::features::credentials::RenewElectronicLicence;
use crate::features::physical_exams::licence_physical;
use crate::features::units::drivers::{licence_unit_ties, DriverTie, LicenceEndUnitTie};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{load_failed, summary_row, DoneBanner, PostedError};
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::{require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LicencePage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| {
        if q.get("tie_ended").is_some() {
            return Some(Text::new(
                "已解除该单位对您驾驶证的绑定，并已通知该单位。",
                "The unit's binding of your licence has ended; the unit has been told.",
            ));
        }
        if let Some(next) = q.get("certificate") {
            return Some(Text::new(
                format!("身体条件证明已提交并审核通过，下次应在{next}前提交。"),
                format!("The certificate is submitted and accepted; the next is owed by {next}."),
            ));
        }
        if q.get("renewed").is_some() {
            return Some(Text::new(
                "之前的电子驾驶证二维码已作废，下面是新的二维码。",
                "The earlier codes of the electronic licence are revoked; the new one is below.",
            ));
        }
        q.get("bound")
            .map(|_| Text::new("驾驶证绑定成功。", "The licence is bound."))
    });
    let physical = Resource::new_blocking(|| (), |_| licence_physical());
    let data = Resource::new_blocking(|| (), |_| licence_overview());
    let ties = Resource::new_blocking(|| (), |_| licence_unit_ties());
    view! {
        <Page title_zh="我的驾驶证" title_en="My driving licence">
            <AccountNav lang current="/account/licence" />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![BindLicence::PATH, UnbindLicence::PATH, LicenceEndUnitTie::PATH, RenewElectronicLicence::PATH] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(l)) => licence_view(lang, l).into_any(),
                        Ok(None) => view! {
                            <p>{lang.pick(
                                "没有查到登记在您身份证号码下的机动车驾驶证。如已在外省取得驾驶证，请登录发证地的平台查询。",
                                "No driving licence is registered under your ID number here. If another province issued it, use that province's platform.",
                            )}</p>
                        }
                        .into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })}
            </Suspense>
            <super::licence_electronic::ElectronicLicenceSection />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match ties.await {
                        Ok(ties) if ties.is_empty() => ().into_any(),
                        Ok(ties) => ties_view(lang, ties).into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match physical.await {
                        Ok(Some(p)) => super::licence_physical::physical_view(lang, p),
                        Ok(None) => ().into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The units that have bound the person's licence, each with a button to
/// end it.
fn ties_view(lang: Lang, ties: Vec<DriverTie>) -> impl IntoView {
    let items = ties
        .into_iter()
        .map(|t| {
            view! {
                <li class="tie">
                    <span>{match lang {
                        Lang::Zh => format!("{}（{}绑定）", t.unit_name, cst_date_time(t.bound_at_ms)),
                        Lang::En => format!("{} (bound {})", t.unit_name, cst_date_time(t.bound_at_ms)),
                    }}</span>
                    " "
                    <form method="post" action=LicenceEndUnitTie::PATH class="inline-form">
                        <input type="hidden" name="tie_id" value=t.id.to_string() />
                        <button class="button button--secondary button--small" type="submit">
                            {lang.pick("解除绑定", "End it")}
                            <span class="visually-hidden">{format!(" {}", t.unit_name)}</span>
                        </button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 class="heading-m">{lang.pick("绑定了您驾驶证的单位", "Units that have bound your licence")}</h2>
        <p>{lang.pick(
            "这些单位经您短信同意后绑定了您的驾驶证，可以查询准驾车型、有效期、记分和状态，并可在您短信确认后指定您处理其车辆的记分违法。您可以随时解除。",
            "These units bound your licence with your SMS consent: they see its class, validity, points and status, and can name you for a violation of their vehicle once you confirm by SMS. You can end it at any time.",
        )}</p>
        <ul class="task-list" data-testid="unit-ties">{items}</ul>
    }
}

fn licence_view(lang: Lang, l: crate::features::bindings::MyLicence) -> impl IntoView {
    if !l.bound {
        return view! {
            <p>
                {match lang {
                    Lang::Zh => format!("查到您的驾驶证（准驾车型{}），绑定后可以查询记分、有效期并办理驾驶证业务。", l.class.code()),
                    Lang::En => format!("We found your licence (class {}). Bind it to see points and validity and to use licence services.", l.class.code()),
                }}
            </p>
            <form method="post" action=BindLicence::PATH>
                <button class="button" type="submit">{lang.pick("绑定本人驾驶证", "Bind my licence")}</button>
            </form>
        }
        .into_any();
    }
    let hints = licence_hints(&l, today())
        .into_iter()
        .map(|h| view! { <li>{h.get(lang).to_string()}</li> })
        .collect_view();
    let row = summary_row(lang);
    let opt =
        |d: Option<crate::domain::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    view! {
        <dl class="summary-list" data-testid="licence">
            {row("驾驶证号", "Licence number", crate::ui::session_account().and_then(|a| a.id_number_masked).unwrap_or_default())}
            {row("准驾车型", "Class", format!("{} {}", l.class.code(), lang.pick(l.class.zh(), l.class.en())))}
            {row("状态", "Status", lang.pick(l.status.zh(), l.status.en()).to_string())}
            {row("有效期", "Valid", format!("{} — {}", l.valid_from, l.valid_until))}
            {row("初次领证日期", "First issued", l.first_issued.to_string())}
            {row("累积记分", "Points this cycle", format!("{} / 12", l.points))}
            {row("记分周期截止", "Cycle ends", l.cycle_ends.to_string())}
            {row("审验日期", "Review due", opt(l.review_due))}
            {row("提交身体条件证明日期", "Physical certificate due", opt(l.physical_due))}
            {row("发证机关", "Issued by", l.issuing_authority.clone())}
        </dl>
        <h2 class="heading-m">{lang.pick("提示", "What to do next")}</h2>
        <ul class="list--bullet hints">{hints}</ul>
        <p><a href="/account/contact?target=licence">{lang.pick("变更驾驶人联系方式", "Change the driver's phone")}</a></p>
        <p><a href="/account/licence/photo">{lang.pick("提交驾驶证专用照片", "Submit a licence photo")}</a></p>
        <p><a href="/account/licence/share">{lang.pick("分享驾驶证信息（为用人单位、租车公司生成分享码）", "Share my licence (a code for an employer or a car-rental desk)")}</a></p>
        <form method="post" action=UnbindLicence::PATH>
            <button class="button button--secondary" type="submit">{lang.pick("解除绑定", "Unbind")}</button>
        </form>
    }
    .into_any()
}
