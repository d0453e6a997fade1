//! Several fines in one payment order (合并缴款) in the store. The gateway
//! sees the combined order (its number and total); each fine keeps its own
//! row in `fine_payments` (`<batch_no>-<n>`), so every fine gets its own
//! receipt, and a fine another order paid first gets its part refunded,
//! exactly as a single order's would (`payments.rs`).

use super::payments::{Member, MemberSettled};
use super::{Store, StoreResult, Tx};
use crate::db::Backend;
use app::domain::{Date, ViolationStatus};
use app::policy::PAYMENT_ORDER_TTL_SECS;
use app::ports::*;

impl Store {
    pub(super) async fn open_batch_in(
        &self,
        account_id: i64,
        fines: &[FineDue],
        now_ms: i64,
        actor: &Actor,
    ) -> StoreResult<Result<PaymentOrder, BatchRejection>> {
        let mut tx = self.begin_write().await?;
        // In id order, as every writer locks them (no deadlock).
        let mut fines = fines.to_vec();
        fines.sort_by_key(|f| f.violation_id);
        for f in &fines {
            self.lock_violation(&mut tx, f.violation_id).await?;
            let (status, fine): (String, i64) =
                sqlx::query_as("SELECT status, fine_yuan FROM violations WHERE id = $1")
                    .bind(f.violation_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let fine = fine.clamp(0, u32::MAX as i64) as u32;
            let payable = ViolationStatus::from_code(&status).map(|s| s.with_fine(fine))
                == Some(ViolationStatus::HandledUnpaid);
            if !payable {
                return Ok(Err(BatchRejection {
                    violation_id: f.violation_id,
                }));
            }
        }
        let total: i64 = fines.iter().map(|f| f.fine_fen + f.surcharge_fen).sum();
        if let Some(open) = self.same_open_batch(&mut tx, &fines, now_ms).await? {
            tx.commit().await?;
            return Ok(Ok(open));
        }
        // Any other open order of these fines is closed.
        for f in &fines {
            sqlx::query(
                "UPDATE fine_payments SET status = 'expired' WHERE violation_id = $1 AND status = 'pending'",
            )
            .bind(f.violation_id)
            .execute(&mut *tx)
            .await?;
        }
        let batch_no = format!(
            "HK{}{:06}{:04}",
            Date::from_unix_seconds(now_ms.div_euclid(1000), 8)
                .to_iso()
                .replace('-', ""),
            fines[0].violation_id % 1_000_000,
            rand::random::<u16>() % 10_000
        );
        let expires_at = now_ms + PAYMENT_ORDER_TTL_SECS * 1000;
        sqlx::query(
            "INSERT INTO fine_batches (batch_no, account_id, amount_fen, fines, status, created_at, expires_at)
             VALUES ($1, $2, $3, $4, 'pending', $5, $6)",
        )
        .bind(&batch_no)
        .bind(account_id)
        .bind(total)
        .bind(fines.len() as i64)
        .bind(now_ms)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        for (n, f) in fines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO fine_payments (order_no, violation_id, account_id, fine_fen, surcharge_fen, amount_fen, status, created_at, expires_at, batch_no)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)",
            )
            .bind(format!("{batch_no}-{}", n + 1))
            .bind(f.violation_id)
            .bind(account_id)
            .bind(f.fine_fen)
            .bind(f.surcharge_fen)
            .bind(f.fine_fen + f.surcharge_fen)
            .bind(now_ms)
            .bind(expires_at)
            .bind(&batch_no)
            .execute(&mut *tx)
            .await?;
        }
        let ids: Vec<String> = fines.iter().map(|f| f.violation_id.to_string()).collect();
        self.audit_in(
            &mut tx,
            actor,
            "payment.open_batch",
            &format!("account:{account_id}"),
            &format!(
                "order {batch_no}, {} fines ({}), {total} fen",
                fines.len(),
                ids.join(" ")
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(PaymentOrder {
            order_no: batch_no,
            violation_id: fines[0].violation_id,
            amount_fen: total,
            status: "pending".into(),
            expires_at,
            receipt_no: None,
        }))
    }

    /// The open combined order of exactly these fines and amounts, if one
    /// is still good (a double click, a second tab).
    async fn same_open_batch(
        &self,
        tx: &mut Tx,
        fines: &[FineDue],
        now_ms: i64,
    ) -> StoreResult<Option<PaymentOrder>> {
        let batch: Option<String> = sqlx::query_scalar(
            "SELECT batch_no FROM fine_payments WHERE violation_id = $1 AND status = 'pending' AND batch_no IS NOT NULL",
        )
        .bind(fines[0].violation_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(batch_no) = batch else {
            return Ok(None);
        };
        let members: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT violation_id, amount_fen, status FROM fine_payments WHERE batch_no = $1 ORDER BY violation_id",
        )
        .bind(&batch_no)
        .fetch_all(&mut **tx)
        .await?;
        let same = members.len() == fines.len()
            && members.iter().zip(fines).all(|((id, amount, status), f)| {
                *id == f.violation_id
                    && *amount == f.fine_fen + f.surcharge_fen
                    && status == "pending"
            });
        let order = batch_order_in(tx, &batch_no).await?;
        Ok(order.filter(|o| same && o.status == "pending" && o.expires_at > now_ms))
    }

    /// A combined order as the gateway's pages see it.
    pub(super) async fn batch_order(&self, batch_no: &str) -> StoreResult<Option<PaymentOrder>> {
        let mut tx = self.pool.begin().await?;
        let order = batch_order_in(&mut tx, batch_no).await?;
        tx.commit().await?;
        Ok(order)
    }

    /// Settles a combined order's notice in the transaction begun for it
    /// (committed here): every fine of it, each as a single order's would
    /// be. Idempotent.
    pub(super) async fn settle_batch_in(
        &self,
        mut tx: Tx,
        notice: &PaymentNotice,
        now_ms: i64,
    ) -> StoreResult<Settlement> {
        let sql = match self.backend {
            Backend::Postgres => "SELECT account_id, amount_fen, status FROM fine_batches WHERE batch_no = $1 FOR UPDATE",
            Backend::Sqlite => "SELECT account_id, amount_fen, status FROM fine_batches WHERE batch_no = $1",
        };
        let row: Option<(i64, i64, String)> = sqlx::query_as(sql)
            .bind(&notice.order_no)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((account_id, amount, status)) = row else {
            return Ok(Settlement::UnknownOrder);
        };
        if amount != notice.amount_fen {
            return Ok(Settlement::AmountMismatch);
        }
        let members: Vec<(i64, i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT id, violation_id, amount_fen, status, receipt_no FROM fine_payments WHERE batch_no = $1 ORDER BY violation_id",
        )
        .bind(&notice.order_no)
        .fetch_all(&mut *tx)
        .await?;
        if status == "paid" {
            let receipt = members.iter().find_map(|m| m.4.clone());
            return Ok(match receipt {
                Some(receipt_no) => Settlement::AlreadyPaid {
                    receipt_no,
                    account_id,
                },
                None => Settlement::RefundDue { account_id },
            });
        }
        sqlx::query(
            "UPDATE fine_batches SET status = 'paid', paid_at = $1, bank_ref = $2 WHERE batch_no = $3",
        )
        .bind(now_ms)
        .bind(&notice.bank_ref)
        .bind(&notice.order_no)
        .execute(&mut *tx)
        .await?;
        let mut first_receipt = None;
        // Each fine's part not settled yet (a part is settled only here).
        for (payment_id, violation_id, amount_fen, _, _) in members
            .into_iter()
            .filter(|m| m.3 == "pending" || m.3 == "expired")
        {
            let member = Member {
                payment_id,
                violation_id,
                account_id,
                amount_fen,
            };
            if let MemberSettled::Paid(receipt_no) = self
                .settle_member_in(&mut tx, &member, notice, now_ms)
                .await?
            {
                first_receipt.get_or_insert(receipt_no);
            }
        }
        tx.commit().await?;
        Ok(match first_receipt {
            Some(receipt_no) => Settlement::Paid {
                receipt_no,
                account_id,
            },
            None => Settlement::RefundDue { account_id },
        })
    }
}

async fn batch_order_in(tx: &mut Tx, batch_no: &str) -> StoreResult<Option<PaymentOrder>> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT amount_fen, status, expires_at FROM fine_batches WHERE batch_no = $1",
    )
    .bind(batch_no)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((amount_fen, status, expires_at)) = row else {
        return Ok(None);
    };
    let first: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT violation_id, receipt_no FROM fine_payments WHERE batch_no = $1 ORDER BY id LIMIT 1",
    )
    .bind(batch_no)
    .fetch_optional(&mut **tx)
    .await?;
    let (violation_id, receipt_no) = first.unwrap_or_default();
    Ok(Some(PaymentOrder {
        order_no: batch_no.to_string(),
        violation_id,
        amount_fen,
        status,
        expires_at,
        receipt_no,
    }))
}
