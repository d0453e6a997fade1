//! The audit log's hash chain in the store (审计日志封存): the sealing job
//! appends to `audit_seals` (never touching `audit_log`), and
//! `server verify-audit` walks it. The rules are in
//! `app::domain::audit::chain`.
//!
//! Entries get their ids before they commit. On SQLite that changes
//! nothing: one writer at a time, so entries commit in id order. On
//! PostgreSQL a transaction may commit an entry with a lower id after a
//! higher one was committed; sealing past it would leave it out of the
//! chain for good. So the sealer notes the newest committed id, then the
//! write transactions open on this database, and waits for those to end:
//! every id up to the one noted is then final (committed, or rolled back
//! and never to come), and it seals up to there. Writers never wait for
//! the sealer: it waits for them, outside any transaction, and gives up
//! the run (the next run tries again) when one stays open long.

use super::super::{Store, StoreResult};
use crate::db::Backend;
use app::domain::audit::chain::{AuditRecord, ChainCheck, ChainWalk, Seal, GENESIS};
use std::time::{Duration, Instant};

/// Entries one sealing transaction takes at most (short write locks).
const BATCH: i64 = 500;

/// How long a sealing run waits for the write transactions open when it
/// looked (PostgreSQL) before it gives up until the next run.
const WAIT_FOR_WRITERS: Duration = Duration::from_secs(2);

/// Seals one verification query reads at a time.
const VERIFY_BATCH: i64 = 1000;

/// The PostgreSQL advisory lock the sealer holds: one sealer at a time
/// across every server (any other number names another lock).
const SEALER_LOCK: i64 = 0x6175_6469_745f; // "audit_"

/// Every column of an entry, in `AuditRecord` order.
const ENTRY_COLUMNS: &str =
    "l.id, l.at, l.actor_account_id, l.action, l.subject, l.detail, l.ip, l.person_account_id, l.actor_operator_id, l.actor_api_key";

type EntryRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn record(row: EntryRow) -> AuditRecord {
    let (
        id,
        at_ms,
        actor_account_id,
        action,
        subject,
        detail,
        ip,
        person_account_id,
        operator,
        key,
    ) = row;
    AuditRecord {
        id,
        at_ms,
        actor_account_id,
        action,
        subject,
        detail,
        ip,
        person_account_id,
        actor_operator_id: operator,
        actor_api_key: key,
    }
}

/// The chain's last seal: (seq, entry id, hash); (0, 0, genesis) before any.
async fn head<'e, E>(executor: E) -> StoreResult<(i64, i64, String)>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let last: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT seq, entry_id, hash FROM audit_seals ORDER BY seq DESC LIMIT 1")
            .fetch_optional(executor)
            .await?;
    Ok(last.unwrap_or_else(|| (0, 0, GENESIS.to_string())))
}

impl Store {
    /// Seals every entry that is final and not sealed yet, in id order,
    /// in batches; answers how many.
    pub(in crate::store) async fn seal_final(&self, now_ms: i64) -> StoreResult<usize> {
        let Some(up_to) = self.final_up_to().await? else {
            return Ok(0);
        };
        let mut total = 0;
        loop {
            let sealed = self.seal_batch(up_to, now_ms).await?;
            total += sealed;
            if sealed < BATCH as usize {
                return Ok(total);
            }
        }
    }

    /// The id up to which every entry is final, when there is something
    /// new to seal (None: nothing, or a writer stayed open too long).
    async fn final_up_to(&self) -> StoreResult<Option<i64>> {
        let (_, last_entry, _) = head(&self.pool).await?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        let Some(newest) = newest.filter(|n| *n > last_entry) else {
            return Ok(None);
        };
        if self.backend == Backend::Postgres && !self.open_writers_ended().await? {
            tracing::info!("audit sealing waits for a long write transaction");
            return Ok(None);
        }
        Ok(Some(newest))
    }

