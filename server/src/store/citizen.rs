//! Citizen services in the store: bindings, the holder's registry view,
//! violation decisions, fine payments and the message centre.
//!
//! Every change is one transaction with its audit record and notification.
//! Scarce or once-only things are guarded by the database: the three slots
//! for vehicles not in the holder's name (unique + CHECK), one open and one
//! paid order per violation (partial unique indexes), conditional updates
//! for every status change.

use super::{db_error, Store};
use crate::db::Backend;
use app::domain::binding::{owner_told_of_binding, owner_told_of_handling};
use app::domain::violation::{decision_number, status_once_handled};
use app::domain::{
    BindingKind, Date, LicenceClass, LicenceStatus, VehicleStatus, VehicleType, ViolationStatus,
};
use app::policy::PAYMENT_ORDER_TTL_SECS;
use app::ports::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Row, Transaction};

type Tx = Transaction<'static, sqlx::Any>;

/// SMS signature of the city's traffic police.
pub(super) const SMS_SIGNATURE: &str = "【石家庄交警】";

impl Store {
    /// Tells the account holder: a message-centre entry and an SMS to the
    /// account's phone, inside the caller's transaction.
    pub(crate) async fn notify_in(
        tx: &mut Tx,
        account_id: i64,
        title: &str,
        body: &str,
        link: &str,
        now_ms: i64,
    ) -> PortResult<()> {
        sqlx::query(
            "INSERT INTO messages (account_id, created_at, title, body, link) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account_id)
        .bind(now_ms)
        .bind(title)
        .bind(body)
        .bind(link)
        .execute(&mut **tx)
        .await
        .map_err(db_error("write message"))?;
        let phone: Option<String> = sqlx::query("SELECT phone FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error("load account phone"))?
            .map(|r| r.try_get("phone"))
            .transpose()
            .map_err(db_error("read account phone"))?;
        if let Some(phone) = phone.filter(|p| !p.is_empty()) {
            sqlx::query("INSERT INTO sms_outbox (phone, body, created_at) VALUES ($1, $2, $3)")
                .bind(phone)
                .bind(format!("{SMS_SIGNATURE}{body}"))
                .bind(now_ms)
                .execute(&mut **tx)
                .await
                .map_err(db_error("queue notification sms"))?;
        }
        Ok(())
    }

    /// On PostgreSQL, locks one row for the rest of the transaction (SQLite
    /// write transactions are already serialised by the write gate).
    async fn lock_row(&self, tx: &mut Tx, table: &'static str, id: i64) -> PortResult<()> {
        if self.backend == Backend::Postgres {
            sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_error("lock row"))?;
        }
        Ok(())
    }
}

fn date_opt(row: &AnyRow, column: &str) -> Result<Option<Date>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(column)?
        .as_deref()
        .and_then(Date::parse_iso))
}

fn date_req(row: &AnyRow, column: &str) -> Result<Date, sqlx::Error> {
    date_opt(row, column)?
        .ok_or_else(|| sqlx::Error::ColumnNotFound(format!("{column} (bad date)")))
}

fn coded<T>(row: &AnyRow, column: &str, from: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    let code: String = row.try_get(column)?;
    from(&code)
        .ok_or_else(|| sqlx::Error::ColumnNotFound(format!("{column} (unknown code {code})")))
}

fn binding_kind(row: &AnyRow) -> Result<BindingKind, sqlx::Error> {
    Ok(if row.try_get::<i64, _>("own")? == 1 {
        BindingKind::Own
    } else {
        BindingKind::NonOwn
    })
}

fn registry_vehicle(row: &AnyRow) -> Result<RegistryVehicle, sqlx::Error> {
    let owner_id: String = row.try_get("owner_id")?;
    Ok(RegistryVehicle {
        id: row.try_get("id")?,
        plate: row.try_get("plate")?,
        vin: row.try_get("vin")?,
        vehicle_type: coded(row, "vehicle_type", VehicleType::from_code)?,
        owner: if row.try_get::<String, _>("owner_kind")? == "person" {
            OwnerKey::Person(owner_id)
        } else {
            OwnerKey::Organisation(owner_id)
        },
        owner_phone: row.try_get("phone")?,
    })
}

