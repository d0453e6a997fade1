//! Settings (配置), read from the environment; the README lists them.

use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::time::Duration;

/// Settings read from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://data/platform.db` (default) or `postgres://…`.
    pub database_url: String,
    pub addr: SocketAddr,
    /// Folder with the built site (`pkg/` with WASM, JS, CSS).
    pub site_root: String,
    /// Set `Secure` on cookies (behind HTTPS).
    pub secure_cookies: bool,
    pub max_connections: u32,
    /// Use cheap argon2 parameters (tests only).
    pub fast_hashing: bool,
    /// Expose the development SMS outbox at /dev/sms-outbox.
    pub dev_sms_outbox: bool,
    /// Key the payment gateway signs its notices with (shared by the bank
    /// and every app server).
    pub payment_signing_key: String,
    /// How often the scheduled jobs (the blacklist sweep) run; None: never
    /// (tests run them by hand).
    pub sweep_every: Option<Duration>,
}

/// The simulated bank's key when none is configured (development only).
pub const DEV_PAYMENT_KEY: &str = "dev-simulated-bank-key";

impl Config {
    pub fn from_env() -> Config {
        Config::from_vars(|k| std::env::var(k).ok())
    }

    /// The settings from any source of variables (empty counts as unset).
    pub fn from_vars(source: impl Fn(&str) -> Option<String>) -> Config {
        let var = |k: &str| source(k).filter(|v| !v.is_empty());
        let flag = |k: &str| var(k).is_some_and(|v| v == "1" || v == "true");
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/platform.db".into()),
            addr: var("PLATFORM_ADDR")
                .or_else(|| var("LEPTOS_SITE_ADDR"))
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            secure_cookies: flag("SECURE_COOKIES"),
            max_connections: var("DATABASE_MAX_CONNECTIONS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            fast_hashing: false,
            dev_sms_outbox: var("DEV_SMS_OUTBOX").is_some_and(|v| v == "1"),
            payment_signing_key: var("PAYMENT_SIGNING_KEY")
                .unwrap_or_else(|| DEV_PAYMENT_KEY.into()),
            sweep_every: Some(Duration::from_secs(
                var("SWEEP_EVERY_SECS")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300),
            ))
            .filter(|d| !d.is_zero()),
        }
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("platform")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let defaults = Config::from_vars(|_| None);
        assert_eq!(defaults.database_url, "sqlite://data/platform.db");
        assert_eq!(defaults.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(defaults.sweep_every, Some(Duration::from_secs(300)));
        assert!(!defaults.dev_sms_outbox && !defaults.secure_cookies);
        let set = Config::from_vars(|k| match k {
            "PLATFORM_ADDR" => Some("0.0.0.0:3001".into()),
            "SWEEP_EVERY_SECS" => Some("0".into()),
            "SECURE_COOKIES" => Some("true".into()),
            "DEV_SMS_OUTBOX" => Some("1".into()),
            "DATABASE_URL" => Some(String::new()),
            _ => None,
        });
        assert_eq!(set.addr.to_string(), "0.0.0.0:3001");
        assert_eq!(set.sweep_every, None);
        assert!(set.secure_cookies && set.dev_sms_outbox);
        assert_eq!(set.database_url, "sqlite://data/platform.db");
    }
}
