//! Sessions (登录会话) and login throttling in the store, and the account as
//! the store holds it (role, numbers, the window it belongs to).

use super::{sha256_hex, Store, StoreError, StoreResult};
use app::domain::{IndividualKind, RegistrationChannel, SpecialService, StaffRole, UnitKind};
use app::features::accounts::{AccountOnRecord, AccountRole};
use app::policy;
use app::ports::Actor;
use rand::Rng;

#[derive(sqlx::FromRow)]
struct AccountRow {
    kind: String,
    channel: Option<String>,
    individual_kind: Option<String>,
    id_number: Option<String>,
    credit_code: Option<String>,
    staff_role: Option<String>,
    display_name: String,
    phone: String,
    window_id: Option<i64>,
    window_name: Option<String>,
    window_serves: Option<String>,
    unit_kind: Option<String>,
    home_province: Option<String>,
    home_channel: Option<String>,
}

/// A stored code as a domain value, or the store's error naming it.
fn decode<T>(what: &str, code: Option<String>, from: fn(&str) -> Option<T>) -> StoreResult<T> {
    code.as_deref()
        .and_then(from)
        .ok_or_else(|| StoreError::BadValue(format!("{what} {code:?}")))
}

impl AccountRow {
    fn into_record(
        self,
        account_id: i64,
        granted: Vec<SpecialService>,
    ) -> StoreResult<AccountOnRecord> {
        let window = self.window_name;
        let role = match self.kind.as_str() {
            "individual" => AccountRole::Individual {
                kind: decode(
                    "individual kind",
                    self.individual_kind,
                    IndividualKind::from_code,
                )?,
                // A roaming account may do what its home registration may.
                channel: decode(
                    "channel",
                    self.home_channel.or(self.channel),
                    RegistrationChannel::from_code,
                )?,
                window,
            },
            "unit" => AccountRole::Unit {
                kind: decode("unit kind", self.unit_kind, UnitKind::from_code)?,
                credit_code: self.credit_code.unwrap_or_default(),
                granted,
                window,
            },
            "staff" => AccountRole::Staff {
                role: decode("staff role", self.staff_role, StaffRole::from_code)?,
                window_id: self.window_id,
                window,
                serves_units: self.window_serves.as_deref() == Some("unit"),
            },
            other => return Err(StoreError::BadValue(format!("account kind {other}"))),
        };
        Ok(AccountOnRecord {
            account_id,
            display_name: self.display_name,
            phone: self.phone,
            id_number: self.id_number,
            role,
            roaming_from: self.home_province,
        })
    }
}

/// The columns of an [`AccountRow`] (after `$columns`), from `$from`, which
/// names the account `a`; the caller adds the WHERE. A macro, so the
/// queries stay static text.
macro_rules! account_select {
    ($columns:literal, $from:literal) => {
        concat!(
            "SELECT ",
            $columns,
            "a.kind, a.channel, a.individual_kind, a.id_number, a.credit_code, a.staff_role,
                    a.display_name, a.phone, a.window_id, w.name AS window_name, w.serves AS window_serves, u.unit_kind,
                    r.home_province, r.home_channel
             FROM ",
            $from,
            " LEFT JOIN roaming_accounts r ON r.account_id = a.id
             LEFT JOIN registration_windows w ON w.id = a.window_id
             LEFT JOIN unit_accounts u ON u.account_id = a.id"
        )
    };
}

/// A session as its token finds it, with its account's row.
#[derive(sqlx::FromRow)]
struct SessionRow {
    account_id: i64,
    created_at: i64,
    last_seen_at: i64,
    operator_id: Option<i64>,
    #[sqlx(flatten)]
    account: AccountRow,
}

impl Store {
    pub(super) async fn load_account(
        &self,
        account_id: i64,
    ) -> StoreResult<Option<AccountOnRecord>> {
        let row: Option<AccountRow> = sqlx::query_as(concat!(
            account_select!("", "accounts a"),
            " WHERE a.id = $1 AND a.disabled_at IS NULL"
        ))
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        self.account_record(account_id, row).await.map(Some)
    }

