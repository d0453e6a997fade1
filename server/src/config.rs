//! Settings (配置), read from the environment; the README lists them.
//!
//! One setting picks the run mode (运行模式): `PLATFORM_ENV=development`
//! turns on the development conveniences (demo data, the simulated bank,
//! the SMS outbox page, a clock offset); anything else, or nothing, is
//! production, which refuses to start while any of them is on or a real
//! gateway is missing ([`Config::production_problems`]).

use app::domain::jws::Alg;
use leptos::prelude::LeptosOptions;

/// The list of the site's content-hashed file names, in the site root.
pub const HASH_FILE: &str = "hash.txt";
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// 运行模式: production unless `PLATFORM_ENV=development`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    Development,
    Production,
}

/// Settings read from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: RunMode,
    /// How far an acknowledged SQLite commit is kept, when not the mode's
    /// own (through power loss in production, a process crash in
    /// development): the benchmarks measure with production's.
    pub durability: Option<crate::db::Durability>,
    /// `sqlite://data/platform.db` (default) or `postgres://…`.
    pub database_url: String,
    pub addr: SocketAddr,
    /// Folder with the built site (`pkg/` with WASM, JS, CSS).
    pub site_root: String,
    pub max_connections: u32,
    /// Use cheap argon2 parameters (tests only).
    pub fast_hashing: bool,
    /// Load the demo registry and accounts into an empty database
    /// (`DEMO_DATA=1`, development only).
    pub demo_data: bool,
    /// Expose the development SMS outbox at /dev/sms-outbox
    /// (`DEV_SMS_OUTBOX=1`, development only).
    pub dev_sms_outbox: bool,
    /// Pay through the simulated bank (模拟银行) at /dev/bank/…: on in
    /// development unless `SIMULATED_BANK=0`; refused in production.
    pub simulated_bank: bool,
    /// Key the simulated bank signs its notices with (shared by the bank
    /// and every app server); development has a known default. Not used
    /// in production, which has no simulated bank.
    pub payment_signing_key: Option<String>,
    /// The Alipay gateway (支付宝): `ALIPAY_*` and `PLATFORM_PUBLIC_URL`;
    /// production takes payments only through it.
    pub alipay: crate::payments::alipay::AlipaySettings,
    /// SMS (短信): the gateway (`SMS_GATEWAY=log|aliyun`), the Alibaba
    /// Cloud account, sign name and template codes (`ALIYUN_SMS_*`), and
    /// the secret codes are hashed with (`SMS_CODE_SECRET`).
    pub sms: crate::sms::SmsSettings,
    /// Seconds added to the clock (`DEV_CLOCK_OFFSET_SECS`, development
    /// only): a browser test books, then moves past the booking deadline.
    pub clock_offset_secs: i64,
    /// The platform's configuration file (`PLATFORM_PROFILE`, TOML: the
    /// province, cities, business centres, windows and fees). Development
    /// falls back to the built-in 冀/石家庄 file, `config/hebei.toml`.
    pub profile_path: Option<String>,
    /// How often every scheduled job runs (`JOBS_EVERY_SECS`, default 60);
    /// None: never (tests run them by hand).
    pub jobs_every: Option<Duration>,
    /// The proxies (load balancers) whose `X-Forwarded-For` names the
    /// client (`TRUSTED_PROXIES`: addresses and networks, comma-separated,
    /// e.g. `10.0.0.0/8, 192.168.1.5`); none by default, so the socket's
    /// peer is the client.
    pub trusted_proxies: crate::http::client_ip::TrustedProxies,
    /// How long a request may take, reading its body included, before it
    /// is answered 408 (`REQUEST_TIMEOUT_SECS`, default 30).
    pub request_timeout: Duration,
    /// Where the platform's signing keys are (`SIGNING_KEYS_DIR`, a folder
    /// of `<kid>.pem`; `server::signing`). Development keeps them beside
    /// the SQLite database and makes one on first start; production has
    /// none until it is set.
    pub signing_keys: Option<crate::signing::KeySource>,
    /// The key that signs (`SIGNING_KEY_ID`); by default the private key
    /// whose id sorts last.
    pub signing_key_id: Option<String>,
}

