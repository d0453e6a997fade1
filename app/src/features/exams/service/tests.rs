//! The test-booking desk against in-memory fakes of the bookings store and
//! the registry: who is a learner, which sessions a learner's file allows,
//! the queue's priority date, and the refusals with their words.

use super::*;
use crate::domain::exam::{LearnerRecord, Subject, DAYS_AFTER_FAILURE};
use crate::domain::{IndividualKind, OwnerKey, RegistrationChannel};
use crate::error::Refusal;
use crate::features::bindings::service::fake::{
    actor, block_on, clerk, person, unit, FakeRegistry, HOLDER_ID,
};
use crate::features::exams::ExamBooking;
use crate::features::paging::ListPage;
use crate::port_error::PortResult;
use async_trait::async_trait;
use std::sync::Mutex;

const NOW: i64 = 1_795_000_000_000;

/// What the desk asked the bookings store to do.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Asked {
    OpenSessions {
        now_ms: i64,
    },
    Book {
        account_id: i64,
        id_number: String,
        session_id: i64,
        priority: Date,
        now_ms: i64,
        ip: String,
    },
    Cancel {
        account_id: i64,
        booking_id: i64,
    },
}

/// The bookings store: the learner's file (under HOLDER_ID), the sessions
/// still collecting bookings, and what booking and cancelling answer.
struct FakeExams {
    record: Option<LearnerRecord>,
    sessions: Vec<ExamSession>,
    bookings: Vec<ExamBooking>,
    /// None: the learner already has an open booking for the subject.
    booked: Option<i64>,
    cancelled: bool,
    asked: Mutex<Vec<Asked>>,
}

impl FakeExams {
    fn record(&self, asked: Asked) {
        self.asked.lock().expect("asked").push(asked);
    }
    /// What was asked besides listing the open sessions.
    fn changes(&self) -> Vec<Asked> {
        self.asked
            .lock()
            .expect("asked")
            .iter()
            .filter(|a| !matches!(a, Asked::OpenSessions { .. }))
            .cloned()
            .collect()
    }
}

#[async_trait]
impl ExamBookings for FakeExams {
    async fn record(&self, id_number: &str) -> PortResult<Option<LearnerRecord>> {
        Ok(self.record.clone().filter(|_| id_number == HOLDER_ID))
    }
    async fn open_sessions(&self, now_ms: i64) -> PortResult<Vec<ExamSession>> {
        FakeExams::record(self, Asked::OpenSessions { now_ms });
        Ok(self.sessions.clone())
    }
    async fn book(
        &self,
        account_id: i64,
        id_number: &str,
        session: &ExamSession,
        priority: Date,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        FakeExams::record(
            self,
            Asked::Book {
                account_id,
                id_number: id_number.into(),
                session_id: session.id,
                priority,
                now_ms,
                ip: actor.ip.clone(),
            },
        );
        Ok(self.booked)
    }
    async fn cancel(&self, account_id: i64, booking_id: i64, _: &Actor) -> PortResult<bool> {
        FakeExams::record(
            self,
            Asked::Cancel {
                account_id,
                booking_id,
            },
        );
        Ok(self.cancelled)
    }
    async fn bookings(&self, _: i64, page: PageRequest) -> PortResult<ListPage<ExamBooking>> {
        Ok(ListPage::new(
            self.bookings.clone(),
            self.bookings.len() as i64,
            page,
        ))
    }
    async fn allocate_closed(&self, _: i64) -> PortResult<usize> {
        unimplemented!("not used by the booking desk")
    }
    async fn close_and_allocate(&self, _: i64, _: i64) -> PortResult<usize> {
        unimplemented!("not used by the booking desk")
    }
}

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("a date")
}

fn today() -> Date {
    day(2026, 11, 28)
}

fn session(id: i64, subject: Subject, on: Date) -> ExamSession {
    ExamSession {
        id,
        centre: "石家庄市第一考场".into(),
        subject,
        day: on,
        period: "上午".into(),
        capacity: 40,
        closes_at_ms: NOW + 86_400_000,
        waiting: 3,
    }
}

