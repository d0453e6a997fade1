//! Accounts (用户) in the store: registration of individuals and units,
//! credentials, the password reset (忘记密码) that ends every session of the
//! account, and the audit port. Sessions and throttling: `sessions.rs`.

use super::{port, Store};
use crate::db::Backend;
use app::domain::{RegistrationChannel, ResidentId};
use app::features::accounts::AccountOnRecord;
use app::ports::*;
use async_trait::async_trait;

/// The end of a registration's audit detail that names the form posted
/// (`Accounts::registered_from_form` looks for it), if there was one.
pub(super) fn form_note(form: &Option<String>) -> String {
    form.as_deref()
        .map(|f| format!("; form {f}"))
        .unwrap_or_default()
}

#[async_trait]
impl Accounts for Store {
    async fn has_account(&self, id_number: &ResidentId) -> PortResult<bool> {
        port("has_account", async {
            // A roaming account (漫游账户) does not count, unless this
            // platform disabled it: registering here makes it this
            // platform's own (`create_individual`).
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM accounts a WHERE a.id_number = $1
                 AND (a.disabled_at IS NOT NULL
                      OR NOT EXISTS (SELECT 1 FROM roaming_accounts r WHERE r.account_id = a.id))",
            )
            .bind(id_number.as_str())
            .fetch_one(&self.pool)
            .await?;
            Ok(n > 0)
        })
        .await
    }

    async fn unit_registered(&self, credit_code: &app::domain::CreditCode) -> PortResult<bool> {
        port("unit_registered", async {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE credit_code = $1")
                .bind(credit_code.as_str())
                .fetch_one(&self.pool)
                .await?;
            Ok(n > 0)
        })
        .await
    }

    async fn registered_from_form(
        &self,
        key: &str,
        clerk: i64,
        form: &str,
    ) -> PortResult<Option<i64>> {
        port("registered_from_form", async {
            // The registration's audit record names the form it came from.
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT a.id FROM accounts a
                 WHERE (a.id_number = $1 OR a.credit_code = $1) AND a.registered_by = $2
                   AND EXISTS (SELECT 1 FROM audit_log l
                               WHERE l.action IN ('account.registered', 'account.unit_registered')
                                 AND l.subject = $1 AND l.actor_account_id = $2
                                 AND l.detail LIKE $3)",
            )
            .bind(key)
            .bind(clerk)
            .bind(format!("%; form {form}"))
            .fetch_optional(&self.pool)
            .await?;
            Ok(id)
        })
        .await
    }

    async fn create_individual(&self, new: NewIndividual, actor: &Actor) -> PortResult<i64> {
        port("create_individual", async {
            let now = self.clock.now_ms();
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
                    .await?;
            }
            let (window_id, clerk) = match new.window {
                Some((w, c)) => (Some(w), Some(c)),
                None => (None, None),
            };
            if let Some(id) = self.make_roaming_account_local(&mut tx, &new, actor).await? {
                tx.commit().await?;
                return Ok(id);
            }
            let id: i64 = sqlx::query_scalar(
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
            .await?;
            let detail = format!(
                "account {id}; kind {}; channel {}; window {:?}{}",
                new.kind.code(),
                new.channel.code(),
                window_id,
                form_note(&new.form)
            );
            self.audit_in(
                &mut tx,
                actor,
                "account.registered",
                new.id_number.as_str(),
                &detail,
            )
            .await?;
            tx.commit()
                .await?;
            Ok(id)
        })
        .await
    }

    async fn create_unit(&self, new: NewUnit, actor: &Actor) -> PortResult<i64> {
        port("create_unit", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
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
            .await?;
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
            .await?;
            for service in &new.granted {
                sqlx::query(
                    "INSERT INTO unit_special_services (account_id, service, granted_at, granted_by) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(service.code())
                .bind(now)
                .bind(new.clerk_account_id)
                .execute(&mut *tx)
                .await?;
            }
            let granted: Vec<&str> = new.granted.iter().map(|s| s.code()).collect();
            let detail = format!(
                "account {id}; unit kind {}; attorney {}; agent {}; granted [{}]; window {}{}",
                new.kind.code(),
                new.attorney_ref,
                new.agent_id_number.masked(),
                granted.join(","),
                new.window_id,
                form_note(&new.form)
            );
            self.audit_in(
                &mut tx,
                actor,
                "account.unit_registered",
                new.credit_code.as_str(),
                &detail,
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn credentials(&self, identifier: &LoginIdentifier) -> PortResult<Vec<Credential>> {
        if let LoginIdentifier::Operator { unit, login } = identifier {
            return port(
                "operator_credentials",
                self.operator_credentials(unit, login),
            )
            .await;
        }
        port("credentials", async {
            let (sql, value) = match identifier {
                LoginIdentifier::IdNumber(id) => (
                    "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'individual' AND id_number = $1
                       AND NOT EXISTS (SELECT 1 FROM roaming_accounts r WHERE r.account_id = accounts.id)",
                    id.as_str().to_string(),
                ),
                LoginIdentifier::CreditCode(code) => (
                    "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'unit' AND credit_code = $1",
                    code.as_str().to_string(),
                ),
                LoginIdentifier::Phone(phone) => (
                    "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'individual' AND phone = $1
                       AND NOT EXISTS (SELECT 1 FROM roaming_accounts r WHERE r.account_id = accounts.id)",
                    phone.as_str().to_string(),
                ),
                LoginIdentifier::StaffUsername(name) => (
                    "SELECT id, password_hash, disabled_at FROM accounts WHERE kind = 'staff' AND staff_username = $1",
                    name.clone(),
                ),
                LoginIdentifier::Operator { .. } => unreachable!("answered above"),
            };
            let rows: Vec<(i64, String, Option<i64>)> =
                sqlx::query_as(sql).bind(value).fetch_all(&self.pool).await?;
            Ok(rows
                .into_iter()
                .map(|(account_id, password_hash, disabled_at)| Credential {
                    account_id,
                    password_hash,
                    disabled: disabled_at.is_some(),
                    operator_id: None,
                })
                .collect())
        })
        .await
    }

    async fn note_login_device(
        &self,
        account_id: i64,
        token: Option<&str>,
        alert: Option<&app::domain::Sms>,
        actor: &Actor,
        now_ms: i64,
    ) -> PortResult<(String, bool)> {
        port(
            "note_login_device",
            self.note_device(account_id, token, alert, actor, now_ms),
        )
        .await
    }

    async fn password_hash_of(&self, account_id: i64) -> PortResult<Option<String>> {
        port("password_hash_of", async {
            Ok(sqlx::query_scalar(
                "SELECT password_hash FROM accounts WHERE id = $1 AND disabled_at IS NULL",
            )
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?)
        })
        .await
    }

    async fn account_on_record(&self, account_id: i64) -> PortResult<Option<AccountOnRecord>> {
        port("account_on_record", self.load_account(account_id)).await
    }

    async fn create_session(
        &self,
        account_id: i64,
        actor: &Actor,
        user_agent: &str,
        now_ms: i64,
    ) -> PortResult<String> {
        port(
            "create_session",
            self.open_session(account_id, actor, user_agent, now_ms),
        )
        .await
    }

    async fn resolve_session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> PortResult<Option<(AccountOnRecord, Option<i64>)>> {
        port("resolve_session", self.live_session(token_hash, now_ms)).await
    }

    async fn end_session(&self, token_hash: &str, actor: &Actor) -> PortResult<()> {
        port("end_session", self.close_session(token_hash, actor)).await
    }

    async fn record_login(
        &self,
        identifier: &str,
        ip: &str,
        ok: bool,
        now_ms: i64,
    ) -> PortResult<()> {
        port("record_login", self.log_login(identifier, ip, ok, now_ms)).await
    }

    async fn claim_login_attempt(
        &self,
        identifier: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, i64>> {
        port(
            "claim_login_attempt",
            self.claim_attempt(identifier, ip, now_ms),
        )
        .await
    }

    async fn login_succeeded(&self, attempt_id: i64) -> PortResult<()> {
        port("login_succeeded", self.attempt_succeeded(attempt_id)).await
    }

    async fn recent_login_failures(
        &self,
        identifier: &str,
        ip: &str,
        since_ms: i64,
    ) -> PortResult<(i64, i64)> {
        port(
            "recent_login_failures",
            self.login_failures(identifier, ip, since_ms),
        )
        .await
    }

    async fn last_login_failure(&self, identifier: &str, ip: &str) -> PortResult<Option<i64>> {
        port("last_login_failure", self.last_failure(identifier, ip)).await
    }

    async fn delete_ended_sessions(&self, now_ms: i64) -> PortResult<usize> {
        port("delete_ended_sessions", self.delete_ended(now_ms)).await
    }

    async fn delete_old_login_attempts(&self, now_ms: i64) -> PortResult<usize> {
        port(
            "delete_old_login_attempts",
            self.delete_old_attempts(now_ms),
        )
        .await
    }

    async fn reset_target(&self, id_number: &ResidentId) -> PortResult<Option<(i64, String)>> {
        port("reset_target", async {
            Ok(sqlx::query_as(
                "SELECT id, phone FROM accounts WHERE kind = 'individual' AND id_number = $1 AND disabled_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM roaming_accounts r WHERE r.account_id = accounts.id)",
            )
            .bind(id_number.as_str())
            .fetch_optional(&self.pool)
            .await?)
        })
        .await
    }

    async fn reset_password(
        &self,
        account_id: i64,
        password_hash: &str,
        actor: &Actor,
        now_ms: i64,
    ) -> PortResult<()> {
        port("reset_password", async {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            self.audit_in(
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
                &app::domain::Sms::password_reset(),
                "",
                now_ms,
            )
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> PortResult<()> {
        port("audit", async {
            let mut tx = self.begin_write().await?;
            self.audit_in(&mut tx, actor, action, subject, detail)
                .await?;
            Ok(tx.commit().await?)
        })
        .await
    }
}
