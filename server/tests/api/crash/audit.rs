//! The audit after the restart (崩溃后审计): what each client was told is
//! in the database, every operation in the database is whole (its rows,
//! its audit entry, its message), and the allocation audits of plates and
//! exams hold.

use super::load::{cookie, Acked};
use super::seed::Person;
use app::features::fines::api::FineReceipt;
use app::ports::ExamBookings;
use leptos::server_fn::ServerFn;
use sqlx::{AnyPool, Row};

/// The findings: one line per check; failures collected, not panicked, so
/// one run names every broken rule.
#[derive(Default)]
pub struct Findings {
    pub lines: Vec<String>,
    pub failures: Vec<String>,
}

impl Findings {
    fn holds(&mut self, name: &str, ok: bool, detail: String) {
        let line = format!("{} {name}: {detail}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            self.failures.push(line.clone());
        }
        self.lines.push(line);
    }

    /// A rule given as the query counting the rows that break it.
    async fn none(&mut self, db: &AnyPool, name: &str, broken_sql: &str) {
        let broken = count(db, broken_sql).await;
        self.holds(name, broken == 0, format!("{broken} rows break it"));
    }
}

async fn count(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get::<i64, _>(0)
        .unwrap()
}

/// Each acknowledged operation is in the database as the client was told.
pub async fn acknowledged(db: &AnyPool, acked: &[Acked], findings: &mut Findings) {
    let mut missing = Vec::new();
    for ack in acked {
        let (sql, args): (&str, Vec<String>) = match ack {
            Acked::Decided { violation } => (
                "SELECT COUNT(*) FROM violations WHERE id = CAST($1 AS BIGINT) AND status IN ('handled_unpaid', 'paid') AND decision_no IS NOT NULL",
                vec![violation.to_string()],
            ),
            Acked::Opened { violation, order_no } => (
                "SELECT COUNT(*) FROM fine_payments WHERE order_no = $1 AND violation_id = CAST($2 AS BIGINT) AND status IN ('pending', 'paid')",
                vec![order_no.clone(), violation.to_string()],
            ),
            Acked::Paid {
                violation,
                receipt_no,
                ..
            } => (
                "SELECT COUNT(*) FROM fine_payments p JOIN violations v ON v.id = p.violation_id
                 WHERE p.receipt_no = $1 AND p.violation_id = CAST($2 AS BIGINT) AND p.status = 'paid' AND v.status = 'paid'",
                vec![receipt_no.clone(), violation.to_string()],
            ),
            Acked::Held { vin, plate } => (
                "SELECT COUNT(*) FROM plate_pool WHERE plate = $1 AND vin = $2 AND status IN ('held', 'taken')",
                vec![plate.clone(), vin.clone()],
            ),
            Acked::Confirmed { vin, plate } => (
                "SELECT COUNT(*) FROM plate_selections s JOIN plate_pool p ON p.plate = s.plate
                 WHERE s.plate = $1 AND s.vin = $2 AND p.vin = $2 AND p.status = 'taken'",
                vec![plate.clone(), vin.clone()],
            ),
            Acked::Booked { account, booking } => (
                "SELECT COUNT(*) FROM exam_bookings WHERE id = CAST($1 AS BIGINT) AND account_id = CAST($2 AS BIGINT) AND status = 'pending'",
                vec![booking.to_string(), account.to_string()],
            ),
            Acked::Submitted {
                account,
                application_no,
            } => (
                "SELECT COUNT(*) FROM applications WHERE application_no = $1 AND account_id = CAST($2 AS BIGINT) AND status = 'submitted'",
                vec![application_no.clone(), account.to_string()],
            ),
        };
        let mut query = sqlx::query(sql);
        for arg in args {
            query = query.bind(arg);
        }
        let found: i64 = query
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0);
        if found != 1 {
            missing.push(format!("{ack:?}"));
        }
    }
    findings.holds(
        "every acknowledged operation is there",
        missing.is_empty(),
        format!(
            "{} of {} missing {:?}",
            missing.len(),
            acked.len(),
            missing.iter().take(5).collect::<Vec<_>>()
        ),
    );
}

