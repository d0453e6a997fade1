//! The command line (命令行), with `clap`. Every command first connects and
//! migrates (so `migrate` only does that).
//!
//! ```text
//! server                     serve (migrates; loads demo data when empty if DEMO_DATA=1)
//! server migrate             apply migrations and exit
//! server demo                load the demo registry into an empty database
//! server create-staff USERNAME ROLE NAME [WINDOW_ID]
//!                            create an administrator (ROLE=admin) or a clerk
//!                            (ROLE=clerk); the password is read from
//!                            STAFF_PASSWORD or standard input
//! server load-plates CITY COUNT
//!                            add COUNT unissued numbers (withheld series
//!                            skipped) to a city's plate pool, e.g. 冀A
//! server add-exam-session CENTRE_ID SUBJECT DAY PERIOD CAPACITY
//!                            add a driving-test session (booking closes two
//!                            days before at 17:00 Beijing time)
//! server import-registry KIND FILE.csv
//!                            import persons, vehicles, licences or violations
//!                            from a registry export (UTF-8 or GBK): all rows
//!                            or, listing every bad one, none (see `import`)
//! server verify-audit        check the audit log's hash chain: OK with the
//!                            count, or the first broken entry (exit 1)
//! server peer-entry --base-url URL
//!                            print this platform's entry for the other
//!                            platforms' trust lists (TOML), making the
//!                            development signing key first if there is none
//! ```
//! Settings come from the environment (`config`).

mod demo_output;
mod peer_entry;

pub use peer_entry::peer_entry;

use crate::demo::DemoSize;
use crate::import::RegistryKind;
use crate::{prepare, Config, Platform};
use app::domain::exam::Subject;
use app::domain::jws::Alg;
use app::domain::{Date, Password, StaffRole};
use clap::{Parser, Subcommand};

/// 互联网交通安全综合服务管理平台 — the platform's server.
#[derive(Debug, Parser)]
#[command(name = "server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve (the default): migrates first; with DEMO_DATA=1 loads the demo
    /// registry into an empty database.
    Serve,
    /// Apply the migrations and exit.
    Migrate,
    /// Load the demo registry into an empty database.
    Demo,
    /// Create a staff account, usually the first administrator (the
    /// administrator creates the others in the console); the password is
    /// read from STAFF_PASSWORD or standard input. The second factor is
    /// set up at the first login.
    CreateStaff {
        username: String,
        /// admin, supervisor, centre_clerk or window_clerk
        #[arg(value_parser = staff_role)]
        role: StaffRole,
        name: String,
        /// A window clerk's registration window.
        window_id: Option<i64>,
        /// 警号: the police number shown to the people whose records they open.
        #[arg(long, default_value = "")]
        police_no: String,
        /// 所属单位
        #[arg(long, default_value = "")]
        unit: String,
    },
    /// Add COUNT unissued numbers (withheld series skipped) to a city's
    /// plate pool (号池), e.g. 冀A.
    LoadPlates { city: String, count: usize },
    /// Add a driving-test session (考试场次); booking closes two days before
    /// at 17:00 Beijing time.
    AddExamSession {
        centre_id: i64,
        /// 1, 2, 3 or 4
        #[arg(value_parser = subject)]
        subject: String,
        /// YYYY-MM-DD
        #[arg(value_parser = day)]
        day: Date,
        /// e.g. "上午 08:30"
        period: String,
        capacity: i64,
    },
    /// Import a registry export (登记数据导入): persons, vehicles, licences
    /// or violations from a CSV file in UTF-8 or GBK.
    ImportRegistry {
        /// persons, vehicles, licences or violations
        #[arg(value_parser = registry_kind)]
        kind: RegistryKind,
        file: std::path::PathBuf,
    },
    /// Check the audit log's hash chain (审计日志校验): prints OK with the
    /// number of sealed entries and the chain's head, or names the first
    /// broken entry and exits non-zero.
    VerifyAudit,
    /// Print this platform's entry for the other platforms' trust lists
    /// (信任列表): its province, names, address and public signing keys, as
    /// the `[[peers]]` TOML of a configuration file. In development the
    /// signing key is made first when there is none. Needs no database.
    PeerEntry {
        /// Where the other platforms reach this one, such as
        /// https://he.122.gov.cn
        #[arg(long)]
        base_url: String,
        /// The algorithm of the key development makes when the folder has
        /// none: ed25519 or sm2 (SM2 over SM3, the national standard)
        #[arg(long, value_parser = key_algorithm, default_value = "ed25519")]
        key_algorithm: Alg,
    },
}

