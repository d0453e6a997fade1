//! Document applications (补换领牌证和延期业务) for applicants, and their
//! processing in the staff console: eligibility, fees shown before
//! submission, fulfilment, the status history, the blacklist and the
//! applicant's audit trail. SPEC §4–5.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::domain::application::{ApplicationEvent, ApplicationStatus};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::{Date, ServiceCode};
use crate::error::{AppError, Refusal};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What an application is about: a bound vehicle or the bound licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// "v:<vehicle id>" or "licence".
    pub key: String,
    /// The plate, or the licence class and number, for people.
    pub label: String,
    /// Why this subject cannot be used for this service, if it cannot.
    pub refusal: Option<Refusal>,
    /// For deferrals: the date being deferred.
    pub current_due: Option<Date>,
    /// What the applicant must know before applying (an expired licence
    /// still renewed), if anything.
    pub notice: Option<crate::i18n::Text>,
}

/// Everything the application form needs for one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOptions {
    pub service: ServiceCode,
    /// Why the person cannot apply for this service at all, if so.
    pub refusal: Option<Refusal>,
    pub subjects: Vec<Subject>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub offers_fulfilment: bool,
    pub is_deferral: bool,
    pub documents_to_return: Option<crate::i18n::Text>,
    pub pickup_address: crate::i18n::Text,
}

/// One application in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub application_no: String,
    pub service: ServiceCode,
    pub subject_label: String,
    pub status: ApplicationStatus,
    pub fulfilment: Option<Fulfilment>,
    pub created_at_ms: i64,
    pub applicant: String,
}

/// One step of the status history (办理进度).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationStep {
    pub at_ms: i64,
    pub status: ApplicationStatus,
    pub note: String,
}

/// An application with its details and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub summary: ApplicationSummary,
    pub account_id: i64,
    pub reason: Option<String>,
    pub new_date: Option<Date>,
    pub recipient: Option<String>,
    pub recipient_phone: Option<String>,
    pub address: Option<String>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub reject_reason: Option<String>,
    pub refused_deliveries: i64,
    pub pickup_deadline: Option<Date>,
    pub steps: Vec<ApplicationStep>,
}

/// A blacklisting (黑名单记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlacklistEntry {
    pub id: i64,
    pub application_no: String,
    /// "deliveries_refused" or "not_collected".
    pub cause: String,
    pub since: Date,
    pub until: Date,
    pub lifted: Option<String>,
}

impl BlacklistEntry {
    pub fn cause_text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        if self.cause == "deliveries_refused" {
            Text::new(
                format!("业务{}的邮件被拒收3次", self.application_no),
                format!("the post for {} was refused 3 times", self.application_no),
            )
        } else {
            Text::new(
                format!("业务{}的牌证超过一个月未领取", self.application_no),
                format!(
                    "the documents of {} were not collected within a month",
                    self.application_no
                ),
            )
        }
    }

    pub fn is_active(&self, today: Date) -> bool {
        self.lifted.is_none() && self.until >= today
    }
}

/// The applications page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplications {
    pub items: Vec<ApplicationSummary>,
    /// Each document service with the reason it is refused, if it is.
    pub services: Vec<(ServiceCode, Option<Refusal>)>,
    pub blacklist: Vec<BlacklistEntry>,
}

/// One audit record (审计记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub ip: String,
}

/// The staff view of one application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffApplicationView {
    pub detail: ApplicationDetail,
    pub events: Vec<ApplicationEvent>,
    pub blacklist: Vec<BlacklistEntry>,
    pub audit: Vec<AuditEntry>,
}

