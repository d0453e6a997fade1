//! The administrator's exam sessions (考试场次管理): a new session is checked
//! here (centre, subject, a day 3 to 90 days ahead, morning or afternoon,
//! 1 to 500 seats) and closes for booking two days before at 17:00.

use super::port::NewExamSession;
use crate::domain::exam::{
    booking_closes_at_ms, session_day_allowed, Subject, MAX_SESSION_CAPACITY,
};
use crate::domain::Date;
use crate::error::{AppError, FieldCheck};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

use super::PERIOD_NAMES as PERIODS;

/// The form as typed.
pub struct SessionForm {
    pub centre_id: String,
    pub subject: String,
    pub day: String,
    pub period: String,
    pub capacity: String,
}

/// Checks and adds a session; answers its id.
pub async fn add(ports: &Ports, form: SessionForm, actor: &Actor) -> Result<i64, AppError> {
    let mut check = FieldCheck::new();
    let centres = ports.exam_admin.centres().await?;
    let centre = form
        .centre_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| centres.iter().any(|(c, _)| c == id));
    if centre.is_none() {
        check.push("centre_id", Text::new("请选择考场", "Choose a test centre"));
    }
    let subject = Subject::from_code(form.subject.trim());
    if subject.is_none() {
        check.push("subject", Text::new("请选择考试科目", "Choose the subject"));
    }
    let today = ports.clock.today();
    let day = Date::parse_iso(form.day.trim()).filter(|d| session_day_allowed(*d, today));
    if day.is_none() {
        check.push(
            "day",
            Text::new(
                "考试日期须在3天后至90天内（格式如2026-12-10）",
                "The day must be 3 to 90 days from today (as 2026-12-10)",
            ),
        );
    }
    let period = form.period.trim();
    if !PERIODS.iter().any(|(zh, _)| *zh == period) {
        check.push(
            "period",
            Text::new("请选择上午或下午", "Choose morning or afternoon"),
        );
    }
    let capacity = form
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=MAX_SESSION_CAPACITY).contains(c));
    if capacity.is_none() {
        check.push(
            "capacity",
            Text::new(
                format!("考试名额为1至{MAX_SESSION_CAPACITY}人"),
                format!("Seats are 1 to {MAX_SESSION_CAPACITY}"),
            ),
        );
    }
    check.finish()?;
    let day = day.expect("checked");
    let new = NewExamSession {
        centre_id: centre.expect("checked"),
        subject: subject.expect("checked"),
        day,
        period: period.to_string(),
        capacity: capacity.expect("checked"),
        closes_at_ms: booking_closes_at_ms(day),
    };
    Ok(ports.exam_admin.add_session(new, actor).await?)
}
