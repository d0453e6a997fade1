//! Binding vehicles and the licence (绑定机动车/驾驶证): who may bind what
//! (`domain::binding`), the owner's consent by SMS for a vehicle not in the
//! holder's name, and the slots the database guards. Unit-tested against
//! in-memory fakes of the ports (`service/tests.rs`).

use super::port::{BindRejection, Bindings, OwnerKey};
use super::{non_own_count, MyLicence, MyVehicle, VehiclesOverview};
use crate::domain::binding::{may_bind_vehicle, parse_vin_suffix, Binder};
use crate::domain::{BindingKind, PhoneNumber, PlateNumber};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::port::SmsCodes;
use crate::features::accounts::service::contact::code_already_sent;
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;

/// The purpose of the owner's consent code (绑定他人机动车验证码).
pub const BIND_PURPOSE: &str = "bind_vehicle";

/// The binding desk (绑定业务): the registry's bindings, the SMS codes for
/// the owner's consent, and the time now.
pub struct BindingDesk<'a> {
    pub bindings: &'a dyn Bindings,
    pub sms: &'a dyn SmsCodes,
    pub now_ms: i64,
}

/// Who is binding and what they hold already.
pub struct BindingContext {
    pub account: SessionAccount,
    pub binder: Binder,
    pub owner: OwnerKey,
    pub bound: Vec<MyVehicle>,
}

