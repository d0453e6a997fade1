//! Run modes (运行模式), as the server binary itself behaves: production is
//! the default, and it refuses to start — naming every offending or missing
//! setting in one message and exiting non-zero — while a development
//! convenience is on or a real gateway is missing.

use std::process::Command;

/// Runs the server binary with only these settings (no inherited ones) and
/// answers its exit code and what it wrote to standard error.
fn run_server(settings: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("run-modes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
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
fn a_mistyped_run_mode_is_production() {
    let (code, stderr) = run_server(&[("PLATFORM_ENV", "develop"), ("DEMO_DATA", "1")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("DEMO_DATA"), "{stderr}");
}
