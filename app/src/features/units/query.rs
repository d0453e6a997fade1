//! What a unit's tables are asked for (查询条件): the search box, the
//! filters and the order, read from the page's address and checked the same
//! way for the table, its pages and its CSV export.

use crate::domain::text::compact_upper;
use crate::domain::ViolationStatus;
use crate::error::{AppError, FieldCheck};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Longest plate fragment searched for (a whole plate is 7 or 8 characters).
const PLATE_FRAGMENT_MAX: usize = 8;

/// Which vehicles by binding (绑定状态).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FleetBinding {
    #[default]
    All,
    Bound,
    Unbound,
}

/// The order of the vehicles table (排序).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FleetSort {
    /// 号牌号码 A→Z (vehicles without a plate last).
    #[default]
    Plate,
    /// 检验有效期, earliest first (none last).
    InspectionDue,
    /// 未处理违法和未缴罚款, most first.
    Violations,
}

/// The vehicles table's search, filters and order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetQuery {
    /// Part of a plate number, normalised ("" = any).
    pub plate: String,
    pub binding: FleetBinding,
    /// Only vehicles whose inspection falls due within 30 days or is overdue.
    pub inspection_soon: bool,
    /// Only vehicles with violations not handled or fines not paid.
    pub with_violations: bool,
    pub sort: FleetSort,
}

/// Violations by points (记分).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PointsFilter {
    #[default]
    Any,
    /// Carrying points: the driver handles them.
    With,
    /// Warnings and fines without points: the unit handles them.
    Without,
}

/// The violations table's search, filters and order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetViolationQuery {
    pub plate: String,
    /// None = every status.
    pub status: Option<ViolationStatus>,
    pub points: PointsFilter,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
}

fn flag(raw: Option<&str>) -> bool {
    raw.map(str::trim).is_some_and(|v| v == "1")
}

fn blank(raw: Option<&str>) -> bool {
    raw.map(str::trim).unwrap_or_default().is_empty()
}

/// A plate fragment as typed: width folded, spaces and the middle dot
/// dropped, letters upper-cased; Chinese characters, letters and digits
/// only, at most 8.
fn plate_fragment(check: &mut FieldCheck, raw: Option<&str>) -> String {
    let fragment: String = compact_upper(raw.unwrap_or_default())
        .chars()
        .filter(|c| *c != '·' && *c != '-')
        .collect();
    let ok = fragment.chars().count() <= PLATE_FRAGMENT_MAX
        && fragment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c));
    if !ok {
        check.push(
            "plate",
            Text::new(
                "号牌号码只能输入汉字、字母和数字，最多8个字符，如“冀A”或“12345”",
                "Search a plate with Chinese characters, letters and digits only, at most 8, such as \"冀A\" or \"12345\"",
            ),
        );
        return String::new();
    }
    fragment
}

fn choice<T: Copy>(
    check: &mut FieldCheck,
    field: &str,
    raw: Option<&str>,
    options: &[(&str, T)],
    default: T,
) -> T {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return default;
    }
    match options.iter().find(|(code, _)| *code == raw) {
        Some((_, value)) => *value,
        None => {
            check.push(
                field,
                Text::new("请从列表中选择", "Choose one of the options in the list"),
            );
            default
        }
    }
}

/// The binding filter's codes in the address.
pub const BINDING_CODES: &[(&str, FleetBinding)] = &[
    ("all", FleetBinding::All),
    ("bound", FleetBinding::Bound),
    ("unbound", FleetBinding::Unbound),
];

/// The order's codes in the address.
pub const SORT_CODES: &[(&str, FleetSort)] = &[
    ("plate", FleetSort::Plate),
    ("inspection", FleetSort::InspectionDue),
    ("violations", FleetSort::Violations),
];

/// The points filter's codes in the address.
pub const POINTS_CODES: &[(&str, PointsFilter)] = &[
    ("any", PointsFilter::Any),
    ("with", PointsFilter::With),
    ("without", PointsFilter::Without),
];

