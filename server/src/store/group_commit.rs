//! Group commit (成组提交) for SQLite's one writer.
//!
//! Production syncs SQLite's log to disk at every commit (`synchronous =
//! FULL`), so a writer's turn costs a disk flush, and in a rush (a plate
//! series opening, hundreds of owners at once) the writers queue behind
//! one flush after another. Writes made through [`Store::write_grouped`]
//! instead share a transaction with the writers queued behind them: each
//! runs in its own savepoint (its failure or refusal undoes only its own
//! changes), the last of the queue (or the 16th to keep its changes)
//! commits for all, and only then is any of them answered. Nobody is told
//! of a change before it is on disk; a failed commit fails every member,
//! and none of their changes stays.
//!
//! A write whose refusal changes nothing needs no savepoint
//! ([`Undoing::NothingToUndo`]): the plate rush's holds and confirmations,
//! each a conditional UPDATE that either makes the change and records it
//! or makes none. Their turns skip the savepoint's statement (with the
//! rest of [`super::plate_writes`], a hold takes the writer one round trip
//! instead of three, a confirmation two instead of six); if one fails
//! after changing something, what it changed cannot be undone alone, and
//! the group is lost with it (rolled back, every member told), as when a
//! member panics.
//!
//! The group is run by a writer of its own: one thread with its own
//! runtime, fed the members' work through a channel. Each statement of a
//! shared transaction waits for the previous one's answer; on the request
//! runtime that answer waited its turn behind every runnable request (two
//! hundred in a rush), so a forty-member group took tens of milliseconds
//! of queueing alone. A member's work runs whole even when its caller is
//! gone (a client dropped, the request time limit), so the shared
//! transaction never keeps half of it; a member that panics fails its
//! group (rolled back, every member told) and the writer goes on.
//! PostgreSQL commits concurrently and flushes concurrent commits together
//! itself; there a grouped write is a plain transaction.

use super::{Store, StoreError, StoreResult, Tx};
use crate::db::Backend;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio::sync::oneshot;

/// At most this many writes that keep their changes share one commit: a
/// member waits for the whole group before it is answered, so a longer
/// group lengthens the tail. In the plate rush (200 connections) 64 gave a
/// p99 of 87–123 ms, 16 gave 70–102 ms, 8 no better than 16.
const MAX_MEMBERS: usize = 16;

/// How a member's changes are undone when it does not keep them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Undoing {
    /// Its work runs in a savepoint of its own, rolled back when it ends
    /// in [`Finish::Undo`] or fails: only its own changes go.
    Savepoint,
    /// Its work promises that ending in [`Finish::Undo`] means it changed
    /// nothing; a failure loses the whole group (see the module).
    NothingToUndo,
}

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

/// One member's turn as the writer runs it: it takes the open group and
/// hands it back with its work done in it.
type Job = Box<dyn FnOnce(Open) -> Pin<Box<dyn Future<Output = Open> + Send>> + Send>;

/// The writer's channel (started with the first grouped write) and its
/// counts.
#[derive(Default)]
pub(crate) struct WriteGroup {
    jobs: OnceLock<mpsc::UnboundedSender<Job>>,
    tally: Arc<Tally>,
}

#[derive(Default)]
struct Tally {
    /// Writes sent to the writer and not yet taken up: while there are
    /// some, the group stays open for them.
    queued: AtomicUsize,
    /// Commits made so far, the writes they kept, and the writes that
    /// took a turn and undid it (a benchmark reports them).
    commits: AtomicUsize,
    kept: AtomicUsize,
    undone: AtomicUsize,
}

/// The open group: its transaction and the members waiting for its commit.
#[derive(Default)]
struct Open {
    tx: Option<Tx>,
    members: Vec<oneshot::Sender<Result<(), String>>>,
}

/// What a member is told when its turn ends: its answer, and when it kept
/// changes, the commit to wait for before answering.
type Turn<T> = (
    StoreResult<T>,
    Option<oneshot::Receiver<Result<(), String>>>,
);

