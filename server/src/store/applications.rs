//! Document applications (业务申请) in the store: drafts, submission, the
//! status history and the audit trail. Clerk events: `application_events.rs`;
//! the blacklist (黑名单): `blacklist.rs`.

use super::application_events::status_message;
use super::rows::{coded, date, date_opt};
use super::{port, Store, StoreError, StoreResult};
use crate::db::Backend;
use app::domain::application::{application_number, ApplicationStatus};
use app::domain::fulfilment::Fulfilment;
use app::domain::ServiceCode;
use app::features::applications::{DraftSummary, ExamUsed, QueueFilter, QueuePage};
use app::features::paging::{ListPage, PageRequest};
use app::ports::*;
use async_trait::async_trait;

/// An application with its applicant's name, as lists show it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    application_no: Option<String>,
    service: String,
    subject_label: String,
    status: String,
    fulfilment: Option<String>,
    created_at: i64,
    display_name: String,
}

impl TryFrom<SummaryRow> for ApplicationSummary {
    type Error = StoreError;
    fn try_from(row: SummaryRow) -> StoreResult<ApplicationSummary> {
        Ok(ApplicationSummary {
            application_no: row.application_no.unwrap_or_default(),
            service: coded("service", &row.service, ServiceCode::from_code)?,
            subject_label: row.subject_label,
            status: coded(
                "application status",
                &row.status,
                ApplicationStatus::from_code,
            )?,
            fulfilment: row.fulfilment.as_deref().and_then(Fulfilment::from_code),
            created_at_ms: row.created_at,
            applicant: row.display_name,
        })
    }
}

/// One application in full (the summary's columns and the rest).
#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    account_id: i64,
    reason: Option<String>,
    new_date: Option<String>,
    recipient: Option<String>,
    recipient_phone: Option<String>,
    address: Option<String>,
    fee_fen: i64,
    postage_fen: i64,
    reject_reason: Option<String>,
    refused_deliveries: i64,
    pickup_deadline: Option<String>,
    exam_no: Option<String>,
    exam_hospital: Option<String>,
    exam_on: Option<String>,
}

/// The columns of [`SummaryRow`] (a macro so that queries stay static).
macro_rules! summary_columns {
    () => {
        "a.id, a.application_no, a.service, a.subject_label, a.status, a.fulfilment, a.created_at, u.display_name"
    };
}