/// The person's applications, what they may apply for, and any blacklisting.
#[server(prefix = "/api", endpoint = "applications_overview")]
pub async fn applications_overview() -> Result<MyApplications, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let today = ports.clock.today();
    let items = ports
        .applications
        .mine(account.account_id)
        .await
        .map_err(port("list applications"))?;
    let blacklist = ports
        .applications
        .blacklist_of(account.account_id)
        .await
        .map_err(port("load blacklist"))?;
    let blacklisted_until = active_until(&blacklist, today);
    let actor = account.service_actor();
    let services = crate::domain::application::APPLICATION_SERVICES
        .iter()
        .map(|s| {
            let refusal = actor
                .as_ref()
                .map(|a| crate::domain::may_use(a, *s, today))
                .unwrap_or(Ok(()))
                .and_then(|_| {
                    crate::domain::application::application_allowed(
                        *s,
                        &crate::domain::application::ApplicationFacts {
                            today,
                            blacklisted_until,
                            licence: None,
                            vehicle_type: None,
                        },
                    )
                })
                .err()
                .map(refusal_of);
            (*s, refusal)
        })
        .collect();
    Ok(MyApplications {
        items,
        services,
        blacklist,
    })
}

/// The form's options for one service: eligible subjects and fees.
#[server(prefix = "/api", endpoint = "application_form")]
pub async fn application_form(service: String) -> Result<ApplyOptions, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let service = parse_service(&service)?;
    options_for(&ports, &account, service).await
}

/// What the person typed into the application form, kept as typed (a
/// draft may be incomplete; nothing typed is lost on an error).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationInput {
    pub subject: String,
    pub reason: Option<String>,
    pub new_date: Option<String>,
    pub fulfilment: Option<String>,
    pub recipient: Option<String>,
    pub recipient_phone: Option<String>,
    pub address: Option<String>,
}

/// A saved draft with the form's options and what is still wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDraft {
    pub draft_id: i64,
    pub options: ApplyOptions,
    pub input: ApplicationInput,
    /// None when the draft is ready to submit.
    pub problems: Option<AppError>,
}

/// Submits an application in one call (for unit systems and tests; the
/// browser goes through a draft and the check-your-answers page).
/// Answers the application number.
#[server(prefix = "/api", endpoint = "submit_application")]
pub async fn submit_application(
    service: String,
    subject: String,
    reason: Option<String>,
    new_date: Option<String>,
    fulfilment: Option<String>,
    recipient: Option<String>,
    recipient_phone: Option<String>,
    address: Option<String>,
) -> Result<String, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let service = parse_service(&service)?;
    let input = ApplicationInput {
        subject,
        reason,
        new_date,
        fulfilment,
        recipient,
        recipient_phone,
        address,
    };
    let new = validate_input(&ports, &account, service, &input).await?;
    let no = ports
        .applications
        .submit(new, None, &actor())
        .await
        .map_err(port("submit application"))?
        .ok_or_else(application_not_found)?;
    redirect_to(&format!("/account/applications/{no}?submitted=1"));
    Ok(no)
}

/// Saves what the form holds as a draft (草稿), then goes to the
/// check-your-answers page, or back to the form with the problems and
/// everything typed. Answers the draft id.
#[server(prefix = "/api", endpoint = "save_application_draft")]
pub async fn save_application_draft(
    service: String,
    draft: Option<i64>,
    subject: Option<String>,
    reason: Option<String>,
    new_date: Option<String>,
    fulfilment: Option<String>,
    recipient: Option<String>,
    recipient_phone: Option<String>,
    address: Option<String>,
) -> Result<i64, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let service = parse_service(&service)?;
    let keep = |v: Option<String>| v.map(|s| s.chars().take(200).collect::<String>());
    let input = ApplicationInput {
        subject: subject.unwrap_or_default(),
        reason: keep(reason),
        new_date: keep(new_date),
        fulfilment: keep(fulfilment),
        recipient: keep(recipient),
        recipient_phone: keep(recipient_phone),
        address: keep(address),
    };
    let json = serde_json::to_string(&input).map_err(|e| internal("encode draft", e))?;
    let id = ports
        .applications
        .save_draft(account.account_id, draft, service, &json)
        .await
        .map_err(port("save draft"))?;
    let page = match validate_input(&ports, &account, service, &input).await {
        Ok(_) => format!("/account/apply/{}/check?draft={id}", service.code()),
        Err(_) => format!("/account/apply/{}?draft={id}", service.code()),
    };
    redirect_to(&page);
    Ok(id)
}

