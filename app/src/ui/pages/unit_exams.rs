//! A hospital's examinations (驾驶人体检, D8) and the certificates it
//! submits for drivers (提交身体条件证明, D9): the official form's items,
//! the conclusion, and the table of what the hospital recorded, 50 a page.
//! Plain forms (no WASM); a refused form comes back with what was typed.

use crate::domain::date::cst_date_time;
use crate::domain::physical_exam::{
    valid_until, ColourVision, Conclusion, Hearing, Soundness, EXAM_VALID_MONTHS,
};
use crate::domain::LicenceClass;
use crate::features::paging::ListPage;
use crate::features::physical_exams::{unit_exams, ExamEntry, RecordExam, UnitSubmitCertificate};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    group_class, server_problem, typed, typed_value, typed_values, ErrorSummary, RadioGroup,
    TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{form_error_from_url, require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| match q.get("done").as_deref() {
        Some("recorded") => {
            let no = q.get("no").unwrap_or_default();
            Some(Text::new(
                format!("体检结果已录入，身体条件证明编号{no}。受检人已收到短信通知；结论为合格的，期满换证、超龄换证时可在网上直接使用。"),
                format!("The examination is recorded: certificate number {no}. The examinee has been told by SMS; a fit result serves an online renewal."),
            ))
        }
        Some("submitted") => {
            let next = q.get("next").unwrap_or_default();
            Some(Text::new(
                format!("身体条件证明已提交并审核通过，驾驶人下次应在{next}前提交。驾驶人已收到通知。"),
                format!("The certificate is submitted and accepted; the driver owes the next one before {next} and has been told."),
            ))
        }
        _ => None,
    })
}

#[component]
pub fn UnitExamsPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let (person, page) = use_query_map().with_untracked(|q| {
        (
            q.get("person").filter(|p| !p.trim().is_empty()),
            q.get("page"),
        )
    });
    let args = (person.clone(), page);
    let data = Resource::new_blocking(
        move || args.clone(),
        |(person, page)| unit_exams(person, page),
    );
    let keep = person.clone();
    view! {
        <Page title_zh="驾驶人体检" title_en="Driver examinations">
            <UnitNav lang current="/unit/exams" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![UnitSubmitCertificate::PATH] />
            <p>{match lang {
                Lang::Zh => format!("按《机动车驾驶人身体条件证明》的项目录入体检结果。结果{EXAM_VALID_MONTHS}个月内有效：驾驶人网上办理期满换证、超龄换证时直接使用，无需另交纸质证明；每年须提交身体条件证明的驾驶人，可以由本院在下表中代为提交。"),
                Lang::En => format!("Record the result on the items of the official physical-condition form. A result is good for {EXAM_VALID_MONTHS} months: the driver's online renewal uses it with no paper certificate, and for a driver who owes a yearly certificate the hospital can submit it from the table below."),
            }}</p>
            <h2 class="heading-l">{lang.pick("录入体检结果", "Record an examination")}</h2>
            {exam_form(lang)}
            <h2 class="heading-l" id="records">{lang.pick("本院体检记录", "Examinations recorded here")}</h2>
            {search(lang, person.unwrap_or_default())}
            {when_loaded(lang, data, move |lang, page| table(lang, page, keep.clone()))}
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        (
            "id_number",
            Text::new("受检人身份证明号码", "Examinee's ID number"),
        ),
        ("name", Text::new("受检人姓名", "Examinee's name")),
        ("class", Text::new("申请或准驾车型", "Licence class")),
        ("examined_on", Text::new("体检日期", "Date of examination")),
        ("height_cm", Text::new("身高（厘米）", "Height (cm)")),
        ("vision_left", Text::new("左眼视力", "Left eye")),
        ("vision_right", Text::new("右眼视力", "Right eye")),
        ("colour_vision", Text::new("辨色力", "Colour vision")),
        ("hearing", Text::new("听力", "Hearing")),
        ("upper_limbs", Text::new("上肢", "Upper limbs")),
        ("lower_limbs", Text::new("下肢", "Lower limbs")),
        ("trunk_neck", Text::new("躯干和颈部", "Trunk and neck")),
        ("conclusion", Text::new("体检结论", "Conclusion")),
    ]
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> Vec<(&'static str, Text)> {
    all.iter()
        .map(|v| (code(*v), Text::new(zh(*v), en(*v))))
        .collect()
}

/// The value typed for `name`, or `default` when the form is fresh.
fn typed_or(values: &[(String, String)], name: &str, default: &str) -> RwSignal<String> {
    if values.is_empty() {
        RwSignal::new(default.to_string())
    } else {
        typed(values, name)
    }
}

