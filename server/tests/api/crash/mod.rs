//! Crash (崩溃): under load — plate holds and confirmations, exam bookings,
//! applications, fines handled and paid — the server process is killed
//! with SIGKILL (`kill -9`), started again on the same database, and
//! audited: every operation a client saw acknowledged is there, nothing is
//! half-done (acknowledged or not), and the allocation audits of plates
//! and exams still hold. Both databases.
//!
//! The server is the real binary in its own process, started as `make run`
//! starts it (development mode, so the simulated bank takes the payments).
//! Only a success answer read whole counts as acknowledged; a request cut
//! off by the kill may or may not have happened, and if it did, it must be
//! whole. Requests that got no answer are counted apart from refusals.
//!
//! `kill -9` loses no committed transaction on either database (SQLite's
//! WAL is in the operating system's page cache once written); power loss
//! is stricter, which is what `PRAGMA synchronous = FULL` in production is
//! for (`server::db`).

mod audit;
mod durability;
mod load;
mod process;
mod seed;

use crate::helpers::{database_for, postgres_admin_url, Backend};
use process::ServerProcess;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Concurrent clients.
const WORKERS: usize = 16;
/// The kill comes once this many operations are acknowledged (under half
/// of what the crowd came for, so the load is in full swing) …
const KILL_AFTER_ACKS: usize = 800;
/// … or after this long, whichever is first.
const KILL_AFTER: Duration = Duration::from_secs(20);

async fn a_killed_server_keeps_every_acknowledged_operation_whole(backend: Backend) {
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        return;
    }
    let started = Instant::now();
    let (url, _guard) = database_for(backend).await;
    let mut first = ServerProcess::start(&url, "first").await;
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&url).await.expect("the database");
    let crowd = seed::crowd(&db).await;
    // The test holds no connection across the kill: the restarted server
    // is the first to open the database again (SQLite recovers its WAL).
    db.close().await;

    let load = load::Load::new(&first.base, &crowd);
    let workers = load.start(WORKERS);
    let load_started = Instant::now();
    while load.acked.load(Ordering::SeqCst) < KILL_AFTER_ACKS
        && load_started.elapsed() < KILL_AFTER
        && load.waiting() > 0
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let waiting_at_kill = load.waiting();
    load.killed.store(true, Ordering::SeqCst);
    first.kill_9();
    let killed_after = load_started.elapsed();
    for worker in workers {
        worker.await.unwrap();
    }
    let ledger = std::mem::take(&mut *load.ledger.lock().unwrap());
    assert!(
        waiting_at_kill > 0,
        "{backend}: the load ran out before the kill ({} acknowledged): raise the crowd",
        ledger.acked.len()
    );

    let restarted = ServerProcess::start(&url, "restarted").await;
    let db = sqlx::AnyPool::connect(&url).await.expect("the database");
    let mut findings = audit::Findings::default();
    let unacknowledged = audit::unacknowledged(&db, &ledger.acked).await;
    audit::acknowledged(&db, &ledger.acked, &mut findings).await;
    audit::receipts_served(&restarted.base, &ledger.acked, &mut findings).await;
    audit::whole(&db, &mut findings).await;
    drop(restarted);
    let server_backend = match backend {
        Backend::Sqlite => server::db::Backend::Sqlite,
        Backend::Postgres => server::db::Backend::Postgres,
    };
    audit::exams_allocated(&db, server_backend, crowd.closes_at, &mut findings).await;
    db.close().await;

    let kinds = kinds(&ledger.acked);
    println!(
        "crash audit on {backend}: killed after {:.1} s of load; {} acknowledged operations checked ({kinds}); \
         committed but never acknowledged: {unacknowledged}; \
         {} refused by a rule; {} requests lost after the kill (in flight or sent to the dead server); \
         {} lost before it; {} faults; {:.1} s in all",
        killed_after.as_secs_f64(),
        ledger.acked.len(),
        ledger.refused,
        ledger.lost_after_kill,
        ledger.lost_before_kill.len(),
        ledger.faults.len(),
        started.elapsed().as_secs_f64(),
    );
    for line in &findings.lines {
        println!("  {line}");
    }
    assert!(
        ledger.lost_before_kill.is_empty(),
        "{backend}: requests lost while the server was up: {:?}",
        ledger.lost_before_kill
    );
    assert!(
        ledger.faults.is_empty(),
        "{backend}: answers neither success nor refusal: {:?}",
        ledger.faults
    );
    assert!(
        findings.failures.is_empty(),
        "{backend}: the crash audit failed:\n{}",
        findings.failures.join("\n")
    );
    for kind in [
        "Decided",
        "Opened",
        "Paid",
        "Held",
        "Confirmed",
        "Booked",
        "Submitted",
    ] {
        assert!(
            kinds.contains(&format!("{kind} ")),
            "{backend}: no {kind} acknowledged before the kill: {kinds}"
        );
    }
}

/// "Held 40, Booked 90, …": the acknowledged operations by kind.
fn kinds(acked: &[load::Acked]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for ack in acked {
        let name = format!("{ack:?}");
        let kind = name
            .split([' ', '{'])
            .next()
            .unwrap_or_default()
            .to_string();
        *counts.entry(kind).or_insert(0) += 1;
    }
    counts
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

mod a_killed_server_keeps_every_acknowledged_operation_whole {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_killed_server_keeps_every_acknowledged_operation_whole(Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_killed_server_keeps_every_acknowledged_operation_whole(Backend::Postgres).await
    }
}
