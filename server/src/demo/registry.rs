//! The registry's people and places: registration windows (注册窗口),
//! persons (人员) and organisations (单位) of Shijiazhuang.

use super::batch::{insert, s, Tx, V};
use super::cast;
use super::random::{address, name, phone, window_phone, Rng, STREETS};
use app::domain::window::REGION_DISTRICTS;
use app::domain::{CreditCode, Date, ResidentId, UnitKind};
use std::collections::HashSet;

/// The columns the demo writes into `persons`, in the order of its rows.
pub(super) const PERSON_COLUMNS: &[&str] = &[
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "address",
    "updated_at",
];

/// The traffic police brigades (交警大队) with a registration window, and
/// the district (or development zone) their hall is in.
pub(super) const BRIGADES: &[(&str, &str)] = &[
    ("长安", "长安区"),
    ("桥西", "桥西区"),
    ("新华", "新华区"),
    ("裕华", "裕华区"),
    ("井陉矿区", "井陉矿区"),
    ("藁城", "藁城区"),
    ("鹿泉", "鹿泉区"),
    ("栾城", "栾城区"),
    ("井陉", "井陉县"),
    ("正定", "正定县"),
    ("行唐", "行唐县"),
    ("灵寿", "灵寿县"),
    ("高邑", "高邑县"),
    ("深泽", "深泽县"),
    ("赞皇", "赞皇县"),
    ("无极", "无极县"),
    ("平山", "平山县"),
    ("元氏", "元氏县"),
    ("赵县", "赵县"),
    ("辛集", "辛集市"),
    ("晋州", "晋州市"),
    ("新乐", "新乐市"),
    ("高新区", "高新技术产业开发区"),
];
/// The registration window serving units (单位用户注册窗口).
pub(super) const UNIT_WINDOW: i64 = 27;

/// A generated person (人员).
pub(super) struct Person {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) birth: Date,
}

/// A generated organisation (单位): credit code, name, kind, phone.
pub(super) struct Organisation {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) kind: UnitKind,
    pub(super) phone: String,
}

/// Registration windows: 26 for individuals, 1 for units. Each brigade's
/// hall is in its own district.
pub(super) async fn windows(tx: &mut Tx, rng: &mut Rng) -> Result<(), sqlx::Error> {
    let mut windows: Vec<Vec<V>> = Vec::new();
    for (i, (b, district)) in BRIGADES.iter().enumerate() {
        windows.push(vec![
            V::I(i as i64 + 1),
            s(format!("W{:02}", i + 1)),
            s(format!("{b}交警大队个人用户注册窗口")),
            s(format!(
                "石家庄市{district}{}{}号交警大队服务大厅",
                rng.pick(STREETS),
                rng.below(300) + 1
            )),
            s("individual"),
            s(window_phone(rng)),
        ]);
    }
    for (k, n) in ["第一", "第二", "第三"].iter().enumerate() {
        let i = BRIGADES.len() + k;
        windows.push(vec![
            V::I(i as i64 + 1),
            s(format!("W{:02}", i + 1)),
            s(format!("车辆管理所{n}分所个人用户注册窗口")),
            s(format!(
                "石家庄市{}车辆管理所{n}分所业务大厅",
                REGION_DISTRICTS[k].1
            )),
            s("individual"),
            s(window_phone(rng)),
        ]);
    }
    windows.push(vec![
        V::I(UNIT_WINDOW),
        s(format!("W{UNIT_WINDOW}")),
        s("石家庄市车辆管理所单位用户注册窗口"),
        s("石家庄市桥西区石获南路228号车管所院内"),
        s("unit"),
        s("0311-86910122"),
    ]);
    insert(
        tx,
        "registration_windows",
        &["id", "code", "name", "address", "serves", "phone"],
        &windows,
    )
    .await
}

