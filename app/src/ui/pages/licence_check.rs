//! The public licence check (驾驶证信息核查, `/licence-check`): a party the
//! holder gave a share code enters it with the licence number's last four
//! characters and their own name, and sees the licence's class, status,
//! validity and points now. The form posts (the code never travels in an
//! address); the result page that follows is read by a key for a quarter
//! of an hour. Each check is shown to the holder; wrong ones are limited
//! per address. Plain forms: they work without the WASM.

use crate::domain::date::cst_date_time;
use crate::domain::licence::POINTS_PER_CYCLE;
use crate::features::licence_sharing::{licence_check_result, CheckLicence, CheckedLicence};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{server_problem, typed, typed_values, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{load_failed, summary_row};
use crate::ui::form_error_from_url;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LicenceCheckPage() -> impl IntoView {
    let lang = use_lang();
    let key = use_query_map().with_untracked(|q| q.get("result"));
    let again = key.is_some();
    let data = Resource::new_blocking(
        || (),
        move |_| {
            let key = key.clone();
            async move {
                match key {
                    Some(key) => licence_check_result(key).await.map(Some),
                    None => Ok(None),
                }
            }
        },
    );
    view! {
        <Page title_zh="驾驶证信息核查" title_en="Check a driving licence">
            <p class="lead">{lang.pick(
                "持证人可以在“我的驾驶证”为您生成分享码。输入分享码和驾驶证号的后4位，查看驾驶证的准驾车型、状态、有效期和记分。",
                "The holder can make you a share code on their licence page. Enter it with the last four characters of the licence number to see the licence's class, status, validity and points.",
            )}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(found)) => result(lang, found).into_any(),
                        Ok(None) => ().into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })}
            </Suspense>
            {check_form(lang, again)}
        </Page>
    }
}

/// The check form; `again`: under a result, it checks another licence.
fn check_form(lang: Lang, again: bool) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(CheckLicence::PATH));
    let values = typed_values();
    let labels = vec![
        ("code", Text::new("分享码", "Share code")),
        (
            "licence_tail",
            Text::new(
                "驾驶证号后4位",
                "Last four characters of the licence number",
            ),
        ),
        ("checker", Text::new("核查单位或个人", "Who is checking")),
    ];
    view! {
        <h2 class="heading-m">{if again {
            lang.pick("核查另一本驾驶证", "Check another licence")
        } else {
            lang.pick("核查", "Check")
        }}</h2>
        <form class="form" method="post" action=CheckLicence::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField lang name="code" label=labels[0].1.clone() value=typed(&values, "code")
                hint=Text::new("8位字母和数字，如 ABCD-EFGH", "Eight letters and digits, like ABCD-EFGH")
                server_error=server_problem(error, "code") width_class="input--w10" autocomplete="off" />
            <TextField lang name="licence_tail" label=labels[1].1.clone() value=typed(&values, "licence_tail")
                server_error=server_problem(error, "licence_tail") width_class="input--w5" autocomplete="off" maxlength=4 />
            <TextField lang name="checker" label=labels[2].1.clone() value=typed(&values, "checker")
                hint=Text::new("持证人会在使用记录中看到这个名称", "The holder sees this name among the code's uses")
                server_error=server_problem(error, "checker") width_class="input--w20" autocomplete="organization" />
            <button class="button" type="submit">{lang.pick("核查", "Check")}</button>
        </form>
    }
}

fn result(lang: Lang, l: CheckedLicence) -> impl IntoView {
    let row = summary_row(lang);
    view! {
        <div class="notice notice--success" role="status" data-testid="licence-checked">
            <h2 class="heading-m">{lang.pick("核查结果", "What the licence says now")}</h2>
            <p>{match lang {
                Lang::Zh => format!("分享对象：{}。分享码有效至{}。本次核查已记录，持证人可以看到。", l.party, cst_date_time(l.code_expires_at_ms)),
                Lang::En => format!("Shared with: {}. The code holds until {}. This check is recorded and the holder sees it.", l.party, cst_date_time(l.code_expires_at_ms)),
            }}</p>
        </div>
        <dl class="summary-list" data-testid="checked-licence">
            {row("姓名", "Name", l.name.clone())}
            {row("驾驶证号", "Licence number", l.number.clone())}
            {row("准驾车型", "Class", format!("{} {}", l.class.code(), lang.pick(l.class.zh(), l.class.en())))}
            {row("状态", "Status", lang.pick(l.status.zh(), l.status.en()).to_string())}
            {row("有效期", "Valid", format!("{} — {}", l.valid_from, l.valid_until))}
            {row("累积记分", "Points this cycle", format!("{} / {POINTS_PER_CYCLE}", l.points))}
            {row("记分周期截止", "Cycle ends", l.cycle_ends.to_string())}
            {row("核查时间", "Checked at", cst_date_time(l.checked_at_ms))}
        </dl>
    }
}
