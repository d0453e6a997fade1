//! A unit's operators (经办人): logins that belong to the unit, not to a
//! person. The unit's own account (the agent registered at the window,
//! 单位管理员) adds them; each logs in with the unit's code and the
//! operator's login name, may use only the services the agent granted
//! (经办业务), and is named in the audit of everything they do. The agent
//! can disable one at once.

use super::coded_enum;
use super::sms::Sms;
use super::{CreditCode, OrganisationCode};
use serde::{Deserialize, Serialize};

/// A service an operator may be granted (经办业务).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OperatorService {
    /// Bind and unbind the unit's vehicles, list and export them.
    Vehicles,
    /// Handle violations and pay fines (违法处理和罚款缴纳).
    Violations,
    /// Bind drivers' licences; with `Violations`, name the driver of a
    /// violation with points.
    Drivers,
    /// Pre-select plate numbers for the unit's new vehicles.
    Plates,
    /// A hospital's examinations and certificates (驾驶人体检和身体条件证明),
    /// offered only to a unit granted either.
    Medical,
    /// A car dealer's temporary plates (临时号牌核发), offered only to a
    /// dealer granted them.
    TemporaryPlates,
    /// A driving school's learners (学员业务): pre-entry, registration and
    /// bookings, offered only to a school granted any of them.
    Learners,
}

coded_enum!(OperatorService {
    Vehicles => ("vehicles", "单位车辆管理", "The unit's vehicles"),
    Violations => ("violations", "违法处理和罚款缴纳", "Violations and fines"),
    Drivers => ("drivers", "单位驾驶人管理", "The unit's drivers"),
    Plates => ("plates", "机动车预选号牌", "Plate-number pre-selection"),
    Medical => ("medical", "驾驶人体检和身体条件证明", "Driver examinations and certificates"),
    TemporaryPlates => ("temporary_plates", "临时号牌核发", "Temporary plates"),
    Learners => ("learners", "驾校学员业务", "The school's learners"),
});

impl OperatorService {
    /// The services a unit of this kind, with these grants, may hand to
    /// its operators.
    pub fn offered(
        kind: super::UnitKind,
        granted: &[super::SpecialService],
    ) -> Vec<OperatorService> {
        use super::SpecialService::*;
        let has = |s: super::SpecialService| s.allowed_for(kind) && granted.contains(&s);
        let medical = has(PhysicalExam) || has(SubmitPhysicalCertificate);
        OperatorService::ALL
            .iter()
            .copied()
            .filter(|s| match s {
                OperatorService::Medical => medical,
                OperatorService::TemporaryPlates => has(TemporaryPlates),
                OperatorService::Learners => {
                    has(LearnerAppointmentQuery)
                        || has(LearnerPreEntry)
                        || has(LearnerWindowRegistration)
                }
                _ => true,
            })
            .collect()
    }
}

/// Where an operator stands (经办人状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OperatorStatus {
    /// Added; the operator has not yet confirmed the phone and set a
    /// password (待激活).
    Pending,
    /// May log in (正常).
    Active,
    /// Disabled by the agent (已停用): no login, every session ended.
    Disabled,
}

coded_enum!(OperatorStatus {
    Pending => ("pending", "待激活", "Not yet activated"),
    Active => ("active", "正常", "Active"),
    Disabled => ("disabled", "已停用", "Disabled"),
});

/// Operators one unit may have (including disabled ones).
pub const MAX_OPERATORS_PER_UNIT: i64 = 200;

/// The unit an operator logs in to (单位代码): its unified social credit
/// code, or the 9-character organisation code inside it (组织机构代码).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitCode {
    Credit(CreditCode),
    Organisation(OrganisationCode),
}

impl UnitCode {
    /// Either code, as typed (spaces and hyphens allowed as on the
    /// certificate); None when it is neither.
    pub fn parse(raw: &str) -> Option<UnitCode> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if let Ok(code) = CreditCode::parse(&compact) {
            return Some(UnitCode::Credit(code));
        }
        OrganisationCode::parse(&compact)
            .ok()
            .map(UnitCode::Organisation)
    }

    pub fn as_str(&self) -> &str {
        match self {
            UnitCode::Credit(c) => c.as_str(),
            UnitCode::Organisation(o) => o.as_str(),
        }
    }
    /// The organisation code either way (characters 9 to 17 of a credit
    /// code): the same unit gives the same key, however it was typed.
    pub fn organisation_part(&self) -> &str {
        match self {
            UnitCode::Credit(c) => &c.as_str()[8..17],
            UnitCode::Organisation(o) => o.as_str(),
        }
    }
}

