//! A driving school's learners in the store: the entry, its confirmation,
//! the learner's account registered at the school's registration point
//! (注册点) by the school and its operator, withdrawal, and the school's
//! list with each learner's bookings and results. Each change is audited.

use super::query_builder::{Arg, Sql};
use super::rows::{coded, date};
use super::{port, Store, StoreResult};
use app::domain::exam::Subject;
use app::domain::learner_entry::{school_point_id, EntryState};
use app::domain::{LicenceClass, PhoneNumber, ResidentId, Sms};
use app::features::learners::{LearnerBooking, LearnerEntry, LearnerResult};
use app::features::paging::{ListPage, PageRequest};
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    school_account_id: i64,
    id_number: String,
    name: String,
    phone: String,
    licence_class: String,
    state: String,
    entered_at: i64,
    registered_at: Option<i64>,
}

const ENTRY_SELECT: &str = "SELECT id, school_account_id, id_number, name, phone, licence_class,
       state, entered_at, registered_at FROM learner_entries";

impl EntryRow {
    fn into_found(self) -> StoreResult<EntryFound> {
        Ok(EntryFound {
            entry: LearnerEntry {
                id: self.id,
                name: self.name,
                id_masked: ResidentId::masked_or_stars(&self.id_number),
                phone_masked: PhoneNumber::masked_or_stars(&self.phone),
                class: coded(
                    "licence class",
                    &self.licence_class,
                    LicenceClass::from_code,
                )?,
                state: coded("entry state", &self.state, EntryState::from_code)?,
                entered_at_ms: self.entered_at,
                registered_at_ms: self.registered_at,
                bookings: Vec::new(),
                results: Vec::new(),
            },
            school_account_id: self.school_account_id,
            id_number: self.id_number,
            phone: self.phone,
        })
    }
}

impl Store {
    /// Moves the entry from one of `from` to `to`, stamping when, and
    /// audits it, in a write transaction handed back with the entry for
    /// what goes with it; None when it was in none of `from` any more.
    async fn moved_entry(
        &self,
        id: i64,
        from: &[EntryState],
        to: EntryState,
        actor: &Actor,
    ) -> StoreResult<Option<(super::Tx, EntryRow)>> {
        let mut tx = self.begin_write().await?;
        let (stamp, action) = match to {
            EntryState::Confirmed => ("confirmed_at", "learner.confirm"),
            EntryState::Registered => ("registered_at", "learner.register"),
            EntryState::Withdrawn | EntryState::AwaitingLearner => {
                ("withdrawn_at", "learner.withdraw")
            }
        };
        let from: Vec<String> = from.iter().map(|s| format!("'{}'", s.code())).collect();
        let moved = sqlx::query(&format!(
            "UPDATE learner_entries SET state = $1, {stamp} = $2 WHERE id = $3 AND state IN ({})",
            from.join(", ")
        ))
        .bind(to.code())
        .bind(self.clock.now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(None);
        }
        let row = self.entry_in(&mut tx, id).await?;
        self.audit_in(
            &mut tx,
            actor,
            action,
            &format!("account:{}", row.school_account_id),
            &format!("learner {}: {}", row.id_number, to.code()),
        )
        .await?;
        Ok(Some((tx, row)))
    }