/// A draft of this account, with the form's options and its problems.
#[server(prefix = "/api", endpoint = "load_application_draft")]
pub async fn load_application_draft(draft: i64) -> Result<ApplicationDraft, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let (service, input) = load_draft(&ports, account.account_id, draft).await?;
    let options = options_for(&ports, &account, service).await?;
    let problems = validate_input(&ports, &account, service, &input)
        .await
        .err();
    Ok(ApplicationDraft {
        draft_id: draft,
        options,
        input,
        problems,
    })
}

/// Submits a checked draft. Twice (a double click, a second tab) submits
/// once: the draft is used up in the same transaction.
#[server(prefix = "/api", endpoint = "confirm_application")]
pub async fn confirm_application(draft: i64) -> Result<String, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let (service, input) = load_draft(&ports, account.account_id, draft).await?;
    let new = validate_input(&ports, &account, service, &input).await?;
    let no = ports
        .applications
        .submit(new, Some(draft), &actor())
        .await
        .map_err(port("submit application"))?
        .ok_or_else(|| {
            AppError::Conflict(crate::i18n::Text::new(
                "这份申请已经提交过了，请在“补换证业务”中查看。",
                "This application was already submitted; see Documents.",
            ))
        })?;
    redirect_to(&format!("/account/applications/{no}?submitted=1"));
    Ok(no)
}

#[cfg(feature = "ssr")]
async fn load_draft(
    ports: &crate::ports::Ports,
    account_id: i64,
    draft: i64,
) -> Result<(ServiceCode, ApplicationInput), AppError> {
    use super::server::{internal, port, redirect_to};
    let found = ports
        .applications
        .load_draft(account_id, draft)
        .await
        .map_err(port("load draft"))?;
    let Some((service, json)) = found else {
        // Back after submitting: the draft became an application; go there.
        let submitted = ports
            .applications
            .submitted_from_draft(account_id, draft)
            .await
            .map_err(port("find application of draft"))?;
        if let Some(no) = &submitted {
            redirect_to(&format!("/account/applications/{no}?already=1"));
        }
        return Err(AppError::NotFound(crate::i18n::Text::new(
            "没有找到这份草稿，可能已经提交。请在“补换证业务”中查看您的申请。",
            "That draft was not found; it may have been submitted. See your applications under Documents.",
        )));
    };
    let input = serde_json::from_str(&json).map_err(|e| internal("decode draft", e))?;
    Ok((service, input))
}

