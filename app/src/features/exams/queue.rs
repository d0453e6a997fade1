//! The open queue (考试名额分配公示): public pages, no login. For each
//! session from a month back on: its seats, how many booked on each
//! priority date and how many of those got a seat, and whether that is the
//! order of rank (`domain::exam::queue`). No name, number or booking of
//! anyone is shown.

use super::SessionForAdmin;
use crate::domain::exam::queue::QueueDay;
use crate::domain::Date;
use crate::error::AppError;
use crate::features::paging::ListPage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::domain::exam::queue::{last_seated, seated_by_rank},
    crate::features::paging::PageRequest,
    crate::features::request::ports,
    crate::i18n::Text,
};

/// Sessions from this many days back are listed (a month of results).
pub const QUEUE_DAYS_BACK: i64 = 31;
/// Sessions on one page of the list.
pub const QUEUE_PAGE_ROWS: u32 = 20;

/// One session's open queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionQueue {
    pub session: SessionForAdmin,
    /// By priority date, earliest first.
    pub days: Vec<QueueDay>,
    /// Bookings not cancelled.
    pub booked: i64,
    /// The latest priority date that got a seat.
    pub last_seated: Option<Date>,
    /// The seats went by rank (always true once allocated; shown so anyone
    /// can check it).
    pub by_rank: bool,
}

/// One page of the sessions from a month back on, by day.
#[server(prefix = "/api", endpoint = "exams/queue_sessions", output = crate::wire::JsonAnswer)]
pub async fn queue_sessions(
    #[server(default)] page: Option<String>,
) -> Result<ListPage<SessionForAdmin>, AppError> {
    let ports = ports()?;
    let page = PageRequest::parse(page.as_deref(), QUEUE_PAGE_ROWS)?;
    let from = ports.clock.today().add_days(-QUEUE_DAYS_BACK);
    Ok(ports.exam_admin.sessions_from(from, page).await?)
}

/// One session's queue by priority date.
#[server(prefix = "/api", endpoint = "exams/queue", output = crate::wire::JsonAnswer)]
pub async fn open_queue(session_id: i64) -> Result<SessionQueue, AppError> {
    let ports = ports()?;
    let Some((session, days)) = ports.exam_admin.session_queue(session_id).await? else {
        return Err(AppError::NotFound(Text::new(
            "没有这个考试场次。",
            "There is no such test session.",
        )));
    };
    Ok(SessionQueue {
        booked: days.iter().map(|d| d.booked).sum(),
        last_seated: last_seated(&days),
        by_rank: seated_by_rank(&days),
        session,
        days,
    })
}
