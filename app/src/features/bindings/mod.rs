//! My vehicles and my driving licence (我的机动车/我的驾驶证): binding,
//! unbinding and the holder's view of the registry, SPEC §3.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::{BindingKind, Date, LicenceClass, LicenceStatus, VehicleStatus, VehicleType};
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

/// The holder's driving licence (驾驶证信息). Its number is the holder's
/// resident ID number, which the page shows masked from the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyLicence {
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
                "驾驶证将于{}到期，现在可以申请期满换领驾驶证：先到经交管部门授权的医院体检，医院在网上录入结果后即可在网上申请。",
                l.valid_until
            ),
            format!(
                "The licence expires on {}; you can renew it now: be examined at a hospital the traffic authority has authorised, and once it records the result you can apply online.",
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

/// How many bound vehicles are not in the holder's name.
pub fn non_own_count(bound: &[MyVehicle]) -> usize {
    bound
        .iter()
        .filter(|v| v.binding == BindingKind::NonOwn)
        .count()
}
