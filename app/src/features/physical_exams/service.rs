//! The examinations desk: a hospital records an examination (D8) and
//! submits a driver's certificate (D9); a window-registered holder submits
//! their own with the certificate's number; the driver's page; the
//! examination an online renewal rests on. The rules are in
//! `domain::physical_exam`.

use super::port::{CertificateSubmission, CertificateSubmitted, ExamFound, NewExam, PhysicalExams};
use super::{CertificateChannel, DriverPhysical, ExamEntry, DRIVER_LIST_ROWS};
use crate::domain::physical_exam::*;
use crate::domain::{Date, LicenceClass, PersonName, ResidentId, ServiceCode};
use crate::error::{AppError, FieldCheck, Refusal};
use crate::features::accounts::SessionAccount;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The hospital's form as posted: every value as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExamForm {
    pub id_number: String,
    pub name: String,
    pub class: String,
    pub examined_on: String,
    pub height_cm: String,
    pub vision_left: String,
    pub vision_right: String,
    /// A ticked box posts a value; an unticked one posts nothing.
    pub vision_corrected: Option<String>,
    pub colour_vision: String,
    pub hearing: String,
    pub upper_limbs: String,
    pub lower_limbs: String,
    pub trunk_neck: String,
    pub conclusion: String,
}

/// The examinations desk (驾驶人体检和身体条件证明).
pub struct ExamDesk<'a> {
    pub exams: &'a dyn PhysicalExams,
    pub today: Date,
}

impl<'a> ExamDesk<'a> {
    pub fn of(ports: &'a Ports) -> ExamDesk<'a> {
        ExamDesk {
            exams: &*ports.physical_exams,
            today: ports.clock.today(),
        }
    }

    /// D8: checks every field at once and records the examination.
    /// Answers its certificate number.
    pub async fn record(
        &self,
        hospital: &SessionAccount,
        form: &ExamForm,
        actor: &Actor,
    ) -> Result<ExamEntry, AppError> {
        let mut check = FieldCheck::new();
        let id = check.take("id_number", ResidentId::parse(&form.id_number));
        let name = check.take("name", PersonName::parse(&form.name));
        // The person must be the one the registry knows by this number;
        // an unknown number and a wrong name get the same answer.
        if let (Some(id), Some(name)) = (&id, &name) {
            let on_record = self.exams.person_name(id.as_str()).await?;
            if on_record.as_deref() != Some(name.as_str()) {
                check.push(
                    "name",
                    Text::new(
                        "身份证明号码与姓名不一致，请核对受检人的身份证明",
                        "The ID number and the name do not match: check the examinee's identity document",
                    ),
                );
            }
        }
        let class = LicenceClass::from_code(form.class.trim());
        if class.is_none() {
            check.push(
                "class",
                Text::new("请选择申请或准驾车型", "Choose the licence class"),
            );
        }
        let examined_on = Date::parse_iso(form.examined_on.trim());
        match examined_on.map(|d| check_exam_date(d, self.today)) {
            None => check.push(
                "examined_on",
                Text::new(
                    format!("请按“年-月-日”填写体检日期，例如{}", self.today),
                    format!(
                        "Enter the date as year-month-day, for example {}",
                        self.today
                    ),
                ),
            ),
            Some(Err((zh, en))) => check.push("examined_on", Text::new(zh, en)),
            Some(Ok(())) => {}
        }
        let height = form
            .height_cm
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|h| HEIGHT_RANGE.contains(h));
        if height.is_none() {
            check.push(
                "height_cm",
                Text::new(
                    "请填写身高（厘米，100至230之间的整数）",
                    "Enter the height in whole centimetres, 100 to 230",
                ),
            );
        }
        let mut vision = |field: &str, raw: &str, zh: &str, en: &str| {
            let v = Vision::parse(raw);
            if v.is_none() {
                check.push(
                    field,
                    Text::new(
                        format!("请按对数视力表填写{zh}，4.0至5.3，例如4.9"),
                        format!(
                            "Enter the {en} on the logarithmic chart, 4.0 to 5.3, for example 4.9"
                        ),
                    ),
                );
            }
            v
        };
        let left = vision("vision_left", &form.vision_left, "左眼视力", "left eye");
        let right = vision("vision_right", &form.vision_right, "右眼视力", "right eye");
        let colour = pick(
            &mut check,
            "colour_vision",
            &form.colour_vision,
            ColourVision::from_code,
            "辨色力",
            "colour vision",
        );
        let hearing = pick(
            &mut check,
            "hearing",
            &form.hearing,
            Hearing::from_code,
            "听力",
            "hearing",
        );
        let upper = pick(
            &mut check,
            "upper_limbs",
            &form.upper_limbs,
            Soundness::from_code,
            "上肢",
            "upper limbs",
        );
        let lower = pick(
            &mut check,
            "lower_limbs",
            &form.lower_limbs,
            Soundness::from_code,
            "下肢",
            "lower limbs",
        );
        let trunk = pick(
            &mut check,
            "trunk_neck",
            &form.trunk_neck,
            Soundness::from_code,
            "躯干和颈部",
            "trunk and neck",
        );
        let conclusion = pick(
            &mut check,
            "conclusion",
            &form.conclusion,
            Conclusion::from_code,
            "体检结论",
            "conclusion",
        );
        let items = match (height, left, right, colour, hearing, upper, lower, trunk) {
            (Some(h), Some(l), Some(r), Some(c), Some(he), Some(u), Some(lo), Some(t)) => {
                Some(ExamItems {
                    height_cm: h,
                    vision_left: l,
                    vision_right: r,
                    vision_corrected: form.vision_corrected.is_some(),
                    colour_vision: c,
                    hearing: he,
                    upper_limbs: u,
                    lower_limbs: lo,
                    trunk_neck: t,
                })
            }
            _ => None,
        };
        if let (Some(items), Some(class), Some(conclusion)) = (&items, class, conclusion) {
            if let Err((zh, en)) = check_conclusion(items, class, conclusion) {
                check.push("conclusion", Text::new(zh, en));
            }
        }
        check.finish()?;
        let new = NewExam {
            hospital_account_id: hospital.account_id,
            id_number: id.expect("checked").as_str().to_string(),
            class: class.expect("checked"),
            exam: ExamOnRecord {
                examined_on: examined_on.expect("checked"),
                items: items.expect("checked"),
                conclusion: conclusion.expect("checked"),
            },
        };
        Ok(self.exams.record(&new, actor).await?)
    }

