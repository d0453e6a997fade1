//! The unit's tables as spreadsheet files (导出 CSV): the header and one
//! line per row, in the page's language, written by `domain::csv`. The
//! server streams them a chunk at a time (`server::http::unit_export`),
//! so a fleet of any size is never held in memory.

use super::{FleetVehicle, FleetViolation};
use crate::domain::csv;
use crate::domain::date::cst_date_time;
use crate::domain::fleet::inspection_falls_due;
use crate::domain::Date;
use crate::i18n::Lang;

/// Rows read from the database per chunk of an export.
pub const EXPORT_CHUNK: i64 = 500;

/// The vehicles file's first line (after the byte-order mark).
pub fn vehicles_header(lang: Lang) -> String {
    let cells: &[(&str, &str)] = &[
        ("号牌号码", "Plate"),
        ("车辆类型", "Vehicle type"),
        ("品牌", "Make"),
        ("颜色", "Colour"),
        ("机动车状态", "Status"),
        ("检验有效期至", "Inspection due"),
        ("检验即将到期", "Inspection falls due"),
        ("绑定状态", "Binding"),
        ("未处理违法", "Violations not handled"),
        ("未缴罚款", "Fines not paid"),
    ];
    header(lang, cells)
}

/// One vehicle as a line of the file.
pub fn vehicle_line(lang: Lang, v: &FleetVehicle, today: Date) -> String {
    let yes_no = |b: bool| lang.pick(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    csv::row(&[
        v.plate
            .clone()
            .unwrap_or_else(|| lang.pick("未上牌", "no plate yet").into()),
        lang.pick(v.vehicle_type.zh(), v.vehicle_type.en()).into(),
        v.brand.clone(),
        v.colour.clone(),
        lang.pick(v.status.zh(), v.status.en()).into(),
        v.inspection_due.map(|d| d.to_string()).unwrap_or_default(),
        yes_no(inspection_falls_due(v.inspection_due, today)).into(),
        lang.pick(
            if v.bound { "已绑定" } else { "未绑定" },
            if v.bound { "bound" } else { "not bound" },
        )
        .into(),
        v.unhandled.to_string(),
        v.unpaid.to_string(),
    ])
}

/// The violations file's first line (after the byte-order mark).
pub fn violations_header(lang: Lang) -> String {
    let cells: &[(&str, &str)] = &[
        ("号牌号码", "Plate"),
        ("违法时间", "When"),
        ("违法地点", "Where"),
        ("采集地", "Recorded in"),
        ("违法代码", "Code"),
        ("违法行为", "What"),
        ("罚款（元）", "Fine (yuan)"),
        ("记分", "Points"),
        ("状态", "Status"),
        ("处罚决定书编号", "Decision number"),
    ];
    header(lang, cells)
}

/// One violation as a line of the file.
pub fn violation_line(lang: Lang, v: &FleetViolation) -> String {
    csv::row(&[
        v.plate.clone(),
        cst_date_time(v.occurred_at_ms),
        v.place.clone(),
        v.recorded_province.clone(),
        v.code.clone(),
        v.description.clone(),
        v.fine_yuan.to_string(),
        v.points.to_string(),
        lang.pick(v.status.zh(), v.status.en()).into(),
        v.decision_no.clone().unwrap_or_default(),
    ])
}

/// The drivers file's first line (after the byte-order mark).
pub fn drivers_header(lang: Lang) -> String {
    let cells: &[(&str, &str)] = &[
        ("姓名", "Name"),
        ("驾驶证号", "Licence number"),
        ("准驾车型", "Class"),
        ("有效期至", "Valid until"),
        ("记分", "Points"),
        ("状态", "Status"),
        ("提示", "Look at"),
    ];
    header(lang, cells)
}

/// One driver as a line of the file (the number masked as on the page).
pub fn driver_line(lang: Lang, d: &super::drivers::UnitDriver) -> String {
    let flags: Vec<&str> = d
        .attention
        .iter()
        .map(|a| lang.pick(a.label_zh(), a.label_en()))
        .collect();
    csv::row(&[
        d.name.clone(),
        d.id_masked.clone(),
        d.standing.class.code().to_string(),
        d.standing.valid_until.to_string(),
        d.standing.points.to_string(),
        lang.pick(d.standing.status.zh(), d.standing.status.en())
            .into(),
        flags.join(lang.pick("、", "; ")),
    ])
}

/// A file's first line: the BOM and the column names in the page's language.
pub fn header(lang: Lang, cells: &[(&str, &str)]) -> String {
    let names: Vec<&str> = cells.iter().map(|(zh, en)| lang.pick(zh, en)).collect();
    format!("{}{}", csv::BOM, csv::row(&names))
}

/// The file's name as offered for saving, e.g. `单位车辆-2026-11-29.csv`
/// (ASCII in `filename`, the Chinese name in `filename*`).
pub fn content_disposition(stem_zh: &str, stem_en: &str, today: Date) -> String {
    let utf8: String = format!("{stem_zh}-{today}.csv")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{stem_en}-{today}.csv\"; filename*=UTF-8''{utf8}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{VehicleStatus, VehicleType};

    #[test]
    fn a_vehicle_line_has_a_cell_per_header_cell() {
        let today = Date::parse_iso("2026-11-29").unwrap();
        let v = FleetVehicle {
            vehicle_id: 1,
            plate: None,
            vehicle_type: VehicleType::K33,
            brand: "=cmd".into(),
            colour: "白".into(),
            status: VehicleStatus::Normal,
            inspection_due: Date::parse_iso("2026-12-01"),
            bound: false,
            unhandled: 2,
            unpaid: 0,
        };
        let line = vehicle_line(Lang::Zh, &v, today);
        assert!(line.starts_with("未上牌,"));
        assert!(line.contains(",'=cmd,"));
        assert!(line.contains(",2026-12-01,是,未绑定,2,0\r\n"));
        let header = vehicles_header(Lang::En);
        assert!(header.starts_with('\u{feff}'));
        assert_eq!(header.matches(',').count(), line.matches(',').count());
    }

    #[test]
    fn the_file_name_is_offered_in_both_forms() {
        let today = Date::parse_iso("2026-11-29").unwrap();
        let d = content_disposition("单位车辆", "unit-vehicles", today);
        assert!(d.contains("filename=\"unit-vehicles-2026-11-29.csv\""));
        assert!(d.contains("filename*=UTF-8''%E5%8D%95"));
    }
}
