//! Examinations and certificates (驾驶人体检和身体条件证明) in the store:
//! recording an examination with its certificate number, the hospital's
//! and the driver's lists, and submitting a certificate, which moves the
//! licence's yearly date in the same transaction. Each change is audited
//! and told to the driver.

use super::query_builder::{Arg, Sql};
use super::rows::{coded, date};
use super::unit_drivers::driver_accounts_in;
use super::{port, Store, StoreResult};
use app::domain::physical_exam::{
    valid_until, CertificateNumber, ColourVision, Conclusion, ExamItems, ExamOnRecord, Hearing,
    Soundness, Vision,
};
use app::domain::{LicenceClass, ResidentId, Sms};
use app::features::paging::{ListPage, PageRequest};
use app::features::physical_exams::{CertificateChannel, CertificateEntry, ExamEntry};
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct ExamRow {
    id: i64,
    certificate_no: Option<String>,
    hospital: String,
    hospital_account_id: i64,
    name: String,
    id_number: String,
    class: String,
    examined_on: String,
    height_cm: i64,
    vision_left: i64,
    vision_right: i64,
    vision_corrected: i64,
    colour_vision: String,
    hearing: String,
    upper_limbs: String,
    lower_limbs: String,
    trunk_neck: String,
    conclusion: String,
    recorded_at: i64,
    submitted_at: Option<i64>,
}

const EXAM_SELECT: &str = "SELECT e.id, e.certificate_no, a.display_name AS hospital,
       e.hospital_account_id, p.name, e.id_number, e.class, e.examined_on, e.height_cm,
       e.vision_left, e.vision_right, e.vision_corrected, e.colour_vision, e.hearing,
       e.upper_limbs, e.lower_limbs, e.trunk_neck, e.conclusion, e.recorded_at,
       c.submitted_at
     FROM physical_exams e
     JOIN accounts a ON a.id = e.hospital_account_id
     JOIN persons p ON p.id_number = e.id_number
     LEFT JOIN physical_certificates c ON c.exam_id = e.id";

fn vision(what: &str, tenths: i64) -> StoreResult<Vision> {
    u8::try_from(tenths)
        .ok()
        .and_then(Vision::from_tenths)
        .ok_or_else(|| super::StoreError::BadValue(format!("{what} {tenths}")))
}

impl ExamRow {
    fn into_found(self) -> StoreResult<ExamFound> {
        let examined_on = date("examined on", &self.examined_on)?;
        let exam = ExamOnRecord {
            examined_on,
            items: ExamItems {
                height_cm: u16::try_from(self.height_cm).unwrap_or(0),
                vision_left: vision("vision left", self.vision_left)?,
                vision_right: vision("vision right", self.vision_right)?,
                vision_corrected: self.vision_corrected == 1,
                colour_vision: coded(
                    "colour vision",
                    &self.colour_vision,
                    ColourVision::from_code,
                )?,
                hearing: coded("hearing", &self.hearing, Hearing::from_code)?,
                upper_limbs: coded("upper limbs", &self.upper_limbs, Soundness::from_code)?,
                lower_limbs: coded("lower limbs", &self.lower_limbs, Soundness::from_code)?,
                trunk_neck: coded("trunk and neck", &self.trunk_neck, Soundness::from_code)?,
            },
            conclusion: coded("conclusion", &self.conclusion, Conclusion::from_code)?,
        };
        Ok(ExamFound {
            entry: ExamEntry {
                id: self.id,
                certificate_no: self.certificate_no.unwrap_or_default(),
                hospital: self.hospital,
                name: self.name,
                id_masked: ResidentId::masked_or_stars(&self.id_number),
                class: coded("licence class", &self.class, LicenceClass::from_code)?,
                exam,
                valid_until: valid_until(examined_on),
                recorded_at_ms: self.recorded_at,
                certificate_submitted_ms: self.submitted_at,
            },
            id_number: self.id_number,
            hospital_account_id: self.hospital_account_id,
        })
    }
}

fn entries(rows: Vec<ExamRow>) -> StoreResult<Vec<ExamEntry>> {
    rows.into_iter()
        .map(|r| r.into_found().map(|f| f.entry))
        .collect()
}

#[async_trait]
impl PhysicalExams for Store {
    async fn person_name(&self, id_number: &str) -> PortResult<Option<String>> {
        self.registry_person_name(id_number).await
    }

