//! An application's progress (业务进度) in the store: a clerk's or the
//! scheduler's event moves it by conditional update (the transition rules
//! are `domain::application`), with its step, audit record and notice.

use super::rows::coded;
use super::{port, Store, StoreResult, Tx};
use crate::db::Backend;
use app::domain::application::{
    next_status, ApplicationEvent, ApplicationStatus, TransitionRefused,
};
use app::domain::fulfilment::{pickup_deadline, Fulfilment};
use app::domain::{Date, ServiceCode, Sms};
use app::ports::*;
use async_trait::async_trait;

/// The notice of an application's new status (a template, see
/// `app::domain::sms`).
pub(super) fn status_message(
    service: ServiceCode,
    no: &str,
    status: ApplicationStatus,
    note: &str,
    deadline: Option<Date>,
    centre_address: &str,
) -> Sms {
    Sms::application_status(
        status,
        service.zh(),
        no,
        note,
        &deadline.map(|d| d.to_string()).unwrap_or_default(),
        centre_address,
    )
}

impl Store {
    pub(super) async fn move_application(
        &self,
        actor: &Actor,
        application_no: &str,
        event: ApplicationEvent,
        note: &str,
        today: Date,
    ) -> StoreResult<Option<Result<ApplicationStatus, TransitionRefused>>> {
        let now = self.clock.now_ms();
        let mut tx = self.begin_write().await?;
        let sql = match self.backend {
            Backend::Postgres => "SELECT id, account_id, service, status, fulfilment FROM applications WHERE application_no = $1 FOR UPDATE",
            Backend::Sqlite => "SELECT id, account_id, service, status, fulfilment FROM applications WHERE application_no = $1",
        };
        let row: Option<(i64, i64, String, String, Option<String>)> = sqlx::query_as(sql)
            .bind(application_no)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((id, account_id, service, status, fulfilment)) = row else {
            return Ok(None);
        };
        let service = coded("service", &service, ServiceCode::from_code)?;
        let from = coded("application status", &status, ApplicationStatus::from_code)?;
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
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Some(Err(TransitionRefused { from, event })));
        }
        Store::insert_step(&mut tx, id, to, note, actor, now).await?;
        self.audit_in(
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
            &status_message(
                service,
                application_no,
                to,
                note,
                deadline,
                &self.collection_address,
            ),
            &format!("/account/applications/{application_no}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Ok(to)))
    }

    pub(super) async fn insert_step(
        tx: &mut Tx,
        application_id: i64,
        status: ApplicationStatus,
        note: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO application_events (application_id, at, status, note, actor_account_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(application_id)
        .bind(now)
        .bind(status.code())
        .bind(note)
        .bind(actor.account_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl ApplicationProgress for Store {
    async fn record_event(
        &self,
        application_no: &str,
        event: ApplicationEvent,
        note: &str,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Option<Result<ApplicationStatus, TransitionRefused>>> {
        port(
            "record_event",
            self.move_application(actor, application_no, event, note, today),
        )
        .await
    }
}