fn key_algorithm(raw: &str) -> Result<Alg, String> {
    match raw.to_ascii_lowercase().as_str() {
        "ed25519" => Ok(Alg::EdDsa),
        "sm2" => Ok(Alg::Sm2Sm3),
        _ => Err("the key algorithm is ed25519 or sm2".into()),
    }
}

fn registry_kind(raw: &str) -> Result<RegistryKind, String> {
    RegistryKind::from_code(raw)
        .ok_or_else(|| "KIND must be persons, vehicles, licences or violations".into())
}

fn staff_role(raw: &str) -> Result<StaffRole, String> {
    StaffRole::from_code(raw).ok_or_else(|| {
        let codes: Vec<_> = StaffRole::ALL.iter().map(|r| r.code()).collect();
        format!("ROLE must be one of {}", codes.join(", "))
    })
}

fn subject(raw: &str) -> Result<String, String> {
    Subject::from_code(raw)
        .map(|_| raw.to_string())
        .ok_or_else(|| "SUBJECT must be 1, 2, 3 or 4".into())
}

fn day(raw: &str) -> Result<Date, String> {
    Date::parse_iso(raw).ok_or_else(|| "DAY must be YYYY-MM-DD".into())
}

/// Runs a command to its end (serving: until Ctrl-C or SIGTERM).
pub async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env();
    // Only the configuration file and the keys: no database, no gateways.
    if let Some(Command::PeerEntry {
        base_url,
        key_algorithm,
    }) = &cli.command
    {
        print!("{}", peer_entry(&config, base_url, *key_algorithm)?);
        return Ok(());
    }
    // Demo accounts share a published password: never in production.
    if matches!(cli.command, Some(Command::Demo)) && !config.is_development() {
        return Err(
            "server demo loads demo accounts with a known password: development only (PLATFORM_ENV=development)"
                .into(),
        );
    }
    let problems = config.production_problems();
    if !problems.is_empty() {
        return Err(format!(
            "refusing to start in production (PLATFORM_ENV is not \"development\"):\n  - {}",
            problems.join("\n  - ")
        ));
    }
    let platform = prepare(&config).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config, &platform).await,
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => demo_output::load_and_show(&platform, DemoSize::WithBigFleet).await,
        Command::CreateStaff {
            username,
            role,
            name,
            window_id,
            police_no,
            unit,
        } => {
            let new = app::ports::NewStaff {
                username: username.to_ascii_lowercase(),
                display_name: name,
                role,
                police_no,
                unit,
                window_id,
                password_hash: String::new(),
            };
            create_staff(&platform, new).await
        }
        Command::LoadPlates { city, count } => {
            let seed: u64 = rand::random();
            let added = crate::load_plate_pool(&platform, &city, count, seed).await?;
            println!("{added} numbers added to the {city} pool");
            Ok(())
        }
        Command::AddExamSession {
            centre_id,
            subject,
            day,
            period,
            capacity,
        } => add_exam_session(&platform, centre_id, &subject, day, &period, capacity).await,
        Command::ImportRegistry { kind, file } => {
            crate::import::run(&platform.store, kind, &file).await
        }
        Command::VerifyAudit => {
            println!("{}", verify_audit(&platform).await?);
            Ok(())
        }
        // (Answered above, before the database.)
        Command::PeerEntry {
            base_url,
            key_algorithm,
        } => {
            print!("{}", peer_entry(&config, &base_url, key_algorithm)?);
            Ok(())
        }
    }
}

async fn serve(config: &Config, platform: &Platform) -> Result<(), String> {
    if config.demo_data {
        demo_output::load_and_show(platform, DemoSize::WithBigFleet).await?;
    }
    let added = crate::seed_plate_pools(platform, rand::random()).await?;
    if added > 0 {
        println!("{added} numbers put into the plate pools (first start)");
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    println!(
        "互联网交通安全综合服务管理平台 listening on http://{}",
        config.addr
    );
    crate::serve_until(listener, config, platform, crate::http::shutdown_signal())
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

async fn create_staff(platform: &Platform, mut new: app::ports::NewStaff) -> Result<(), String> {
    if new.role.needs_window() != new.window_id.is_some() {
        return Err(format!(
            "a {} {} a WINDOW_ID",
            new.role.code(),
            if new.role.needs_window() {
                "needs"
            } else {
                "takes no"
            }
        ));
    }
    let password = match std::env::var("STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let password = Password::parse(&password).map_err(|e| {
        use app::domain::Rule;
        e.en()
    })?;
    new.password_hash = platform.hasher.hash_now(password.expose())?;
    let id = crate::store::create_staff(&platform.store, &new)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "created {} account {} (id {id})",
        new.role.code(),
        new.username
    );
    Ok(())
}

