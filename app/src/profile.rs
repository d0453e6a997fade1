//! The platform's configuration (平台配置): everything that differs from one
//! provincial platform to the next — the province, its cities with their
//! plate prefixes and withheld series, the business centres, the
//! registration windows and the fees. The server reads it from a TOML file
//! (`PLATFORM_PROFILE`) and passes it on as a value, so two platforms can
//! run in one process; nothing province-specific is a constant in code.

use crate::domain::ServiceCode;
use serde::{Deserialize, Serialize};

/// One provincial platform's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformProfile {
    /// The session cookie's name (会话 Cookie 名称), `jgsid` unless the file
    /// names another: each platform its own, as two platforms on one host
    /// (the two-platform demo on 127.0.0.1:3000 and :3001) would otherwise
    /// overwrite each other's session — cookies ignore ports.
    #[serde(default)]
    pub session_cookie: SessionCookieName,
    pub province: Province,
    /// The cities (地市); the first is where the platform's own offices are.
    pub cities: Vec<City>,
    /// 业务大厅: where documents are collected.
    pub business_centres: Vec<BusinessCentre>,
    /// 注册窗口: seeded into the database on first start.
    #[serde(default)]
    pub registration_windows: Vec<WindowSeed>,
    /// 考场: driving-test centres, seeded into the database on first start
    /// (their sessions are added with `server add-exam-session`).
    #[serde(default)]
    pub exam_centres: Vec<ExamCentreSeed>,
    pub fees: Fees,
    /// The trust list (信任列表): the other provinces' platforms whose
    /// signed credentials this one accepts, each with its public keys.
    #[serde(default)]
    pub peers: Vec<Peer>,
}

/// The name of the session cookie as the file gives it; in production it
/// is sent with the `__Host-` prefix
/// (`features::accounts::session::site_cookie_name`). Checked by
/// [`PlatformProfile::problems`]: ASCII lowercase letters, digits and `_`,
/// 1 to 32 of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionCookieName(String);

impl SessionCookieName {
    pub fn new(name: impl Into<String>) -> SessionCookieName {
        SessionCookieName(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the name is a cookie-name token this platform accepts.
    pub fn is_valid(&self) -> bool {
        (1..=32).contains(&self.0.len())
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

/// [`crate::policy::SESSION_COOKIE`].
impl Default for SessionCookieName {
    fn default() -> SessionCookieName {
        SessionCookieName(crate::policy::SESSION_COOKIE.into())
    }
}

impl std::fmt::Display for SessionCookieName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A trusted peer platform (another province's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peer {
    /// Its province's abbreviation (the `iss` of what it signs), such as 京.
    pub province: String,
    pub name_zh: String,
    pub name_en: String,
    /// Where it answers, such as `https://bj.122.gov.cn`.
    pub base_url: String,
    /// Its public keys, as its key document lists them.
    #[serde(default)]
    pub keys: Vec<PeerKey>,
}

impl Peer {
    /// The origin of its base URL (`scheme://host[:port]`), as a
    /// Content-Security-Policy source; None for anything else.
    pub fn origin(&self) -> Option<String> {
        let (scheme, rest) = self.base_url.split_once("://")?;
        let host = rest.split('/').next().unwrap_or_default();
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        (matches!(scheme, "http" | "https") && !host.is_empty() && host.chars().all(plain))
            .then(|| format!("{scheme}://{host}"))
    }
}

/// One public key of a peer, as its key document's JWK gives it: an
/// Ed25519 key (`crv` left out) or an SM2 key (`crv = "SM2"`, with `y`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerKey {
    pub kid: String,
    /// The curve: `Ed25519` (the default) or `SM2`.
    #[serde(default = "ed25519", skip_serializing_if = "is_ed25519")]
    pub crv: String,
    /// base64url without padding: the raw Ed25519 public key, or the SM2
    /// point's x coordinate (32 bytes, big-endian).
    pub x: String,
    /// The SM2 point's y coordinate, as `x`; none for Ed25519.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

fn ed25519() -> String {
    "Ed25519".into()
}

fn is_ed25519(crv: &str) -> bool {
    crv == "Ed25519"
}

/// 省份
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// 省份简称, the first character of every plate (冀).
    pub abbreviation: String,
    pub name_zh: String,
    pub name_en: String,
    /// The traffic authority running the platform (公安厅交通管理局).
    pub authority_zh: String,
    pub authority_en: String,
    /// Service hotline (服务热线), 122 everywhere in China.
    pub helpline: String,
}

/// 地市: a city and its plates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub name_zh: String,
    pub name_en: String,
    /// 号牌发牌机关代号 with the province: 冀A.
    pub plate_prefix: String,
    /// Serial prefixes kept back from selection (保留号段), e.g. "O" or "88".
    #[serde(default)]
    pub withheld_series: Vec<String>,
    /// Numbers put into the selection pool on first start.
    #[serde(default)]
    pub plate_pool_size: usize,
    /// 公安交通管理部门 that decides penalties and receives fines (收款单位).
    pub payee_zh: String,
    pub payee_en: String,
}

/// 业务大厅: a place where documents are collected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessCentre {
    /// The city it belongs to, by plate prefix.
    pub city: String,
    pub name_zh: String,
    pub address_zh: String,
    pub address_en: String,
    pub phone: String,
}

/// A registration window (注册窗口) as the file seeds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSeed {
    /// Stable code (W01); the database keeps windows by it.
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// True for the unit-user window (单位用户注册窗口).
    #[serde(default)]
    pub serves_units: bool,
}

