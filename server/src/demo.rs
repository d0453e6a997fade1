//! The synthetic demo registry for Shijiazhuang (冀A): windows, clerks,
//! persons, organisations, vehicles, licences, violations and demo accounts.
//! Deterministic (fixed seed) and entirely invented: no real person's data.

use app::domain::licence::{renewal_stage, RenewalStage};
use app::domain::violation::status_once_handled;
use app::domain::{
    CreditCode, Date, IndividualKind, LicenceClass, LicenceStatus, ResidentId, UnitKind,
    VehicleStatus, VehicleType, Vin,
};
use sqlx::{AnyPool, Row};
use std::collections::HashSet;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo@2026";

/// One demo login printed by `make run` and used by the browser tests.
pub struct DemoLogin {
    pub role_zh: &'static str,
    pub role_en: &'static str,
    pub login: String,
    pub password: String,
}

pub struct DemoSummary {
    pub persons: usize,
    pub organisations: usize,
    pub vehicles: usize,
    pub licences: usize,
    pub violations: usize,
    pub logins: Vec<DemoLogin>,
    /// People in the registry with no account yet: (ID number, name, phone on record).
    pub can_register_online: Vec<(String, String, String)>,
}

/// True when the registry already has persons.
pub async fn is_loaded(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A bound value for the portable batch insert.
#[derive(Clone)]
enum V {
    I(i64),
    S(String),
    NullS,
}

fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

fn opt_s(v: Option<String>) -> V {
    v.map(V::S).unwrap_or(V::NullS)
}

/// Multi-row INSERT in batches of 100 rows.
async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(100) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..row.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::I(i) => q.bind(*i),
                    V::S(s) => q.bind(s.clone()),
                    V::NullS => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "建", "文", "辉", "力", "婷", "鹏", "宇",
    "浩", "凯", "欣", "佳", "怡", "子", "晨", "思", "雨", "泽", "博", "然", "琳", "颖", "志", "海",
];
/// (region code, district) of Shijiazhuang.
const DISTRICTS: &[(&str, &str)] = &[
    ("130102", "长安区"),
    ("130104", "桥西区"),
    ("130105", "新华区"),
    ("130107", "井陉矿区"),
    ("130108", "裕华区"),
    ("130109", "藁城区"),
    ("130110", "鹿泉区"),
    ("130111", "栾城区"),
    ("130121", "井陉县"),
    ("130123", "正定县"),
    ("130125", "行唐县"),
    ("130126", "灵寿县"),
    ("130127", "高邑县"),
    ("130128", "深泽县"),
    ("130129", "赞皇县"),
    ("130130", "无极县"),
    ("130131", "平山县"),
    ("130132", "元氏县"),
    ("130133", "赵县"),
    ("130181", "辛集市"),
    ("130183", "晋州市"),
    ("130184", "新乐市"),
];
/// The traffic police brigades (交警大队) with a registration window, and
/// the district (or development zone) their hall is in.
const BRIGADES: &[(&str, &str)] = &[
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
const STREETS: &[&str] = &[
    "中山路",
    "裕华路",
    "槐安路",
    "建设大街",
    "体育大街",
    "友谊大街",
    "和平路",
    "胜利大街",
    "石获南路",
    "新华路",
    "红旗大街",
    "西三庄街",
    "北二环东路",
    "南二环西路",
    "东岗路",
    "塔北路",
    "翟营大街",
];
const BRANDS: &[&str] = &[
    "大众",
    "丰田",
    "本田",
    "比亚迪",
    "长城",
    "吉利",
    "奇瑞",
    "别克",
    "福特",
    "长安",
    "日产",
    "哈弗",
];
const TRUCK_BRANDS: &[&str] = &["解放", "东风", "重汽", "陕汽", "福田", "宇通", "金龙"];
const COLOURS: &[&str] = &["白", "黑", "银", "灰", "红", "蓝"];
const WMIS: &[&str] = &["LSV", "LFV", "LGB", "LVS", "LBV", "LGW", "LSG", "LFP"];
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// (code, description, fine yuan, points)
const VIOLATIONS: &[(&str, &str, i64, i64)] = &[
    (
        "1039",
        "机动车违反规定停放、临时停车且驾驶人不在现场，妨碍其他车辆、行人通行的",
        100,
        0,
    ),
    ("1019", "机动车违反禁止标线指示的", 100, 0),
    ("1345", "机动车违反禁令标志指示的", 200, 3),
    ("1352", "机动车行驶超过规定时速未达20%的", 200, 3),
    ("1625", "驾驶机动车违反道路交通信号灯通行的", 200, 6),
    ("1301", "机动车逆向行驶的", 200, 3),
    ("1208", "机动车不按规定车道行驶的", 100, 0),
    ("1042", "不按规定使用安全带的", 50, 0),
    (
        "1357",
        "驾驶机动车行经人行横道未按规定减速、停车、避让行人的",
        200,
        3,
    ),
    ("1090", "机动车违反规定使用专用车道的", 150, 0),
    ("1344", "机动车违反禁止标线指示的（警告）", 0, 0),
    ("1636", "机动车行驶超过规定时速20%以上未达50%的", 200, 6),
];
const OTHER_PROVINCES: &[(&str, &str)] = &[
    ("京", "北京市朝阳区京港澳高速公路杜家坎收费站"),
    ("晋", "山西省太原市迎泽大街与解放路交叉口"),
    ("豫", "河南省郑州市中原路与嵩山路交叉口"),
    ("鲁", "山东省济南市经十路与舜耕路交叉口"),
];

fn name(rng: &mut Rng) -> String {
    let mut n = rng.pick(SURNAMES).to_string();
    n.push_str(rng.pick::<&str>(GIVEN));
    if rng.chance(70) {
        n.push_str(rng.pick::<&str>(GIVEN));
    }
    n
}

fn phone(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let prefix = rng.pick(&[
            "133", "135", "136", "138", "139", "150", "151", "152", "155", "158", "177", "180",
            "185", "187", "189",
        ]);
        let p = format!("{prefix}{:08}", rng.below(100_000_000));
        if used.insert(p.clone()) {
            return p;
        }
    }
}

