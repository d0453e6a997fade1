//! The traits the server implements (dependency inversion: `app` never
//! depends on `server`). Server functions find them in the Leptos context as
//! one [`Ports`] value.

pub use crate::api::applications::{
    ApplicationDetail, ApplicationStep, ApplicationSummary, AuditEntry, BlacklistEntry,
};
pub use crate::api::messages::Message;
pub use crate::api::vehicles::{MyLicence, MyVehicle, UnboundVehicle};
pub use crate::api::violations::{Receipt, ViolationItem};
pub use crate::api::RegistrationWindow;
use crate::api::SessionAccount;
use crate::domain::application::{ApplicationEvent, ApplicationStatus, TransitionRefused};
use crate::domain::fulfilment::Fulfilment;
use crate::domain::ServiceCode;
use crate::domain::{BindingKind, PlateNumber, VehicleType};
use crate::domain::{CreditCode, Date, IndividualKind, PhoneNumber, ResidentId, UnitKind};
use crate::domain::{PersonName, RegistrationChannel, SpecialService};
use async_trait::async_trait;
use std::sync::Arc;

pub use crate::port_error::{PortError, PortResult};

/// Who did something and from where (for the audit trail, 审计日志).
#[derive(Clone, Debug)]
pub struct Actor {
    /// The logged-in account, or None for an anonymous visitor.
    pub account_id: Option<i64>,
    pub ip: String,
}

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
}

/// What a login identifier can be.
#[derive(Clone, Debug)]
pub enum LoginIdentifier {
    IdNumber(ResidentId),
    CreditCode(CreditCode),
    Phone(PhoneNumber),
    StaffUsername(String),
}

/// A stored credential matching a login identifier.
#[derive(Clone, Debug)]
pub struct Credential {
    pub account_id: i64,
    pub password_hash: String,
    pub disabled: bool,
}

/// Registry look-ups (车驾管信息).
#[async_trait]
pub trait Registry: Send + Sync {
    async fn person(&self, id_number: &ResidentId) -> PortResult<Option<PersonRecord>>;
    async fn windows(&self) -> PortResult<Vec<RegistrationWindow>>;
    async fn window(&self, id: i64) -> PortResult<Option<RegistrationWindow>>;
}

/// Accounts, sessions and login throttling.
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn has_account(&self, id_number: &ResidentId) -> PortResult<bool>;
    async fn unit_registered(&self, credit_code: &CreditCode) -> PortResult<bool>;
    /// Creates the account and its audit record in one transaction.
    async fn create_individual(&self, new: NewIndividual, actor: &Actor) -> PortResult<i64>;
    async fn create_unit(&self, new: NewUnit, actor: &Actor) -> PortResult<i64>;
    async fn credentials(&self, identifier: &LoginIdentifier) -> PortResult<Vec<Credential>>;
    async fn session_account(&self, account_id: i64) -> PortResult<Option<SessionAccount>>;
    /// Starts a session with a fresh random token; returns the token (the
    /// store keeps only its hash).
    async fn create_session(
        &self,
        account_id: i64,
        actor: &Actor,
        user_agent: &str,
        now_ms: i64,
    ) -> PortResult<String>;
    /// The account of a live session, refreshing its idle timer; ends dead ones.
    async fn resolve_session(&self, token_hash: &str, now_ms: i64) -> PortResult<Option<i64>>;
    async fn end_session(&self, token_hash: &str, actor: &Actor) -> PortResult<()>;
    async fn record_login(
        &self,
        identifier: &str,
        ip: &str,
        ok: bool,
        now_ms: i64,
    ) -> PortResult<()>;
    /// Failures since `since_ms`: (for this identifier from this address, from this address).
    async fn recent_login_failures(
        &self,
        identifier: &str,
        ip: &str,
        since_ms: i64,
    ) -> PortResult<(i64, i64)>;
    /// The newest login failure for (identifier, ip), to time the delay from.
    async fn last_login_failure(&self, identifier: &str, ip: &str) -> PortResult<Option<i64>>;
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

