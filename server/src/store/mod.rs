//! The sqlx store: one implementation of the ports over SQLite and
//! PostgreSQL (`sqlx::Any`, portable SQL, `$n` placeholders, BIGINT instants).
//! Rows are converted to domain values here and nowhere else.

use crate::db::Backend;
use app::api::RegistrationWindow;
use app::domain::{PhoneNumber, ResidentId, StaffRole};
use app::policy;
use app::ports::*;
use async_trait::async_trait;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row, Transaction};
mod accounts;
mod applications;
mod citizen;
mod exams;
mod messages;
mod owner_notices;
mod plates;

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
}

/// Maps a database error: unique/foreign-key violations become conflicts
/// named by their constraint; the rest is internal with context.
pub fn db_error(context: &str) -> impl Fn(sqlx::Error) -> PortError + '_ {
    move |err| {
        if let sqlx::Error::Database(db) = &err {
            use sqlx::error::ErrorKind;
            if matches!(db.kind(), ErrorKind::UniqueViolation) {
                let name = db
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string());
                return PortError::Conflict(name);
            }
        }
        PortError::Internal(format!("{context}: {err}"))
    }
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
    pub fn new(pool: AnyPool, writer: Option<AnyPool>, backend: Backend) -> Store {
        Store {
            writer: writer.unwrap_or_else(|| pool.clone()),
            pool,
            backend,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock first
    /// (so a transaction never fails half-way on a lock upgrade; the busy
    /// timeout covers other processes, such as the command-line tools).
    pub async fn begin_write(&self) -> PortResult<Transaction<'static, sqlx::Any>> {
        let mut tx = self.writer.begin().await.map_err(db_error("begin"))?;
        if self.backend == Backend::Sqlite {
            sqlx::query("UPDATE write_gate SET n = n + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await
                .map_err(db_error("take write lock"))?;
        }
        Ok(tx)
    }

    async fn audit_in(
        tx: &mut Transaction<'static, sqlx::Any>,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_account_id, action, subject, detail, ip) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(crate::clock::unix_ms())
        .bind(actor.account_id)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .bind(&actor.ip)
        .execute(&mut **tx)
        .await
        .map_err(db_error("write audit"))?;
        Ok(())
    }

    fn window_of(row: &AnyRow) -> Result<RegistrationWindow, sqlx::Error> {
        Ok(RegistrationWindow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            address: row.try_get("address")?,
            phone: row.try_get("phone")?,
            serves_units: row.try_get::<String, _>("serves")? == "unit",
        })
    }
}

#[async_trait]
impl Registry for Store {
    async fn person(&self, id_number: &ResidentId) -> PortResult<Option<PersonRecord>> {
        let row = sqlx::query(
            "SELECT p.id_number, p.name, p.phone, p.address,
                    (SELECT COUNT(*) FROM vehicles v WHERE v.owner_kind = 'person' AND v.owner_id = p.id_number) AS vehicles,
                    (SELECT COUNT(*) FROM driving_licences l WHERE l.id_number = p.id_number) AS licences
             FROM persons p WHERE p.id_number = $1",
        )
        .bind(id_number.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load person"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<PersonRecord, sqlx::Error> {
            Ok(PersonRecord {
                id_number: id_number.clone(),
                name: row.try_get("name")?,
                phone_on_record: row.try_get("phone")?,
                address: row.try_get("address")?,
                vehicles: row.try_get("vehicles")?,
                has_licence: row.try_get::<i64, _>("licences")? > 0,
            })
        };
        read().map(Some).map_err(db_error("read person"))
    }

    async fn windows(&self) -> PortResult<Vec<RegistrationWindow>> {
        let rows = sqlx::query(
            "SELECT id, name, address, phone, serves FROM registration_windows ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list windows"))?;
        rows.iter()
            .map(Store::window_of)
            .collect::<Result<_, _>>()
            .map_err(db_error("read window"))
    }

    async fn window(&self, id: i64) -> PortResult<Option<RegistrationWindow>> {
        let row = sqlx::query(
            "SELECT id, name, address, phone, serves FROM registration_windows WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load window"))?;
        row.as_ref()
            .map(Store::window_of)
            .transpose()
            .map_err(db_error("read window"))
    }
}

fn code_hash(phone: &PhoneNumber, purpose: &str, subject: &str, code: &str) -> String {
    sha256_hex(&format!("{}|{purpose}|{subject}|{code}", phone.as_str()))
}

#[async_trait]
impl SmsCodes for Store {
    async fn send_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>> {
        let minutes = policy::SMS_CODE_TTL_SECS / 60;
        let text =
            move |code: &str| format!("您的验证码为{code}，{minutes}分钟内有效。请勿告诉他人。");
        self.send_code_worded(phone, purpose, subject, ip, now_ms, &text)
            .await
    }