/// Subject 1 tomorrow (1) and today (2); subject 2 in a week (3).
fn sessions() -> Vec<ExamSession> {
    vec![
        session(1, Subject::One, today().add_days(1)),
        session(2, Subject::One, today()),
        session(3, Subject::Two, today().add_days(7)),
    ]
}

/// A learner whose permit was issued on 1 November 2026.
fn new_learner() -> LearnerRecord {
    LearnerRecord {
        permit_issued: Some(day(2026, 11, 1)),
        permit_valid_until: Some(day(2029, 11, 1)),
        ..LearnerRecord::default()
    }
}

fn store(record: Option<LearnerRecord>) -> FakeExams {
    FakeExams {
        record,
        sessions: sessions(),
        bookings: Vec::new(),
        booked: Some(77),
        cancelled: true,
        asked: Mutex::new(Vec::new()),
    }
}

fn desk<'a>(exams: &'a FakeExams, registry: &'a FakeRegistry) -> ExamDesk<'a> {
    ExamDesk {
        exams,
        bindings: registry,
        now_ms: NOW,
        today: today(),
    }
}

fn learner() -> SessionAccount {
    person(IndividualKind::Learner, RegistrationChannel::Online)
}

fn refusal<T: std::fmt::Debug>(result: Result<T, AppError>) -> Refusal {
    match result {
        Err(AppError::NotAllowed(r)) => r,
        other => panic!("a refusal expected, got {other:?}"),
    }
}

#[test]
fn only_a_learner_in_person_books() {
    let (exams, registry) = (store(Some(new_learner())), FakeRegistry::default());
    let refused = refusal(block_on(desk(&exams, &registry).learner(&clerk())));
    assert_eq!(refused.rule.zh, "民警账户不能预约考试。");
    let refused = refusal(block_on(desk(&exams, &registry).learner(&unit())));
    assert_eq!(refused.rule.zh, "该业务只面向个人用户。");
    // An account the session knows as an organisation, or as no one.
    let for_learners = "驾考预约只面向学员本人。";
    for owner in [Some(OwnerKey::Organisation("x".into())), None] {
        let mut account = learner();
        account.owner = owner;
        let refused = refusal(block_on(desk(&exams, &registry).book(
            &account,
            1,
            &actor(),
        )));
        assert_eq!(refused.rule.zh, for_learners);
    }
    assert_eq!(
        block_on(desk(&exams, &registry).learner(&learner())),
        Ok(HOLDER_ID.to_string())
    );
    assert_eq!(
        exams.asked.lock().unwrap().len(),
        0,
        "nothing was looked up"
    );
}

#[test]
fn without_a_permit_every_session_says_why() {
    let (exams, registry) = (store(None), FakeRegistry::default());
    let overview = block_on(desk(&exams, &registry).overview(&learner(), PageRequest::first(20)))
        .expect("overview");
    assert_eq!(overview.record, None);
    let refusals: Vec<_> = overview.sessions.iter().map(|(_, r)| r.clone()).collect();
    assert_eq!(refusals, vec![Some(BookingRefusal::NoPermit); 3]);
    assert_eq!(
        *exams.asked.lock().unwrap(),
        [Asked::OpenSessions { now_ms: NOW }]
    );
}

#[test]
fn each_open_session_is_checked_against_the_learners_file() {
    let (exams, registry) = (store(Some(new_learner())), FakeRegistry::default());
    let overview = block_on(desk(&exams, &registry).overview(&learner(), PageRequest::first(20)))
        .expect("overview");
    assert_eq!(overview.record, Some(new_learner()));
    let by_session: Vec<_> = overview
        .sessions
        .iter()
        .map(|(s, r)| (s.id, r.clone()))
        .collect();
    assert_eq!(
        by_session,
        [
            (1, None),
            (2, Some(BookingRefusal::SessionNotAfterToday)),
            (3, Some(BookingRefusal::NeedsSubject(Subject::One)))
        ]
    );
}

#[test]
fn a_closed_or_unknown_session_is_not_booked() {
    let (exams, registry) = (store(Some(new_learner())), FakeRegistry::default());
    let Err(AppError::Conflict(text)) =
        block_on(desk(&exams, &registry).book(&learner(), 9, &actor()))
    else {
        panic!("a conflict expected");
    };
    assert_eq!(text.zh, "该场次已停止预约或不存在。");
    assert_eq!(exams.changes(), []);
}