/// Checks an application against every rule; answers what to store.
#[cfg(feature = "ssr")]
async fn validate_input(
    ports: &crate::ports::Ports,
    account: &super::SessionAccount,
    service: ServiceCode,
    input: &ApplicationInput,
) -> Result<crate::ports::NewApplication, AppError> {
    use crate::domain::application::{check_deferral, DeferralReason};
    use crate::domain::{PersonName, PhoneNumber};
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    use crate::ports::NewApplication;
    let options = options_for(ports, account, service).await?;
    if let Some(refusal) = options.refusal.clone() {
        return Err(AppError::NotAllowed(refusal));
    }
    let today = ports.clock.today();
    let mut check = FieldCheck::new();
    let chosen = options.subjects.iter().find(|s| s.key == input.subject);
    match chosen {
        None => check.push(
            "subject",
            Text::new(
                "请选择要办理的机动车或驾驶证",
                "Choose the vehicle or licence",
            ),
        ),
        Some(s) => {
            if let Some(r) = &s.refusal {
                return Err(AppError::NotAllowed(r.clone()));
            }
        }
    }
    let mut reason_code = None;
    let mut new_due = None;
    if options.is_deferral {
        reason_code = input
            .reason
            .as_deref()
            .and_then(DeferralReason::from_code)
            .map(|r| r.code().to_string());
        if reason_code.is_none() {
            check.push("reason", Text::new("请选择延期理由", "Choose the reason"));
        }
        match input
            .new_date
            .as_deref()
            .map(str::trim)
            .and_then(Date::parse_iso)
        {
            None => check.push(
                "new_date",
                Text::new(
                    "请按“年-月-日”填写延期后的日期，例如2027-06-30",
                    "Enter the new date as year-month-day, for example 2027-06-30",
                ),
            ),
            Some(d) => {
                match check_deferral(service, chosen.and_then(|s| s.current_due), d, today) {
                    Ok(()) => new_due = Some(d),
                    Err((zh, en)) => check.push("new_date", Text::new(zh, en)),
                }
            }
        }
    }
    let mut how = None;
    let mut post = None;
    if options.offers_fulfilment {
        how = input.fulfilment.as_deref().and_then(Fulfilment::from_code);
        match how {
            None => check.push(
                "fulfilment",
                Text::new("请选择领取方式：自取或邮递", "Choose collection or post"),
            ),
            Some(Fulfilment::Post) => {
                let name = check.take(
                    "recipient",
                    PersonName::parse(input.recipient.as_deref().unwrap_or("")),
                );
                let phone = check.take(
                    "recipient_phone",
                    PhoneNumber::parse(input.recipient_phone.as_deref().unwrap_or("")),
                );
                let addr = input
                    .address
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or("")
                    .to_string();
                if addr.chars().count() < 8 || addr.chars().count() > 120 {
                    check.push(
                        "address",
                        Text::new(
                            "请填写完整的收件地址（省市区、街道和门牌号，8至120个字）",
                            "Enter the full postal address (8 to 120 characters)",
                        ),
                    );
                }
                if let (Some(n), Some(p)) = (name, phone) {
                    post = Some((n.as_str().to_string(), p.as_str().to_string(), addr));
                }
            }
            Some(Fulfilment::SelfPickup) => {}
        }
    }
    check.finish()?;
    let chosen = chosen.expect("checked");
    let vehicle_id = chosen
        .key
        .strip_prefix("v:")
        .and_then(|id| id.parse::<i64>().ok());
    let licence_id_number = match (&vehicle_id, owner_id(ports, account.account_id).await?) {
        (None, Some(id)) => Some(id),
        _ => None,
    };
    Ok(NewApplication {
        account_id: account.account_id,
        service,
        vehicle_id,
        licence_id_number,
        subject_label: chosen.label.clone(),
        reason: reason_code,
        new_date: new_due,
        fulfilment: how,
        post,
        fee_fen: options.fee_fen,
        postage_fen: if how == Some(Fulfilment::Post) {
            options.postage_fen
        } else {
            0
        },
        today,
    })
}

/// One of the person's applications with its status history.
#[server(prefix = "/api", endpoint = "my_application")]
pub async fn my_application(application_no: String) -> Result<ApplicationDetail, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    ports
        .applications
        .detail(application_no.trim())
        .await
        .map_err(port("load application"))?
        .filter(|d| d.account_id == account.account_id)
        .ok_or_else(application_not_found)
}

/// The staff console's queue: applications in one status (or all open).
#[server(prefix = "/api", endpoint = "staff/applications")]
pub async fn staff_applications(
    status: Option<String>,
) -> Result<Vec<ApplicationSummary>, AppError> {
    use super::server::*;
    let ports = ports()?;
    require_staff()?;
    let status = status.as_deref().and_then(ApplicationStatus::from_code);
    ports
        .applications
        .queue(status, 200)
        .await
        .map_err(port("list application queue"))
}

