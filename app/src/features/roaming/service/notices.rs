//! Notices to the platforms a person roamed to (会话通知): sent when they
//! log out or are disabled at home, and again by the notices job until
//! they arrive.

use super::RoamingDesk;
use crate::domain::roaming::{random_token, Notice, NoticeEvent, MESSAGE_MAX_SECS, TYP_NOTICE};
use crate::features::roaming::port::{PeerError, PendingNotice};
use crate::ports::Ports;

/// A notice is tried this many times before it is given up.
pub const NOTICE_ATTEMPTS: i64 = 8;

/// The notices queued for one change (logged out, disabled), to send.
#[must_use = "send them with send_later once the change is written"]
pub struct QueuedNotices(Vec<i64>);

/// Queues a notice to each platform the account was let into within a
/// session's longest life, before the change it announces is written.
/// That order is the safe one: should the change fail, a notice ends
/// sessions that could have stayed; should the process stop after the
/// change, the notices job still sends them.
pub async fn queue_peer_notices(
    ports: &Ports,
    account_id: i64,
    event: NoticeEvent,
) -> QueuedNotices {
    if ports.profile.peers.is_empty() {
        return QueuedNotices(Vec::new());
    }
    let desk = RoamingDesk::of(ports);
    let since = desk.now_ms - crate::policy::SESSION_ABSOLUTE_SECS * 1000;
    match ports
        .roaming
        .queue_notices(account_id, event, since, desk.now_ms)
        .await
    {
        Ok(ids) => QueuedNotices(ids),
        Err(e) => {
            tracing::error!(error = %e, account_id, "queueing roaming notices failed");
            QueuedNotices(Vec::new())
        }
    }
}

/// Writes `change` (a logout, a password reset, a disabling) with the
/// notices it means queued first (`queue_peer_notices`), and sends them
/// once it is written.
pub async fn announcing<T, E>(
    ports: &Ports,
    account_id: i64,
    event: NoticeEvent,
    change: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let notices = queue_peer_notices(ports, account_id, event).await;
    let done = change.await?;
    notices.send_later(ports);
    Ok(done)
}

impl QueuedNotices {
    /// Sends them now, without holding up the request; what does not
    /// arrive, the notices job sends again.
    pub fn send_later(self, ports: &Ports) {
        if self.0.is_empty() {
            return;
        }
        let ports = ports.clone();
        leptos::task::spawn(async move {
            let desk = RoamingDesk::of(&ports);
            match ports.roaming.notices(&self.0).await {
                Ok(pending) => {
                    desk.deliver(pending).await;
                }
                Err(e) => tracing::error!(error = %e, "reading queued roaming notices failed"),
            }
        });
    }
}

impl RoamingDesk<'_> {
    /// The notices job: sends what is due; answers how many arrived.
    pub async fn deliver_due(&self) -> crate::port_error::PortResult<usize> {
        let due = self.ports.roaming.due_notices(self.now_ms, 100).await?;
        Ok(self.deliver(due).await)
    }

    async fn deliver(&self, pending: Vec<PendingNotice>) -> usize {
        let mut sent = 0;
        for n in pending {
            let outcome = match self.peer(&n.audience) {
                None => Err(PeerError::Refused("no longer trusted".into())),
                Some(peer) => {
                    let now = self.now_secs();
                    let notice = Notice {
                        iss: self.me(),
                        aud: n.audience.clone(),
                        iat: now,
                        exp: now + MESSAGE_MAX_SECS,
                        jti: random_token(rand::random()),
                        sub: n.subject.clone(),
                        event: n.event,
                    };
                    let token = self.sign(TYP_NOTICE, &notice);
                    self.ports.peer_link.notify(&peer.base_url, &token).await
                }
            };
            let stored = match outcome {
                Ok(()) => {
                    sent += 1;
                    self.ports.roaming.notice_sent(n.id, self.now_ms).await
                }
                Err(e) => {
                    tracing::warn!(audience = %n.audience, error = ?e, "a roaming notice did not arrive");
                    let retry = (n.attempts + 1 < NOTICE_ATTEMPTS)
                        .then(|| self.now_ms + 60_000 * (1 << n.attempts.min(6)));
                    self.ports.roaming.notice_failed(n.id, retry).await
                }
            };
            if let Err(e) = stored {
                tracing::error!(error = %e, "recording a roaming notice's outcome failed");
            }
        }
        sent
    }
}