    async fn record(&self, new: &NewExam, actor: &Actor) -> PortResult<ExamEntry> {
        port("record_exam", async {
            let now = self.clock.now_ms();
            let items = &new.exam.items;
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO physical_exams (hospital_account_id, operator_id, id_number, class,
                   examined_on, height_cm, vision_left, vision_right, vision_corrected,
                   colour_vision, hearing, upper_limbs, lower_limbs, trunk_neck, conclusion,
                   recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                 RETURNING id",
            )
            .bind(new.hospital_account_id)
            .bind(actor.operator_id)
            .bind(&new.id_number)
            .bind(new.class.code())
            .bind(new.exam.examined_on.to_string())
            .bind(i64::from(items.height_cm))
            .bind(i64::from(items.vision_left.tenths()))
            .bind(i64::from(items.vision_right.tenths()))
            .bind(i64::from(items.vision_corrected))
            .bind(items.colour_vision.code())
            .bind(items.hearing.code())
            .bind(items.upper_limbs.code())
            .bind(items.lower_limbs.code())
            .bind(items.trunk_neck.code())
            .bind(new.exam.conclusion.code())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let number = CertificateNumber::new(new.exam.examined_on, id);
            sqlx::query("UPDATE physical_exams SET certificate_no = $1 WHERE id = $2")
                .bind(number.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let row: ExamRow = sqlx::query_as(&format!("{EXAM_SELECT} WHERE e.id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let entry = row.into_found()?.entry;
            self.audit_in(
                &mut tx,
                actor,
                "physical_exam.record",
                &format!("account:{}", new.hospital_account_id),
                &format!(
                    "certificate {} for {} class {}, {}",
                    number.as_str(),
                    new.id_number,
                    new.class.code(),
                    new.exam.conclusion.code()
                ),
            )
            .await?;
            let told = Sms::physical_exam_recorded(
                &entry.hospital,
                &new.exam.examined_on.to_string(),
                new.class.code(),
                new.exam.conclusion.zh(),
                number.as_str(),
                &entry.valid_until.to_string(),
            );
            let drivers = driver_accounts_in(&mut tx, &new.id_number).await?;
            Store::message_in(&mut tx, &drivers, &told, "/account/licence#physical", now).await?;
            let phone: String =
                sqlx::query_scalar("SELECT phone FROM persons WHERE id_number = $1")
                    .bind(&new.id_number)
                    .fetch_one(&mut *tx)
                    .await?;
            Store::sms_in(&mut tx, &phone, &told, now).await?;
            tx.commit().await?;
            Ok(entry)
        })
        .await
    }

    async fn hospital_exams(
        &self,
        account_id: i64,
        person: Option<&str>,
        page: PageRequest,
    ) -> PortResult<ListPage<ExamEntry>> {
        port("hospital_exams", async {
            let person = person.unwrap_or_default();
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM physical_exams e WHERE e.hospital_account_id = $1
                 AND ($2 = '' OR e.id_number = $2 OR e.certificate_no = $2)",
            )
            .bind(account_id)
            .bind(person)
            .fetch_one(&self.pool)
            .await?;
            let page = page.within(total);
            let mut sql = Sql::default();
            let account = sql.arg(Arg::I(account_id));
            let who = sql.arg(Arg::S(person.to_string()));
            let (limit, offset) = (
                sql.arg(Arg::I(page.limit())),
                sql.arg(Arg::I(page.offset())),
            );
            sql.push(&format!(
                "{EXAM_SELECT} WHERE e.hospital_account_id = {account}
                 AND ({who} = '' OR e.id_number = {who} OR e.certificate_no = {who})
                 ORDER BY e.id DESC LIMIT {limit} OFFSET {offset}"
            ));
            let rows: Vec<ExamRow> = sql.query_as().fetch_all(&self.pool).await?;
            Ok(ListPage::new(entries(rows)?, total, page))
        })
        .await
    }

    async fn hospital_exams_after(
        &self,
        account_id: i64,
        person: Option<&str>,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<ExamEntry>> {
        port("hospital_exams_after", async {
            let rows: Vec<ExamRow> = sqlx::query_as(&format!(
                "{EXAM_SELECT} WHERE e.hospital_account_id = $1
                 AND ($2 = '' OR e.id_number = $2 OR e.certificate_no = $2)
                 AND e.id > $3 ORDER BY e.id LIMIT $4"
            ))
            .bind(account_id)
            .bind(person.unwrap_or_default())
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            entries(rows)
        })
        .await
    }

    async fn exam(&self, exam_id: i64) -> PortResult<Option<ExamFound>> {
        port("exam", async {
            sqlx::query_as::<_, ExamRow>(&format!("{EXAM_SELECT} WHERE e.id = $1"))
                .bind(exam_id)
                .fetch_optional(&self.pool)
                .await?
                .map(ExamRow::into_found)
                .transpose()
        })
        .await
    }

    async fn exams_of(&self, id_number: &str, limit: i64) -> PortResult<Vec<ExamEntry>> {
        port("exams_of", async {
            let rows: Vec<ExamRow> = sqlx::query_as(&format!(
                "{EXAM_SELECT} WHERE e.id_number = $1 ORDER BY e.examined_on DESC, e.id DESC LIMIT $2"
            ))
            .bind(id_number)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            entries(rows)
        })
        .await
    }

    async fn certificates_of(
        &self,
        id_number: &str,
        limit: i64,
    ) -> PortResult<Vec<CertificateEntry>> {
        port("certificates_of", async {
            let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
                "SELECT e.certificate_no, a.display_name, c.channel, c.due_before, c.due_after,
                        c.submitted_at
                 FROM physical_certificates c
                 JOIN physical_exams e ON e.id = c.exam_id
                 JOIN accounts a ON a.id = e.hospital_account_id
                 WHERE c.id_number = $1 ORDER BY c.id DESC LIMIT $2",
            )
            .bind(id_number)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(no, hospital, channel, before, after, at)| {
                    Ok(CertificateEntry {
                        certificate_no: no,
                        hospital,
                        channel: coded("channel", &channel, CertificateChannel::from_code)?,
                        due_before: date("due before", &before)?,
                        due_after: date("due after", &after)?,
                        submitted_at_ms: at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn certificate_owed(&self, id_number: &str) -> PortResult<Option<CertificateOwed>> {
        port("certificate_owed", async {
            let row: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT class, physical_due FROM driving_licences WHERE id_number = $1",
            )
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|(class, due)| {
                Ok(CertificateOwed {
                    class: coded("licence class", &class, LicenceClass::from_code)?,
                    due: due
                        .as_deref()
                        .map(|d| date("physical due", d))
                        .transpose()?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn submit_certificate(
        &self,
        s: &CertificateSubmission,
        actor: &Actor,
    ) -> PortResult<CertificateSubmitted> {
        port("submit_certificate", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO physical_certificates (exam_id, id_number, account_id, operator_id,
                   channel, due_before, due_after, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            )
            .bind(s.exam_id)
            .bind(&s.id_number)
            .bind(s.account_id)
            .bind(actor.operator_id)
            .bind(s.channel.code())
            .bind(s.due_before.to_string())
            .bind(s.due_after.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Ok(CertificateSubmitted::AlreadyUsed);
            }
            // Only if the licence still owes it on the date read: two
            // submissions at once move it once.
            let moved = sqlx::query(
                "UPDATE driving_licences SET physical_due = $1
                 WHERE id_number = $2 AND physical_due = $3",
            )
            .bind(s.due_after.to_string())
            .bind(&s.id_number)
            .bind(s.due_before.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Ok(CertificateSubmitted::DueChanged);
            }
            self.audit_in(
                &mut tx,
                actor,
                "physical_certificate.submit",
                &format!("account:{}", s.account_id),
                &format!(
                    "certificate {} for {}, {}: due {} -> {}",
                    s.certificate_no,
                    s.id_number,
                    s.channel.code(),
                    s.due_before,
                    s.due_after
                ),
            )
            .await?;
            let told = Sms::physical_certificate_accepted(
                &s.certificate_no,
                &s.by,
                &s.due_after.to_string(),
            );
            let drivers = driver_accounts_in(&mut tx, &s.id_number).await?;
            Store::message_in(&mut tx, &drivers, &told, "/account/licence#physical", now).await?;
            tx.commit().await?;
            Ok(CertificateSubmitted::Submitted)
        })
        .await
    }
}