fn violation_item(row: &AnyRow) -> Result<ViolationItem, sqlx::Error> {
    let fine_yuan = row
        .try_get::<i64, _>("fine_yuan")?
        .clamp(0, u32::MAX as i64) as u32;
    Ok(ViolationItem {
        id: row.try_get("id")?,
        vehicle_id: row.try_get("vehicle_id")?,
        plate: row.try_get("plate")?,
        vehicle_type: coded(row, "vehicle_type", VehicleType::from_code)?,
        binding: binding_kind(row)?,
        occurred_at_ms: row.try_get("occurred_at")?,
        place: row.try_get("place")?,
        recorded_province: row.try_get("recorded_province")?,
        code: row.try_get("code")?,
        description: row.try_get("description")?,
        fine_yuan,
        points: row.try_get::<i64, _>("points")?.clamp(0, 12) as u8,
        status: coded(row, "status", ViolationStatus::from_code)?.with_fine(fine_yuan),
        decided_on: date_opt(row, "decided_on")?,
        decision_no: row.try_get("decision_no")?,
        receipt_no: row.try_get("receipt_no")?,
    })
}

fn payment_order(row: &AnyRow) -> Result<PaymentOrder, sqlx::Error> {
    Ok(PaymentOrder {
        order_no: row.try_get("order_no")?,
        violation_id: row.try_get("violation_id")?,
        amount_fen: row.try_get("amount_fen")?,
        status: row.try_get("status")?,
        expires_at: row.try_get("expires_at")?,
        receipt_no: row.try_get("receipt_no")?,
    })
}

const VEHICLE_COLUMNS: &str = "id, plate, vin, vehicle_type, owner_kind, owner_id, phone";

const VIOLATION_SELECT: &str = "SELECT x.id, x.vehicle_id, x.plate, v.vehicle_type, b.own, x.occurred_at, x.place,
        x.recorded_province, x.code, x.description, x.fine_yuan, x.points, x.status, x.decided_on,
        x.decision_no,
        (SELECT p.receipt_no FROM fine_payments p WHERE p.violation_id = x.id AND p.status = 'paid') AS receipt_no
     FROM vehicle_bindings b
     JOIN vehicles v ON v.id = b.vehicle_id
     JOIN violations x ON x.vehicle_id = v.id
     WHERE b.account_id = $1";

#[async_trait]
impl Bindings for Store {
    async fn account_owner(&self, account_id: i64) -> PortResult<Option<OwnerKey>> {
        let row = sqlx::query("SELECT kind, id_number, credit_code FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error("load account owner"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<Option<OwnerKey>, sqlx::Error> {
            let kind: String = row.try_get("kind")?;
            Ok(match kind.as_str() {
                "individual" => row
                    .try_get::<Option<String>, _>("id_number")?
                    .map(OwnerKey::Person),
                "unit" => row
                    .try_get::<Option<String>, _>("credit_code")?
                    .map(OwnerKey::Organisation),
                _ => None,
            })
        };
        read().map_err(db_error("read account owner"))
    }

