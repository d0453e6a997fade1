//! Supervision (审核) in the store: account files, disabling and enabling
//! individual and unit accounts, and appeals against blacklist entries.

use super::rows::date;
use super::staff::switch_account;
use super::{port, Store, StoreError, StoreResult};
use app::domain::{RegistrationChannel, Sms};
use app::features::paging::{ListPage, PageRequest};
use app::port_error::constraint;
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    kind: String,
    display_name: String,
    id_number: Option<String>,
    credit_code: Option<String>,
    phone: String,
    channel: Option<String>,
    window_name: Option<String>,
    created_at: i64,
    disabled_at: Option<i64>,
    disabled_reason: Option<String>,
}

impl From<FileRow> for AccountFile {
    fn from(r: FileRow) -> AccountFile {
        AccountFile {
            account_id: r.id,
            unit: r.kind == "unit",
            display_name: r.display_name,
            id_number: r.id_number,
            credit_code: r.credit_code,
            phone: r.phone,
            channel: r
                .channel
                .as_deref()
                .and_then(RegistrationChannel::from_code),
            window: r.window_name,
            created_at_ms: r.created_at,
            disabled: r
                .disabled_at
                .map(|at| (at, r.disabled_reason.unwrap_or_default())),
        }
    }
}

const FILES: &str =
    "SELECT a.id, a.kind, a.display_name, a.id_number, a.credit_code, a.phone, a.channel,
        w.name AS window_name, a.created_at, a.disabled_at, a.disabled_reason
     FROM accounts a LEFT JOIN registration_windows w ON w.id = a.window_id
     WHERE a.kind IN ('individual', 'unit')";

#[derive(sqlx::FromRow)]
struct AppealRow {
    id: i64,
    entry_id: i64,
    account_id: i64,
    applicant: String,
    application_no: Option<String>,
    cause: String,
    until: String,
    reason: String,
    submitted_at: i64,
    decision: Option<String>,
    decision_reason: Option<String>,
    decided_at: Option<i64>,
}

impl TryFrom<AppealRow> for Appeal {
    type Error = StoreError;
    fn try_from(r: AppealRow) -> StoreResult<Appeal> {
        Ok(Appeal {
            id: r.id,
            entry_id: r.entry_id,
            account_id: r.account_id,
            applicant: r.applicant,
            application_no: r.application_no.unwrap_or_default(),
            cause: r.cause,
            until: date("appeal until", &r.until)?,
            reason: r.reason,
            submitted_at_ms: r.submitted_at,
            decision: match (r.decision, r.decided_at) {
                (Some(d), Some(at)) => Some(AppealDecision {
                    lifted: d == "lifted",
                    reason: r.decision_reason.unwrap_or_default(),
                    at_ms: at,
                }),
                _ => None,
            },
        })
    }
}

const APPEALS: &str =
    "SELECT p.id, p.entry_id, p.account_id, a.display_name AS applicant, ap.application_no,
        b.cause, b.until, p.reason, p.submitted_at, p.decision, p.decision_reason, p.decided_at
     FROM blacklist_appeals p
     JOIN blacklist b ON b.id = p.entry_id
     JOIN accounts a ON a.id = p.account_id
     LEFT JOIN applications ap ON ap.id = b.application_id";

impl Store {
    async fn appeals_where(
        &self,
        condition: &str,
        order: &str,
        bind: i64,
    ) -> StoreResult<Vec<Appeal>> {
        let rows: Vec<AppealRow> =
            sqlx::query_as(&format!("{APPEALS} WHERE {condition} ORDER BY {order}"))
                .bind(bind)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(Appeal::try_from).collect()
    }
}

