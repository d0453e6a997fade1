//! Staff accounts (民警账户) in the store: the administrator's list, creating,
//! disabling and resetting them, and the second factor of their logins
//! (动态口令: the key, the last step used, the login's challenge).

use super::{port, sha256_hex, Store, StoreError, StoreResult};
use app::domain::StaffRole;
use app::features::paging::{ListPage, PageRequest};
use app::features::staff::port::*;
use app::ports::*;
use async_trait::async_trait;
use rand::Rng;

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    staff_username: Option<String>,
    display_name: String,
    staff_role: Option<String>,
    police_no: Option<String>,
    staff_unit: Option<String>,
    window_id: Option<i64>,
    window_name: Option<String>,
    enrolled_at: Option<i64>,
    disabled_at: Option<i64>,
    created_at: i64,
}

impl TryFrom<MemberRow> for StaffMember {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> StoreResult<StaffMember> {
        let role = r
            .staff_role
            .as_deref()
            .and_then(StaffRole::from_code)
            .ok_or_else(|| StoreError::BadValue(format!("staff role {:?}", r.staff_role)))?;
        Ok(StaffMember {
            account_id: r.id,
            username: r.staff_username.unwrap_or_default(),
            display_name: r.display_name,
            role,
            police_no: r.police_no.unwrap_or_default(),
            unit: r.staff_unit.unwrap_or_default(),
            window_id: r.window_id,
            window: r.window_name,
            enrolled: r.enrolled_at.is_some(),
            disabled: r.disabled_at.is_some(),
            created_at_ms: r.created_at,
        })
    }
}

const MEMBERS: &str =
    "SELECT a.id, a.staff_username, a.display_name, a.staff_role, a.police_no, a.staff_unit,
        a.window_id, w.name AS window_name, f.enrolled_at, a.disabled_at, a.created_at
     FROM accounts a
     LEFT JOIN registration_windows w ON w.id = a.window_id
     LEFT JOIN staff_second_factors f ON f.account_id = a.id
     WHERE a.kind = 'staff'";

/// Creates a staff account in an open transaction, audited.
async fn insert_staff(
    store: &Store,
    tx: &mut super::Tx,
    new: &NewStaff,
    actor: &Actor,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (kind, staff_username, staff_role, display_name, phone, password_hash, window_id, police_no, staff_unit, created_at)
         VALUES ('staff', $1, $2, $3, '', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&new.username)
    .bind(new.role.code())
    .bind(&new.display_name)
    .bind(&new.password_hash)
    .bind(new.window_id)
    .bind(&new.police_no)
    .bind(&new.unit)
    .bind(store.clock.now_ms())
    .fetch_one(&mut **tx)
    .await?;
    store
        .audit_in(
            tx,
            actor,
            "staff.created",
            &format!("account:{id}"),
            &format!("{} {}", new.username, new.role.code()),
        )
        .await?;
    Ok(id)
}

/// Creates a staff account from the command line (the first administrator).
pub async fn create_staff(store: &Store, new: &NewStaff) -> StoreResult<i64> {
    let mut tx = store.begin_write().await?;
    let actor = Actor {
        account_id: None,
        ip: "cli".into(),
        operator_id: None,
        api_key: None,
    };
    let id = insert_staff(store, &mut tx, new, &actor).await?;
    tx.commit().await?;
    Ok(id)
}

impl Store {
    /// The TOTP key of an account as stored (sealed, see `super::sealed`).
    fn open_totp_key(&self, account_id: i64, stored: &str) -> StoreResult<String> {
        self.sealing_key
            .open(stored, &super::sealed::totp_key_context(account_id))
            .ok_or_else(|| {
                StoreError::BadValue(format!(
                    "the second-factor key of account {account_id} does not open with this server's secret"
                ))
            })
    }
}