impl Store {
    /// Runs `work` in a write transaction, committed together with the
    /// writes queued behind it on SQLite (see the module), its changes
    /// undone as `undoing` says when it does not keep them.
    pub(crate) async fn write_grouped<T: Send + 'static>(
        &self,
        undoing: Undoing,
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
        let (tell, told) = oneshot::channel::<Turn<T>>();
        let store = self.clone();
        self.group.send(Box::new(move |mut open| {
            Box::pin(async move {
                let turn = store.member(&mut open, undoing, work).await;
                let _ = tell.send(turn);
                open
            })
        }))?;
        let (result, committed) = told
            .await
            .map_err(|_| StoreError::Group("the writer gave up its turn".into()))?;
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
            self.group.tally.kept.load(Ordering::Relaxed),
            self.group.tally.commits.load(Ordering::Relaxed),
        )
    }

    /// Grouped writes that took their turn and undid it (a refusal found
    /// in the shared transaction, or a failure).
    pub fn grouped_writes_undone(&self) -> usize {
        self.group.tally.undone.load(Ordering::Relaxed)
    }

    /// One member's turn on the shared transaction, begun when there is
    /// none: its work, in a savepoint of its own unless it has nothing to
    /// undo. A savepoint that cannot be released or rolled back breaks the
    /// transaction, as does a failure with no savepoint: it is rolled back
    /// and everyone waiting on it is told.
    async fn member<T>(&self, open: &mut Open, undoing: Undoing, work: GroupWork<T>) -> Turn<T> {
        if open.tx.is_none() {
            match self.begin_write().await {
                Ok(tx) => open.tx = Some(tx),
                Err(e) => return (Err(e), None),
            }
        }
        let tx = open.tx.as_mut().expect("begun");
        if undoing == Undoing::Savepoint {
            if let Err(e) = sqlx::query("SAVEPOINT member").execute(&mut **tx).await {
                return (Err(abandon(open, e.into()).await), None);
            }
        }
        let outcome = match (work(self, tx).await, undoing) {
            (Err(e), Undoing::NothingToUndo) => {
                self.group.tally.undone.fetch_add(1, Ordering::Relaxed);
                return (Err(abandon(open, e).await), None);
            }
            (outcome, _) => outcome,
        };
        // A kept member's savepoint stays open: the group's commit releases
        // every savepoint, and a later member's ROLLBACK TO undoes back to
        // its own (the innermost of the name) only. Releasing it would cost
        // the writer one more statement per member.
        let end: &[&str] = match (&outcome, undoing) {
            (Ok(Finish::Keep(_)), _) | (_, Undoing::NothingToUndo) => &[],
            (_, Undoing::Savepoint) => {
                &["ROLLBACK TO SAVEPOINT member", "RELEASE SAVEPOINT member"]
            }
        };
        for sql in end {
            if let Err(e) = sqlx::query(sql).execute(&mut **tx).await {
                return (Err(abandon(open, e.into()).await), None);
            }
        }
        match outcome {
            Ok(Finish::Keep(value)) => {
                let (tell, committed) = oneshot::channel();
                open.members.push(tell);
                (Ok(value), Some(committed))
            }
            Ok(Finish::Undo(value)) => {
                self.group.tally.undone.fetch_add(1, Ordering::Relaxed);
                (Ok(value), None)
            }
            Err(e) => {
                self.group.tally.undone.fetch_add(1, Ordering::Relaxed);
                (Err(e), None)
            }
        }
    }
}

impl WriteGroup {
    /// Hands a member's turn to the writer, starting it the first time.
    fn send(&self, job: Job) -> StoreResult<()> {
        let jobs = self.jobs.get_or_init(|| start_writer(self.tally.clone()));
        self.tally.queued.fetch_add(1, Ordering::SeqCst);
        jobs.send(job).map_err(|_| {
            self.tally.queued.fetch_sub(1, Ordering::SeqCst);
            StoreError::Group("the group's writer has stopped".into())
        })
    }
}

/// Starts the writer's thread. It ends when the channel closes (the last
/// clone of the store is gone) and its queue is empty.
fn start_writer(tally: Arc<Tally>) -> mpsc::UnboundedSender<Job> {
    let (jobs, queue) = mpsc::unbounded_channel();
    let started = std::thread::Builder::new()
        .name("group-commit".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(run_writer(queue, tally)),
                Err(e) => tracing::error!(error = %e, "the group commit's writer has no runtime"),
            }
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "the group commit's writer did not start");
    }
    jobs
}

/// Takes the members' turns one after another on the open group; commits
/// when nobody else is waiting or the group is full.
async fn run_writer(mut queue: mpsc::UnboundedReceiver<Job>, tally: Arc<Tally>) {
    let mut open = Open::default();
    let mut next = queue.recv().await;
    while let Some(job) = next {
        tally.queued.fetch_sub(1, Ordering::SeqCst);
        // A member that panics loses the group with it: its transaction is
        // rolled back as it is dropped, and its members are told.
        open = tokio::spawn(job(open)).await.unwrap_or_default();
        next = match queue.try_recv() {
            Ok(job) if open.members.len() < MAX_MEMBERS => Some(job),
            Ok(job) => {
                commit(&mut open, &tally).await;
                Some(job)
            }
            Err(TryRecvError::Empty) => {
                commit(&mut open, &tally).await;
                queue.recv().await
            }
            Err(TryRecvError::Disconnected) => {
                commit(&mut open, &tally).await;
                None
            }
        };
    }
}

/// Commits the open group, if any, and tells its members.
async fn commit(open: &mut Open, tally: &Tally) {
    let Some(tx) = open.tx.take() else { return };
    let members = std::mem::take(&mut open.members);
    let outcome = tx.commit().await.map_err(|e| e.to_string());
    tally.commits.fetch_add(1, Ordering::Relaxed);
    tally.kept.fetch_add(members.len(), Ordering::Relaxed);
    for member in members {
        let _ = member.send(outcome.clone());
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
mod tests;
