//! The port of examinations and certificates: the hospital's records, the
//! driver's, and the yearly certificate date on the licence.

use super::{CertificateChannel, CertificateEntry, ExamEntry};
use crate::domain::physical_exam::ExamOnRecord;
use crate::domain::{Date, LicenceClass};
use crate::features::paging::{ListPage, PageRequest};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;

/// An examination to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewExam {
    pub hospital_account_id: i64,
    pub id_number: String,
    pub class: LicenceClass,
    pub exam: ExamOnRecord,
}

/// An examination found by its id, with whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamFound {
    pub entry: ExamEntry,
    pub id_number: String,
    pub hospital_account_id: i64,
}

/// What the licence says about the yearly certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateOwed {
    pub class: LicenceClass,
    /// 提交身体条件证明日期; None: not owed.
    pub due: Option<Date>,
}

/// A certificate to submit: moves the date owed from `due_before` to
/// `due_after`, only if the licence still says `due_before`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateSubmission {
    pub exam_id: i64,
    pub certificate_no: String,
    pub id_number: String,
    /// The account submitting: the hospital or the holder.
    pub account_id: i64,
    pub channel: CertificateChannel,
    /// Named in the driver's message: the hospital, or "本人".
    pub by: String,
    pub due_before: Date,
    pub due_after: Date,
}

/// What submitting a certificate came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateSubmitted {
    Submitted,
    /// The examination served a certificate already.
    AlreadyUsed,
    /// The date owed changed meanwhile (another certificate, a deferral).
    DueChanged,
}

/// Examinations and certificates (体检信息和身体条件证明).
#[async_trait]
pub trait PhysicalExams: Send + Sync {
    /// The name the registry holds for this ID number.
    async fn person_name(&self, id_number: &str) -> PortResult<Option<String>>;
    /// Records the examination with its certificate number; tells the
    /// driver and audits.
    async fn record(&self, new: &NewExam, actor: &Actor) -> PortResult<ExamEntry>;
    /// One page of the hospital's examinations, newest first; `person`:
    /// only those of this ID number or certificate number.
    async fn hospital_exams(
        &self,
        account_id: i64,
        person: Option<&str>,
        page: PageRequest,
    ) -> PortResult<ListPage<ExamEntry>>;
    /// The next `limit` examinations after `after_id`, in id order (the
    /// export), filtered like the page.
    async fn hospital_exams_after(
        &self,
        account_id: i64,
        person: Option<&str>,
        after_id: i64,
        limit: i64,
    ) -> PortResult<Vec<ExamEntry>>;
    async fn exam(&self, exam_id: i64) -> PortResult<Option<ExamFound>>;
    /// The person's newest examinations.
    async fn exams_of(&self, id_number: &str, limit: i64) -> PortResult<Vec<ExamEntry>>;
    /// The person's newest certificates.
    async fn certificates_of(
        &self,
        id_number: &str,
        limit: i64,
    ) -> PortResult<Vec<CertificateEntry>>;
    /// The licence's class and yearly certificate date; None: no licence.
    async fn certificate_owed(&self, id_number: &str) -> PortResult<Option<CertificateOwed>>;
    /// Submits it, unless the examination served a certificate already or
    /// the date owed changed meanwhile (nothing is kept then). Tells the
    /// driver and audits.
    async fn submit_certificate(
        &self,
        submission: &CertificateSubmission,
        actor: &Actor,
    ) -> PortResult<CertificateSubmitted>;
}
