//! Group commit (成组提交) for SQLite's one writer.
//!
//! Production syncs SQLite's log to disk at every commit (`synchronous =
//! FULL`), so a writer's turn costs a disk flush, and in a rush (a plate
//! series opening, hundreds of owners at once) the writers queue behind
//! one flush after another. Writes made through [`Store::write_grouped`]
//! instead share a transaction with the writers queued behind them: each
//! runs in its own savepoint (its failure or refusal undoes only its own
//! changes), the last of the queue (or the 64th) commits for all, and only
//! then is any of them answered. Nobody is told of a change before it is on
//! disk; a failed commit fails every member, and none of their changes
//! stays.
//!
//! The turn runs in its own task, so a request dropped half-way (a client
//! gone, the request time limit) never leaves the shared transaction with
//! half its work in it. PostgreSQL commits concurrently and flushes
//! concurrent commits together itself; there a grouped write is a plain
//! transaction.

use super::{Store, StoreError, StoreResult, Tx};
use crate::db::Backend;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{oneshot, Mutex};

/// At most this many writes share one commit.
const MAX_MEMBERS: usize = 64;

/// How a grouped write ends: its changes kept (committed with the group)
/// or undone (only its own), with what it answers either way.
pub(crate) enum Finish<T> {
    Keep(T),
    Undo(T),
}

/// The work of a grouped write, on the shared transaction.
pub(crate) type GroupWork<T> = Box<
    dyn for<'c> FnOnce(
            &'c Store,
            &'c mut Tx,
        ) -> Pin<Box<dyn Future<Output = StoreResult<Finish<T>>> + Send + 'c>>
        + Send,
>;

/// The open group: its transaction and the members waiting for its commit.
#[derive(Default)]
pub(crate) struct WriteGroup {
    open: Mutex<Open>,
    /// Writes waiting for their turn: while there are some, the group
    /// stays open for them.
    queued: AtomicUsize,
    /// Commits made so far, and the writes they kept (a benchmark reports
    /// writes per commit).
    commits: AtomicUsize,
    kept: AtomicUsize,
}

#[derive(Default)]
struct Open {
    tx: Option<Tx>,
    members: Vec<oneshot::Sender<Result<(), String>>>,
}

impl Store {
    /// Runs `work` in a write transaction, committed together with the
    /// writes queued behind it on SQLite (see the module).
    pub(crate) async fn write_grouped<T: Send + 'static>(
        &self,
        work: GroupWork<T>,
    ) -> StoreResult<T> {
        if self.backend != Backend::Sqlite {
            let mut tx = self.begin_write().await?;
            return match work(self, &mut tx).await? {
                Finish::Keep(value) => {
                    tx.commit().await?;
                    Ok(value)
                }
                Finish::Undo(value) => {
                    tx.rollback().await?;
                    Ok(value)
                }
            };
        }
        let store = self.clone();
        let turn = tokio::spawn(async move { store.grouped_turn(work).await });
        let (result, committed) = turn
            .await
            .map_err(|e| StoreError::Group(format!("its task failed: {e}")))?;
        if let Some(committed) = committed {
            committed
                .await
                .map_err(|_| StoreError::Group("the commit was abandoned".into()))?
                .map_err(|e| StoreError::Group(format!("the commit failed: {e}")))?;
        }
        result
    }

    /// Grouped writes kept, and the commits they took (SQLite).
    pub fn grouped_writes(&self) -> (usize, usize) {
        (
            self.group.kept.load(Ordering::Relaxed),
            self.group.commits.load(Ordering::Relaxed),
        )
    }

    /// One member's turn on the shared transaction: its answer, and when it
    /// kept changes, the commit to wait for before answering.
    async fn grouped_turn<T>(
        &self,
        work: GroupWork<T>,
    ) -> (
        StoreResult<T>,
        Option<oneshot::Receiver<Result<(), String>>>,
    ) {
        let group = &self.group;
        group.queued.fetch_add(1, Ordering::SeqCst);
        let mut open = group.open.lock().await;
        group.queued.fetch_sub(1, Ordering::SeqCst);
        let outcome = self.member(&mut open, work).await;
        let (result, committed) = match outcome {
            Ok(Finish::Keep(value)) => {
                let (tell, committed) = oneshot::channel();
                open.members.push(tell);
                (Ok(value), Some(committed))
            }
            Ok(Finish::Undo(value)) => (Ok(value), None),
            Err(e) => (Err(e), None),
        };
        if open.tx.is_some()
            && (group.queued.load(Ordering::SeqCst) == 0 || open.members.len() >= MAX_MEMBERS)
        {
            let tx = open.tx.take().expect("checked");
            let members = std::mem::take(&mut open.members);
            let outcome = tx.commit().await.map_err(|e| e.to_string());
            group.commits.fetch_add(1, Ordering::Relaxed);
            group.kept.fetch_add(members.len(), Ordering::Relaxed);
            for member in members {
                let _ = member.send(outcome.clone());
            }
        }
        (result, committed)
    }

    /// Runs one member's work in its own savepoint of the open transaction
    /// (begun when there is none). A savepoint that cannot be released or
    /// rolled back breaks the transaction: it is rolled back and everyone
    /// waiting on it is told.
    async fn member<T>(&self, open: &mut Open, work: GroupWork<T>) -> StoreResult<Finish<T>> {
        if open.tx.is_none() {
            open.tx = Some(self.begin_write().await?);
        }
        let tx = open.tx.as_mut().expect("begun");
        if let Err(e) = sqlx::query("SAVEPOINT member").execute(&mut **tx).await {
            return Err(abandon(open, e.into()).await);
        }
        let outcome = work(self, tx).await;
        let end: &[&str] = match outcome {
            Ok(Finish::Keep(_)) => &["RELEASE SAVEPOINT member"],
            _ => &["ROLLBACK TO SAVEPOINT member", "RELEASE SAVEPOINT member"],
        };
        for sql in end {
            if let Err(e) = sqlx::query(sql).execute(&mut **tx).await {
                return Err(abandon(open, e.into()).await);
            }
        }
        outcome
    }
}

