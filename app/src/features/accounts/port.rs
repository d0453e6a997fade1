//! The ports of the accounts feature: the registry's people and windows,
//! accounts and sessions, one-time SMS codes, password hashing.

use super::{AccountOnRecord, RecordView, RegistrationWindow};
use crate::domain::{CreditCode, IndividualKind, PhoneNumber, ResidentId, UnitKind};
use crate::domain::{PersonName, RegistrationChannel, Sms, SpecialService};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// A person in the registry (人口/驾驶人/车主信息), with the phone on record.
#[derive(Clone, Debug)]
pub struct PersonRecord {
    pub id_number: ResidentId,
    pub name: String,
    pub phone_on_record: String,
    /// Address on record (住址), to suggest the nearest windows.
    pub address: String,
    pub vehicles: i64,
    pub has_licence: bool,
}

/// A new individual account (个人用户).
#[derive(Clone, Debug)]
pub struct NewIndividual {
    pub kind: IndividualKind,
    pub channel: RegistrationChannel,
    pub id_number: ResidentId,
    pub name: PersonName,
    pub phone: PhoneNumber,
    pub password_hash: String,
    /// For window registration: the window and the clerk's account.
    pub window: Option<(i64, i64)>,
    /// The one-time token of the form posted (`registration::form_token`),
    /// kept in the audit record so that the same post again is known.
    pub form: Option<String>,
}

/// A new unit account (单位用户), always registered at the unit window.
#[derive(Clone, Debug)]
pub struct NewUnit {
    pub kind: UnitKind,
    pub name: String,
    pub credit_code: CreditCode,
    pub attorney_ref: String,
    pub agent_id_number: ResidentId,
    pub agent_name: PersonName,
    pub agent_phone: PhoneNumber,
    pub password_hash: String,
    pub granted: Vec<SpecialService>,
    pub window_id: i64,
    pub clerk_account_id: i64,
    /// The one-time token of the form posted, as for [`NewIndividual`].
    pub form: Option<String>,
}

/// What a login identifier can be.
#[derive(Clone, Debug)]
pub enum LoginIdentifier {
    IdNumber(ResidentId),
    CreditCode(CreditCode),
    Phone(PhoneNumber),
    StaffUsername(String),
    /// A unit's operator (经办人): the unit's code and the login name.
    Operator {
        unit: crate::domain::unit_operator::UnitCode,
        login: crate::domain::unit_operator::OperatorLogin,
    },
}

/// A stored credential matching a login identifier.
#[derive(Clone, Debug)]
pub struct Credential {
    pub account_id: i64,
    pub password_hash: String,
    /// The account, or for an operator the operator or their unit, is
    /// disabled.
    pub disabled: bool,
    /// The unit's operator this credential is (经办人).
    pub operator_id: Option<i64>,
}

/// Registry look-ups (车驾管信息).
#[async_trait]
pub trait Registry: Send + Sync {
    async fn person(&self, id_number: &ResidentId) -> PortResult<Option<PersonRecord>>;
    async fn windows(&self) -> PortResult<Vec<RegistrationWindow>>;
    async fn window(&self, id: i64) -> PortResult<Option<RegistrationWindow>>;
    /// The credit code of the organisation on record whose code carries
    /// this organisation code (its characters 9–17).
    async fn organisation_by_code(
        &self,
        code: &crate::domain::OrganisationCode,
    ) -> PortResult<Option<CreditCode>>;
}

