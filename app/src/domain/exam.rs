//! Driving-test booking (驾考预约, D12): who may book which subject when,
//! and how a session's seats are allocated once bookings close.

use super::coded_enum;
use super::date::Date;
use serde::{Deserialize, Serialize};

pub mod list;
pub mod queue;

/// The four test subjects (考试科目).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Subject {
    One,
    Two,
    Three,
    Four,
}

coded_enum!(Subject {
    One => ("1", "科目一（道路交通安全法律、法规和相关知识）", "Subject 1 (traffic law and knowledge)"),
    Two => ("2", "科目二（场地驾驶技能）", "Subject 2 (manoeuvres on a closed course)"),
    Three => ("3", "科目三（道路驾驶技能）", "Subject 3 (driving on the road)"),
    Four => ("4", "科目四（安全文明驾驶常识）", "Subject 4 (safe and courteous driving)"),
});

impl Subject {
    /// The short name used in lists: 科目一 … 科目四.
    pub fn short_zh(self) -> &'static str {
        match self {
            Subject::One => "科目一",
            Subject::Two => "科目二",
            Subject::Three => "科目三",
            Subject::Four => "科目四",
        }
    }
    pub fn short_en(self) -> &'static str {
        match self {
            Subject::One => "Subject 1",
            Subject::Two => "Subject 2",
            Subject::Three => "Subject 3",
            Subject::Four => "Subject 4",
        }
    }
}

/// Bookings per subject while the learner permit is valid (有效期内每科
/// 预约考试次数上限).
pub const MAX_BOOKINGS_PER_SUBJECT: u32 = 5;
/// Days after a failed attempt before the next booking (补考间隔).
pub const DAYS_AFTER_FAILURE: i64 = 10;
/// Days after the learner permit (学习驾驶证明) before subject 3, for
/// small-car classes (C1, C2).
pub const DAYS_BEFORE_SUBJECT_THREE: i64 = 20;

/// Booking for a session closes two days before its day at 17:00 Beijing
/// time (预约截止): in Unix milliseconds.
pub fn booking_closes_at_ms(day: Date) -> i64 {
    // 17:00 in UTC+8 is 09:00 UTC.
    (day.add_days(-2).days_since_epoch() * 86_400 + 9 * 3600) * 1000
}

/// The most seats one session may have (考场容量).
pub const MAX_SESSION_CAPACITY: i64 = 500;

/// A new session's day: at least three days ahead (so booking is open for
/// a day at least) and within 90 days.
pub fn session_day_allowed(day: Date, today: Date) -> bool {
    let ahead = day.days_since_epoch() - today.days_since_epoch();
    (3..=90).contains(&ahead)
}

/// The learner's record that the booking rules look at.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRecord {
    /// The day the learner permit was issued (受理日期 for subject 1).
    pub permit_issued: Option<Date>,
    pub permit_valid_until: Option<Date>,
    /// Subjects passed, with the day each was passed.
    pub passed: Vec<(Subject, Date)>,
    /// The last failed attempt per subject.
    pub failed: Vec<(Subject, Date)>,
    /// Bookings made per subject during the permit's validity.
    pub bookings: Vec<(Subject, u32)>,
    /// A booking still waiting for allocation or for its test day.
    pub pending: Vec<Subject>,
}

impl LearnerRecord {
    fn passed_on(&self, s: Subject) -> Option<Date> {
        self.passed.iter().find(|(p, _)| *p == s).map(|(_, d)| *d)
    }
}

/// Why a booking is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingRefusal {
    NoPermit,
    PermitExpired,
    AlreadyPassed,
    AlreadyPending,
    NeedsSubject(Subject),
    TooEarlyForSubjectThree { from: Date },
    WaitAfterFailure { from: Date },
    NoBookingsLeft,
    SessionNotAfterToday,
}

impl BookingRefusal {
    pub fn zh(&self) -> String {
        match self {
            BookingRefusal::NoPermit => "您还没有受理的驾驶证申请，请先到驾校或车管所受理。".into(),
            BookingRefusal::PermitExpired => {
                "学习驾驶证明已过有效期，已考科目成绩作废，请重新申请。".into()
            }
            BookingRefusal::AlreadyPassed => "该科目已经考试合格。".into(),
            BookingRefusal::AlreadyPending => "该科目已有待考的预约，请先考试或取消。".into(),
            BookingRefusal::NeedsSubject(s) => format!("请先通过{}。", s.zh()),
            BookingRefusal::TooEarlyForSubjectThree { from } => {
                format!("取得学习驾驶证明满{DAYS_BEFORE_SUBJECT_THREE}日后才能预约科目三，{from}起可以预约。")
            }
            BookingRefusal::WaitAfterFailure { from } => {
                format!("考试不合格后需间隔{DAYS_AFTER_FAILURE}日才能再次预约，{from}起可以预约。")
            }
            BookingRefusal::NoBookingsLeft => {
                format!(
                    "学习驾驶证明有效期内每个科目最多预约{MAX_BOOKINGS_PER_SUBJECT}次，您已用完。"
                )
            }
            BookingRefusal::SessionNotAfterToday => "只能预约今天以后的考试场次。".into(),
        }
    }

