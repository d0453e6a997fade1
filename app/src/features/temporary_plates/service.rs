//! The temporary plates desk: a dealer enters a plate for a vehicle it
//! sold and its buyer, the buyer's SMS code issues it, the dealer prints,
//! withdraws or revokes it; anyone checks a plate; the buyer sees theirs.
//! The rules are in `domain::temporary_plate`.

use super::port::{NewTemporaryPlate, PlateFound, TemporaryPlates};
use super::{TemporaryPlate, BUYER_CODE_PURPOSE};
use crate::domain::temporary_plate::{
    may_issue, revocation_reason, valid_until, vin_tail, EarlierPlate, PlateState, Standing,
};
use crate::domain::{Date, PersonName, PhoneNumber, ResidentId, Sms, Vin};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::SmsCodes;
use crate::features::accounts::service::contact::code_already_sent;
use crate::features::accounts::SessionAccount;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::port_error::{constraint, PortError};
use crate::ports::Ports;
use crate::profile::PlatformProfile;

/// The dealer's form as posted: every value as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlateForm {
    pub vin: String,
    pub buyer_id_number: String,
    pub buyer_name: String,
    pub buyer_phone: String,
    /// 发牌机关代号 (冀A): where the vehicle will be registered.
    pub prefix: String,
    pub valid_from: String,
    pub days: String,
}

/// The temporary plates desk (临时号牌核发).
pub struct TemporaryPlateDesk<'a> {
    pub plates: &'a dyn TemporaryPlates,
    pub sms: &'a dyn SmsCodes,
    pub profile: &'a PlatformProfile,
    pub today: Date,
    pub now_ms: i64,
}

fn not_found() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到本单位核发的这副临时号牌。",
        "No such temporary plate was entered by this unit.",
    ))
}

pub(super) fn refused(rule: (String, String)) -> AppError {
    AppError::not_allowed(
        Text::new(rule.0, rule.1),
        Text::new(
            "如有疑问，请拨打服务热线122。",
            "For questions, call the 122 helpline.",
        ),
    )
}

