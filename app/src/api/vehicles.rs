//! My vehicles and my driving licence (我的机动车/我的驾驶证): binding,
//! unbinding and the holder's view of the registry, SPEC §3.

use crate::domain::{BindingKind, Date, LicenceClass, LicenceStatus, VehicleStatus, VehicleType};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A vehicle bound to the account (已绑定机动车).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyVehicle {
    pub vehicle_id: i64,
    pub plate: String,
    pub vehicle_type: VehicleType,
    pub brand: String,
    pub colour: String,
    pub status: VehicleStatus,
    /// 检验有效期至
    pub inspection_due: Option<Date>,
    pub binding: BindingKind,
    /// Surveillance violations not yet handled (未处理违法).
    pub unhandled_violations: i64,
}

/// A registered vehicle in the holder's name that is not bound yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnboundVehicle {
    pub vehicle_id: i64,
    pub plate: String,
    pub vehicle_type: VehicleType,
    pub brand: String,
}

/// Everything the "my vehicles" page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehiclesOverview {
    pub bound: Vec<MyVehicle>,
    pub unbound_own: Vec<UnboundVehicle>,
    /// Why this account cannot bind vehicles not in its name, if it cannot.
    pub non_own_refusal: Option<crate::error::Refusal>,
    pub non_own_bound: usize,
}

/// The holder's driving licence (驾驶证信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyLicence {
    /// The licence number is the resident ID number, masked for display.
    pub number_masked: String,
    pub class: LicenceClass,
    pub first_issued: Date,
    pub valid_from: Date,
    pub valid_until: Date,
    /// Points in the current scoring cycle (累积记分).
    pub points: i64,
    pub cycle_ends: Date,
    pub status: LicenceStatus,
    /// 审验日期
    pub review_due: Option<Date>,
    /// 提交身体条件证明日期
    pub physical_due: Option<Date>,
    pub issuing_authority: String,
    pub bound: bool,
}

/// What the person should do next about a licence, if anything.
pub fn licence_hints(l: &MyLicence, today: Date) -> Vec<crate::i18n::Text> {
    use crate::domain::licence::{renewal_stage, RenewalStage};
    use crate::i18n::Text;
    let mut hints = Vec::new();
    let stage = renewal_stage(l.valid_until, today);
    match stage {
        RenewalStage::TooEarly { opens } if opens.add_days(-30) <= today => {
            hints.push(Text::new(
                format!("自{opens}起可以申请期满换证。"),
                format!("You can renew from {opens}."),
            ));
        }
        RenewalStage::TooEarly { .. } => {}
        RenewalStage::Due => hints.push(Text::new(
            format!(
                "驾驶证将于{}到期，现在可以申请期满换领驾驶证。",
                l.valid_until
            ),
            format!(
                "The licence expires on {}; you can renew it now.",
                l.valid_until
            ),
        )),
        RenewalStage::Overdue { .. } => {
            if let Some((zh, en)) = stage.overdue_notice(l.valid_until) {
                hints.push(Text::new(zh, en));
            }
        }
        RenewalStage::Cancelled { .. } | RenewalStage::Lapsed { .. } => {
            if let Some(r) = stage.refusal(l.valid_until) {
                hints.push(Text::new(
                    format!("{}{}", r.rule_zh, r.remedy_zh),
                    format!("{} {}", r.rule_en, r.remedy_en),
                ));
            }
        }
    }
    if let Some(d) = l.review_due {
        if d <= today.add_days(90) {
            hints.push(Text::new(
                format!("请在{d}前参加审验。"),
                format!("Attend the licence review before {d}."),
            ));
        }
    }
    if let Some(d) = l.physical_due {
        if d <= today.add_days(90) {
            hints.push(Text::new(
                format!("请在{d}前提交身体条件证明。"),
                format!("Submit the physical-condition certificate before {d}."),
            ));
        }
    }
    if l.points >= 9 {
        hints.push(Text::new(
            format!("本记分周期已记{}分，满12分将被暂扣驾驶证并参加学习和考试。", l.points),
            format!(
                "{} points this cycle. At 12 the licence is held and you must attend study and an exam.",
                l.points
            ),
        ));
    }
    hints
}