/// Accounts, sessions and login throttling.
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn has_account(&self, id_number: &ResidentId) -> PortResult<bool>;
    async fn unit_registered(&self, credit_code: &CreditCode) -> PortResult<bool>;
    /// The account of this ID number or credit code that `clerk`
    /// registered (or made this platform's own) from the form whose
    /// one-time token is `form`.
    async fn registered_from_form(
        &self,
        key: &str,
        clerk: i64,
        form: &str,
    ) -> PortResult<Option<i64>>;
    /// Creates the account and its audit record in one transaction.
    async fn create_individual(&self, new: NewIndividual, actor: &Actor) -> PortResult<i64>;
    async fn create_unit(&self, new: NewUnit, actor: &Actor) -> PortResult<i64>;
    async fn credentials(&self, identifier: &LoginIdentifier) -> PortResult<Vec<Credential>>;
    /// Notes that the account logged in from the device holding `token`
    /// (the device cookie; a new random one when `None`), in one
    /// transaction: when the account has not used that device before, and
    /// `alert` is given, the holder is told (message centre and SMS to the
    /// account's phone) and it is audited. Answers the device token and
    /// whether the device was new.
    async fn note_login_device(
        &self,
        account_id: i64,
        token: Option<&str>,
        alert: Option<&Sms>,
        actor: &Actor,
        now_ms: i64,
    ) -> PortResult<(String, bool)>;
    /// The stored password hash of a live account (to ask for the password
    /// again).
    async fn password_hash_of(&self, account_id: i64) -> PortResult<Option<String>>;
    /// A live (not disabled) account with its numbers in full.
    async fn account_on_record(&self, account_id: i64) -> PortResult<Option<AccountOnRecord>>;
    /// Starts a session with a fresh random token; returns the token (the
    /// store keeps only its hash).
    async fn create_session(
        &self,
        account_id: i64,
        actor: &Actor,
        user_agent: &str,
        now_ms: i64,
    ) -> PortResult<String>;
    /// The account of a live session, as on record (none when it is
    /// disabled), and the unit's operator it belongs to (经办人), if any;
    /// refreshes the idle timer and ends dead sessions. One query for the
    /// session and the account: every logged-in request asks.
    async fn resolve_session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> PortResult<Option<(AccountOnRecord, Option<i64>)>>;
    async fn end_session(&self, token_hash: &str, actor: &Actor) -> PortResult<()>;
    async fn record_login(
        &self,
        identifier: &str,
        ip: &str,
        ok: bool,
        now_ms: i64,
    ) -> PortResult<()>;
    /// Counts a login try against the limits (`policy::login_wait_ms`)
    /// and, when it may go ahead, records it as failed until
    /// [`Accounts::login_succeeded`] says otherwise: one transaction that
    /// holds the identifier's and the address's locks, so parallel tries
    /// can not all pass the check before any is counted. Answers the try's
    /// id, or how many milliseconds it must wait.
    async fn claim_login_attempt(
        &self,
        identifier: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, i64>>;
    /// The claimed try got in: it no longer counts as a failure, and the
    /// pair's failures before it stop counting.
    async fn login_succeeded(&self, attempt_id: i64) -> PortResult<()>;
    /// Failures since `since_ms`: (for this identifier from this address, from this address).
    async fn recent_login_failures(
        &self,
        identifier: &str,
        ip: &str,
        since_ms: i64,
    ) -> PortResult<(i64, i64)>;
    /// The newest login failure for (identifier, ip), to time the delay from.
    async fn last_login_failure(&self, identifier: &str, ip: &str) -> PortResult<Option<i64>>;
    /// Deletes the sessions past their idle or absolute timeout (清理);
    /// answers how many went.
    async fn delete_ended_sessions(&self, now_ms: i64) -> PortResult<usize>;
    /// Deletes the login attempts older than their retention
    /// (`policy::LOGIN_ATTEMPTS_KEPT_SECS`); answers how many went.
    async fn delete_old_login_attempts(&self, now_ms: i64) -> PortResult<usize>;
    /// The individual account with this ID number that may reset its
    /// password online, with the phone on the account: (account id, phone).
    /// None when there is none or it is disabled.
    async fn reset_target(&self, id_number: &ResidentId) -> PortResult<Option<(i64, String)>>;
    /// In one transaction: stores the new password hash, ends every session
    /// of the account, tells the owner (message centre and SMS) and audits.
    async fn reset_password(
        &self,
        account_id: i64,
        password_hash: &str,
        actor: &Actor,
        now_ms: i64,
    ) -> PortResult<()>;
    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> PortResult<()>;
}