    pub fn en(&self) -> String {
        match self {
            BookingRefusal::NoPermit => "You have no accepted licence application yet; apply at a driving school or vehicle office first.".into(),
            BookingRefusal::PermitExpired => "The learner permit has expired and earlier results are void; apply again.".into(),
            BookingRefusal::AlreadyPassed => "You have passed this subject.".into(),
            BookingRefusal::AlreadyPending => "You already have a booking waiting for this subject; take it or cancel it first.".into(),
            BookingRefusal::NeedsSubject(s) => format!("Pass {} first.", s.en()),
            BookingRefusal::TooEarlyForSubjectThree { from } => {
                format!("Subject 3 can be booked {DAYS_BEFORE_SUBJECT_THREE} days after the learner permit, from {from}.")
            }
            BookingRefusal::WaitAfterFailure { from } => {
                format!("After a failed attempt wait {DAYS_AFTER_FAILURE} days; you can book from {from}.")
            }
            BookingRefusal::NoBookingsLeft => {
                format!("At most {MAX_BOOKINGS_PER_SUBJECT} bookings per subject while the permit is valid; none are left.")
            }
            BookingRefusal::SessionNotAfterToday => "Only sessions after today can be booked.".into(),
        }
    }
}

/// May this learner book this subject for a session on `session_day`?
pub fn may_book(
    record: &LearnerRecord,
    subject: Subject,
    session_day: Date,
    today: Date,
) -> Result<(), BookingRefusal> {
    let issued = record.permit_issued.ok_or(BookingRefusal::NoPermit)?;
    if record.permit_valid_until.is_some_and(|v| v < session_day) {
        return Err(BookingRefusal::PermitExpired);
    }
    if session_day <= today {
        return Err(BookingRefusal::SessionNotAfterToday);
    }
    if record.passed_on(subject).is_some() {
        return Err(BookingRefusal::AlreadyPassed);
    }
    if record.pending.contains(&subject) {
        return Err(BookingRefusal::AlreadyPending);
    }
    let needs = match subject {
        Subject::One => None,
        Subject::Two | Subject::Three => Some(Subject::One),
        Subject::Four => Some(Subject::Three),
    };
    if let Some(n) = needs {
        if record.passed_on(n).is_none() {
            return Err(BookingRefusal::NeedsSubject(n));
        }
    }
    if subject == Subject::Three {
        let from = issued.add_days(DAYS_BEFORE_SUBJECT_THREE);
        if session_day < from {
            return Err(BookingRefusal::TooEarlyForSubjectThree { from });
        }
    }
    if let Some((_, failed)) = record.failed.iter().find(|(s, _)| *s == subject) {
        let from = failed.add_days(DAYS_AFTER_FAILURE);
        if session_day < from {
            return Err(BookingRefusal::WaitAfterFailure { from });
        }
    }
    let used = record
        .bookings
        .iter()
        .find(|(s, _)| *s == subject)
        .map(|(_, n)| *n)
        .unwrap_or(0);
    if used >= MAX_BOOKINGS_PER_SUBJECT {
        return Err(BookingRefusal::NoBookingsLeft);
    }
    Ok(())
}

/// The date that orders the queue for a subject (as the real platform
/// does, earliest first): subject 1 — the permit's acceptance date; the
/// others — the day the prerequisite subject was passed.
pub fn priority_date(record: &LearnerRecord, subject: Subject) -> Option<Date> {
    match subject {
        Subject::One => record.permit_issued,
        Subject::Two | Subject::Three => record.passed_on(Subject::One),
        Subject::Four => record.passed_on(Subject::Three),
    }
}

/// One booking waiting for allocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub booking_id: i64,
    pub priority: Date,
    pub booked_at_ms: i64,
}

/// Allocates a closed session's seats: earliest priority date first, then
/// the earlier booking, then the lower id; never more than `capacity`.
/// Answers (allocated, not allocated) booking ids, each in rank order.
pub fn allocate(capacity: usize, mut requests: Vec<Request>) -> (Vec<i64>, Vec<i64>) {
    requests.sort_by(|a, b| {
        (a.priority, a.booked_at_ms, a.booking_id).cmp(&(b.priority, b.booked_at_ms, b.booking_id))
    });
    let ids: Vec<i64> = requests.into_iter().map(|r| r.booking_id).collect();
    let cut = capacity.min(ids.len());
    (ids[..cut].to_vec(), ids[cut..].to_vec())
}