#[async_trait]
impl Supervision for Store {
    async fn find_accounts(&self, query: &AccountQuery) -> PortResult<Vec<AccountFile>> {
        port("find_accounts", async {
            let (column, value) = match query {
                AccountQuery::IdNumber(id) => ("a.id_number", id.as_str()),
                AccountQuery::CreditCode(code) => ("a.credit_code", code.as_str()),
                AccountQuery::Phone(phone) => ("a.phone", phone.as_str()),
            };
            let rows: Vec<FileRow> =
                sqlx::query_as(&format!("{FILES} AND {column} = $1 ORDER BY a.id LIMIT 20"))
                    .bind(value)
                    .fetch_all(&self.pool)
                    .await?;
            Ok(rows.into_iter().map(AccountFile::from).collect())
        })
        .await
    }

    async fn account_file(&self, account_id: i64) -> PortResult<Option<AccountFile>> {
        port("account_file", async {
            let row: Option<FileRow> = sqlx::query_as(&format!("{FILES} AND a.id = $1"))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.map(AccountFile::from))
        })
        .await
    }

    async fn set_account_disabled(
        &self,
        account_id: i64,
        disabled: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("set_account_disabled", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            if !switch_account(self, &mut tx, account_id, disabled, reason, actor, false).await? {
                return Ok(false);
            }
            let sms = if disabled {
                Sms::account_disabled(reason)
            } else {
                Sms::account_enabled()
            };
            Store::notify_in(&mut tx, account_id, &sms, "/account", now).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn upgrade_to_window(
        &self,
        account_id: i64,
        window_id: i64,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("upgrade_to_window", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE accounts SET channel = 'window', window_id = $1, registered_by = $2
                 WHERE id = $3 AND kind = 'individual' AND channel = 'online'",
            )
            .bind(window_id)
            .bind(actor.account_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            let window: String =
                sqlx::query_scalar("SELECT name FROM registration_windows WHERE id = $1")
                    .bind(window_id)
                    .fetch_one(&mut *tx)
                    .await?;
            self.audit_in(
                &mut tx,
                actor,
                "account.upgraded_at_window",
                &format!("account:{account_id}"),
                &format!("window {window_id}"),
            )
            .await?;
            Store::notify_in(
                &mut tx,
                account_id,
                &Sms::upgraded_at_window(&window),
                "/account",
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn change_phone_at_window(
        &self,
        account_id: i64,
        new_phone: &app::domain::PhoneNumber,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("change_phone_at_window", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let old: Option<String> = sqlx::query_scalar(
                "SELECT phone FROM accounts WHERE id = $1 AND kind IN ('individual', 'unit')",
            )
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(old) = old else { return Ok(false) };
            sqlx::query("UPDATE accounts SET phone = $1 WHERE id = $2")
                .bind(new_phone.as_str())
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            self.audit_in(
                &mut tx,
                actor,
                "account.phone_changed_at_window",
                &format!("account:{account_id}"),
                &format!(
                    "{} -> {}",
                    app::domain::PhoneNumber::masked_or_stars(&old),
                    new_phone.masked()
                ),
            )
            .await?;
            let sms = Sms::phone_changed_at_window(&new_phone.masked());
            Store::message_in(&mut tx, &[account_id], &sms, "/account", now).await?;
            if !old.is_empty() {
                Store::sms_in(&mut tx, &old, &sms, now).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn file_appeal(
        &self,
        account_id: i64,
        entry_id: i64,
        reason: &str,
        today: app::domain::Date,
        actor: &Actor,
    ) -> PortResult<AppealFiled> {
        port("file_appeal", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let entry: Option<(Option<i64>, String, Option<String>)> = sqlx::query_as(
                "SELECT b.lifted_at, b.until, ap.application_no FROM blacklist b
                 LEFT JOIN applications ap ON ap.id = b.application_id
                 WHERE b.id = $1 AND b.account_id = $2",
            )
            .bind(entry_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((lifted_at, until, application_no)) = entry else {
                return Ok(AppealFiled::NoSuchEntry);
            };
            if lifted_at.is_some() || date("blacklist until", &until)? < today {
                return Ok(AppealFiled::NotInForce);
            }
            let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO blacklist_appeals (entry_id, account_id, reason, submitted_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(entry_id)
            .bind(account_id)
            .bind(reason)
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            let id = match inserted.map_err(StoreError::from) {
                Ok(id) => id,
                Err(StoreError::Conflict(constraint::APPEAL_ONE_WAITING)) => {
                    return Ok(AppealFiled::AlreadyWaiting)
                }
                Err(e) => return Err(e),
            };
            self.audit_in(
                &mut tx,
                actor,
                "blacklist.appeal",
                &format!("account:{account_id}"),
                &format!("entry {entry_id}: {reason}"),
            )
            .await?;
            let sms = Sms::appeal_received(application_no.as_deref().unwrap_or_default());
            Store::notify_in(&mut tx, account_id, &sms, "/account/blacklist", now).await?;
            tx.commit().await?;
            Ok(AppealFiled::Filed(id))
        })
        .await
    }

    async fn appeals_of(&self, account_id: i64) -> PortResult<Vec<Appeal>> {
        port("appeals_of", async {
            self.appeals_where(
                "p.account_id = $1",
                "p.submitted_at DESC, p.id DESC",
                account_id,
            )
            .await
        })
        .await
    }

    async fn appeal_queue(&self, decided: bool, page: PageRequest) -> PortResult<ListPage<Appeal>> {
        port("appeal_queue", async {
            let (condition, order) = if decided {
                (
                    "p.decision IS NOT NULL",
                    "p.decided_at DESC, p.id DESC LIMIT $1 OFFSET $2",
                )
            } else {
                (
                    "p.decision IS NULL",
                    "p.submitted_at, p.id LIMIT $1 OFFSET $2",
                )
            };
            let total: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM blacklist_appeals p WHERE {condition}"
            ))
            .fetch_one(&self.pool)
            .await?;
            let page = page.within(total);
            let rows: Vec<AppealRow> =
                sqlx::query_as(&format!("{APPEALS} WHERE {condition} ORDER BY {order}"))
                    .bind(page.limit())
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
            let items = rows
                .into_iter()
                .map(Appeal::try_from)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn decide_appeal(
        &self,
        appeal_id: i64,
        lift: bool,
        reason: &str,
        actor: &Actor,
    ) -> PortResult<AppealDecided> {
        port("decide_appeal", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let appeal: Option<(i64, i64, Option<String>)> = sqlx::query_as(
                "SELECT p.entry_id, p.account_id, ap.application_no FROM blacklist_appeals p
                 JOIN blacklist b ON b.id = p.entry_id
                 LEFT JOIN applications ap ON ap.id = b.application_id
                 WHERE p.id = $1",
            )
            .bind(appeal_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((entry_id, account_id, application_no)) = appeal else {
                return Ok(AppealDecided::NoSuchAppeal);
            };
            // The conditional update decides between two supervisors.
            let decided = sqlx::query(
                "UPDATE blacklist_appeals SET decision = $1, decision_reason = $2, decided_by = $3, decided_at = $4
                 WHERE id = $5 AND decision IS NULL",
            )
            .bind(if lift { "lifted" } else { "upheld" })
            .bind(reason)
            .bind(actor.account_id)
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if decided == 0 {
                return Ok(AppealDecided::AlreadyDecided);
            }
            if lift {
                sqlx::query(
                    "UPDATE blacklist SET lifted_at = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL",
                )
                .bind(now)
                .bind(actor.account_id)
                .bind(format!("申诉成立：{reason}"))
                .bind(entry_id)
                .execute(&mut *tx)
                .await?;
            }
            self.audit_in(
                &mut tx,
                actor,
                if lift { "blacklist.appeal_granted" } else { "blacklist.appeal_upheld" },
                &format!("account:{account_id}"),
                &format!("appeal {appeal_id}, entry {entry_id}: {reason}"),
            )
            .await?;
            let no = application_no.unwrap_or_default();
            let sms = if lift {
                Sms::appeal_granted(&no)
            } else {
                Sms::appeal_upheld(&no, reason)
            };
            Store::notify_in(&mut tx, account_id, &sms, "/account/blacklist", now).await?;
            tx.commit().await?;
            Ok(AppealDecided::Decided)
        })
        .await
    }
}