/// Operations the database holds that no client heard of (cut off by the
/// kill between commit and answer): allowed, and checked whole by
/// [`whole`] like the rest. Answers "Paid 1, …" (kinds with none left out).
pub async fn unacknowledged(db: &AnyPool, acked: &[Acked]) -> String {
    let told = |kind: fn(&Acked) -> bool| acked.iter().filter(|a| kind(a)).count() as i64;
    let kinds: [(&str, &str, i64); 7] = [
        (
            "Decided",
            "SELECT COUNT(*) FROM violations WHERE status <> 'unhandled'",
            told(|a| matches!(a, Acked::Decided { .. })),
        ),
        (
            "Opened",
            "SELECT COUNT(*) FROM fine_payments",
            told(|a| matches!(a, Acked::Opened { .. })),
        ),
        (
            "Paid",
            "SELECT COUNT(*) FROM fine_payments WHERE status = 'paid'",
            told(|a| matches!(a, Acked::Paid { .. })),
        ),
        (
            "Held",
            "SELECT COUNT(*) FROM plate_pool WHERE status IN ('held', 'taken')",
            told(|a| matches!(a, Acked::Held { .. })),
        ),
        (
            "Confirmed",
            "SELECT COUNT(*) FROM plate_selections",
            told(|a| matches!(a, Acked::Confirmed { .. })),
        ),
        (
            "Booked",
            "SELECT COUNT(*) FROM exam_bookings",
            told(|a| matches!(a, Acked::Booked { .. })),
        ),
        (
            "Submitted",
            "SELECT COUNT(*) FROM applications",
            told(|a| matches!(a, Acked::Submitted { .. })),
        ),
    ];
    let mut found = Vec::new();
    for (kind, sql, told) in kinds {
        let extra = count(db, sql).await - told;
        if extra != 0 {
            found.push(format!("{kind} {extra}"));
        }
    }
    if found.is_empty() {
        "none".into()
    } else {
        found.join(", ")
    }
}

/// Every receipt a payer was sent to is shown by the restarted server.
pub async fn receipts_served(base: &str, acked: &[Acked], findings: &mut Findings) {
    let client = reqwest::Client::new();
    let (mut shown, mut wrong) = (0, Vec::new());
    for ack in acked {
        let Acked::Paid {
            receipt_no, token, ..
        } = ack
        else {
            continue;
        };
        let person = Person {
            token: token.clone(),
            account: 0,
        };
        let res = client
            .post(format!("{base}{}", FineReceipt::url()))
            .header("cookie", cookie(&person))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .form(&[("receipt_no", receipt_no)])
            .send()
            .await
            .expect("the restarted server answers");
        let status = res.status();
        let receipt: serde_json::Value = res.json().await.unwrap_or_default();
        if status.is_success() && receipt["amount_fen"] == 10000 {
            shown += 1;
        } else {
            wrong.push(format!("{receipt_no}: {status} {receipt}"));
        }
    }
    findings.holds(
        "the restarted server shows every acknowledged receipt",
        wrong.is_empty(),
        format!(
            "{shown} shown, wrong: {:?}",
            wrong.iter().take(3).collect::<Vec<_>>()
        ),
    );
}

