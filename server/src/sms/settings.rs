//! The SMS settings (短信配置), read with the rest of the configuration:
//! which gateway, the Alibaba Cloud account, sign name and template codes,
//! and the secret SMS codes are hashed with.

use app::domain::SmsTemplate;
use std::collections::BTreeMap;

/// The secret SMS codes are hashed with in development (known to all, so
/// production refuses it).
pub const DEV_SMS_CODE_SECRET: &str = "development-only-sms-code-secret (never in production)";

/// Alibaba Cloud SMS's endpoint (`ALIYUN_SMS_ENDPOINT` changes it).
pub const DEFAULT_ALIYUN_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com";

/// Which SMS gateway (`SMS_GATEWAY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayChoice {
    /// `log`: the development log gateway.
    Log,
    /// `aliyun`: Alibaba Cloud SMS (阿里云短信服务).
    Aliyun,
    /// Not set (production has no default).
    Unset,
    /// Anything else, as given.
    Unknown(String),
}

/// The Alibaba Cloud settings (`ALIYUN_SMS_*`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AliyunSettings {
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<String>,
    /// The approved sign name (短信签名), e.g. 石家庄交警.
    pub sign_name: Option<String>,
    pub endpoint: String,
    /// Template name → the provider's template code (`SMS_…`), from
    /// `ALIYUN_SMS_TEMPLATES` ("name=SMS_123,name=SMS_456").
    pub templates: BTreeMap<String, String>,
    /// Entries of `ALIYUN_SMS_TEMPLATES` that are not `name=code`.
    pub malformed_templates: Vec<String>,
}

/// Every SMS setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsSettings {
    pub gateway: GatewayChoice,
    /// `SMS_CODE_SECRET`; development falls back to [`DEV_SMS_CODE_SECRET`].
    pub code_secret: Option<String>,
    pub aliyun: AliyunSettings,
}

impl SmsSettings {
    /// From the variables (`var` treats empty as unset); development
    /// defaults to the log gateway and the known code secret.
    pub fn from_vars(var: &dyn Fn(&str) -> Option<String>, development: bool) -> SmsSettings {
        let gateway = match var("SMS_GATEWAY").map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v == "log" => GatewayChoice::Log,
            Some(v) if v == "aliyun" => GatewayChoice::Aliyun,
            Some(v) => GatewayChoice::Unknown(v),
            None if development => GatewayChoice::Log,
            None => GatewayChoice::Unset,
        };
        let (templates, malformed_templates) =
            parse_templates(&var("ALIYUN_SMS_TEMPLATES").unwrap_or_default());
        SmsSettings {
            gateway,
            code_secret: var("SMS_CODE_SECRET")
                .or_else(|| development.then(|| DEV_SMS_CODE_SECRET.to_string())),
            aliyun: AliyunSettings {
                access_key_id: var("ALIYUN_SMS_ACCESS_KEY_ID"),
                access_key_secret: var("ALIYUN_SMS_ACCESS_KEY_SECRET"),
                sign_name: var("ALIYUN_SMS_SIGN_NAME").map(|s| s.trim().to_string()),
                endpoint: var("ALIYUN_SMS_ENDPOINT")
                    .map(|e| e.trim().trim_end_matches('/').to_string())
                    .unwrap_or_else(|| DEFAULT_ALIYUN_ENDPOINT.into()),
                templates,
                malformed_templates,
            },
        }
    }

    /// Development settings for tests: the log gateway, the known secret.
    pub fn development() -> SmsSettings {
        SmsSettings::from_vars(&|_| None, true)
    }

    /// What stops these settings from working at all (any mode), one line
    /// per setting.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let GatewayChoice::Unknown(v) = &self.gateway {
            problems.push(format!(
                "SMS_GATEWAY={v} is not a gateway: use aliyun (or log in development)"
            ));
        }
        if self.gateway == GatewayChoice::Aliyun {
            problems.extend(self.aliyun.problems());
        }
        problems
    }

    /// Why production may not start with these settings, one line per
    /// setting (empty: it may).
    pub fn production_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match &self.gateway {
            GatewayChoice::Unset => problems.push(
                "SMS_GATEWAY is missing: production sends SMS through a real gateway (SMS_GATEWAY=aliyun)".into(),
            ),
            GatewayChoice::Log => problems.push(
                "SMS_GATEWAY=log only writes messages to the log: production needs SMS_GATEWAY=aliyun".into(),
            ),
            _ => {}
        }
        problems.extend(self.problems());
        if self.gateway == GatewayChoice::Aliyun && !self.aliyun.endpoint.starts_with("https://") {
            problems.push(format!(
                "ALIYUN_SMS_ENDPOINT={} is not HTTPS: production signs requests only over TLS",
                self.aliyun.endpoint
            ));
        }
        match self.code_secret.as_deref() {
            None => problems.push(
                "SMS_CODE_SECRET is missing: SMS codes are stored as HMAC-SHA256 under it".into(),
            ),
            Some(DEV_SMS_CODE_SECRET) => problems.push(
                "SMS_CODE_SECRET is the development default: set a secret of your own".into(),
            ),
            Some(secret) if secret.len() < 32 => problems
                .push("SMS_CODE_SECRET is too short: use at least 32 random characters".into()),
            Some(_) => {}
        }
        problems
    }
}