#[async_trait]
impl StaffAccounts for Store {
    async fn second_factor(&self, account_id: i64) -> PortResult<Option<SecondFactor>> {
        port("second_factor", async {
            let row: Option<(String, Option<i64>, i64, Option<i64>)> = sqlx::query_as(
                "SELECT secret, enrolled_at, last_step, locked_until FROM staff_second_factors WHERE account_id = $1",
            )
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|(sealed, enrolled_at, last_step, locked_until_ms)| {
                Ok(SecondFactor {
                    key: self.open_totp_key(account_id, &sealed)?,
                    enrolled: enrolled_at.is_some(),
                    last_step,
                    locked_until_ms,
                })
            })
            .transpose()
        })
        .await
    }

    async fn offer_second_factor(&self, account_id: i64, key: &str) -> PortResult<SecondFactor> {
        port("offer_second_factor", async {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO staff_second_factors (account_id, secret, last_step) VALUES ($1, $2, 0)
                 ON CONFLICT (account_id) DO NOTHING",
            )
            .bind(account_id)
            .bind(self.sealing_key.seal(key, &super::sealed::totp_key_context(account_id)))
            .execute(&mut *tx)
            .await?;
            let (sealed, enrolled_at, last_step, locked_until_ms): (String, Option<i64>, i64, Option<i64>) =
                sqlx::query_as(
                    "SELECT secret, enrolled_at, last_step, locked_until FROM staff_second_factors WHERE account_id = $1",
                )
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(SecondFactor {
                key: self.open_totp_key(account_id, &sealed)?,
                enrolled: enrolled_at.is_some(),
                last_step,
                locked_until_ms,
            })
        })
        .await
    }

    async fn accept_second_factor(
        &self,
        account_id: i64,
        step: i64,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("accept_second_factor", async {
            let mut tx = self.begin_write().await?;
            let now = self.clock.now_ms();
            let enrolled_before: Option<Option<i64>> = sqlx::query_scalar(
                "SELECT enrolled_at FROM staff_second_factors WHERE account_id = $1",
            )
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            // The conditional update decides between two requests with
            // the same code: only one moves last_step.
            let moved = sqlx::query(
                "UPDATE staff_second_factors SET last_step = $1, enrolled_at = COALESCE(enrolled_at, $2), failures = 0
                 WHERE account_id = $3 AND last_step < $1",
            )
            .bind(step)
            .bind(now)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 1 && enrolled_before == Some(None) {
                self.audit_in(
                    &mut tx,
                    actor,
                    "staff.second_factor_enrolled",
                    &format!("account:{account_id}"),
                    "",
                )
                .await?;
            }
            tx.commit().await?;
            Ok(moved == 1)
        })
        .await
    }

    async fn fail_second_factor(
        &self,
        account_id: i64,
        limit: i64,
        lock_until_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        port("fail_second_factor", async {
            let mut tx = self.begin_write().await?;
            let failures: Option<i64> = sqlx::query_scalar(
                "UPDATE staff_second_factors SET failures = failures + 1 WHERE account_id = $1 RETURNING failures",
            )
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(n) = failures {
                // Every wrong code, not only the lock (安全事件).
                self.audit_in(
                    &mut tx,
                    actor,
                    app::domain::audit::SECOND_FACTOR_FAILED,
                    &format!("account:{account_id}"),
                    &format!("{n} of {limit}"),
                )
                .await?;
            }
            let locked = failures.is_some_and(|n| n >= limit);
            if locked {
                sqlx::query(
                    "UPDATE staff_second_factors SET failures = 0, locked_until = $1 WHERE account_id = $2",
                )
                .bind(lock_until_ms)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
                self.audit_in(
                    &mut tx,
                    actor,
                    "staff.second_factor_locked",
                    &format!("account:{account_id}"),
                    &format!("{limit} wrong codes"),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(locked.then_some(lock_until_ms))
        })
        .await
    }

    async fn open_challenge(&self, account_id: i64, expires_at_ms: i64) -> PortResult<String> {
        port("open_challenge", async {
            let token = hex::encode(rand::thread_rng().gen::<[u8; 32]>());
            let mut tx = self.begin_write().await?;
            // One waiting login per account, and none left over.
            sqlx::query("DELETE FROM staff_login_challenges WHERE account_id = $1 OR expires_at < $2")
                .bind(account_id)
                .bind(self.clock.now_ms())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO staff_login_challenges (token_hash, account_id, expires_at, attempts) VALUES ($1, $2, $3, 0)",
            )
            .bind(sha256_hex(&token))
            .bind(account_id)
            .bind(expires_at_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(token)
        })
        .await
    }

    async fn challenge(&self, token: &str, now_ms: i64) -> PortResult<Option<LoginChallenge>> {
        port("challenge", async {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT c.account_id, c.attempts FROM staff_login_challenges c
                 JOIN accounts a ON a.id = c.account_id
                 WHERE c.token_hash = $1 AND c.expires_at > $2 AND a.disabled_at IS NULL",
            )
            .bind(sha256_hex(token))
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|(account_id, attempts)| LoginChallenge {
                account_id,
                attempts,
            }))
        })
        .await
    }

    async fn fail_challenge(&self, token: &str) -> PortResult<i64> {
        port("fail_challenge", async {
            let mut tx = self.begin_write().await?;
            let attempts: Option<i64> = sqlx::query_scalar(
                "UPDATE staff_login_challenges SET attempts = attempts + 1 WHERE token_hash = $1 RETURNING attempts",
            )
            .bind(sha256_hex(token))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(attempts.unwrap_or(i64::MAX))
        })
        .await
    }

    async fn close_challenge(&self, token: &str) -> PortResult<()> {
        port("close_challenge", async {
            let mut tx = self.begin_write().await?;
            sqlx::query("DELETE FROM staff_login_challenges WHERE token_hash = $1")
                .bind(sha256_hex(token))
                .execute(&mut *tx)
                .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn staff_members(&self, page: PageRequest) -> PortResult<ListPage<StaffMember>> {
        port("staff_members", async {
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE kind = 'staff'")
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<MemberRow> = sqlx::query_as(&format!(
                "{MEMBERS} ORDER BY a.staff_role, a.staff_username, a.id LIMIT $1 OFFSET $2"
            ))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            let items = rows
                .into_iter()
                .map(StaffMember::try_from)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn staff_member(&self, account_id: i64) -> PortResult<Option<StaffMember>> {
        port("staff_member", async {
            let row: Option<MemberRow> = sqlx::query_as(&format!("{MEMBERS} AND a.id = $1"))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(StaffMember::try_from).transpose()
        })
        .await
    }

    async fn create_staff(&self, new: NewStaff, actor: &Actor) -> PortResult<i64> {
        port("create_staff", async {
            let mut tx = self.begin_write().await?;
            let id = insert_staff(self, &mut tx, &new, actor).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn set_staff_disabled(
        &self,
        account_id: i64,
        disabled: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("set_staff_disabled", async {
            let mut tx = self.begin_write().await?;
            if !switch_account(self, &mut tx, account_id, disabled, reason, actor, true).await? {
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn reset_staff_password(
        &self,
        account_id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("reset_staff_password", async {
            let mut tx = self.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE accounts SET password_hash = $1 WHERE id = $2 AND kind = 'staff'",
            )
            .bind(password_hash)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM staff_second_factors WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            end_sessions(&mut tx, account_id).await?;
            self.audit_in(
                &mut tx,
                actor,
                "staff.password_reset",
                &format!("account:{account_id}"),
                "",
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }
}

/// Disables (ending every session at once) or re-enables a staff account
/// (`staff`) or an individual or unit account, in an open transaction,
/// audited with the reason as `staff.…` or `account.disabled`/`enabled`;
/// false when there is no such account in the other state.
pub(super) async fn switch_account(
    store: &Store,
    tx: &mut super::Tx,
    account_id: i64,
    disabled: bool,
    reason: &str,
    actor: &Actor,
    staff: bool,
) -> super::StoreResult<bool> {
    let kinds = if staff {
        "kind = 'staff'"
    } else {
        "kind IN ('individual', 'unit')"
    };
    let changed = sqlx::query(&format!(
        "UPDATE accounts SET disabled_at = $1, disabled_reason = $2
         WHERE id = $3 AND {kinds} AND (disabled_at IS NULL) = $4"
    ))
    .bind(disabled.then_some(store.clock.now_ms()))
    .bind(disabled.then_some(reason))
    .bind(account_id)
    .bind(disabled)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    end_sessions(tx, account_id).await?;
    let action = match (staff, disabled) {
        (true, true) => "staff.disabled",
        (true, false) => "staff.enabled",
        (false, true) => "account.disabled",
        (false, false) => "account.enabled",
    };
    store
        .audit_in(tx, actor, action, &format!("account:{account_id}"), reason)
        .await?;
    Ok(true)
}

/// Ends every session and waiting login of an account.
pub(super) async fn end_sessions(tx: &mut super::Tx, account_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM staff_login_challenges WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
