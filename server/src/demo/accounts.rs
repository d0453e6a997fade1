//! Demo accounts (账号): the administrator, one clerk per window, business-
//! centre clerks and a supervisor (the demo second-factor key), the demo
//! citizens (each role a browser journey changes comes twice) and the demo
//! units with their special services (特殊业务授权).

use super::batch::Tx;
use super::cast;
use super::random::{name, Rng};
use super::registry::{Organisation, Person, UNIT_WINDOW};
use super::{DemoLogin, DEMO_PASSWORD, DEMO_TOTP_KEY};
use app::domain::totp::TotpKey;
use app::domain::{IndividualKind, StaffRole};
use sqlx::Row;

/// The staff accounts: the administrator's id and the window clerks' ids,
/// one per window in window order (the centre clerks and the supervisor
/// are not needed by later steps).
pub(super) struct Staff {
    pub(super) admin: i64,
    pub(super) clerks: Vec<i64>,
}

/// One demo staff account, with the demo second-factor key enrolled.
struct DemoStaff<'a> {
    username: String,
    role: StaffRole,
    name: String,
    police_no: String,
    unit: &'a str,
    window: Option<i64>,
}

async fn insert_staff(
    tx: &mut Tx,
    member: DemoStaff<'_>,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, police_no, staff_unit, created_at)
         VALUES ('staff', $1, $2, $3, '', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&member.username)
    .bind(member.role.code())
    .bind(&member.name)
    .bind(hash_password(DEMO_PASSWORD))
    .bind(member.window)
    .bind(&member.police_no)
    .bind(member.unit)
    .bind(now_ms)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    sqlx::query(
        "INSERT INTO staff_second_factors (account_id, secret, enrolled_at, last_step) VALUES ($1, $2, $3, 0)",
    )
    .bind(id)
    .bind(TotpKey::from_bytes(DEMO_TOTP_KEY).to_base32())
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The police numbers (警号) of the 冀 demo's staff start here (130001 for
/// the administrator): 13 is Hebei's region code.
pub(super) const HEBEI_POLICE_NUMBERS: i64 = 130_000;

/// Staff: the administrator, one clerk per registration window already
/// loaded (in window order, `clerk` and the window's id), two
/// business-centre clerks and a supervisor, each with a police number
/// (警号, counted from `police_numbers`) and unit.
pub(super) async fn staff(
    tx: &mut Tx,
    rng: &mut Rng,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
    police_numbers: i64,
) -> Result<Staff, sqlx::Error> {
    const CENTRE: &str = "车辆管理所网上业务受理中心";
    let admin = insert_staff(
        tx,
        DemoStaff {
            username: "admin".into(),
            role: StaffRole::Admin,
            name: "系统管理员".into(),
            police_no: (police_numbers + 1).to_string(),
            unit: "交通管理局科技信息科",
            window: None,
        },
        now_ms,
        hash_password,
    )
    .await?;
    let windows: Vec<(i64, String)> =
        sqlx::query("SELECT id, name FROM registration_windows ORDER BY id")
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let mut clerks = Vec::new();
    for (w, window) in windows {
        let member = DemoStaff {
            username: format!("clerk{w:02}"),
            role: StaffRole::WindowClerk,
            name: format!("窗口民警 {}", name(rng)),
            police_no: (police_numbers + 100 + w * 7).to_string(),
            unit: &window,
            window: Some(w),
        };
        clerks.push(insert_staff(tx, member, now_ms, hash_password).await?);
    }
    for (username, role, title, police_no) in [
        ("centre01", StaffRole::CentreClerk, "业务中心民警", 301),
        ("centre02", StaffRole::CentreClerk, "业务中心民警", 302),
        ("super01", StaffRole::Supervisor, "审核民警", 401),
    ] {
        let member = DemoStaff {
            username: username.into(),
            role,
            name: format!("{title} {}", name(rng)),
            police_no: (police_numbers + police_no).to_string(),
            unit: CENTRE,
            window: None,
        };
        insert_staff(tx, member, now_ms, hash_password).await?;
    }
    Ok(Staff { admin, clerks })
}

fn login(role_zh: &'static str, role_en: &'static str, login: impl Into<String>) -> DemoLogin {
    DemoLogin {
        role_zh,
        role_en,
        login: login.into(),
        password: DEMO_PASSWORD.into(),
        totp_key: None,
        operator: None,
        name: None,
    }
}

/// A demo citizen: (person index, kind, channel, role in Chinese, in English).
type Citizen = (
    usize,
    IndividualKind,
    &'static str,
    &'static str,
    &'static str,
);

/// The demo citizens, first of each role then the second ones (“二号”,
/// “#2”), so a lookup by role finds the first.
const CITIZENS: [Citizen; 10] = [
    (
        cast::ONLINE_OWNERS[0],
        IndividualKind::OwnerOrDriver,
        "online",
        "网上注册个人用户（车主）",
        "Online-registered individual (owner)",
    ),
    (
        cast::WINDOW_OWNERS[0],
        IndividualKind::OwnerOrDriver,
        "window",
        "窗口注册个人用户（车主）",
        "Window-registered individual (owner)",
    ),
    (
        cast::LEARNERS[0],
        IndividualKind::Learner,
        "online",
        "学员",
        "Learner",
    ),
    (
        cast::NEW_CAR_OWNERS[0],
        IndividualKind::NewCarOwner,
        "online",
        "新车车主",
        "New-car owner",
    ),
    (
        cast::RENEWING_DRIVERS[0],
        IndividualKind::OwnerOrDriver,
        "window",
        "窗口注册个人用户（驾驶证即将到期）",
        "Window-registered driver (licence due for renewal)",
    ),
    (
        cast::ONLINE_OWNERS[1],
        IndividualKind::OwnerOrDriver,
        "online",
        "网上注册个人用户（车主）二号",
        "Online-registered individual (owner) #2",
    ),
    (
        cast::WINDOW_OWNERS[1],
        IndividualKind::OwnerOrDriver,
        "window",
        "窗口注册个人用户（车主）二号",
        "Window-registered individual (owner) #2",
    ),
    (
        cast::LEARNERS[1],
        IndividualKind::Learner,
        "online",
        "学员二号",
        "Learner #2",
    ),
    (
        cast::NEW_CAR_OWNERS[1],
        IndividualKind::NewCarOwner,
        "online",
        "新车车主二号",
        "New-car owner #2",
    ),
    (
        cast::RENEWING_DRIVERS[1],
        IndividualKind::OwnerOrDriver,
        "window",
        "窗口注册个人用户（驾驶证即将到期）二号",
        "Window-registered driver (licence due for renewal) #2",
    ),
];

/// Individual accounts for the demo citizens (window-registered ones at
/// window 1 by its clerk); answers the logins of (the first of each role,
/// the second ones).
pub(super) async fn citizens(
    tx: &mut Tx,
    persons: &[Person],
    staff: &Staff,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<(Vec<DemoLogin>, Vec<DemoLogin>), sqlx::Error> {
    let mut logins = Vec::new();
    for (idx, kind, channel, role_zh, role_en) in CITIZENS {
        let p = &persons[idx];
        let (window, clerk) = if channel == "window" {
            (Some(1i64), Some(staff.clerks[0]))
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
        .execute(&mut **tx)
        .await?;
        logins.push(DemoLogin {
            name: Some(p.name.clone()),
            ..login(role_zh, role_en, &p.id)
        });
    }
    let second = logins.split_off(CITIZENS.len() / 2);
    Ok((logins, second))
}

/// A demo unit: (organisation index, special services, role in Chinese, in English).
type Unit = (usize, &'static [&'static str], &'static str, &'static str);

const UNITS: [Unit; 4] = [
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

/// Demo units, registered at the unit window with their grants; answers
/// their logins.
pub(super) async fn units(
    tx: &mut Tx,
    persons: &[Person],
    orgs: &[Organisation],
    staff: &Staff,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<Vec<DemoLogin>, sqlx::Error> {
    let unit_window_clerk = staff.clerks[UNIT_WINDOW as usize - 1];
    let mut logins = Vec::new();
    for (n, (org_index, grants, role_zh, role_en)) in UNITS.into_iter().enumerate() {
        let org = &orgs[org_index];
        let agent = &persons[cast::UNIT_AGENTS_FROM + n];
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (kind, channel, credit_code, display_name, phone, password_hash, window_id, registered_by, created_at)
             VALUES ('unit', 'window', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&org.code)
        .bind(&org.name)
        .bind(&agent.phone)
        .bind(hash_password(DEMO_PASSWORD))
        .bind(UNIT_WINDOW)
        .bind(unit_window_clerk)
        .bind(now_ms)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO unit_accounts (account_id, unit_kind, unit_name, attorney_ref, agent_id_number, agent_name, agent_phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(org.kind.code())
        .bind(&org.name)
        .bind(format!("WTS-2026-{:04}", n + 1))
        .bind(&agent.id)
        .bind(&agent.name)
        .bind(&agent.phone)
        .execute(&mut **tx)
        .await?;
        for g in grants {
            sqlx::query("INSERT INTO unit_special_services (account_id, service, granted_at, granted_by) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(*g)
                .bind(now_ms)
                .bind(staff.admin)
                .execute(&mut **tx)
                .await?;
        }
        logins.push(login(role_zh, role_en, &org.code));
        if role_en.starts_with("Road transport company") {
            let person = &persons[cast::UNIT_OPERATOR];
            logins.push(operator(tx, id, &org.code, person, now_ms, hash_password).await?);
        }
    }
    Ok(logins)
}

/// The transport company's active operator, granted violations and fines
/// only (the browser tests and the authorization matrix log in as them).
async fn operator(
    tx: &mut Tx,
    account_id: i64,
    credit_code: &str,
    person: &Person,
    now_ms: i64,
    hash_password: &(dyn Fn(&str) -> String + Sync),
) -> Result<DemoLogin, sqlx::Error> {
    const LOGIN: &str = "调度员01";
    sqlx::query(
        "INSERT INTO unit_operators (account_id, login_name, full_name, id_number, phone, services, password_hash, status, created_at, activated_at)
         VALUES ($1, $2, $3, $4, $5, 'violations', $6, 'active', $7, $7)",
    )
    .bind(account_id)
    .bind(LOGIN)
    .bind(&person.name)
    .bind(&person.id)
    .bind(&person.phone)
    .bind(hash_password(DEMO_PASSWORD))
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    let mut l = login(
        "道路运输企业经办人（仅违法处理）",
        "Unit operator (road transport company, violations only)",
        credit_code,
    );
    l.operator = Some(LOGIN.to_string());
    Ok(l)
}

/// The staff logins shown with the demo: a clerk, the clerk of
/// `unit_window` (the unit-window clerk), a business-centre clerk, the
/// supervisor and the administrator, with the demo second-factor key.
pub(super) fn staff_logins(unit_window: i64) -> Vec<DemoLogin> {
    let key = TotpKey::from_bytes(DEMO_TOTP_KEY).to_base32();
    [
        login("窗口民警", "Window clerk", "clerk01"),
        login("窗口民警 #2", "Window clerk #2", "clerk02"),
        login(
            "单位窗口民警",
            "Unit-window clerk",
            format!("clerk{unit_window:02}"),
        ),
        login("业务中心民警", "Business-centre clerk", "centre01"),
        login("业务中心民警 #2", "Business-centre clerk #2", "centre02"),
        login("审核民警", "Supervisor", "super01"),
        login("管理员", "Administrator", "admin"),
    ]
    .into_iter()
    .map(|l| DemoLogin {
        totp_key: Some(key.clone()),
        ..l
    })
    .collect()
}
