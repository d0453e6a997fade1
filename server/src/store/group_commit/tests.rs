//! The group commit's members, commits and failures, on a real SQLite file.

use super::*;
use crate::db::{connect_with, migrate, Durability};

async fn sqlite_store(name: &str) -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("group-commit-{}-{name}", std::process::id()));
    let url = format!("sqlite://{}/g.db", dir.display());
    let (pool, backend) = connect_with(&url, 4, Durability::ProcessCrash)
        .await
        .unwrap();
    migrate(&pool, backend).await.unwrap();
    let (writer, _) = connect_with(&url, 1, Durability::ProcessCrash)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE grouped (n BIGINT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    let clock = std::sync::Arc::new(crate::clock::SystemClock);
    (Store::new(pool, Some(writer), backend, clock), dir)
}

/// A write that inserts `n` into the test table (nothing when `n` is
/// negative), then ends as `end` says.
fn insert(
    n: i64,
    end: impl FnOnce(i64) -> StoreResult<Finish<i64>> + Send + 'static,
) -> GroupWork<i64> {
    Box::new(move |_, tx| {
        Box::pin(async move {
            if n >= 0 {
                sqlx::query("INSERT INTO grouped (n) VALUES ($1)")
                    .bind(n)
                    .execute(&mut **tx)
                    .await?;
            }
            end(n)
        })
    })
}

/// Holds the writer on a turn of its own until the answer is sent or
/// dropped; returns once the writer has taken that turn up.
async fn hold_writer(store: &Store) -> oneshot::Sender<()> {
    let (go, wait) = oneshot::channel::<()>();
    let (started, running) = oneshot::channel::<()>();
    store
        .group
        .send(Box::new(move |open| {
            Box::pin(async move {
                let _ = started.send(());
                let _ = wait.await;
                open
            })
        }))
        .unwrap();
    running.await.unwrap();
    go
}

/// Sends a write and returns once it is the `place`th waiting in the
/// writer's queue.
async fn queue_write(
    store: &Store,
    undoing: Undoing,
    work: GroupWork<i64>,
    place: usize,
) -> tokio::task::JoinHandle<StoreResult<i64>> {
    let waiting = tokio::spawn({
        let store = store.clone();
        async move { store.write_grouped(undoing, work).await }
    });
    until_queued(store, place).await;
    waiting
}

/// Returns once `count` writes wait in the writer's queue.
async fn until_queued(store: &Store, count: usize) {
    while store.group.tally.queued.load(Ordering::SeqCst) < count {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Sixty writes queue at once: each inserts its number, then a third
/// keep it, a third undo it and a third fail. Only the kept numbers
/// stay, every write is told its own outcome, and the twenty kept take
/// as few commits as the group's size allows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_keeps_or_undoes_only_its_own_changes_in_shared_commits() {
    let (store, dir) = sqlite_store("members").await;
    let hold = hold_writer(&store).await;
    let tasks: Vec<_> = (0..60i64)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write_grouped(
                        Undoing::Savepoint,
                        insert(n, |n| match n % 3 {
                            0 => Ok(Finish::Keep(n)),
                            1 => Ok(Finish::Undo(-n)),
                            _ => Err(StoreError::BadValue(format!("write {n} fails"))),
                        }),
                    )
                    .await
            })
        })
        .collect();
    until_queued(&store, 60).await;
    drop(hold);
    for (n, task) in (0..60i64).zip(tasks) {
        match (n % 3, task.await.unwrap()) {
            (0, Ok(told)) => assert_eq!(told, n),
            (1, Ok(told)) => assert_eq!(told, -n),
            (2, Err(e)) => assert!(e.to_string().contains(&format!("write {n} fails")), "{e}"),
            (_, other) => panic!("write {n}: {other:?}"),
        }
    }
    let kept: Vec<i64> = sqlx::query_scalar("SELECT n FROM grouped ORDER BY n")
        .fetch_all(&store.pool)
        .await
        .unwrap();
    assert_eq!(kept, (0..60).filter(|n| n % 3 == 0).collect::<Vec<_>>());
    assert_eq!(store.grouped_writes(), (20, 20usize.div_ceil(MAX_MEMBERS)));
    assert_eq!(store.grouped_writes_undone(), 40);
    store.pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Writes with nothing to undo take no savepoint: one that keeps its