/// One application for a clerk: details, the events possible now, the
/// applicant's blacklist entries and audit trail.
#[server(prefix = "/api", endpoint = "staff/application")]
pub async fn staff_application(application_no: String) -> Result<StaffApplicationView, AppError> {
    use super::server::*;
    let ports = ports()?;
    require_staff()?;
    let detail = ports
        .applications
        .detail(application_no.trim())
        .await
        .map_err(port("load application"))?
        .ok_or_else(application_not_found)?;
    let service_fulfils = detail.summary.service.offers_fulfilment_choice();
    let events = crate::domain::application::clerk_events(
        detail.summary.status,
        if service_fulfils {
            detail.summary.fulfilment
        } else {
            None
        },
    );
    let blacklist = ports
        .applications
        .blacklist_of(detail.account_id)
        .await
        .map_err(port("load blacklist"))?;
    let audit = ports
        .applications
        .audit_trail(detail.account_id, 100)
        .await
        .map_err(port("load audit trail"))?;
    Ok(StaffApplicationView {
        detail,
        events,
        blacklist,
        audit,
    })
}

/// A clerk records what happened (accept, reject with reason, produced,
/// posted, ready, delivered, delivery refused, collected).
#[server(prefix = "/api", endpoint = "staff/application_event")]
pub async fn staff_application_event(
    application_no: String,
    event: String,
    note: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    require_staff()?;
    let event = ApplicationEvent::from_code(&event)
        .filter(|e| *e != ApplicationEvent::PickupExpired)
        .ok_or_else(|| {
            AppError::field("event", Text::new("请选择办理结果", "Choose what happened"))
        })?;
    let note = note.unwrap_or_default().trim().to_string();
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
    let no = application_no.trim();
    let outcome = ports
        .applications
        .record_event(no, event, &note, ports.clock.today(), &actor())
        .await
        .map_err(port("record application event"))?;
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
            .applications
            .sweep_blacklist(ports.clock.today())
            .await
            .map_err(port("blacklist sweep"))?;
    }
    redirect_to(&format!("/staff/applications/{no}?done=1"));
    Ok(())
}

/// A clerk lifts a blacklisting, with the reason recorded.
#[server(prefix = "/api", endpoint = "staff/lift_blacklist")]
pub async fn staff_lift_blacklist(
    entry_id: i64,
    reason: String,
    application_no: String,
) -> Result<(), AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    require_staff()?;
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
        .applications
        .lift_blacklist(entry_id, reason, &actor())
        .await
        .map_err(port("lift blacklist"))?;
    if !lifted {
        return Err(AppError::Conflict(Text::new(
            "该黑名单记录已解除或不存在。",
            "That blacklisting was already lifted or does not exist.",
        )));
    }
    redirect_to(&format!(
        "/staff/applications/{}?lifted=1",
        application_no.trim()
    ));
    Ok(())
}

/// The active blacklisting's last day, if any.
pub fn active_until(entries: &[BlacklistEntry], today: Date) -> Option<Date> {
    entries
        .iter()
        .filter(|e| e.is_active(today))
        .map(|e| e.until)
        .max()
}

/// The domain's refusal in the form that crosses the wire.
pub fn refusal_of(r: crate::domain::Refusal) -> Refusal {
    match AppError::from(r) {
        AppError::NotAllowed(r) => r,
        _ => unreachable!("a refusal converts to NotAllowed"),
    }
}

#[cfg(feature = "ssr")]
fn parse_service(code: &str) -> Result<ServiceCode, AppError> {
    ServiceCode::from_code(code.trim())
        .filter(|s| crate::domain::application::APPLICATION_SERVICES.contains(s))
        .ok_or_else(|| {
            AppError::NotFound(crate::i18n::Text::new(
                "没有这项业务。",
                "There is no such service.",
            ))
        })
}

#[cfg(feature = "ssr")]
fn application_not_found() -> AppError {
    AppError::NotFound(crate::i18n::Text::new(
        "没有找到这笔业务。",
        "That application was not found.",
    ))
}

