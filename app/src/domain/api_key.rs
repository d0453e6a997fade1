//! Keys of the open API for units' own systems (开放接口密钥). A unit's own
//! account creates a key on the dashboard; the key is shown once and only
//! its SHA-256 is kept. A key carries scopes — the entrusted services
//! (委托业务) it may use, never more than the unit is granted — an expiry
//! and can be revoked at once. Each key may make [`CALLS_PER_MINUTE`]
//! calls a minute, counted in the database (the app servers keep no
//! state).
//!
//! A key reads `jgk_` + 16 hex digits (its public id, shown in the list
//! and the audit) + `_` + 64 hex digits (the secret, 256 random bits).

use super::coded_enum;
use super::{SpecialService, UnitKind};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// What a key may be used for (接口权限范围): one unit service group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApiScope {
    /// A dealer's temporary plates (临时号牌核发).
    TemporaryPlates,
    /// A hospital's examinations and certificates (驾驶人体检和身体条件证明).
    PhysicalExams,
    /// A school's learners: pre-entry, registration, bookings (驾校学员业务).
    Learners,
}

coded_enum!(ApiScope {
    TemporaryPlates => ("temporary_plates", "临时号牌核发", "Temporary plates"),
    PhysicalExams => ("physical_exams", "驾驶人体检和身体条件证明", "Driver examinations and certificates"),
    Learners => ("learners", "驾校学员业务", "The school's learners"),
});

impl ApiScope {
    /// The special services this scope reaches.
    pub fn services(self) -> &'static [SpecialService] {
        use SpecialService::*;
        match self {
            ApiScope::TemporaryPlates => &[TemporaryPlates],
            ApiScope::PhysicalExams => &[PhysicalExam, SubmitPhysicalCertificate],
            ApiScope::Learners => &[
                LearnerAppointmentQuery,
                LearnerPreEntry,
                LearnerWindowRegistration,
            ],
        }
    }

    /// The scope a special service is called under.
    pub fn of(service: SpecialService) -> ApiScope {
        *ApiScope::ALL
            .iter()
            .find(|s| s.services().contains(&service))
            .expect("every special service has a scope")
    }

    /// The scopes a unit of this kind with these grants may put on a key.
    pub fn offered(kind: UnitKind, granted: &[SpecialService]) -> Vec<ApiScope> {
        ApiScope::ALL
            .iter()
            .copied()
            .filter(|s| {
                s.services()
                    .iter()
                    .any(|&g| g.allowed_for(kind) && granted.contains(&g))
            })
            .collect()
    }
}

/// What a key's list says of it (密钥状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    Active,
    Expired,
    Revoked,
}

coded_enum!(KeyState {
    Active => ("active", "有效", "Active"),
    Expired => ("expired", "已过期", "Expired"),
    Revoked => ("revoked", "已吊销", "Revoked"),
});

impl KeyState {
    pub fn of(expires_at_ms: i64, revoked_at_ms: Option<i64>, now_ms: i64) -> KeyState {
        if revoked_at_ms.is_some() {
            KeyState::Revoked
        } else if now_ms >= expires_at_ms {
            KeyState::Expired
        } else {
            KeyState::Active
        }
    }
}

/// Calls one key may make in a minute (each call counts, refused or not).
pub const CALLS_PER_MINUTE: i64 = 120;
/// Keys a unit may hold active at once.
pub const MAX_ACTIVE_KEYS: usize = 10;
/// The validity periods a key may be given, in days (有效期).
pub const VALIDITY_DAYS: [u32; 4] = [30, 90, 180, 365];
/// The longest name of a key.
pub const MAX_NAME_CHARS: usize = 30;
/// How every key starts.
pub const KEY_PREFIX: &str = "jgk_";
const PUBLIC_ID_LEN: usize = 16;
const SECRET_LEN: usize = 64;

/// The minute a call counts in (the rate window).
pub fn minute_of(now_ms: i64) -> i64 {
    now_ms.div_euclid(60_000)
}

/// Seconds until the next minute's window opens (`Retry-After`).
pub fn secs_to_next_minute(now_ms: i64) -> u64 {
    let into = now_ms.rem_euclid(60_000);
    ((60_000 - into + 999) / 1000) as u64
}

/// The key as given to the unit: prefix, public id, secret.
pub fn format_key(public_id: &str, secret: &str) -> String {
    format!("{KEY_PREFIX}{public_id}_{secret}")
}

/// A presented key split into (public id, secret); None when it does not
/// have a key's shape (a typo, a truncated copy, something else).
pub fn parse_key(raw: &str) -> Option<(&str, &str)> {
    let rest = raw.trim().strip_prefix(KEY_PREFIX)?;
    let (public_id, secret) = rest.split_once('_')?;
    let hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (hex(public_id, PUBLIC_ID_LEN) && hex(secret, SECRET_LEN)).then_some((public_id, secret))
}

/// The key's new parts from 8 + 32 random bytes: (public id, secret).
pub fn key_parts(random: &[u8; 40]) -> (String, String) {
    (hex(&random[..8]), hex(&random[8..]))
}

/// What is stored of the secret: its SHA-256, in lower-case hex.
pub fn secret_digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key's name as typed: 1 to 30 characters, no control characters.
pub fn key_name(raw: &str) -> Result<String, Text> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Text::new(
            "请填写密钥名称，例如对接的系统名称",
            "Give the key a name, such as the system that will use it",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Text::new(
            format!("密钥名称最多{MAX_NAME_CHARS}个字，不能含控制字符"),
            format!(
                "A key's name has at most {MAX_NAME_CHARS} characters and no control characters"
            ),
        ));
    }
    Ok(name.to_string())
}

