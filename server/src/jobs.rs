//! Scheduled jobs (定时任务). Every app server runs every job every
//! `JOBS_EVERY_SECS` seconds; each is safe when several servers run it at
//! once (every change is a conditional update, an insert guarded by a
//! unique constraint, or a delete of what is already over). A job is a
//! name and a function of the ports and the instant; one failing (or
//! panicking) never stops the others, and the loop outlives every error.

use app::ports::{PortResult, Ports};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A job's run, owning what it needs.
pub type JobRun = Pin<Box<dyn Future<Output = PortResult<usize>> + Send>>;

/// One scheduled job: what the log calls it, and what it does at `now_ms`
/// (answering how many things it changed).
pub struct Job<P = Ports> {
    pub name: &'static str,
    pub run: fn(P, i64) -> JobRun,
}

/// Every job, in the order they run.
pub const JOBS: &[Job] = &[
    Job {
        // 驾考名额分配: sessions whose booking has closed.
        name: "exam allocation",
        run: |ports, now| Box::pin(async move { ports.exams.allocate_closed(now).await }),
    },
    Job {
        // 号牌保留期满: lapsed holds go back to the pool.
        name: "plate hold expiry",
        run: |ports, now| Box::pin(async move { ports.plates.release_lapsed_holds(now).await }),
    },
    Job {
        // 黑名单: uncollected pick-ups and refused deliveries.
        name: "blacklist sweep",
        run: |ports, now| {
            Box::pin(async move {
                let today = app::domain::Date::from_unix_seconds(now.div_euclid(1000), 8);
                ports.blacklists.sweep_blacklist(today).await
            })
        },
    },
    Job {
        // 短信发件箱投递: after the jobs above, so the messages they queued
        // go out in the same run.
        name: "SMS outbox delivery",
        run: |ports, _| Box::pin(async move { ports.outbox.deliver_due().await }),
    },
    Job {
        // 漫游会话通知: notices to visited platforms that did not arrive
        // when sent (logged out or disabled at home).
        name: "roaming notices delivery",
        run: |ports, now| {
            Box::pin(async move {
                let desk = app::features::roaming::service::RoamingDesk {
                    ports: &ports,
                    now_ms: now,
                };
                desk.deliver_due().await
            })
        },
    },
    Job {
        // 清理: sessions past their timeouts.
        name: "ended sessions clean-up",
        run: |ports, now| Box::pin(async move { ports.accounts.delete_ended_sessions(now).await }),
    },
    Job {
        // 清理: SMS codes used or expired, past the quota's hour.
        name: "spent SMS codes clean-up",
        run: |ports, now| Box::pin(async move { ports.sms.delete_spent_codes(now).await }),
    },
    Job {
        // 清理: open API call counts of minutes past (the rate window is
        // the current minute; an hour is kept for a look after the fact).
        name: "API call counts clean-up",
        run: |ports, now| {
            Box::pin(async move {
                let minute = app::domain::api_key::minute_of(now) - 60;
                ports.api_keys.delete_old_calls(minute).await
            })
        },
    },
    Job {
        // 清理: credentials past their expiry (a check refuses one on its
        // dates before it asks the records); a day is kept for a look.
        name: "expired credentials clean-up",
        run: |ports, now| {
            Box::pin(async move {
                ports
                    .credentials
                    .delete_expired_credentials(now - 86_400_000)
                    .await
            })
        },
    },
    Job {
        // 清理: wrong share-code checks past a month (the per-address
        // limit looks back an hour; uses stay with their codes).
        name: "share-code checks clean-up",
        run: |ports, now| {
            Box::pin(async move {
                ports
                    .licence_shares
                    .delete_old_share_checks(now - 30 * 86_400_000)
                    .await
            })
        },
    },
    Job {
        // 清理: roaming message ids past their time, codes and notices
        // past a month.
        name: "roaming clean-up",
        run: |ports, now| Box::pin(async move { ports.roaming.delete_spent_roaming(now).await }),
    },
    Job {
        // 清理: login attempts past their retention.
        name: "old login attempts clean-up",
        run: |ports, now| {
            Box::pin(async move { ports.accounts.delete_old_login_attempts(now).await })
        },
    },
    Job {
        // 审计日志封存: new entries into the hash chain, in id order (one
        // sealer at a time; the others' runs seal nothing).
        name: "audit log sealing",
        run: |ports, now| Box::pin(async move { ports.audit.seal(now).await }),
    },
];