#[test]
fn the_rules_refuse_with_the_day_booking_opens() {
    let failed_on = today().add_days(-3);
    let record = LearnerRecord {
        failed: vec![(Subject::One, failed_on)],
        ..new_learner()
    };
    let (exams, registry) = (store(Some(record)), FakeRegistry::default());
    let refused = refusal(block_on(desk(&exams, &registry).book(
        &learner(),
        1,
        &actor(),
    )));
    let from = failed_on.add_days(DAYS_AFTER_FAILURE);
    assert_eq!(
        refused.rule.zh,
        BookingRefusal::WaitAfterFailure { from }.zh()
    );
    assert!(refused.rule.zh.contains(&from.to_string()), "{refused:?}");
    assert_eq!(refused.remedy.zh, "如有疑问请咨询驾校或车辆管理所。");
    let no_permit = store(None);
    let refused = refusal(block_on(desk(&no_permit, &registry).book(
        &learner(),
        1,
        &actor(),
    )));
    assert_eq!(refused.rule.zh, BookingRefusal::NoPermit.zh());
    assert_eq!(exams.changes(), []);
    assert_eq!(no_permit.changes(), []);
}

#[test]
fn subject_one_queues_by_the_permits_date() {
    let (exams, registry) = (store(Some(new_learner())), FakeRegistry::default());
    let id = block_on(desk(&exams, &registry).book(&learner(), 1, &actor())).expect("booked");
    assert_eq!(id, 77);
    assert_eq!(
        exams.changes(),
        [Asked::Book {
            account_id: 1,
            id_number: HOLDER_ID.into(),
            session_id: 1,
            priority: day(2026, 11, 1),
            now_ms: NOW,
            ip: actor().ip
        }]
    );
}

#[test]
fn later_subjects_queue_by_the_day_the_one_before_was_passed() {
    let record = LearnerRecord {
        passed: vec![(Subject::One, day(2026, 11, 20))],
        ..new_learner()
    };
    let (exams, registry) = (store(Some(record)), FakeRegistry::default());
    block_on(desk(&exams, &registry).book(&learner(), 3, &actor())).expect("booked");
    let changes = exams.changes();
    let [Asked::Book {
        session_id,
        priority,
        ..
    }] = changes.as_slice()
    else {
        panic!("one booking expected");
    };
    assert_eq!((*session_id, *priority), (3, day(2026, 11, 20)));
}

#[test]
fn a_booking_made_meanwhile_for_the_subject_is_refused() {
    let exams = FakeExams {
        booked: None,
        ..store(Some(new_learner()))
    };
    let registry = FakeRegistry::default();
    let refused = refusal(block_on(desk(&exams, &registry).book(
        &learner(),
        1,
        &actor(),
    )));
    assert_eq!(refused.rule.zh, "该科目已有待考的预约，请先考试或取消。");
}

#[test]
fn only_a_waiting_booking_is_cancelled() {
    let (exams, registry) = (store(Some(new_learner())), FakeRegistry::default());
    block_on(desk(&exams, &registry).cancel(&learner(), 5, &actor())).expect("cancelled");
    let allocated = FakeExams {
        cancelled: false,
        ..store(Some(new_learner()))
    };
    let Err(AppError::Conflict(text)) =
        block_on(desk(&allocated, &registry).cancel(&learner(), 6, &actor()))
    else {
        panic!("a conflict expected");
    };
    assert_eq!(text.zh, "只能取消尚未分配的预约。");
    assert!(refusal(block_on(desk(&exams, &registry).cancel(
        &clerk(),
        7,
        &actor()
    )))
    .rule
    .zh
    .starts_with("民警账户"));
    let cancel = |booking_id| Asked::Cancel {
        account_id: 1,
        booking_id,
    };
    assert_eq!(exams.changes(), [cancel(5)], "staff cancel nothing");
    assert_eq!(allocated.changes(), [cancel(6)]);
}
