//! A unit's operators (经办人) in the store: adding, activating, granting
//! and disabling them (each audited in its transaction; disabling ends
//! their sessions in the same one), an operator's login credentials, the
//! session's operator, and the unit's audit naming who acted.

use super::rows::coded;
use super::{port, Store, StoreResult};
use app::domain::audit::{action_words, unit_subject_words};
use app::domain::unit_operator::{
    services_from_codes, services_to_codes, OperatorLogin, OperatorService, OperatorStatus,
    UnitCode, MAX_OPERATORS_PER_UNIT,
};
use app::domain::{PhoneNumber, ResidentId};
use app::features::accounts::OperatorOnSession;
use app::features::paging::{ListPage, PageRequest};
use app::features::units::operators::{UnitAuditEntry, UnitOperator};
use app::ports::*;
use async_trait::async_trait;

const RECORD_COLUMNS: &str =
    "o.id, o.account_id, a.display_name, o.login_name, o.full_name, o.id_number, o.phone, o.status";

type RecordRow = (i64, i64, String, String, String, String, String, String);

fn record(row: RecordRow) -> StoreResult<OperatorRecord> {
    let (id, account_id, unit_name, login_name, full_name, id_number, phone, status) = row;
    Ok(OperatorRecord {
        id,
        account_id,
        unit_name,
        login_name,
        full_name,
        id_number,
        phone,
        status: coded("operator status", &status, OperatorStatus::from_code)?,
    })
}

/// The unit with this code: its credit code, or the organisation code in
/// characters 9 to 17 of it.
fn unit_condition(unit: &UnitCode) -> &'static str {
    match unit {
        UnitCode::Credit(_) => "a.credit_code = $1",
        UnitCode::Organisation(_) => "SUBSTR(a.credit_code, 9, 9) = $1",
    }
}

/// How a change of one operator is audited.
struct Audited<'a> {
    operator_id: i64,
    action: &'static str,
    detail: &'a str,
    /// Disabling: every session of theirs ends in the same transaction.
    end_sessions: bool,
}

impl Store {
    /// Runs an UPDATE of one operator; when it changed the row, audits it
    /// (and ends their sessions when asked) in the same transaction.
    /// Answers whether it changed the row.
    async fn change_operator<'q>(
        &self,
        change: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        audit: Audited<'_>,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = change.execute(&mut *tx).await?.rows_affected() == 1;
        if done {
            if audit.end_sessions {
                sqlx::query("DELETE FROM sessions WHERE operator_id = $1")
                    .bind(audit.operator_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let subject = format!("operator:{}", audit.operator_id);
            self.audit_in(&mut tx, actor, audit.action, &subject, audit.detail)
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The credentials of the operator with this login name at the unit
    /// with this code; a pending operator (no password yet) has none.
    pub(super) async fn operator_credentials(
        &self,
        unit: &UnitCode,
        login: &OperatorLogin,
    ) -> StoreResult<Vec<Credential>> {
        // (operator, unit account, password hash, status, unit disabled at)
        type Row = (i64, i64, Option<String>, String, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT o.id, o.account_id, o.password_hash, o.status, a.disabled_at
                 FROM unit_operators o JOIN accounts a ON a.id = o.account_id
                 WHERE a.kind = 'unit' AND {} AND o.login_name = $2",
            unit_condition(unit)
        ))
        .bind(unit.as_str())
        .bind(login.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, account_id, hash, status, unit_disabled)| {
                Some(Credential {
                    account_id,
                    password_hash: hash?,
                    disabled: status != OperatorStatus::Active.code() || unit_disabled.is_some(),
                    operator_id: Some(id),
                })
            })
            .collect())
    }
}