/// A Shijiazhuang landline (区号0311, eight digits starting with 8).
fn window_phone(rng: &mut Rng) -> String {
    format!("0311-8{:07}", rng.below(10_000_000))
}

/// The dates of a driving licence whose current period ends on
/// `valid_until`: the first licence is valid 6 years, each renewal 10
/// (GA rules). The first issue is at 18 or later, near `preferred_first`,
/// and never after the current period began, nor after `today`. Answers
/// (first issued, valid from, valid until); `valid_until` moves only when
/// the holder is too young for it (their first period then ends later).
fn licence_dates(
    birth: Date,
    preferred_first: Date,
    valid_until: Date,
    today: Date,
) -> (Date, Date, Date) {
    let earliest = birth.add_years(18);
    let preferred = preferred_first.max(earliest).min(today);
    // Period starts counted back from the end: 6 years, then 10 more each.
    let start = |k: i32| valid_until.add_years(-(6 + 10 * k));
    let mut k = 0;
    while start(k) > preferred {
        k += 1;
    }
    if start(k) < earliest {
        if k == 0 || start(k - 1) > today {
            // Too young for a period ending then: the first licence at the
            // preferred date, valid 6 years.
            return (preferred, preferred, preferred.add_years(6));
        }
        k -= 1;
    }
    let first = start(k);
    let valid_from = if k == 0 {
        first
    } else {
        valid_until.add_years(-10)
    };
    (first, valid_from, valid_until)
}

fn address(rng: &mut Rng, district: &str) -> String {
    format!(
        "河北省石家庄市{district}{}{}号{}单元{}室",
        rng.pick(STREETS),
        rng.below(400) + 1,
        rng.below(6) + 1,
        rng.below(2000) + 101
    )
}

/// A plate serial of the kind a city issues: mostly digits, at most two letters.
fn ordinary_serial(rng: &mut Rng) -> String {
    let letters = match rng.below(10) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    let mut chars: Vec<u8> = (0..5).map(|_| b'0' + rng.below(10) as u8).collect();
    for _ in 0..letters {
        let at = rng.below(5) as usize;
        chars[at] = *rng.pick(LETTERS);
    }
    String::from_utf8(chars).expect("ascii")
}

