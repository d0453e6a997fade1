//! Licence share codes in the store: the holder's codes (a lock keeps the
//! active count honest), their uses, revocation (audited), and the public
//! check, which claims its attempt under a lock per address so that
//! parallel tries cannot pass the limit.

use super::{port, Store};
use app::domain::share_code::{display, ShareState};
use app::features::licence_sharing::{ShareCodeRow, ShareUse};
use app::ports::*;
use async_trait::async_trait;
use std::collections::BTreeMap;

type CodeRow = (i64, String, String, i64, i64, Option<i64>);

/// Uses listed at most (the newest), over all of a holder's codes.
const USES_LISTED: i64 = 1_000;

#[async_trait]
impl LicenceShares for Store {
    async fn create_share_code(
        &self,
        new: &NewShareCode,
        max_active: usize,
        actor: &Actor,
    ) -> PortResult<Option<i64>> {
        port("create_share_code", async {
            let mut tx = self.begin_write().await?;
            self.lock_keys(&mut tx, &[&format!("share-codes:{}", new.account_id)])
                .await?;
            let now = self.clock.now_ms();
            let active: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM share_codes
                 WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(new.account_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            if active as usize >= max_active {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO share_codes (account_id, licence_number, code, party, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(new.account_id)
            .bind(&new.licence_number)
            .bind(&new.code)
            .bind(&new.party)
            .bind(now)
            .bind(new.expires_at_ms)
            .fetch_one(&mut *tx)
            .await?;
            self.audit_in(
                &mut tx,
                actor,
                "share_code.create",
                &format!("share_code:{id}"),
                &format!("party={} expires_at={}", new.party, new.expires_at_ms),
            )
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        })
        .await
    }

    async fn share_codes(&self, account_id: i64, now_ms: i64) -> PortResult<Vec<ShareCodeRow>> {
        port("share_codes", async {
            let codes: Vec<CodeRow> = sqlx::query_as(
                "SELECT id, code, party, created_at, expires_at, revoked_at FROM share_codes
                 WHERE account_id = $1 ORDER BY id DESC LIMIT 100",
            )
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
            let uses: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT c.share_code_id, c.at, c.checker FROM share_code_checks c
                 JOIN share_codes s ON s.id = c.share_code_id
                 WHERE s.account_id = $1 AND c.matched = 1
                 ORDER BY c.at DESC, c.id DESC LIMIT $2",
            )
            .bind(account_id)
            .bind(USES_LISTED)
            .fetch_all(&self.pool)
            .await?;
            let mut by_code: BTreeMap<i64, Vec<ShareUse>> = BTreeMap::new();
            for (code_id, at_ms, checker) in uses {
                by_code
                    .entry(code_id)
                    .or_default()
                    .push(ShareUse { at_ms, checker });
            }
            Ok(codes
                .into_iter()
                .map(
                    |(id, code, party, created_at_ms, expires_at_ms, revoked_at_ms)| ShareCodeRow {
                        id,
                        code: display(&code),
                        party,
                        created_at_ms,
                        expires_at_ms,
                        revoked_at_ms,
                        state: ShareState::of(expires_at_ms, revoked_at_ms, now_ms),
                        uses: by_code.remove(&id).unwrap_or_default(),
                    },
                )
                .collect())
        })
        .await
    }

    async fn revoke_share_code(&self, account_id: i64, id: i64, actor: &Actor) -> PortResult<bool> {
        port("revoke_share_code", async {
            let mut tx = self.begin_write().await?;
            let now = self.clock.now_ms();
            let party: Option<String> = sqlx::query_scalar(
                "UPDATE share_codes SET revoked_at = $1
                 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL AND expires_at > $1
                 RETURNING party",
            )
            .bind(now)
            .bind(id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(party) = party else {
                return Ok(false);
            };
            self.audit_in(
                &mut tx,
                actor,
                "share_code.revoke",
                &format!("share_code:{id}"),
                &format!("party={party}"),
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn check_share_code(
        &self,
        check: &ShareCheck<'_>,
        now_ms: i64,
        max_failures: i64,
        since_ms: i64,
    ) -> PortResult<ShareLookup> {
        port("check_share_code", async {
            let mut tx = self.begin_write().await?;
            self.lock_keys(&mut tx, &[&format!("share-check-ip:{}", check.ip)])
                .await?;
            let failures: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM share_code_checks WHERE ip = $1 AND at >= $2 AND matched = 0",
            )
            .bind(check.ip)
            .bind(since_ms)
            .fetch_one(&mut *tx)
            .await?;
            if failures >= max_failures {
                return Ok(ShareLookup::TooMany);
            }
            // The code, and whether its licence is still bound to a holder
            // whose account is in use.
            type Row = (i64, String, i64, Option<i64>, i64);
            let row: Option<Row> = sqlx::query_as(
                "SELECT s.id, s.licence_number, s.expires_at, s.revoked_at,
                        (SELECT COUNT(*) FROM licence_bindings b JOIN accounts a ON a.id = b.account_id
                          WHERE b.account_id = s.account_id AND b.id_number = s.licence_number
                            AND a.disabled_at IS NULL) AS standing
                 FROM share_codes s WHERE s.code = $1",
            )
            .bind(check.code)
            .fetch_optional(&mut *tx)
            .await?;
            let matching = row.filter(|(_, number, ..)| {
                number.to_ascii_uppercase().ends_with(check.licence_tail)
            });
            let lookup = match &matching {
                None => ShareLookup::NoMatch,
                Some((.., revoked_at, _)) if revoked_at.is_some() => ShareLookup::Revoked,
                Some((_, _, expires_at, ..)) if *expires_at <= now_ms => ShareLookup::Expired,
                Some((.., standing)) if *standing == 0 => ShareLookup::NoMatch,
                Some(_) => ShareLookup::Found,
            };
            let found = lookup == ShareLookup::Found;
            sqlx::query(
                "INSERT INTO share_code_checks (share_code_id, ip, checker, matched, at, result_key)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(matching.map(|(id, ..)| id))
            .bind(check.ip)
            .bind(check.checker)
            .bind(i64::from(found))
            .bind(now_ms)
            .bind(found.then_some(check.result_key))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(lookup)
        })
        .await
    }

    async fn share_result(
        &self,
        result_key: &str,
        since_ms: i64,
        now_ms: i64,
    ) -> PortResult<Option<ShareResult>> {
        type Row = (i64, i64, String, String, i64, String);
        let row: Option<Row> = port("share_result", async {
            Ok(sqlx::query_as(
                "SELECT c.at, s.account_id, s.licence_number, s.party, s.expires_at, p.name
                 FROM share_code_checks c
                 JOIN share_codes s ON s.id = c.share_code_id
                 JOIN persons p ON p.id_number = s.licence_number
                 WHERE c.result_key = $1 AND c.matched = 1 AND c.at >= $2
                   AND s.revoked_at IS NULL AND s.expires_at > $3",
            )
            .bind(result_key)
            .bind(since_ms)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?)
        })
        .await?;
        let Some((checked_at_ms, account_id, licence_number, party, expires_at, name)) = row else {
            return Ok(None);
        };
        let licence = Bindings::licence(self, account_id, &licence_number).await?;
        Ok(licence.map(|licence| ShareResult {
            licence,
            name,
            licence_number,
            party,
            code_expires_at_ms: expires_at,
            checked_at_ms,
        }))
    }

    async fn delete_old_share_checks(&self, before_ms: i64) -> PortResult<usize> {
        port("delete_old_share_checks", async {
            let gone = sqlx::query("DELETE FROM share_code_checks WHERE at < $1 AND matched = 0")
                .bind(before_ms)
                .execute(&self.writer)
                .await?
                .rows_affected();
            Ok(gone as usize)
        })
        .await
    }
}