impl<'a> BindingDesk<'a> {
    pub fn of(ports: &'a Ports) -> BindingDesk<'a> {
        BindingDesk {
            bindings: &*ports.bindings,
            sms: &*ports.sms,
            now_ms: ports.clock.now_ms(),
        }
    }

    /// The binding context of the account.
    pub async fn context(&self, account: SessionAccount) -> Result<BindingContext, AppError> {
        let binder = binder_of(&account)?;
        let owner = account.registry_owner()?;
        let bound = self.bindings.bound_vehicles(account.account_id).await?;
        Ok(BindingContext {
            account,
            binder,
            owner,
            bound,
        })
    }

    /// The vehicles page: bound vehicles, own vehicles still to bind, and
    /// the allowance for vehicles not in the holder's name.
    pub async fn overview(&self, account: SessionAccount) -> Result<VehiclesOverview, AppError> {
        let context = self.context(account).await?;
        let unbound_own = self
            .bindings
            .unbound_own_vehicles(context.account.account_id, &context.owner)
            .await?;
        let non_own_bound = non_own_count(&context.bound);
        let non_own_refusal = may_bind_vehicle(context.binder, BindingKind::NonOwn, non_own_bound)
            .err()
            .map(crate::error::Refusal::from);
        Ok(VehiclesOverview {
            bound: context.bound,
            unbound_own,
            non_own_refusal,
            non_own_bound,
        })
    }

    /// Binds a vehicle registered in the holder's name (the registry
    /// decides).
    pub async fn bind_own(
        &self,
        account: &SessionAccount,
        vehicle_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        binder_of(account)?;
        let owner = account.registry_owner()?;
        let vehicle = self
            .bindings
            .vehicle_by_id(vehicle_id)
            .await?
            .filter(|v| v.owner == owner && v.plate.is_some())
            .ok_or_else(not_your_vehicle)?;
        self.bind(account.account_id, vehicle.id, BindingKind::Own, actor)
            .await
    }

    /// Step 1 of binding a vehicle not in the holder's name: the plate and
    /// the VIN's last six characters; the owner gets an SMS code on the
    /// phone on record. Answers the plate and the masked phone.
    pub async fn request_other(
        &self,
        account: SessionAccount,
        plate: &str,
        vin_suffix: &str,
        actor: &Actor,
    ) -> Result<(PlateNumber, String), AppError> {
        let BindingContext {
            account,
            binder,
            owner,
            bound,
        } = self.context(account).await?;
        may_bind_vehicle(binder, BindingKind::NonOwn, non_own_count(&bound))?;

        let mut check = FieldCheck::new();
        let plate = check.take("plate", PlateNumber::parse(plate));
        let suffix = parse_vin_suffix(vin_suffix);
        if suffix.is_none() {
            check.push(
                "vin_suffix",
                Text::new(
                    "请输入车辆识别代号（车架号）的后6位字母或数字",
                    "Enter the last 6 letters or digits of the vehicle identification number (VIN)",
                ),
            );
        }
        check.finish()?;
        let (plate, suffix) = (plate.expect("checked"), suffix.expect("checked"));
        let vehicle = self
            .bindings
            .vehicle_by_plate(&plate)
            .await?
            .filter(|v| v.vin.ends_with(&suffix))
            .ok_or_else(|| {
                AppError::field(
                    "vin_suffix",
                    Text::new(
                        "号牌号码与车辆识别代号后6位不匹配，请对照机动车行驶证核对",
                        "The plate and the VIN's last 6 characters do not match. Check them against the vehicle licence",
                    ),
                )
            })?;
        if vehicle.owner == owner {
            return Err(AppError::field(
                "plate",
                Text::new(
                    "这辆车登记在您本人名下，请在“名下机动车”中直接绑定",
                    "This vehicle is in your name. Bind it under \"Vehicles in your name\"",
                ),
            ));
        }
        if bound.iter().any(|v| v.vehicle_id == vehicle.id) {
            return Err(already_bound());
        }
        let phone = PhoneNumber::parse(&vehicle.owner_phone).map_err(|_| {
            AppError::not_allowed(
                Text::new(
                    "该车登记的车主手机号码无效，无法发送确认短信。",
                    "The owner's phone on record is not valid, so no confirmation SMS can be sent.",
                ),
                Text::new(
                    "请机动车所有人先变更联系方式。",
                    "The owner must first update the contact details.",
                ),
            )
        })?;
        let subject = consent_subject(account.account_id, vehicle.id);
        // The owner learns who asks, for which vehicle and why.
        let (binder, plate_text) = (account.display_name.clone(), plate.as_str().to_string());
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let wording = move |code: &str| {
            crate::domain::binding::owner_consent_sms(&binder, &plate_text, code, minutes)
        };
        self.sms
            .send_code_worded(
                &wording,
                &phone,
                BIND_PURPOSE,
                &subject,
                &actor.ip,
                self.now_ms,
            )
            .await?
            .map_err(code_already_sent)?;
        Ok((plate, phone.masked()))
    }

    /// Step 2: the code the owner passed on. Binds into a free slot (of
    /// three; the database refuses a fourth).
    pub async fn confirm_other(
        &self,
        account: &SessionAccount,
        plate: &str,
        code: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let binder = binder_of(account)?;
        may_bind_vehicle(binder, BindingKind::NonOwn, 0)?;
        let plate = PlateNumber::parse(plate)
            .map_err(|e| AppError::Fields(vec![crate::error::FieldProblem::rule("plate", &e)]))?;
        let vehicle = self
            .bindings
            .vehicle_by_plate(&plate)
            .await?
            .ok_or_else(not_your_vehicle)?;
        let phone = PhoneNumber::parse(&vehicle.owner_phone).map_err(|_| not_your_vehicle())?;
        let subject = consent_subject(account.account_id, vehicle.id);
        self.sms
            .use_code(&phone, BIND_PURPOSE, &subject, code.trim(), self.now_ms)
            .await?
            .map_err(|rejection| rejection.into_field_error("code"))?;
        self.bind(account.account_id, vehicle.id, BindingKind::NonOwn, actor)
            .await
    }

    /// Unbinds a vehicle (解绑).
    pub async fn unbind_vehicle(
        &self,
        account: &SessionAccount,
        vehicle_id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let done = self
            .bindings
            .unbind_vehicle(account.account_id, vehicle_id, actor)
            .await?;
        if done {
            Ok(())
        } else {
            Err(not_your_vehicle())
        }
    }

    /// The person's licence, if the registry has one for their ID number.
    pub async fn licence(&self, account: &SessionAccount) -> Result<Option<MyLicence>, AppError> {
        match account.registry_owner()? {
            OwnerKey::Person(id) => Ok(self.bindings.licence(account.account_id, &id).await?),
            OwnerKey::Organisation(_) => Ok(None),
        }
    }

    /// Binds the person's own driving licence (绑定驾驶证).
    pub async fn bind_licence(
        &self,
        account: &SessionAccount,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let OwnerKey::Person(id) = account.registry_owner()? else {
            return Err(AppError::not_allowed(
                Text::new(
                    "单位用户没有驾驶证。",
                    "Units do not hold driving licences.",
                ),
                Text::new(
                    "驾驶人本人注册后绑定。",
                    "The driver registers and binds it.",
                ),
            ));
        };
        let licence = self.bindings.licence(account.account_id, &id).await?;
        if licence.is_none() {
            return Err(AppError::NotFound(Text::new(
                "没有查到登记在您身份证号码下的驾驶证。",
                "No driving licence is registered under your ID number.",
            )));
        }
        self.bindings
            .bind_licence(account.account_id, &id, actor)
            .await?
            .map_err(|_| already_bound())
    }

    /// Unbinds the licence (解绑驾驶证).
    pub async fn unbind_licence(
        &self,
        account: &SessionAccount,
        actor: &Actor,
    ) -> Result<(), AppError> {
        self.bindings
            .unbind_licence(account.account_id, actor)
            .await?;
        Ok(())
    }

    async fn bind(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> Result<(), AppError> {
        match self
            .bindings
            .bind_vehicle(account_id, vehicle_id, kind, actor)
            .await?
        {
            Ok(()) => Ok(()),
            Err(BindRejection::AlreadyBound) => Err(already_bound()),
            Err(BindRejection::NonOwnSlotsFull) => {
                Err(crate::domain::binding::non_own_limit_reached().into())
            }
        }
    }
}

/// What the owner's consent code is for: this account binding this
/// vehicle (a code sent for one vehicle does not bind another).
fn consent_subject(account_id: i64, vehicle_id: i64) -> String {
    format!("{account_id}:{vehicle_id}")
}

/// What kind of binder the account is; staff do not bind.
pub fn binder_of(account: &SessionAccount) -> Result<Binder, AppError> {
    match &account.role {
        AccountRole::Individual { channel, .. } => Ok(Binder::Individual(*channel)),
        AccountRole::Unit { .. } => Ok(Binder::Unit),
        AccountRole::Staff { .. } => Err(AppError::not_allowed(
            Text::new(
                "民警账户不能绑定机动车。",
                "Staff accounts do not bind vehicles.",
            ),
            Text::new("请使用民警工作台。", "Use the staff console."),
        )),
    }
}

pub fn not_your_vehicle() -> AppError {
    AppError::NotFound(Text::new(
        "没有找到这辆机动车，或它不在您的账户中。",
        "That vehicle was not found, or it is not in your account.",
    ))
}

fn already_bound() -> AppError {
    AppError::Conflict(Text::new("已经绑定，无需重复绑定。", "Already bound."))
}
