//! Scheduled jobs. Every app server runs them; they are written to be safe
//! when several run at once (each change is a conditional update or an
//! insert guarded by a unique constraint).

use app::ports::Ports;
use std::time::Duration;

/// Starts the blacklist sweep (逾期未领/三次拒收 → 黑名单) and the
/// allocation of closed exam sessions (驾考名额分配) on a timer.
pub fn start(ports: Ports, every: Option<Duration>) {
    let Some(every) = every else { return };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match ports
                .applications
                .sweep_blacklist(ports.clock.today())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "blacklist sweep added entries"),
                Err(err) => tracing::error!(error = %err, "blacklist sweep failed"),
            }
        }
    });
}