    async fn entry_in(&self, tx: &mut super::Tx, id: i64) -> StoreResult<EntryRow> {
        Ok(sqlx::query_as(&format!("{ENTRY_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?)
    }

    /// The school's registration point, made the first time it registers.
    async fn school_point_in(&self, tx: &mut super::Tx, school: i64) -> StoreResult<i64> {
        let point = school_point_id(school);
        let exists: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM registration_windows WHERE id = $1")
                .bind(point)
                .fetch_one(&mut **tx)
                .await?;
        if exists == 0 {
            sqlx::query(
                "INSERT INTO registration_windows (id, code, name, address, serves, phone, school_account_id)
                 SELECT $1, $2, a.display_name, '', 'individual', u.agent_phone, a.id
                 FROM accounts a JOIN unit_accounts u ON u.account_id = a.id WHERE a.id = $3",
            )
            .bind(point)
            .bind(format!("SCHOOL-{school}"))
            .bind(school)
            .execute(&mut **tx)
            .await?;
        }
        Ok(point)
    }

    async fn with_bookings(&self, entry: &mut LearnerEntry, id_number: &str) -> StoreResult<()> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<i64>,
            i64,
            String,
            i64,
            i64,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT b.subject, s.day, c.name, b.status, b.rank, b.session_id, b.priority, b.booked_at, b.id
             FROM exam_bookings b
             JOIN exam_sessions s ON s.id = b.session_id
             JOIN exam_centres c ON c.id = s.centre_id
             WHERE b.id_number = $1 ORDER BY b.id DESC LIMIT 10",
        )
        .bind(id_number)
        .fetch_all(&self.pool)
        .await?;
        entry.bookings = Vec::with_capacity(rows.len());
        for (subject, day, centre, status, rank, session, priority, booked_at, id) in rows {
            // Waiting: the place in the queue now; allocated: the rank.
            let rank = if status == "pending" {
                Some(self.queue_place(session, &priority, booked_at, id).await?)
            } else {
                rank
            };
            entry.bookings.push(LearnerBooking {
                subject: coded("subject", &subject, Subject::from_code)?,
                day: date("session day", &day)?,
                centre,
                status,
                rank,
            });
        }
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT subject, day, passed FROM exam_results WHERE id_number = $1 ORDER BY day DESC, id DESC LIMIT 10",
        )
        .bind(id_number)
        .fetch_all(&self.pool)
        .await?;
        entry.results = rows
            .into_iter()
            .map(|(subject, day, passed)| {
                Ok(LearnerResult {
                    subject: coded("subject", &subject, Subject::from_code)?,
                    day: date("result day", &day)?,
                    passed: passed == 1,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(())
    }
}

#[async_trait]
impl LearnerEntries for Store {
    async fn person(&self, id_number: &str) -> PortResult<Option<(String, bool)>> {
        port("learner_person", async {
            let row: Option<(String, i64)> = sqlx::query_as(
                "SELECT p.name, (SELECT COUNT(*) FROM accounts a WHERE a.id_number = p.id_number)
                 FROM persons p WHERE p.id_number = $1",
            )
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|(name, accounts)| (name, accounts > 0)))
        })
        .await
    }

    async fn enter(&self, new: &NewLearnerEntry, actor: &Actor) -> PortResult<i64> {
        port("enter_learner", async {
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO learner_entries (school_account_id, operator_id, id_number, name, phone,
                   licence_class, state, entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_learner', $7) RETURNING id",
            )
            .bind(new.school_account_id)
            .bind(actor.operator_id)
            .bind(&new.id_number)
            .bind(&new.name)
            .bind(&new.phone)
            .bind(new.class.code())
            .bind(self.clock.now_ms())
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "learner.enter",
                &format!("account:{}", new.school_account_id),
                &format!("learner {} class {}", new.id_number, new.class.code()),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn entry(&self, id: i64) -> PortResult<Option<EntryFound>> {
        port("learner_entry", async {
            let row: Option<EntryRow> = sqlx::query_as(&format!("{ENTRY_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(EntryRow::into_found).transpose()
        })
        .await
    }

    async fn confirm(&self, id: i64, actor: &Actor) -> PortResult<bool> {
        port("confirm_learner", async {
            let moved = self
                .moved_entry(
                    id,
                    &[EntryState::AwaitingLearner],
                    EntryState::Confirmed,
                    actor,
                )
                .await?;
            let Some((tx, _)) = moved else {
                return Ok(false);
            };
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn withdraw(&self, id: i64, actor: &Actor) -> PortResult<bool> {
        port("withdraw_learner", async {
            let live = [EntryState::AwaitingLearner, EntryState::Confirmed];
            let moved = self
                .moved_entry(id, &live, EntryState::Withdrawn, actor)
                .await?;
            let Some((tx, _)) = moved else {
                return Ok(false);
            };
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn register(
        &self,
        id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        port("register_learner", async {
            let now = self.clock.now_ms();
            let moved = self
                .moved_entry(id, &[EntryState::Confirmed], EntryState::Registered, actor)
                .await?;
            let Some((mut tx, row)) = moved else {
                return Ok(None);
            };
            let point = self.school_point_in(&mut tx, row.school_account_id).await?;
            let account: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone,
                   password_hash, window_id, registered_by, registered_by_operator_id, created_at)
                 VALUES ('individual', 'window', 'learner', $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&row.id_number)
            .bind(&row.name)
            .bind(&row.phone)
            .bind(password_hash)
            .bind(point)
            .bind(row.school_account_id)
            .bind(actor.operator_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE learner_entries SET account_id = $1 WHERE id = $2")
                .bind(account)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            self.audit_in(
                &mut tx,
                actor,
                "account.registered",
                &row.id_number,
                &format!("account {account}; kind learner; channel window; window {point} (the school's registration point)"),
            )
            .await?;
            let school: String =
                sqlx::query_scalar("SELECT display_name FROM accounts WHERE id = $1")
                    .bind(row.school_account_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let told = Sms::learner_registered(&school);
            Store::message_in(&mut tx, &[account], &told, "/account/exams", now).await?;
            Store::sms_in(&mut tx, &row.phone, &told, now).await?;
            tx.commit().await?;
            Ok(Some(account))
        })
        .await
    }

    async fn school_learners(
        &self,
        school_account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<LearnerEntry>> {
        port("school_learners", async {
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM learner_entries WHERE school_account_id = $1",
            )
            .bind(school_account_id)
            .fetch_one(&self.pool)
            .await?;
            let page = page.within(total);
            let mut sql = Sql::default();
            let school = sql.arg(Arg::I(school_account_id));
            let (limit, offset) = (
                sql.arg(Arg::I(page.limit())),
                sql.arg(Arg::I(page.offset())),
            );
            sql.push(&format!(
                "{ENTRY_SELECT} WHERE school_account_id = {school}
                 ORDER BY id DESC LIMIT {limit} OFFSET {offset}"
            ));
            let rows: Vec<EntryRow> = sql.query_as().fetch_all(&self.pool).await?;
            let mut items = Vec::with_capacity(rows.len());
            for row in rows {
                let found = row.into_found()?;
                let mut entry = found.entry;
                self.with_bookings(&mut entry, &found.id_number).await?;
                items.push(entry);
            }
            Ok(ListPage::new(items, total, page))
        })
        .await
    }
}
