//! Temporary plates (临时号牌) in the store: the new vehicle on record, a
//! dealer's entry, its issue on the buyer's code, withdrawal and
//! revocation, the lists, and the seal of the QR code. Each change is
//! audited; the buyer is told of an issue and a revocation.

use super::query_builder::{Arg, Sql};
use super::rows::{coded, date};
use super::unit_drivers::driver_accounts_in;
use super::{port, Store, StoreResult};
use app::domain::temporary_plate::{
    dotted, may_issue, plate_number, vin_tail, EarlierPlate, PlateState, Standing,
};
use app::domain::{Date, PhoneNumber, ResidentId, Sms, VehicleType};
use app::features::paging::{ListPage, PageRequest};
use app::features::temporary_plates::{check_path, TemporaryPlate};
use app::ports::*;
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The seal's length: 128 bits of the HMAC.
const SEAL_BYTES: usize = 16;
/// A plate left waiting for its buyer this long lapses (is withdrawn) when
/// another entry for the vehicle comes: a dealer who walked away blocks
/// nobody for more than a day.
const AWAITING_LAPSES_MS: i64 = 24 * 3_600_000;

#[derive(sqlx::FromRow)]
struct PlateRow {
    id: i64,
    number: Option<String>,
    dealer_account_id: i64,
    dealer: String,
    vin: String,
    model: String,
    vehicle_type: String,
    buyer_id_number: String,
    buyer_name: String,
    buyer_phone: String,
    valid_from: String,
    valid_until: String,
    state: String,
    entered_at: i64,
    issued_at: Option<i64>,
    revoked_reason: Option<String>,
}

const PLATE_SELECT: &str = "SELECT t.id, t.number, t.dealer_account_id, a.display_name AS dealer,
       t.vin, v.brand AS model, v.vehicle_type, t.buyer_id_number, t.buyer_name,
       t.buyer_phone, t.valid_from, t.valid_until, t.state, t.entered_at, t.issued_at,
       t.revoked_reason
     FROM temporary_plates t
     JOIN accounts a ON a.id = t.dealer_account_id
     JOIN vehicles v ON v.vin = t.vin";

impl Store {
    fn plate_found(&self, row: PlateRow, today: Date) -> StoreResult<PlateFound> {
        let state = coded("plate state", &row.state, PlateState::from_code)?;
        let valid_from = date("valid from", &row.valid_from)?;
        let valid_until = date("valid until", &row.valid_until)?;
        let number = row.number.unwrap_or_default();
        let check = row.issued_at.map(|_| {
            check_path(
                &number,
                &self.seal_of(&number, &row.vin, valid_from, valid_until),
            )
        });
        Ok(PlateFound {
            plate: TemporaryPlate {
                id: row.id,
                number,
                model: row.model,
                vehicle_type: coded("vehicle type", &row.vehicle_type, VehicleType::from_code)?,
                dealer: row.dealer,
                buyer_name: row.buyer_name,
                buyer_id_masked: ResidentId::masked_or_stars(&row.buyer_id_number),
                buyer_phone_masked: PhoneNumber::masked_or_stars(&row.buyer_phone),
                valid_from,
                valid_until,
                state,
                standing: Standing::of(state, valid_from, valid_until, today),
                entered_at_ms: row.entered_at,
                issued_at_ms: row.issued_at,
                revoked_reason: row.revoked_reason,
                check_path: check,
                vin: row.vin,
            },
            dealer_account_id: row.dealer_account_id,
            buyer_id_number: row.buyer_id_number,
            buyer_phone: row.buyer_phone,
        })
    }

    fn plates(&self, rows: Vec<PlateRow>, today: Date) -> StoreResult<Vec<TemporaryPlate>> {
        rows.into_iter()
            .map(|r| self.plate_found(r, today).map(|f| f.plate))
            .collect()
    }

    /// HMAC-SHA256 under the server's secret, domain-separated from the SMS
    /// codes' (whose messages start with a phone number), 128 bits in hex.
    fn seal_of(&self, number: &str, vin: &str, from: Date, until: Date) -> String {
        let mac = self.seal_mac(number, vin, from, until);
        hex::encode(&mac.finalize().into_bytes()[..SEAL_BYTES])
    }