#[async_trait]
impl Applications for Store {
    async fn save_draft(
        &self,
        account_id: i64,
        draft: Option<i64>,
        service: ServiceCode,
        input_json: &str,
        max_drafts: i64,
    ) -> PortResult<DraftSaved> {
        port("save_draft", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            if let Some(id) = draft {
                let updated = sqlx::query(
                    "UPDATE application_drafts SET input = $1, updated_at = $2 WHERE id = $3 AND account_id = $4 AND service = $5",
                )
                .bind(input_json)
                .bind(now)
                .bind(id)
                .bind(account_id)
                .bind(service.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 1 {
                    tx.commit().await?;
                    return Ok(DraftSaved::Saved(id));
                }
            }
            // A new draft: counted and inserted under the account's lock
            // (on SQLite the write transaction is the lock), so parallel
            // saves cannot pass the cap.
            if self.backend == Backend::Postgres {
                sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let drafts: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM application_drafts WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if drafts >= max_drafts {
                return Ok(DraftSaved::Full(drafts));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO application_drafts (account_id, service, input, updated_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(account_id)
            .bind(service.code())
            .bind(input_json)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(DraftSaved::Saved(id))
        })
        .await
    }

    async fn drafts(&self, account_id: i64, limit: i64) -> PortResult<Vec<DraftSummary>> {
        port("drafts", async {
            let rows: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT id, service, updated_at FROM application_drafts WHERE account_id = $1
                 ORDER BY updated_at DESC, id DESC LIMIT $2",
            )
            .bind(account_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(draft_id, service, updated_at_ms)| {
                    Ok(DraftSummary {
                        draft_id,
                        service: coded("draft service", &service, ServiceCode::from_code)?,
                        updated_at_ms,
                    })
                })
                .collect::<StoreResult<_>>()
        })
        .await
    }

    async fn delete_draft(&self, account_id: i64, draft: i64) -> PortResult<bool> {
        port("delete_draft", async {
            let mut tx = self.begin_write().await?;
            let deleted =
                sqlx::query("DELETE FROM application_drafts WHERE id = $1 AND account_id = $2")
                    .bind(draft)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            tx.commit().await?;
            Ok(deleted == 1)
        })
        .await
    }

    async fn load_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<(ServiceCode, String)>> {
        port("load_draft", async {
            let row: Option<(String, String)> = sqlx::query_as(
                "SELECT service, input FROM application_drafts WHERE id = $1 AND account_id = $2",
            )
            .bind(draft)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row
                .and_then(|(service, input)| ServiceCode::from_code(&service).map(|s| (s, input))))
        })
        .await
    }

    async fn submitted_from_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<String>> {
        port("submitted_from_draft", async {
            let no: Option<Option<String>> = sqlx::query_scalar(
                "SELECT application_no FROM applications WHERE account_id = $1 AND draft_id = $2",
            )
            .bind(account_id)
            .bind(draft)
            .fetch_optional(&self.pool)
            .await?;
            Ok(no.flatten())
        })
        .await
    }

    async fn submit(
        &self,
        new: NewApplication,
        draft: Option<i64>,
        actor: &Actor,
    ) -> PortResult<Option<String>> {
        port("submit", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            if let Some(draft) = draft {
                let used =
                    sqlx::query("DELETE FROM application_drafts WHERE id = $1 AND account_id = $2")
                        .bind(draft)
                        .bind(new.account_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                if used == 0 {
                    return Ok(None);
                }
            }
            let (recipient, phone, address) = match &new.post {
                Some((r, p, a)) => (Some(r.clone()), Some(p.clone()), Some(a.clone())),
                None => (None, None, None),
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO applications (account_id, service, vehicle_id, licence_id_number, subject_label, reason, new_date,
                    fulfilment, recipient, recipient_phone, address, fee_fen, postage_fen, status, created_at, updated_at, draft_id, physical_exam_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'submitted', $14, $14, $15, $16) RETURNING id",
            )
            .bind(new.account_id)
            .bind(new.service.code())
            .bind(new.vehicle_id)
            .bind(&new.licence_id_number)
            .bind(&new.subject_label)
            .bind(&new.reason)
            .bind(new.new_date.map(|d| d.to_iso()))
            .bind(new.fulfilment.map(|f| f.code()))
            .bind(recipient)
            .bind(phone)
            .bind(address)
            .bind(new.fee_fen)
            .bind(new.postage_fen)
            .bind(now)
            .bind(draft)
            .bind(new.physical_exam_id)
            .fetch_one(&mut *tx)
            .await?;
            let no = application_number(new.service, new.today, id);
            sqlx::query("UPDATE applications SET application_no = $1 WHERE id = $2")
                .bind(&no)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Store::insert_step(&mut tx, id, ApplicationStatus::Submitted, "", actor, now).await?;
            self.audit_in(
                &mut tx,
                actor,
                "application.submit",
                &format!("account:{}", new.account_id),
                &format!("{no} {} {}", new.service.code(), new.subject_label),
            )
            .await?;
            Store::notify_in(
                &mut tx,
                new.account_id,
                &status_message(
                    new.service,
                    &no,
                    ApplicationStatus::Submitted,
                    "",
                    None,
                    &self.collection_address,
                ),
                &format!("/account/applications/{no}"),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Some(no))
        })
        .await
    }

    async fn mine(
        &self,
        account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<ApplicationSummary>> {
        port("mine", async {
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await?;
            let page = page.within(total);
            let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                "SELECT ",
                summary_columns!(),
                " FROM applications a JOIN accounts u ON u.id = a.account_id
                 WHERE a.account_id = $1 ORDER BY a.id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(account_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
            let items = rows
                .into_iter()
                .map(TryInto::try_into)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn detail(&self, application_no: &str) -> PortResult<Option<ApplicationDetail>> {
        port("detail", async {
            let row: Option<DetailRow> = sqlx::query_as(concat!(
                "SELECT ",
                summary_columns!(),
                ", a.account_id, a.reason, a.new_date, a.recipient, a.recipient_phone, a.address, a.fee_fen,
                   a.postage_fen, a.reject_reason, a.refused_deliveries, a.pickup_deadline,
                   e.certificate_no AS exam_no, h.display_name AS exam_hospital, e.examined_on AS exam_on
                 FROM applications a JOIN accounts u ON u.id = a.account_id
                 LEFT JOIN physical_exams e ON e.id = a.physical_exam_id
                 LEFT JOIN accounts h ON h.id = e.hospital_account_id
                 WHERE a.application_no = $1"
            ))
            .bind(application_no)
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let steps: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT at, status, note FROM application_events WHERE application_id = $1 ORDER BY id",
            )
            .bind(row.summary.id)
            .fetch_all(&self.pool)
            .await?;
            let steps = steps
                .into_iter()
                .map(|(at_ms, status, note)| {
                    Ok(ApplicationStep {
                        at_ms,
                        status: coded("step status", &status, ApplicationStatus::from_code)?,
                        note,
                    })
                })
                .collect::<StoreResult<_>>()?;
            Ok(Some(ApplicationDetail {
                summary: row.summary.try_into()?,
                account_id: row.account_id,
                reason: row.reason,
                new_date: date_opt(row.new_date.as_deref()),
                recipient: row.recipient,
                recipient_phone: row.recipient_phone,
                address: row.address,
                fee_fen: row.fee_fen,
                postage_fen: row.postage_fen,
                reject_reason: row.reject_reason,
                refused_deliveries: row.refused_deliveries,
                pickup_deadline: date_opt(row.pickup_deadline.as_deref()),
                steps,
                physical_exam: match (row.exam_no, row.exam_hospital, row.exam_on) {
                    (Some(certificate_no), Some(hospital), Some(on)) => Some(ExamUsed {
                        certificate_no,
                        hospital,
                        examined_on: date("examined on", &on)?,
                    }),
                    _ => None,
                },
            }))
        })
        .await
    }

    async fn queue(&self, filter: &QueueFilter) -> PortResult<QueuePage> {
        port("queue", async {
            // Empty text means "any" for each filter; no status means every
            // open one.
            macro_rules! matching {
                () => {
                    " FROM applications a JOIN accounts u ON u.id = a.account_id
                     WHERE (($1 = '' AND a.status IN ('submitted', 'accepted', 'produced', 'dispatched', 'delivery_refused', 'ready_for_pickup'))
                            OR a.status = $1)
                       AND ($2 = '' OR a.service = $2)
                       AND ($3 = '' OR a.application_no = $3 OR u.display_name = $3)"
                };
            }
            let sql = if filter.newest_first {
                concat!("SELECT ", summary_columns!(), matching!(), " ORDER BY a.id DESC LIMIT $4 OFFSET $5")
            } else {
                concat!("SELECT ", summary_columns!(), matching!(), " ORDER BY a.id LIMIT $4 OFFSET $5")
            };
            let status = filter.status.map(|s| s.code()).unwrap_or("");
            let service = filter.service.map(|s| s.code()).unwrap_or("");
            let search = filter.search.as_deref().unwrap_or("");
            let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*)", matching!()))
                .bind(status)
                .bind(service)
                .bind(search)
                .fetch_one(&self.pool)
                .await?;
            let page = filter.page.within(total);
            let rows: Vec<SummaryRow> = sqlx::query_as(sql)
                .bind(status)
                .bind(service)
                .bind(search)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
            let items = rows
                .into_iter()
                .map(TryInto::try_into)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn audit_trail(&self, account_id: i64, limit: i64) -> PortResult<Vec<AuditEntry>> {
        port("audit_trail", async {
            let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
                "SELECT l.at, l.action, l.subject, l.detail, l.ip,
                        COALESCE(a.display_name, a.staff_username, '') AS actor_name
                 FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id
                 WHERE l.subject = $1 OR l.actor_account_id = $2
                 ORDER BY l.id DESC LIMIT $3",
            )
            .bind(format!("account:{account_id}"))
            .bind(account_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(
                    |(at_ms, action, subject, detail, ip, actor_name)| AuditEntry {
                        at_ms,
                        actor: if actor_name.is_empty() {
                            "系统".into()
                        } else {
                            actor_name
                        },
                        action,
                        subject,
                        detail,
                        ip,
                    },
                )
                .collect())
        })
        .await
    }
}
