//! The wall clock.

use app::ports::Clock;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        unix_ms()
    }
}

/// The system clock moved by a fixed number of seconds (development only:
/// a browser test books an exam, then looks past the booking deadline).
pub struct OffsetClock {
    offset_ms: i64,
}

impl OffsetClock {
    pub fn new(offset_secs: i64) -> OffsetClock {
        OffsetClock {
            offset_ms: offset_secs.saturating_mul(1000),
        }
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        unix_ms().saturating_add(self.offset_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_clock_runs_ahead_by_its_offset() {
        let before = unix_ms();
        let ahead = OffsetClock::new(3600).now_ms();
        assert!(ahead >= before + 3_600_000 && ahead < unix_ms() + 3_600_000 + 1000);
    }
}
