//! The audit log's hash chain (审计日志防篡改链). Entries are never changed
//! or deleted (the database refuses both); a job seals them, in id order,
//! each seal holding `hash = SHA-256(previous hash || the entry's canonical
//! bytes)`. Changing, deleting or slipping in an entry after it was sealed
//! breaks the chain at that entry, which `server verify-audit` names.
//!
//! Writers never wait for the sealer: they only insert entries; seals live
//! in their own table, written by one sealer at a time, which seals only
//! entries that are final — no transaction still open may commit a lower
//! id (PostgreSQL hands ids out before commit; the store waits for the
//! write transactions open when it looked to end, before it seals).

use sha2::{Digest, Sha256};

/// The hash before the first seal: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored (`audit_log`), every column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<i64>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub ip: String,
    pub person_account_id: Option<i64>,
    /// The unit's operator who acted (经办人), when one did.
    pub actor_operator_id: Option<i64>,
    /// The open API key the unit's system called with, when it did.
    pub actor_api_key: Option<String>,
}

impl AuditRecord {
    /// The bytes the seal hashes: a version tag, then each column in a
    /// fixed order — numbers as 8 bytes big-endian (an absent one as one
    /// 0 byte, a present one after a 1 byte), text as its length (8 bytes)
    /// and UTF-8 bytes — so no two different entries give the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            64 + self.action.len() + self.subject.len() + self.detail.len() + self.ip.len(),
        );
        out.extend_from_slice(b"audit_log/v1\n");
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.at_ms.to_be_bytes());
        optional(&mut out, self.actor_account_id);
        for text in [&self.action, &self.subject, &self.detail, &self.ip] {
            out.extend_from_slice(&(text.len() as u64).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        optional(&mut out, self.person_account_id);
        // Added later: present only when there is an operator, so the
        // entries sealed before keep their bytes (and the extra 9 bytes
        // at the end still tell the two apart).
        if self.actor_operator_id.is_some() || self.actor_api_key.is_some() {
            optional(&mut out, self.actor_operator_id);
        }
        // Added later still, the same way: after the operator (present or
        // not) when there is a key.
        if let Some(key) = &self.actor_api_key {
            out.extend_from_slice(&(key.len() as u64).to_be_bytes());
            out.extend_from_slice(key.as_bytes());
        }
        out
    }
}

fn optional(out: &mut Vec<u8>, value: Option<i64>) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
}

