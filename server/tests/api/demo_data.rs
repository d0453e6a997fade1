//! What a visitor first meets on a fresh demo: the home page's title, and
//! the generated registry as loaded — licences never valid before they were
//! first issued, windows in their own district with real eight-digit
//! Shijiazhuang numbers, warnings never "unpaid".

use crate::helpers::*;
use sqlx::Row;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_registry_is_consistent() {
    // One backend is enough: the generator is the same for both.
    let app = spawn(Backend::Sqlite).await;
    let pool = &app.platform.store.pool;

    let licences = sqlx::query(
        "SELECT l.id_number, l.first_issued, l.valid_from, l.valid_until, p.birth_date
         FROM driving_licences l JOIN persons p ON p.id_number = l.id_number",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(licences.len() > 400);
    let date = |row: &sqlx::any::AnyRow, column: &str| {
        app::domain::Date::parse_iso(&row.get::<String, _>(column)).unwrap()
    };
    let today = app.platform.ports.clock.today();
    for l in &licences {
        let (birth, first, from, until) = (
            date(l, "birth_date"),
            date(l, "first_issued"),
            date(l, "valid_from"),
            date(l, "valid_until"),
        );
        let who = l.get::<String, _>("id_number");
        assert!(
            first <= from,
            "{who}: valid from {from}, first issued {first}"
        );
        assert!(first >= birth.add_years(18), "{who}: first issued {first}");
        assert!(from <= today && from < until, "{who}: {from}–{until}");
    }

    let windows = sqlx::query("SELECT name, address, phone, serves FROM registration_windows")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(windows.len(), 27);
    for w in &windows {
        let (name, address, phone): (String, String, String) =
            (w.get("name"), w.get("address"), w.get("phone"));
        let number = phone.strip_prefix("0311-").unwrap_or_default();
        assert!(
            number.len() == 8 && number.chars().all(|c| c.is_ascii_digit()),
            "{name}: {phone}"
        );
        if let Some(brigade) = name.strip_suffix("交警大队个人用户注册窗口") {
            let place = brigade.trim_end_matches('区');
            assert!(address.contains(place), "{name}: {address}");
        }
    }
    let address_of = |brigade: &str| {
        windows
            .iter()
            .find(|w| w.get::<String, _>("name").starts_with(brigade))
            .map(|w| w.get::<String, _>("address"))
            .unwrap()
    };
    assert!(address_of("裕华").contains("裕华区"));
    assert!(address_of("井陉矿区").contains("井陉矿区"));

    let unpaid_warnings = app
        .count(
            "SELECT COUNT(*) FROM violations WHERE fine_yuan = 0 AND status IN ('handled_unpaid', 'paid')",
        )
        .await;
    assert_eq!(unpaid_warnings, 0);
    assert!(
        app.count("SELECT COUNT(*) FROM violations WHERE fine_yuan = 0 AND status = 'done'")
            .await
            > 0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_names_the_platform_once_and_other_pages_add_it() {
    let app = spawn(Backend::Sqlite).await;
    let title = |page: String| {
        let start = page.find("<title>").expect("a title") + "<title>".len();
        let end = page[start..].find("</title>").unwrap() + start;
        page[start..end].to_string()
    };
    let get = |path: &'static str| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.base);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert_eq!(title(get("/").await), "互联网交通安全综合服务管理平台");
    assert_eq!(
        title(get("/windows").await),
        "注册窗口 - 互联网交通安全综合服务管理平台"
    );
}