    /// One page of the hospital's examinations; `person` (as typed): an ID
    /// number or a certificate number, or empty for all.
    pub async fn hospital_exams(
        &self,
        account_id: i64,
        person: Option<&str>,
        page: PageRequest,
    ) -> Result<ListPage<ExamEntry>, AppError> {
        let person = exam_search(person)?;
        Ok(self
            .exams
            .hospital_exams(account_id, person.as_deref(), page)
            .await?)
    }

    /// D9 by the hospital: with one of its own examinations.
    pub async fn submit_for_driver(
        &self,
        hospital: &SessionAccount,
        exam_id: i64,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let found = self
            .exams
            .exam(exam_id)
            .await?
            .filter(|f| f.hospital_account_id == hospital.account_id)
            .ok_or_else(no_such_exam)?;
        let by = hospital.display_name.clone();
        self.submit(
            found,
            hospital.account_id,
            CertificateChannel::Hospital,
            by,
            actor,
        )
        .await
    }

    /// D9 by a window-registered holder: the certificate's number must be
    /// of an examination of this person. Answers the date next owed.
    pub async fn submit_by_holder(
        &self,
        account: &SessionAccount,
        id_number: &str,
        certificate_no: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        // Fails closed: an account that is no applicant is refused too.
        let Some(applicant) = account.service_actor() else {
            return Err(crate::features::accounts::session::individuals_only());
        };
        if let Err(r) = crate::domain::may_use(&applicant, ServiceCode::D9, self.today) {
            return Err(AppError::NotAllowed(Refusal::from(r)));
        }
        let number = CertificateNumber::parse(certificate_no)
            .map_err(|(zh, en)| AppError::field("certificate_no", Text::new(zh, en)))?;
        let found = self
            .exams
            .exam(number.record_id())
            .await?
            .filter(|f| f.entry.certificate_no == number.as_str() && f.id_number == id_number)
            .ok_or_else(|| {
                AppError::field(
                    "certificate_no",
                    Text::new(
                        "没有找到您本人的这份身体条件证明，请核对证明编号",
                        "No certificate of yours has this number: check it",
                    ),
                )
            })?;
        self.submit(
            found,
            account.account_id,
            CertificateChannel::Holder,
            "本人".into(),
            actor,
        )
        .await
    }