/// Why a one-time code was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeRejection {
    /// No live code for this phone and purpose: expired, used or never sent.
    NoLiveCode,
    /// Wrong code; this many attempts remain.
    Wrong { attempts_left: i64 },
    /// Too many wrong attempts: the code is void.
    Exhausted,
}

/// One-time SMS codes and the outgoing SMS queue (短信验证码/短信发件箱).
#[async_trait]
pub trait SmsCodes: Send + Sync {
    /// Sends a new code unless a quota says wait; returns Err(seconds) to wait.
    /// The plain wording: `send_code_worded` with the verification-code
    /// template (the code and how long it is valid).
    async fn send_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>> {
        let minutes = crate::policy::SMS_CODE_TTL_SECS / 60;
        let text = move |code: &str| Sms::verification_code(code, minutes);
        self.send_code_worded(&text, phone, purpose, subject, ip, now_ms)
            .await
    }
    /// Like `send_code`, worded for its purpose: `text` makes the message
    /// (one of the SMS templates) from the code, so that whoever receives
    /// it knows who asks for it and why. The message goes to the outbox in
    /// the transaction that stores the code.
    async fn send_code_worded(
        &self,
        text: &(dyn for<'c> Fn(&'c str) -> Sms + Send + Sync),
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>>;
    /// When the newest live (unused, unexpired) code for this purpose and
    /// subject was sent, if there is one: a person who reloads the page may
    /// go on with the code already on its way.
    async fn live_code_sent_at(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        now_ms: i64,
    ) -> PortResult<Option<i64>>;
    /// Checks and, when right, uses up the code (single use).
    async fn use_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        code: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), CodeRejection>>;
    /// Deletes the codes that can no longer be used once the sending quota
    /// no longer counts them (`policy::SMS_CODE_KEPT_SECS`); answers how
    /// many went.
    async fn delete_spent_codes(&self, now_ms: i64) -> PortResult<usize>;
}

/// Password hashing (argon2id on the server, off the async threads).
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &str) -> PortResult<String>;
    /// Checks a password; with no stored hash, spends the same time and fails
    /// (so timing does not tell whether an account exists).
    async fn verify(&self, password: &str, hash: Option<&str>) -> bool;
}

/// Staff reads of a person's record (谁查看过我的信息): written whenever a
/// staff member opens someone's record, read by that person.
#[async_trait]
pub trait RecordViews: Send + Sync {
    /// Writes the read to the audit log with the person's account id and
    /// the reason (`application:NO`, `window:…`).
    async fn record_view(&self, person_account_id: i64, why: &str, actor: &Actor)
        -> PortResult<()>;
    /// The newest reads of the person's record, newest first.
    async fn views_of(&self, person_account_id: i64, limit: i64) -> PortResult<Vec<RecordView>>;
}

/// A new registration window, checked by the service.
#[derive(Clone, Debug)]
pub struct NewWindow {
    pub code: String,
    pub name: String,
    pub address: String,
    pub serves_units: bool,
    pub phone: String,
}

/// The administrator's registration windows (注册窗口管理).
#[async_trait]
pub trait WindowAdmin: Send + Sync {
    /// Adds a window; `Conflict(WINDOW_CODE)` when the code is taken.
    /// Audited.
    async fn add_window(&self, new: NewWindow, actor: &Actor) -> PortResult<i64>;
    /// Changes a window's name, address and phone; false when there is no
    /// such window. Audited.
    async fn update_window(
        &self,
        id: i64,
        name: &str,
        address: &str,
        phone: &str,
        actor: &Actor,
    ) -> PortResult<bool>;
}
