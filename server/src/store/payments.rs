//! Fine payments (罚款缴纳) in the store: payment orders, the bank's
//! settlement notice, receipts (缴款凭证). One open and one paid order per
//! violation (partial unique indexes); a payment that arrives after the
//! fine was settled is marked for refund, never applied twice.

use super::{port, Store, StoreResult, Tx};
use crate::db::Backend;
use app::domain::{Date, ViolationStatus};
use app::policy::PAYMENT_ORDER_TTL_SECS;
use app::ports::*;
use async_trait::async_trait;

/// A payment order (缴款订单) as stored.
#[derive(sqlx::FromRow)]
struct OrderRow {
    order_no: String,
    violation_id: i64,
    amount_fen: i64,
    status: String,
    expires_at: i64,
    receipt_no: Option<String>,
}

impl From<OrderRow> for PaymentOrder {
    fn from(row: OrderRow) -> PaymentOrder {
        PaymentOrder {
            order_no: row.order_no,
            violation_id: row.violation_id,
            amount_fen: row.amount_fen,
            status: row.status,
            expires_at: row.expires_at,
            receipt_no: row.receipt_no,
        }
    }
}

/// A paid order with its violation and payer, for the receipt.
#[derive(sqlx::FromRow)]
struct ReceiptRow {
    receipt_no: String,
    order_no: String,
    decision_no: Option<String>,
    plate: String,
    code: String,
    description: String,
    occurred_at: i64,
    place: String,
    fine_fen: i64,
    surcharge_fen: i64,
    amount_fen: i64,
    paid_at: Option<i64>,
    bank_ref: Option<String>,
    display_name: String,
    batch_no: Option<String>,
}

impl From<ReceiptRow> for Receipt {
    fn from(row: ReceiptRow) -> Receipt {
        Receipt {
            receipt_no: row.receipt_no,
            order_no: row.order_no,
            decision_no: row.decision_no.unwrap_or_default(),
            plate: row.plate,
            violation_code: row.code,
            description: row.description,
            occurred_at_ms: row.occurred_at,
            place: row.place,
            fine_fen: row.fine_fen,
            surcharge_fen: row.surcharge_fen,
            amount_fen: row.amount_fen,
            paid_at_ms: row.paid_at.unwrap_or_default(),
            bank_ref: row.bank_ref.unwrap_or_default(),
            payer: row.display_name,
            same_order: Vec::new(),
            verify_url: None,
            qr_svg: None,
        }
    }
}