/// A learner's rank in the queue while bookings are open (1 = first).
pub fn rank_of(booking_id: i64, requests: &[Request]) -> Option<usize> {
    let (ordered, rest) = allocate(usize::MAX, requests.to_vec());
    debug_assert!(rest.is_empty());
    ordered
        .iter()
        .position(|id| *id == booking_id)
        .map(|p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booking_closes_two_days_before_at_five_in_the_afternoon() {
        let day = Date::new(2026, 12, 10).unwrap();
        // 2026-12-08 17:00 +08:00 = 2026-12-08 09:00 UTC.
        assert_eq!(booking_closes_at_ms(day), 1_796_720_400_000);
        let today = Date::new(2026, 12, 1).unwrap();
        assert!(!session_day_allowed(Date::new(2026, 12, 3).unwrap(), today));
        assert!(session_day_allowed(Date::new(2026, 12, 4).unwrap(), today));
        assert!(session_day_allowed(today.add_days(90), today));
        assert!(!session_day_allowed(today.add_days(91), today));
    }
    use proptest::prelude::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn learner() -> LearnerRecord {
        LearnerRecord {
            permit_issued: Some(d(2026, 11, 1)),
            permit_valid_until: Some(d(2029, 11, 1)),
            ..Default::default()
        }
    }

    #[test]
    fn subjects_come_in_order() {
        let today = d(2026, 11, 24);
        let mut r = learner();
        assert!(may_book(&r, Subject::One, d(2026, 12, 1), today).is_ok());
        assert_eq!(
            may_book(&r, Subject::Two, d(2026, 12, 1), today),
            Err(BookingRefusal::NeedsSubject(Subject::One))
        );
        r.passed.push((Subject::One, d(2026, 11, 10)));
        assert!(may_book(&r, Subject::Two, d(2026, 12, 1), today).is_ok());
        assert_eq!(
            may_book(&r, Subject::Four, d(2026, 12, 1), today),
            Err(BookingRefusal::NeedsSubject(Subject::Three))
        );
        assert_eq!(
            may_book(&r, Subject::One, d(2026, 12, 1), today),
            Err(BookingRefusal::AlreadyPassed)
        );
    }

    #[test]
    fn waiting_times_and_limits() {
        let today = d(2026, 11, 5);
        let mut r = learner();
        r.passed.push((Subject::One, d(2026, 11, 3)));
        assert_eq!(
            may_book(&r, Subject::Three, d(2026, 11, 20), today),
            Err(BookingRefusal::TooEarlyForSubjectThree {
                from: d(2026, 11, 21)
            })
        );
        assert!(may_book(&r, Subject::Three, d(2026, 11, 21), today).is_ok());
        r.failed.push((Subject::Two, d(2026, 11, 4)));
        assert_eq!(
            may_book(&r, Subject::Two, d(2026, 11, 13), today),
            Err(BookingRefusal::WaitAfterFailure {
                from: d(2026, 11, 14)
            })
        );
        r.bookings.push((Subject::Two, MAX_BOOKINGS_PER_SUBJECT));
        assert_eq!(
            may_book(&r, Subject::Two, d(2026, 12, 1), today),
            Err(BookingRefusal::NoBookingsLeft)
        );
        assert_eq!(
            may_book(&r, Subject::Three, today, today),
            Err(BookingRefusal::SessionNotAfterToday)
        );
        r.pending.push(Subject::Three);
        assert_eq!(
            may_book(&r, Subject::Three, d(2026, 12, 1), today),
            Err(BookingRefusal::AlreadyPending)
        );
        assert_eq!(
            may_book(
                &LearnerRecord::default(),
                Subject::One,
                d(2026, 12, 1),
                today
            ),
            Err(BookingRefusal::NoPermit)
        );
    }

    #[test]
    fn earliest_priority_date_first_then_booking_time() {
        let req = |id, day, at| Request {
            booking_id: id,
            priority: d(2026, 11, day),
            booked_at_ms: at,
        };
        let (yes, no) = allocate(
            2,
            vec![req(1, 5, 10), req(2, 3, 30), req(3, 3, 20), req(4, 1, 99)],
        );
        assert_eq!(yes, vec![4, 3]);
        assert_eq!(no, vec![2, 1]);
        assert_eq!(rank_of(2, &[req(1, 5, 10), req(2, 3, 30)]), Some(1));
        assert_eq!(
            priority_date(&learner(), Subject::One),
            Some(d(2026, 11, 1))
        );
    }

    proptest! {
        #[test]
        fn allocation_never_exceeds_capacity_and_loses_no_one(cap in 0usize..50, n in 0usize..80) {
            let requests: Vec<Request> = (0..n as i64)
                .map(|i| Request { booking_id: i, priority: Date::new(2026, 1, 1).unwrap().add_days(i % 7), booked_at_ms: i * 13 % 17 })
                .collect();
            let (yes, no) = allocate(cap, requests);
            prop_assert!(yes.len() <= cap);
            prop_assert_eq!(yes.len() + no.len(), n);
        }
    }
}
