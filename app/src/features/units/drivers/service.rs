//! The drivers desk: binding a driver's licence with the driver's SMS
//! consent, ending it from either side, and naming a bound driver for a
//! violation with points, confirmed by the driver's SMS code. The rules
//! are in `domain::unit_driver`; the points go on the licence in the
//! store's transaction (`Fines::decide_naming_driver`).

use super::port::{DriverRecord, UnitDrivers};
use super::{DriverCounts, DriverFilter, DriverTie, UnitDriver};
use crate::domain::unit_driver::{
    attention, driver_consent_sms, licence_soon_until, may_take_points, named_driver_sms,
};
use crate::domain::{Date, PhoneNumber, ResidentId, ViolationStatus};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::SmsCodes;
use crate::features::accounts::service::contact::code_already_sent;
use crate::features::accounts::SessionAccount;
use crate::features::fines::port::{Fines, NamedDecision};
use crate::features::fines::ViolationItem;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The purpose of the driver's consent to a binding (绑定驾驶证验证码).
pub const DRIVER_CONSENT_PURPOSE: &str = "bind_driver";
/// The purpose of the named driver's confirmation (指定驾驶人验证码).
pub const NAMED_DRIVER_PURPOSE: &str = "name_driver";

/// The drivers desk (单位驾驶人业务).
pub struct DriverDesk<'a> {
    pub drivers: &'a dyn UnitDrivers,
    pub fines: &'a dyn Fines,
    pub sms: &'a dyn SmsCodes,
    pub today: Date,
    pub now_ms: i64,
    pub home_province: &'a str,
}