/// What the person should do next about a vehicle, if anything.
pub fn vehicle_hints(v: &MyVehicle, today: Date) -> Vec<crate::i18n::Text> {
    use crate::i18n::Text;
    let mut hints = Vec::new();
    if v.unhandled_violations > 0 {
        hints.push(Text::new(
            format!("有{}条违法未处理。", v.unhandled_violations),
            format!("{} violations not handled.", v.unhandled_violations),
        ));
    }
    if let Some(due) = v.inspection_due {
        if due < today {
            hints.push(Text::new(
                format!("检验有效期已于{due}届满，请尽快到检验机构检验。"),
                format!("The inspection expired on {due}; have the vehicle inspected soon."),
            ));
        } else if due <= today.add_days(90) {
            hints.push(Text::new(
                format!("请在{due}前完成检验。"),
                format!("Have the vehicle inspected before {due}."),
            ));
        }
    }
    hints
}

/// The vehicles page: bound vehicles, own vehicles still to bind, and the
/// allowance for vehicles not in the holder's name.
#[server(prefix = "/api", endpoint = "my_vehicles")]
pub async fn my_vehicles() -> Result<VehiclesOverview, AppError> {
    use super::server::*;
    use crate::domain::binding::may_bind_vehicle;
    let ports = ports()?;
    let BindingContext {
        account,
        binder,
        owner,
        bound,
    } = binding_context(&ports).await?;
    let unbound_own = ports
        .bindings
        .unbound_own_vehicles(account.account_id, &owner)
        .await
        .map_err(port("list own vehicles"))?;
    let non_own_bound = non_own_count(&bound);
    let non_own_refusal = may_bind_vehicle(binder, BindingKind::NonOwn, non_own_bound)
        .err()
        .map(|r| match AppError::from(r) {
            AppError::NotAllowed(r) => r,
            _ => unreachable!("a refusal converts to NotAllowed"),
        });
    Ok(VehiclesOverview {
        bound,
        unbound_own,
        non_own_refusal,
        non_own_bound,
    })
}

/// Binds a vehicle registered in the holder's name (the registry decides).
#[server(prefix = "/api", endpoint = "bind_own_vehicle")]
pub async fn bind_own_vehicle(vehicle_id: i64) -> Result<(), AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    binder_of(&account)?;
    let owner = owner_of(&ports, account.account_id).await?;
    let vehicle = ports
        .bindings
        .vehicle_by_id(vehicle_id)
        .await
        .map_err(port("load vehicle"))?
        .filter(|v| v.owner == owner && v.plate.is_some())
        .ok_or_else(not_your_vehicle)?;
    bind(&ports, account.account_id, vehicle.id, BindingKind::Own).await?;
    redirect_to("/account/vehicles?bound=1");
    Ok(())
}

/// Step 1 of binding a vehicle not in the holder's name (window-registered
/// individuals): the plate and the VIN's last six characters; the owner
/// gets an SMS code on the phone on record. Answers the masked phone.
#[server(prefix = "/api", endpoint = "request_other_vehicle")]
pub async fn request_other_vehicle(plate: String, vin_suffix: String) -> Result<String, AppError> {
    use super::server::*;
    use crate::domain::binding::{may_bind_vehicle, parse_vin_suffix};
    use crate::domain::{PhoneNumber, PlateNumber};
    use crate::error::FieldCheck;
    use crate::i18n::Text;
    let ports = ports()?;
    let BindingContext {
        account,
        binder,
        owner,
        bound,
    } = binding_context(&ports).await?;
    let non_own = non_own_count(&bound);
    may_bind_vehicle(binder, BindingKind::NonOwn, non_own)?;

    let mut check = FieldCheck::new();
    let plate = check.take("plate", PlateNumber::parse(&plate));
    let suffix = parse_vin_suffix(&vin_suffix);
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
    let vehicle = ports
        .bindings
        .vehicle_by_plate(&plate)
        .await
        .map_err(port("find vehicle"))?
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
    let subject = format!("{}:{}", account.account_id, vehicle.id);
    let now = ports.clock.now_ms();
    // The owner learns who asks, for which vehicle and why.
    let (binder, plate_text) = (account.display_name.clone(), plate.as_str().to_string());
    let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
    let wording = move |code: &str| {
        crate::domain::binding::owner_consent_sms(&binder, &plate_text, code, minutes)
    };
    match ports
        .sms
        .send_code_worded(&phone, BIND_PURPOSE, &subject, &client_ip(), now, &wording)
        .await
        .map_err(port("send binding code"))?
    {
        Ok(()) => {}
        Err(wait) => {
            return Err(AppError::RateLimited {
                retry_after_secs: wait as u64,
                message: Text::new(
                    format!("验证码已发送，请{wait}秒后再重新获取"),
                    format!("A code was sent; you can ask again in {wait} seconds"),
                ),
            })
        }
    }
    let masked = phone.masked();
    redirect_to(&format!(
        "/account/vehicles/confirm?plate={}",
        url_encode(plate.as_str())
    ));
    Ok(masked)
}

