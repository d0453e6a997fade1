//! Run modes (运行模式), as the server binary itself behaves: production is
//! the default, and it refuses to start — naming every offending or missing
//! setting in one message and exiting non-zero — while a development
//! convenience is on or a real gateway is missing.

use crate::helpers::*;
use crate::payments_alipay::production_with_alipay;
use app::features::accounts::api::Login;
use leptos::server_fn::ServerFn;
use std::process::Command;

/// Runs the server binary with only these settings (no inherited ones) and
/// answers its exit code and what it wrote to standard error.
fn run_server(settings: &[(&str, &str)]) -> (Option<i32>, String) {
    run_server_with(&[], settings)
}

/// As [`run_server`], with command-line arguments.
fn run_server_with(args: &[&str], settings: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("run-modes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/modes.db", dir.display()),
        )
        .env("PLATFORM_ADDR", "127.0.0.1:0")
        .current_dir(&dir);
    for (name, value) in settings {
        command.env(name, value);
    }
    let out = command.output().expect("the server binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn production_refuses_every_development_convenience_in_one_message() {
    let (code, stderr) = run_server(&[
        ("DEMO_DATA", "1"),
        ("DEV_SMS_OUTBOX", "1"),
        ("SIMULATED_BANK", "1"),
        ("DEV_CLOCK_OFFSET_SECS", "600"),
        ("PAYMENT_SIGNING_KEY", server::DEV_PAYMENT_KEY),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    for name in [
        "production",
        "DEMO_DATA",
        "DEV_SMS_OUTBOX",
        "SIMULATED_BANK",
        "DEV_CLOCK_OFFSET_SECS",
        "PLATFORM_PROFILE",
    ] {
        assert!(stderr.contains(name), "{name} not named in:\n{stderr}");
    }
    // One message: it stops at the check, before touching the database.
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn a_bare_production_start_names_what_is_missing() {
    let (code, stderr) = run_server(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("PLATFORM_PROFILE is missing"), "{stderr}");
    assert!(
        !stderr.contains("DEMO_DATA"),
        "nothing set, nothing to blame: {stderr}"
    );
}

#[test]
fn demo_data_cannot_be_loaded_by_command_in_production() {
    let (code, stderr) = run_server_with(&["demo"], &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("development only"), "{stderr}");
}

#[test]
fn a_mistyped_run_mode_is_production() {
    let (code, stderr) = run_server(&[("PLATFORM_ENV", "develop"), ("DEMO_DATA", "1")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("DEMO_DATA"), "{stderr}");
}

/// A production server, even when a development flag slipped into its
/// settings: no development routes, no banner, and `Secure` cookies.
pub(crate) async fn spawn_production(backend: Backend) -> TestApp {
    spawn_with(backend, |config, _| {
        production_with_alipay(config);
        config.dev_sms_outbox = true;
        config.simulated_bank = true;
    })
    .await
}

async fn production_serves_no_development_conveniences(app: TestApp) {
    for path in [
        "/dev/sms-outbox?phone=13800000000",
        "/dev/bank/checkout?order_no=x",
    ] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{app}: {path}");
    }
    let home = app
        .client
        .get(&app.base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("dev-banner"), "{app}: no development banner");
    let (login, password) = app.demo_login("Online-registered individual");
    let res = new_client()
        .post(format!("{}{}", app.base, Login::PATH))
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(!cookies.is_empty(), "{app}: logged in: {}", res.status());
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{app}: every cookie Secure in production: {cookies:?}"
    );
    // The same login on a development server: no Secure (plain HTTP).
    let dev = spawn(app.backend).await;
    let (login, password) = dev.demo_login("Online-registered individual");
    let res = new_client()
        .post(format!("{}{}", dev.base, Login::PATH))
        .form(&[
            ("identifier", login.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(!cookie.contains("Secure"), "{dev}: {cookie}");
}
both_backends!(start = crate::run_modes::spawn_production; production_serves_no_development_conveniences);