impl CodeRejection {
    /// The error to show on the code field (the same words everywhere a
    /// code is typed).
    pub fn into_field_error(self, field: &str) -> crate::error::AppError {
        use crate::i18n::Text;
        let message = match self {
            CodeRejection::NoLiveCode => Text::new(
                "验证码已过期或已使用，请重新获取验证码",
                "The code has expired or was already used. Ask for a new code.",
            ),
            CodeRejection::Wrong { attempts_left } => Text::new(
                format!("验证码不正确，还可以再试{attempts_left}次"),
                format!("The code is wrong. You have {attempts_left} more tries."),
            ),
            CodeRejection::Exhausted => Text::new(
                "验证码错误次数过多已失效，请重新获取验证码",
                "Too many wrong tries: the code is void. Ask for a new code.",
            ),
        };
        crate::error::AppError::field(field, message)
    }
}

/// One-time SMS codes and the outgoing SMS queue (短信验证码/短信发件箱).
#[async_trait]
pub trait SmsCodes: Send + Sync {
    /// Sends a new code unless a quota says wait; returns Err(seconds) to wait.
    async fn send_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>>;
    /// Like `send_code`, worded for its purpose: `text` makes the message
    /// (without the signature) from the code, so that whoever receives it
    /// knows who asks for it and why.
    async fn send_code_worded(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
        text: &(dyn for<'c> Fn(&'c str) -> String + Send + Sync),
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
}

/// Password hashing (argon2id on the server, off the async threads).
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &str) -> PortResult<String>;
    /// Checks a password; with no stored hash, spends the same time and fails
    /// (so timing does not tell whether an account exists).
    async fn verify(&self, password: &str, hash: Option<&str>) -> bool;
}

/// Wall clock (China Standard Time dates); replaceable in tests.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn today(&self) -> Date {
        Date::from_unix_seconds(self.now_ms().div_euclid(1000), 8)
    }
}

/// Whose name a vehicle is registered in (机动车所有人), or who an account is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerKey {
    /// A person, by resident ID number.
    Person(String),
    /// An organisation, by unified social credit code.
    Organisation(String),
}

/// A vehicle as the registry holds it, for the binding rules.
#[derive(Clone, Debug)]
pub struct RegistryVehicle {
    pub id: i64,
    pub plate: Option<String>,
    pub vin: String,
    pub vehicle_type: VehicleType,
    pub owner: OwnerKey,
    /// The owner's phone on record (预留手机号码), for the owner's consent.
    pub owner_phone: String,
}

/// Whose contact details change: the driver (D3, by ID number) or the
/// owner's phone on one vehicle record (V4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactTarget {
    Driver(String),
    Owner(i64),
}

/// Why a binding was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum BindRejection {
    AlreadyBound,
    /// All three slots for vehicles not in the holder's name are taken.
    NonOwnSlotsFull,
}

/// Bindings (绑定) and the holder's view of the registry (我的机动车/驾驶证).
#[async_trait]
pub trait Bindings: Send + Sync {
    /// Who the account is in the registry (its ID number or credit code).
    async fn account_owner(&self, account_id: i64) -> PortResult<Option<OwnerKey>>;
    /// The vehicles bound to the account, with unhandled-violation counts.
    async fn bound_vehicles(&self, account_id: i64) -> PortResult<Vec<MyVehicle>>;
    /// Registered vehicles in the owner's name that the account has not bound.
    async fn unbound_own_vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
    ) -> PortResult<Vec<UnboundVehicle>>;
    async fn vehicle_by_plate(&self, plate: &PlateNumber) -> PortResult<Option<RegistryVehicle>>;
    async fn vehicle_by_id(&self, vehicle_id: i64) -> PortResult<Option<RegistryVehicle>>;
    /// Binds a vehicle. A vehicle not in the holder's name takes a free slot
    /// (the database refuses a fourth).
    async fn bind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>>;
    /// Unbinds; false when it was not bound.
    async fn unbind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// The licence held by this person (bound or not).
    async fn licence(&self, account_id: i64, id_number: &str) -> PortResult<Option<MyLicence>>;
    async fn bind_licence(
        &self,
        account_id: i64,
        id_number: &str,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>>;
    async fn unbind_licence(&self, account_id: i64, actor: &Actor) -> PortResult<bool>;
    /// Records the new phone on the registry record; tells the new and the
    /// old number.
    async fn change_contact(
        &self,
        account_id: i64,
        target: &ContactTarget,
        label: &str,
        phone: &crate::domain::PhoneNumber,
        actor: &Actor,
    ) -> PortResult<()>;
}