/// Step 2: the code the owner passed on. Binds into a free slot (of three).
#[server(prefix = "/api", endpoint = "confirm_other_vehicle")]
pub async fn confirm_other_vehicle(plate: String, code: String) -> Result<(), AppError> {
    use super::server::*;
    use crate::domain::{binding::may_bind_vehicle, PhoneNumber, PlateNumber};
    let ports = ports()?;
    let account = require_account()?;
    let binder = binder_of(&account)?;
    may_bind_vehicle(binder, BindingKind::NonOwn, 0)?;
    let plate = PlateNumber::parse(&plate)
        .map_err(|e| AppError::Fields(vec![crate::error::FieldProblem::rule("plate", &e)]))?;
    let vehicle = ports
        .bindings
        .vehicle_by_plate(&plate)
        .await
        .map_err(port("find vehicle"))?
        .ok_or_else(not_your_vehicle)?;
    let phone = PhoneNumber::parse(&vehicle.owner_phone).map_err(|_| not_your_vehicle())?;
    let subject = format!("{}:{}", account.account_id, vehicle.id);
    let code = code.trim();
    let verdict = ports
        .sms
        .use_code(&phone, BIND_PURPOSE, &subject, code, ports.clock.now_ms())
        .await
        .map_err(port("check binding code"))?;
    if let Err(rejection) = verdict {
        return Err(rejection.into_field_error("code"));
    }
    bind(&ports, account.account_id, vehicle.id, BindingKind::NonOwn).await?;
    redirect_to("/account/vehicles?bound=1");
    Ok(())
}

/// Unbinds a vehicle (解绑).
#[server(prefix = "/api", endpoint = "unbind_vehicle")]
pub async fn unbind_vehicle(vehicle_id: i64) -> Result<(), AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    let done = ports
        .bindings
        .unbind_vehicle(account.account_id, vehicle_id, &actor())
        .await
        .map_err(port("unbind vehicle"))?;
    if !done {
        return Err(not_your_vehicle());
    }
    redirect_to("/account/vehicles?unbound=1");
    Ok(())
}

/// The person's licence, if the registry has one for their ID number.
#[server(prefix = "/api", endpoint = "licence_overview")]
pub async fn licence_overview() -> Result<Option<MyLicence>, AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    match owner_of(&ports, account.account_id).await? {
        crate::ports::OwnerKey::Person(id) => ports
            .bindings
            .licence(account.account_id, &id)
            .await
            .map_err(port("load licence")),
        crate::ports::OwnerKey::Organisation(_) => Ok(None),
    }
}