/// change and one that refuses (changing nothing) share a commit with
/// a savepoint write; then a write of that kind that fails after a
/// change loses its group, and the member queued before it is told so
/// and keeps nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_with_nothing_to_undo_skips_the_savepoint_and_a_failure_loses_its_group() {
    let (store, dir) = sqlite_store("nothing-to-undo").await;
    let keep: fn(i64) -> StoreResult<Finish<i64>> = |n| Ok(Finish::Keep(n));
    let refuse: fn(i64) -> StoreResult<Finish<i64>> = |n| Ok(Finish::Undo(n));
    let fail: fn(i64) -> StoreResult<Finish<i64>> =
        |n| Err(StoreError::BadValue(format!("write {n} fails")));
    let hold = hold_writer(&store).await;
    let kept = queue_write(&store, Undoing::NothingToUndo, insert(1, keep), 1).await;
    let refused = queue_write(&store, Undoing::NothingToUndo, insert(-2, refuse), 2).await;
    let undone = queue_write(&store, Undoing::Savepoint, insert(3, refuse), 3).await;
    let after = queue_write(&store, Undoing::Savepoint, insert(4, keep), 4).await;
    drop(hold);
    assert_eq!(kept.await.unwrap().unwrap(), 1);
    assert_eq!(refused.await.unwrap().unwrap(), -2);
    assert_eq!(undone.await.unwrap().unwrap(), 3);
    assert_eq!(after.await.unwrap().unwrap(), 4);
    assert_eq!(store.grouped_writes(), (2, 1), "two kept, in one commit");

    let hold = hold_writer(&store).await;
    let before = queue_write(&store, Undoing::Savepoint, insert(5, keep), 1).await;
    let failing = queue_write(&store, Undoing::NothingToUndo, insert(6, fail), 2).await;
    drop(hold);
    let before = before.await.unwrap().unwrap_err().to_string();
    assert!(before.contains("write 6 fails"), "{before}");
    let failing = failing.await.unwrap().unwrap_err().to_string();
    assert!(failing.contains("write 6 fails"), "{failing}");

    let stored: Vec<i64> = sqlx::query_scalar("SELECT n FROM grouped ORDER BY n")
        .fetch_all(&store.pool)
        .await
        .unwrap();
    assert_eq!(stored, vec![1, 4], "nothing of the lost group stays");
    assert_eq!(
        store
            .write_grouped(Undoing::NothingToUndo, insert(7, keep))
            .await
            .unwrap(),
        7
    );
    store.pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A write that waits in the queue and is then dropped by its caller
/// (a client gone) still runs its turn whole: the group commits, and
/// what it kept is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_gives_up_leaves_no_half_done_group() {
    let (store, dir) = sqlite_store("dropped").await;
    let hold = hold_writer(&store).await;
    let waiting = queue_write(
        &store,
        Undoing::Savepoint,
        insert(7, |n| Ok(Finish::Keep(n))),
        1,
    )
    .await;
    waiting.abort();
    drop(hold);
    let mut seen = 0;
    for _ in 0..100 {
        seen = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM grouped")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        if seen == 1 && store.grouped_writes() == (1, 1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(seen, 1);
    assert_eq!(store.grouped_writes(), (1, 1), "the group was committed");
    store.pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A write whose work panics loses its group: the member queued with
/// it is told its commit was abandoned, nothing of the group stays, and
/// the writer goes on with the next write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_write_fails_its_group_and_the_writer_goes_on() {
    let (store, dir) = sqlite_store("panic").await;
    let insert = |n: i64, panics: bool| {
        insert(n, move |n| {
            assert!(!panics, "write {n} panics on purpose");
            Ok(Finish::Keep(n))
        })
    };
    let hold = hold_writer(&store).await;
    let first = queue_write(&store, Undoing::Savepoint, insert(1, false), 1).await;
    let second = queue_write(&store, Undoing::Savepoint, insert(2, true), 2).await;
    drop(hold);
    let first = first.await.unwrap().unwrap_err().to_string();
    assert!(first.contains("abandoned"), "{first}");
    let second = second.await.unwrap().unwrap_err().to_string();
    assert!(second.contains("gave up"), "{second}");
    assert_eq!(
        store
            .write_grouped(Undoing::Savepoint, insert(3, false))
            .await
            .unwrap(),
        3
    );
    let kept: Vec<i64> = sqlx::query_scalar("SELECT n FROM grouped ORDER BY n")
        .fetch_all(&store.pool)
        .await
        .unwrap();
    assert_eq!(kept, vec![3]);
    store.pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
