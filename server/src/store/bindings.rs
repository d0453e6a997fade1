//! Bindings (绑定) in the store: the holder's vehicles and licence, binding
//! and unbinding, and the holder's view of the registry (我的机动车/驾驶证).
//! The three slots for vehicles not in the holder's name are guarded by the
//! database (unique (account, slot) + CHECK); every change is one
//! transaction with its audit record and notification.

use super::rows::{binding_kind, coded, date, date_opt};
use super::{port, Store, StoreError, StoreResult};
use app::domain::binding::owner_told_of_binding;
use app::domain::Sms;
use app::domain::{BindingKind, LicenceClass, LicenceStatus, VehicleStatus, VehicleType};
use app::ports::*;
use async_trait::async_trait;

/// A vehicle as the registry holds it.
#[derive(sqlx::FromRow)]
struct VehicleRow {
    id: i64,
    plate: Option<String>,
    vin: String,
    vehicle_type: String,
    owner_kind: String,
    owner_id: String,
    phone: String,
}

impl TryFrom<VehicleRow> for RegistryVehicle {
    type Error = StoreError;
    fn try_from(row: VehicleRow) -> StoreResult<RegistryVehicle> {
        Ok(RegistryVehicle {
            id: row.id,
            plate: row.plate,
            vin: row.vin,
            vehicle_type: coded("vehicle type", &row.vehicle_type, VehicleType::from_code)?,
            owner: if row.owner_kind == "person" {
                OwnerKey::Person(row.owner_id)
            } else {
                OwnerKey::Organisation(row.owner_id)
            },
            owner_phone: row.phone,
        })
    }
}

/// A vehicle bound to the account (我的机动车).
#[derive(sqlx::FromRow)]
struct BoundVehicleRow {
    id: i64,
    plate: Option<String>,
    vehicle_type: String,
    brand: String,
    colour: String,
    status: String,
    inspection_due: Option<String>,
    own: i64,
    unhandled: i64,
}

impl TryFrom<BoundVehicleRow> for MyVehicle {
    type Error = StoreError;
    fn try_from(row: BoundVehicleRow) -> StoreResult<MyVehicle> {
        Ok(MyVehicle {
            vehicle_id: row.id,
            plate: row.plate.unwrap_or_default(),
            vehicle_type: coded("vehicle type", &row.vehicle_type, VehicleType::from_code)?,
            brand: row.brand,
            colour: row.colour,
            status: coded("vehicle status", &row.status, VehicleStatus::from_code)?,
            inspection_due: date_opt(row.inspection_due.as_deref()),
            binding: binding_kind(row.own),
            unhandled_violations: row.unhandled,
        })
    }
}

/// The holder's licence (我的驾驶证).
#[derive(sqlx::FromRow)]
struct LicenceRow {
    class: String,
    first_issued: String,
    valid_from: String,
    valid_until: String,
    points: i64,
    cycle_ends: String,
    status: String,
    review_due: Option<String>,
    physical_due: Option<String>,
    issuing_authority: String,
    bound: i64,
}

impl LicenceRow {
    fn into_licence(self) -> StoreResult<MyLicence> {
        Ok(MyLicence {
            class: coded("licence class", &self.class, LicenceClass::from_code)?,
            first_issued: date("first issued", &self.first_issued)?,
            valid_from: date("valid from", &self.valid_from)?,
            valid_until: date("valid until", &self.valid_until)?,
            points: self.points,
            cycle_ends: date("cycle ends", &self.cycle_ends)?,
            status: coded("licence status", &self.status, LicenceStatus::from_code)?,
            review_due: date_opt(self.review_due.as_deref()),
            physical_due: date_opt(self.physical_due.as_deref()),
            issuing_authority: self.issuing_authority,
            bound: self.bound > 0,
        })
    }
}

