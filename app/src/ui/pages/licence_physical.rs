//! The driver's examinations and certificates on the licence page
//! (体检和身体条件证明): what hospitals recorded, which result an online
//! renewal would use, when the yearly certificate is owed, and, for a
//! window-registered holder, submitting it with the certificate's number.

use crate::domain::date::cst_date_time;
use crate::features::physical_exams::{DriverPhysical, LicenceSubmitCertificate};
use crate::i18n::{Lang, Text};
use crate::ui::components::form::{server_problem, typed, typed_values, ErrorSummary, TextField};
use crate::ui::components::table::DataTable;
use crate::ui::form_error_from_url;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const EXAM_COLUMNS: &[(&str, &str)] = &[
    ("证明编号", "Certificate no."),
    ("体检医院", "Hospital"),
    ("车型", "Class"),
    ("体检日期", "Examined"),
    ("有效期至", "Good until"),
    ("结论", "Conclusion"),
];

const CERTIFICATE_COLUMNS: &[(&str, &str)] = &[
    ("证明编号", "Certificate no."),
    ("提交方式", "Submitted"),
    ("提交时间", "When"),
    ("原应提交日期", "Was owed by"),
    ("下次应提交日期", "Next owed by"),
    ("状态", "Status"),
];

/// The section, or nothing when there is nothing to show or do.
pub fn physical_view(lang: Lang, p: DriverPhysical) -> AnyView {
    if p.exams.is_empty() && p.certificates.is_empty() && p.certificate_due.is_none() {
        return ().into_any();
    }
    let label = move |cols: &'static [(&'static str, &'static str)], i: usize| {
        lang.pick(cols[i].0, cols[i].1)
    };
    let renewal = p.renewal_exam.clone().map(|no| {
        view! {
            <p>{match lang {
                Lang::Zh => format!("网上办理期满换证、超龄换证时，将使用证明编号为{no}的体检结果，无需另交身体条件证明。"),
                Lang::En => format!("An online renewal will use the examination with certificate number {no}: no paper certificate is needed."),
            }}</p>
        }
    });
    let exams = (!p.exams.is_empty()).then(|| {
        let rows = p
            .exams
            .iter()
            .map(|e| {
                view! {
                    <tr>
                        <td data-label=label(EXAM_COLUMNS, 0) class="table__cell--nowrap">{e.certificate_no.clone()}</td>
                        <td data-label=label(EXAM_COLUMNS, 1)>{e.hospital.clone()}</td>
                        <td data-label=label(EXAM_COLUMNS, 2)>{e.class.code()}</td>
                        <td data-label=label(EXAM_COLUMNS, 3) class="table__cell--nowrap">{e.exam.examined_on.to_string()}</td>
                        <td data-label=label(EXAM_COLUMNS, 4) class="table__cell--nowrap">{e.valid_until.to_string()}</td>
                        <td data-label=label(EXAM_COLUMNS, 5)>{lang.pick(e.exam.conclusion.zh(), e.exam.conclusion.en())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable lang caption=("体检记录", "Examinations") columns=EXAM_COLUMNS testid="my-exams" dense=true>
                {rows}
            </DataTable>
        }
    });
    let due = p.certificate_due.map(|due| {
        let how = match &p.self_submit_refusal {
            None => submit_form(lang).into_any(),
            Some(r) => view! {
                <p class="hint">{format!(
                    "{}{}",
                    r.rule.get(lang),
                    lang.pick("可以请为您体检的医院代为提交。", " The hospital that examines you can submit it for you."),
                )}</p>
            }
            .into_any(),
        };
        view! {
            <p>{match lang {
                Lang::Zh => format!("您须在{due}前提交身体条件证明。"),
                Lang::En => format!("You owe a physical-condition certificate by {due}."),
            }}</p>
            {how}
        }
    });
    let certificates = (!p.certificates.is_empty()).then(|| {
        let rows = p
            .certificates
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <td data-label=label(CERTIFICATE_COLUMNS, 0) class="table__cell--nowrap">{c.certificate_no.clone()}</td>
                        <td data-label=label(CERTIFICATE_COLUMNS, 1)>{format!("{} · {}", lang.pick(c.channel.zh(), c.channel.en()), c.hospital)}</td>
                        <td data-label=label(CERTIFICATE_COLUMNS, 2) class="table__cell--nowrap">{cst_date_time(c.submitted_at_ms)}</td>
                        <td data-label=label(CERTIFICATE_COLUMNS, 3) class="table__cell--nowrap">{c.due_before.to_string()}</td>
                        <td data-label=label(CERTIFICATE_COLUMNS, 4) class="table__cell--nowrap">{c.due_after.to_string()}</td>
                        <td data-label=label(CERTIFICATE_COLUMNS, 5)>{lang.pick("已审核通过", "Accepted")}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable lang caption=("身体条件证明提交记录", "Certificates submitted") columns=CERTIFICATE_COLUMNS testid="my-certificates" dense=true>
                {rows}
            </DataTable>
        }
    });
    view! {
        <h2 class="heading-m" id="physical">{lang.pick("体检和身体条件证明", "Examinations and certificates")}</h2>
        {renewal}
        {exams}
        {due}
        {certificates}
    }
    .into_any()
}

/// D9 by the holder: the number on the hospital's certificate.
fn submit_form(lang: Lang) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(LicenceSubmitCertificate::PATH));
    let label = Text::new("身体条件证明编号", "Certificate number");
    view! {
        <form class="form" method="post" action=LicenceSubmitCertificate::PATH novalidate>
            <ErrorSummary lang error labels=vec![("certificate_no", label.clone())] />
            <TextField lang name="certificate_no" label=label value=typed(&typed_values(), "certificate_no")
                hint=Text::new("17位，见医院出具的身体条件证明或体检短信", "17 characters, on the hospital's certificate or in its SMS")
                server_error=server_problem(error, "certificate_no") width_class="input--w20" autocomplete="off" />
            <button class="button" type="submit">{lang.pick("提交身体条件证明", "Submit the certificate")}</button>
        </form>
    }
}
