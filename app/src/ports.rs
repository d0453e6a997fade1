//! The ports in one place: the traits the server implements (dependency
//! inversion: `app` never depends on `server`). Each is defined in its
//! feature's `port.rs`; server functions find them all in the Leptos
//! context as one [`Ports`] value.
//!
//! The read models the store builds are re-exported too, so that an
//! adapter needs only `use app::ports::*;`.

pub use crate::features::accounts::port::*;
pub use crate::features::api_keys::port::*;
pub use crate::features::applications::port::*;
pub use crate::features::bindings::port::*;
pub use crate::features::credentials::port::*;
pub use crate::features::exams::port::*;
pub use crate::features::fines::port::*;
pub use crate::features::learners::port::*;
pub use crate::features::licence_sharing::port::*;
pub use crate::features::messages::port::*;
pub use crate::features::photos::port::*;
pub use crate::features::physical_exams::port::*;
pub use crate::features::plates::port::*;
pub use crate::features::port::{Actor, AuditTrail, Clock};
pub use crate::features::roaming::port::*;
pub use crate::features::staff::port::*;
pub use crate::features::supervision::port::*;
pub use crate::features::temporary_plates::port::*;
pub use crate::features::units::drivers::port::*;
pub use crate::features::units::operators::port::*;
pub use crate::features::units::port::*;
pub use crate::port_error::{PortError, PortResult};

pub use crate::features::accounts::{RecordView, RegistrationWindow};
pub use crate::features::applications::{
    ApplicationDetail, ApplicationStep, ApplicationSummary, AuditEntry, BlacklistEntry,
};
pub use crate::features::bindings::{MyLicence, MyVehicle, UnboundVehicle};
pub use crate::features::fines::{PaidWithIt, Receipt, RefundItem, ViolationItem};
pub use crate::features::messages::Message;
pub use crate::features::supervision::{AccountFile, Appeal, AppealDecision};

use std::sync::Arc;

/// Everything the server functions need, provided as Leptos context: one
/// shared [`PortSet`], so each request's copy costs one reference count
/// (forty counts, on every request from every core, cost a tenth of the
/// plate rush's CPU).
#[derive(Clone)]
pub struct Ports(Arc<PortSet>);

impl Ports {
    pub fn new(set: PortSet) -> Ports {
        Ports(Arc::new(set))
    }
}

impl std::ops::Deref for Ports {
    type Target = PortSet;
    fn deref(&self) -> &PortSet {
        &self.0
    }
}

/// The ports themselves (see [`Ports`]).
pub struct PortSet {
    pub registry: Arc<dyn Registry>,
    pub accounts: Arc<dyn Accounts>,
    pub bindings: Arc<dyn Bindings>,
    pub fines: Arc<dyn Fines>,
    pub fine_payments: Arc<dyn FinePayments>,
    pub payments: Arc<dyn PaymentGateway>,
    pub messages: Arc<dyn Messages>,
    pub applications: Arc<dyn Applications>,
    pub progress: Arc<dyn ApplicationProgress>,
    pub blacklists: Arc<dyn Blacklists>,
    /// Account files, disabling accounts and appeals (审核).
    pub supervision: Arc<dyn Supervision>,
    /// The administrator's exam sessions (考试场次管理).
    pub exam_admin: Arc<dyn ExamSessionAdmin>,
    /// The administrator's registration windows (注册窗口管理).
    pub windows: Arc<dyn WindowAdmin>,
    /// The administrator's plate pools (号池管理).
    pub plate_pools: Arc<dyn PlatePoolAdmin>,
    /// Refunds of money paid twice (退款登记).
    pub refunds: Arc<dyn Refunds>,
    /// Staff reads of a person's record (谁查看过我的信息).
    pub record_views: Arc<dyn RecordViews>,
    /// The unit dashboard's fleet (单位车辆).
    pub units: Arc<dyn UnitFleet>,
    /// The drivers' licences units bind (单位驾驶人).
    pub unit_drivers: Arc<dyn UnitDrivers>,
    /// A unit's operators (经办人).
    pub unit_operators: Arc<dyn UnitOperators>,
    /// Hospitals' examinations and certificates (驾驶人体检).
    pub physical_exams: Arc<dyn PhysicalExams>,
    /// Dealers' temporary plates (临时号牌).
    pub temporary_plates: Arc<dyn TemporaryPlates>,
    /// Driving schools' learners (驾校学员).
    pub learners: Arc<dyn LearnerEntries>,
    /// The open API's keys (开放接口密钥).
    pub api_keys: Arc<dyn ApiKeys>,
    /// Licence share codes (驾驶证信息分享码).
    pub licence_shares: Arc<dyn LicenceShares>,
    /// Signed credentials issued (电子凭证).
    pub credentials: Arc<dyn Credentials>,
    /// This platform's signing keys and its trust list (签名密钥、信任列表).
    pub credential_keys: Arc<dyn CredentialKeys>,
    /// Roaming (漫游): codes, messages seen, roaming accounts, notices.
    pub roaming: Arc<dyn Roaming>,
    /// The link to peer platforms (server to server).
    pub peer_link: Arc<dyn PeerLink>,
    /// What peers said lately of their credentials (this app server's
    /// memory, shared by its requests).
    pub peer_answers: Arc<crate::features::roaming::peer_answers::PeerAnswers>,
    /// Staff accounts and their second factor (民警账户).
    pub staff: Arc<dyn StaffAccounts>,
    /// Security events and the audit log's hash chain (审计日志).
    pub audit: Arc<dyn AuditTrail>,
    pub photos: Arc<dyn LicencePhotos>,
    pub plates: Arc<dyn PlateSelection>,
    pub exams: Arc<dyn ExamBookings>,
    pub sms: Arc<dyn SmsCodes>,
    /// The SMS outbox's delivery, for the scheduled jobs.
    pub outbox: Arc<dyn SmsOutbox>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub clock: Arc<dyn Clock>,
    /// True in production: cookies get `Secure`.
    pub secure_cookies: bool,
    /// The platform's public address (`PLATFORM_PUBLIC_URL`), when set:
    /// what printed QR codes link to.
    pub public_url: Option<String>,
    /// Development mode (开发演示环境): every page says so.
    pub development: bool,
    /// This platform's province, cities, centres and fees (平台配置).
    pub profile: Arc<crate::profile::PlatformProfile>,
}
