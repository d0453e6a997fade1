//! Applying for documents: what the person may apply for and on which
//! subject (`domain::application`), checking a form or a draft against
//! every rule, and what is stored. Unit-tested against in-memory fakes of
//! the ports (`service/tests.rs`).

use super::port::{Applications, Blacklists, NewApplication};
use super::{active_until, ApplicationInput, ApplyOptions, MyApplications, Subject};
use crate::domain::application::*;
use crate::domain::fulfilment::Fulfilment;
use crate::domain::{BindingKind, Date, PersonName, PhoneNumber, ServiceCode};
use crate::error::{AppError, FieldCheck, Refusal};
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::Bindings;
use crate::features::paging::PageRequest;
use crate::i18n::Text;
use crate::ports::Ports;

pub mod clerk;
#[cfg(test)]
mod tests;

/// The application desk (业务受理): the ports the service reads, and today.
pub struct Desk<'a> {
    pub applications: &'a dyn Applications,
    /// Whether the applicant is blacklisted (黑名单).
    pub blacklists: &'a dyn Blacklists,
    pub bindings: &'a dyn Bindings,
    /// Fees and the business centre come from the configuration.
    pub profile: &'a crate::profile::PlatformProfile,
    /// The hospitals' examinations a renewal rests on (D10, D11).
    pub exams: &'a dyn crate::features::physical_exams::port::PhysicalExams,
    pub today: Date,
}

/// A draft as found: still a draft, or submitted already (its number).
pub enum Draft {
    Open(ServiceCode, ApplicationInput),
    Submitted(String),
    Missing,
}

impl<'a> Desk<'a> {
    pub fn of(ports: &'a Ports) -> Desk<'a> {
        Desk {
            applications: &*ports.applications,
            blacklists: &*ports.blacklists,
            bindings: &*ports.bindings,
            profile: &ports.profile,
            exams: &*ports.physical_exams,
            today: ports.clock.today(),
        }
    }

    /// The examination a renewal of this licence would rest on today.
    async fn renewal_exam(
        &self,
        service: ServiceCode,
        id_number: &str,
        class: crate::domain::LicenceClass,
    ) -> Result<Option<crate::features::physical_exams::ExamEntry>, AppError> {
        if !matches!(service, ServiceCode::D10 | ServiceCode::D11) {
            return Ok(None);
        }
        crate::features::physical_exams::service::ExamDesk {
            exams: self.exams,
            today: self.today,
        }
        .renewal_exam(id_number, class)
        .await
    }

    /// One page of the person's applications, their drafts, each document
    /// service with the reason it is refused (if it is), and any
    /// blacklisting.
    pub async fn overview(
        &self,
        account: &SessionAccount,
        page: PageRequest,
    ) -> Result<MyApplications, AppError> {
        let today = self.today;
        let items = self.applications.mine(account.account_id, page).await?;
        let drafts = self
            .applications
            .drafts(account.account_id, super::MAX_DRAFTS)
            .await?;
        let blacklist = self.blacklists.blacklist_of(account.account_id).await?;
        let blacklisted_until = active_until(&blacklist, today);
        let actor = account.service_actor();
        let facts = ApplicationFacts {
            today,
            blacklisted_until,
            licence: None,
            vehicle_type: None,
        };
        let services = APPLICATION_SERVICES
            .iter()
            .map(|s| {
                let refusal = actor
                    .as_ref()
                    .map(|a| crate::domain::may_use(a, *s, today))
                    .unwrap_or(Ok(()))
                    .and_then(|_| application_allowed(*s, &facts))
                    .err()
                    .map(Refusal::from);
                (*s, refusal)
            })
            .collect();
        Ok(MyApplications {
            items,
            drafts,
            services,
            blacklist,
        })
    }

    /// A draft of this account.
    pub async fn draft(&self, account_id: i64, draft: i64) -> Result<Draft, AppError> {
        let Some((service, json)) = self.applications.load_draft(account_id, draft).await? else {
            // Back after submitting: the draft became an application.
            let submitted = self
                .applications
                .submitted_from_draft(account_id, draft)
                .await?;
            return Ok(submitted.map_or(Draft::Missing, Draft::Submitted));
        };
        let input =
            serde_json::from_str(&json).map_err(|e| crate::error::internal("decode draft", e))?;
        Ok(Draft::Open(service, input))
    }

    /// Checks an application against every rule; answers what to store.
    pub async fn validate_input(
        &self,
        account: &SessionAccount,
        service: ServiceCode,
        input: &ApplicationInput,
    ) -> Result<NewApplication, AppError> {
        let options = self.options_for(account, service).await?;
        if let Some(refusal) = options.refusal.clone() {
            return Err(AppError::NotAllowed(refusal));
        }
        let today = self.today;
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
        let licence_id_number = match (&vehicle_id, account.person_id().map(String::from)) {
            (None, Some(id)) => Some(id),
            _ => None,
        };
        let physical_exam_id = match &licence_id_number {
            Some(id) => {
                let class = self
                    .bindings
                    .licence(account.account_id, id)
                    .await?
                    .map(|l| l.class);
                match class {
                    Some(class) => self.renewal_exam(service, id, class).await?.map(|e| e.id),
                    None => None,
                }
            }
            None => None,
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
            physical_exam_id,
        })
    }