/// `server verify-audit`: the chain's report when it checks out, or the
/// report naming the first broken entry as the error (exit 1).
pub async fn verify_audit(platform: &Platform) -> Result<String, String> {
    let check = platform
        .store
        .verify_audit_chain()
        .await
        .map_err(|e| format!("reading the audit log: {e}"))?;
    match check.broken {
        None => Ok(check.report()),
        Some(_) => Err(check.report()),
    }
}

async fn add_exam_session(
    platform: &Platform,
    centre: i64,
    subject: &str,
    day: Date,
    period: &str,
    capacity: i64,
) -> Result<(), String> {
    let closes = app::domain::exam::booking_closes_at_ms(day);
    sqlx::query("INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(centre)
        .bind(subject)
        .bind(day.to_iso())
        .bind(period)
        .bind(capacity)
        .bind(closes)
        .execute(&platform.store.pool)
        .await
        .map_err(|e| format!("adding the session: {e}"))?;
    println!("session added: centre {centre}, subject {subject}, {day} {period}, {capacity} seats");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_commands_of_the_readme_parse() {
        Cli::command().debug_assert();
        let parse = |args: &[&str]| Cli::try_parse_from(["server"].iter().chain(args));
        assert!(parse(&[]).unwrap().command.is_none());
        assert!(matches!(
            parse(&["serve"]).unwrap().command,
            Some(Command::Serve)
        ));
        assert!(matches!(
            parse(&["migrate"]).unwrap().command,
            Some(Command::Migrate)
        ));
        assert!(matches!(
            parse(&["demo"]).unwrap().command,
            Some(Command::Demo)
        ));
        assert!(matches!(
            parse(&[
                "create-staff",
                "clerk05",
                "window_clerk",
                "窗口民警 王强",
                "5"
            ])
            .unwrap()
            .command,
            Some(Command::CreateStaff {
                role: StaffRole::WindowClerk,
                window_id: Some(5),
                ..
            })
        ));
        assert!(matches!(
            parse(&["create-staff", "admin", "admin", "系统管理员"])
                .unwrap()
                .command,
            Some(Command::CreateStaff {
                window_id: None,
                ..
            })
        ));
        assert!(parse(&["create-staff", "x", "boss", "n"]).is_err());
        assert!(matches!(
            parse(&["load-plates", "冀A", "5000"]).unwrap().command,
            Some(Command::LoadPlates { count: 5000, .. })
        ));
        assert!(parse(&["load-plates", "冀A", "many"]).is_err());
        assert!(matches!(
            parse(&[
                "add-exam-session",
                "1",
                "2",
                "2026-12-10",
                "上午 08:30",
                "40"
            ])
            .unwrap()
            .command,
            Some(Command::AddExamSession {
                centre_id: 1,
                capacity: 40,
                ..
            })
        ));
        assert!(parse(&["add-exam-session", "1", "5", "2026-12-10", "x", "40"]).is_err());
        assert!(parse(&["add-exam-session", "1", "2", "10.12.2026", "x", "40"]).is_err());
        assert!(matches!(
            parse(&["import-registry", "vehicles", "cars.csv"])
                .unwrap()
                .command,
            Some(Command::ImportRegistry {
                kind: RegistryKind::Vehicles,
                ..
            })
        ));
        assert!(parse(&["import-registry", "cars", "cars.csv"]).is_err());
        assert!(matches!(
            parse(&["verify-audit"]).unwrap().command,
            Some(Command::VerifyAudit)
        ));
        assert!(matches!(
            parse(&["peer-entry", "--base-url", "http://127.0.0.1:3001"])
                .unwrap()
                .command,
            Some(Command::PeerEntry { base_url, key_algorithm: Alg::EdDsa }) if base_url == "http://127.0.0.1:3001"
        ));
        assert!(matches!(
            parse(&[
                "peer-entry",
                "--base-url",
                "http://x",
                "--key-algorithm",
                "SM2"
            ])
            .unwrap()
            .command,
            Some(Command::PeerEntry {
                key_algorithm: Alg::Sm2Sm3,
                ..
            })
        ));
        assert!(parse(&[
            "peer-entry",
            "--base-url",
            "http://x",
            "--key-algorithm",
            "rsa"
        ])
        .is_err());
        assert!(parse(&["peer-entry"]).is_err());
        assert!(parse(&["unknown"]).is_err());
    }
}