fn code_of<T: PartialEq + Copy>(options: &[(&'static str, T)], value: T) -> &'static str {
    options
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(c, _)| *c)
        .unwrap_or_default()
}

impl FleetQuery {
    /// Reads the query from the address's values (`plate`, `binding`,
    /// `due`, `violations`, `sort`); a value nobody could have chosen is a
    /// field problem.
    pub fn parse(
        plate: Option<&str>,
        binding: Option<&str>,
        due: Option<&str>,
        violations: Option<&str>,
        sort: Option<&str>,
    ) -> Result<FleetQuery, AppError> {
        let mut check = FieldCheck::new();
        let query = FleetQuery {
            plate: plate_fragment(&mut check, plate),
            binding: choice(
                &mut check,
                "binding",
                binding,
                BINDING_CODES,
                FleetBinding::All,
            ),
            inspection_soon: flag(due),
            with_violations: flag(violations),
            sort: choice(&mut check, "sort", sort, SORT_CODES, FleetSort::Plate),
        };
        for (field, raw) in [("due", due), ("violations", violations)] {
            if !blank(raw) && !flag(raw) {
                check.push(
                    field,
                    Text::new("请勾选或不勾选", "Tick the box or leave it"),
                );
            }
        }
        check.finish()?;
        Ok(query)
    }

    /// The query as address values (defaults left out), for links to other
    /// pages of the table and to its export.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.plate.is_empty() {
            pairs.push(("plate", self.plate.clone()));
        }
        if self.binding != FleetBinding::All {
            pairs.push(("binding", code_of(BINDING_CODES, self.binding).into()));
        }
        if self.inspection_soon {
            pairs.push(("due", "1".into()));
        }
        if self.with_violations {
            pairs.push(("violations", "1".into()));
        }
        if self.sort != FleetSort::Plate {
            pairs.push(("sort", code_of(SORT_CODES, self.sort).into()));
        }
        pairs
    }
}

impl FleetViolationQuery {
    /// Reads the query from the address's values (`plate`, `status`,
    /// `points`, `order`).
    pub fn parse(
        plate: Option<&str>,
        status: Option<&str>,
        points: Option<&str>,
        order: Option<&str>,
    ) -> Result<FleetViolationQuery, AppError> {
        let mut check = FieldCheck::new();
        let plate = plate_fragment(&mut check, plate);
        let status = match status.map(str::trim).unwrap_or_default() {
            "" | "all" => None,
            code => {
                let parsed = ViolationStatus::from_code(code);
                if parsed.is_none() {
                    check.push(
                        "status",
                        Text::new("请从列表中选择", "Choose one of the options in the list"),
                    );
                }
                parsed
            }
        };
        let points = choice(
            &mut check,
            "points",
            points,
            POINTS_CODES,
            PointsFilter::Any,
        );
        let oldest_first = choice(
            &mut check,
            "order",
            order,
            &[("newest", false), ("oldest", true)],
            false,
        );
        check.finish()?;
        Ok(FleetViolationQuery {
            plate,
            status,
            points,
            oldest_first,
        })
    }

    /// The query as address values (defaults left out).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.plate.is_empty() {
            pairs.push(("plate", self.plate.clone()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.code().into()));
        }
        if self.points != PointsFilter::Any {
            pairs.push(("points", code_of(POINTS_CODES, self.points).into()));
        }
        if self.oldest_first {
            pairs.push(("order", "oldest".into()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_address_is_the_whole_fleet_by_plate() {
        let q = FleetQuery::parse(None, None, None, None, None).unwrap();
        assert_eq!(q, FleetQuery::default());
        assert!(q.to_pairs().is_empty());
    }

    #[test]
    fn plate_fragments_are_folded_and_checked() {
        let q = FleetQuery::parse(Some(" 冀ａ·12 "), None, None, None, None).unwrap();
        assert_eq!(q.plate, "冀A12");
        for bad in ["冀A'--", "%", "冀A123456789"] {
            let err = FleetQuery::parse(Some(bad), None, None, None, None).unwrap_err();
            assert_eq!(err.field_problems()[0].field, "plate", "{bad}");
        }
    }

    #[test]
    fn choices_round_trip_and_unknown_ones_are_refused() {
        let q = FleetQuery::parse(
            None,
            Some("unbound"),
            Some("1"),
            Some("1"),
            Some("violations"),
        )
        .unwrap();
        let pairs = q.to_pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        };
        let again = FleetQuery::parse(
            get("plate"),
            get("binding"),
            get("due"),
            get("violations"),
            get("sort"),
        )
        .unwrap();
        assert_eq!(again, q);
        let err = FleetQuery::parse(None, Some("mine"), Some("yes"), None, Some("x")).unwrap_err();
        let fields: Vec<_> = err
            .field_problems()
            .iter()
            .map(|p| p.field.as_str())
            .collect();
        assert_eq!(fields, ["binding", "sort", "due"]);
    }

    #[test]
    fn violation_queries_round_trip() {
        let q = FleetViolationQuery::parse(
            Some("冀A"),
            Some("unhandled"),
            Some("with"),
            Some("oldest"),
        )
        .unwrap();
        assert_eq!(q.status, Some(ViolationStatus::Unhandled));
        let pairs = q.to_pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            FleetViolationQuery::parse(get("plate"), get("status"), get("points"), get("order"))
                .unwrap(),
            q
        );
        assert!(FleetViolationQuery::parse(None, Some("lost"), None, None).is_err());
        assert!(FleetViolationQuery::parse(None, None, None, Some("random")).is_err());
    }
}
