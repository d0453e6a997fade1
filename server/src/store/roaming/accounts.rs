//! The visited platform's roaming accounts in the store (漫游账户): made
//! on the first visit, brought up to date on each, and bound anew to what
//! the person may see here.

use crate::store::{Store, StoreResult, Tx};
use app::domain::binding::{may_bind_vehicle, Binder};
use app::domain::roaming::{binding_here, MAX_NOT_OWN, MAX_VEHICLES};
use app::domain::violation::BindingKind;
use app::domain::RegistrationChannel;
use app::ports::{Actor, HomeFacts, NewIndividual, OpenRefused};

/// The password of a roaming account: no hash, so no password opens it.
const NO_PASSWORD: &str = "!roaming";

/// The lock a person's account is changed under: roaming logins and
/// registrations of the same ID number wait for each other on PostgreSQL.
fn person_key(id_number: &str) -> String {
    format!("person:{id_number}")
}

impl Store {
    /// The roaming account of `home`'s `subject`, made on the first visit
    /// and brought up to date with the assertion on each.
    pub(super) async fn roaming_account(
        &self,
        tx: &mut Tx,
        home: &str,
        subject: &str,
        facts: &HomeFacts,
    ) -> StoreResult<Result<i64, OpenRefused>> {
        let p = &facts.person;
        let now = self.clock.now_ms();
        // One person at a time (two first logins, a registration here).
        self.lock_keys(tx, &[&person_key(&p.id_number)]).await?;
        let known: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT r.account_id, a.disabled_at FROM roaming_accounts r
             JOIN accounts a ON a.id = r.account_id
             WHERE r.home_province = $1 AND r.home_subject = $2",
        )
        .bind(home)
        .bind(subject)
        .fetch_optional(&mut **tx)
        .await?;
        // The account of the ID number, if any (roaming: from which home).
        let by_person: Option<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT a.id, a.disabled_at, r.home_province FROM accounts a
             LEFT JOIN roaming_accounts r ON r.account_id = a.id
             WHERE a.id_number = $1",
        )
        .bind(&p.id_number)
        .fetch_optional(&mut **tx)
        .await?;
        let (id, disabled) = match (known, by_person) {
            // The known account, still the same person.
            (Some((id, disabled)), Some((same, _, _))) if same == id => (id, disabled),
            // The known account would become another person's, or the
            // person has another account here: refused, never merged.
            (Some(_), _) => return Ok(Err(OpenRefused::IdentityChanged)),
            (None, Some((_, _, None))) => return Ok(Err(OpenRefused::LocalAccount)),
            // The same person under a new account at the same home
            // (registered again there): the roaming account follows it,
            // and its sessions opened as the old one end.
            (None, Some((id, disabled, Some(from)))) if from == home => {
                sqlx::query("UPDATE roaming_accounts SET home_subject = $1 WHERE account_id = $2")
                    .bind(subject)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                (id, disabled)
            }
            // Another province's account roams here as this person.
            (None, Some(_)) => return Ok(Err(OpenRefused::IdentityChanged)),
            (None, None) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO accounts (kind, channel, individual_kind, id_number, display_name, phone, password_hash, created_at)
                     VALUES ('individual', 'online', $1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&p.kind)
                .bind(&p.id_number)
                .bind(&p.name)
                .bind(&p.phone)
                .bind(NO_PASSWORD)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO roaming_accounts (account_id, home_province, home_subject, home_channel, first_seen_at, last_login_at)
                     VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(id)
                .bind(home)
                .bind(subject)
                .bind(&p.channel)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                (id, None)
            }
        };
        if disabled.is_some() {
            return Ok(Err(OpenRefused::Disabled));
        }
        sqlx::query(
            "UPDATE accounts SET individual_kind = $1, display_name = $2, phone = $3 WHERE id = $4",
        )
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.phone)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE roaming_accounts SET home_channel = $1, last_login_at = $2 WHERE account_id = $3",
        )
        .bind(&p.channel)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(Ok(id))
    }

    /// Binds anew what a roaming person may see here, from what home
    /// asserted (`from_home`): their own vehicles on this registry, the
    /// vehicles bound at home that this registry knows (`roaming::
    /// binding_here`), and their licence if it was issued here. What they
    /// bound here themselves stays. Answers (vehicles bound, licence bound).
    pub(super) async fn bind_for_roaming(
        &self,
        tx: &mut Tx,
        account_id: i64,
        facts: &HomeFacts,
    ) -> StoreResult<(usize, bool)> {
        let p = &facts.person;
        let channel =
            RegistrationChannel::from_code(&p.channel).unwrap_or(RegistrationChannel::Online);
        let now = self.clock.now_ms();
        sqlx::query("DELETE FROM vehicle_bindings WHERE account_id = $1 AND from_home = 1")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM licence_bindings WHERE account_id = $1 AND from_home = 1")
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        // What the person bound here (vehicle, slot if not their own).
        let kept: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT vehicle_id, non_own_slot FROM vehicle_bindings WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_all(&mut **tx)
        .await?;
        let bound_here = |id: &i64| kept.iter().any(|(v, _)| v == id);
        let mut free_slots =
            (1..=MAX_NOT_OWN as i64).filter(|slot| !kept.iter().any(|(_, s)| *s == Some(*slot)));
        let mut non_own_bound = kept.iter().filter(|(_, slot)| slot.is_some()).count();
        let mut own: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM vehicles WHERE owner_kind = 'person' AND owner_id = $1 AND plate IS NOT NULL
             ORDER BY id LIMIT $2",
        )
        .bind(&p.id_number)
        .bind(MAX_VEHICLES as i64)
        .fetch_all(&mut **tx)
        .await?;
        let mut others: Vec<(i64, i64)> = Vec::new();
        for v in &facts.vehicles {
            let found: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT id, owner_kind, owner_id FROM vehicles WHERE plate = $1 AND vin = $2",
            )
            .bind(&v.plate)
            .bind(&v.vin)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((id, owner_kind, owner_id)) = found else {
                continue;
            };
            if own.contains(&id) || others.iter().any(|(o, _)| *o == id) {
                continue;
            }
            let in_their_name = owner_kind == "person" && owner_id == p.id_number;
            match binding_here(channel, v.own, in_their_name, non_own_bound) {
                Some(BindingKind::Own) => own.push(id),
                Some(BindingKind::NonOwn) if !bound_here(&id) => {
                    let Some(slot) = free_slots.next() else {
                        continue;
                    };
                    others.push((id, slot));
                    non_own_bound += 1;
                }
                _ => {}
            }
        }
        own.retain(|id| !bound_here(id));
        for id in &own {
            sqlx::query(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at, from_home)
                 VALUES ($1, $2, 1, NULL, $3, 1)",
            )
            .bind(account_id)
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        for (id, slot) in &others {
            sqlx::query(
                "INSERT INTO vehicle_bindings (account_id, vehicle_id, own, non_own_slot, bound_at, from_home)
                 VALUES ($1, $2, 0, $3, $4, 1)",
            )
            .bind(account_id)
            .bind(id)
            .bind(slot)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        // The licence, unless an account here has it bound already (this
        // one included, bound here by the person).
        sqlx::query(
            "INSERT INTO licence_bindings (account_id, id_number, bound_at, from_home)
             SELECT $1, l.id_number, $2, 1 FROM driving_licences l
             WHERE l.id_number = $3
               AND NOT EXISTS (SELECT 1 FROM licence_bindings b WHERE b.id_number = l.id_number)
               AND NOT EXISTS (SELECT 1 FROM licence_bindings b WHERE b.account_id = $1)",
        )
        .bind(account_id)
        .bind(now)
        .bind(&p.id_number)
        .execute(&mut **tx)
        .await?;
        let licence: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM licence_bindings WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(&mut **tx)
                .await?;
        let vehicles: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM vehicle_bindings WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(&mut **tx)
                .await?;
        Ok((vehicles as usize, licence == 1))
    }

    /// Registration here (online, or at a window) of a person who has a
    /// roaming account: the account becomes this platform's own, with its
    /// history (paid fines, applications) kept. Their roaming sessions
    /// end; their own vehicles and licence stay bound; vehicles not in
    /// their name stay only if they bound them here and register at a
    /// window. Answers the account, or `None` when
    /// the ID number has no roaming account here. A disabled one is left
    /// as it is (the registration then finds the ID number taken).
    pub(crate) async fn make_roaming_account_local(
        &self,
        tx: &mut Tx,
        new: &NewIndividual,
        actor: &Actor,
    ) -> StoreResult<Option<i64>> {
        // One person at a time (a roaming login of theirs, a second
        // registration): on PostgreSQL the rows read here are not locked.
        self.lock_keys(tx, &[&person_key(new.id_number.as_str())])
            .await?;
        let found: Option<(i64, String)> = sqlx::query_as(
            "SELECT a.id, r.home_province FROM accounts a
             JOIN roaming_accounts r ON r.account_id = a.id
             WHERE a.id_number = $1 AND a.disabled_at IS NULL",
        )
        .bind(new.id_number.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        let Some((id, home)) = found else {
            return Ok(None);
        };
        let (window_id, clerk) = new.window.unzip();
        sqlx::query(
            "UPDATE accounts SET channel = $1, individual_kind = $2, display_name = $3, phone = $4,
                    password_hash = $5, window_id = $6, registered_by = $7
             WHERE id = $8",
        )
        .bind(new.channel.code())
        .bind(new.kind.code())
        .bind(new.name.as_str())
        .bind(new.phone.as_str())
        .bind(&new.password_hash)
        .bind(window_id)
        .bind(clerk)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        for sql in [
            "DELETE FROM roaming_accounts WHERE account_id = $1",
            "DELETE FROM sessions WHERE account_id = $1",
            "UPDATE licence_bindings SET from_home = 0 WHERE account_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut **tx).await?;
        }
        // Vehicles not in their name: those bound from home were confirmed
        // by their owners at home, not here, so they go; those bound here
        // stay for a window registration only (`binding::may_bind_vehicle`).
        let non_own_allowed =
            may_bind_vehicle(Binder::Individual(new.channel), BindingKind::NonOwn, 0).is_ok();
        let drop_non_own = if non_own_allowed {
            "DELETE FROM vehicle_bindings WHERE account_id = $1 AND own = 0 AND from_home = 1"
        } else {
            "DELETE FROM vehicle_bindings WHERE account_id = $1 AND own = 0"
        };
        sqlx::query(drop_non_own)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE vehicle_bindings SET from_home = 0 WHERE account_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let detail = format!(
            "account {id}; kind {}; channel {}; window {:?}; was roaming from {home}{}",
            new.kind.code(),
            new.channel.code(),
            window_id,
            crate::store::accounts::form_note(&new.form)
        );
        self.audit_in(
            tx,
            actor,
            "account.registered",
            new.id_number.as_str(),
            &detail,
        )
        .await?;
        Ok(Some(id))
    }
}
