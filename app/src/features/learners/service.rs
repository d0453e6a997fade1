//! The learners desk of a driving school: pre-entry with the learner's SMS
//! code, registering the learner's account at the school, withdrawal, and
//! the list with bookings, ranks and results.

use super::port::{EntryFound, LearnerEntries, NewLearnerEntry};
use super::{LearnerEntry, LEARNER_CODE_PURPOSE};
use crate::domain::learner_entry::{class_sought, EntryState};
use crate::domain::{PersonName, PhoneNumber, ResidentId, Sms};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::SmsCodes;
use crate::features::accounts::service::contact::code_already_sent;
use crate::features::accounts::service::registration::{new_password, Identity};
use crate::features::accounts::SessionAccount;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::{constraint, PortError};
use crate::ports::Ports;

/// The school's entry form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LearnerForm {
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub class: String,
}

/// The learners desk (驾校学员业务).
pub struct LearnerDesk<'a> {
    pub learners: &'a dyn LearnerEntries,
    pub sms: &'a dyn SmsCodes,
    pub ports: &'a Ports,
    pub now_ms: i64,
}

fn not_found() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到本校预录入的这名学员。",
        "No such learner was entered by this school.",
    ))
}

fn already_registered() -> AppError {
    AppError::Conflict(Text::new(
        "该学员已注册平台账户，可以直接登录预约考试。",
        "This learner has a platform account already and can log in to book tests.",
    ))
}

fn wrong_state(found: &EntryFound) -> AppError {
    AppError::Conflict(Text::new(
        format!(
            "该学员当前状态为“{}”，不能办理此项操作。请刷新页面查看。",
            found.entry.state.zh()
        ),
        format!(
            "This learner is now \"{}\"; that cannot be done. Reload the page to see it.",
            found.entry.state.en()
        ),
    ))
}