/// An operator's login name (经办人登录名): 2 to 20 Chinese characters,
/// letters, digits, `_` or `-`; unique within the unit; compared as typed
/// (letters lower-cased).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OperatorLogin(String);

/// Why a login name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorLoginError {
    Empty,
    Length,
    BadCharacter(char),
}

impl OperatorLogin {
    pub fn parse(raw: &str) -> Result<OperatorLogin, OperatorLoginError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(OperatorLoginError::Empty);
        }
        let n = name.chars().count();
        if !(2..=20).contains(&n) {
            return Err(OperatorLoginError::Length);
        }
        if let Some(c) = name.chars().find(|c| {
            !(super::identity::is_cjk(*c) || c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        }) {
            return Err(OperatorLoginError::BadCharacter(c));
        }
        Ok(OperatorLogin(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl super::Rule for OperatorLoginError {
    fn code(&self) -> &'static str {
        match self {
            OperatorLoginError::Empty => "operator_login.empty",
            OperatorLoginError::Length => "operator_login.length",
            OperatorLoginError::BadCharacter(_) => "operator_login.character",
        }
    }

    fn zh(&self) -> String {
        match self {
            OperatorLoginError::Empty => "请输入经办人登录名".into(),
            OperatorLoginError::Length => "登录名应为2至20个字符".into(),
            OperatorLoginError::BadCharacter(c) => {
                format!("登录名不能包含“{c}”：只能使用汉字、字母、数字、下划线和连字符")
            }
        }
    }

    fn en(&self) -> String {
        match self {
            OperatorLoginError::Empty => "Enter the operator's login name".into(),
            OperatorLoginError::Length => "A login name has 2 to 20 characters".into(),
            OperatorLoginError::BadCharacter(c) => format!(
                "A login name can not contain \"{c}\": use Chinese characters, letters, digits, _ and -"
            ),
        }
    }
}

/// The services ticked on a form, each once, in display order; at least
/// one. Answers the unknown code when there is one.
pub fn parse_services(codes: &[String]) -> Result<Vec<OperatorService>, ServicesError> {
    let mut out = Vec::new();
    for code in codes {
        let s = OperatorService::from_code(code.trim())
            .ok_or_else(|| ServicesError::Unknown(code.chars().take(20).collect()))?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(ServicesError::None);
    }
    out.sort();
    Ok(out)
}

/// Why the ticked services were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServicesError {
    None,
    Unknown(String),
}

impl super::Rule for ServicesError {
    fn code(&self) -> &'static str {
        match self {
            ServicesError::None => "operator_services.none",
            ServicesError::Unknown(_) => "operator_services.unknown",
        }
    }

    fn zh(&self) -> String {
        match self {
            ServicesError::None => "请至少选择一项经办业务".into(),
            ServicesError::Unknown(code) => format!("没有“{code}”这项经办业务，请从列表中选择"),
        }
    }

    fn en(&self) -> String {
        match self {
            ServicesError::None => "Tick at least one service".into(),
            ServicesError::Unknown(code) => {
                format!("There is no service \"{code}\": choose from the list")
            }
        }
    }
}