impl<'a> TemporaryPlateDesk<'a> {
    pub fn of(ports: &'a Ports) -> TemporaryPlateDesk<'a> {
        TemporaryPlateDesk {
            plates: &*ports.temporary_plates,
            sms: &*ports.sms,
            profile: &ports.profile,
            today: ports.clock.today(),
            now_ms: ports.clock.now_ms(),
        }
    }

    /// One page of the dealer's plates.
    pub async fn dealer_plates(
        &self,
        dealer: &SessionAccount,
        query: Option<&str>,
        page: PageRequest,
    ) -> Result<ListPage<TemporaryPlate>, AppError> {
        let query = query
            .map(crate::domain::plate::fold_typed)
            .filter(|q| !q.is_empty());
        if query
            .as_ref()
            .is_some_and(|q| q.chars().count() > 20 || !q.chars().all(char::is_alphanumeric))
        {
            return Err(AppError::field(
                "query",
                Text::new(
                    "请输入号牌号码、车辆识别代号或购车人身份证明号码",
                    "Enter a plate number, a VIN or the buyer's ID number",
                ),
            ));
        }
        Ok(self
            .plates
            .dealer_plates(dealer.account_id, query.as_deref(), self.today, page)
            .await?)
    }

    /// Step 1: checks every field at once against the vehicle on record
    /// and the rules, enters the plate and sends the buyer a code. Answers
    /// the plate's id.
    pub async fn enter(
        &self,
        dealer: &SessionAccount,
        form: &PlateForm,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut check = FieldCheck::new();
        let vin = check.take("vin", Vin::parse(&form.vin));
        let id = check.take("buyer_id_number", ResidentId::parse(&form.buyer_id_number));
        let name = check.take("buyer_name", PersonName::parse(&form.buyer_name));
        let phone = check.take("buyer_phone", PhoneNumber::parse(&form.buyer_phone));
        let prefix = form.prefix.trim();
        if self.profile.city(prefix).is_none() {
            check.push(
                "prefix",
                Text::new(
                    "请选择注册登记地",
                    "Choose where the vehicle will be registered",
                ),
            );
        }
        let days = form.days.trim().parse::<i64>().ok();
        let from = Date::parse_iso(form.valid_from.trim());
        let until = match (from, days) {
            (None, _) => {
                check.push(
                    "valid_from",
                    Text::new(
                        format!("请按“年-月-日”填写起始日期，例如{}", self.today),
                        format!(
                            "Enter the first day as year-month-day, for example {}",
                            self.today
                        ),
                    ),
                );
                None
            }
            (Some(_), None) => {
                check.push(
                    "days",
                    Text::new(
                        "请填写有效天数（1至15）",
                        "Enter the number of days (1 to 15)",
                    ),
                );
                None
            }
            (Some(from), Some(days)) => match valid_until(from, days, self.today) {
                Ok(until) => Some(until),
                Err(rule) => {
                    let field = if (1..=15).contains(&days) {
                        "valid_from"
                    } else {
                        "days"
                    };
                    check.push(field, Text::new(rule.0, rule.1));
                    None
                }
            },
        };
        if let Some(vin) = &vin {
            match self.plates.vehicle(vin.as_str()).await? {
                None => check.push(
                    "vin",
                    Text::new(
                        "没有这个车辆识别代号的新车信息，请核对合格证",
                        "No new vehicle with this VIN is on record: check the certificate of conformity",
                    ),
                ),
                Some(v) if v.plate.is_some() => check.push(
                    "vin",
                    Text::new(
                        "该车已注册登记，不需要临时号牌",
                        "This vehicle is registered already and needs no temporary plate",
                    ),
                ),
                Some(v) => {
                    // One answer for another buyer and a wrong name, so the
                    // form tells nobody who bought what.
                    if let (Some(id), Some(name)) = (&id, &name) {
                        if v.owner_id_number.as_deref() != Some(id.as_str())
                            || v.owner_name.as_deref() != Some(name.as_str())
                        {
                            check.push(
                                "buyer_id_number",
                                Text::new(
                                    "购车人的身份证明号码、姓名与该车销售信息不一致，请核对身份证明和销售发票",
                                    "The buyer's ID number and name do not match the vehicle's sale record: check the identity document and the sales invoice",
                                ),
                            );
                        } else if let Some(phone) = &phone {
                            if v.owner_phone.as_deref() != Some(phone.as_str()) {
                                check.push(
                                    "buyer_phone",
                                    Text::new(
                                        "与购车人在公安交通管理部门登记的手机号码不一致。号码已变更的，请购车人先办理联系方式变更",
                                        "This is not the buyer's mobile number on record. If it changed, the buyer changes their contact details first",
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        check.finish()?;
        let (vin, id, name, phone) = (
            vin.expect("checked"),
            id.expect("checked"),
            name.expect("checked"),
            phone.expect("checked"),
        );
        let (from, until) = (from.expect("checked"), until.expect("checked"));
        let new = NewTemporaryPlate {
            dealer_account_id: dealer.account_id,
            vin: vin.as_str().to_string(),
            prefix: prefix.to_string(),
            buyer_id_number: id.as_str().to_string(),
            buyer_name: name.as_str().to_string(),
            buyer_phone: phone.as_str().to_string(),
            valid_from: from,
            valid_until: until,
        };
        let plate_id = match self.plates.enter(&new, self.today, actor).await {
            Ok(Ok(id)) => id,
            Ok(Err(rule)) => return Err(refused(rule)),
            // Another entry for the vehicle got in between.
            Err(PortError::Conflict(c)) if c == constraint::TEMPORARY_PLATE_AWAITING => {
                return Err(refused(
                    may_issue(
                        &[EarlierPlate {
                            state: PlateState::AwaitingBuyer,
                            valid_until: until,
                        }],
                        self.today,
                    )
                    .expect_err("a plate waits"),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        if let Err(e) = self.send_code(dealer, plate_id, actor).await {
            // Without a code on its way the plate could never be issued.
            self.plates.withdraw(plate_id, actor).await?;
            return Err(e);
        }
        Ok(plate_id)
    }

    async fn send_code(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let found = self.own(dealer, plate_id).await?;
        if found.plate.state != PlateState::AwaitingBuyer {
            return Err(not_waiting(&found));
        }
        let phone = buyer_phone(&found)?;
        let p = found.plate.clone();
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let wording = move |code: &str| {
            Sms::temporary_plate_code(
                &p.dealer,
                &p.model,
                vin_tail(&p.vin),
                &p.valid_from.to_string(),
                &p.valid_until.to_string(),
                code,
                minutes,
            )
        };
        self.sms
            .send_code_worded(
                &wording,
                &phone,
                BUYER_CODE_PURPOSE,
                &plate_id.to_string(),
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok(phone.masked())
    }

    /// Sends the buyer another code. Answers the masked phone.
    pub async fn resend(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
        actor: &Actor,
    ) -> Result<String, AppError> {
        self.send_code(dealer, plate_id, actor).await
    }

    /// Step 2: the buyer's code issues the plate. Answers its number.
    pub async fn confirm(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
        code: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let found = self.own(dealer, plate_id).await?;
        if found.plate.state != PlateState::AwaitingBuyer {
            return Err(not_waiting(&found));
        }
        if found.plate.valid_until < self.today {
            return Err(refused((
                "这副临时号牌的有效期已过，不能再核发：请撤回后重新录入".into(),
                "This plate's dates have passed and it cannot be issued: withdraw it and enter it again".into(),
            )));
        }
        let phone = buyer_phone(&found)?;
        self.sms
            .use_code(
                &phone,
                BUYER_CODE_PURPOSE,
                &plate_id.to_string(),
                code.trim(),
                self.now_ms,
            )
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        if !self.plates.issue(plate_id, actor).await? {
            return Err(not_waiting(&found));
        }
        Ok(found.plate.number)
    }

    /// Withdraws a plate still waiting for its buyer.
    pub async fn withdraw(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let found = self.own(dealer, plate_id).await?;
        if found.plate.state != PlateState::AwaitingBuyer
            || !self.plates.withdraw(plate_id, actor).await?
        {
            return Err(not_waiting(&found));
        }
        Ok(())
    }

    /// Revokes an issued plate that is not past its dates (注销), with the
    /// reason the buyer is told.
    pub async fn revoke(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let reason = revocation_reason(reason)
            .map_err(|(zh, en)| AppError::field("reason", Text::new(zh, en)))?;
        let found = self.own(dealer, plate_id).await?;
        match found.plate.standing {
            Standing::Valid | Standing::NotYetValid => {}
            Standing::Expired => {
                return Err(refused((
                    "这副临时号牌已过有效期，无需注销".into(),
                    "This plate is past its dates already; there is nothing to revoke".into(),
                )))
            }
            _ => return Err(not_waiting(&found)),
        }
        if !self.plates.revoke(plate_id, &reason, actor).await? {
            return Err(not_waiting(&found));
        }
        Ok(found.plate.number)
    }

    /// One of the dealer's plates.
    pub async fn plate(
        &self,
        dealer: &SessionAccount,
        plate_id: i64,
    ) -> Result<TemporaryPlate, AppError> {
        Ok(self.own(dealer, plate_id).await?.plate)
    }

    async fn own(&self, dealer: &SessionAccount, plate_id: i64) -> Result<PlateFound, AppError> {
        self.plates
            .plate(plate_id, self.today)
            .await?
            .filter(|f| f.dealer_account_id == dealer.account_id)
            .ok_or_else(not_found)
    }

    /// The plates issued to this buyer (我的临时号牌).
    pub async fn buyer_plates(&self, id_number: &str) -> Result<Vec<TemporaryPlate>, AppError> {
        Ok(self.plates.buyer_plates(id_number, self.today).await?)
    }
}

/// The phone the dealer entered, as kept (checked when entered).
fn buyer_phone(found: &PlateFound) -> Result<PhoneNumber, AppError> {
    PhoneNumber::parse(&found.buyer_phone)
        .map_err(|e| crate::error::internal("temporary plate buyer phone", format!("{e:?}")))
}

fn not_waiting(found: &PlateFound) -> AppError {
    AppError::Conflict(Text::new(
        format!(
            "这副临时号牌当前状态为“{}”，不能办理此项操作。请刷新页面查看。",
            found.plate.standing.zh()
        ),
        format!(
            "This plate is now \"{}\"; that cannot be done. Reload the page to see it.",
            found.plate.standing.en()
        ),
    ))
}
