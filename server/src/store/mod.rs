//! The sqlx store: one implementation of the ports over SQLite and
//! PostgreSQL (`sqlx::Any`, portable SQL, `$n` placeholders, BIGINT instants).
//! Rows are converted to domain values here and nowhere else.

use crate::db::Backend;
use app::ports::*;
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Transaction};
use std::future::Future;
use std::sync::Arc;

mod accounts;
mod api_keys;
mod application_events;
mod applications;
mod audit;
mod bindings;
mod blacklist;
mod cleanup;
mod contacts;
mod credentials;
mod devices;
mod error;
mod exam_admin;
mod exams;
mod fine_batches;
mod fines;
mod group_commit;
mod learner_entries;
mod licence_photos;
mod messages;
mod owner_notices;
mod payments;
mod physical_exams;
mod plate_draws;
mod plate_pools;
mod plate_writes;
mod plates;
mod query_builder;
mod record_views;
mod refunds;
mod registry;
mod registry_import;
mod roaming;
mod rows;
pub mod sealed;
mod seeding;
mod sessions;
mod share_codes;
mod sms_codes;
pub mod sms_outbox;
mod staff;
mod supervision;
mod temporary_plates;
mod unit_drivers;
mod unit_fleet;
mod unit_operators;
mod windows;

pub use error::{canonical_constraint, StoreError, StoreResult};
pub use registry_import::{RegistryImport, ViolationOnRecord};
pub use staff::create_staff;

/// A write transaction on either backend.
pub(crate) type Tx = Transaction<'static, sqlx::Any>;

/// The database behind every port.
#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    /// Where write transactions run. On SQLite, which has one writer at a
    /// time, a pool of one connection: writers queue for it first come,
    /// first served, and never wait behind readers for a connection (waiting
    /// in SQLite's busy handler instead sleeps in growing steps and makes
    /// the slowest requests far slower). On PostgreSQL, the same pool.
    writer: AnyPool,
    pub backend: Backend,
    /// The platform's clock (the `Clock` port): every instant the store
    /// records comes from it, so tests can fix the time.
    clock: Arc<dyn Clock>,
    /// The key SMS codes are hashed with (HMAC-SHA256, `SMS_CODE_SECRET`):
    /// the database alone cannot tell a code.
    sms_code_key: Arc<[u8]>,
    /// The key secrets stored for reading back are sealed with (derived
    /// from the same server secret, see [`sealed`]).
    sealing_key: sealed::SealingKey,
    /// Where documents are collected (from the configuration), named in
    /// the "ready for pickup" notice.
    collection_address: Arc<str>,
    /// The open group of writes committed together (SQLite, see
    /// [`group_commit`]).
    group: Arc<group_commit::WriteGroup>,
}

/// Runs the body of a port method: the store's error becomes the port's,
/// saying which method failed.
async fn port<T>(context: &str, body: impl Future<Output = StoreResult<T>>) -> PortResult<T> {
    body.await.map_err(|e| e.into_port(context))
}

pub fn sha256_hex(input: &str) -> String {
    sha256_bytes_hex(input.as_bytes())
}

pub fn sha256_bytes_hex(input: &[u8]) -> String {
    hex::encode(Sha256::digest(input))
}

impl Store {
    /// `writer`: the pool for write transactions (see [`Store`]); `None`
    /// uses `pool`.
    pub fn new(
        pool: AnyPool,
        writer: Option<AnyPool>,
        backend: Backend,
        clock: Arc<dyn Clock>,
    ) -> Store {
        Store {
            writer: writer.unwrap_or_else(|| pool.clone()),
            pool,
            backend,
            clock,
            sms_code_key: Arc::from(crate::sms::DEV_SMS_CODE_SECRET.as_bytes()),
            sealing_key: sealed::SealingKey::derive(crate::sms::DEV_SMS_CODE_SECRET.as_bytes()),
            collection_address: Arc::from(""),
            group: Arc::default(),
        }
    }

    /// The store naming this collection address in its notices.
    pub fn with_collection_address(mut self, address: &str) -> Store {
        self.collection_address = Arc::from(address);
        self
    }

    /// The key of the secrets sealed at rest (see [`sealed`]).
    pub fn sealing_key(&self) -> &sealed::SealingKey {
        &self.sealing_key
    }

    /// The store hashing SMS codes with this secret (`SMS_CODE_SECRET`).
    pub fn with_sms_code_secret(mut self, secret: &str) -> Store {
        self.sms_code_key = Arc::from(secret.as_bytes());
        self.sealing_key = sealed::SealingKey::derive(secret.as_bytes());
        self
    }

    /// Begins a write transaction. On SQLite it takes the write lock first
    /// (so a transaction never fails half-way on a lock upgrade; the busy
    /// timeout covers other processes, such as the command-line tools).
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        let mut tx = self.writer.begin().await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("UPDATE write_gate SET n = n + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Serialises the transactions that name the same keys: on PostgreSQL
    /// a transaction-scoped advisory lock per key, taken in sorted order so
    /// two transactions never wait on each other crosswise. On SQLite the
    /// write gate of [`Store::begin_write`] already serialises every writer.
    pub(crate) async fn lock_keys(&self, tx: &mut Tx, keys: &[&str]) -> StoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}