/// The validity chosen (days), one of [`VALIDITY_DAYS`].
pub fn validity_days(raw: &str) -> Result<u32, Text> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| VALIDITY_DAYS.contains(d))
        .ok_or_else(|| {
            Text::new(
                "请选择密钥有效期：30天、90天、180天或365天",
                "Choose how long the key is valid: 30, 90, 180 or 365 days",
            )
        })
}

/// The scopes ticked, each one the unit is offered; at least one.
pub fn scopes_chosen(ticked: &[String], offered: &[ApiScope]) -> Result<Vec<ApiScope>, Text> {
    let mut scopes = Vec::new();
    for code in ticked {
        match ApiScope::from_code(code) {
            Some(s) if offered.contains(&s) => {
                if !scopes.contains(&s) {
                    scopes.push(s)
                }
            }
            _ => {
                return Err(Text::new(
                    "所选接口权限不在本单位获授权的业务范围内",
                    "A scope chosen is not among the services granted to this unit",
                ))
            }
        }
    }
    if scopes.is_empty() {
        return Err(Text::new(
            "请至少选择一项接口权限",
            "Choose at least one scope",
        ));
    }
    scopes.sort();
    Ok(scopes)
}

/// Scopes as stored: codes joined by commas.
pub fn scopes_column(scopes: &[ApiScope]) -> String {
    scopes
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Scopes read back from the column (unknown codes are dropped: a key
/// never gains a scope by a typo in the database).
pub fn scopes_of_column(column: &str) -> Vec<ApiScope> {
    column.split(',').filter_map(ApiScope::from_code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpecialService::*;

    #[test]
    fn a_key_round_trips_and_nothing_else_reads_as_one() {
        let (public_id, secret) = key_parts(&[7u8; 40]);
        let key = format_key(&public_id, &secret);
        assert_eq!(key.len(), 4 + 16 + 1 + 64);
        assert_eq!(parse_key(&key), Some((public_id.as_str(), secret.as_str())));
        assert_eq!(
            parse_key(&format!(" {key}\n")).map(|p| p.0),
            Some(public_id.as_str())
        );
        assert_eq!(parse_key(&key[..key.len() - 1]), None, "truncated");
        assert_eq!(parse_key(&key.to_uppercase()), None, "upper case");
        assert_eq!(parse_key(&key.replacen("jgk_", "jgx_", 1)), None);
        assert_eq!(parse_key(&format!("{key}0")), None);
        assert_eq!(parse_key("jgk__"), None);
        assert_eq!(parse_key(""), None);
        assert_eq!(parse_key(&key.replacen('_', "-", 2)), None);
    }

    #[test]
    fn the_digest_is_sha256_of_the_secret() {
        assert_eq!(
            secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn scopes_follow_the_units_grants() {
        assert_eq!(
            ApiScope::offered(UnitKind::DrivingSchool, &[LearnerPreEntry]),
            vec![ApiScope::Learners]
        );
        assert_eq!(
            ApiScope::offered(UnitKind::Hospital, &[SubmitPhysicalCertificate]),
            vec![ApiScope::PhysicalExams]
        );
        assert!(ApiScope::offered(UnitKind::CarDealer, &[]).is_empty());
        // A grant the unit's kind may not hold offers nothing.
        assert!(ApiScope::offered(UnitKind::CarDealer, &[LearnerPreEntry]).is_empty());
        for s in [
            TemporaryPlates,
            PhysicalExam,
            SubmitPhysicalCertificate,
            LearnerAppointmentQuery,
            LearnerPreEntry,
            LearnerWindowRegistration,
        ] {
            assert!(ApiScope::of(s).services().contains(&s));
        }
    }

    #[test]
    fn chosen_scopes_must_be_offered() {
        let offered = [ApiScope::Learners];
        assert_eq!(
            scopes_chosen(&["learners".into(), "learners".into()], &offered),
            Ok(vec![ApiScope::Learners])
        );
        assert!(scopes_chosen(&["temporary_plates".into()], &offered).is_err());
        assert!(scopes_chosen(&["nope".into()], &offered).is_err());
        assert!(scopes_chosen(&[], &offered).is_err());
        let all = scopes_column(ApiScope::ALL);
        assert_eq!(scopes_of_column(&all), ApiScope::ALL.to_vec());
        assert_eq!(scopes_of_column("learners,bogus"), vec![ApiScope::Learners]);
        assert!(scopes_of_column("").is_empty());
    }

    #[test]
    fn names_and_validity() {
        assert_eq!(key_name("  驾校管理系统 "), Ok("驾校管理系统".into()));
        assert!(key_name("  ").is_err());
        assert!(key_name(&"长".repeat(31)).is_err());
        assert!(key_name("a\u{0}b").is_err());
        assert_eq!(validity_days("90"), Ok(90));
        assert!(validity_days("91").is_err());
        assert!(validity_days("").is_err());
    }

    #[test]
    fn states_and_windows() {
        assert_eq!(KeyState::of(10, None, 9), KeyState::Active);
        assert_eq!(KeyState::of(10, None, 10), KeyState::Expired);
        assert_eq!(KeyState::of(10, Some(5), 9), KeyState::Revoked);
        assert_eq!(minute_of(119_999), 1);
        assert_eq!(secs_to_next_minute(60_000), 60);
        assert_eq!(secs_to_next_minute(119_001), 1);
        assert_eq!(secs_to_next_minute(119_999), 1);
    }
}
