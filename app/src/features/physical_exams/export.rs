//! The hospital's examinations as a spreadsheet file (导出 CSV), written
//! like the unit's other tables (`units::export`).

use super::ExamEntry;
use crate::domain::csv;
use crate::domain::date::cst_date_time;
use crate::features::units::export::header;
use crate::i18n::Lang;

/// The file's first line (after the byte-order mark).
pub fn exams_header(lang: Lang) -> String {
    let cells: &[(&str, &str)] = &[
        ("证明编号", "Certificate number"),
        ("受检人", "Examinee"),
        ("身份证明号码", "ID number"),
        ("申请或准驾车型", "Class"),
        ("体检日期", "Examined"),
        ("有效期至", "Good until"),
        ("身高（厘米）", "Height (cm)"),
        ("左眼视力", "Left eye"),
        ("右眼视力", "Right eye"),
        ("矫正视力", "Corrected"),
        ("辨色力", "Colour vision"),
        ("听力", "Hearing"),
        ("上肢", "Upper limbs"),
        ("下肢", "Lower limbs"),
        ("躯干和颈部", "Trunk and neck"),
        ("结论", "Conclusion"),
        ("录入时间", "Recorded"),
        ("身体条件证明提交时间", "Certificate submitted"),
    ];
    header(lang, cells)
}

/// One examination as a line of the file (the ID number masked, as on the
/// page).
pub fn exam_line(lang: Lang, e: &ExamEntry) -> String {
    let items = &e.exam.items;
    let yes_no = |b: bool| lang.pick(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    csv::row(&[
        e.certificate_no.clone(),
        e.name.clone(),
        e.id_masked.clone(),
        e.class.code().to_string(),
        e.exam.examined_on.to_string(),
        e.valid_until.to_string(),
        items.height_cm.to_string(),
        items.vision_left.to_string(),
        items.vision_right.to_string(),
        yes_no(items.vision_corrected).into(),
        lang.pick(items.colour_vision.zh(), items.colour_vision.en())
            .into(),
        lang.pick(items.hearing.zh(), items.hearing.en()).into(),
        lang.pick(items.upper_limbs.zh(), items.upper_limbs.en())
            .into(),
        lang.pick(items.lower_limbs.zh(), items.lower_limbs.en())
            .into(),
        lang.pick(items.trunk_neck.zh(), items.trunk_neck.en())
            .into(),
        lang.pick(e.exam.conclusion.zh(), e.exam.conclusion.en())
            .into(),
        cst_date_time(e.recorded_at_ms),
        e.certificate_submitted_ms
            .map(cst_date_time)
            .unwrap_or_default(),
    ])
}
