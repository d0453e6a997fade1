//! The registry import (登记数据导入, `server import-registry`) on both
//! databases: a good file of each kind goes in and the database holds what
//! the file said; one bad row keeps the whole file out and is named by its
//! line; the same files twice change nothing (not even a timestamp); a fine
//! paid here is never undone (the conflict is reported, the rest imports);
//! a GBK file imports. The 100,000-vehicle timing is an ignored test:
//! `cargo test -p server --test api -- --ignored --nocapture import_rate`.

mod cases;
mod rate;

use crate::helpers::*;
use app::domain::{Date, ResidentId, Vin};
use server::import::{
    import_registry, report_lines, Encoding, ImportFailure, ImportReport, Problem, RegistryKind,
};
use sqlx::Row;

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];

/// The i-th test person (in 唐山, a region the demo registry does not use):
/// ID number (a man's), name, phone.
fn person(i: usize) -> (String, String, String) {
    let birth = Date::new(1960, 1, 1).unwrap().add_days((i % 14_000) as i64);
    let id = ResidentId::from_parts("130203", birth, (1 + 2 * (i / 14_000)) as u16);
    let name = format!(
        "{}{}{}",
        SURNAMES[i % 10],
        GIVEN[i / 10 % 10],
        GIVEN[i / 100 % 10]
    );
    (id.as_str().to_string(), name, format!("139{:08}", i))
}

fn persons_csv(range: std::ops::Range<usize>) -> String {
    let mut csv = String::from("身份证明号码,姓名,手机号码,住所地址\n");
    for i in range {
        let (id, name, phone) = person(i);
        csv.push_str(&format!("{id},{name},{phone},唐山市路北区建设路{i}号\n"));
    }
    csv
}

fn vin(i: usize) -> String {
    Vin::with_check_digit(&format!("LTE{i:014}"))
        .unwrap()
        .as_str()
        .to_string()
}

/// 冀R and five digits: no demo vehicle has one.
fn plate(i: usize) -> String {
    format!("冀R{i:05}")
}

/// Vehicle i belongs to person i / `per_owner`.
fn vehicles_csv(range: std::ops::Range<usize>, per_owner: usize) -> String {
    let mut csv = String::from(
        "vin,plate,vehicle_type,brand,colour,owner_kind,owner_id,status,registered_on,inspection_due,phone\n",
    );
    for i in range {
        let (owner, _, phone) = person(i / per_owner);
        csv.push_str(&format!(
            "{},{},K33,大众,白,个人,{owner},A,2020-01-0{},2027-01-31,{phone}\n",
            vin(i),
            plate(i),
            1 + i % 9
        ));
    }
    csv
}

fn licences_csv(range: std::ops::Range<usize>) -> String {
    let mut csv = String::from("身份证明号码,准驾车型,初次领证日期,有效期起始日期,有效期截止日期,累积记分,记分周期截止日期,驾驶证状态,发证机关\n");
    for i in range {
        let (id, _, _) = person(i);
        let first = ResidentId::parse(&id).unwrap().birth_date().add_years(20);
        let from = first.add_years(6);
        csv.push_str(&format!(
            "{id},C1,{first},{from},{},{},2026-12-31,A,河北省唐山市公安局交通警察支队\n",
            from.add_years(10),
            i % 4
        ));
    }
    csv
}

fn record_no(i: usize) -> String {
    format!("1302037{i:09}")
}

/// Violation i on the vehicle with `plate`, not handled.
fn violation_row(i: usize, plate: &str) -> String {
    format!(
        "{},{plate},2025-06-0{} 08:30,唐山市路北区建设路与新华道交叉口,冀,1039,机动车违反规定停放、临时停车,100,0,未处理\n",
        record_no(i),
        1 + i % 9
    )
}

const VIOLATION_HEADER: &str =
    "违法记录编号,号牌号码,违法时间,违法地点,违法地省份,违法代码,违法行为,罚款金额,记分,处理状态\n";

async fn import(app: &TestApp, kind: RegistryKind, file: &str) -> ImportReport {
    import_registry(&app.platform.store, kind, file.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{app}: {kind:?} refused: {e:?}"))
}

async fn refused(app: &TestApp, kind: RegistryKind, file: &str) -> Vec<Problem> {
    match import_registry(&app.platform.store, kind, file.as_bytes()).await {
        Err(ImportFailure::Rejected(problems)) => problems,
        other => panic!("{app}: {kind:?} not refused: {other:?}"),
    }
}

fn counts(r: &ImportReport) -> (usize, usize, usize, usize) {
    let a = &r.applied;
    (a.added, a.changed, a.unchanged, a.conflicts.len())
}

/// Every registry row, every column, as text: what "nothing changed" means.
async fn snapshot(app: &TestApp) -> Vec<String> {
    const TABLES: &[(&str, &str, &[&str])] = &[
        (
            "persons",
            "id_number",
            &[
                "id_number",
                "name",
                "sex",
                "birth_date",
                "phone",
                "address",
                "updated_at",
            ],
        ),
        (
            "vehicles",
            "id",
            &[
                "id",
                "plate",
                "vin",
                "vehicle_type",
                "brand",
                "colour",
                "owner_kind",
                "owner_id",
                "status",
                "registered_on",
                "inspection_due",
                "phone",
            ],
        ),
        (
            "driving_licences",
            "id_number",
            &[
                "id_number",
                "class",
                "first_issued",
                "valid_from",
                "valid_until",
                "points",
                "cycle_ends",
                "status",
                "review_due",
                "physical_due",
                "issuing_authority",
            ],
        ),
        (
            "violations",
            "id",
            &[
                "id",
                "record_no",
                "vehicle_id",
                "plate",
                "occurred_at",
                "place",
                "recorded_province",
                "code",
                "description",
                "fine_yuan",
                "points",
                "status",
                "source",
                "decided_on",
                "decision_no",
                "handled_by",
                "handled_at",
                "paid_at",
            ],
        ),
    ];
    let mut out = Vec::new();
    for (table, order, columns) in TABLES {
        let select: Vec<String> = columns
            .iter()
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '(null)')"))
            .collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY {order}", select.join(", "));
        for row in sqlx::query(&sql)
            .fetch_all(&app.platform.store.pool)
            .await
            .unwrap()
        {
            let values: Vec<String> = (0..columns.len()).map(|i| row.get(i)).collect();
            out.push(format!("{table}: {}", values.join("|")));
        }
    }
    out
}