/// A driving-test centre (考场) as the file seeds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamCentreSeed {
    pub name: String,
    pub address: String,
}

/// 工本费 and postage, in yuan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fees {
    /// 机动车号牌, a pair (V5, V6).
    pub plate_pair_yuan: u32,
    /// 行驶证 (V1, V2).
    pub vehicle_licence_yuan: u32,
    /// 驾驶证 (D1, D2, D10, D11).
    pub driving_licence_yuan: u32,
    /// 邮递费, paid to the courier on delivery (到付).
    pub postage_yuan: u32,
}

impl Fees {
    /// The production fee (工本费) of a document service; inspection marks
    /// (检验合格标志) and deferrals cost nothing.
    pub fn production_fee_yuan(&self, service: ServiceCode) -> u32 {
        use ServiceCode::*;
        match service {
            V5 | V6 => self.plate_pair_yuan,
            V1 | V2 => self.vehicle_licence_yuan,
            D1 | D2 | D10 | D11 => self.driving_licence_yuan,
            _ => 0,
        }
    }
}

impl City {
    /// Whether a serial (the characters after the prefix) is in a withheld
    /// series of this city.
    pub fn withholds(&self, serial: &str) -> bool {
        self.withheld_series
            .iter()
            .any(|series| serial.starts_with(series.as_str()))
    }
}

impl PlatformProfile {
    /// 省份简称 (冀).
    pub fn home_province(&self) -> &str {
        &self.province.abbreviation
    }

    /// The city where the platform's own offices are, whose numbers the
    /// plate pre-selection (选号) offers.
    pub fn seat(&self) -> &City {
        static NONE: std::sync::OnceLock<City> = std::sync::OnceLock::new();
        self.cities
            .first()
            .unwrap_or_else(|| NONE.get_or_init(City::default))
    }

    /// The city with this plate prefix.
    pub fn city(&self, plate_prefix: &str) -> Option<&City> {
        self.cities.iter().find(|c| c.plate_prefix == plate_prefix)
    }

    /// Where the seat's documents are collected.
    pub fn collection_centre(&self) -> Option<&BusinessCentre> {
        let seat = &self.seat().plate_prefix;
        self.business_centres
            .iter()
            .find(|c| &c.city == seat)
            .or(self.business_centres.first())
    }

    /// Everything wrong with the file, one line each; empty when it may run.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.session_cookie.is_valid() {
            problems.push(format!(
                "session_cookie {:?} must be 1 to 32 lowercase letters, digits or `_` (such as jgsid_bj)",
                self.session_cookie.as_str()
            ));
        }
        let abbreviation = self.home_province();
        if !crate::domain::plate::PROVINCES.contains(abbreviation)
            || abbreviation.chars().count() != 1
        {
            problems.push(format!(
                "province.abbreviation {abbreviation:?} is not a province abbreviation (such as 冀)"
            ));
        }
        if self.cities.is_empty() {
            problems.push("no cities: list at least one [[cities]]".into());
        }
        for peer in &self.peers {
            if !crate::domain::plate::PROVINCES.contains(peer.province.as_str())
                || peer.province.chars().count() != 1
                || peer.province == abbreviation
            {
                problems.push(format!(
                    "peers: {:?} is not another province's abbreviation",
                    peer.province
                ));
            }
            if !(peer.base_url.starts_with("https://") || peer.base_url.starts_with("http://")) {
                problems.push(format!(
                    "peers: {}'s base_url {:?} is not an http(s) address",
                    peer.province, peer.base_url
                ));
            }
        }
        let mut prefixes = std::collections::HashSet::new();
        for city in &self.cities {
            let mut chars = city.plate_prefix.chars();
            let ok = chars.next().is_some_and(|c| abbreviation.starts_with(c))
                && chars
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() && c != 'I' && c != 'O')
                && chars.next().is_none();
            if !ok {
                problems.push(format!(
                    "city {}: plate_prefix {:?} must be the province abbreviation and one letter (such as {abbreviation}A)",
                    city.name_zh, city.plate_prefix
                ));
            }
            if !prefixes.insert(city.plate_prefix.as_str()) {
                problems.push(format!(
                    "plate_prefix {} is listed twice",
                    city.plate_prefix
                ));
            }
            for series in &city.withheld_series {
                if series.is_empty()
                    || series.len() > 5
                    || !series
                        .chars()
                        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                {
                    problems.push(format!(
                        "city {}: withheld series {series:?} must be 1 to 5 digits or capital letters",
                        city.name_zh
                    ));
                }
            }
        }
        for centre in &self.business_centres {
            if self.city(&centre.city).is_none() {
                problems.push(format!(
                    "business centre {}: city {} is not among the cities",
                    centre.name_zh, centre.city
                ));
            }
        }
        if self.business_centres.is_empty() {
            problems.push("no business centres: list at least one [[business_centres]]".into());
        }
        let mut codes = std::collections::HashSet::new();
        for window in &self.registration_windows {
            if !codes.insert(window.code.as_str()) {
                problems.push(format!(
                    "registration window {} is listed twice",
                    window.code
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests;
