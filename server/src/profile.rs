//! Reading the platform's configuration file (平台配置, `PLATFORM_PROFILE`)
//! into [`PlatformProfile`], and seeding the database from it on first
//! start (registration windows, plate pools).

use crate::config::Config;
use app::profile::PlatformProfile;

/// The development default: 冀 / 石家庄.
pub const DEVELOPMENT_PROFILE: &str = include_str!("../../config/hebei.toml");

/// The configuration named by the settings (the built-in development file
/// when none is named in development), checked; every problem in one
/// message.
pub fn load(config: &Config) -> Result<PlatformProfile, String> {
    let (name, text) = match &config.profile_path {
        Some(path) => (
            path.clone(),
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read PLATFORM_PROFILE {path}: {e}"))?,
        ),
        None if config.is_development() => (
            "config/hebei.toml".to_string(),
            DEVELOPMENT_PROFILE.to_string(),
        ),
        None => return Err("PLATFORM_PROFILE is missing".into()),
    };
    let profile = parse(&name, &text)?;
    // Codes, state and signed messages cross to peers: never in clear
    // outside development.
    let in_clear: Vec<&str> = profile
        .peers
        .iter()
        .filter(|p| !p.base_url.starts_with("https://"))
        .map(|p| p.province.as_str())
        .collect();
    if !config.is_development() && !in_clear.is_empty() {
        return Err(format!(
            "{name}: in production a peer's base_url must be https:// (not so for {})",
            in_clear.join(", ")
        ));
    }
    Ok(profile)
}

/// Parses and checks a configuration file's text.
pub fn parse(name: &str, text: &str) -> Result<PlatformProfile, String> {
    let profile: PlatformProfile =
        toml::from_str(text).map_err(|e| format!("{name} is not a valid configuration: {e}"))?;
    let problems = profile.problems();
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(format!("{name}:\n  - {}", problems.join("\n  - ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_file_is_sound() {
        let profile = parse("config/hebei.toml", DEVELOPMENT_PROFILE).unwrap();
        assert_eq!(profile.home_province(), "冀");
        assert_eq!(profile.seat().plate_prefix, "冀A");
        assert!(profile.collection_centre().is_some());
    }

    #[test]
    fn the_second_demo_platforms_file_is_sound() {
        let text = include_str!("../../config/beijing.toml");
        let profile = parse("config/beijing.toml", text).unwrap();
        assert_eq!(profile.home_province(), "京");
        assert_eq!(profile.seat().plate_prefix, "京A");
        assert!(profile.city("京N").is_some());
        assert_eq!(profile.province.authority_zh, "北京市公安局公安交通管理局");
        assert_eq!(profile.collection_centre().unwrap().city, "京A");
        // Its own session cookie, where the development file keeps the default.
        assert_eq!(profile.session_cookie.as_str(), "jgsid_bj");
        let hebei = parse("config/hebei.toml", DEVELOPMENT_PROFILE).unwrap();
        assert_eq!(hebei.session_cookie.as_str(), app::policy::SESSION_COOKIE);
        let bad = text.replace("\"jgsid_bj\"", "\"JG-SID\"");
        assert!(parse("x.toml", &bad)
            .unwrap_err()
            .contains("session_cookie"));
    }

    #[test]
    fn a_bad_file_is_refused_with_its_reasons() {
        let typo = DEVELOPMENT_PROFILE.replace("plate_prefix = \"冀B\"", "plate_prefixx = \"冀B\"");
        let err = parse("x.toml", &typo).unwrap_err();
        assert!(
            err.contains("x.toml") && err.contains("plate_prefixx"),
            "{err}"
        );
        let wrong = DEVELOPMENT_PROFILE.replace("plate_prefix = \"冀B\"", "plate_prefix = \"京B\"");
        let err = parse("x.toml", &wrong).unwrap_err();
        assert!(err.contains("京B"), "{err}");
    }

    #[test]
    fn production_needs_a_named_file() {
        let config = Config::from_vars(|_| None);
        assert_eq!(load(&config).unwrap_err(), "PLATFORM_PROFILE is missing");
        let mut dev = Config::for_tests("sqlite://x.db");
        dev.profile_path = Some("/nonexistent/platform.toml".into());
        assert!(load(&dev)
            .unwrap_err()
            .contains("/nonexistent/platform.toml"));
    }
}