/// The simulated bank's key when none is configured (development only).
pub const DEV_PAYMENT_KEY: &str = "dev-simulated-bank-key";

impl Config {
    pub fn from_env() -> Config {
        Config::from_vars(|k| std::env::var(k).ok())
    }

    /// The settings from any source of variables (empty counts as unset).
    pub fn from_vars(source: impl Fn(&str) -> Option<String>) -> Config {
        let var = |k: &str| source(k).filter(|v| !v.trim().is_empty());
        let flag = |k: &str| var(k).is_some_and(|v| v == "1" || v == "true");
        let mode = match var("PLATFORM_ENV").as_deref() {
            Some("development") => RunMode::Development,
            _ => RunMode::Production,
        };
        let development = mode == RunMode::Development;
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/platform.db".into());
        let signing_keys = match var("SIGNING_KEYS_DIR") {
            Some(dir) => Some(crate::signing::KeySource::Dir {
                path: dir.into(),
                generate: development.then_some(Alg::EdDsa),
            }),
            None if development => Some(crate::signing::KeySource::Dir {
                path: crate::signing::dev_key_dir(&database_url),
                generate: Some(Alg::EdDsa),
            }),
            None => None,
        };
        Config {
            mode,
            durability: None,
            database_url,
            addr: var("PLATFORM_ADDR")
                .or_else(|| var("LEPTOS_SITE_ADDR"))
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            max_connections: var("DATABASE_MAX_CONNECTIONS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            fast_hashing: false,
            demo_data: flag("DEMO_DATA"),
            dev_sms_outbox: flag("DEV_SMS_OUTBOX"),
            simulated_bank: match var("SIMULATED_BANK").as_deref() {
                Some("0" | "false") => false,
                Some(_) => true,
                None => development,
            },
            payment_signing_key: var("PAYMENT_SIGNING_KEY")
                .or_else(|| development.then(|| DEV_PAYMENT_KEY.into())),
            alipay: crate::payments::alipay::AlipaySettings::from_vars(var),
            sms: crate::sms::SmsSettings::from_vars(&var, development),
            profile_path: var("PLATFORM_PROFILE"),
            clock_offset_secs: var("DEV_CLOCK_OFFSET_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            jobs_every: Some(Duration::from_secs(
                var("JOBS_EVERY_SECS")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(60),
            ))
            .filter(|d| !d.is_zero()),
            trusted_proxies: crate::http::client_ip::TrustedProxies::parse(
                &var("TRUSTED_PROXIES").unwrap_or_default(),
            ),
            request_timeout: Duration::from_secs(
                var("REQUEST_TIMEOUT_SECS")
                    .and_then(|v| v.parse().ok())
                    .filter(|secs| *secs > 0)
                    .unwrap_or(crate::http::limits::REQUEST_TIMEOUT.as_secs()),
            ),
            signing_keys,
            signing_key_id: var("SIGNING_KEY_ID"),
        }
    }

    /// A configuration for tests and benches: development mode, the
    /// simulated bank, no jobs on a timer.
    pub fn for_tests(database_url: &str) -> Config {
        let mut config = Config::from_vars(|k| match k {
            "PLATFORM_ENV" => Some("development".into()),
            _ => None,
        });
        config.database_url = database_url.into();
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config.fast_hashing = true;
        config.jobs_every = None;
        config.signing_keys = Some(crate::signing::KeySource::Memory(Alg::EdDsa));
        config
    }

    pub fn is_development(&self) -> bool {
        self.mode == RunMode::Development
    }

    /// Session cookies carry `Secure` in production, always.
    pub fn secure_cookies(&self) -> bool {
        self.mode == RunMode::Production
    }