    fn seal_mac(&self, number: &str, vin: &str, from: Date, until: Date) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.sms_code_key)
            .expect("HMAC takes a key of any length");
        mac.update(format!("temporary_plate|{number}|{vin}|{from}|{until}").as_bytes());
        mac
    }

    async fn plate_in(&self, tx: &mut super::Tx, id: i64) -> StoreResult<Option<PlateRow>> {
        Ok(sqlx::query_as(&format!("{PLATE_SELECT} WHERE t.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// Moves the plate from `from` to `to` (stamping `issued_at` or
    /// `ended_at`, keeping a revocation's reason) and audits it, in a write
    /// transaction handed back with the plate for what goes with it; None
    /// when it was not in `from` any more.
    async fn moved_plate(
        &self,
        id: i64,
        from: PlateState,
        to: PlateState,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Option<(super::Tx, PlateRow)>> {
        let mut tx = self.begin_write().await?;
        let stamp = if to == PlateState::Issued {
            "issued_at"
        } else {
            "ended_at"
        };
        let moved = sqlx::query(&format!(
            "UPDATE temporary_plates SET state = $1, {stamp} = $2, revoked_reason = $3
             WHERE id = $4 AND state = $5"
        ))
        .bind(to.code())
        .bind(self.clock.now_ms())
        .bind(reason)
        .bind(id)
        .bind(from.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(None);
        }
        let row = self.plate_in(&mut tx, id).await?.expect("moved above");
        let action = match to {
            PlateState::Issued => "temporary_plate.issue",
            PlateState::Revoked => "temporary_plate.revoke",
            PlateState::Withdrawn | PlateState::AwaitingBuyer => "temporary_plate.withdraw",
        };
        let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
        self.audit_in(
            &mut tx,
            actor,
            action,
            &format!("account:{}", row.dealer_account_id),
            &format!(
                "{} for VIN {}{why}",
                row.number.as_deref().unwrap_or_default(),
                row.vin
            ),
        )
        .await?;
        Ok(Some((tx, row)))
    }

    /// Tells the buyer, in their messages (if they have an account) and by
    /// SMS to the phone the dealer entered.
    async fn tell_buyer(&self, tx: &mut super::Tx, row: &PlateRow, sms: &Sms) -> StoreResult<()> {
        let now = self.clock.now_ms();
        let accounts = driver_accounts_in(tx, &row.buyer_id_number).await?;
        Store::message_in(tx, &accounts, sms, "/account/temporary-plates", now).await?;
        Store::sms_in(tx, &row.buyer_phone, sms, now).await
    }
}

#[async_trait]
impl TemporaryPlates for Store {
    async fn vehicle(&self, vin: &str) -> PortResult<Option<VehicleOnRecord>> {
        port("temporary_plate_vehicle", async {
            type Row = (String, String, String, Option<String>, String, String, Option<String>, Option<String>);
            let row: Option<Row> =
                sqlx::query_as(
                    "SELECT v.vin, v.brand, v.vehicle_type, v.plate, v.owner_kind, v.owner_id, p.name, p.phone
                     FROM vehicles v
                     LEFT JOIN persons p ON v.owner_kind = 'person' AND p.id_number = v.owner_id
                     WHERE v.vin = $1",
                )
                .bind(vin)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|(vin, model, kind, plate, owner_kind, owner_id, name, phone)| {
                Ok(VehicleOnRecord {
                    vin,
                    model,
                    vehicle_type: coded("vehicle type", &kind, VehicleType::from_code)?,
                    plate,
                    owner_id_number: (owner_kind == "person").then_some(owner_id),
                    owner_name: name,
                    owner_phone: phone,
                })
            })
            .transpose()
        })
        .await
    }

    async fn enter(
        &self,
        new: &NewTemporaryPlate,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Result<i64, (String, String)>> {
        port("enter_temporary_plate", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            // The vehicle's plates are read and added to under its lock, so
            // two dealers cannot both pass the rules.
            self.lock_keys(&mut tx, &[&format!("temporary-plate:{}", new.vin)])
                .await?;
            sqlx::query(
                "UPDATE temporary_plates SET state = 'withdrawn', ended_at = $1
                 WHERE vin = $2 AND state = 'awaiting_buyer' AND entered_at < $3",
            )
            .bind(now)
            .bind(&new.vin)
            .bind(now - AWAITING_LAPSES_MS)
            .execute(&mut *tx)
            .await?;
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT state, valid_until FROM temporary_plates WHERE vin = $1 ORDER BY id",
            )
            .bind(&new.vin)
            .fetch_all(&mut *tx)
            .await?;
            let earlier = rows
                .into_iter()
                .map(|(state, until)| {
                    Ok(EarlierPlate {
                        state: coded("plate state", &state, PlateState::from_code)?,
                        valid_until: date("valid until", &until)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            if let Err(rule) = may_issue(&earlier, today) {
                tx.rollback().await?;
                return Ok(Err(rule));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO temporary_plates (dealer_account_id, operator_id, vin,
                   buyer_id_number, buyer_name, buyer_phone, valid_from, valid_until, state,
                   entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_buyer', $9)
                 RETURNING id",
            )
            .bind(new.dealer_account_id)
            .bind(actor.operator_id)
            .bind(&new.vin)
            .bind(&new.buyer_id_number)
            .bind(&new.buyer_name)
            .bind(&new.buyer_phone)
            .bind(new.valid_from.to_string())
            .bind(new.valid_until.to_string())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let number = plate_number(&new.prefix, id);
            sqlx::query("UPDATE temporary_plates SET number = $1 WHERE id = $2")
                .bind(&number)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            self.audit_in(
                &mut tx,
                actor,
                "temporary_plate.enter",
                &format!("account:{}", new.dealer_account_id),
                &format!(
                    "{number} for VIN {} buyer {}, {} to {}",
                    new.vin, new.buyer_id_number, new.valid_from, new.valid_until
                ),
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(id))
        })
        .await
    }

    async fn plate(&self, id: i64, today: Date) -> PortResult<Option<PlateFound>> {
        port("temporary_plate", async {
            let row: Option<PlateRow> = sqlx::query_as(&format!("{PLATE_SELECT} WHERE t.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| self.plate_found(r, today)).transpose()
        })
        .await
    }

    async fn by_number(&self, number: &str, today: Date) -> PortResult<Option<PlateFound>> {
        port("temporary_plate_by_number", async {
            let row: Option<PlateRow> =
                sqlx::query_as(&format!("{PLATE_SELECT} WHERE t.number = $1"))
                    .bind(number)
                    .fetch_optional(&self.pool)
                    .await?;
            row.map(|r| self.plate_found(r, today)).transpose()
        })
        .await
    }

    async fn issue(&self, id: i64, actor: &Actor) -> PortResult<bool> {
        port("issue_temporary_plate", async {
            let moved = self
                .moved_plate(
                    id,
                    PlateState::AwaitingBuyer,
                    PlateState::Issued,
                    None,
                    actor,
                )
                .await?;
            let Some((mut tx, row)) = moved else {
                return Ok(false);
            };
            let told = Sms::temporary_plate_issued(
                &row.dealer,
                vin_tail(&row.vin),
                &dotted(row.number.as_deref().unwrap_or_default()),
                &row.valid_from,
                &row.valid_until,
            );
            self.tell_buyer(&mut tx, &row, &told).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn withdraw(&self, id: i64, actor: &Actor) -> PortResult<bool> {
        port("withdraw_temporary_plate", async {
            let moved = self
                .moved_plate(
                    id,
                    PlateState::AwaitingBuyer,
                    PlateState::Withdrawn,
                    None,
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

    async fn revoke(&self, id: i64, reason: &str, actor: &Actor) -> PortResult<bool> {
        port("revoke_temporary_plate", async {
            let moved = self
                .moved_plate(
                    id,
                    PlateState::Issued,
                    PlateState::Revoked,
                    Some(reason),
                    actor,
                )
                .await?;
            let Some((mut tx, row)) = moved else {
                return Ok(false);
            };
            let told = Sms::temporary_plate_revoked(
                &dotted(row.number.as_deref().unwrap_or_default()),
                &row.dealer,
                reason,
            );
            self.tell_buyer(&mut tx, &row, &told).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn dealer_plates(
        &self,
        account_id: i64,
        query: Option<&str>,
        today: Date,
        page: PageRequest,
    ) -> PortResult<ListPage<TemporaryPlate>> {
        port("dealer_temporary_plates", async {
            let query = query.unwrap_or_default();
            let matches = "($2 = '' OR t.number = $2 OR t.vin = $2 OR t.buyer_id_number = $2)";
            let total: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM temporary_plates t WHERE t.dealer_account_id = $1 AND {matches}"
            ))
            .bind(account_id)
            .bind(query)
            .fetch_one(&self.pool)
            .await?;
            let page = page.within(total);
            let mut sql = Sql::default();
            let account = sql.arg(Arg::I(account_id));
            let q = sql.arg(Arg::S(query.to_string()));
            let (limit, offset) = (
                sql.arg(Arg::I(page.limit())),
                sql.arg(Arg::I(page.offset())),
            );
            sql.push(&format!(
                "{PLATE_SELECT} WHERE t.dealer_account_id = {account}
                 AND ({q} = '' OR t.number = {q} OR t.vin = {q} OR t.buyer_id_number = {q})
                 ORDER BY t.id DESC LIMIT {limit} OFFSET {offset}"
            ));
            let rows: Vec<PlateRow> = sql.query_as().fetch_all(&self.pool).await?;
            Ok(ListPage::new(self.plates(rows, today)?, total, page))
        })
        .await
    }

    async fn buyer_plates(&self, id_number: &str, today: Date) -> PortResult<Vec<TemporaryPlate>> {
        port("buyer_temporary_plates", async {
            let rows: Vec<PlateRow> = sqlx::query_as(&format!(
                "{PLATE_SELECT} WHERE t.buyer_id_number = $1 AND t.issued_at IS NOT NULL
                 ORDER BY t.id DESC LIMIT 20"
            ))
            .bind(id_number)
            .fetch_all(&self.pool)
            .await?;
            self.plates(rows, today)
        })
        .await
    }

    fn seal_matches(&self, plate: &TemporaryPlate, seal: &str) -> bool {
        let Ok(bytes) = hex::decode(seal) else {
            return false;
        };
        self.seal_mac(
            &plate.number,
            &plate.vin,
            plate.valid_from,
            plate.valid_until,
        )
        .verify_truncated_left(&bytes)
        .is_ok()
            && bytes.len() == SEAL_BYTES
    }
}