#[async_trait]
impl Bindings for Store {
    async fn bound_vehicles(&self, account_id: i64) -> PortResult<Vec<MyVehicle>> {
        port("bound_vehicles", async {
            let rows: Vec<BoundVehicleRow> = sqlx::query_as(
                "SELECT v.id, v.plate, v.vehicle_type, v.brand, v.colour, v.status, v.inspection_due, b.own,
                        (SELECT COUNT(*) FROM violations x WHERE x.vehicle_id = v.id AND x.status = 'unhandled') AS unhandled
                 FROM vehicle_bindings b JOIN vehicles v ON v.id = b.vehicle_id
                 WHERE b.account_id = $1
                 ORDER BY b.bound_at, b.id",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(TryInto::try_into).collect()
        })
        .await
    }

    async fn unbound_own_vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
    ) -> PortResult<Vec<UnboundVehicle>> {
        port("unbound_own_vehicles", async {
            let (kind, id) = match owner {
                OwnerKey::Person(id) => ("person", id),
                OwnerKey::Organisation(code) => ("organisation", code),
            };
            let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT v.id, v.plate, v.vehicle_type, v.brand FROM vehicles v
                 WHERE v.owner_kind = $1 AND v.owner_id = $2 AND v.plate IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM vehicle_bindings b WHERE b.account_id = $3 AND b.vehicle_id = v.id)
                 ORDER BY v.id",
            )
            .bind(kind)
            .bind(id)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(vehicle_id, plate, vehicle_type, brand)| {
                    Ok(UnboundVehicle {
                        vehicle_id,
                        plate,
                        vehicle_type: coded("vehicle type", &vehicle_type, VehicleType::from_code)?,
                        brand,
                    })
                })
                .collect()
        })
        .await
    }

    async fn vehicle_by_plate(
        &self,
        plate: &app::domain::PlateNumber,
    ) -> PortResult<Option<RegistryVehicle>> {
        port("vehicle_by_plate", async {
            let row: Option<VehicleRow> = sqlx::query_as(
                "SELECT id, plate, vin, vehicle_type, owner_kind, owner_id, phone FROM vehicles WHERE plate = $1",
            )
            .bind(plate.as_str())
            .fetch_optional(&self.pool)
            .await?;
            row.map(TryInto::try_into).transpose()
        })
        .await
    }

    async fn vehicle_by_id(&self, vehicle_id: i64) -> PortResult<Option<RegistryVehicle>> {
        port("vehicle_by_id", async {
            let row: Option<VehicleRow> = sqlx::query_as(
                "SELECT id, plate, vin, vehicle_type, owner_kind, owner_id, phone FROM vehicles WHERE id = $1",
            )
            .bind(vehicle_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(TryInto::try_into).transpose()
        })
        .await
    }

    async fn bind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        port("bind_vehicle", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            // Concurrent requests may race for the same free slot; the unique
            // (account, slot) constraint lets one win and the other looks again.
            let mut bound = false;
            for _ in 0..4 {
                let slot: Option<i64> = match kind {
                    BindingKind::Own => None,
                    BindingKind::NonOwn => {
                        let taken: Vec<i64> = sqlx::query_scalar(
                            "SELECT non_own_slot FROM vehicle_bindings WHERE account_id = $1 AND non_own_slot IS NOT NULL",
                        )
                        .bind(account_id)
                        .fetch_all(&mut *tx)
                        .await?;
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
                .await?
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
                .await?;
                if exists.is_some() {
                    return Ok(Err(BindRejection::AlreadyBound));
                }
            }
            if !bound {
                return Ok(Err(BindRejection::NonOwnSlotsFull));
            }
            let plate: Option<String> = sqlx::query_scalar("SELECT plate FROM vehicles WHERE id = $1")
                .bind(vehicle_id)
                .fetch_one(&mut *tx)
                .await?;
            let plate = plate.unwrap_or_default();
            let how = match kind {
                BindingKind::Own => "own",
                BindingKind::NonOwn => "non_own",
            };
            self.audit_in(
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
                &Sms::vehicle_bound(&plate),
                "/account/vehicles",
                now,
            )
            .await?;
            if kind == BindingKind::NonOwn {
                let binder = Store::account_name_in(&mut tx, account_id).await?;
                Store::tell_owner_in(
                    &mut tx,
                    vehicle_id,
                    &owner_told_of_binding(&binder, &plate),
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(Ok(()))
        })
        .await
    }

    async fn unbind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        actor: &Actor,
    ) -> PortResult<bool> {
        port("unbind_vehicle", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let removed = sqlx::query(
                "DELETE FROM vehicle_bindings WHERE account_id = $1 AND vehicle_id = $2",
            )
            .bind(account_id)
            .bind(vehicle_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed == 0 {
                return Ok(false);
            }
            let plate: Option<String> =
                sqlx::query_scalar("SELECT plate FROM vehicles WHERE id = $1")
                    .bind(vehicle_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let plate = plate.unwrap_or_default();
            self.audit_in(
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
                &Sms::vehicle_unbound(&plate),
                "/account/vehicles",
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn licence(&self, account_id: i64, id_number: &str) -> PortResult<Option<MyLicence>> {
        port("licence", async {
            let row: Option<LicenceRow> = sqlx::query_as(
                "SELECT l.class, l.first_issued, l.valid_from, l.valid_until, l.points, l.cycle_ends, l.status,
                        l.review_due, l.physical_due, l.issuing_authority,
                        (SELECT COUNT(*) FROM licence_bindings b WHERE b.account_id = $1 AND b.id_number = l.id_number) AS bound
                 FROM driving_licences l WHERE l.id_number = $2",
            )
            .bind(account_id)
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|row| row.into_licence()).transpose()
        })
        .await
    }

    async fn bind_licence(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        port("bind_licence", async {
            let now = self.clock.now_ms();
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO licence_bindings (account_id, id_number, bound_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(account_id)
            .bind(id_number)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Ok(Err(BindRejection::AlreadyBound));
            }
            self.audit_in(
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
                &Sms::licence_bound(),
                "/account/licence",
                now,
            )
            .await?;
            tx.commit()
                .await?;
            Ok(Ok(()))
        })
        .await
    }

    async fn change_contact(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &app::domain::PhoneNumber,
        actor: &Actor,
    ) -> PortResult<()> {
        port("change_contact", async {
            self.change_contact_in(account_id, target, label, phone, actor)
                .await
        })
        .await
    }

    async fn unbind_licence(&self, account_id: i64, actor: &Actor) -> PortResult<bool> {
        port("unbind_licence", async {
            let mut tx = self.begin_write().await?;
            let removed = sqlx::query("DELETE FROM licence_bindings WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed > 0 {
                // What vouched for the licence on this account ends with it:
                // its electronic licence codes and its share codes.
                let now = self.clock.now_ms();
                for table in ["credentials", "share_codes"] {
                    sqlx::query(&format!(
                        "UPDATE {table} SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL"
                    ))
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                }
                self.audit_in(
                    &mut tx,
                    actor,
                    "licence.unbind",
                    &format!("account:{account_id}"),
                    "own licence; its electronic licence and share codes revoked",
                )
                .await?;
            }
            tx.commit().await?;
            Ok(removed > 0)
        })
        .await
    }
}
