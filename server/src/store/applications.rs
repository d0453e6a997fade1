//! Document applications in the store: submission, the status history,
//! clerk events by conditional update, the blacklist sweep (safe on many
//! servers at once: one entry per application, enforced by a unique
//! constraint) and the audit trail.

use super::{db_error, Store};
use crate::db::Backend;
use app::domain::application::{
    application_number, next_status, ApplicationEvent, ApplicationStatus, TransitionRefused,
};
use app::domain::fulfilment::{
    blacklisted_until, pickup_deadline, Fulfilment, BLACKLIST_REFUSED_DELIVERIES,
};
use app::domain::{Date, ServiceCode};
use app::ports::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

const SUMMARY_COLUMNS: &str = "a.id, a.application_no, a.account_id, a.service, a.subject_label, a.status, a.fulfilment, a.created_at, u.display_name";

fn summary(row: &AnyRow) -> Result<ApplicationSummary, sqlx::Error> {
    let bad = |c: &str| sqlx::Error::ColumnNotFound(format!("{c} (unknown code)"));
    Ok(ApplicationSummary {
        application_no: row
            .try_get::<Option<String>, _>("application_no")?
            .unwrap_or_default(),
        service: ServiceCode::from_code(&row.try_get::<String, _>("service")?)
            .ok_or_else(|| bad("service"))?,
        subject_label: row.try_get("subject_label")?,
        status: ApplicationStatus::from_code(&row.try_get::<String, _>("status")?)
            .ok_or_else(|| bad("status"))?,
        fulfilment: row
            .try_get::<Option<String>, _>("fulfilment")?
            .as_deref()
            .and_then(Fulfilment::from_code),
        created_at_ms: row.try_get("created_at")?,
        applicant: row.try_get("display_name")?,
    })
}

fn date_of(row: &AnyRow, column: &str) -> Result<Option<Date>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(column)?
        .as_deref()
        .and_then(Date::parse_iso))
}

fn status_message(
    service: ServiceCode,
    no: &str,
    status: ApplicationStatus,
    note: &str,
    deadline: Option<Date>,
) -> String {
    let what = format!("您申请的{}业务（{no}）", service.zh());
    match status {
        ApplicationStatus::Accepted => format!("{what}已受理，正在制证。"),
        ApplicationStatus::Rejected => format!("{what}已退办，原因：{note}"),
        ApplicationStatus::Completed => format!("{what}已办结。"),
        ApplicationStatus::Produced => format!("{what}已制证。"),
        ApplicationStatus::Dispatched => {
            format!("{what}的牌证已交邮政寄出，请保持电话畅通，签收时支付工本费和邮递费。")
        }
        ApplicationStatus::DeliveryRefused => {
            format!("{what}的邮件被拒收退回。累计拒收3次将被列入黑名单。")
        }
        ApplicationStatus::Delivered => format!("{what}的邮件已签收。"),
        ApplicationStatus::ReadyForPickup => format!(
            "{what}的牌证已制好，请于{}前到互联网业务办理中心（{}）领取，逾期未领将被列入黑名单。",
            deadline.map(|d| d.to_string()).unwrap_or_default(),
            app::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_ZH
        ),
        ApplicationStatus::Collected => format!("{what}的牌证已领取。"),
        ApplicationStatus::Uncollected => format!("{what}的牌证超过一个月未领取。"),
        ApplicationStatus::Submitted => format!("{what}已提交，等待受理。"),
    }
}

impl Store {
    async fn insert_step(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        application_id: i64,
        status: ApplicationStatus,
        note: &str,
        actor: &Actor,
        now: i64,
    ) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO application_events (application_id, at, status, note, actor_account_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(application_id)
        .bind(now)
        .bind(status.code())
        .bind(note)
        .bind(actor.account_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error("write application step"))?;
        Ok(())
    }
}

