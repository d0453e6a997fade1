//! Refunds of money paid twice (退款登记) in the store: payments marked
//! `refund_due` and the refund recorded for each (`fine_refunds`).

use super::{port, Store, StoreError};
use app::domain::violation::yuan_text;
use app::domain::Sms;
use app::features::paging::{ListPage, PageRequest};
use app::port_error::constraint;
use app::ports::*;
use async_trait::async_trait;

type RefundRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str =
    "SELECT p.id, p.order_no, v.plate, a.display_name, p.amount_fen, p.paid_at, p.bank_ref,
        r.refunded_at, r.reference, s.police_no";

const REFUNDS: &str = "
     FROM fine_payments p
     JOIN violations v ON v.id = p.violation_id
     JOIN accounts a ON a.id = p.account_id
     LEFT JOIN fine_refunds r ON r.payment_id = p.id
     LEFT JOIN accounts s ON s.id = r.refunded_by
     WHERE p.status = 'refund_due'";

#[async_trait]
impl Refunds for Store {
    async fn refunds(&self, done: bool, page: PageRequest) -> PortResult<ListPage<RefundItem>> {
        port("refunds", async {
            let (which, order) = if done {
                ("r.payment_id IS NOT NULL", "r.refunded_at DESC, p.id DESC")
            } else {
                ("r.payment_id IS NULL", "p.paid_at, p.id")
            };
            let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {REFUNDS} AND {which}"))
                .fetch_one(&self.pool)
                .await?;
            let page = page.within(total);
            let sql =
                format!("{COLUMNS} {REFUNDS} AND {which} ORDER BY {order} LIMIT $1 OFFSET $2");
            let rows: Vec<RefundRow> = sqlx::query_as(&sql)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
            let items = rows
                .into_iter()
                .map(
                    |(id, order_no, plate, payer, amount, paid_at, bank_ref, at, reference, by)| {
                        RefundItem {
                            payment_id: id,
                            order_no,
                            plate,
                            payer,
                            amount_fen: amount,
                            paid_at_ms: paid_at.unwrap_or_default(),
                            bank_ref: bank_ref.unwrap_or_default(),
                            refunded: at.map(|at| {
                                (at, reference.unwrap_or_default(), by.unwrap_or_default())
                            }),
                        }
                    },
                )
                .collect();
            Ok(ListPage::new(items, total, page))
        })
        .await
    }

    async fn record_refund(
        &self,
        payment_id: i64,
        reference: &str,
        actor: &Actor,
    ) -> PortResult<RefundRecorded> {
        port("record_refund", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let due: Option<(String, i64, i64)> = sqlx::query_as(
                "SELECT order_no, amount_fen, account_id FROM fine_payments WHERE id = $1 AND status = 'refund_due'",
            )
            .bind(payment_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((order_no, amount, account_id)) = due else {
                return Ok(RefundRecorded::NotDue);
            };
            let inserted = sqlx::query(
                "INSERT INTO fine_refunds (payment_id, refunded_at, refunded_by, reference) VALUES ($1, $2, $3, $4)",
            )
            .bind(payment_id)
            .bind(now)
            .bind(actor.account_id)
            .bind(reference)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from);
            match inserted {
                Ok(_) => {}
                Err(StoreError::Conflict(constraint::REFUND_ONCE)) => {
                    return Ok(RefundRecorded::AlreadyRecorded)
                }
                Err(e) => return Err(e),
            }
            self.audit_in(
                &mut tx,
                actor,
                "payment.refunded",
                &format!("account:{account_id}"),
                &format!("order {order_no}: {reference}"),
            )
            .await?;
            let sms = Sms::payment_refunded(&order_no, &yuan_text(amount), reference);
            Store::notify_in(&mut tx, account_id, &sms, "/account/violations", now).await?;
            tx.commit().await?;
            Ok(RefundRecorded::Recorded)
        })
        .await
    }
}