#[async_trait]
impl FinePayments for Store {
    async fn open_payment(
        &self,
        account_id: i64,
        violation_id: i64,
        fine_fen: i64,
        surcharge_fen: i64,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, PayRejection>> {
        port("open_payment", async {
            let amount = fine_fen + surcharge_fen;
            let mut tx = self.begin_write().await?;
            self.lock_violation(&mut tx, violation_id).await?;
            let (status, fine): (String, i64) =
                sqlx::query_as("SELECT status, fine_yuan FROM violations WHERE id = $1")
                    .bind(violation_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let fine = fine.clamp(0, u32::MAX as i64) as u32;
            match ViolationStatus::from_code(&status).map(|s| s.with_fine(fine)) {
                Some(ViolationStatus::HandledUnpaid) => {}
                Some(ViolationStatus::Done) => return Ok(Err(PayRejection::NothingToPay)),
                Some(ViolationStatus::Paid) => {
                    let receipt_no: Option<String> = sqlx::query_scalar(
                        "SELECT receipt_no FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
                    )
                    .bind(violation_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .flatten();
                    return Ok(Err(PayRejection::AlreadyPaid { receipt_no }));
                }
                _ => return Ok(Err(PayRejection::NotHandledYet)),
            }
            let open: Option<PaymentOrder> = sqlx::query_as::<_, OrderRow>(
                "SELECT order_no, violation_id, amount_fen, status, expires_at, receipt_no
                 FROM fine_payments WHERE violation_id = $1 AND status = 'pending'",
            )
            .bind(violation_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(Into::into);
            if let Some(order) = open {
                // A fine's part of a combined order is that order's: paying
                // the fine alone closes it and opens the fine's own.
                let in_batch: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM fine_payments WHERE order_no = $1 AND batch_no IS NOT NULL",
                )
                .bind(&order.order_no)
                .fetch_one(&mut *tx)
                .await?;
                if in_batch == 0 && order.expires_at > now_ms && order.amount_fen == amount {
                    tx.commit().await?;
                    return Ok(Ok(order));
                }
                // Stale (expired, or the surcharge grew): a new order replaces
                // it. A late bank payment of the old one is still accepted.
                sqlx::query("UPDATE fine_payments SET status = 'expired' WHERE order_no = $1 AND status = 'pending'")
                    .bind(&order.order_no)
                    .execute(&mut *tx)
                    .await?;
            }
            let order_no = format!(
                "FK{}{:06}{:04}",
                Date::from_unix_seconds(now_ms.div_euclid(1000), 8)
                    .to_iso()
                    .replace('-', ""),
                violation_id % 1_000_000,
                rand::random::<u16>() % 10_000
            );
            let expires_at = now_ms + PAYMENT_ORDER_TTL_SECS * 1000;
            sqlx::query(
                "INSERT INTO fine_payments (order_no, violation_id, account_id, fine_fen, surcharge_fen, amount_fen, status, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)",
            )
            .bind(&order_no)
            .bind(violation_id)
            .bind(account_id)
            .bind(fine_fen)
            .bind(surcharge_fen)
            .bind(amount)
            .bind(now_ms)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "payment.open",
                &format!("violation:{violation_id}"),
                &format!("order {order_no}, {amount} fen"),
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(PaymentOrder {
                order_no,
                violation_id,
                amount_fen: amount,
                status: "pending".into(),
                expires_at,
                receipt_no: None,
            }))
        })
        .await
    }

    async fn open_batch(
        &self,
        account_id: i64,
        fines: &[FineDue],
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, BatchRejection>> {
        port(
            "open_batch",
            self.open_batch_in(account_id, fines, now_ms, actor),
        )
        .await
    }

    async fn payment_order(&self, order_no: &str) -> PortResult<Option<PaymentOrder>> {
        port("payment_order", async {
            let row: Option<OrderRow> = sqlx::query_as(
                "SELECT order_no, violation_id, amount_fen, status, expires_at, receipt_no FROM fine_payments
                 WHERE order_no = $1 AND batch_no IS NULL",
            )
            .bind(order_no)
            .fetch_optional(&self.pool)
            .await?;
            match row {
                Some(row) => Ok(Some(row.into())),
                None => self.batch_order(order_no).await,
            }
        })
        .await
    }

    /// Records a verified gateway notice (idempotent).
    async fn settle_payment(&self, notice: &PaymentNotice, now_ms: i64) -> PortResult<Settlement> {
        port("settle_payment", async {
            let mut tx = self.begin_write().await?;
            let sql = match self.backend {
                // A fine's part of a combined order is settled only with that
                // order (its number is not the gateway's).
                Backend::Postgres => "SELECT id, violation_id, account_id, amount_fen, status, receipt_no FROM fine_payments WHERE order_no = $1 AND batch_no IS NULL FOR UPDATE",
                Backend::Sqlite => "SELECT id, violation_id, account_id, amount_fen, status, receipt_no FROM fine_payments WHERE order_no = $1 AND batch_no IS NULL",
            };
            let row: Option<(i64, i64, i64, i64, String, Option<String>)> = sqlx::query_as(sql)
                .bind(&notice.order_no)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((payment_id, violation_id, account_id, amount, status, receipt_no)) = row else {
                // Not one fine's order: several fines' (合并缴款), or none.
                return self.settle_batch_in(tx, notice, now_ms).await;
            };
            if amount != notice.amount_fen {
                return Ok(Settlement::AmountMismatch);
            }
            match status.as_str() {
                "paid" => {
                    return Ok(Settlement::AlreadyPaid {
                        receipt_no: receipt_no.unwrap_or_default(),
                        account_id,
                    })
                }
                "refund_due" => return Ok(Settlement::RefundDue { account_id }),
                _ => {}
            }
            let member = Member {
                payment_id,
                violation_id,
                account_id,
                amount_fen: amount,
            };
            let settled = self.settle_member_in(&mut tx, &member, notice, now_ms).await?;
            tx.commit().await?;
            Ok(match settled {
                MemberSettled::Paid(receipt_no) => Settlement::Paid {
                    receipt_no,
                    account_id,
                },
                MemberSettled::RefundDue => Settlement::RefundDue { account_id },
            })
        })
        .await
    }

    async fn receipt(&self, account_id: i64, receipt_no: &str) -> PortResult<Option<Receipt>> {
        port("receipt", async {
            let row: Option<ReceiptRow> = sqlx::query_as(
                "SELECT p.receipt_no, p.order_no, x.decision_no, x.plate, x.code, x.description, x.occurred_at,
                        x.place, p.fine_fen, p.surcharge_fen, p.amount_fen, p.paid_at, p.bank_ref, a.display_name,
                        p.batch_no
                 FROM fine_payments p
                 JOIN violations x ON x.id = p.violation_id
                 JOIN accounts a ON a.id = p.account_id
                 WHERE p.receipt_no = $1 AND p.status = 'paid'
                   AND (p.account_id = $2 OR EXISTS (
                        SELECT 1 FROM vehicle_bindings b WHERE b.account_id = $2 AND b.vehicle_id = x.vehicle_id))",
            )
            .bind(receipt_no)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let batch_no = row.batch_no.clone();
            let mut receipt = Receipt::from(row);
            if let Some(batch_no) = batch_no {
                // The order's other fines, shown only to the payer (an
                // owner who sees this receipt through a binding does not
                // see the payer's other vehicles).
                let others: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT p.receipt_no, x.plate, p.amount_fen
                     FROM fine_payments p JOIN violations x ON x.id = p.violation_id
                     WHERE p.batch_no = $1 AND p.status = 'paid' AND p.receipt_no <> $2
                       AND p.account_id = $3
                     ORDER BY p.violation_id",
                )
                .bind(&batch_no)
                .bind(&receipt.receipt_no)
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
                receipt.same_order = others
                    .into_iter()
                    .map(|(receipt_no, plate, amount_fen)| PaidWithIt {
                        receipt_no,
                        plate,
                        amount_fen,
                    })
                    .collect();
            }
            Ok(Some(receipt))
        })
        .await
    }
}

/// One fine's row of an order (a single order's only row, or one of a
/// combined order's).
pub(super) struct Member {
    pub(super) payment_id: i64,
    pub(super) violation_id: i64,
    pub(super) account_id: i64,
    pub(super) amount_fen: i64,
}

/// What settling one fine's row came to.
pub(super) enum MemberSettled {
    Paid(String),
    RefundDue,
}

impl Store {
    /// Settles one fine's row in the caller's transaction: paid with its
    /// receipt, or, when another order paid that fine first, kept as money
    /// to refund. The account is told either way.
    pub(super) async fn settle_member_in(
        &self,
        tx: &mut Tx,
        m: &Member,
        notice: &PaymentNotice,
        now_ms: i64,
    ) -> StoreResult<MemberSettled> {
        let gateway = Actor {
            account_id: None,
            ip: "payment-gateway".into(),
            operator_id: None,
            api_key: None,
        };
        self.lock_violation(tx, m.violation_id).await?;
        let paid_elsewhere = sqlx::query(
            "SELECT 1 AS one FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
        )
        .bind(m.violation_id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
        if paid_elsewhere {
            sqlx::query(
                    "UPDATE fine_payments SET status = 'refund_due', paid_at = $1, bank_ref = $2 WHERE id = $3",
                )
                .bind(now_ms)
                .bind(&notice.bank_ref)
                .bind(m.payment_id)
                .execute(&mut **tx)
                .await?;
            self.audit_in(
                tx,
                &gateway,
                "payment.refund_due",
                &format!("violation:{}", m.violation_id),
                &format!(
                    "order {} paid after the fine was settled; bank ref {}",
                    notice.order_no, notice.bank_ref
                ),
            )
            .await?;
            Store::notify_in(
                tx,
                m.account_id,
                &app::domain::Sms::payment_refund_due(
                    &notice.order_no,
                    &app::domain::violation::yuan_text(m.amount_fen),
                ),
                "/account/violations",
                now_ms,
            )
            .await?;
            return Ok(MemberSettled::RefundDue);
        }
        let receipt_no = format!(
            "JK{}{:08}",
            Date::from_unix_seconds(now_ms.div_euclid(1000), 8)
                .to_iso()
                .replace('-', ""),
            m.payment_id
        );
        sqlx::query(
            "UPDATE fine_payments SET status = 'paid', paid_at = $1, bank_ref = $2, receipt_no = $3
                 WHERE id = $4 AND status IN ('pending', 'expired')",
        )
        .bind(now_ms)
        .bind(&notice.bank_ref)
        .bind(&receipt_no)
        .bind(m.payment_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
                "UPDATE violations SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'handled_unpaid'",
            )
            .bind(now_ms)
            .bind(m.violation_id)
            .execute(&mut **tx)
            .await?;
        self.audit_in(
            tx,
            &gateway,
            "payment.paid",
            &format!("violation:{}", m.violation_id),
            &format!(
                "order {}, receipt {receipt_no}, bank ref {}",
                notice.order_no, notice.bank_ref
            ),
        )
        .await?;
        Store::notify_in(
            tx,
            m.account_id,
            &app::domain::Sms::fine_paid(
                &app::domain::violation::yuan_text(m.amount_fen),
                &receipt_no,
            ),
            &format!("/account/receipts/{receipt_no}"),
            now_ms,
        )
        .await?;
        Ok(MemberSettled::Paid(receipt_no))
    }
}