    async fn bound_vehicles(&self, account_id: i64) -> PortResult<Vec<MyVehicle>> {
        let rows = sqlx::query(
            "SELECT v.id, v.plate, v.vehicle_type, v.brand, v.colour, v.status, v.inspection_due, b.own,
                    (SELECT COUNT(*) FROM violations x WHERE x.vehicle_id = v.id AND x.status = 'unhandled') AS unhandled
             FROM vehicle_bindings b JOIN vehicles v ON v.id = b.vehicle_id
             WHERE b.account_id = $1
             ORDER BY b.bound_at, b.id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list bound vehicles"))?;
        rows.iter()
            .map(|row| {
                Ok(MyVehicle {
                    vehicle_id: row.try_get("id")?,
                    plate: row
                        .try_get::<Option<String>, _>("plate")?
                        .unwrap_or_default(),
                    vehicle_type: coded(row, "vehicle_type", VehicleType::from_code)?,
                    brand: row.try_get("brand")?,
                    colour: row.try_get("colour")?,
                    status: coded(row, "status", VehicleStatus::from_code)?,
                    inspection_due: date_opt(row, "inspection_due")?,
                    binding: binding_kind(row)?,
                    unhandled_violations: row.try_get("unhandled")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_error("read bound vehicle"))
    }

    async fn unbound_own_vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
    ) -> PortResult<Vec<UnboundVehicle>> {
        let (kind, id) = match owner {
            OwnerKey::Person(id) => ("person", id),
            OwnerKey::Organisation(code) => ("organisation", code),
        };
        let rows = sqlx::query(
            "SELECT v.id, v.plate, v.vehicle_type, v.brand FROM vehicles v
             WHERE v.owner_kind = $1 AND v.owner_id = $2 AND v.plate IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM vehicle_bindings b WHERE b.account_id = $3 AND b.vehicle_id = v.id)
             ORDER BY v.id",
        )
        .bind(kind)
        .bind(id)
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list own vehicles"))?;
        rows.iter()
            .map(|row| {
                Ok(UnboundVehicle {
                    vehicle_id: row.try_get("id")?,
                    plate: row.try_get("plate")?,
                    vehicle_type: coded(row, "vehicle_type", VehicleType::from_code)?,
                    brand: row.try_get("brand")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_error("read own vehicle"))
    }

    async fn vehicle_by_plate(
        &self,
        plate: &app::domain::PlateNumber,
    ) -> PortResult<Option<RegistryVehicle>> {
        sqlx::query(&format!(
            "SELECT {VEHICLE_COLUMNS} FROM vehicles WHERE plate = $1"
        ))
        .bind(plate.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("find vehicle by plate"))?
        .as_ref()
        .map(registry_vehicle)
        .transpose()
        .map_err(db_error("read vehicle"))
    }

    async fn vehicle_by_id(&self, vehicle_id: i64) -> PortResult<Option<RegistryVehicle>> {
        sqlx::query(&format!(
            "SELECT {VEHICLE_COLUMNS} FROM vehicles WHERE id = $1"
        ))
        .bind(vehicle_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("find vehicle"))?
        .as_ref()
        .map(registry_vehicle)
        .transpose()
        .map_err(db_error("read vehicle"))
    }

    async fn bind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        // Concurrent requests may race for the same free slot; the unique
        // (account, slot) constraint lets one win and the other looks again.
        let mut bound = false;
        for _ in 0..4 {
            let slot: Option<i64> = match kind {
                BindingKind::Own => None,
                BindingKind::NonOwn => {
                    let taken: Vec<i64> = sqlx::query(
                        "SELECT non_own_slot FROM vehicle_bindings WHERE account_id = $1 AND non_own_slot IS NOT NULL",
                    )
                    .bind(account_id)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_error("list binding slots"))?
                    .iter()
                    .map(|r| r.try_get("non_own_slot"))
                    .collect::<Result<_, _>>()
                    .map_err(db_error("read binding slot"))?;
                    match (1..=3).find(|s| !taken.contains(s)) {
                        Some(s) => Some(s),
                        None => return Ok(Err(BindRejection::NonOwnSlotsFull)),
                    }
                }
            };
            let inserted = sqlx::query(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(account_id)
            .bind(vehicle_id)
            .bind(i64::from(kind == BindingKind::Own))
            .bind(slot)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error("bind vehicle"))?
            .rows_affected();
            if inserted == 1 {
                bound = true;
                break;
            }
            let exists = sqlx::query(
                "SELECT 1 AS one FROM vehicle_bindings WHERE account_id = $1 AND vehicle_id = $2",
            )
            .bind(account_id)
            .bind(vehicle_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error("check binding"))?;
            if exists.is_some() {
                return Ok(Err(BindRejection::AlreadyBound));
            }
        }
        if !bound {
            return Ok(Err(BindRejection::NonOwnSlotsFull));
        }
        let plate: Option<String> = sqlx::query("SELECT plate FROM vehicles WHERE id = $1")
            .bind(vehicle_id)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("plate"))
            .map_err(db_error("load plate"))?;
        let plate = plate.unwrap_or_default();
        let how = match kind {
            BindingKind::Own => "own",
            BindingKind::NonOwn => "non_own",
        };
        Store::audit_in(
            &mut tx,
            actor,
            "vehicle.bind",
            &format!("account:{account_id}"),
            &format!("vehicle {vehicle_id} {plate} ({how})"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "机动车绑定成功",
            &format!("您已成功绑定机动车{plate}，可以在网上办理该车的相关业务。"),
            "/account/vehicles",
            now,
        )
        .await?;
        if kind == BindingKind::NonOwn {
            let binder = Store::account_name_in(&mut tx, account_id).await?;
            Store::tell_owner_in(
                &mut tx,
                vehicle_id,
                "您名下的机动车已被他人绑定",
                &owner_told_of_binding(&binder, &plate),
                now,
            )
            .await?;
        }
        tx.commit().await.map_err(db_error("commit binding"))?;
        Ok(Ok(()))
    }

    async fn unbind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        actor: &Actor,
    ) -> PortResult<bool> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let removed =
            sqlx::query("DELETE FROM vehicle_bindings WHERE account_id = $1 AND vehicle_id = $2")
                .bind(account_id)
                .bind(vehicle_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error("unbind vehicle"))?
                .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        let plate: Option<String> = sqlx::query("SELECT plate FROM vehicles WHERE id = $1")
            .bind(vehicle_id)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get("plate"))
            .map_err(db_error("load plate"))?;
        let plate = plate.unwrap_or_default();
        Store::audit_in(
            &mut tx,
            actor,
            "vehicle.unbind",
            &format!("account:{account_id}"),
            &format!("vehicle {vehicle_id} {plate}"),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "机动车已解绑",
            &format!("您已解除绑定机动车{plate}。"),
            "/account/vehicles",
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit unbinding"))?;
        Ok(true)
    }

    async fn licence(&self, account_id: i64, id_number: &str) -> PortResult<Option<MyLicence>> {
        let row = sqlx::query(
            "SELECT l.class, l.first_issued, l.valid_from, l.valid_until, l.points, l.cycle_ends, l.status,
                    l.review_due, l.physical_due, l.issuing_authority,
                    (SELECT COUNT(*) FROM licence_bindings b WHERE b.account_id = $1 AND b.id_number = l.id_number) AS bound
             FROM driving_licences l WHERE l.id_number = $2",
        )
        .bind(account_id)
        .bind(id_number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load licence"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<MyLicence, sqlx::Error> {
            Ok(MyLicence {
                number_masked: app::domain::ResidentId::parse(id_number)
                    .map(|id| id.masked())
                    .unwrap_or_default(),
                class: coded(&row, "class", LicenceClass::from_code)?,
                first_issued: date_req(&row, "first_issued")?,
                valid_from: date_req(&row, "valid_from")?,
                valid_until: date_req(&row, "valid_until")?,
                points: row.try_get("points")?,
                cycle_ends: date_req(&row, "cycle_ends")?,
                status: coded(&row, "status", LicenceStatus::from_code)?,
                review_due: date_opt(&row, "review_due")?,
                physical_due: date_opt(&row, "physical_due")?,
                issuing_authority: row.try_get("issuing_authority")?,
                bound: row.try_get::<i64, _>("bound")? > 0,
            })
        };
        read().map(Some).map_err(db_error("read licence"))
    }

    async fn bind_licence(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO licence_bindings (account_id, id_number, bound_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(id_number)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error("bind licence"))?
        .rows_affected();
        if inserted == 0 {
            return Ok(Err(BindRejection::AlreadyBound));
        }
        Store::audit_in(
            &mut tx,
            actor,
            "licence.bind",
            &format!("account:{account_id}"),
            "own licence",
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "驾驶证绑定成功",
            "您已成功绑定本人驾驶证，可以在网上查询记分和办理驾驶证业务。",
            "/account/licence",
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(db_error("commit licence binding"))?;
        Ok(Ok(()))
    }

    async fn change_contact(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &app::domain::PhoneNumber,
        actor: &Actor,
    ) -> PortResult<()> {
        self.change_contact_in(account_id, target, label, phone, actor)
            .await
    }

    async fn unbind_licence(&self, account_id: i64, actor: &Actor) -> PortResult<bool> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM licence_bindings WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("unbind licence"))?
            .rows_affected();
        if removed > 0 {
            Store::audit_in(
                &mut tx,
                actor,
                "licence.unbind",
                &format!("account:{account_id}"),
                "own licence",
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(db_error("commit licence unbinding"))?;
        Ok(removed > 0)
    }
}

impl Store {
    async fn change_contact_in(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &app::domain::PhoneNumber,
        actor: &Actor,
    ) -> PortResult<()> {
        let now = crate::clock::unix_ms();
        let mut tx = self.begin_write().await?;
        let (old, service): (Option<String>, &str) = match target {
            ContactTarget::Driver(id) => {
                let old = sqlx::query("SELECT phone FROM persons WHERE id_number = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error("load driver phone"))?
                    .map(|r| r.try_get("phone"))
                    .transpose()
                    .map_err(db_error("read driver phone"))?;
                sqlx::query("UPDATE persons SET phone = $1, updated_at = $2 WHERE id_number = $3")
                    .bind(phone.as_str())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error("change driver phone"))?;
                (old, "D3")
            }
            ContactTarget::Owner(vehicle_id) => {
                let old = sqlx::query("SELECT phone FROM vehicles WHERE id = $1")
                    .bind(vehicle_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error("load owner phone"))?
                    .map(|r| r.try_get("phone"))
                    .transpose()
                    .map_err(db_error("read owner phone"))?;
                sqlx::query("UPDATE vehicles SET phone = $1 WHERE id = $2")
                    .bind(phone.as_str())
                    .bind(vehicle_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error("change owner phone"))?;
                (old, "V4")
            }
        };
        Store::audit_in(
            &mut tx,
            actor,
            &format!("contact.change.{service}"),
            &format!("account:{account_id}"),
            &format!(
                "{label}: {} -> {}",
                old.as_deref().map(mask).unwrap_or_default(),
                mask(phone.as_str())
            ),
        )
        .await?;
        let body = format!(
            "{label}登记的联系电话已变更为{}。如非本人操作，请立即拨打122。",
            phone.masked()
        );
        Store::notify_in(
            &mut tx,
            account_id,
            "联系方式已变更",
            &body,
            "/account",
            now,
        )
        .await?;
        // The old number is told too (it may not be the account's).
        if let Some(old) = old.filter(|o| o != phone.as_str() && !o.is_empty()) {
            sqlx::query("INSERT INTO sms_outbox (phone, body, created_at) VALUES ($1, $2, $3)")
                .bind(old)
                .bind(format!("{SMS_SIGNATURE}{body}"))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error("tell old number"))?;
        }
        tx.commit()
            .await
            .map_err(db_error("commit contact change"))?;
        Ok(())
    }
}

/// 138****0001
fn mask(phone: &str) -> String {
    if phone.len() == 11 {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "****".into()
    }
}

#[async_trait]
impl Fines for Store {
    async fn violations(&self, account_id: i64) -> PortResult<Vec<ViolationItem>> {
        sqlx::query(&format!(
            "{VIOLATION_SELECT} ORDER BY x.occurred_at DESC, x.id DESC"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("list violations"))?
        .iter()
        .map(violation_item)
        .collect::<Result<_, _>>()
        .map_err(db_error("read violation"))
    }

    async fn violation(
        &self,
        account_id: i64,
        violation_id: i64,
    ) -> PortResult<Option<ViolationItem>> {
        sqlx::query(&format!("{VIOLATION_SELECT} AND x.id = $2"))
            .bind(account_id)
            .bind(violation_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error("load violation"))?
            .as_ref()
            .map(violation_item)
            .transpose()
            .map_err(db_error("read violation"))
    }

    async fn decide(
        &self,
        account_id: i64,
        violation_id: i64,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<bool> {
        let now = crate::clock::unix_ms();
        let decision_no = decision_number(decided_on, violation_id);
        let mut tx = self.begin_write().await?;
        let fine: Option<i64> = sqlx::query("SELECT fine_yuan FROM violations WHERE id = $1")
            .bind(violation_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error("load violation fine"))?
            .map(|r| r.try_get("fine_yuan"))
            .transpose()
            .map_err(db_error("read violation fine"))?;
        let Some(fine) = fine else { return Ok(false) };
        // A fine waits for payment; a warning is finished once handled.
        let next = status_once_handled(fine.clamp(0, u32::MAX as i64) as u32);
        let changed = sqlx::query(
            "UPDATE violations SET decided_on = $1, decision_no = $2,
                    handled_by = $3, handled_at = $4, status = $5
             WHERE id = $6 AND status = 'unhandled'
               AND EXISTS (SELECT 1 FROM vehicle_bindings b WHERE b.account_id = $3 AND b.vehicle_id = violations.vehicle_id)",
        )
        .bind(decided_on.to_iso())
        .bind(&decision_no)
        .bind(account_id)
        .bind(now)
        .bind(next.code())
        .bind(violation_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("decide violation"))?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let row = sqlx::query(
            "SELECT x.vehicle_id, x.plate, x.occurred_at, x.description, b.own
             FROM violations x JOIN vehicle_bindings b ON b.vehicle_id = x.vehicle_id AND b.account_id = $1
             WHERE x.id = $2",
        )
        .bind(account_id)
        .bind(violation_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error("load decided violation"))?;
        let read = || -> Result<(i64, String, i64, String, i64), sqlx::Error> {
            Ok((
                row.try_get("vehicle_id")?,
                row.try_get("plate")?,
                row.try_get("occurred_at")?,
                row.try_get("description")?,
                row.try_get("own")?,
            ))
        };
        let (vehicle_id, plate, occurred_at, description, own) =
            read().map_err(db_error("read decided violation"))?;
        // The vehicle is back to normal once nothing is left unhandled.
        sqlx::query(
            "UPDATE vehicles SET status = $1 WHERE id = $2 AND status = $3
               AND NOT EXISTS (SELECT 1 FROM violations x WHERE x.vehicle_id = $2 AND x.status = 'unhandled')",
        )
        .bind(VehicleStatus::Normal.code())
        .bind(vehicle_id)
        .bind(VehicleStatus::ViolationPending.code())
        .execute(&mut *tx)
        .await
        .map_err(db_error("update vehicle status"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "violation.decide",
            &format!("violation:{violation_id}"),
            &format!("decision {decision_no}, {plate}"),
        )
        .await?;
        let body = if fine > 0 {
            format!(
                "机动车{plate}的交通违法已处理，处罚决定书编号{decision_no}。请在{}前缴纳罚款{fine}元，逾期每日加处3%罚款。",
                app::domain::violation::payment_due(decided_on)
            )
        } else {
            format!("机动车{plate}的交通违法已处理（警告），处罚决定书编号{decision_no}。警告无需缴款，该违法已处理完毕。")
        };
        Store::notify_in(
            &mut tx,
            account_id,
            "交通违法已处理",
            &body,
            &format!("/account/violations/{violation_id}"),
            now,
        )
        .await?;
        if own != 1 {
            // Someone else handled a violation of the owner's vehicle.
            let handler = Store::account_name_in(&mut tx, account_id).await?;
            Store::tell_owner_in(
                &mut tx,
                vehicle_id,
                "您名下机动车的交通违法已由他人处理",
                &owner_told_of_handling(
                    &handler,
                    &plate,
                    &app::domain::date::cst_date_time(occurred_at),
                    &description,
                    &decision_no,
                ),
                now,
            )
            .await?;
        }
        tx.commit().await.map_err(db_error("commit decision"))?;
        Ok(true)
    }

    async fn open_payment(
        &self,
        account_id: i64,
        violation_id: i64,
        fine_fen: i64,
        surcharge_fen: i64,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, PayRejection>> {
        let amount = fine_fen + surcharge_fen;
        let mut tx = self.begin_write().await?;
        self.lock_row(&mut tx, "violations", violation_id).await?;
        let row = sqlx::query("SELECT status, fine_yuan FROM violations WHERE id = $1")
            .bind(violation_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error("load violation status"))?;
        let (status, fine): (String, i64) = (
            row.try_get("status").map_err(db_error("read status"))?,
            row.try_get("fine_yuan").map_err(db_error("read fine"))?,
        );
        let fine = fine.clamp(0, u32::MAX as i64) as u32;
        match ViolationStatus::from_code(&status).map(|s| s.with_fine(fine)) {
            Some(ViolationStatus::HandledUnpaid) => {}
            Some(ViolationStatus::Done) => return Ok(Err(PayRejection::NothingToPay)),
            Some(ViolationStatus::Paid) => {
                let receipt_no: Option<String> = sqlx::query(
                    "SELECT receipt_no FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
                )
                .bind(violation_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error("load receipt"))?
                .map(|r| r.try_get("receipt_no"))
                .transpose()
                .map_err(db_error("read receipt"))?
                .flatten();
                return Ok(Err(PayRejection::AlreadyPaid { receipt_no }));
            }
            _ => return Ok(Err(PayRejection::NotHandledYet)),
        }
        let open = sqlx::query(
            "SELECT order_no, violation_id, amount_fen, status, expires_at, receipt_no
             FROM fine_payments WHERE violation_id = $1 AND status = 'pending'",
        )
        .bind(violation_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load open order"))?
        .as_ref()
        .map(payment_order)
        .transpose()
        .map_err(db_error("read open order"))?;
        if let Some(order) = open {
            if order.expires_at > now_ms && order.amount_fen == amount {
                tx.commit().await.map_err(db_error("commit"))?;
                return Ok(Ok(order));
            }
            // Stale (expired, or the surcharge grew): a new order replaces
            // it. A late bank payment of the old one is still accepted.
            sqlx::query("UPDATE fine_payments SET status = 'expired' WHERE order_no = $1 AND status = 'pending'")
                .bind(&order.order_no)
                .execute(&mut *tx)
                .await
                .map_err(db_error("expire order"))?;
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
        .await
        .map_err(db_error("open order"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "payment.open",
            &format!("violation:{violation_id}"),
            &format!("order {order_no}, {amount} fen"),
        )
        .await?;
        tx.commit().await.map_err(db_error("commit order"))?;
        Ok(Ok(PaymentOrder {
            order_no,
            violation_id,
            amount_fen: amount,
            status: "pending".into(),
            expires_at,
            receipt_no: None,
        }))
    }

    async fn payment_order(&self, order_no: &str) -> PortResult<Option<PaymentOrder>> {
        sqlx::query(
            "SELECT order_no, violation_id, amount_fen, status, expires_at, receipt_no FROM fine_payments WHERE order_no = $1",
        )
        .bind(order_no)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load order"))?
        .as_ref()
        .map(payment_order)
        .transpose()
        .map_err(db_error("read order"))
    }

    async fn settle_payment(&self, notice: &PaymentNotice, now_ms: i64) -> PortResult<Settlement> {
        let gateway = Actor {
            account_id: None,
            ip: "payment-gateway".into(),
        };
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let row = sqlx::query(&format!(
            "SELECT id, violation_id, account_id, amount_fen, status, receipt_no FROM fine_payments WHERE order_no = $1{lock}"
        ))
        .bind(&notice.order_no)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("load order"))?;
        let Some(row) = row else {
            return Ok(Settlement::UnknownOrder);
        };
        let read = || -> Result<(i64, i64, i64, i64, String, Option<String>), sqlx::Error> {
            Ok((
                row.try_get("id")?,
                row.try_get("violation_id")?,
                row.try_get("account_id")?,
                row.try_get("amount_fen")?,
                row.try_get("status")?,
                row.try_get("receipt_no")?,
            ))
        };
        let (payment_id, violation_id, account_id, amount, status, receipt_no) =
            read().map_err(db_error("read order"))?;
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
        self.lock_row(&mut tx, "violations", violation_id).await?;
        let paid_elsewhere = sqlx::query(
            "SELECT 1 AS one FROM fine_payments WHERE violation_id = $1 AND status = 'paid'",
        )
        .bind(violation_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error("check paid orders"))?
        .is_some();
        if paid_elsewhere {
            sqlx::query(
                "UPDATE fine_payments SET status = 'refund_due', paid_at = $1, bank_ref = $2 WHERE id = $3",
            )
            .bind(now_ms)
            .bind(&notice.bank_ref)
            .bind(payment_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("mark refund due"))?;
            Store::audit_in(
                &mut tx,
                &gateway,
                "payment.refund_due",
                &format!("violation:{violation_id}"),
                &format!(
                    "order {} paid after the fine was settled; bank ref {}",
                    notice.order_no, notice.bank_ref
                ),
            )
            .await?;
            Store::notify_in(
                &mut tx,
                account_id,
                "重复缴款将退回",
                &format!(
                    "订单{}的款项到账时该罚款已缴清，{}元将原路退回，无需任何操作。",
                    notice.order_no,
                    app::domain::violation::yuan_text(amount)
                ),
                "/account/violations",
                now_ms,
            )
            .await?;
            tx.commit().await.map_err(db_error("commit refund"))?;
            return Ok(Settlement::RefundDue { account_id });
        }
        let receipt_no = format!(
            "JK{}{:08}",
            Date::from_unix_seconds(now_ms.div_euclid(1000), 8)
                .to_iso()
                .replace('-', ""),
            payment_id
        );
        sqlx::query(
            "UPDATE fine_payments SET status = 'paid', paid_at = $1, bank_ref = $2, receipt_no = $3
             WHERE id = $4 AND status IN ('pending', 'expired')",
        )
        .bind(now_ms)
        .bind(&notice.bank_ref)
        .bind(&receipt_no)
        .bind(payment_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("mark paid"))?;
        sqlx::query(
            "UPDATE violations SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'handled_unpaid'",
        )
        .bind(now_ms)
        .bind(violation_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("mark violation paid"))?;
        Store::audit_in(
            &mut tx,
            &gateway,
            "payment.paid",
            &format!("violation:{violation_id}"),
            &format!(
                "order {}, receipt {receipt_no}, bank ref {}",
                notice.order_no, notice.bank_ref
            ),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "罚款缴纳成功",
            &format!(
                "您已成功缴纳罚款{}元，缴款凭证编号{receipt_no}。",
                app::domain::violation::yuan_text(amount)
            ),
            &format!("/account/receipts/{receipt_no}"),
            now_ms,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit payment"))?;
        Ok(Settlement::Paid {
            receipt_no,
            account_id,
        })
    }

    async fn receipt(&self, account_id: i64, receipt_no: &str) -> PortResult<Option<Receipt>> {
        let row = sqlx::query(
            "SELECT p.receipt_no, p.order_no, x.decision_no, x.plate, x.code, x.description, x.occurred_at,
                    x.place, p.fine_fen, p.surcharge_fen, p.amount_fen, p.paid_at, p.bank_ref, a.display_name
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
        .await
        .map_err(db_error("load receipt"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<Receipt, sqlx::Error> {
            Ok(Receipt {
                receipt_no: row.try_get("receipt_no")?,
                order_no: row.try_get("order_no")?,
                decision_no: row
                    .try_get::<Option<String>, _>("decision_no")?
                    .unwrap_or_default(),
                plate: row.try_get("plate")?,
                violation_code: row.try_get("code")?,
                description: row.try_get("description")?,
                occurred_at_ms: row.try_get("occurred_at")?,
                place: row.try_get("place")?,
                fine_fen: row.try_get("fine_fen")?,
                surcharge_fen: row.try_get("surcharge_fen")?,
                amount_fen: row.try_get("amount_fen")?,
                paid_at_ms: row
                    .try_get::<Option<i64>, _>("paid_at")?
                    .unwrap_or_default(),
                bank_ref: row
                    .try_get::<Option<String>, _>("bank_ref")?
                    .unwrap_or_default(),
                payer: row.try_get("display_name")?,
            })
        };
        read().map(Some).map_err(db_error("read receipt"))
    }
}

#[async_trait]
impl LicencePhotos for Store {
    async fn save_photo(
        &self,
        account_id: i64,
        id_number: &str,
        info: app::domain::photo::PhotoInfo,
        bytes: &[u8],
        actor: &Actor,
    ) -> PortResult<()> {
        let now = crate::clock::unix_ms();
        let digest = super::sha256_bytes_hex(bytes);
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM licence_photos WHERE id_number = $1")
            .bind(id_number)
            .execute(&mut *tx)
            .await
            .map_err(db_error("replace photo"))?;
        sqlx::query(
            "INSERT INTO licence_photos (id_number, account_id, mime, width, height, bytes, sha256, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id_number)
        .bind(account_id)
        .bind(info.format.mime())
        .bind(i64::from(info.width))
        .bind(i64::from(info.height))
        .bind(bytes.to_vec())
        .bind(&digest)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error("store photo"))?;
        Store::audit_in(
            &mut tx,
            actor,
            "licence.photo",
            &format!("account:{account_id}"),
            &format!(
                "{} {}x{} {} bytes sha256 {digest}",
                info.format.mime(),
                info.width,
                info.height,
                bytes.len()
            ),
        )
        .await?;
        Store::notify_in(
            &mut tx,
            account_id,
            "驾驶证照片已提交",
            "您的驾驶证专用照片已提交，换证时将使用该照片。",
            "/account/licence/photo",
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error("commit photo"))?;
        Ok(())
    }

    async fn photo(&self, id_number: &str) -> PortResult<Option<(String, Vec<u8>)>> {
        let row = sqlx::query("SELECT mime, bytes FROM licence_photos WHERE id_number = $1")
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error("load photo"))?;
        let Some(row) = row else { return Ok(None) };
        let mime: String = row.try_get("mime").map_err(db_error("read photo"))?;
        let bytes: Vec<u8> = row.try_get("bytes").map_err(db_error("read photo"))?;
        Ok(Some((mime, bytes)))
    }

    async fn photo_meta(&self, id_number: &str) -> PortResult<Option<app::api::photo::PhotoMeta>> {
        let row = sqlx::query(
            "SELECT mime, width, height, uploaded_at FROM licence_photos WHERE id_number = $1",
        )
        .bind(id_number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error("load photo"))?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<app::api::photo::PhotoMeta, sqlx::Error> {
            Ok(app::api::photo::PhotoMeta {
                mime: row.try_get("mime")?,
                width: row.try_get::<i64, _>("width")? as u32,
                height: row.try_get::<i64, _>("height")? as u32,
                uploaded_at_ms: row.try_get("uploaded_at")?,
            })
        };
        read().map(Some).map_err(db_error("read photo"))
    }
}