    async fn send_code_worded(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
        text: &(dyn for<'c> Fn(&'c str) -> String + Send + Sync),
    ) -> PortResult<Result<(), i64>> {
        let mut tx = self.begin_write().await?;
        let hour_ago = now_ms - 3_600_000;
        let row = sqlx::query(
            "SELECT (SELECT MAX(created_at) FROM sms_codes WHERE phone = $1) AS last_at,
                    (SELECT COUNT(*) FROM sms_codes WHERE phone = $2 AND created_at >= $3) AS by_phone,
                    (SELECT COUNT(*) FROM sms_codes WHERE ip = $4 AND created_at >= $5) AS by_ip",
        )
        .bind(phone.as_str())
        .bind(phone.as_str())
        .bind(hour_ago)
        .bind(ip)
        .bind(hour_ago)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error("count sms codes"))?;
        let last: Option<i64> = row.try_get("last_at").map_err(db_error("read last code"))?;
        let by_phone: i64 = row
            .try_get("by_phone")
            .map_err(db_error("read phone count"))?;
        let by_ip: i64 = row.try_get("by_ip").map_err(db_error("read ip count"))?;
        if let policy::SmsQuota::Wait(secs) = policy::sms_quota(now_ms, last, by_phone, by_ip) {
            tx.rollback().await.map_err(db_error("rollback sms"))?;
            return Ok(Err(secs));
        }
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
        // A new code replaces any older live one for the same purpose.
        sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE phone = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(now_ms)
            .bind(phone.as_str())
            .bind(purpose)
            .execute(&mut *tx)
            .await
            .map_err(db_error("retire old codes"))?;
        sqlx::query(
            "INSERT INTO sms_codes (phone, purpose, subject, code_hash, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(phone.as_str())
        .bind(purpose)
        .bind(subject)
        .bind(code_hash(phone, purpose, subject, &code))
        .bind(now_ms)
        .bind(now_ms + policy::SMS_CODE_TTL_SECS * 1000)
        .bind(ip)
        .execute(&mut *tx)
        .await
        .map_err(db_error("store sms code"))?;
        let body = format!("【石家庄交警】{}", text(&code));
        sqlx::query("INSERT INTO sms_outbox (phone, body, created_at) VALUES ($1, $2, $3)")
            .bind(phone.as_str())
            .bind(&body)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error("queue sms"))?;
        tx.commit().await.map_err(db_error("commit sms"))?;
        // The development SMS gateway: the outbox table and the log.
        tracing::info!(phone = %phone.masked(), purpose, "SMS queued to {}: {body}", phone.as_str());
        Ok(Ok(()))
    }

    async fn live_code_sent_at(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        now_ms: i64,
    ) -> PortResult<Option<i64>> {
        sqlx::query_scalar(
            "SELECT MAX(created_at) FROM sms_codes
             WHERE phone = $1 AND purpose = $2 AND subject = $3 AND used_at IS NULL AND expires_at > $4",
        )
        .bind(phone.as_str())
        .bind(purpose)
        .bind(subject)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error("find live sms code"))
    }

    async fn use_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        code: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), CodeRejection>> {
        // As typed or pasted ("482 483", full-width digits); anything else
        // simply does not match.
        let code = app::domain::text::code_digits(code).unwrap_or_default();
        let code = code.as_str();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT id, code_hash, attempts FROM sms_codes
             WHERE phone = $1 AND purpose = $2 AND subject = $3 AND used_at IS NULL AND expires_at > $4
             ORDER BY id DESC LIMIT 1",
        )
        .bind(phone.as_str())
        .bind(purpose)
        .bind(subject)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load sms code"))?;
        let Some(row) = row else {
            tx.rollback().await.map_err(db_error("rollback"))?;
            return Ok(Err(CodeRejection::NoLiveCode));
        };
        let id: i64 = row.try_get("id").map_err(db_error("read code id"))?;
        let stored: String = row
            .try_get("code_hash")
            .map_err(db_error("read code hash"))?;
        let attempts: i64 = row.try_get("attempts").map_err(db_error("read attempts"))?;
        let verdict = if stored == code_hash(phone, purpose, subject, code) {
            // Single use: only the request that flips used_at wins.
            let done =
                sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                    .bind(now_ms)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error("use code"))?;
            if done.rows_affected() == 1 {
                Ok(())
            } else {
                Err(CodeRejection::NoLiveCode)
            }
        } else {
            let attempts = attempts + 1;
            let void = attempts >= policy::SMS_MAX_ATTEMPTS;
            sqlx::query("UPDATE sms_codes SET attempts = $1, used_at = $2 WHERE id = $3")
                .bind(attempts)
                .bind(if void { Some(now_ms) } else { None })
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error("count wrong code"))?;
            if void {
                Err(CodeRejection::Exhausted)
            } else {
                Err(CodeRejection::Wrong {
                    attempts_left: policy::SMS_MAX_ATTEMPTS - attempts,
                })
            }
        };
        tx.commit().await.map_err(db_error("commit code check"))?;
        Ok(verdict)
    }
}

/// Creates a staff account (administrator bootstrap and clerks).
pub async fn create_staff(
    store: &Store,
    username: &str,
    display_name: &str,
    role: StaffRole,
    window_id: Option<i64>,
    password_hash: &str,
) -> PortResult<i64> {
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, created_at)
         VALUES ('staff', $1, $2, $3, '', $4, $5, $6) RETURNING id",
    )
    .bind(username)
    .bind(role.code())
    .bind(display_name)
    .bind(password_hash)
    .bind(window_id)
    .bind(crate::clock::unix_ms())
    .fetch_one(&mut *tx)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_error("create staff"))?;
    let actor = Actor {
        account_id: None,
        ip: "cli".into(),
    };
    Store::audit_in(
        &mut tx,
        &actor,
        "account.staff_created",
        &format!("staff:{username}"),
        role.code(),
    )
    .await?;
    tx.commit().await.map_err(db_error("commit staff"))?;
    Ok(id)
}