/// Persons: ages 18 to 80, a share over 60 and over 70; the demo owners
/// have driven for years.
pub(super) async fn persons(
    tx: &mut Tx,
    rng: &mut Rng,
    phones: &mut HashSet<String>,
    today: Date,
    now_ms: i64,
) -> Result<Vec<Person>, sqlx::Error> {
    let mut persons: Vec<Person> = Vec::new();
    let mut rows = Vec::new();
    let mut seen_ids = HashSet::new();
    while persons.len() < cast::PERSONS {
        let (region, district) = *rng.pick(REGION_DISTRICTS);
        let age_days = if persons.len().is_multiple_of(9) {
            // older drivers
            (60 * 365 + rng.below(20 * 365)) as i64
        } else if cast::is_demo_owner(persons.len()) {
            (27 * 365 + rng.below(30 * 365)) as i64
        } else {
            (18 * 365 + 30 + rng.below(45 * 365)) as i64
        };
        let birth = today.add_days(-age_days);
        let id = ResidentId::from_parts(region, birth, rng.below(1000) as u16);
        if !seen_ids.insert(id.as_str().to_string()) {
            continue;
        }
        let p = Person {
            id: id.as_str().to_string(),
            name: name(rng),
            phone: phone(rng, phones),
            birth,
        };
        rows.push(vec![
            s(&p.id),
            s(&p.name),
            s(id.sex().zh()),
            s(birth.to_iso()),
            s(&p.phone),
            s(address(rng, district)),
            V::I(now_ms),
        ]);
        persons.push(p);
    }
    insert(tx, "persons", PERSON_COLUMNS, &rows).await?;
    Ok(persons)
}

/// Organisations: car dealers, hospitals, driving schools, transport
/// companies, a school and other enterprises.
pub(super) async fn organisations(
    tx: &mut Tx,
    rng: &mut Rng,
    phones: &mut HashSet<String>,
) -> Result<Vec<Organisation>, sqlx::Error> {
    let specs: &[(&str, UnitKind)] = &[
        ("石家庄市鑫达汽车销售服务有限公司", UnitKind::CarDealer),
        ("河北远航汽车贸易有限公司", UnitKind::CarDealer),
        ("石家庄市第三医院", UnitKind::Hospital),
        ("石家庄市长安区康宁医院", UnitKind::Hospital),
        ("石家庄市安驰机动车驾驶员培训学校", UnitKind::DrivingSchool),
        ("石家庄市通达驾驶培训有限公司", UnitKind::DrivingSchool),
        ("石家庄市顺捷道路运输有限公司", UnitKind::RoadTransport),
        ("河北畅通物流运输有限公司", UnitKind::RoadTransport),
        ("石家庄市公交客运有限公司", UnitKind::RoadTransport),
        ("石家庄市第五十中学", UnitKind::School),
        ("河北恒信建材有限公司", UnitKind::OtherEnterprise),
        ("石家庄市宏宇食品有限公司", UnitKind::OtherEnterprise),
        ("石家庄市兴业商贸有限公司", UnitKind::OtherEnterprise),
        ("石家庄市华安出租汽车有限公司", UnitKind::RoadTransport),
    ];
    let mut orgs = Vec::new();
    let mut rows = Vec::new();
    for (i, (org_name, kind)) in specs.iter().enumerate() {
        let (region, district) = REGION_DISTRICTS[i % 8];
        // Characters 9–17 are the organisation code (组织机构代码) with
        // its own GB 11714 check character.
        let body = format!("MA{:06}", (1000 + rng.below(9_000_000)) / 10);
        let org_check = app::domain::OrganisationCode::check_char(&body).expect("valid body");
        let first17 = format!("91{region}{body}{org_check}");
        let code = CreditCode::from_first17(&first17).expect("valid credit code");
        let phone = phone(rng, phones);
        rows.push(vec![
            s(code.as_str()),
            s(*org_name),
            s(kind.code()),
            s(address(rng, district)),
            s(&phone),
        ]);
        orgs.push(Organisation {
            code: code.as_str().to_string(),
            name: org_name.to_string(),
            kind: *kind,
            phone,
        });
    }
    insert(
        tx,
        "organisations",
        &["credit_code", "name", "kind", "address", "phone"],
        &rows,
    )
    .await?;
    Ok(orgs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_brigade_hall_is_in_its_own_district() {
        for (brigade, district) in BRIGADES {
            assert!(
                district.starts_with(brigade.trim_end_matches("区")),
                "{brigade}: {district}"
            );
        }
        let yuhua = BRIGADES.iter().find(|b| b.0 == "裕华").unwrap();
        assert_eq!(yuhua.1, "裕华区");
    }
}