impl<'a> DriverDesk<'a> {
    pub fn of(ports: &'a Ports) -> DriverDesk<'a> {
        DriverDesk {
            drivers: &*ports.unit_drivers,
            fines: &*ports.fines,
            sms: &*ports.sms,
            today: ports.clock.today(),
            now_ms: ports.clock.now_ms(),
            home_province: ports.profile.home_province(),
        }
    }

    /// One page of the unit's drivers, each with what to look at today.
    pub async fn drivers(
        &self,
        account_id: i64,
        filter: DriverFilter,
        page: PageRequest,
    ) -> Result<ListPage<UnitDriver>, AppError> {
        let mut list = self
            .drivers
            .drivers(account_id, filter, licence_soon_until(self.today), page)
            .await?;
        for d in &mut list.items {
            self.flag(d);
        }
        Ok(list)
    }

    /// The next chunk of the export, flagged like the table.
    pub async fn drivers_after(
        &self,
        account_id: i64,
        filter: DriverFilter,
        after_id: i64,
        limit: i64,
    ) -> crate::port_error::PortResult<Vec<UnitDriver>> {
        let mut rows = self
            .drivers
            .drivers_after(
                account_id,
                filter,
                licence_soon_until(self.today),
                after_id,
                limit,
            )
            .await?;
        for d in &mut rows {
            self.flag(d);
        }
        Ok(rows)
    }

    fn flag(&self, d: &mut UnitDriver) {
        d.attention = attention(&d.standing, self.today);
    }

    pub async fn counts(&self, account_id: i64) -> Result<DriverCounts, AppError> {
        Ok(self
            .drivers
            .driver_counts(account_id, licence_soon_until(self.today))
            .await?)
    }

    /// Step 1 of binding a driver's licence: the driver's ID number and
    /// name, which must match the registry; the driver gets a code on the
    /// phone on record. Answers the masked phone.
    pub async fn request_binding(
        &self,
        unit: &SessionAccount,
        id_number: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let mut check = FieldCheck::new();
        let id = check.take("id_number", ResidentId::parse(id_number));
        if name.trim().is_empty() {
            check.push(
                "name",
                Text::new("请输入驾驶人姓名", "Enter the driver's name"),
            );
        }
        check.finish()?;
        let id = id.expect("checked");
        let record = self
            .drivers
            .driver_record(id.as_str())
            .await?
            .filter(|r| same_name(&r.name, name))
            .ok_or_else(no_such_licence)?;
        if self
            .drivers
            .bound_driver(unit.account_id, id.as_str())
            .await?
            .is_some()
        {
            return Err(already_bound());
        }
        let phone = driver_phone(&record)?;
        let unit_name = unit.display_name.clone();
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let wording = move |code: &str| driver_consent_sms(&unit_name, code, minutes);
        self.sms
            .send_code_worded(
                &wording,
                &phone,
                DRIVER_CONSENT_PURPOSE,
                &format!("{}:{}", unit.account_id, id.as_str()),
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok(phone.masked())
    }

    /// Step 2: the code the driver passed on binds the licence.
    pub async fn confirm_binding(
        &self,
        unit: &SessionAccount,
        id_number: &str,
        code: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let id = ResidentId::parse(id_number).map_err(|e| {
            AppError::Fields(vec![crate::error::FieldProblem::rule("id_number", &e)])
        })?;
        let record = self
            .drivers
            .driver_record(id.as_str())
            .await?
            .ok_or_else(no_such_licence)?;
        let phone = driver_phone(&record)?;
        self.sms
            .use_code(
                &phone,
                DRIVER_CONSENT_PURPOSE,
                &format!("{}:{}", unit.account_id, id.as_str()),
                code.trim(),
                self.now_ms,
            )
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        if self
            .drivers
            .bind_driver(unit.account_id, id.as_str(), actor)
            .await?
        {
            Ok(())
        } else {
            Err(already_bound())
        }
    }

    /// The unit ends a binding (解除绑定).
    pub async fn unbind(
        &self,
        account_id: i64,
        tie_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if self
            .drivers
            .unbind_driver(account_id, tie_id, actor)
            .await?
        {
            Ok(())
        } else {
            Err(no_such_tie())
        }
    }

    /// The units that have bound the person's licence.
    pub async fn ties(&self, id_number: &str) -> Result<Vec<DriverTie>, AppError> {
        Ok(self.drivers.ties_of_driver(id_number).await?)
    }

    /// The driver ends a unit's binding of their licence.
    pub async fn end_tie(
        &self,
        id_number: &str,
        tie_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if self.drivers.end_tie(id_number, tie_id, actor).await? {
            Ok(())
        } else {
            Err(no_such_tie())
        }
    }

    /// Step 1 of naming a driver for a violation with points: the checks,
    /// then a code to the driver's phone with the facts and the points.
    /// Answers the masked phone.
    pub async fn request_naming(
        &self,
        unit: &SessionAccount,
        violation_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let (violation, id, record) = self.naming(unit, violation_id, id_number).await?;
        let phone = driver_phone(&record)?;
        let unit_name = unit.display_name.clone();
        let occurred = crate::domain::date::cst_date_time(violation.occurred_at_ms);
        let (plate, description, points) = (
            violation.plate.clone(),
            violation.description.clone(),
            violation.points,
        );
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let wording = move |code: &str| {
            named_driver_sms(
                &unit_name,
                &plate,
                &occurred,
                &description,
                points,
                code,
                minutes,
            )
        };
        self.sms
            .send_code_worded(
                &wording,
                &phone,
                NAMED_DRIVER_PURPOSE,
                &naming_subject(unit.account_id, violation_id, &id),
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok(phone.masked())
    }

    /// Step 2: the unit's confirmation and the driver's code issue the
    /// decision; the points go on the driver's licence. Answers false when
    /// it was handled already.
    pub async fn confirm_naming(
        &self,
        unit: &SessionAccount,
        violation_id: i64,
        id_number: &str,
        code: &str,
        confirm: Option<&str>,
        actor: &Actor,
    ) -> Result<bool, AppError> {
        let (_, id, record) = self.naming(unit, violation_id, id_number).await?;
        if confirm != Some("yes") {
            return Err(AppError::field(
                "confirm",
                Text::new(
                    "请勾选“本单位确认该驾驶人是违法时的实际驾驶人”",
                    "Tick \"The unit confirms this driver drove at the time\"",
                ),
            ));
        }
        let phone = driver_phone(&record)?;
        self.sms
            .use_code(
                &phone,
                NAMED_DRIVER_PURPOSE,
                &naming_subject(unit.account_id, violation_id, &id),
                code.trim(),
                self.now_ms,
            )
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        match self
            .fines
            .decide_naming_driver(unit.account_id, violation_id, id.as_str(), self.today, actor)
            .await?
        {
            NamedDecision::Decided => Ok(true),
            NamedDecision::NotUnhandled => Ok(false),
            NamedDecision::LicenceRefused => Err(AppError::Conflict(Text::new(
                "该驾驶人的驾驶证刚刚发生变化，已不能记入本次记分，请刷新后重新核对。",
                "The driver's licence changed just now and can not take these points. Reload and check again.",
            ))),
        }
    }

    /// Everything naming checks, in both steps: the violation is the
    /// unit's, handled here, carries points and is not handled yet; the
    /// driver is bound to the unit and their licence may take the points.
    async fn naming(
        &self,
        unit: &SessionAccount,
        violation_id: i64,
        id_number: &str,
    ) -> Result<(ViolationItem, ResidentId, DriverRecord), AppError> {
        let violation = self
            .fines
            .violation(unit.account_id, violation_id)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(Text::new(
                    "没有找到这条违法记录，或它不属于本单位绑定的机动车。",
                    "That violation was not found, or it is not on a vehicle the unit has bound.",
                ))
            })?;
        violation.may_handle(self.home_province)?;
        if violation.points == 0 {
            return Err(AppError::Conflict(Text::new(
                "该违法未记分，由本单位直接处理即可，无需指定驾驶人。",
                "This violation carries no points: the unit handles it itself, no driver is named.",
            )));
        }
        if violation.status != ViolationStatus::Unhandled {
            return Err(AppError::Conflict(Text::new(
                "该违法已经处理。",
                "This violation is handled already.",
            )));
        }
        let id = ResidentId::parse(id_number).map_err(|e| {
            AppError::Fields(vec![crate::error::FieldProblem::rule("id_number", &e)])
        })?;
        let record = self
            .drivers
            .bound_driver(unit.account_id, id.as_str())
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "id_number",
                    Text::new(
                        "该驾驶人的驾驶证没有绑定到本单位，请先在“驾驶人”中绑定",
                        "This driver's licence is not bound to the unit. Bind it under \"Drivers\" first",
                    ),
                )
            })?;
        may_take_points(
            &record.standing,
            violation.vehicle_type,
            violation.points,
            self.today,
        )?;
        Ok((violation, id, record))
    }
}