#[async_trait]
impl UnitOperators for Store {
    async fn operators(&self, account_id: i64) -> PortResult<Vec<UnitOperator>> {
        port("unit_operators", async {
            let rows: Vec<(i64, String, String, String, String, String, String, i64)> =
                sqlx::query_as(
                    "SELECT id, login_name, full_name, id_number, phone, services, status, created_at
                     FROM unit_operators WHERE account_id = $1 ORDER BY id DESC",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
            rows.into_iter()
                .map(
                    |(id, login_name, full_name, id_number, phone, services, status, created)| {
                        Ok(UnitOperator {
                            id,
                            login_name,
                            full_name,
                            id_masked: ResidentId::masked_or_stars(&id_number),
                            phone_masked: PhoneNumber::masked_or_stars(&phone),
                            services: services_from_codes(&services),
                            status: coded("operator status", &status, OperatorStatus::from_code)?,
                            created_at_ms: created,
                        })
                    },
                )
                .collect::<StoreResult<Vec<_>>>()
        })
        .await
    }

    async fn operator(
        &self,
        account_id: i64,
        operator_id: i64,
    ) -> PortResult<Option<OperatorRecord>> {
        port("unit_operator", async {
            let row: Option<RecordRow> = sqlx::query_as(&format!(
                "SELECT {RECORD_COLUMNS} FROM unit_operators o JOIN accounts a ON a.id = o.account_id
                 WHERE o.account_id = $1 AND o.id = $2"
            ))
            .bind(account_id)
            .bind(operator_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(record).transpose()
        })
        .await
    }

    async fn operator_at(
        &self,
        unit: &UnitCode,
        login_name: &str,
    ) -> PortResult<Option<OperatorRecord>> {
        port("operator_at", async {
            let rows: Vec<RecordRow> = sqlx::query_as(&format!(
                "SELECT {RECORD_COLUMNS} FROM unit_operators o JOIN accounts a ON a.id = o.account_id
                 WHERE a.kind = 'unit' AND {} AND o.login_name = $2",
                unit_condition(unit)
            ))
            .bind(unit.as_str())
            .bind(login_name)
            .fetch_all(&self.pool)
            .await?;
            // Two units sharing an organisation code name nobody.
            if rows.len() != 1 {
                return Ok(None);
            }
            rows.into_iter().next().map(record).transpose()
        })
        .await
    }

    async fn add_operator(
        &self,
        account_id: i64,
        new: &NewOperator,
        actor: &Actor,
    ) -> PortResult<Result<i64, AddRefusal>> {
        port("add_operator", async {
            let mut tx = self.begin_write().await?;
            // PostgreSQL: one add per unit at a time, so the count and the
            // same-person check hold (SQLite has one writer anyway).
            self.lock_keys(&mut tx, &[&format!("unit-operators:{account_id}")])
                .await?;
            let (count, same_person): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN id_number = $2 AND status <> 'disabled' THEN 1 ELSE 0 END), 0)
                 FROM unit_operators WHERE account_id = $1",
            )
            .bind(account_id)
            .bind(&new.id_number)
            .fetch_one(&mut *tx)
            .await?;
            if count >= MAX_OPERATORS_PER_UNIT {
                return Ok(Err(AddRefusal::TooMany));
            }
            if same_person > 0 {
                return Ok(Err(AddRefusal::PersonTaken));
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO unit_operators (account_id, login_name, full_name, id_number, phone, services, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
                 ON CONFLICT (account_id, login_name) DO NOTHING RETURNING id",
            )
            .bind(account_id)
            .bind(&new.login_name)
            .bind(&new.full_name)
            .bind(&new.id_number)
            .bind(&new.phone)
            .bind(services_to_codes(&new.services))
            .bind(self.clock.now_ms())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                return Ok(Err(AddRefusal::LoginTaken));
            };
            self.audit_in(
                &mut tx,
                actor,
                "operator.added",
                &format!("operator:{id}"),
                &format!(
                    "{} {} {}",
                    new.login_name,
                    new.id_number,
                    services_to_codes(&new.services)
                ),
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(id))
        })
        .await
    }

    async fn activate(
        &self,
        operator_id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        let change = sqlx::query(
            "UPDATE unit_operators SET password_hash = $1, status = 'active', activated_at = $2
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(password_hash)
        .bind(self.clock.now_ms())
        .bind(operator_id);
        let audit = Audited {
            operator_id,
            action: "operator.activated",
            detail: "",
            end_sessions: false,
        };
        port(
            "activate_operator",
            self.change_operator(change, audit, actor),
        )
        .await
    }

    async fn set_services(
        &self,
        account_id: i64,
        operator_id: i64,
        services: &[OperatorService],
        actor: &Actor,
    ) -> PortResult<bool> {
        let codes = services_to_codes(services);
        let change = sqlx::query(
            "UPDATE unit_operators SET services = $1
             WHERE account_id = $2 AND id = $3 AND status <> 'disabled'",
        )
        .bind(codes.clone())
        .bind(account_id)
        .bind(operator_id);
        let audit = Audited {
            operator_id,
            action: "operator.services",
            detail: &codes,
            end_sessions: false,
        };
        port(
            "set_operator_services",
            self.change_operator(change, audit, actor),
        )
        .await
    }

    async fn disable(&self, account_id: i64, operator_id: i64, actor: &Actor) -> PortResult<bool> {
        let change = sqlx::query(
            "UPDATE unit_operators SET status = 'disabled', disabled_at = $1
             WHERE account_id = $2 AND id = $3 AND status <> 'disabled'",
        )
        .bind(self.clock.now_ms())
        .bind(account_id)
        .bind(operator_id);
        let audit = Audited {
            operator_id,
            action: "operator.disabled",
            detail: "",
            end_sessions: true,
        };
        port(
            "disable_operator",
            self.change_operator(change, audit, actor),
        )
        .await
    }

    async fn reactivate(
        &self,
        account_id: i64,
        operator_id: i64,
        actor: &Actor,
    ) -> PortResult<bool> {
        let change = sqlx::query(
            "UPDATE unit_operators SET status = 'pending', password_hash = NULL, disabled_at = NULL
             WHERE account_id = $1 AND id = $2 AND status <> 'pending'
               AND NOT EXISTS (SELECT 1 FROM unit_operators other
                   WHERE other.account_id = unit_operators.account_id
                     AND other.id_number = unit_operators.id_number
                     AND other.id <> unit_operators.id AND other.status <> 'disabled')",
        )
        .bind(account_id)
        .bind(operator_id);
        let audit = Audited {
            operator_id,
            action: "operator.reactivated",
            detail: "",
            end_sessions: true,
        };
        port(
            "reactivate_operator",
            self.change_operator(change, audit, actor),
        )
        .await
    }

    async fn on_session(&self, operator_id: i64) -> PortResult<Option<OperatorOnSession>> {
        port("operator_on_session", async {
            let row: Option<(String, String, String)> = sqlx::query_as(
                "SELECT o.login_name, o.full_name, o.services
                 FROM unit_operators o JOIN accounts a ON a.id = o.account_id
                 WHERE o.id = $1 AND o.status = 'active' AND a.disabled_at IS NULL",
            )
            .bind(operator_id)
            .fetch_optional(&self.pool)
            .await?;
            Ok(
                row.map(|(login_name, full_name, services)| OperatorOnSession {
                    id: operator_id,
                    login_name,
                    full_name,
                    services: services_from_codes(&services),
                }),
            )
        })
        .await
    }

    async fn unit_audit(
        &self,
        account_id: i64,
        operator_id: Option<i64>,
        page: PageRequest,
    ) -> PortResult<ListPage<UnitAuditEntry>> {
        port("unit_audit", async {
            // `$2 = 0` means every entry: ids start at 1.
            let only = operator_id.unwrap_or(0);
            const WHERE: &str =
                "WHERE l.actor_account_id = $1 AND ($2 = 0 OR l.actor_operator_id = $2)";
            let total: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log l {WHERE}"))
                    .bind(account_id)
                    .bind(only)
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            type Row = (
                i64,
                String,
                String,
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            // The operator who acted, and the one an entry is about (only
            // the unit's own: `s.account_id`).
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT l.at, l.action, l.subject, l.detail, l.ip, o.login_name, o.full_name, s.login_name, s.full_name
                 FROM audit_log l
                 LEFT JOIN unit_operators o ON o.id = l.actor_operator_id
                 LEFT JOIN unit_operators s ON s.account_id = l.actor_account_id
                     AND l.subject = 'operator:' || CAST(s.id AS TEXT)
                 {WHERE} ORDER BY l.id DESC LIMIT $3 OFFSET $4"
            ))
                .bind(account_id)
                .bind(only)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
            let items = rows
                .into_iter()
                .map(|(at_ms, action, subject, detail, ip, login, name, s_login, s_name)| {
                    let (action_zh, action_en) = action_words(&action);
                    let named = |l: Option<String>, n: Option<String>| {
                        l.map(|l| format!("{l}（{}）", n.unwrap_or_default()))
                    };
                    let about = named(s_login, s_name);
                    let (subject_zh, subject_en) =
                        unit_subject_words(&subject, account_id, about.as_deref());
                    UnitAuditEntry {
                        at_ms,
                        operator: named(login, name),
                        action_zh,
                        action_en,
                        subject_zh,
                        subject_en,
                        detail,
                        ip,
                    }
                })
                .collect();
            Ok(ListPage::new(items, total, page))
        })
        .await
    }
}
