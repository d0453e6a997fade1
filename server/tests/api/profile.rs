//! One platform, one configuration file (平台配置): a second platform with
//! another province's file runs in the same process as the demo one (冀),
//! each showing its own authority, windows and plate numbers; the file
//! seeds windows and plate pools on first start only. On both databases.

use crate::helpers::*;
use server::{prepare_with_clock, Config, Platform};

/// Beijing's platform, with a window of its own and a small pool whose
/// numbers may not start with 1 or 2.
const BEIJING: &str = r#"
[province]
abbreviation = "京"
name_zh = "北京市"
name_en = "Beijing"
authority_zh = "北京市公安局公安交通管理局"
authority_en = "Beijing Traffic Management Bureau"
helpline = "122"

[[cities]]
name_zh = "北京市"
name_en = "Beijing"
plate_prefix = "京A"
withheld_series = ["1", "2"]
plate_pool_size = 60
payee_zh = "北京市公安局公安交通管理局"
payee_en = "Beijing Traffic Management Bureau"

[[business_centres]]
city = "京A"
name_zh = "北京市车辆管理所"
address_zh = "北京市丰台区南四环西路"
address_en = "South Fourth Ring Road West, Fengtai, Beijing"
phone = "010-12345678"

[[registration_windows]]
code = "BJ01"
name = "东城交通支队个人用户注册窗口"
address = "北京市东城区"
phone = "010-87654321"

[[exam_centres]]
name = "北京市机动车驾驶人考试中心（丰台）"
address = "北京市丰台区"

[fees]
plate_pair_yuan = 100
vehicle_licence_yuan = 10
driving_licence_yuan = 10
postage_yuan = 15
"#;

/// Starts Beijing's platform on a fresh database of `app`'s backend and
/// serves it; answers its address, the platform and what keeps them.
async fn beijing(app: &TestApp) -> (String, Platform, Config, DbGuard) {
    let (url, guard) = database_for(app.backend).await;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let file = std::env::temp_dir().join(format!("beijing-{}-{nanos}.toml", app.backend));
    std::fs::write(&file, BEIJING).unwrap();
    let mut config = Config::for_tests(&url);
    config.profile_path = Some(file.display().to_string());
    let platform = prepare_with_clock(&config, app.clock.clone())
        .await
        .expect("Beijing's platform starts");
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (serving, served) = (platform.clone(), config.clone());
    tokio::spawn(async move {
        let _ = server::serve(listener, &served, &serving).await;
    });
    (base, platform, config, guard)
}

async fn page(base: &str, path: &str) -> String {
    let res = new_client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{base}{path}: {e}"));
    assert!(res.status().is_success(), "{base}{path}: {}", res.status());
    res.text().await.unwrap()
}

async fn two_platforms_in_one_process_each_by_its_own_file(app: TestApp) {
    let (base, _platform, _config, _guard) = beijing(&app).await;
    let home = page(&base, "/").await;
    assert!(
        home.contains("北京市公安局公安交通管理局"),
        "{app}: Beijing's footer"
    );
    assert!(!home.contains("河北"), "{app}: nothing of Hebei in Beijing");
    let demo_home = page(&app.base, "/").await;
    assert!(
        demo_home.contains("河北省公安厅交通警察总队"),
        "{app}: Hebei's footer"
    );
    assert!(
        !demo_home.contains("北京市公安局"),
        "{app}: nothing of Beijing in Hebei"
    );
    // The file's window, seeded on first start.
    let windows = page(&base, "/windows").await;
    assert!(
        windows.contains("东城交通支队个人用户注册窗口"),
        "{app}: {windows}"
    );
}
both_backends!(two_platforms_in_one_process_each_by_its_own_file);

async fn the_file_seeds_windows_and_pools_on_first_start_only(app: TestApp) {
    let (_base, platform, config, _guard) = beijing(&app).await;
    let pool = &platform.store.pool;
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM registration_windows").await,
        1,
        "{app}"
    );
    let centres: Vec<String> = sqlx::query_scalar("SELECT name FROM exam_centres")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(centres, ["北京市机动车驾驶人考试中心（丰台）"], "{app}");
    assert_eq!(
        server::seed_plate_pools(&platform, 7).await.unwrap(),
        60,
        "{app}"
    );
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT plate FROM plate_pool WHERE city = '京A'")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(numbers.len(), 60, "{app}");
    assert!(
        numbers
            .iter()
            .all(|n| n.starts_with("京A") && !n.starts_with("京A1") && !n.starts_with("京A2")),
        "{app}: withheld series offered: {numbers:?}"
    );
    // A restart on the same database adds nothing.
    let again = prepare_with_clock(&config, app.clock.clone())
        .await
        .unwrap();
    assert_eq!(
        server::seed_plate_pools(&again, 8).await.unwrap(),
        0,
        "{app}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM registration_windows").await,
        1,
        "{app}"
    );
    assert_eq!(count("SELECT COUNT(*) FROM plate_pool").await, 60, "{app}");
    assert_eq!(count("SELECT COUNT(*) FROM exam_centres").await, 1, "{app}");
}
both_backends!(the_file_seeds_windows_and_pools_on_first_start_only);