/// A payment order (缴款订单) for one violation's fine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentOrder {
    pub order_no: String,
    pub violation_id: i64,
    pub amount_fen: i64,
    pub status: String,
    pub expires_at: i64,
    pub receipt_no: Option<String>,
}

/// What the bank says happened (a signed callback or browser return).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentNotice {
    pub order_no: String,
    pub amount_fen: i64,
    pub bank_ref: String,
    pub signature: String,
}

/// The outcome of settling a bank notice. Settling is idempotent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// This notice paid the fine now.
    Paid {
        receipt_no: String,
        account_id: i64,
    },
    /// The order was already settled (a replayed callback, a second tab).
    AlreadyPaid {
        receipt_no: String,
        account_id: i64,
    },
    /// The money arrived for a fine another order had already paid: it is
    /// kept on record for refund (退款), never dropped.
    RefundDue {
        account_id: i64,
    },
    UnknownOrder,
    /// The amount differs from the order's: nothing is recorded as paid.
    AmountMismatch,
}

/// Why a payment order was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum PayRejection {
    NotHandledYet,
    AlreadyPaid {
        receipt_no: Option<String>,
    },
    /// No fine (a warning): there is nothing to pay.
    NothingToPay,
}

/// Violations, decisions and fine payments (违法处理与罚款缴纳).
#[async_trait]
pub trait Fines: Send + Sync {
    /// Violations of the account's bound vehicles, newest first.
    async fn violations(&self, account_id: i64) -> PortResult<Vec<ViolationItem>>;
    async fn violation(
        &self,
        account_id: i64,
        violation_id: i64,
    ) -> PortResult<Option<ViolationItem>>;
    /// Issues the penalty decision (unhandled → handled, unpaid). False when
    /// it was not unhandled any more (handled in another tab, say).
    async fn decide(
        &self,
        account_id: i64,
        violation_id: i64,
        decided_on: Date,
        actor: &Actor,
    ) -> PortResult<bool>;
    /// Opens the payment order for a handled fine, or returns the open one
    /// (so a double click or a second tab pays the same order).
    async fn open_payment(
        &self,
        account_id: i64,
        violation_id: i64,
        fine_fen: i64,
        surcharge_fen: i64,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<PaymentOrder, PayRejection>>;
    async fn payment_order(&self, order_no: &str) -> PortResult<Option<PaymentOrder>>;
    /// Records a verified bank notice (idempotent).
    async fn settle_payment(&self, notice: &PaymentNotice, now_ms: i64) -> PortResult<Settlement>;
    async fn receipt(&self, account_id: i64, receipt_no: &str) -> PortResult<Option<Receipt>>;
}

/// The payment gateway (支付平台). In development a simulated bank.
pub trait PaymentGateway: Send + Sync {
    /// Where the payer's browser goes to pay this order.
    fn checkout_url(&self, order: &PaymentOrder) -> String;
    /// Whether the notice carries the bank's valid signature.
    fn verify(&self, notice: &PaymentNotice) -> bool;
}

/// The message centre (消息中心).
#[async_trait]
pub trait Messages: Send + Sync {
    async fn messages(&self, account_id: i64, limit: i64) -> PortResult<Vec<Message>>;
    async fn mark_all_read(&self, account_id: i64, now_ms: i64) -> PortResult<()>;
    /// How many messages the account has not read (for the menu).
    async fn unread_count(&self, account_id: i64) -> PortResult<i64>;
}

/// A new application, checked against the rules.
#[derive(Clone, Debug)]
pub struct NewApplication {
    pub account_id: i64,
    pub service: ServiceCode,
    pub vehicle_id: Option<i64>,
    pub licence_id_number: Option<String>,
    pub subject_label: String,
    pub reason: Option<String>,
    pub new_date: Option<Date>,
    pub fulfilment: Option<Fulfilment>,
    /// For postal delivery: (recipient, phone, address).
    pub post: Option<(String, String, String)>,
    pub fee_fen: i64,
    pub postage_fen: i64,
    pub today: Date,
}

/// Document applications, their processing and the blacklist.
#[async_trait]
pub trait Applications: Send + Sync {
    /// Stores it with its first history step; answers the application
    /// number. With a draft, uses the draft up in the same transaction
    /// (None: the draft was already submitted).
    async fn submit(
        &self,
        new: NewApplication,
        draft: Option<i64>,
        actor: &Actor,
    ) -> PortResult<Option<String>>;
    /// Creates or updates a draft (草稿) of this account; answers its id.
    async fn save_draft(
        &self,
        account_id: i64,
        draft: Option<i64>,
        service: ServiceCode,
        input_json: &str,
    ) -> PortResult<i64>;
    async fn load_draft(
        &self,
        account_id: i64,
        draft: i64,
    ) -> PortResult<Option<(ServiceCode, String)>>;
    /// The number of the application submitted from this (now used) draft.
    async fn submitted_from_draft(&self, account_id: i64, draft: i64)
        -> PortResult<Option<String>>;
    async fn mine(&self, account_id: i64) -> PortResult<Vec<ApplicationSummary>>;
    async fn detail(&self, application_no: &str) -> PortResult<Option<ApplicationDetail>>;
    /// Open applications (or those in one status), oldest first.
    async fn queue(
        &self,
        status: Option<ApplicationStatus>,
        limit: i64,
    ) -> PortResult<Vec<ApplicationSummary>>;
    /// Moves the application on by a conditional update (None: no such
    /// application; Err: not possible from its status).
    async fn record_event(
        &self,
        application_no: &str,
        event: ApplicationEvent,
        note: &str,
        today: Date,
        actor: &Actor,
    ) -> PortResult<Option<Result<ApplicationStatus, TransitionRefused>>>;
    /// Blacklists applicants with 3 refused deliveries or an uncollected
    /// pick-up past its deadline. Safe to run on several servers at once.
    /// Answers how many new entries it made.
    async fn sweep_blacklist(&self, today: Date) -> PortResult<usize>;
    async fn blacklist_of(&self, account_id: i64) -> PortResult<Vec<BlacklistEntry>>;
    async fn lift_blacklist(&self, entry_id: i64, reason: &str, actor: &Actor) -> PortResult<bool>;
    /// The account's audit trail, newest first.
    async fn audit_trail(&self, account_id: i64, limit: i64) -> PortResult<Vec<AuditEntry>>;
}

/// Licence photos (驾驶证专用照片, D4).
#[async_trait]
pub trait LicencePhotos: Send + Sync {
    /// Keeps the newest photo for the driver (replacing an older one).
    async fn save_photo(
        &self,
        account_id: i64,
        id_number: &str,
        info: crate::domain::photo::PhotoInfo,
        bytes: &[u8],
        actor: &Actor,
    ) -> PortResult<()>;
    /// (MIME type, bytes) of the driver's photo.
    async fn photo(&self, id_number: &str) -> PortResult<Option<(String, Vec<u8>)>>;
    async fn photo_meta(&self, id_number: &str)
        -> PortResult<Option<crate::api::photo::PhotoMeta>>;
}

/// Plate pre-selection (机动车预选号牌): the pool, batches, holds and
/// confirmed choices. Every allocation is a conditional update or guarded
/// by a unique index; nothing is decided by reading then writing.
#[async_trait]
pub trait PlateSelection: Send + Sync {
    /// The owner's registered-to-be (no plate yet) vehicles with their state.
    async fn vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
        now_ms: i64,
    ) -> PortResult<Vec<crate::api::plates::PlateVehicle>>;
    /// Takes one of the vehicle's three batch slots and stores the seed.
    async fn prepare(
        &self,
        account_id: i64,
        vin: &str,
        city: &str,
        commitment: &str,
        server_seed_hex: &str,
        now_ms: i64,
    ) -> PortResult<Result<i64, crate::api::plates::PlateRefusal>>;
    async fn draw(
        &self,
        account_id: i64,
        batch_id: i64,
        client_nonce: &str,
        now_ms: i64,
    ) -> PortResult<Result<crate::api::plates::DrawnBatch, crate::api::plates::PlateRefusal>>;
    /// Holds a number for the vehicle: from a live batch (Some) or, for a
    /// custom number, straight from the pool (None).
    async fn hold(
        &self,
        account_id: i64,
        vin: &str,
        plate: &str,
        batch_id: Option<i64>,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<crate::api::plates::PlateHold, crate::api::plates::PlateRefusal>>;
    async fn batch(
        &self,
        account_id: i64,
        batch_id: i64,
    ) -> PortResult<Option<crate::api::plates::BatchView>>;
    async fn extend(
        &self,
        vin: &str,
        now_ms: i64,
    ) -> PortResult<Result<crate::api::plates::PlateHold, crate::api::plates::PlateRefusal>>;
    async fn confirm(
        &self,
        account_id: i64,
        vin: &str,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Result<String, crate::api::plates::PlateRefusal>>;
    /// Loads numbers into a city's pool (withheld ones are skipped by the
    /// caller); answers how many were new.
    async fn load_pool(&self, city: &str, plates: &[String], now_ms: i64) -> PortResult<usize>;
}

/// Driving-test booking (驾考预约).
#[async_trait]
pub trait ExamBookings: Send + Sync {
    /// The learner's file with results, booking counts and pending subjects.
    async fn record(
        &self,
        id_number: &str,
    ) -> PortResult<Option<crate::domain::exam::LearnerRecord>>;
    /// Sessions still collecting bookings.
    async fn open_sessions(&self, now_ms: i64) -> PortResult<Vec<crate::api::exams::ExamSession>>;
    /// Books; None when the learner already has an open booking for the
    /// subject (the unique index decides).
    async fn book(
        &self,
        account_id: i64,
        id_number: &str,
        session: &crate::api::exams::ExamSession,
        priority: Date,
        now_ms: i64,
        actor: &Actor,
    ) -> PortResult<Option<i64>>;
    async fn cancel(&self, account_id: i64, booking_id: i64, actor: &Actor) -> PortResult<bool>;
    async fn bookings(&self, account_id: i64) -> PortResult<Vec<crate::api::exams::ExamBooking>>;
    /// Allocates every session whose booking has closed (once each, safe on
    /// many servers). Answers how many sessions it allocated.
    async fn allocate_closed(&self, now_ms: i64) -> PortResult<usize>;
    /// Closes one session now and allocates it; answers the seats given.
    async fn close_and_allocate(&self, session_id: i64, now_ms: i64) -> PortResult<usize>;
}

/// Everything the server functions need, provided as Leptos context.
#[derive(Clone)]
pub struct Ports {
    pub registry: Arc<dyn Registry>,
    pub accounts: Arc<dyn Accounts>,
    pub bindings: Arc<dyn Bindings>,
    pub fines: Arc<dyn Fines>,
    pub payments: Arc<dyn PaymentGateway>,
    pub messages: Arc<dyn Messages>,
    pub applications: Arc<dyn Applications>,
    pub photos: Arc<dyn LicencePhotos>,
    pub plates: Arc<dyn PlateSelection>,
    pub exams: Arc<dyn ExamBookings>,
    pub sms: Arc<dyn SmsCodes>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub clock: Arc<dyn Clock>,
    /// True when served over HTTPS (cookies get `Secure`).
    pub secure_cookies: bool,
}