fn exam_form(lang: Lang) -> AnyView {
    let error = Signal::stored(form_error_from_url(RecordExam::PATH));
    let values = typed_values();
    let l = labels();
    let class_error = server_problem(error, "class");
    let class_now = typed_value(&values, "class");
    let class_now = if class_now.is_empty() {
        "C1".to_string()
    } else {
        class_now
    };
    let class_options = LicenceClass::ALL
        .iter()
        .map(|c| {
            view! {
                <option value=c.code() selected=class_now == c.code()>
                    {format!("{} {}", c.code(), lang.pick(c.zh(), c.en()))}
                </option>
            }
        })
        .collect_view();
    let corrected = typed_value(&values, "vision_corrected") == "1";
    let soundness = || {
        options(
            Soundness::ALL,
            Soundness::code,
            Soundness::zh,
            Soundness::en,
        )
    };
    let vision_hint = Text::new(
        "对数视力表，4.0至5.3，例如4.9",
        "Logarithmic chart, 4.0 to 5.3, e.g. 4.9",
    );
    view! {
        <form class="form" method="post" action=RecordExam::PATH novalidate>
            <ErrorSummary lang error labels=l.clone() />
            <fieldset class="fieldset">
                <legend class="fieldset__legend fieldset__legend--m">{lang.pick("受检人", "Examinee")}</legend>
                <TextField lang name="id_number" label=l[0].1.clone() value=typed(&values, "id_number")
                    hint=Text::new("请核验受检人的身份证明", "Check the examinee's identity document")
                    server_error=server_problem(error, "id_number") width_class="input--w20" autocomplete="off" />
                <TextField lang name="name" label=l[1].1.clone() value=typed(&values, "name")
                    server_error=server_problem(error, "name") width_class="input--w10" autocomplete="off" />
                <div class=move || group_class(class_error.get().is_some())>
                    <label class="label" for="class">{l[2].1.get(lang).to_string()}</label>
                    <p class="error-message" id="class-error" aria-live="polite">
                        {move || class_error.get().map(|m| m.get(lang).to_string())}
                    </p>
                    <select class="select" id="class" name="class" aria-describedby="class-error">{class_options}</select>
                </div>
                <TextField lang name="examined_on" label=l[3].1.clone()
                    value=typed_or(&values, "examined_on", &today().to_string())
                    hint=Text::new("年-月-日，30日内", "Year-month-day, within the last 30 days")
                    server_error=server_problem(error, "examined_on") width_class="input--w10" />
            </fieldset>
            <fieldset class="fieldset">
                <legend class="fieldset__legend fieldset__legend--m">{lang.pick("体检项目", "Items")}</legend>
                <TextField lang name="height_cm" label=l[4].1.clone() value=typed(&values, "height_cm")
                    server_error=server_problem(error, "height_cm") width_class="input--w4" inputmode="numeric" />
                <TextField lang name="vision_left" label=l[5].1.clone() value=typed(&values, "vision_left")
                    hint=vision_hint.clone()
                    server_error=server_problem(error, "vision_left") width_class="input--w4" inputmode="decimal" />
                <TextField lang name="vision_right" label=l[6].1.clone() value=typed(&values, "vision_right")
                    hint=vision_hint
                    server_error=server_problem(error, "vision_right") width_class="input--w4" inputmode="decimal" />
                <div class="form-group">
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" type="checkbox" id="vision_corrected" name="vision_corrected" value="1" checked=corrected />
                        <label class="checkboxes__label" for="vision_corrected">{lang.pick("以上为矫正视力（佩戴眼镜或隐形眼镜）", "Corrected (glasses or lenses)")}</label>
                    </div>
                </div>
                <RadioGroup lang name="colour_vision" legend=l[7].1.clone()
                    options=options(ColourVision::ALL, ColourVision::code, ColourVision::zh, ColourVision::en)
                    value=typed(&values, "colour_vision") server_error=server_problem(error, "colour_vision") />
                <RadioGroup lang name="hearing" legend=l[8].1.clone()
                    hint=Text::new("两耳分别距音叉50厘米能辨别声源方向", "Each ear tells the direction of a tuning fork at 50 cm")
                    options=options(Hearing::ALL, Hearing::code, Hearing::zh, Hearing::en)
                    value=typed(&values, "hearing") server_error=server_problem(error, "hearing") />
                <RadioGroup lang name="upper_limbs" legend=l[9].1.clone() options=soundness()
                    value=typed(&values, "upper_limbs") server_error=server_problem(error, "upper_limbs") />
                <RadioGroup lang name="lower_limbs" legend=l[10].1.clone() options=soundness()
                    value=typed(&values, "lower_limbs") server_error=server_problem(error, "lower_limbs") />
                <RadioGroup lang name="trunk_neck" legend=l[11].1.clone() options=soundness()
                    value=typed(&values, "trunk_neck") server_error=server_problem(error, "trunk_neck") />
            </fieldset>
            <RadioGroup lang name="conclusion" legend=l[12].1.clone()
                hint=Text::new("“合格”须各项均符合所选准驾车型的要求", "“Fit” needs every item to meet the chosen class")
                options=options(Conclusion::ALL, Conclusion::code, Conclusion::zh, Conclusion::en)
                value=typed(&values, "conclusion") server_error=server_problem(error, "conclusion") />
            <button class="button" type="submit">{lang.pick("录入体检结果", "Record the examination")}</button>
        </form>
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("证明编号", "Certificate no."),
    ("受检人", "Examinee"),
    ("车型", "Class"),
    ("体检日期", "Examined"),
    ("有效期至", "Good until"),
    ("结论", "Conclusion"),
    ("录入时间", "Recorded"),
    ("身体条件证明", "Certificate"),
];

/// Finds one person's examinations (or one certificate) among the
/// hospital's: a plain GET form, the value kept in the address.
fn search(lang: Lang, person: String) -> impl IntoView {
    view! {
        <form class="filters" method="get" action="/unit/exams#records" role="search">
            <div class="filters__fields">
                <div class="form-group">
                    <label class="label" for="person">{lang.pick("受检人身份证明号码或证明编号", "Examinee's ID number or certificate number")}</label>
                    <input class="input input--w20" id="person" name="person" type="search" value=person autocomplete="off" />
                </div>
            </div>
            {crate::ui::components::filters::search_buttons(lang, "/unit/exams")}
        </form>
    }
}

fn table(lang: Lang, page: ListPage<ExamEntry>, person: Option<String>) -> AnyView {
    if page.items.is_empty() {
        return view! {
            <p>{match &person {
                Some(_) => lang.pick("没有找到符合条件的体检记录。", "No examination matches."),
                None => lang.pick("本院还没有录入体检结果。", "No examination has been recorded here yet."),
            }}</p>
        }
        .into_any();
    }
    let keep: Vec<(&str, String)> = person
        .clone()
        .map(|p| vec![("person", p)])
        .unwrap_or_default();
    let export = match &person {
        Some(p) => format!(
            "/unit/exams.csv?person={}",
            crate::ui::encode_query_value(p)
        ),
        None => "/unit/exams.csv".to_string(),
    };
    let count =
        crate::ui::components::filters::listing_count(lang, &page, ("条", "examinations"), export);
    let pager = pager(lang, &page, ("本院体检记录", "Examinations"), |n| {
        page_href("/unit/exams", &keep, "page", n)
    });
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let today = today();
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let usable = e.exam.conclusion == Conclusion::Fit && valid_until(e.exam.examined_on) >= today;
            let certificate = match e.certificate_submitted_ms {
                Some(at) => format!("{}{}", lang.pick("已提交 ", "Submitted "), cst_date_time(at)).into_any(),
                None if usable => view! {
                    <form method="post" action=UnitSubmitCertificate::PATH>
                        <input type="hidden" name="exam_id" value=e.id.to_string() />
                        <button class="button button--secondary button--small" type="submit">
                            {lang.pick("代为提交", "Submit for the driver")}
                            <span class="visually-hidden">{format!(" {}", e.name)}</span>
                        </button>
                    </form>
                }
                .into_any(),
                None => "—".into_any(),
            };
            view! {
                <tr>
                    <td data-label=label(0) class="table__cell--nowrap">{e.certificate_no.clone()}</td>
                    <td data-label=label(1)>{e.name.clone()}<br /><span class="hint">{e.id_masked.clone()}</span></td>
                    <td data-label=label(2)>{e.class.code()}</td>
                    <td data-label=label(3) class="table__cell--nowrap">{e.exam.examined_on.to_string()}</td>
                    <td data-label=label(4) class="table__cell--nowrap">{e.valid_until.to_string()}</td>
                    <td data-label=label(5)>{lang.pick(e.exam.conclusion.zh(), e.exam.conclusion.en())}</td>
                    <td data-label=label(6) class="table__cell--nowrap">{cst_date_time(e.recorded_at_ms)}</td>
                    <td data-label=label(7)>{certificate}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {count}
        <DataTable lang caption=("本院体检记录", "Examinations recorded here") columns=COLUMNS testid="unit-exams" dense=true>
            {rows}
        </DataTable>
        {pager}
    }
    .into_any()
}