    /// Why this configuration may not serve, one line per setting; empty
    /// when it may. Production refuses every development convenience and
    /// needs the real gateways.
    pub fn production_problems(&self) -> Vec<String> {
        if self.is_development() {
            return Vec::new();
        }
        let mut problems = Vec::new();
        if self.demo_data {
            problems.push("DEMO_DATA is set: demo data is for development only".into());
        }
        if self.dev_sms_outbox {
            problems
                .push("DEV_SMS_OUTBOX is set: the SMS outbox page is for development only".into());
        }
        if self.simulated_bank {
            problems
                .push("SIMULATED_BANK is set: the simulated bank is for development only".into());
        }
        if self.clock_offset_secs != 0 {
            problems.push(
                "DEV_CLOCK_OFFSET_SECS is set: the clock offset is for development only".into(),
            );
        }
        if self.profile_path.is_none() {
            problems.push(
                "PLATFORM_PROFILE is missing: name the platform's configuration file (see config/hebei.toml)"
                    .into(),
            );
        }
        if self.signing_keys.is_none() {
            problems.push(
                "SIGNING_KEYS_DIR is missing: name the folder of the platform's signing keys (see the README: signing keys)"
                    .into(),
            );
        }
        for entry in &self.trusted_proxies.rejected {
            problems.push(format!(
                "TRUSTED_PROXIES lists `{entry}`, which is neither an address nor a network (such as 10.0.0.0/8)"
            ));
        }
        problems.extend(self.payment_gateway_problems());
        problems.extend(self.sms.production_problems());
        problems
    }

    /// Production's payment gateway: Alipay, configured in full, its keys
    /// readable and usable, its addresses HTTPS.
    fn payment_gateway_problems(&self) -> Vec<String> {
        match self.alipay.gateway(Arc::new(crate::clock::SystemClock), true) {
            Ok(Some(_)) => Vec::new(),
            Ok(None) => vec![
                "no payment gateway is configured: set ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY_FILE, ALIPAY_PUBLIC_KEY and PLATFORM_PUBLIC_URL (production takes payments only through Alipay)"
                    .into(),
            ],
            Err(problems) => problems,
        }
    }