/// The seal of `record` after the seal `prev_hash` (hex): SHA-256 of the
/// previous hash's 64 hex characters and the entry's canonical bytes, in
/// lower-case hex.
pub fn seal_hash(prev_hash: &str, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(record.canonical_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One seal as stored (`audit_seals`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    /// Its place in the chain: 1, 2, 3, … without gaps.
    pub seq: i64,
    pub entry_id: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the chain breaks, at one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The seals before this one are not all there.
    SealMissing,
    /// The seal does not follow the one before it (a seal was changed).
    LinkBroken,
    /// The entry is gone.
    EntryDeleted,
    /// The entry is not what was sealed.
    EntryChanged,
    /// Sealed after an entry with a higher id.
    OutOfOrder,
    /// An entry among the sealed ones without a seal of its own (slipped
    /// in after its place was sealed).
    NotSealed,
}

impl ChainBreak {
    pub fn en(self) -> &'static str {
        match self {
            ChainBreak::SealMissing => "a seal before this entry's is missing",
            ChainBreak::LinkBroken => {
                "its seal does not follow the one before (a seal was changed)"
            }
            ChainBreak::EntryDeleted => "the entry was deleted after it was sealed",
            ChainBreak::EntryChanged => "the entry was changed after it was sealed",
            ChainBreak::OutOfOrder => "it was sealed out of id order",
            ChainBreak::NotSealed => {
                "the entry was added among sealed entries after they were sealed"
            }
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ChainBreak::SealMissing => "此前的封存记录缺失",
            ChainBreak::LinkBroken => "封存记录与前一条不衔接（封存被改动）",
            ChainBreak::EntryDeleted => "封存后记录被删除",
            ChainBreak::EntryChanged => "封存后记录被改动",
            ChainBreak::OutOfOrder => "未按编号顺序封存",
            ChainBreak::NotSealed => "记录在封存之后被插入",
        }
    }
}

/// A walk along the chain from its start, one seal at a time, in `seq`
/// order.
#[derive(Clone, Debug)]
pub struct ChainWalk {
    head: String,
    seals: i64,
    last_entry: i64,
}

impl Default for ChainWalk {
    fn default() -> Self {
        ChainWalk {
            head: GENESIS.to_string(),
            seals: 0,
            last_entry: 0,
        }
    }
}

impl ChainWalk {
    /// Checks the next seal against its entry (`None`: no entry has its
    /// id any more); on success the seal is the new head.
    pub fn step(&mut self, seal: &Seal, entry: Option<&AuditRecord>) -> Result<(), ChainBreak> {
        if seal.seq != self.seals + 1 {
            return Err(ChainBreak::SealMissing);
        }
        if seal.prev_hash != self.head {
            return Err(ChainBreak::LinkBroken);
        }
        if seal.entry_id <= self.last_entry {
            return Err(ChainBreak::OutOfOrder);
        }
        let Some(entry) = entry else {
            return Err(ChainBreak::EntryDeleted);
        };
        if entry.id != seal.entry_id || seal_hash(&self.head, entry) != seal.hash {
            return Err(ChainBreak::EntryChanged);
        }
        self.head = seal.hash.clone();
        self.seals = seal.seq;
        self.last_entry = seal.entry_id;
        Ok(())
    }

    /// The hash of the last seal checked (the genesis before any).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// How many seals were checked.
    pub fn seals(&self) -> i64 {
        self.seals
    }

    /// The id of the last entry sealed (0 before any).
    pub fn last_entry(&self) -> i64 {
        self.last_entry
    }
}

/// What `server verify-audit` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCheck {
    /// Seals checked and found whole.
    pub sealed: i64,
    /// The last good seal's hash: write it down somewhere else, and a
    /// later check that passes through it shows nothing before it changed.
    pub head: String,
    /// Entries newer than the last seal, not sealed yet.
    pub unsealed: i64,
    /// The first entry where the chain breaks, and how.
    pub broken: Option<(i64, ChainBreak)>,
}