    /// Checks the examination serves the licence and the licence owes a
    /// certificate, and moves the date owed. Answers the new date.
    async fn submit(
        &self,
        found: ExamFound,
        account_id: i64,
        channel: CertificateChannel,
        by: String,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let owed = self.exams.certificate_owed(&found.id_number).await?;
        let Some(owed) = owed else {
            return Err(refused(
                (
                    "该驾驶人没有本省核发的机动车驾驶证。",
                    "This person holds no licence issued here.",
                ),
                (
                    "身体条件证明向核发驾驶证的地方提交。",
                    "The certificate goes to the place that issued the licence.",
                ),
            ));
        };
        let Some(due) = owed.due else {
            return Err(refused(
                ("该驾驶证目前无需提交身体条件证明。", "This licence owes no physical-condition certificate now."),
                (
                    "年满60周岁和持大中型客货车准驾车型的驾驶人每年提交；期满换证、超龄换证时网上办理会直接使用体检结果。",
                    "Drivers aged 60 or more and holders of bus and lorry classes submit one yearly; an online renewal uses the examination directly.",
                ),
            ));
        };
        if found.entry.certificate_submitted_ms.is_some() {
            return Err(already_used());
        }
        if let Err((zh, en)) = certificate_window(due, self.today) {
            return Err(AppError::not_allowed(
                Text::new(zh, en),
                Text::new(
                    "请在提交期内再提交；体检结果六个月内有效。",
                    "Submit it when the period opens; an examination is good for six months.",
                ),
            ));
        }
        // Only the newest examination counts: an older fit result does not
        // stand in for a newer one.
        let newest = self.exams.exams_of(&found.id_number, 1).await?;
        if newest.first().is_some_and(|n| n.id != found.entry.id) {
            return Err(AppError::not_allowed(
                Text::new(
                    "这份体检结果之后已有新的体检结果，只能使用最新的一份。",
                    "A newer examination is on record: only the newest can be used.",
                ),
                Text::new(
                    "请使用最新体检结果的证明编号。",
                    "Use the certificate number of the newest examination.",
                ),
            ));
        }
        if let Some((zh, en)) = unusable(&found.entry.exam, owed.class, self.today) {
            return Err(AppError::not_allowed(
                Text::new(
                    format!("这份体检结果不能用于提交身体条件证明：{zh}"),
                    format!("This examination cannot serve the certificate: {en}"),
                ),
                Text::new(
                    "请到经交管部门授权的医院重新体检。",
                    "Be examined again at a hospital the traffic authority has authorised.",
                ),
            ));
        }
        let due_after = next_certificate_due(due, self.today);
        let submission = CertificateSubmission {
            exam_id: found.entry.id,
            certificate_no: found.entry.certificate_no.clone(),
            id_number: found.id_number.clone(),
            account_id,
            channel,
            by,
            due_before: due,
            due_after,
        };
        match self.exams.submit_certificate(&submission, actor).await? {
            CertificateSubmitted::Submitted => {}
            CertificateSubmitted::AlreadyUsed => return Err(already_used()),
            CertificateSubmitted::DueChanged => {
                return Err(AppError::Conflict(Text::new(
                    "提交身体条件证明的日期刚刚有了变更，请刷新页面后再提交。",
                    "The date the certificate is owed has just changed: reload the page and submit again.",
                )))
            }
        }
        Ok(due_after.to_string())
    }

    /// The driver's page: examinations, certificates, the date owed and
    /// whether they may submit one themselves.
    pub async fn driver_view(
        &self,
        account: &SessionAccount,
        id_number: &str,
    ) -> Result<DriverPhysical, AppError> {
        let exams = self.exams.exams_of(id_number, DRIVER_LIST_ROWS).await?;
        let certificates = self
            .exams
            .certificates_of(id_number, DRIVER_LIST_ROWS)
            .await?;
        let owed = self.exams.certificate_owed(id_number).await?;
        let self_submit_refusal = account
            .service_actor()
            .and_then(|a| crate::domain::may_use(&a, ServiceCode::D9, self.today).err())
            .map(Refusal::from);
        let renewal_exam = owed
            .and_then(|o| usable_exam(&exams, |e| &e.exam, o.class, self.today))
            .map(|e| e.certificate_no.clone());
        Ok(DriverPhysical {
            exams,
            certificates,
            certificate_due: owed.and_then(|o| o.due),
            self_submit_refusal,
            renewal_exam,
        })
    }

    /// The examination an online renewal (D10, D11) of a licence of this
    /// class uses today: the newest that serves it.
    pub async fn renewal_exam(
        &self,
        id_number: &str,
        class: LicenceClass,
    ) -> Result<Option<ExamEntry>, AppError> {
        let exams = self.exams.exams_of(id_number, DRIVER_LIST_ROWS).await?;
        Ok(usable_exam(&exams, |e| &e.exam, class, self.today).cloned())
    }
}

/// The hospital's search as typed (an ID number or a certificate number,
/// spaces and full-width digits allowed), as stored; None: no search.
pub fn exam_search(person: Option<&str>) -> Result<Option<String>, AppError> {
    let typed = crate::domain::text::compact_upper(person.unwrap_or_default());
    if typed.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = ResidentId::parse(&typed) {
        return Ok(Some(id.as_str().to_string()));
    }
    if let Ok(no) = CertificateNumber::parse(&typed) {
        return Ok(Some(no.as_str().to_string()));
    }
    Err(AppError::field(
        "person",
        Text::new(
            "请输入受检人的18位身份证明号码或17位身体条件证明编号",
            "Enter the examinee's 18-character ID number or the 17-character certificate number",
        ),
    ))
}

/// A choice from a list, or the field's message.
fn pick<T>(
    check: &mut FieldCheck,
    field: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
    zh: &str,
    en: &str,
) -> Option<T> {
    let value = parse(raw.trim());
    if value.is_none() {
        check.push(
            field,
            Text::new(format!("请选择{zh}"), format!("Choose the {en}")),
        );
    }
    value
}

fn refused(rule: (&str, &str), remedy: (&str, &str)) -> AppError {
    AppError::not_allowed(Text::new(rule.0, rule.1), Text::new(remedy.0, remedy.1))
}

fn no_such_exam() -> AppError {
    AppError::NotFound(Text::new(
        "本院没有这条体检记录。",
        "This hospital has no such examination.",
    ))
}

fn already_used() -> AppError {
    AppError::Conflict(Text::new(
        "这份身体条件证明已经提交过，不能再次提交。",
        "This certificate was submitted already.",
    ))
}