    /// The form's options for one service: who may apply, for which
    /// subjects, at what cost.
    pub async fn options_for(
        &self,
        account: &SessionAccount,
        service: ServiceCode,
    ) -> Result<ApplyOptions, AppError> {
        let today = self.today;
        let actor = account.service_actor().ok_or_else(|| {
            AppError::not_allowed(
                Text::new("民警账户不能申请业务。", "Staff accounts do not apply."),
                Text::new("请使用民警工作台。", "Use the staff console."),
            )
        })?;
        let blacklist = self.blacklists.blacklist_of(account.account_id).await?;
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
            let vehicles = self.bindings.bound_vehicles(account.account_id).await?;
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
                    refusal: application_allowed(service, &facts)
                        .err()
                        .map(Refusal::from),
                    current_due: None,
                    notice: None,
                });
            }
        } else if let Some(id) = account.person_id().map(String::from) {
            let licence = self
                .bindings
                .licence(account.account_id, &id)
                .await?
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
                let exam = self.renewal_exam(service, &id, l.class).await?;
                let facts = ApplicationFacts {
                    licence: Some(LicenceFacts {
                        class: l.class,
                        valid_until: l.valid_until,
                        holder_birth: birth,
                        due_for_deferral: due,
                        examined: exam.is_some(),
                    }),
                    ..base.clone()
                };
                let exam_notice = exam.map(|e| {
                    Text::new(
                        format!(
                            "将使用{}于{}出具的体检结果（身体条件证明编号{}，有效期至{}），无需另交身体条件证明。",
                            e.hospital, e.exam.examined_on, e.certificate_no, e.valid_until
                        ),
                        format!(
                            "The examination by {} on {} is used (certificate {}, good until {}): no paper certificate is needed.",
                            e.hospital, e.exam.examined_on, e.certificate_no, e.valid_until
                        ),
                    )
                });
                subjects.push(Subject {
                    key: "licence".into(),
                    label: format!(
                        "{} {}",
                        l.class.code(),
                        crate::domain::ResidentId::masked_or_stars(&id)
                    ),
                    refusal: application_allowed(service, &facts)
                        .err()
                        .map(Refusal::from),
                    current_due: due,
                    notice: match (application_notice(service, &facts), exam_notice) {
                        (Some((zh, en)), Some(exam)) => Some(Text::new(
                            format!("{zh}{}", exam.zh),
                            format!("{en} {}", exam.en),
                        )),
                        (Some((zh, en)), None) => Some(Text::new(zh, en)),
                        (None, exam) => exam,
                    },
                });
            }
        }
        Ok(ApplyOptions {
            service,
            refusal: refusal.map(Refusal::from),
            subjects,
            fee_fen: i64::from(self.profile.fees.production_fee_yuan(service)) * 100,
            postage_fen: i64::from(self.profile.fees.postage_yuan) * 100,
            offers_fulfilment: service.offers_fulfilment_choice(),
            is_deferral: matches!(service, ServiceCode::D5 | ServiceCode::D6 | ServiceCode::D7),
            documents_to_return: documents_to_return(service).map(|(zh, en)| Text::new(zh, en)),
            pickup_address: self
                .profile
                .collection_centre()
                .map(|c| Text::new(c.address_zh.clone(), c.address_en.clone()))
                .unwrap_or_else(|| Text::new("", "")),
            drafts: 0,
        })
    }
}

/// The document service named by a code (only those applied for here).
pub fn parse_service(code: &str) -> Result<ServiceCode, AppError> {
    ServiceCode::from_code(code.trim())
        .filter(|s| APPLICATION_SERVICES.contains(s))
        .ok_or_else(|| AppError::NotFound(Text::new("没有这项业务。", "There is no such service.")))
}

pub fn application_not_found() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到这笔业务。",
        "That application was not found.",
    ))
}