    /// The record of an account from its row (a unit's granted services
    /// read beside it).
    async fn account_record(
        &self,
        account_id: i64,
        row: AccountRow,
    ) -> StoreResult<AccountOnRecord> {
        let granted = if row.kind == "unit" {
            let codes: Vec<String> = sqlx::query_scalar(
                "SELECT service FROM unit_special_services WHERE account_id = $1 ORDER BY service",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            codes
                .iter()
                .filter_map(|c| SpecialService::from_code(c))
                .collect()
        } else {
            Vec::new()
        };
        row.into_record(account_id, granted)
    }

    pub(super) async fn open_session(
        &self,
        account_id: i64,
        actor: &Actor,
        user_agent: &str,
        now_ms: i64,
    ) -> StoreResult<String> {
        let token: [u8; 32] = rand::thread_rng().gen();
        let token = hex::encode(token);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent, operator_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(sha256_hex(&token))
        .bind(account_id)
        .bind(now_ms)
        .bind(now_ms)
        .bind(&actor.ip)
        .bind(user_agent)
        .bind(actor.operator_id)
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            actor,
            "session.login",
            &format!("account:{account_id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub(super) async fn live_session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(AccountOnRecord, Option<i64>)>> {
        let row: Option<SessionRow> = sqlx::query_as(concat!(
            account_select!(
                "s.account_id, s.created_at, s.last_seen_at, s.operator_id, ",
                "sessions s JOIN accounts a ON a.id = s.account_id"
            ),
            " WHERE s.token_hash = $1 AND a.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(SessionRow {
            account_id,
            created_at: created,
            last_seen_at: last_seen,
            operator_id,
            account,
        }) = row
        else {
            return Ok(None);
        };
        if !policy::session_alive(created, last_seen, now_ms) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
            return Ok(None);
        }
        // Refresh the idle timer at most once a minute (fewer writes).
        if now_ms - last_seen > 60_000 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now_ms)
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
        }
        let record = self.account_record(account_id, account).await?;
        Ok(Some((record, operator_id)))
    }

    pub(super) async fn close_session(&self, token_hash: &str, actor: &Actor) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        let subject = actor
            .account_id
            .map(|id| format!("account:{id}"))
            .unwrap_or_default();
        self.audit_in(&mut tx, actor, "session.logout", &subject, "")
            .await?;
        Ok(tx.commit().await?)
    }

    pub(super) async fn log_login(
        &self,
        identifier: &str,
        ip: &str,
        ok: bool,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_attempts (identifier, ip, at, succeeded) VALUES ($1, $2, $3, $4)",
        )
        .bind(identifier)
        .bind(ip)
        .bind(now_ms)
        .bind(i64::from(ok))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// See `Accounts::claim_login_attempt`. On SQLite the write gate
    /// serialises the transaction; on PostgreSQL the identifier's and the
    /// address's advisory locks do.
    pub(super) async fn claim_attempt(
        &self,
        identifier: &str,
        ip: &str,
        now_ms: i64,
    ) -> StoreResult<Result<i64, i64>> {
        let mut tx = self.begin_write().await?;
        self.lock_keys(
            &mut tx,
            &[&format!("login:{identifier}"), &format!("login-ip:{ip}")],
        )
        .await?;
        let since = now_ms - policy::LOGIN_WINDOW_SECS * 1000;
        let counts: (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
            "WITH pair_ok AS (
                 SELECT COALESCE(MAX(at), 0) AS at FROM login_attempts
                 WHERE identifier = $1 AND ip = $2 AND succeeded = 1)
             SELECT
               (SELECT COUNT(*) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0
                  AND at >= $3 AND at > (SELECT at FROM pair_ok)),
               (SELECT MAX(at) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0
                  AND at >= $3 AND at > (SELECT at FROM pair_ok)),
               (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND succeeded = 0 AND at >= $3),
               (SELECT MAX(at) FROM login_attempts WHERE ip = $2 AND succeeded = 0 AND at >= $3),
               (SELECT COUNT(*) FROM login_attempts WHERE identifier = $1 AND succeeded = 0 AND at >= $3),
               (SELECT MAX(at) FROM login_attempts WHERE identifier = $1 AND succeeded = 0 AND at >= $3)",
        )
        .bind(identifier)
        .bind(ip)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        let failures = policy::LoginFailures {
            pair: counts.0,
            pair_last_ms: counts.1,
            ip: counts.2,
            ip_last_ms: counts.3,
            account: counts.4,
            account_last_ms: counts.5,
        };
        let wait = policy::login_wait_ms(now_ms, &failures);
        if wait > 0 {
            tx.rollback().await?;
            return Ok(Err(wait));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_attempts (identifier, ip, at, succeeded) VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(identifier)
        .bind(ip)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    pub(super) async fn attempt_succeeded(&self, attempt_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
            .bind(attempt_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Failures after the last success of this pair count (a success
    /// resets), and all failures from the address.
    pub(super) async fn login_failures(
        &self,
        identifier: &str,
        ip: &str,
        since_ms: i64,
    ) -> StoreResult<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0 AND at >= $3
                  AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 1), 0)) AS pair,
               (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND succeeded = 0 AND at >= $3) AS by_ip",
        )
        .bind(identifier)
        .bind(ip)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?)
    }

    pub(super) async fn last_failure(
        &self,
        identifier: &str,
        ip: &str,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(at) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0",
        )
        .bind(identifier)
        .bind(ip)
        .fetch_one(&self.pool)
        .await?)
    }
}