#[cfg(feature = "ssr")]
async fn owner_id(
    ports: &crate::ports::Ports,
    account_id: i64,
) -> Result<Option<String>, AppError> {
    use super::server::port;
    Ok(
        match ports
            .bindings
            .account_owner(account_id)
            .await
            .map_err(port("load account owner"))?
        {
            Some(crate::ports::OwnerKey::Person(id)) => Some(id),
            _ => None,
        },
    )
}

/// Builds the options: who may apply, for which subjects, at what cost.
#[cfg(feature = "ssr")]
async fn options_for(
    ports: &crate::ports::Ports,
    account: &super::SessionAccount,
    service: ServiceCode,
) -> Result<ApplyOptions, AppError> {
    use super::server::port;
    use crate::domain::application::*;
    use crate::domain::BindingKind;
    use crate::i18n::Text;
    let today = ports.clock.today();
    let actor = account.service_actor().ok_or_else(|| {
        AppError::not_allowed(
            Text::new("民警账户不能申请业务。", "Staff accounts do not apply."),
            Text::new("请使用民警工作台。", "Use the staff console."),
        )
    })?;
    let blacklist = ports
        .applications
        .blacklist_of(account.account_id)
        .await
        .map_err(port("load blacklist"))?;
    let blacklisted_until = active_until(&blacklist, today);
    let mut refusal = crate::domain::may_use(&actor, service, today).err();
    let base = ApplicationFacts {
        today,
        blacklisted_until,
        licence: None,
        vehicle_type: None,
    };
    if refusal.is_none() {
        refusal = application_allowed(service, &base).err();
    }
    let mut subjects = Vec::new();
    if service.is_vehicle_service() {
        let vehicles = ports
            .bindings
            .bound_vehicles(account.account_id)
            .await
            .map_err(port("list bound vehicles"))?;
        for v in vehicles
            .into_iter()
            .filter(|v| v.binding == BindingKind::Own)
        {
            let facts = ApplicationFacts {
                vehicle_type: Some(v.vehicle_type),
                ..base.clone()
            };
            subjects.push(Subject {
                key: format!("v:{}", v.vehicle_id),
                label: v.plate.clone(),
                refusal: application_allowed(service, &facts).err().map(refusal_of),
                current_due: None,
                notice: None,
            });
        }
    } else if let Some(id) = owner_id(ports, account.account_id).await? {
        let licence = ports
            .bindings
            .licence(account.account_id, &id)
            .await
            .map_err(port("load licence"))?
            .filter(|l| l.bound);
        if let Some(l) = licence {
            let birth = crate::domain::ResidentId::parse(&id)
                .map(|r| r.birth_date())
                .unwrap_or(today);
            let due = match service {
                ServiceCode::D5 => Some(l.valid_until),
                ServiceCode::D6 => l.physical_due,
                ServiceCode::D7 => l.review_due,
                _ => None,
            };
            let facts = ApplicationFacts {
                licence: Some(LicenceFacts {
                    class: l.class,
                    valid_until: l.valid_until,
                    holder_birth: birth,
                    due_for_deferral: due,
                }),
                ..base.clone()
            };
            subjects.push(Subject {
                key: "licence".into(),
                label: format!("{} {}", l.class.code(), l.number_masked),
                refusal: application_allowed(service, &facts).err().map(refusal_of),
                current_due: due,
                notice: application_notice(service, &facts).map(|(zh, en)| Text::new(zh, en)),
            });
        }
    }
    Ok(ApplyOptions {
        service,
        refusal: refusal.map(refusal_of),
        subjects,
        fee_fen: i64::from(production_fee_yuan(service)) * 100,
        postage_fen: i64::from(POSTAGE_YUAN) * 100,
        offers_fulfilment: service.offers_fulfilment_choice(),
        is_deferral: matches!(service, ServiceCode::D5 | ServiceCode::D6 | ServiceCode::D7),
        documents_to_return: documents_to_return(service).map(|(zh, en)| Text::new(zh, en)),
        pickup_address: Text::new(
            crate::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_ZH,
            crate::domain::fulfilment::BUSINESS_CENTRE_ADDRESS_EN,
        ),
    })
}