impl<'a> LearnerDesk<'a> {
    pub fn of(ports: &'a Ports) -> LearnerDesk<'a> {
        LearnerDesk {
            learners: &*ports.learners,
            sms: &*ports.sms,
            ports,
            now_ms: ports.clock.now_ms(),
        }
    }

    pub async fn learners(
        &self,
        school: &SessionAccount,
        page: PageRequest,
    ) -> Result<ListPage<LearnerEntry>, AppError> {
        Ok(self
            .learners
            .school_learners(school.account_id, page)
            .await?)
    }

    /// Pre-entry: the learner as on the identity document, the phone the
    /// code goes to and the class sought. Answers the entry's id.
    pub async fn enter(
        &self,
        school: &SessionAccount,
        form: &LearnerForm,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut check = FieldCheck::new();
        let id = check.take("id_number", ResidentId::parse(&form.id_number));
        let name = check.take("name", PersonName::parse(&form.name));
        let phone = check.take("phone", PhoneNumber::parse(&form.phone));
        let class = class_sought(&form.class);
        if class.is_none() {
            check.push(
                "class",
                Text::new(
                    "请选择申请的准驾车型（初次申领：C1、C2、C5、D、E、F）",
                    "Choose the class sought (a first licence: C1, C2, C5, D, E or F)",
                ),
            );
        }
        if let (Some(id), Some(name)) = (&id, &name) {
            match self.learners.person(id.as_str()).await? {
                Some((_, true)) => return Err(already_registered()),
                Some((on_record, false)) if on_record == name.as_str() => {}
                _ => check.push(
                    "name",
                    Text::new(
                        "身份证明号码与姓名不一致，请核对学员的身份证明",
                        "The ID number and the name do not match: check the learner's identity document",
                    ),
                ),
            }
        }
        check.finish()?;
        let new = NewLearnerEntry {
            school_account_id: school.account_id,
            id_number: id.expect("checked").as_str().to_string(),
            name: name.expect("checked").as_str().to_string(),
            phone: phone.expect("checked").as_str().to_string(),
            class: class.expect("checked"),
        };
        let entry_id = match self.learners.enter(&new, actor).await {
            Ok(id) => id,
            Err(PortError::Conflict(c)) if c == constraint::LEARNER_ENTRY_ONCE => {
                return Err(AppError::Conflict(Text::new(
                    "本校已预录入该学员，请在下表中继续办理。",
                    "The school has entered this learner already: go on from the table below.",
                )))
            }
            Err(e) => return Err(e.into()),
        };
        if let Err(e) = self.send_code(school, entry_id, actor).await {
            self.learners.withdraw(entry_id, actor).await?;
            return Err(e);
        }
        Ok(entry_id)
    }

    async fn own(&self, school: &SessionAccount, id: i64) -> Result<EntryFound, AppError> {
        self.learners
            .entry(id)
            .await?
            .filter(|f| f.school_account_id == school.account_id)
            .ok_or_else(not_found)
    }

    /// Sends the learner a (new) code; answers the masked phone.
    pub async fn send_code(
        &self,
        school: &SessionAccount,
        id: i64,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let found = self.own(school, id).await?;
        if found.entry.state != EntryState::AwaitingLearner {
            return Err(wrong_state(&found));
        }
        let phone = PhoneNumber::parse(&found.phone)
            .map_err(|e| crate::error::internal("learner phone", format!("{e:?}")))?;
        let school_name = school.display_name.clone();
        let class = found.entry.class.code();
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let wording = move |code: &str| Sms::learner_entry_code(&school_name, class, code, minutes);
        self.sms
            .send_code_worded(
                &wording,
                &phone,
                LEARNER_CODE_PURPOSE,
                &id.to_string(),
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok(phone.masked())
    }

    /// The learner's code confirms the entry.
    pub async fn confirm(
        &self,
        school: &SessionAccount,
        id: i64,
        code: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let found = self.own(school, id).await?;
        if found.entry.state != EntryState::AwaitingLearner {
            return Err(wrong_state(&found));
        }
        let phone = PhoneNumber::parse(&found.phone)
            .map_err(|e| crate::error::internal("learner phone", format!("{e:?}")))?;
        self.sms
            .use_code(
                &phone,
                LEARNER_CODE_PURPOSE,
                &id.to_string(),
                code.trim(),
                self.now_ms,
            )
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        if !self.learners.confirm(id, actor).await? {
            return Err(wrong_state(&found));
        }
        Ok(())
    }

    /// Registers the confirmed learner's account with the password the
    /// learner typed at the school (学员用户窗口注册).
    pub async fn register(
        &self,
        school: &SessionAccount,
        id: i64,
        password: &str,
        password_confirm: &str,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let found = self.own(school, id).await?;
        if found.entry.state != EntryState::Confirmed {
            return Err(wrong_state(&found));
        }
        let who = Identity {
            kind: crate::domain::IndividualKind::Learner,
            id: ResidentId::parse(&found.id_number)
                .map_err(|e| crate::error::internal("learner id", format!("{e:?}")))?,
            name: PersonName::parse(&found.entry.name)
                .map_err(|e| crate::error::internal("learner name", format!("{e:?}")))?,
            phone: PhoneNumber::parse(&found.phone)
                .map_err(|e| crate::error::internal("learner phone", format!("{e:?}")))?,
        };
        let mut check = FieldCheck::new();
        let password = new_password(&mut check, password, password_confirm, &who);
        check.finish()?;
        let hash = self
            .ports
            .passwords
            .hash(password.expect("checked").expose())
            .await?;
        match self.learners.register(id, &hash, actor).await {
            Ok(Some(account)) => Ok(account),
            Ok(None) => Err(wrong_state(&found)),
            Err(PortError::Conflict(c)) if c == constraint::ACCOUNT_ID_NUMBER => {
                Err(already_registered())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Withdraws an entry not yet registered.
    pub async fn withdraw(
        &self,
        school: &SessionAccount,
        id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let found = self.own(school, id).await?;
        if found.entry.state == EntryState::Registered
            || found.entry.state == EntryState::Withdrawn
            || !self.learners.withdraw(id, actor).await?
        {
            return Err(wrong_state(&found));
        }
        Ok(())
    }
}
