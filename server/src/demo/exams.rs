//! Driving tests (驾驶人考试): the two test centres (考场), sessions for the
//! next two weeks (booking closes two days before at 17:00 Beijing time) and
//! the learners' files (学员档案) with their permits.

use super::batch::Tx;
use super::cast;
use super::random::Rng;
use super::registry::Person;
use app::domain::Date;

pub(super) async fn exams(
    tx: &mut Tx,
    rng: &mut Rng,
    persons: &[Person],
    today: Date,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for (id, name, address) in [
        (
            1i64,
            "石家庄市机动车驾驶人考试中心（鹿泉）",
            "石家庄市鹿泉区石铜路88号",
        ),
        (2, "石家庄市正定考场", "石家庄市正定县恒山西路16号"),
    ] {
        sqlx::query("INSERT INTO exam_centres (id, name, address) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(address)
            .execute(&mut **tx)
            .await?;
    }
    let midnight_cst = now_ms - (now_ms + 8 * 3_600_000).rem_euclid(86_400_000);
    for offset in 3..17i64 {
        let day = today.add_days(offset);
        let closes = midnight_cst + (offset - 2) * 86_400_000 + 17 * 3_600_000;
        for subject in ["1", "2", "3", "4"] {
            for (centre, period) in [(1i64, "上午 08:30"), (2, "下午 14:00")] {
                sqlx::query(
                    "INSERT INTO exam_sessions (centre_id, subject, day, period, capacity, closes_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(centre)
                .bind(subject)
                .bind(day.to_iso())
                .bind(period)
                .bind(10 + rng.below(31) as i64)
                .bind(closes)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    for p in &persons[cast::LEARNER_FILES] {
        sqlx::query(
            "INSERT INTO learner_records (id_number, licence_class, permit_issued, permit_valid_until) VALUES ($1, 'C1', $2, $3)",
        )
        .bind(&p.id)
        .bind(today.add_days(-30).to_iso())
        .bind(today.add_days(-30).add_years(3).to_iso())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