/// What the named driver's code is for: this unit, this violation, this
/// driver.
fn naming_subject(account_id: i64, violation_id: i64, id: &ResidentId) -> String {
    format!("{account_id}:{violation_id}:{}", id.as_str())
}

/// Names compared as people type them: spaces and the middle dot's forms
/// do not count.
fn same_name(on_record: &str, typed: &str) -> bool {
    let fold = |s: &str| -> String {
        crate::domain::text::fold_width(s)
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '.' | '・'))
            .collect()
    };
    !typed.trim().is_empty() && fold(on_record) == fold(typed)
}

fn driver_phone(record: &DriverRecord) -> Result<PhoneNumber, AppError> {
    PhoneNumber::parse(&record.phone).map_err(|_| {
        AppError::not_allowed(
            Text::new(
                "该驾驶人登记的手机号码无效，无法发送确认短信。",
                "The driver's phone on record is not valid, so no confirmation SMS can be sent.",
            ),
            Text::new(
                "请驾驶人先变更联系方式。",
                "The driver must first update the contact details.",
            ),
        )
    })
}

/// One answer for a wrong number and a wrong name: the registry is not
/// searched by guessing.
fn no_such_licence() -> AppError {
    AppError::field(
        "id_number",
        Text::new(
            "没有查到与该姓名和身份证号码相符的驾驶证，请核对",
            "No driving licence matches this name and ID number. Check them",
        ),
    )
}

fn already_bound() -> AppError {
    AppError::Conflict(Text::new(
        "该驾驶人的驾驶证已经绑定到本单位。",
        "This driver's licence is bound to the unit already.",
    ))
}

fn no_such_tie() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到这项驾驶证绑定，可能已经解除。",
        "That licence binding was not found; it may have ended already.",
    ))
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn names_match_as_people_type_them() {
        assert!(same_name("张三", " 张 三 "));
        assert!(same_name("买买提·艾力", "买买提.艾力"));
        assert!(!same_name("张三", "张四"));
        assert!(!same_name("张三", ""));
    }
}