/// Rolls the open transaction back and fails every member waiting on it.
async fn abandon(open: &mut Open, error: StoreError) -> StoreError {
    if let Some(tx) = open.tx.take() {
        let _ = tx.rollback().await;
    }
    for member in std::mem::take(&mut open.members) {
        let _ = member.send(Err(format!("the group's transaction failed: {error}")));
    }
    error
}

#[cfg(test)]
mod tests {
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

    /// Sixty writes queue at once: each inserts its number, then a third
    /// keep it, a third undo it and a third fail. Only the kept numbers
    /// stay, every write is told its own outcome, and one commit serves
    /// them all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_write_keeps_or_undoes_only_its_own_changes_in_one_shared_commit() {
        let (store, dir) = sqlite_store("members").await;
        let hold = store.group.open.lock().await;
        let tasks: Vec<_> = (0..60i64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .write_grouped(Box::new(move |_, tx| {
                            Box::pin(async move {
                                sqlx::query("INSERT INTO grouped (n) VALUES ($1)")
                                    .bind(n)
                                    .execute(&mut **tx)
                                    .await?;
                                match n % 3 {
                                    0 => Ok(Finish::Keep(n)),
                                    1 => Ok(Finish::Undo(-n)),
                                    _ => Err(StoreError::BadValue(format!("write {n} fails"))),
                                }
                            })
                        }))
                        .await
                })
            })
            .collect();
        while store.group.queued.load(Ordering::SeqCst) < 60 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
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
        assert_eq!(store.grouped_writes(), (20, 1));
        store.pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A write that waits in the queue and is then dropped by its caller
    /// (a client gone) still runs its turn whole: the group commits, and
    /// what it kept is there.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_gives_up_leaves_no_half_done_group() {
        let (store, dir) = sqlite_store("dropped").await;
        let hold = store.group.open.lock().await;
        let waiting = {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write_grouped(Box::new(|_, tx| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO grouped (n) VALUES (7)")
                                .execute(&mut **tx)
                                .await?;
                            Ok(Finish::Keep(()))
                        })
                    }))
                    .await
            })
        };
        while store.group.queued.load(Ordering::SeqCst) < 1 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        waiting.abort();
        drop(hold);
        let mut seen = 0;
        for _ in 0..100 {
            seen = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM grouped")
                .fetch_one(&store.pool)
                .await
                .unwrap();
            if seen == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(seen, 1);
        assert!(
            store.group.open.lock().await.tx.is_none(),
            "the group was committed"
        );
        store.pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
