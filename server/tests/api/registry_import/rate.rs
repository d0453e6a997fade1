//! The import rate (导入速度): ignored, run by hand for the README.

use super::*;
use std::time::Instant;

/// 100,000 vehicles of 20,000 owners, imported and imported again; the
/// times go to the README.
async fn import_rate(app: TestApp) {
    const VEHICLES: usize = 100_000;
    import(&app, RegistryKind::Persons, &persons_csv(0..VEHICLES / 5)).await;
    let file = vehicles_csv(0..VEHICLES, 5);
    let started = Instant::now();
    let r = import(&app, RegistryKind::Vehicles, &file).await;
    let first = started.elapsed().as_secs_f64();
    assert_eq!(counts(&r), (VEHICLES, 0, 0, 0), "{app}");
    let started = Instant::now();
    let r = import(&app, RegistryKind::Vehicles, &file).await;
    let again = started.elapsed().as_secs_f64();
    assert_eq!(counts(&r), (0, 0, VEHICLES, 0), "{app}");
    println!(
        "import rate, {app}: {VEHICLES} vehicles ({} MB) added in {first:.1} s ({:.0}/s); unchanged in {again:.1} s",
        file.len() / 1_000_000,
        VEHICLES as f64 / first
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: 100,000 vehicles"]
async fn import_rate_sqlite() {
    run_case(Backend::Sqlite, import_rate).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: 100,000 vehicles"]
async fn import_rate_postgres() {
    run_case(Backend::Postgres, import_rate).await
}
