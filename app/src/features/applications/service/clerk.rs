//! The clerk's side of applications (业务办理): what happened to an
//! application, and lifting a blacklisting.

use crate::domain::application::{clerk_events, ApplicationEvent};
use crate::error::AppError;
use crate::features::applications::service::application_not_found;
use crate::features::applications::StaffApplicationView;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// One application for a clerk: details, the events possible now, the
/// applicant's blacklist entries and audit trail.
/// Opening it is a read of the applicant's record: written to the audit
/// log with the applicant's account, for "谁查看过我的信息".
pub async fn view(
    ports: &Ports,
    application_no: &str,
    actor: &Actor,
) -> Result<StaffApplicationView, AppError> {
    let detail = ports
        .applications
        .detail(application_no)
        .await?
        .ok_or_else(application_not_found)?;
    ports
        .record_views
        .record_view(
            detail.account_id,
            &format!("application:{}", detail.summary.application_no),
            actor,
        )
        .await?;
    let service_fulfils = detail.summary.service.offers_fulfilment_choice();
    let events = clerk_events(
        detail.summary.status,
        if service_fulfils {
            detail.summary.fulfilment
        } else {
            None
        },
    );
    let blacklist = ports.blacklists.blacklist_of(detail.account_id).await?;
    let audit = ports
        .applications
        .audit_trail(detail.account_id, 100)
        .await?;
    Ok(StaffApplicationView {
        detail,
        events,
        blacklist,
        audit,
    })
}

/// Records what happened (accept, reject with reason, produced, posted,
/// ready, delivered, delivery refused, collected).
pub async fn record_event(
    ports: &Ports,
    application_no: &str,
    event: &str,
    note: Option<String>,
    actor: &Actor,
) -> Result<(), AppError> {
    let event = ApplicationEvent::from_code(event)
        .filter(|e| *e != ApplicationEvent::PickupExpired)
        .ok_or_else(|| {
            AppError::field("event", Text::new("请选择办理结果", "Choose what happened"))
        })?;
    let mut note = note.unwrap_or_default().trim().to_string();
    if event == ApplicationEvent::Dispatch {
        use crate::domain::Rule;
        match crate::domain::fulfilment::parse_tracking_no(&note) {
            Ok(no) => note = format!("邮件号 {no}"),
            Err(refusal) => {
                // Named apart from the reject reason, so the page marks
                // the right box.
                return Err(AppError::field(
                    "tracking_no",
                    Text::new(refusal.zh(), refusal.en()),
                ));
            }
        }
    }
    if event == ApplicationEvent::Reject && note.chars().count() < 4 {
        return Err(AppError::field(
            "note",
            Text::new(
                "退办时请写明原因（至少4个字），申请人会收到这段说明",
                "Give the reason for rejecting (at least 4 characters); the applicant receives it",
            ),
        ));
    }
    if note.chars().count() > 200 {
        return Err(AppError::field(
            "note",
            Text::new("说明不超过200个字", "At most 200 characters"),
        ));
    }
    let no = application_no;
    let outcome = ports
        .progress
        .record_event(no, event, &note, ports.clock.today(), actor)
        .await?;
    match outcome {
        None => return Err(application_not_found()),
        Some(Err(refused)) => {
            return Err(AppError::Conflict(Text::new(
                format!(
                    "该业务当前状态为“{}”，不能“{}”。可能已被其他民警处理，请刷新后再试。",
                    refused.from.zh(),
                    refused.event.zh()
                ),
                format!(
                    "The application is \"{}\"; \"{}\" is not possible. Another clerk may have handled it; reload and try again.",
                    refused.from.en(),
                    refused.event.en()
                ),
            )))
        }
        Some(Ok(_)) => {}
    }
    if event == ApplicationEvent::DeliveryRefused {
        // The third refusal blacklists at once (the scheduled sweep would too).
        ports
            .blacklists
            .sweep_blacklist(ports.clock.today())
            .await?;
    }
    Ok(())
}

/// Lifts a blacklisting, with the reason recorded.
pub async fn lift_blacklist(
    ports: &Ports,
    entry_id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 4 || reason.chars().count() > 200 {
        return Err(AppError::field(
            "reason",
            Text::new(
                "请写明解除原因（4至200个字），将记入审计记录",
                "Give the reason for lifting it (4 to 200 characters); it is recorded in the audit trail",
            ),
        ));
    }
    let lifted = ports
        .blacklists
        .lift_blacklist(entry_id, reason, actor)
        .await?;
    if !lifted {
        return Err(AppError::Conflict(Text::new(
            "该黑名单记录已解除或不存在。",
            "That blacklisting was already lifted or does not exist.",
        )));
    }
    Ok(())
}