impl ChainCheck {
    /// One line for the operator.
    pub fn report(&self) -> String {
        match self.broken {
            None => format!(
                "OK: {} audit entries sealed, chain head {}; {} newer entries not sealed yet",
                self.sealed, self.head, self.unsealed
            ),
            Some((id, why)) => format!(
                "BROKEN at audit entry {id}: {} ({}); {} entries before it check out",
                why.en(),
                why.zh(),
                self.sealed
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, detail: &str) -> AuditRecord {
        AuditRecord {
            id,
            at_ms: 1_700_000_000_000 + id,
            actor_account_id: Some(3),
            action: "session.login".into(),
            subject: format!("account:{id}"),
            detail: detail.into(),
            ip: "127.0.0.1".into(),
            person_account_id: None,
            actor_operator_id: None,
            actor_api_key: None,
        }
    }

    /// Seals the records in order, as the job does.
    fn sealed(records: &[AuditRecord]) -> Vec<Seal> {
        let mut prev = GENESIS.to_string();
        records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let hash = seal_hash(&prev, r);
                let seal = Seal {
                    seq: i as i64 + 1,
                    entry_id: r.id,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                seal
            })
            .collect()
    }

    fn walk(seals: &[Seal], records: &[AuditRecord]) -> Result<i64, (i64, ChainBreak)> {
        let mut walk = ChainWalk::default();
        for seal in seals {
            let entry = records.iter().find(|r| r.id == seal.entry_id);
            walk.step(seal, entry).map_err(|b| (seal.entry_id, b))?;
        }
        Ok(walk.seals())
    }

    #[test]
    fn canonical_bytes_tell_every_column_apart() {
        let a = record(1, "x");
        let mut moved = a.clone();
        // The same characters, split differently between two columns.
        moved.subject = format!("{}x", a.subject);
        moved.detail = String::new();
        assert_ne!(a.canonical_bytes(), moved.canonical_bytes());
        let mut none = a.clone();
        none.actor_account_id = None;
        assert_ne!(a.canonical_bytes(), none.canonical_bytes());
        let mut person = a.clone();
        person.person_account_id = Some(3);
        assert_ne!(a.canonical_bytes(), person.canonical_bytes());
        let mut operator = a.clone();
        operator.actor_operator_id = Some(3);
        assert_ne!(a.canonical_bytes(), operator.canonical_bytes());
        assert_ne!(person.canonical_bytes(), operator.canonical_bytes());
        // An entry without an operator hashes as it did before the column.
        assert!(!a.canonical_bytes().ends_with(&[1, 0, 0, 0, 0, 0, 0, 0, 3]));
        // A key, with or without an operator: told apart from both, and an
        // entry with an operator only keeps its bytes.
        let mut key = a.clone();
        key.actor_api_key = Some("jgk_0123456789abcdef".into());
        let mut both = operator.clone();
        both.actor_api_key = key.actor_api_key.clone();
        let bytes = [&a, &key, &operator, &both, &person].map(|r| r.canonical_bytes());
        for (i, x) in bytes.iter().enumerate() {
            for y in &bytes[i + 1..] {
                assert_ne!(x, y);
            }
        }
        assert!(both
            .canonical_bytes()
            .starts_with(&operator.canonical_bytes()));
        assert_eq!(seal_hash(GENESIS, &a), seal_hash(GENESIS, &a.clone()));
        assert_eq!(seal_hash(GENESIS, &a).len(), 64);
        assert_ne!(seal_hash(GENESIS, &a), seal_hash(&"1".repeat(64), &a));
    }

    #[test]
    fn a_whole_chain_checks_out_and_every_tampering_is_named() {
        let records: Vec<_> = [1, 2, 4, 5].iter().map(|&i| record(i, "d")).collect();
        let seals = sealed(&records);
        assert_eq!(walk(&seals, &records), Ok(4));

        let mut changed = records.clone();
        changed[2].detail = "other".into();
        assert_eq!(walk(&seals, &changed), Err((4, ChainBreak::EntryChanged)));

        let deleted: Vec<_> = records.iter().filter(|r| r.id != 2).cloned().collect();
        assert_eq!(walk(&seals, &deleted), Err((2, ChainBreak::EntryDeleted)));

        // A seal removed: the next one's number skips.
        let mut fewer = seals.clone();
        fewer.remove(1);
        assert_eq!(walk(&fewer, &records), Err((4, ChainBreak::SealMissing)));

        // A seal recomputed over a changed entry: the next link breaks.
        let mut resealed = seals.clone();
        let mut forged = records.clone();
        forged[1].detail = "forged".into();
        resealed[1].hash = seal_hash(&resealed[1].prev_hash, &forged[1]);
        assert_eq!(walk(&resealed, &forged), Err((4, ChainBreak::LinkBroken)));

        // Entries sealed out of id order.
        let mut swapped = records.clone();
        swapped.swap(1, 2);
        assert_eq!(
            walk(&sealed(&swapped), &records),
            Err((2, ChainBreak::OutOfOrder))
        );
    }

    #[test]
    fn the_report_names_the_broken_entry() {
        let ok = ChainCheck {
            sealed: 3,
            head: "ab".into(),
            unsealed: 2,
            broken: None,
        };
        assert!(ok.report().starts_with("OK: 3 audit entries sealed"));
        let broken = ChainCheck {
            broken: Some((17, ChainBreak::EntryChanged)),
            ..ok
        };
        assert!(broken.report().starts_with("BROKEN at audit entry 17:"));
    }
}
