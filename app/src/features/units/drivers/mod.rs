//! A unit's drivers (单位驾驶人): the unit binds the licence of each of its
//! drivers once the driver agreed by SMS, sees each one's class, validity,
//! points and status, and names one of them for a violation of its vehicle
//! that carries points (指定驾驶人处理); the driver confirms by SMS and the
//! points go on the driver's licence. The driver can end the binding from
//! their own licence page. The rules are in `domain::unit_driver`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;

use crate::domain::unit_driver::{DriverAttention, DriverStanding};
use crate::error::AppError;
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Which drivers the table shows (提示筛选).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DriverFilter {
    #[default]
    All,
    /// Expired or ending within 90 days.
    ExpiresSoon,
    /// Twelve points reached.
    PointsFull,
    /// Any status other than valid (正常).
    NotValid,
}

impl DriverFilter {
    pub const ALL: [DriverFilter; 4] = [
        DriverFilter::All,
        DriverFilter::ExpiresSoon,
        DriverFilter::PointsFull,
        DriverFilter::NotValid,
    ];

    /// The value in the address (`show=`).
    pub fn code(self) -> &'static str {
        match self {
            DriverFilter::All => "",
            DriverFilter::ExpiresSoon => "expiring",
            DriverFilter::PointsFull => "points_full",
            DriverFilter::NotValid => "not_valid",
        }
    }

    /// The filter's name in the list (Chinese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            DriverFilter::All => ("全部驾驶人", "All drivers"),
            DriverFilter::ExpiresSoon => {
                ("90日内到期或已过期", "Expiring within 90 days or expired")
            }
            DriverFilter::PointsFull => ("记满12分", "12 points reached"),
            DriverFilter::NotValid => ("状态异常", "Status not valid"),
        }
    }

    pub fn parse(raw: Option<&str>) -> Result<DriverFilter, AppError> {
        let raw = raw.map(str::trim).unwrap_or_default();
        DriverFilter::ALL
            .into_iter()
            .find(|f| f.code() == raw)
            .ok_or_else(|| {
                AppError::field(
                    "show",
                    Text::new("请从列表中选择筛选条件", "Choose a filter from the list"),
                )
            })
    }
}

/// One driver whose licence the unit has bound.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitDriver {
    /// The binding (the unit ends it by this number).
    pub id: i64,
    pub name: String,
    /// The ID number (驾驶证号) as shown: 130102********1234.
    pub id_masked: String,
    pub standing: DriverStanding,
    pub bound_at_ms: i64,
    /// What to look at, on the day it was read.
    pub attention: Vec<DriverAttention>,
}

/// The dashboard's numbers about drivers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverCounts {
    /// Licences bound (已绑定驾驶证).
    pub bound: i64,
    /// Expired, or ending within 90 days (即将到期).
    pub expiring: i64,
    /// At twelve points (记满12分).
    pub points_full: i64,
}

/// A unit that has bound the person's licence, as the driver sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverTie {
    pub id: i64,
    pub unit_name: String,
    pub bound_at_ms: i64,
}