/// The services as stored: codes separated by commas.
pub fn services_to_codes(services: &[OperatorService]) -> String {
    services
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// The stored codes back into services; an unknown code is skipped (never
/// granted).
pub fn services_from_codes(codes: &str) -> Vec<OperatorService> {
    let mut out: Vec<OperatorService> = codes
        .split(',')
        .filter_map(|c| OperatorService::from_code(c.trim()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether an operator holding `granted` may do what needs every one of
/// `needed`.
pub fn may(granted: &[OperatorService], needed: &[OperatorService]) -> bool {
    needed.iter().all(|n| granted.contains(n))
}

/// The activation SMS: which unit added them (its name and code), under
/// which login name, the code and where to use it.
pub fn activation_sms(unit: &str, unit_code: &str, login: &str, code: &str, minutes: i64) -> Sms {
    Sms::operator_activation_code(unit, unit_code, login, code, minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names_take_chinese_letters_and_digits_only() {
        assert_eq!(
            OperatorLogin::parse(" 调度员01 ").unwrap().as_str(),
            "调度员01"
        );
        assert_eq!(OperatorLogin::parse("Fleet-A").unwrap().as_str(), "fleet-a");
        assert_eq!(OperatorLogin::parse(""), Err(OperatorLoginError::Empty));
        assert_eq!(OperatorLogin::parse("张"), Err(OperatorLoginError::Length));
        assert_eq!(
            OperatorLogin::parse(&"a".repeat(21)),
            Err(OperatorLoginError::Length)
        );
        assert_eq!(
            OperatorLogin::parse("张 三"),
            Err(OperatorLoginError::BadCharacter(' '))
        );
        assert_eq!(
            OperatorLogin::parse("a@b"),
            Err(OperatorLoginError::BadCharacter('@'))
        );
        use crate::domain::Rule;
        assert!(OperatorLoginError::BadCharacter('@').zh().contains('@'));
    }

    #[test]
    fn either_unit_code_is_taken() {
        let credit = CreditCode::from_first17("91110000M000100Y4").expect("a credit code");
        assert_eq!(
            UnitCode::parse(credit.as_str()),
            Some(UnitCode::Credit(credit.clone()))
        );
        assert_eq!(
            UnitCode::parse(" M000100Y-4 ").map(|c| c.as_str().to_string()),
            Some("M000100Y4".to_string())
        );
        assert_eq!(
            UnitCode::parse(credit.as_str()).map(|c| c.organisation_part().to_string()),
            Some("M000100Y4".to_string())
        );
        assert_eq!(UnitCode::parse("M000100Y5"), None);
        assert_eq!(UnitCode::parse(""), None);
    }

    #[test]
    fn only_a_hospital_granted_its_services_offers_them_to_operators() {
        use crate::domain::{SpecialService, UnitKind};
        let medical = |kind, granted: &[SpecialService]| {
            OperatorService::offered(kind, granted).contains(&OperatorService::Medical)
        };
        assert!(medical(UnitKind::Hospital, &[SpecialService::PhysicalExam]));
        assert!(!medical(UnitKind::Hospital, &[]));
        assert!(!medical(
            UnitKind::CarDealer,
            &[SpecialService::PhysicalExam]
        ));
        assert_eq!(OperatorService::offered(UnitKind::CarDealer, &[]).len(), 4);
        let dealer =
            OperatorService::offered(UnitKind::CarDealer, &[SpecialService::TemporaryPlates]);
        assert!(dealer.contains(&OperatorService::TemporaryPlates) && dealer.len() == 5);
        let hospital =
            OperatorService::offered(UnitKind::Hospital, &[SpecialService::TemporaryPlates]);
        assert!(!hospital.contains(&OperatorService::TemporaryPlates));
    }

    #[test]
    fn services_are_parsed_once_each_and_at_least_one() {
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_services(&codes(&["drivers", "vehicles", "drivers"])),
            Ok(vec![OperatorService::Vehicles, OperatorService::Drivers])
        );
        assert_eq!(parse_services(&[]), Err(ServicesError::None));
        assert_eq!(
            parse_services(&codes(&["vehicles", "admin"])),
            Err(ServicesError::Unknown("admin".into()))
        );
    }

    #[test]
    fn stored_services_round_trip_and_unknown_codes_grant_nothing() {
        let all = OperatorService::ALL.to_vec();
        assert_eq!(services_from_codes(&services_to_codes(&all)), all);
        assert_eq!(
            services_from_codes("violations,root,,vehicles,violations"),
            vec![OperatorService::Vehicles, OperatorService::Violations]
        );
        assert!(services_from_codes("").is_empty());
    }

    #[test]
    fn an_operator_needs_every_service_an_action_needs() {
        use OperatorService::*;
        assert!(may(&[Violations, Drivers], &[Violations, Drivers]));
        assert!(!may(&[Violations], &[Violations, Drivers]));
        assert!(may(&[Vehicles], &[]));
        assert!(!may(&[], &[Plates]));
    }

    #[test]
    fn the_activation_sms_names_the_unit_and_the_login() {
        let text =
            activation_sms("某运输公司", "91110000M000100Y4X", "调度员01", "123456", 30).text();
        assert!(text.contains("某运输公司") && text.contains("调度员01"));
        assert!(text.contains("91110000M000100Y4X"));
        assert!(text.contains("123456") && text.contains("30"));
    }
}