/// Numbers for a city's plate pool (号牌号码资源): ordinary serials not yet
/// issued, without the series withheld by rule. Deterministic for a seed.
pub fn plate_pool(city: &str, count: usize, seed: u64, issued: &HashSet<String>) -> Vec<String> {
    use app::domain::plate_selection::is_withheld;
    let mut rng = Rng(seed);
    let mut out = HashSet::new();
    let mut tries = 0;
    while out.len() < count && tries < count * 20 {
        tries += 1;
        let serial = ordinary_serial(&mut rng);
        let plate = format!("{city}{serial}");
        if !is_withheld(&serial) && !issued.contains(&plate) {
            out.insert(plate);
        }
    }
    let mut pool: Vec<String> = out.into_iter().collect();
    pool.sort();
    pool
}

fn new_energy_serial(rng: &mut Rng) -> String {
    let second = if rng.chance(50) {
        *rng.pick(LETTERS) as char
    } else {
        (b'0' + rng.below(10) as u8) as char
    };
    format!(
        "{}{second}{:04}",
        if rng.chance(70) { 'D' } else { 'F' },
        rng.below(10_000)
    )
}

fn vin(rng: &mut Rng, serial: u64) -> String {
    let mut body = rng.pick(WMIS).to_string();
    for _ in 0..5 {
        body.push(*rng.pick(b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789") as char);
    }
    body.push('0');
    body.push(*rng.pick(b"DEFGHJKLMNPR") as char);
    body.push(*rng.pick(b"ABCDEFGHJ123456789") as char);
    body.push_str(&format!("{:06}", serial % 1_000_000));
    Vin::with_check_digit(&body)
        .expect("valid VIN body")
        .as_str()
        .to_string()
}

struct Person {
    id: String,
    name: String,
    phone: String,
    birth: Date,
}

/// Loads the demo registry into an empty, migrated database in one transaction.
pub async fn load(
    pool: &AnyPool,
    today: Date,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<DemoSummary, sqlx::Error> {
    let mut rng = Rng(20151229);
    let mut tx = pool.begin().await?;
    let mut phones = HashSet::new();

    // Registration windows: 26 for individuals, 1 for units. Each brigade's
    // hall is in its own district.
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
            s(window_phone(&mut rng)),
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
                DISTRICTS[k].1
            )),
            s("individual"),
            s(window_phone(&mut rng)),
        ]);
    }
    windows.push(vec![
        V::I(27),
        s("W27"),
        s("石家庄市车辆管理所单位用户注册窗口"),
        s(app::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_ZH),
        s("unit"),
        s("0311-86910122"),
    ]);
    insert(
        &mut tx,
        "registration_windows",
        &["id", "code", "name", "address", "serves", "phone"],
        &windows,
    )
    .await?;

    // Persons: ages 18 to 80, a share over 60 and over 70.
    let mut persons: Vec<Person> = Vec::new();
    let mut person_rows = Vec::new();
    let mut seen_ids = HashSet::new();
    while persons.len() < 560 {
        let (region, district) = *rng.pick(DISTRICTS);
        let age_days = if persons.len().is_multiple_of(9) {
            // older drivers
            (60 * 365 + rng.below(20 * 365)) as i64
        } else if persons.len() < 3 {
            // The demo owners have driven for years, so their licences can
            // be in any state (a first licence lasts 6 years).
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
            name: name(&mut rng),
            phone: phone(&mut rng, &mut phones),
            birth,
        };
        person_rows.push(vec![
            s(&p.id),
            s(&p.name),
            s(id.sex().zh()),
            s(birth.to_iso()),
            s(&p.phone),
            s(address(&mut rng, district)),
            V::I(now_ms),
        ]);
        persons.push(p);
    }
    insert(
        &mut tx,
        "persons",
        &[
            "id_number",
            "name",
            "sex",
            "birth_date",
            "phone",
            "address",
            "updated_at",
        ],
        &person_rows,
    )
    .await?;

    // Organisations.
    let org_specs: &[(&str, UnitKind)] = &[
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
    let mut orgs: Vec<(String, String, UnitKind, String)> = Vec::new();
    let mut org_rows = Vec::new();
    for (i, (org_name, kind)) in org_specs.iter().enumerate() {
        let (region, district) = DISTRICTS[i % 8];
        let first17 = format!("91{region}MA{:07}", 1000 + rng.below(9_000_000));
        let code = CreditCode::from_first17(&first17).expect("valid credit code");
        let phone = phone(&mut rng, &mut phones);
        org_rows.push(vec![
            s(code.as_str()),
            s(*org_name),
            s(kind.code()),
            s(address(&mut rng, district)),
            s(&phone),
        ]);
        orgs.push((
            code.as_str().to_string(),
            org_name.to_string(),
            *kind,
            phone,
        ));
    }
    insert(
        &mut tx,
        "organisations",
        &["credit_code", "name", "kind", "address", "phone"],
        &org_rows,
    )
    .await?;

    // Vehicles. Persons 1 and 2 are the demo owners: fixed fleets.
    let small = [
        VehicleType::K33,
        VehicleType::K33,
        VehicleType::K33,
        VehicleType::K31,
        VehicleType::K41,
        VehicleType::H31,
    ];
    let large = [
        VehicleType::K11,
        VehicleType::K21,
        VehicleType::H11,
        VehicleType::H21,
        VehicleType::Q11,
        VehicleType::M21,
        VehicleType::N11,
    ];
    let mut plates = HashSet::new();
    let mut vehicle_rows = Vec::new();
    let mut registered: Vec<(String, bool)> = Vec::new(); // (plate, small)
    let total = 860;
    for i in 0..total {
        let vehicle_type = match i {
            0 | 2 => VehicleType::K33,
            1 => VehicleType::H11,
            _ if i % 6 == 5 => *rng.pick(&large),
            _ => *rng.pick(&small),
        };
        let (owner_kind, owner_id, owner_phone) = if i >= 3 && i % 13 == 0 {
            let o = rng.pick(&orgs);
            ("organisation", o.0.clone(), o.3.clone())
        } else {
            let p = match i {
                0 | 1 => &persons[1],
                2 => &persons[2],
                // Persons 500.. have no vehicles (learners), except 501 below.
                _ => &persons[3 + (i * 37) % 497],
            };
            ("person", p.id.clone(), p.phone.clone())
        };
        // The last 24 are new, not yet registered (for plate pre-selection).
        let unregistered = i >= total - 24;
        let (owner_id, owner_phone) = if i == total - 1 {
            (persons[501].id.clone(), persons[501].phone.clone())
        } else {
            (owner_id, owner_phone)
        };
        let plate = if unregistered {
            None
        } else {
            loop {
                let serial = if vehicle_type.is_small() && rng.chance(8) {
                    new_energy_serial(&mut rng)
                } else {
                    ordinary_serial(&mut rng)
                };
                let plate = format!("冀A{serial}");
                if app::domain::PlateNumber::parse(&plate).is_ok() && plates.insert(plate.clone()) {
                    break Some(plate);
                }
            }
        };
        let registered_on = today.add_days(-(30 + rng.below(12 * 365) as i64));
        let inspection_due = today.add_days(rng.below(540) as i64 - 120);
        let status = if unregistered {
            VehicleStatus::Normal
        } else if inspection_due < today {
            VehicleStatus::InspectionOverdue
        } else if rng.chance(3) {
            VehicleStatus::ViolationPending
        } else {
            VehicleStatus::Normal
        };
        let brand = if vehicle_type.is_small() {
            rng.pick(BRANDS)
        } else {
            rng.pick(TRUCK_BRANDS)
        };
        vehicle_rows.push(vec![
            opt_s(plate.clone()),
            s(vin(&mut rng, i as u64 * 7919 + 100_003)),
            s(vehicle_type.code()),
            s(*brand),
            s(*rng.pick(COLOURS)),
            s(if unregistered { "person" } else { owner_kind }),
            s(owner_id),
            s(status.code()),
            opt_s((!unregistered).then(|| registered_on.to_iso())),
            opt_s((!unregistered).then(|| inspection_due.to_iso())),
            s(owner_phone),
        ]);
        if let Some(plate) = plate {
            registered.push((plate, vehicle_type.is_small()));
        }
    }
    insert(
        &mut tx,
        "vehicles",
        &[
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
        &vehicle_rows,
    )
    .await?;

    // Driving licences for persons 0..460 (500.. are learners without one).
    let mut licence_rows = Vec::new();
    for (i, p) in persons.iter().enumerate().take(460) {
        let age = Date::years_between(p.birth, today);
        let class = if age >= 24 && i % 10 == 3 {
            *rng.pick(&[
                LicenceClass::A1,
                LicenceClass::A2,
                LicenceClass::B1,
                LicenceClass::B2,
            ])
        } else if i % 7 == 0 {
            LicenceClass::C2
        } else {
            LicenceClass::C1
        };
        let preferred_first = p
            .birth
            .add_years(18 + rng.below((age - 17).max(1) as u64) as i32);
        // States: most valid; some expiring within 90 days; some expired
        // (less than a year: still renewed; more: cancelled).
        let valid_until = match i % 20 {
            0 | 1 => today.add_days(5 + rng.below(80) as i64),
            2 => today.add_days(-(10 + rng.below(300) as i64)),
            12 => today.add_days(-(380 + rng.below(900) as i64)),
            _ => today.add_days(120 + rng.below(3000) as i64),
        };
        let (first_issued, valid_from, valid_until) =
            licence_dates(p.birth, preferred_first, valid_until, today);
        let points = match i % 11 {
            0 => 12,
            1 | 2 => 3 + rng.below(6) as i64,
            3 => 1 + rng.below(2) as i64,
            _ => 0,
        };
        let status = match renewal_stage(valid_until, today) {
            RenewalStage::Overdue { .. } => LicenceStatus::RenewalOverdue,
            RenewalStage::Cancelled { .. } => LicenceStatus::CancelledRecoverable,
            RenewalStage::Lapsed { .. } => LicenceStatus::Cancelled,
            _ if points >= 12 => LicenceStatus::PointsFull,
            _ if i % 37 == 5 => LicenceStatus::Suspended,
            _ => LicenceStatus::Valid,
        };
        let needs_review = class.is_professional();
        let needs_physical = class.is_professional() || age >= 60;
        licence_rows.push(vec![
            s(&p.id),
            s(class.code()),
            s(first_issued.to_iso()),
            s(valid_from.to_iso()),
            s(valid_until.to_iso()),
            V::I(points),
            s(today.add_days(1 + rng.below(364) as i64).to_iso()),
            s(status.code()),
            opt_s(needs_review.then(|| today.add_days(rng.below(360) as i64).to_iso())),
            opt_s(needs_physical.then(|| today.add_days(rng.below(360) as i64 - 30).to_iso())),
            s("河北省石家庄市公安局交通警察支队"),
        ]);
    }
    insert(
        &mut tx,
        "driving_licences",
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
        &licence_rows,
    )
    .await?;

    // Surveillance violations on registered vehicles.
    let ids: Vec<(i64, String)> =
        sqlx::query("SELECT id, plate FROM vehicles WHERE plate IS NOT NULL ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("plate")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let mut violation_rows = Vec::new();
    let add_violation = |violation_rows: &mut Vec<Vec<V>>,
                         rng: &mut Rng,
                         vehicle: &(i64, String),
                         spec: (&str, &str, i64, i64),
                         elsewhere: bool,
                         status: &str| {
        let (province, place) = if elsewhere {
            *rng.pick(OTHER_PROVINCES)
        } else {
            ("冀", "")
        };
        let place = if elsewhere {
            place.to_string()
        } else {
            format!("石家庄市{}与{}交叉口", rng.pick(STREETS), rng.pick(STREETS))
        };
        // Handled ones stand where the rule puts them: a warning has
        // nothing to pay, so it is done, never "unpaid" or "paid".
        let status = if status != "unhandled" && spec.2 == 0 {
            status_once_handled(0).code()
        } else {
            status
        };
        violation_rows.push(vec![
            V::I(vehicle.0),
            s(&vehicle.1),
            V::I(now_ms - (rng.below(400 * 86_400) as i64 + 3600) * 1000),
            s(place),
            s(province),
            s(spec.0),
            s(spec.1),
            V::I(spec.2),
            V::I(spec.3),
            s(status),
            s("surveillance"),
        ]);
    };
    // The demo owner's cars: one of each kind that matters.
    let car = ids[0].clone();
    let truck = ids[1].clone();
    add_violation(
        &mut violation_rows,
        &mut rng,
        &car,
        VIOLATIONS[0],
        false,
        "unhandled",
    ); // 100 yuan, no points
    add_violation(
        &mut violation_rows,
        &mut rng,
        &car,
        VIOLATIONS[1],
        false,
        "unhandled",
    ); // 100 yuan, no points (for a non-owner to settle)
    add_violation(
        &mut violation_rows,
        &mut rng,
        &car,
        VIOLATIONS[2],
        false,
        "unhandled",
    ); // 200 yuan, 3 points
    add_violation(
        &mut violation_rows,
        &mut rng,
        &car,
        VIOLATIONS[10],
        false,
        "unhandled",
    ); // warning
    add_violation(
        &mut violation_rows,
        &mut rng,
        &car,
        VIOLATIONS[4],
        true,
        "unhandled",
    ); // recorded in another province
    add_violation(
        &mut violation_rows,
        &mut rng,
        &truck,
        VIOLATIONS[6],
        false,
        "unhandled",
    ); // large vehicle
    while violation_rows.len() < 1600 {
        let vehicle = rng.pick(&ids).clone();
        let spec = *rng.pick(VIOLATIONS);
        let elsewhere = rng.chance(6);
        let status = match rng.below(10) {
            0..=6 => "unhandled",
            7 => "handled_unpaid",
            _ => "paid",
        };
        add_violation(
            &mut violation_rows,
            &mut rng,
            &vehicle,
            spec,
            elsewhere,
            status,
        );
    }
    let violation_count = violation_rows.len();
    insert(
        &mut tx,
        "violations",
        &[
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
        ],
        &violation_rows,
    )
    .await?;
    // Handled ones carry their penalty decision (a few days to months old).
    let handled: Vec<i64> =
        sqlx::query("SELECT id FROM violations WHERE status <> 'unhandled' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
    for id in handled {
        let decided = today.add_days(-(rng.below(120) as i64 + 1));
        sqlx::query("UPDATE violations SET decided_on = $1, decision_no = $2 WHERE id = $3")
            .bind(decided.to_iso())
            .bind(app::domain::violation::decision_number(decided, id))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }

    // Staff: the administrator, and one clerk per window.
    let staff_hash = hash_password(DEMO_PASSWORD);
    let admin_id: i64 = sqlx::query(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, created_at)
         VALUES ('staff', 'admin', 'admin', '系统管理员', '', $1, $2) RETURNING id",
    )
    .bind(&staff_hash)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let mut clerk_ids = Vec::new();
    for w in 1..=27i64 {
        let badge = 130_100 + w * 7;
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, created_at)
             VALUES ('staff', $1, 'clerk', $2, '', $3, $4, $5) RETURNING id",
        )
        .bind(format!("clerk{w:02}"))
        .bind(format!("窗口民警 {} (警号 {badge})", name(&mut rng)))
        .bind(hash_password(DEMO_PASSWORD))
        .bind(w)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        clerk_ids.push(id);
    }

    // Demo citizens: (person index, kind, channel, window).
    let citizens: [(usize, IndividualKind, &str, &'static str, &'static str); 4] = [
        (
            1,
            IndividualKind::OwnerOrDriver,
            "online",
            "网上注册个人用户（车主）",
            "Online-registered individual (owner)",
        ),
        (
            2,
            IndividualKind::OwnerOrDriver,
            "window",
            "窗口注册个人用户（车主）",
            "Window-registered individual (owner)",
        ),
        (500, IndividualKind::Learner, "online", "学员", "Learner"),
        (
            501,
            IndividualKind::NewCarOwner,
            "online",
            "新车车主",
            "New-car owner",
        ),
    ];
    let mut logins = Vec::new();
    for (idx, kind, channel, role_zh, role_en) in citizens {
        let p = &persons[idx];
        let (window, clerk) = if channel == "window" {
            (Some(1i64), Some(clerk_ids[0]))
        } else {
            (None, None)
        };
        sqlx::query(
            "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, window_id, registered_by, created_at)
             VALUES ('individual', $1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(channel)
        .bind(kind.code())
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.phone)
        .bind(hash_password(DEMO_PASSWORD))
        .bind(window)
        .bind(clerk)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        logins.push(DemoLogin {
            role_zh,
            role_en,
            login: p.id.clone(),
            password: DEMO_PASSWORD.into(),
        });
    }

    // Demo units, registered at the unit window with their grants.
    let unit_window_clerk = clerk_ids[26];
    let units: [(usize, &[&str], &'static str, &'static str); 4] = [
        (
            0,
            &["temporary_plates"],
            "汽车销售商（单位）",
            "Car dealer (unit)",
        ),
        (
            2,
            &["physical_exam", "submit_physical_certificate"],
            "医院（单位）",
            "Hospital (unit)",
        ),
        (
            4,
            &[
                "learner_appointment_query",
                "learner_pre_entry",
                "learner_window_registration",
            ],
            "驾校（单位）",
            "Driving school (unit)",
        ),
        (
            6,
            &[],
            "道路运输企业（单位）",
            "Road transport company (unit)",
        ),
    ];
    for (n, (org_index, grants, role_zh, role_en)) in units.into_iter().enumerate() {
        let (code, org_name, kind, _) = &orgs[org_index];
        let agent = &persons[510 + n];
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (kind, channel, credit_code, display_name, phone, password_hash, window_id, registered_by, created_at)
             VALUES ('unit', 'window', $1, $2, $3, $4, 27, $5, $6) RETURNING id",
        )
        .bind(code)
        .bind(org_name)
        .bind(&agent.phone)
        .bind(hash_password(DEMO_PASSWORD))
        .bind(unit_window_clerk)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO unit_accounts (account_id, unit_kind, unit_name, attorney_ref, agent_id_number, agent_name, agent_phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(kind.code())
        .bind(org_name)
        .bind(format!("WTS-2026-{:04}", n + 1))
        .bind(&agent.id)
        .bind(&agent.name)
        .bind(&agent.phone)
        .execute(&mut *tx)
        .await?;
        for g in grants {
            sqlx::query("INSERT INTO unit_special_services (account_id, service, granted_at, granted_by) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(*g)
                .bind(now_ms)
                .bind(admin_id)
                .execute(&mut *tx)
                .await?;
        }
        logins.push(DemoLogin {
            role_zh,
            role_en,
            login: code.clone(),
            password: DEMO_PASSWORD.into(),
        });
    }
    logins.push(DemoLogin {
        role_zh: "窗口民警",
        role_en: "Window clerk",
        login: "clerk01".into(),
        password: DEMO_PASSWORD.into(),
    });
    logins.push(DemoLogin {
        role_zh: "单位窗口民警",
        role_en: "Unit-window clerk",
        login: "clerk27".into(),
        password: DEMO_PASSWORD.into(),
    });
    logins.push(DemoLogin {
        role_zh: "管理员",
        role_en: "Administrator",
        login: "admin".into(),
        password: DEMO_PASSWORD.into(),
    });

    // Driving-test centres, sessions for the next two weeks (booking closes
    // two days before at 17:00 Beijing time), and the learners' files.
    for (id, name, address) in [
        (
            1i64,
            "石家庄市机动车驾驶人考试中心（鹿泉）",
            "石家庄市鹿泉区石铜路88号",
        ),
        (2, "石家庄市正定考场", "石家庄市正定县恒山西路16号"),
    ] {
        sqlx::query("INSERT INTO exam_centres (id, name, address) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(address)
            .execute(&mut *tx)
            .await?;
    }
    let midnight_cst = now_ms - (now_ms + 8 * 3_600_000).rem_euclid(86_400_000);
    for offset in 3..17i64 {
        let day = today.add_days(offset);
        let closes = midnight_cst + (offset - 2) * 86_400_000 + 17 * 3_600_000;
        for subject in ["1", "2", "3", "4"] {
            for (centre, period) in [(1i64, "上午 08:30"), (2, "下午 14:00")] {
                sqlx::query(
                    "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(centre)
                .bind(subject)
                .bind(day.to_iso())
                .bind(period)
                .bind(10 + rng.below(31) as i64)
                .bind(closes)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for p in &persons[500..510] {
        sqlx::query(
            "INSERT INTO learner_records (id_number, licence_class, permit_issued, permit_valid_until) VALUES ($1, 'C1', $2, $3)",
        )
        .bind(&p.id)
        .bind(today.add_days(-30).to_iso())
        .bind(today.add_days(-30).add_years(3).to_iso())
        .execute(&mut *tx)
        .await?;
    }

    tx.commit().await?;

    let can_register_online = persons[10..20]
        .iter()
        .map(|p| (p.id.clone(), p.name.clone(), p.phone.clone()))
        .collect();
    Ok(DemoSummary {
        persons: persons.len(),
        organisations: orgs.len(),
        vehicles: vehicle_rows.len(),
        licences: licence_rows.len(),
        violations: violation_count,
        logins,
        can_register_online,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_plates_are_valid() {
        let mut a = Rng(7);
        let mut b = Rng(7);
        for _ in 0..100 {
            assert_eq!(a.next(), b.next());
        }
        let mut rng = Rng(1);
        for _ in 0..1000 {
            let p = format!("冀A{}", ordinary_serial(&mut rng));
            let parsed = app::domain::PlateNumber::parse(&p).unwrap();
            assert!(parsed.letters_in_serial() <= 2);
            assert!(app::domain::PlateNumber::parse(&format!(
                "冀A{}",
                new_energy_serial(&mut rng)
            ))
            .is_ok());
            assert!(Vin::parse(&vin(&mut rng, 42)).is_ok());
        }
    }

    #[test]
    fn window_phones_are_shijiazhuang_landlines() {
        let mut rng = Rng(3);
        for _ in 0..1000 {
            let p = window_phone(&mut rng);
            let (area, number) = p.split_once('-').unwrap();
            assert_eq!(area, "0311");
            assert_eq!(number.len(), 8, "{p}");
            assert!(number.starts_with('8') && number.chars().all(|c| c.is_ascii_digit()));
        }
    }

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

    #[test]
    fn licences_are_never_valid_before_they_were_first_issued() {
        let today = Date::new(2026, 11, 26).unwrap();
        let mut rng = Rng(11);
        for _ in 0..20_000 {
            let birth = today.add_days(-(18 * 365 + 30 + rng.below(62 * 365) as i64));
            let age = Date::years_between(birth, today);
            let preferred = birth.add_years(18 + rng.below((age - 17).max(1) as u64) as i32);
            let wanted = today.add_days(rng.below(4500) as i64 - 1300);
            let (first, from, until) = licence_dates(birth, preferred, wanted, today);
            let case = format!("born {birth}, wanted {wanted}: {first} {from} {until}");
            assert!(first >= birth.add_years(18), "{case}");
            assert!(first <= from && from <= today, "{case}");
            let years = if from == first { 6 } else { 10 };
            // (A period ending on 29 February starts on the 28th.)
            let drift = until.days_since_epoch() - from.add_years(years).days_since_epoch();
            assert!((0..=1).contains(&drift), "{case}");
        }
        // The reported case: valid from 2020-07-12, first issued 2021-08-24.
        let (first, from, _) = licence_dates(
            Date::new(1990, 3, 1).unwrap(),
            Date::new(2021, 8, 24).unwrap(),
            Date::new(2026, 7, 12).unwrap(),
            today,
        );
        assert!(first <= from, "{first} {from}");
    }
}