#[async_trait]
impl Applications for Store {
    async fn save_draft(
        &self,
        account_id: i64,
        draft: Option<i64>,
        service: ServiceCode,
        input_json: &str,
    ) -> PortResult<i64> {
        let now = crate::clock::unix_ms();
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
            .await
            .map_err(db_error("update draft"))?
            .rows_affected();
            if updated == 1 {
                tx.commit().await.map_err(db_error("commit draft"))?;
                return Ok(id);
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO application_drafts (account_id, service, input, updated_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(service.code())
        .bind(input_json)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_error("insert draft"))?;
        tx.commit().await.map_err(db_error("commit draft"))?;
        Ok(id)
    }

    async fn load_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<(ServiceCode, String)>> {
        let row = sqlx::query(
            "SELECT service, input FROM application_drafts WHERE id = $1 AND account_id = $2",
        )
        .bind(draft)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load draft"))?;
        let Some(row) = row else { return Ok(None) };
        let service: String = row.try_get("service").map_err(db_error("read draft"))?;
        let input: String = row.try_get("input").map_err(db_error("read draft"))?;
        Ok(ServiceCode::from_code(&service).map(|s| (s, input)))
    }

    async fn submitted_from_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT application_no FROM applications WHERE account_id = $1 AND draft_id = $2",
        )
        .bind(account_id)
        .bind(draft)
        .fetch_optional(&self.pool)
        .await
        .map(Option::flatten)
        .map_err(db_error("find application of draft"))
    }

    async fn submit(
        &self,
        new: NewApplication,
        draft: Option<i64>,
        actor: &Actor,
    ) -> PortResult<Option<String>> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        if let Some(draft) = draft {
            let used =
                sqlx::query("DELETE FROM application_drafts WHERE id = $1 AND account_id = $2")
                    .bind(draft)
                    .bind(new.account_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error("use draft"))?
                    .rows_affected();
            if used == 0 {
                return Ok(None);
            }
        }
        let (recipient, phone, address) = match &new.post {
            Some((r, p, a)) => (Some(r.clone()), Some(p.clone()), Some(a.clone())),
            None => (None, None, None),
        };
        let id: i64 = sqlx::query(
            "INSERT INTO applications (account_id, service, vehicle_id, licence_id_number, subject_label, reason, new_date,
                fulfilment, recipient, recipient_phone, address, fee_fen, postage_fen, status, created_at, updated_at, draft_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'submitted', $14, $14, $15) RETURNING id",
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
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_error("insert application"))?;
        let no = application_number(new.service, new.today, id);
        sqlx::query("UPDATE applications SET application_no = $1 WHERE id = $2")
            .bind(&no)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("number application"))?;
        Store::insert_step(&mut tx, id, ApplicationStatus::Submitted, "", actor, now).await?;
        Store::audit_in(
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
            "业务申请已提交",
            &status_message(new.service, &no, ApplicationStatus::Submitted, "", None),
            &format!("/account/applications/{no}"),
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit application"))?;
        Ok(Some(no))
    }

    async fn mine(&self, account_id: i64) -> PortResult<Vec<ApplicationSummary>> {
        sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN accounts u ON u.id = a.account_id
             WHERE a.account_id = $1 ORDER BY a.id DESC"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list applications"))?
        .iter()
        .map(summary)
        .collect::<Result<_, _>>()
        .map_err(db_error("read application"))
    }

    async fn detail(&self, application_no: &str) -> PortResult<Option<ApplicationDetail>> {
        let row = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}, a.reason, a.new_date, a.recipient, a.recipient_phone, a.address, a.fee_fen,
                    a.postage_fen, a.reject_reason, a.refused_deliveries, a.pickup_deadline
             FROM applications a JOIN accounts u ON u.id = a.account_id WHERE a.application_no = $1"
        ))
        .bind(application_no)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load application"))?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id").map_err(db_error("read application"))?;
        let steps = sqlx::query(
            "SELECT at, status, note FROM application_events WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("load application steps"))?
        .iter()
        .map(|r| {
            Ok(ApplicationStep {
                at_ms: r.try_get("at")?,
                status: ApplicationStatus::from_code(&r.try_get::<String, _>("status")?)
                    .ok_or_else(|| sqlx::Error::ColumnNotFound("status".into()))?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(db_error("read application step"))?;
        let read = || -> Result<ApplicationDetail, sqlx::Error> {
            Ok(ApplicationDetail {
                summary: summary(&row)?,
                account_id: row.try_get("account_id")?,
                reason: row.try_get("reason")?,
                new_date: date_of(&row, "new_date")?,
                recipient: row.try_get("recipient")?,
                recipient_phone: row.try_get("recipient_phone")?,
                address: row.try_get("address")?,
                fee_fen: row.try_get("fee_fen")?,
                postage_fen: row.try_get("postage_fen")?,
                reject_reason: row.try_get("reject_reason")?,
                refused_deliveries: row.try_get("refused_deliveries")?,
                pickup_deadline: date_of(&row, "pickup_deadline")?,
                steps: steps.clone(),
            })
        };
        read().map(Some).map_err(db_error("read application"))
    }

    async fn queue(
        &self,
        status: Option<ApplicationStatus>,
        limit: i64,
    ) -> PortResult<Vec<ApplicationSummary>> {
        let open = "'submitted', 'accepted', 'produced', 'dispatched', 'delivery_refused', 'ready_for_pickup'";
        let query = match status {
            Some(_) => format!(
                "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN accounts u ON u.id = a.account_id
                 WHERE a.status = $1 ORDER BY a.id LIMIT $2"
            ),
            None => format!(
                "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN accounts u ON u.id = a.account_id
                 WHERE a.status IN ({open}) AND $1 = $1 ORDER BY a.id LIMIT $2"
            ),
        };
        sqlx::query(&query)
            .bind(status.map(|s| s.code()).unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("list queue"))?
            .iter()
            .map(summary)
            .collect::<Result<_, _>>()
            .map_err(db_error("read queue"))
    }

    async fn record_event(
        &self,
        application_no: &str,
        event: ApplicationEvent,
        note: &str,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Option<Result<ApplicationStatus, TransitionRefused>>> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let row = sqlx::query(&format!(
            "SELECT id, account_id, service, status, fulfilment FROM applications WHERE application_no = $1{lock}"
        ))
        .bind(application_no)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load application"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<(i64, i64, String, String, Option<String>), sqlx::Error> {
            Ok((
                row.try_get("id")?,
                row.try_get("account_id")?,
                row.try_get("service")?,
                row.try_get("status")?,
                row.try_get("fulfilment")?,
            ))
        };
        let (id, account_id, service, status, fulfilment) =
            read().map_err(db_error("read application"))?;
        let service = ServiceCode::from_code(&service)
            .ok_or_else(|| PortError::Internal(format!("unknown service {service}")))?;
        let from = ApplicationStatus::from_code(&status)
            .ok_or_else(|| PortError::Internal(format!("unknown status {status}")))?;
        let fulfilment = if service.offers_fulfilment_choice() {
            fulfilment.as_deref().and_then(Fulfilment::from_code)
        } else {
            None
        };
        let to = match next_status(from, event, fulfilment) {
            Ok(to) => to,
            Err(refused) => return Ok(Some(Err(refused))),
        };
        let deadline = (to == ApplicationStatus::ReadyForPickup).then(|| pickup_deadline(today));
        let changed = sqlx::query(
            "UPDATE applications SET status = $1, updated_at = $2,
                reject_reason = CASE WHEN $1 = 'rejected' THEN $3 ELSE reject_reason END,
                refused_deliveries = refused_deliveries + CASE WHEN $1 = 'delivery_refused' THEN 1 ELSE 0 END,
                ready_on = CASE WHEN $1 = 'ready_for_pickup' THEN $4 ELSE ready_on END,
                pickup_deadline = CASE WHEN $1 = 'ready_for_pickup' THEN $5 ELSE pickup_deadline END
             WHERE id = $6 AND status = $7",
        )
        .bind(to.code())
        .bind(now)
        .bind(note)
        .bind(today.to_iso())
        .bind(deadline.map(|d| d.to_iso()))
        .bind(id)
        .bind(from.code())
        .execute(&mut *tx)
        .await
        .map_err(db_error("move application"))?
        .rows_affected();
        if changed == 0 {
            return Ok(Some(Err(TransitionRefused { from, event })));
        }
        Store::insert_step(&mut tx, id, to, note, actor, now).await?;
        Store::audit_in(
            &mut tx,
            actor,
            &format!("application.{}", event.code()),
            &format!("account:{account_id}"),
            &format!("{application_no}: {} -> {} {note}", from.code(), to.code()),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            &format!("业务进度：{}", to.zh()),
            &status_message(service, application_no, to, note, deadline),
            &format!("/account/applications/{application_no}"),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(db_error("commit application event"))?;
        Ok(Some(Ok(to)))
    }

    async fn sweep_blacklist(&self, today: Date) -> PortResult<usize> {
        let gateway = Actor {
            account_id: None,
            ip: "scheduler".into(),
        };
        let mut made = 0;
        // Pick-ups past their deadline: the conditional update decides which
        // server records it; only that one blacklists and notifies.
        let overdue = sqlx::query(
            "SELECT application_no FROM applications WHERE status = 'ready_for_pickup' AND pickup_deadline < $1 ORDER BY id",
        )
        .bind(today.to_iso())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("find uncollected"))?
        .iter()
        .map(|r| r.try_get::<Option<String>, _>("application_no"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error("read uncollected"))?;
        for no in overdue.into_iter().flatten() {
            if let Some(Ok(_)) = self
                .record_event(&no, ApplicationEvent::PickupExpired, "", today, &gateway)
                .await?
            {
                made += self.blacklist_for(&no, "not_collected", today).await?;
            }
        }
        let refused = sqlx::query(
            "SELECT a.application_no FROM applications a
             WHERE a.refused_deliveries >= $1
               AND NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.application_id = a.id)
             ORDER BY a.id",
        )
        .bind(i64::from(BLACKLIST_REFUSED_DELIVERIES))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("find refused deliveries"))?
        .iter()
        .map(|r| r.try_get::<Option<String>, _>("application_no"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error("read refused deliveries"))?;
        for no in refused.into_iter().flatten() {
            made += self.blacklist_for(&no, "deliveries_refused", today).await?;
        }
        Ok(made)
    }

    async fn blacklist_of(&self, account_id: i64) -> PortResult<Vec<BlacklistEntry>> {
        sqlx::query(
            "SELECT b.id, a.application_no, b.cause, b.since, b.until, b.lifted_at, b.lift_reason
             FROM blacklist b JOIN applications a ON a.id = b.application_id
             WHERE b.account_id = $1 ORDER BY b.id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("load blacklist"))?
        .iter()
        .map(|r| {
            let since =
                date_of(r, "since")?.ok_or_else(|| sqlx::Error::ColumnNotFound("since".into()))?;
            let until =
                date_of(r, "until")?.ok_or_else(|| sqlx::Error::ColumnNotFound("until".into()))?;
            let lifted = match r.try_get::<Option<i64>, _>("lifted_at")? {
                Some(at) => Some(format!(
                    "{} {}",
                    app::domain::date::cst_date_time(at),
                    r.try_get::<Option<String>, _>("lift_reason")?
                        .unwrap_or_default()
                )),
                None => None,
            };
            Ok(BlacklistEntry {
                id: r.try_get("id")?,
                application_no: r
                    .try_get::<Option<String>, _>("application_no")?
                    .unwrap_or_default(),
                cause: r.try_get("cause")?,
                since,
                until,
                lifted,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db_error("read blacklist"))
    }

    async fn lift_blacklist(&self, entry_id: i64, reason: &str, actor: &Actor) -> PortResult<bool> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE blacklist SET lifted_at = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL",
        )
        .bind(now)
        .bind(actor.account_id)
        .bind(reason)
        .bind(entry_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("lift blacklist"))?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let account_id: i64 = sqlx::query("SELECT account_id FROM blacklist WHERE id = $1")
            .bind(entry_id)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("account_id"))
            .map_err(db_error("load blacklist entry"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "blacklist.lift",
            &format!("account:{account_id}"),
            &format!("entry {entry_id}: {reason}"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "黑名单已解除",
            "您的黑名单记录已由民警解除，可以在网上申请补牌换证业务。",
            "/account/applications",
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit lift"))?;
        Ok(true)
    }

    async fn audit_trail(&self, account_id: i64, limit: i64) -> PortResult<Vec<AuditEntry>> {
        sqlx::query(
            "SELECT l.at, l.action, l.subject, l.detail, l.ip,
                    COALESCE(a.display_name, a.staff_username, '') AS actor_name, l.actor_account_id
             FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id
             WHERE l.subject = $1 OR l.actor_account_id = $2
             ORDER BY l.id DESC LIMIT $3",
        )
        .bind(format!("account:{account_id}"))
        .bind(account_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("load audit trail"))?
        .iter()
        .map(|r| {
            let actor_name: String = r.try_get("actor_name")?;
            Ok(AuditEntry {
                at_ms: r.try_get("at")?,
                actor: if actor_name.is_empty() {
                    "系统".into()
                } else {
                    actor_name
                },
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                detail: r.try_get("detail")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db_error("read audit trail"))
    }
}

impl Store {
    /// Records one blacklist entry for an application (once, whoever runs it).
    async fn blacklist_for(
        &self,
        application_no: &str,
        cause: &str,
        today: Date,
    ) -> PortResult<usize> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT id, account_id FROM applications WHERE application_no = $1")
            .bind(application_no)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error("load application"))?;
        let (id, account_id): (i64, i64) = (
            row.try_get("id").map_err(db_error("read"))?,
            row.try_get("account_id").map_err(db_error("read"))?,
        );
        let until = blacklisted_until(today);
        let inserted = sqlx::query(
            "INSERT INTO blacklist (account_id, application_id, cause, since, until, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(id)
        .bind(cause)
        .bind(today.to_iso())
        .bind(until.to_iso())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error("insert blacklist"))?
        .rows_affected();
        if inserted == 0 {
            return Ok(0);
        }
        let system = Actor {
            account_id: None,
            ip: "scheduler".into(),
        };
        let why = if cause == "deliveries_refused" {
            "邮寄的牌证被拒收3次"
        } else {
            "自取的牌证超过一个月未领取"
        };
        Store::audit_in(
            &mut tx,
            &system,
            "blacklist.add",
            &format!("account:{account_id}"),
            &format!("{application_no}: {cause}, until {until}"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "您已被列入黑名单",
            &format!("因业务{application_no}{why}，您已被列入黑名单，{until}前不能在网上申请补牌换证业务。"),
            "/account/applications",
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit blacklist"))?;
        Ok(1)
    }
}
