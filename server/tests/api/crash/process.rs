//! The server as its own operating-system process (服务进程), started as
//! `make run` starts it (development mode, the settings from the
//! environment), so that a test can `kill -9` it and start it again on the
//! same database.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server binary; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    log: PathBuf,
}

/// How long a start may take (migrations and seeding on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(90);

impl ServerProcess {
    /// Starts `target/…/server` on the database, on a free port, and waits
    /// until it answers HTTP. Its output goes to a log file, named in any
    /// failure.
    pub async fn start(database_url: &str, label: &str) -> ServerProcess {
        // Another process may take the free port first: try a few.
        for attempt in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir().join(format!(
                "crash-{}-{label}-{attempt}.log",
                std::process::id()
            ));
            let out = std::fs::File::create(&log).expect("the server's log file");
            let child = Command::new(env!("CARGO_BIN_EXE_server"))
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("PLATFORM_ENV", "development")
                .env("DATABASE_URL", database_url)
                .env("PLATFORM_ADDR", format!("127.0.0.1:{port}"))
                .env("LEPTOS_SITE_ROOT", std::env::temp_dir().join("crash-site"))
                // The scheduled jobs run too (SMS delivery, lapsed holds),
                // so they are in flight when the server dies.
                .env("JOBS_EVERY_SECS", "1")
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out)
                .spawn()
                .expect("the server binary starts");
            let mut server = ServerProcess {
                child,
                base: format!("http://127.0.0.1:{port}"),
                log,
            };
            match server.wait_until_serving().await {
                Ok(()) => return server,
                Err(why) if why.contains("in use") => continue,
                Err(why) => panic!("the server did not start: {why}"),
            }
        }
        panic!("no free port for the server after three tries")
    }

    /// Polls until any HTTP answer comes; Err with the log when the
    /// process exits first or the time is up.
    async fn wait_until_serving(&mut self) -> Result<(), String> {
        let probe = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(format!("exited with {status}: {}", self.log_text()));
            }
            if probe
                .get(format!("{}/crash-probe", self.base))
                .send()
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no answer in {START_TIMEOUT:?}: {}",
                    self.log_text()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `kill -9`: no shutdown, no flushing, no goodbye; waits until the
    /// process is gone.
    pub fn kill_9(&mut self) {
        // std's `Child::kill` sends SIGKILL on Unix.
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("the killed server is reaped");
        assert!(
            !status.success(),
            "the server was killed, not stopped: {status}"
        );
    }

    /// What the server wrote (its log), for failure messages.
    pub fn log_text(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
