//! The platform binary: `server --help` lists the commands (see `cli`).

use clap::Parser;
use server::cli::{run, Cli, Command};
use tracing_subscriber::fmt::writer::BoxMakeWriter;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    // `peer-entry` prints TOML on standard output: its log goes to
    // standard error, so the output can be pasted or appended as it is.
    let log = match cli.command {
        Some(Command::PeerEntry { .. }) => BoxMakeWriter::new(std::io::stderr),
        _ => BoxMakeWriter::new(std::io::stdout),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(log)
        .init();
    if let Err(message) = run(cli).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