    /// The site's options. A release build of the site (`cargo leptos
    /// build --release`) names its files by their content and lists the
    /// names in `hash.txt` in the site root (`hash-file-name` in
    /// `Cargo.toml`); when that file is there the pages link to those
    /// names, which are then cached for good (`http::assets`).
    pub fn leptos_options(&self) -> LeptosOptions {
        let hash_file = std::path::Path::new(&self.site_root).join(HASH_FILE);
        // Leptos looks for the file beside the executable unless the path
        // is absolute.
        let hash_file = std::path::absolute(&hash_file).unwrap_or(hash_file);
        LeptosOptions::builder()
            .output_name("platform")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .hash_files(hash_file.is_file())
            .hash_file(std::sync::Arc::<str>::from(
                hash_file.to_string_lossy().as_ref(),
            ))
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> Config {
        Config::from_vars(|k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn production_is_the_default_and_has_no_development_conveniences() {
        let defaults = vars(&[]);
        assert_eq!(defaults.mode, RunMode::Production);
        assert_eq!(defaults.database_url, "sqlite://data/platform.db");
        assert_eq!(defaults.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(defaults.jobs_every, Some(Duration::from_secs(60)));
        assert!(defaults.trusted_proxies.is_empty(), "no proxy is trusted");
        assert_eq!(defaults.request_timeout, Duration::from_secs(30));
        assert!(defaults.secure_cookies());
        assert!(!defaults.simulated_bank && !defaults.dev_sms_outbox);
        assert_eq!(defaults.payment_signing_key, None);
        // A mistyped mode is production, not development.
        assert_eq!(vars(&[("PLATFORM_ENV", "dev")]).mode, RunMode::Production);
    }

    #[test]
    fn development_turns_the_conveniences_on() {
        let dev = vars(&[
            ("PLATFORM_ENV", "development"),
            ("PLATFORM_ADDR", "0.0.0.0:3001"),
            ("JOBS_EVERY_SECS", "0"),
            ("DEV_SMS_OUTBOX", "1"),
            ("DATABASE_URL", ""),
        ]);
        assert_eq!(dev.addr.to_string(), "0.0.0.0:3001");
        assert_eq!(dev.jobs_every, None);
        assert!(dev.simulated_bank && dev.dev_sms_outbox && !dev.secure_cookies());
        assert_eq!(dev.payment_signing_key.as_deref(), Some(DEV_PAYMENT_KEY));
        assert_eq!(dev.database_url, "sqlite://data/platform.db");
        assert_eq!(
            dev.signing_keys,
            Some(crate::signing::KeySource::Dir {
                path: "data/signing-keys".into(),
                generate: Some(Alg::EdDsa)
            })
        );
        assert_eq!(vars(&[]).signing_keys, None, "production names its folder");
        assert!(dev.production_problems().is_empty());
        let no_bank = vars(&[("PLATFORM_ENV", "development"), ("SIMULATED_BANK", "0")]);
        assert!(!no_bank.simulated_bank);
    }

    #[test]
    fn production_names_every_offending_setting() {
        let bad = vars(&[
            ("DEMO_DATA", "1"),
            ("DEV_SMS_OUTBOX", "1"),
            ("SIMULATED_BANK", "1"),
            ("DEV_CLOCK_OFFSET_SECS", "600"),
            ("ALIPAY_APP_ID", "2021000000000001"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, lb.internal"),
        ]);
        let problems = bad.production_problems().join("\n");
        for name in [
            "DEMO_DATA",
            "DEV_SMS_OUTBOX",
            "SIMULATED_BANK",
            "DEV_CLOCK_OFFSET_SECS",
            "ALIPAY_APP_PRIVATE_KEY_FILE (or ALIPAY_APP_PRIVATE_KEY) is missing",
            "ALIPAY_PUBLIC_KEY is missing",
            "PLATFORM_PUBLIC_URL is missing",
            "SMS_GATEWAY is missing",
            "SMS_CODE_SECRET is missing",
            "PLATFORM_PROFILE is missing",
            "SIGNING_KEYS_DIR is missing",
            "TRUSTED_PROXIES lists `lb.internal`",
        ] {
            assert!(problems.contains(name), "{name} missing from:\n{problems}");
        }
        assert!(!problems.contains("10.0.0.0/8`"), "{problems}");
        let missing = vars(&[]).production_problems().join("\n");
        assert!(
            missing.contains("no payment gateway is configured"),
            "{missing}"
        );
        assert!(!missing.contains("DEMO_DATA"), "{missing}");
        // The simulated bank's key plays no part in production.
        assert!(!missing.contains("PAYMENT_SIGNING_KEY"), "{missing}");
    }

    #[test]
    fn production_accepts_a_complete_alipay_configuration_only() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alipay");
        let key_file = format!("{fixtures}/app_private_key.pem");
        let alipay_key =
            std::fs::read_to_string(format!("{fixtures}/alipay_public_key.pem")).unwrap();
        let config = |public_url: &str| {
            let (key_file, alipay_key, public_url) =
                (key_file.clone(), alipay_key.clone(), public_url.to_string());
            Config::from_vars(move |k| match k {
                "ALIPAY_APP_ID" => Some("2021000000000001".into()),
                "ALIPAY_APP_PRIVATE_KEY_FILE" => Some(key_file.clone()),
                "ALIPAY_PUBLIC_KEY" => Some(alipay_key.clone()),
                "PLATFORM_PUBLIC_URL" => Some(public_url.clone()),
                _ => None,
            })
        };
        let good = config("https://jgj.example.gov.cn")
            .production_problems()
            .join("\n");
        assert!(
            !good.contains("ALIPAY") && !good.contains("payment"),
            "{good}"
        );
        let plain_http = config("http://jgj.example.gov.cn")
            .production_problems()
            .join("\n");
        assert!(
            plain_http.contains("PLATFORM_PUBLIC_URL must be https"),
            "{plain_http}"
        );
    }
}
