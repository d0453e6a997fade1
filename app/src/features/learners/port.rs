//! The port of a school's learners: the entry, its confirmation, the
//! learner's account registered with the school as the registration point,
//! and the school's list with bookings and results.

use super::LearnerEntry;
use crate::domain::LicenceClass;
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A learner to enter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLearnerEntry {
    pub school_account_id: i64,
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub class: LicenceClass,
}

/// An entry found by id, with what only the server reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFound {
    pub entry: LearnerEntry,
    pub school_account_id: i64,
    pub id_number: String,
    pub phone: String,
}

/// A school's learners (驾校学员).
#[async_trait]
pub trait LearnerEntries: Send + Sync {
    /// The registry's name for this ID number, and whether the person has
    /// a platform account already.
    async fn person(&self, id_number: &str) -> PortResult<Option<(String, bool)>>;
    /// Enters the learner, waiting for the code; audits. The school's own
    /// live entry of the same person is a conflict
    /// (`constraint::LEARNER_ENTRY_ONCE`).
    async fn enter(&self, new: &NewLearnerEntry, actor: &Actor) -> PortResult<i64>;
    async fn entry(&self, id: i64) -> PortResult<Option<EntryFound>>;
    /// Awaiting → confirmed; audits. False: not awaiting any more.
    async fn confirm(&self, id: i64, actor: &Actor) -> PortResult<bool>;
    /// Withdraws an entry not yet registered; audits.
    async fn withdraw(&self, id: i64, actor: &Actor) -> PortResult<bool>;
    /// Registers the learner's account (window-registered learner) at the
    /// school's registration point, by the school and its operator, and
    /// marks the entry registered; audits and tells the learner. A person
    /// with an account already is `constraint::ACCOUNT_ID_NUMBER`; an
    /// entry no longer confirmed answers None.
    async fn register(
        &self,
        id: i64,
        password_hash: &str,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    /// One page of the school's entries, newest first, each with the
    /// learner's bookings and results.
    async fn school_learners(
        &self,
        school_account_id: i64,
        page: PageRequest,
    ) -> PortResult<ListPage<LearnerEntry>>;
}
