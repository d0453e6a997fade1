//! Accounts, sessions and login throttling in the store, and the
//! password reset (忘记密码) that ends every session of the account.

use super::{db_error, sha256_hex, Store};
use crate::db::Backend;
use app::api::{AccountRole, SessionAccount};
use app::domain::{
    IndividualKind, PhoneNumber, RegistrationChannel, ResidentId, SpecialService, StaffRole,
    UnitKind,
};
use app::policy;
use app::ports::*;
use async_trait::async_trait;
use rand::Rng;
use sqlx::Row;

#[async_trait]
impl Accounts for Store {
    async fn has_account(&self, id_number: &ResidentId) -> PortResult<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE id_number = $1")
            .bind(id_number.as_str())
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_error("count accounts"))?;
        Ok(n > 0)
    }

    async fn unit_registered(&self, credit_code: &app::domain::CreditCode) -> PortResult<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE credit_code = $1")
            .bind(credit_code.as_str())
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_error("count unit accounts"))?;
        Ok(n > 0)
    }

    async fn create_individual(&self, new: NewIndividual, actor: &Actor) -> PortResult<i64> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        // A person registered at a window may not be in the registry yet
        // (a learner before the first application): record them.
        if new.channel == RegistrationChannel::Window {
            let sex = if new.id_number.sex() == app::domain::Sex::Male {
                "男"
            } else {
                "女"
            };
            let insert = match self.backend {
                Backend::Sqlite => "INSERT OR IGNORE INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                Backend::Postgres => "INSERT INTO persons (id_number, name, sex, birth_date, phone, address, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id_number) DO NOTHING",
            };
            sqlx::query(insert)
                .bind(new.id_number.as_str())
                .bind(new.name.as_str())
                .bind(sex)
                .bind(new.id_number.birth_date().to_iso())
                .bind(new.phone.as_str())
                .bind("")
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error("record person"))?;
        }
        let (window_id, clerk) = match new.window {
            Some((w, c)) => (Some(w), Some(c)),
            None => (None, None),
        };
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, window_id, registered_by, created_at)
             VALUES ('individual', $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(new.channel.code())
        .bind(new.kind.code())
        .bind(new.id_number.as_str())
        .bind(new.name.as_str())
        .bind(new.phone.as_str())
        .bind(&new.password_hash)
        .bind(window_id)
        .bind(clerk)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_error("create individual account"))?;
        let detail = format!(
            "account {id}; kind {}; channel {}; window {:?}",
            new.kind.code(),
            new.channel.code(),
            window_id
        );
        Store::audit_in(
            &mut tx,
            actor,
            "account.registered",
            new.id_number.as_str(),
            &detail,
        )
        .await?;
        tx.commit()
            .await
            .map_err(db_error("commit individual account"))?;
        Ok(id)
    }

    async fn create_unit(&self, new: NewUnit, actor: &Actor) -> PortResult<i64> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (kind, channel, credit_code, display_name, phone, password_hash, window_id, registered_by, created_at)
             VALUES ('unit', 'window', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.credit_code.as_str())
        .bind(&new.name)
        .bind(new.agent_phone.as_str())
        .bind(&new.password_hash)
        .bind(new.window_id)
        .bind(new.clerk_account_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_error("create unit account"))?;
        sqlx::query(
            "INSERT INTO unit_accounts (account_id, unit_kind, unit_name, attorney_ref, agent_id_number, agent_name, agent_phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(new.kind.code())
        .bind(&new.name)
        .bind(&new.attorney_ref)
        .bind(new.agent_id_number.as_str())
        .bind(new.agent_name.as_str())
        .bind(new.agent_phone.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_error("create unit details"))?;
        for service in &new.granted {
            sqlx::query(
                "INSERT INTO unit_special_services (account_id, service, granted_at, granted_by) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(service.code())
            .bind(now)
            .bind(new.clerk_account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("grant special service"))?;
        }
        let granted: Vec<&str> = new.granted.iter().map(|s| s.code()).collect();
        let detail = format!(
            "account {id}; unit kind {}; attorney {}; agent {}; granted [{}]; window {}",
            new.kind.code(),
            new.attorney_ref,
            new.agent_id_number.masked(),
            granted.join(","),
            new.window_id
        );
        Store::audit_in(
            &mut tx,
            actor,
            "account.unit_registered",
            new.credit_code.as_str(),
            &detail,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit unit account"))?;
        Ok(id)
    }

    async fn credentials(&self, identifier: &LoginIdentifier) -> PortResult<Vec<Credential>> {
        let (sql, value) = match identifier {
            LoginIdentifier::IdNumber(id) => (
                "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'individual' AND id_number = $1",
                id.as_str().to_string(),
            ),
            LoginIdentifier::CreditCode(code) => (
                "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'unit' AND credit_code = $1",
                code.as_str().to_string(),
            ),
            LoginIdentifier::Phone(phone) => (
                "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'individual' AND phone = $1",
                phone.as_str().to_string(),
            ),
            LoginIdentifier::StaffUsername(name) => (
                "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'staff' AND staff_username = $1",
                name.clone(),
            ),
        };
        let rows = sqlx::query(sql)
            .bind(value)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("load credentials"))?;
        rows.iter()
            .map(|r| {
                Ok(Credential {
                    account_id: r.try_get("id")?,
                    password_hash: r.try_get("password_hash")?,
                    disabled: r.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_error("read credentials"))
    }

    async fn session_account(&self, account_id: i64) -> PortResult<Option<SessionAccount>> {
        let row = sqlx::query(
            "SELECT a.id, a.kind, a.channel, a.individual_kind, a.id_number, a.credit_code, a.staff_role,
                    a.display_name, a.phone, a.window_id, w.name AS window_name, u.unit_kind
             FROM accounts a
             LEFT JOIN registration_windows w ON w.id = a.window_id
             LEFT JOIN unit_accounts u ON u.account_id = a.id
             WHERE a.id = $1 AND a.disabled_at IS NULL",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load account"))?;
        let Some(row) = row else { return Ok(None) };
        let granted: Vec<SpecialService> =
            if row.try_get::<String, _>("kind").unwrap_or_default() == "unit" {
                sqlx::query(
                "SELECT service FROM unit_special_services WHERE account_id = $1 ORDER BY service",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("load granted services"))?
            .iter()
            .filter_map(|r| r.try_get::<String, _>("service").ok())
            .filter_map(|c| SpecialService::from_code(&c))
            .collect()
            } else {
                Vec::new()
            };
        let read = || -> Result<Option<SessionAccount>, String> {
            let get_s = |c: &str| {
                row.try_get::<Option<String>, _>(c)
                    .map_err(|e| e.to_string())
            };
            let kind: String = row.try_get("kind").map_err(|e| e.to_string())?;
            let window: Option<String> = get_s("window_name")?;
            let phone: String = row.try_get("phone").map_err(|e| e.to_string())?;
            let phone_masked = PhoneNumber::parse(&phone)
                .map(|p| p.masked())
                .unwrap_or(phone);
            let role = match kind.as_str() {
                "individual" => {
                    let id = get_s("id_number")?.unwrap_or_default();
                    AccountRole::Individual {
                        kind: get_s("individual_kind")?
                            .and_then(|k| IndividualKind::from_code(&k))
                            .ok_or("bad individual kind")?,
                        channel: get_s("channel")?
                            .and_then(|c| RegistrationChannel::from_code(&c))
                            .ok_or("bad channel")?,
                        id_number_masked: ResidentId::parse(&id).map(|i| i.masked()).unwrap_or(id),
                        window,
                    }
                }
                "unit" => AccountRole::Unit {
                    kind: get_s("unit_kind")?
                        .and_then(|k| UnitKind::from_code(&k))
                        .ok_or("bad unit kind")?,
                    credit_code: get_s("credit_code")?.unwrap_or_default(),
                    granted,
                    window,
                },
                "staff" => AccountRole::Staff {
                    role: get_s("staff_role")?
                        .and_then(|r| StaffRole::from_code(&r))
                        .ok_or("bad staff role")?,
                    window_id: row
                        .try_get::<Option<i64>, _>("window_id")
                        .map_err(|e| e.to_string())?,
                    window,
                },
                other => return Err(format!("unknown account kind {other}")),
            };
            Ok(Some(SessionAccount {
                account_id,
                display_name: row.try_get("display_name").map_err(|e| e.to_string())?,
                phone_masked,
                role,
            }))
        };
        read().map_err(|e| PortError::Internal(format!("read account {account_id}: {e}")))
    }

    async fn create_session(
        &self,
        account_id: i64,
        actor: &Actor,
        user_agent: &str,
        now_ms: i64,
    ) -> PortResult<String> {
        let token: [u8; 32] = rand::thread_rng().gen();
        let token = hex::encode(token);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(sha256_hex(&token))
        .bind(account_id)
        .bind(now_ms)
        .bind(now_ms)
        .bind(&actor.ip)
        .bind(user_agent)
        .execute(&mut *tx)
        .await
        .map_err(db_error("create session"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "session.login",
            &format!("account:{account_id}"),
            "",
        )
        .await?;
        tx.commit().await.map_err(db_error("commit session"))?;
        Ok(token)
    }

    async fn resolve_session(&self, token_hash: &str, now_ms: i64) -> PortResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT account_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load session"))?;
        let Some(row) = row else { return Ok(None) };
        let (account_id, created, last_seen): (i64, i64, i64) = (|| {
            Ok::<_, sqlx::Error>((
                row.try_get("account_id")?,
                row.try_get("created_at")?,
                row.try_get("last_seen_at")?,
            ))
        })()
        .map_err(db_error("read session"))?;
        if !policy::session_alive(created, last_seen, now_ms) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err(db_error("end expired session"))?;
            return Ok(None);
        }
        // Refresh the idle timer at most once a minute (fewer writes).
        if now_ms - last_seen > 60_000 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now_ms)
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err(db_error("touch session"))?;
        }
        Ok(Some(account_id))
    }

    async fn end_session(&self, token_hash: &str, actor: &Actor) -> PortResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(db_error("end session"))?;
        let subject = actor
            .account_id
            .map(|id| format!("account:{id}"))
            .unwrap_or_default();
        Store::audit_in(&mut tx, actor, "session.logout", &subject, "").await?;
        tx.commit().await.map_err(db_error("commit logout"))
    }

    async fn record_login(
        &self,
        identifier: &str,
        ip: &str,
        ok: bool,
        now_ms: i64,
    ) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO login_attempts (identifier, ip, at, succeeded) VALUES ($1, $2, $3, $4)",
        )
        .bind(identifier)
        .bind(ip)
        .bind(now_ms)
        .bind(i64::from(ok))
        .execute(&self.pool)
        .await
        .map_err(db_error("record login attempt"))?;
        Ok(())
    }

    async fn recent_login_failures(
        &self,
        identifier: &str,
        ip: &str,
        since_ms: i64,
    ) -> PortResult<(i64, i64)> {
        // Failures after the last success of this pair count; a success resets.
        let row = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0 AND at >= $3
                  AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE identifier = $4 AND ip = $5 AND succeeded = 1), 0)) AS pair,
               (SELECT COUNT(*) FROM login_attempts WHERE ip = $6 AND succeeded = 0 AND at >= $7) AS by_ip",
        )
        .bind(identifier)
        .bind(ip)
        .bind(since_ms)
        .bind(identifier)
        .bind(ip)
        .bind(ip)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error("count login failures"))?;
        Ok((
            row.try_get("pair")
                .map_err(db_error("read pair failures"))?,
            row.try_get("by_ip").map_err(db_error("read ip failures"))?,
        ))
    }

    async fn last_login_failure(&self, identifier: &str, ip: &str) -> PortResult<Option<i64>> {
        sqlx::query("SELECT MAX(at) AS at FROM login_attempts WHERE identifier = $1 AND ip = $2 AND succeeded = 0")
            .bind(identifier)
            .bind(ip)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get::<Option<i64>, _>("at"))
            .map_err(db_error("last login failure"))
    }

    async fn reset_target(&self, id_number: &ResidentId) -> PortResult<Option<(i64, String)>> {
        let row = sqlx::query(
            "SELECT id, phone FROM accounts WHERE kind = 'individual' AND id_number = $1 AND disabled_at IS NULL",
        )
        .bind(id_number.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("find account to reset"))?;
        row.map(|r| Ok((r.try_get("id")?, r.try_get("phone")?)))
            .transpose()
            .map_err(db_error("read account to reset"))
    }

    async fn reset_password(
        &self,
        account_id: i64,
        password_hash: &str,
        actor: &Actor,
        now_ms: i64,
    ) -> PortResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("store new password"))?;
        let ended = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("end sessions"))?
            .rows_affected();
        Store::audit_in(
            &mut tx,
            actor,
            "account.password_reset",
            &format!("account:{account_id}"),
            &format!("online, by SMS code; {ended} sessions ended"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "登录密码已重置",
            "您的交通安全综合服务管理平台账户登录密码已通过短信验证码重置，所有已登录的设备均已退出。如非本人操作，请立即拨打122或携带身份证明到注册窗口处理。",
            "",
            now_ms,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit password reset"))
    }

    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> PortResult<()> {
        let mut tx = self.begin_write().await?;
        Store::audit_in(&mut tx, actor, action, subject, detail).await?;
        tx.commit().await.map_err(db_error("commit audit"))
    }
}