impl AliyunSettings {
    /// What is missing or wrong for the Alibaba Cloud gateway.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("ALIYUN_SMS_ACCESS_KEY_ID", &self.access_key_id),
            ("ALIYUN_SMS_ACCESS_KEY_SECRET", &self.access_key_secret),
            ("ALIYUN_SMS_SIGN_NAME", &self.sign_name),
        ] {
            if value.is_none() {
                problems.push(format!("{name} is missing (SMS_GATEWAY=aliyun)"));
            }
        }
        if !(self.endpoint.starts_with("https://") || self.endpoint.starts_with("http://")) {
            problems.push(format!(
                "ALIYUN_SMS_ENDPOINT={} is not an http(s) address",
                self.endpoint
            ));
        }
        let missing: Vec<&str> = SmsTemplate::ALL
            .iter()
            .map(|t| t.name())
            .filter(|name| !self.templates.contains_key(*name))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "ALIYUN_SMS_TEMPLATES has no template code for: {} (give name=SMS_code for every template)",
                missing.join(", ")
            ));
        }
        let unknown: Vec<&str> = self
            .templates
            .keys()
            .map(String::as_str)
            .filter(|name| SmsTemplate::from_name(name).is_none())
            .collect();
        if !unknown.is_empty() {
            problems.push(format!(
                "ALIYUN_SMS_TEMPLATES names templates that do not exist: {}",
                unknown.join(", ")
            ));
        }
        if !self.malformed_templates.is_empty() {
            problems.push(format!(
                "ALIYUN_SMS_TEMPLATES entries are not name=code: {}",
                self.malformed_templates.join(", ")
            ));
        }
        problems
    }
}

/// `name=code` entries separated by commas, semicolons or white space.
fn parse_templates(raw: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut templates = BTreeMap::new();
    let mut malformed = Vec::new();
    for entry in raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|e| !e.is_empty())
    {
        match entry.split_once('=') {
            Some((name, code)) if !name.trim().is_empty() && !code.trim().is_empty() => {
                templates.insert(name.trim().to_string(), code.trim().to_string());
            }
            _ => malformed.push(entry.to_string()),
        }
    }
    (templates, malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)], development: bool) -> SmsSettings {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SmsSettings::from_vars(
            &move |k| {
                pairs
                    .iter()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.clone())
            },
            development,
        )
    }

    fn all_templates() -> String {
        SmsTemplate::ALL
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{}=SMS_{}", t.name(), 100 + i))
            .collect::<Vec<_>>()
            .join(",\n")
    }

    #[test]
    fn development_defaults_to_the_log_gateway_and_the_known_secret() {
        let dev = SmsSettings::development();
        assert_eq!(dev.gateway, GatewayChoice::Log);
        assert_eq!(dev.code_secret.as_deref(), Some(DEV_SMS_CODE_SECRET));
        assert!(dev.problems().is_empty());
        assert_eq!(dev.aliyun.endpoint, DEFAULT_ALIYUN_ENDPOINT);
    }

    #[test]
    fn production_names_every_missing_setting() {
        let none = settings(&[], false).production_problems().join("\n");
        assert!(none.contains("SMS_GATEWAY is missing"), "{none}");
        assert!(none.contains("SMS_CODE_SECRET is missing"), "{none}");
        let log = settings(
            &[
                ("SMS_GATEWAY", "log"),
                ("SMS_CODE_SECRET", DEV_SMS_CODE_SECRET),
            ],
            false,
        )
        .production_problems()
        .join("\n");
        assert!(log.contains("SMS_GATEWAY=log"), "{log}");
        assert!(log.contains("development default"), "{log}");
        let half = settings(
            &[
                ("SMS_GATEWAY", "aliyun"),
                ("ALIYUN_SMS_ACCESS_KEY_ID", "id"),
                (
                    "ALIYUN_SMS_TEMPLATES",
                    "verification_code=SMS_1, nonsense, no_such=SMS_2",
                ),
                ("ALIYUN_SMS_ENDPOINT", "http://127.0.0.1:1"),
                ("SMS_CODE_SECRET", "short"),
            ],
            false,
        )
        .production_problems()
        .join("\n");
        for expected in [
            "ALIYUN_SMS_ACCESS_KEY_SECRET is missing",
            "ALIYUN_SMS_SIGN_NAME is missing",
            "no template code for: owner_consent_code",
            "do not exist: no_such",
            "not name=code: nonsense",
            "not HTTPS",
            "SMS_CODE_SECRET is too short",
        ] {
            assert!(half.contains(expected), "{expected} missing from:\n{half}");
        }
        assert!(!half.contains("ACCESS_KEY_ID is missing"), "{half}");
    }

    #[test]
    fn complete_aliyun_settings_pass() {
        let templates = all_templates();
        let ok = settings(
            &[
                ("SMS_GATEWAY", "Aliyun"),
                ("ALIYUN_SMS_ACCESS_KEY_ID", "LTAI-id"),
                ("ALIYUN_SMS_ACCESS_KEY_SECRET", "secret"),
                ("ALIYUN_SMS_SIGN_NAME", "石家庄交警"),
                ("ALIYUN_SMS_TEMPLATES", &templates),
                ("SMS_CODE_SECRET", "0123456789abcdef0123456789abcdef"),
            ],
            false,
        );
        assert_eq!(ok.production_problems(), Vec::<String>::new());
        assert_eq!(ok.aliyun.templates["verification_code"], "SMS_100");
        let typo = settings(&[("SMS_GATEWAY", "alyun")], true);
        assert!(typo.problems()[0].contains("SMS_GATEWAY=alyun"));
    }
}