/// Nothing half-done, whether the client heard of it or not: each
/// operation's rows, audit entry and message are all there or none is.
pub async fn whole(db: &AnyPool, findings: &mut Findings) {
    let checks: &[(&str, &str)] = &[
        ("a handled violation has its decision",
         "SELECT COUNT(*) FROM violations WHERE status <> 'unhandled' AND (decision_no IS NULL OR handled_at IS NULL)"),
        ("a handled violation is audited and told once",
         "SELECT COUNT(*) FROM violations v WHERE v.status <> 'unhandled' AND (
            (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'violation.decide' AND a.subject = 'violation:' || CAST(v.id AS TEXT)) <> 1
            OR (SELECT COUNT(*) FROM messages m WHERE m.link = '/account/violations/' || CAST(v.id AS TEXT)) <> 1)"),
        ("no decision audited for an unhandled violation",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'violation.decide' AND NOT EXISTS (
            SELECT 1 FROM violations v WHERE a.subject = 'violation:' || CAST(v.id AS TEXT) AND v.status <> 'unhandled')"),
        ("a payment order is audited once",
         "SELECT COUNT(*) FROM fine_payments p WHERE (SELECT COUNT(*) FROM audit_log a
            WHERE a.action = 'payment.open' AND a.detail LIKE 'order ' || p.order_no || ',%') <> 1"),
        ("no payment order audited that is not there",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'payment.open' AND NOT EXISTS (
            SELECT 1 FROM fine_payments p WHERE a.detail LIKE 'order ' || p.order_no || ',%')"),
        ("a paid fine has its order, receipt and paid violation",
         "SELECT COUNT(*) FROM fine_payments p JOIN violations v ON v.id = p.violation_id
          WHERE p.status = 'paid' AND (p.receipt_no IS NULL OR p.paid_at IS NULL OR p.bank_ref IS NULL OR v.status <> 'paid')"),
        ("a paid violation has exactly one paid order",
         "SELECT COUNT(*) FROM violations v WHERE v.status = 'paid' AND
            (SELECT COUNT(*) FROM fine_payments p WHERE p.violation_id = v.id AND p.status = 'paid') <> 1"),
        ("a payment is audited and told once",
         "SELECT COUNT(*) FROM fine_payments p WHERE p.status = 'paid' AND (
            (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'payment.paid' AND a.detail LIKE 'order ' || p.order_no || ', receipt ' || p.receipt_no || ',%') <> 1
            OR (SELECT COUNT(*) FROM messages m WHERE m.link = '/account/receipts/' || p.receipt_no) <> 1)"),
        ("no payment audited that is not recorded",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'payment.paid' AND NOT EXISTS (
            SELECT 1 FROM fine_payments p WHERE p.status = 'paid' AND a.detail LIKE 'order ' || p.order_no || ',%')"),
        ("a held or taken number is audited as held",
         "SELECT COUNT(*) FROM plate_pool p WHERE p.status IN ('held', 'taken') AND NOT EXISTS (
            SELECT 1 FROM audit_log a WHERE a.action = 'plate.hold' AND a.subject = 'vin:' || p.vin AND a.detail LIKE p.plate || ' until %')"),
        ("no hold audited whose number is not the vehicle's",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'plate.hold' AND NOT EXISTS (
            SELECT 1 FROM plate_pool p WHERE p.status IN ('held', 'taken') AND a.subject = 'vin:' || p.vin AND a.detail LIKE p.plate || ' until %')"),
        ("a taken number is a selection",
         "SELECT COUNT(*) FROM plate_pool p WHERE p.status = 'taken' AND NOT EXISTS (
            SELECT 1 FROM plate_selections s WHERE s.plate = p.plate AND s.vin = p.vin)"),
        ("a selection is a taken number",
         "SELECT COUNT(*) FROM plate_selections s WHERE NOT EXISTS (
            SELECT 1 FROM plate_pool p WHERE p.plate = s.plate AND p.vin = s.vin AND p.status = 'taken')"),
        ("a selection is audited once",
         "SELECT COUNT(*) FROM plate_selections s WHERE (SELECT COUNT(*) FROM audit_log a
            WHERE a.action = 'plate.confirm' AND a.subject = 'vin:' || s.vin AND a.detail LIKE s.plate || ' (%') <> 1"),
        ("no confirmation audited that is not a selection",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'plate.confirm' AND NOT EXISTS (
            SELECT 1 FROM plate_selections s WHERE a.subject = 'vin:' || s.vin)"),
        ("one number per vehicle",
         "SELECT COUNT(*) FROM (SELECT vin FROM plate_pool WHERE status IN ('held', 'taken') GROUP BY vin HAVING COUNT(*) > 1) x"),
        ("an exam booking is counted once",
         "SELECT COUNT(*) FROM (SELECT id_number FROM exam_bookings GROUP BY id_number, subject HAVING COUNT(*) > 1) x"),
        ("an exam booking is audited and told once",
         "SELECT COUNT(*) FROM exam_bookings b WHERE
            (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'exam.book' AND a.subject = 'account:' || CAST(b.account_id AS TEXT)) <> 1
            OR (SELECT COUNT(*) FROM messages m WHERE m.account_id = b.account_id AND m.link = '/account/exams') <> 1"),
        ("no booking audited that is not there",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'exam.book' AND NOT EXISTS (
            SELECT 1 FROM exam_bookings b WHERE a.subject = 'account:' || CAST(b.account_id AS TEXT))"),
        ("an application has its number and one event",
         "SELECT COUNT(*) FROM applications p WHERE p.application_no IS NULL OR
            (SELECT COUNT(*) FROM application_events e WHERE e.application_id = p.id AND e.status = 'submitted') <> 1"),
        ("an application is audited and told once",
         "SELECT COUNT(*) FROM applications p WHERE
            (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'application.submit' AND a.detail LIKE p.application_no || ' %') <> 1
            OR (SELECT COUNT(*) FROM messages m WHERE m.link = '/account/applications/' || p.application_no) <> 1"),
        ("no application audited that is not there",
         "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'application.submit' AND NOT EXISTS (
            SELECT 1 FROM applications p WHERE a.detail LIKE p.application_no || ' %')"),
    ];
    for (name, sql) in checks {
        findings.none(db, name, sql).await;
    }
}

/// Booking closes and three allocators run at once (as on three app
/// servers); then the exam allocation audit of the rush benchmark: every
/// session allocated once, never above capacity, its count matching its
/// bookings, nothing left pending.
pub async fn exams_allocated(
    db: &AnyPool,
    backend: server::db::Backend,
    closes_at: i64,
    findings: &mut Findings,
) {
    let clock = crate::helpers::TestClock::at(closes_at + 1000);
    let store = server::store::Store::new(db.clone(), None, backend, clock);
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.allocate_closed(closes_at + 1000).await })
        })
        .collect();
    let mut allocated_sessions = 0;
    for run in runs {
        allocated_sessions += run.await.unwrap().expect("allocation runs");
    }
    let sessions = count(db, "SELECT COUNT(*) FROM exam_sessions").await;
    findings.holds(
        "every session allocated once",
        allocated_sessions as i64 == sessions,
        format!("{allocated_sessions} of {sessions}"),
    );
    let checks: &[(&str, &str)] = &[
        ("a session's count matches its bookings and capacity",
         "SELECT COUNT(*) FROM exam_sessions s WHERE s.allocated <> (SELECT COUNT(*) FROM exam_bookings b
            WHERE b.session_id = s.id AND b.status = 'allocated') OR s.allocated > s.capacity"),
        ("seats given = min(capacity, booked)",
         "SELECT COUNT(*) FROM exam_sessions s WHERE s.allocated <> (SELECT CASE WHEN COUNT(*) < s.capacity THEN COUNT(*) ELSE s.capacity END
            FROM exam_bookings b WHERE b.session_id = s.id AND b.status IN ('allocated', 'not_allocated'))"),
        ("nothing left pending",
         "SELECT COUNT(*) FROM exam_bookings WHERE status = 'pending'"),
        ("each session's allocation audited once",
         "SELECT COUNT(*) FROM exam_sessions s WHERE (SELECT COUNT(*) FROM audit_log a
            WHERE a.action = 'exam.allocate' AND a.subject = 'session:' || CAST(s.id AS TEXT)) <> 1"),
    ];
    for (name, sql) in checks {
        findings.none(db, name, sql).await;
    }
}