/// Binds the person's own driving licence (绑定驾驶证).
#[server(prefix = "/api", endpoint = "bind_licence")]
pub async fn bind_licence() -> Result<(), AppError> {
    use super::server::*;
    use crate::i18n::Text;
    let ports = ports()?;
    let account = require_account()?;
    let crate::ports::OwnerKey::Person(id) = owner_of(&ports, account.account_id).await? else {
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
    let licence = ports
        .bindings
        .licence(account.account_id, &id)
        .await
        .map_err(port("load licence"))?;
    if licence.is_none() {
        return Err(AppError::NotFound(Text::new(
            "没有查到登记在您身份证号码下的驾驶证。",
            "No driving licence is registered under your ID number.",
        )));
    }
    match ports
        .bindings
        .bind_licence(account.account_id, &id, &actor())
        .await
        .map_err(port("bind licence"))?
    {
        Ok(()) => {}
        Err(_) => return Err(already_bound()),
    }
    redirect_to("/account/licence?bound=1");
    Ok(())
}

/// Unbinds the licence.
#[server(prefix = "/api", endpoint = "unbind_licence")]
pub async fn unbind_licence() -> Result<(), AppError> {
    use super::server::*;
    let ports = ports()?;
    let account = require_account()?;
    ports
        .bindings
        .unbind_licence(account.account_id, &actor())
        .await
        .map_err(port("unbind licence"))?;
    redirect_to("/account/licence");
    Ok(())
}

#[cfg(feature = "ssr")]
const BIND_PURPOSE: &str = "bind_vehicle";

/// Who is binding and what they hold already.
#[cfg(feature = "ssr")]
struct BindingContext {
    account: super::SessionAccount,
    binder: crate::domain::binding::Binder,
    owner: crate::ports::OwnerKey,
    bound: Vec<MyVehicle>,
}

#[cfg(feature = "ssr")]
async fn binding_context(ports: &crate::ports::Ports) -> Result<BindingContext, AppError> {
    use super::server::{port, require_account};
    let account = require_account()?;
    let binder = binder_of(&account)?;
    let owner = owner_of(ports, account.account_id).await?;
    let bound = ports
        .bindings
        .bound_vehicles(account.account_id)
        .await
        .map_err(port("list bound vehicles"))?;
    Ok(BindingContext {
        account,
        binder,
        owner,
        bound,
    })
}

/// How many bound vehicles are not in the holder's name.
pub fn non_own_count(bound: &[MyVehicle]) -> usize {
    bound
        .iter()
        .filter(|v| v.binding == BindingKind::NonOwn)
        .count()
}

#[cfg(feature = "ssr")]
fn binder_of(account: &super::SessionAccount) -> Result<crate::domain::binding::Binder, AppError> {
    use crate::domain::binding::Binder;
    use crate::i18n::Text;
    match &account.role {
        super::AccountRole::Individual { channel, .. } => Ok(Binder::Individual(*channel)),
        super::AccountRole::Unit { .. } => Ok(Binder::Unit),
        super::AccountRole::Staff { .. } => Err(AppError::not_allowed(
            Text::new(
                "民警账户不能绑定机动车。",
                "Staff accounts do not bind vehicles.",
            ),
            Text::new("请使用民警工作台。", "Use the staff console."),
        )),
    }
}

#[cfg(feature = "ssr")]
async fn owner_of(
    ports: &crate::ports::Ports,
    account_id: i64,
) -> Result<crate::ports::OwnerKey, AppError> {
    use super::server::port;
    ports
        .bindings
        .account_owner(account_id)
        .await
        .map_err(port("load account owner"))?
        .ok_or(AppError::NotLoggedIn)
}

#[cfg(feature = "ssr")]
async fn bind(
    ports: &crate::ports::Ports,
    account_id: i64,
    vehicle_id: i64,
    kind: BindingKind,
) -> Result<(), AppError> {
    use super::server::{actor, port};
    use crate::ports::BindRejection;
    match ports
        .bindings
        .bind_vehicle(account_id, vehicle_id, kind, &actor())
        .await
        .map_err(port("bind vehicle"))?
    {
        Ok(()) => Ok(()),
        Err(BindRejection::AlreadyBound) => Err(already_bound()),
        Err(BindRejection::NonOwnSlotsFull) => {
            Err(crate::domain::binding::non_own_limit_reached().into())
        }
    }
}

#[cfg(feature = "ssr")]
fn not_your_vehicle() -> AppError {
    AppError::NotFound(crate::i18n::Text::new(
        "没有找到这辆机动车，或它不在您的账户中。",
        "That vehicle was not found, or it is not in your account.",
    ))
}

#[cfg(feature = "ssr")]
fn already_bound() -> AppError {
    AppError::Conflict(crate::i18n::Text::new(
        "已经绑定，无需重复绑定。",
        "Already bound.",
    ))
}

#[cfg(feature = "ssr")]
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