    /// PostgreSQL: waits for every write transaction open on this database
    /// now (after the newest id was noted) to end; answers whether all did
    /// within [`WAIT_FOR_WRITERS`]. A transaction that took a lower id
    /// before that id was noted holds a transaction id by now, unless it
    /// stalled between taking the id and writing the row: the pause first
    /// leaves it time to write it.
    async fn open_writers_ended(&self) -> StoreResult<bool> {
        const OPEN: &str = "SELECT pid, CAST(backend_xid AS TEXT) FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()";
        tokio::time::sleep(Duration::from_millis(50)).await;
        let open: Vec<(i32, String)> = sqlx::query_as(OPEN).fetch_all(&self.pool).await?;
        let deadline = Instant::now() + WAIT_FOR_WRITERS;
        let mut still = open.clone();
        while still.iter().any(|writer| open.contains(writer)) {
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            still = sqlx::query_as(OPEN).fetch_all(&self.pool).await?;
        }
        Ok(true)
    }

    /// Seals up to [`BATCH`] entries after the chain's head, up to `up_to`,
    /// in one write transaction (one sealer at a time).
    async fn seal_batch(&self, up_to: i64, now_ms: i64) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                .bind(SEALER_LOCK)
                .fetch_one(&mut *tx)
                .await?;
            if !mine {
                return Ok(0);
            }
        }
        let (mut seq, last_entry, mut prev) = head(&mut *tx).await?;
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log l WHERE l.id > $1 AND l.id <= $2 ORDER BY l.id LIMIT $3"
        ))
        .bind(last_entry)
        .bind(up_to)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let sealed = rows.len();
        for entry in rows.into_iter().map(record) {
            let hash = app::domain::audit::chain::seal_hash(&prev, &entry);
            seq += 1;
            sqlx::query(
                "INSERT INTO audit_seals (seq, entry_id, prev_hash, hash, sealed_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(seq)
            .bind(entry.id)
            .bind(&prev)
            .bind(&hash)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            prev = hash;
        }
        tx.commit().await?;
        if sealed > 0 {
            // The head in the server's log too: a copy outside the database.
            tracing::info!(seq, head = %prev, sealed, "audit log sealed");
        }
        Ok(sealed)
    }

    /// Walks the whole chain (`server verify-audit`): every seal follows
    /// the one before and matches its entry as it is now, and no entry
    /// among the sealed ones lacks a seal. Answers the first break, if any.
    pub async fn verify_audit_chain(&self) -> StoreResult<ChainCheck> {
        type Row = (
            i64,
            i64,
            String,
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let mut walk = ChainWalk::default();
        let mut after = 0;
        loop {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT s.seq, s.entry_id, s.prev_hash, s.hash, {ENTRY_COLUMNS}
                 FROM audit_seals s LEFT JOIN audit_log l ON l.id = s.entry_id
                 WHERE s.seq > $1 ORDER BY s.seq LIMIT $2"
            ))
            .bind(after)
            .bind(VERIFY_BATCH)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            for (
                seq,
                entry_id,
                prev_hash,
                hash,
                id,
                at,
                actor,
                action,
                subject,
                detail,
                ip,
                person,
                operator,
                key,
            ) in rows
            {
                let seal = Seal {
                    seq,
                    entry_id,
                    prev_hash,
                    hash,
                };
                let entry = match (id, at, action, subject, detail, ip) {
                    (Some(id), Some(at), Some(action), Some(subject), Some(detail), Some(ip)) => {
                        Some(record((
                            id, at, actor, action, subject, detail, ip, person, operator, key,
                        )))
                    }
                    _ => None,
                };
                if let Err(broken) = walk.step(&seal, entry.as_ref()) {
                    return Ok(ChainCheck {
                        sealed: walk.seals(),
                        head: walk.head().to_string(),
                        unsealed: 0,
                        broken: Some((entry_id, broken)),
                    });
                }
            }
        }
        let slipped_in: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(l.id) FROM audit_log l
             WHERE l.id <= $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = l.id)",
        )
        .bind(walk.last_entry())
        .fetch_one(&self.pool)
        .await?;
        let unsealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE id > $1")
            .bind(walk.last_entry())
            .fetch_one(&self.pool)
            .await?;
        Ok(ChainCheck {
            sealed: walk.seals(),
            head: walk.head().to_string(),
            unsealed,
            broken: slipped_in.map(|id| (id, app::domain::audit::chain::ChainBreak::NotSealed)),
        })
    }
}