/// What one run of one job came to.
#[derive(Debug)]
pub struct Outcome {
    pub job: &'static str,
    /// How many things it changed, or why it failed (an error or a panic).
    pub result: Result<usize, String>,
}

/// Runs each job once at `now_ms`, one after the other, each in its own
/// task (so a panic ends only that job's run), and logs each result with
/// the job's name. Answers every outcome, in order.
pub async fn run_once<P: Clone + Send + 'static>(
    jobs: &[Job<P>],
    ports: &P,
    now_ms: i64,
) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let result = match tokio::spawn((job.run)(ports.clone(), now_ms)).await {
            Ok(Ok(changed)) => Ok(changed),
            Ok(Err(err)) => Err(err.to_string()),
            Err(join) => Err(format!("the job panicked: {join}")),
        };
        match &result {
            Ok(0) => {}
            Ok(changed) => tracing::info!(job = job.name, changed, now_ms, "scheduled job done"),
            Err(error) => {
                tracing::error!(job = job.name, now_ms, error = %error, "scheduled job failed")
            }
        }
        outcomes.push(Outcome {
            job: job.name,
            result,
        });
    }
    outcomes
}

/// Starts running every job every `every` (None: never; tests run them by
/// hand), on the ports' clock.
pub fn start(ports: Ports, every: Option<Duration>) {
    let Some(every) = every else { return };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(JOBS, &ports, ports.clock.now_ms()).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::ports::PortError;
    use std::sync::{Arc, Mutex};

    /// What the test jobs saw: (job, instant).
    type Seen = Arc<Mutex<Vec<(&'static str, i64)>>>;

    fn note(seen: &Seen, job: &'static str, now: i64) {
        seen.lock().unwrap().push((job, now));
    }

    const TEST_JOBS: &[Job<Seen>] = &[
        Job {
            name: "fails",
            run: |seen, now| {
                Box::pin(async move {
                    note(&seen, "fails", now);
                    Err(PortError::internal("allocate_closed", "database is locked"))
                })
            },
        },
        Job {
            name: "panics",
            run: |seen, now| {
                Box::pin(async move {
                    note(&seen, "panics", now);
                    panic!("a bug in one job")
                })
            },
        },
        Job {
            name: "works",
            run: |seen, now| {
                Box::pin(async move {
                    note(&seen, "works", now);
                    Ok(2)
                })
            },
        },
    ];

    #[tokio::test]
    async fn a_failing_or_panicking_job_stops_no_other() {
        let seen = Seen::default();
        let outcomes = run_once(TEST_JOBS, &seen, 1_700_000_000_000).await;
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                ("fails", 1_700_000_000_000),
                ("panics", 1_700_000_000_000),
                ("works", 1_700_000_000_000)
            ]
        );
        let results: Vec<_> = outcomes.iter().map(|o| (o.job, &o.result)).collect();
        assert!(
            matches!(&results[0], ("fails", Err(e)) if e.contains("database is locked")),
            "{results:?}"
        );
        assert!(
            matches!(&results[1], ("panics", Err(e)) if e.contains("panicked")),
            "{results:?}"
        );
        assert!(matches!(results[2], ("works", Ok(2))), "{results:?}");
        // The next run runs them all again.
        let again = run_once(TEST_JOBS, &seen, 1_700_000_060_000).await;
        assert_eq!(again.len(), 3);
        assert_eq!(seen.lock().unwrap().len(), 6);
    }

    #[test]
    fn every_job_has_its_own_name() {
        let mut names: Vec<_> = JOBS.iter().map(|j| j.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), JOBS.len());
    }
}
