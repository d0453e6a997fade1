//! The settings and the stored rows the server reads back: the
//! environment ([`Config::from_vars`]), the platform's configuration file
//! (`PLATFORM_PROFILE`), the SMS template list, the SMS outbox's rows and
//! Alibaba Cloud's answers.

use super::*;
use crate::config::Config;
use crate::db::Backend;
use crate::profile::{parse, DEVELOPMENT_PROFILE};
use crate::sms::aliyun::read_answer;
use crate::sms::SmsSettings;
use crate::store::sms_outbox::{params_json, sms_of_row};
use app::domain::{Sms, SmsTemplate};

/// The variables the server reads (not the key file's path: the
/// properties read no files).
const VARS: &[&str] = &[
    "PLATFORM_ENV",
    "DATABASE_URL",
    "PLATFORM_ADDR",
    "LEPTOS_SITE_ADDR",
    "DATABASE_MAX_CONNECTIONS",
    "DEMO_DATA",
    "DEV_SMS_OUTBOX",
    "SIMULATED_BANK",
    "PAYMENT_SIGNING_KEY",
    "ALIPAY_APP_ID",
    "ALIPAY_APP_PRIVATE_KEY",
    "ALIPAY_PUBLIC_KEY",
    "ALIPAY_GATEWAY_URL",
    "ALIPAY_SELLER_ID",
    "PLATFORM_PUBLIC_URL",
    "SMS_GATEWAY",
    "SMS_CODE_SECRET",
    "ALIYUN_SMS_ACCESS_KEY_ID",
    "ALIYUN_SMS_ACCESS_KEY_SECRET",
    "ALIYUN_SMS_SIGN_NAME",
    "ALIYUN_SMS_ENDPOINT",
    "ALIYUN_SMS_TEMPLATES",
    "PLATFORM_PROFILE",
    "DEV_CLOCK_OFFSET_SECS",
    "JOBS_EVERY_SECS",
    "TRUSTED_PROXIES",
];

/// A line of the development configuration file, changed: a value
/// replaced, the line dropped, or a line of anything put in its place.
fn edited_profile() -> impl Strategy<Value = String> {
    let lines: Vec<String> = DEVELOPMENT_PROFILE.lines().map(String::from).collect();
    let n = lines.len();
    vec(
        (
            0..n,
            prop_oneof![
                any_input("\"[]=冀A0123456789 ", 20).prop_map(Edit::Value),
                Just(Edit::Drop),
                any_input("[]=\"#冀a", 30).prop_map(Edit::Line),
            ],
        ),
        1..4,
    )
    .prop_map(move |edits| {
        let mut lines = lines.clone();
        for (i, edit) in edits {
            match edit {
                Edit::Value(v) => {
                    if let Some((key, _)) = lines[i].split_once('=') {
                        lines[i] = format!("{key}= {v}");
                    }
                }
                Edit::Drop => lines[i].clear(),
                Edit::Line(l) => lines[i] = l,
            }
        }
        lines.join("\n")
    })
}

#[derive(Clone, Debug)]
enum Edit {
    Value(String),
    Drop,
    Line(String),
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_environment_reads_into_settings(values in vec(proptest::option::of(any_input("0123456789.:/truefalsedevelopment", 30)), VARS.len())) {
        let config = Config::from_vars(|k| {
            VARS.iter().position(|v| *v == k).and_then(|i| values[i].clone())
        });
        prop_assert!(config.max_connections > 0 || values[4].is_some());
        let _ = (config.secure_cookies(), config.production_problems(), config.leptos_options());
        let _ = Backend::of_url(&config.database_url);
    }

    #[test]
    fn any_configuration_file_is_read_or_refused_with_reasons(text in edited_profile()) {
        match parse("platform.toml", &text) {
            Ok(profile) => {
                prop_assert!(profile.problems().is_empty());
                let _ = (profile.home_province(), profile.seat(), profile.collection_centre());
                for city in &profile.cities {
                    prop_assert_eq!(profile.city(&city.plate_prefix).map(|c| &c.plate_prefix), Some(&city.plate_prefix));
                }
            }
            Err(reason) => prop_assert!(reason.starts_with("platform.toml")),
        }
    }

    #[test]
    fn sms_template_lists_read_back(
        entries in vec(("[a-z_]{1,16}", "SMS_[0-9]{1,9}"), 0..6),
        sep in prop::sample::select(vec![",", ";", " ", "\n", ", "]),
        raw in any_input("abc=SMS_12,; ", 60),
    ) {
        let read = |text: String| {
            SmsSettings::from_vars(&move |k| (k == "ALIYUN_SMS_TEMPLATES").then(|| text.clone()), false).aliyun
        };
        let written = entries.iter().map(|(n, c)| format!("{n}={c}")).collect::<Vec<_>>().join(sep);
        let settings = read(written);
        let expected: std::collections::BTreeMap<String, String> = entries.iter().cloned().collect();
        prop_assert_eq!(settings.templates, expected);
        prop_assert!(settings.malformed_templates.is_empty());
        let any = read(raw);
        for (name, code) in &any.templates {
            prop_assert!(!name.is_empty() && !code.is_empty());
        }
        let _ = any.problems();
    }

    #[test]
    fn stored_sms_rows_read_back_or_say_why_not(
        template in prop::sample::select(SmsTemplate::ALL.to_vec()),
        values in vec(any::<String>(), 8),
        name in any_input("verification_code", 24),
        params in any_input("{}\":,code", 60),
    ) {
        let parts = template.params().iter().zip(&values).map(|(n, v)| (n.to_string(), v.clone())).collect();
        let sms = Sms::from_parts(template.name(), parts).expect("the template's variables");
        prop_assert_eq!(sms_of_row(template.name(), &params_json(&sms)), Ok(sms.clone()));
        if let Ok(read) = sms_of_row(&name, &params) {
            prop_assert_eq!(read.template().name(), name.as_str());
        }
    }

    #[test]
    fn any_answer_from_the_sms_provider_is_read(status in 100u16..600, body in prop_oneof![
        any_input("{}\":,CodeOKMessageBizIdRequestIdisp.SYSTEM_ERROR", 80),
        ("[A-Za-z._]{0,20}", "[a-z ]{0,10}").prop_map(|(c, m)| format!("{{\"Code\":\"{c}\",\"Message\":\"{m}\",\"BizId\":\"1\"}}")),
    ]) {
        if read_answer(status, &body).is_ok() {
            prop_assert!((200..300).contains(&status));
            prop_assert!(body.contains("\"OK\""));
        }
    }
}
