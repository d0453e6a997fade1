//! The message of each occasion (短信): one constructor per template, with
//! the values in the template's order.

use super::{Sms, SmsTemplate};

impl Sms {
    pub fn verification_code(code: &str, minutes: i64) -> Sms {
        Sms::new(SmsTemplate::VerificationCode, &[code, &minutes.to_string()])
    }

    /// `binder` as shown to the owner (already masked by the caller).
    pub fn owner_consent_code(binder: &str, plate: &str, code: &str, minutes: i64) -> Sms {
        Sms::new(
            SmsTemplate::OwnerConsentCode,
            &[binder, plate, code, &minutes.to_string()],
        )
    }

    pub fn owner_told_of_binding(binder: &str, plate: &str) -> Sms {
        Sms::new(SmsTemplate::OwnerToldOfBinding, &[binder, plate])
    }

    pub fn owner_told_of_handling(
        plate: &str,
        occurred: &str,
        violation: &str,
        handler: &str,
        decision_no: &str,
    ) -> Sms {
        Sms::new(
            SmsTemplate::OwnerToldOfHandling,
            &[plate, occurred, violation, handler, decision_no],
        )
    }

    pub fn driver_consent_code(unit: &str, code: &str, minutes: i64) -> Sms {
        Sms::new(
            SmsTemplate::DriverConsentCode,
            &[unit, code, &minutes.to_string()],
        )
    }

    pub fn operator_activation_code(
        unit: &str,
        unit_code: &str,
        login: &str,
        code: &str,
        minutes: i64,
    ) -> Sms {
        Sms::new(
            SmsTemplate::OperatorActivationCode,
            &[unit, unit_code, login, code, &minutes.to_string()],
        )
    }

    pub fn physical_exam_recorded(
        hospital: &str,
        date: &str,
        class: &str,
        conclusion: &str,
        certificate: &str,
        until: &str,
    ) -> Sms {
        Sms::new(
            SmsTemplate::PhysicalExamRecorded,
            &[hospital, date, class, conclusion, certificate, until],
        )
    }

    /// `by`: the hospital's name, or "本人".
    pub fn physical_certificate_accepted(certificate: &str, by: &str, next_due: &str) -> Sms {
        Sms::new(
            SmsTemplate::PhysicalCertificateAccepted,
            &[certificate, by, next_due],
        )
    }

    pub fn temporary_plate_code(
        dealer: &str,
        model: &str,
        vin_tail: &str,
        from: &str,
        until: &str,
        code: &str,
        minutes: i64,
    ) -> Sms {
        Sms::new(
            SmsTemplate::TemporaryPlateCode,
            &[
                dealer,
                model,
                vin_tail,
                from,
                until,
                code,
                &minutes.to_string(),
            ],
        )
    }

    pub fn temporary_plate_issued(
        dealer: &str,
        vin_tail: &str,
        number: &str,
        from: &str,
        until: &str,
    ) -> Sms {
        Sms::new(
            SmsTemplate::TemporaryPlateIssued,
            &[dealer, vin_tail, number, from, until],
        )
    }

    pub fn temporary_plate_revoked(number: &str, dealer: &str, reason: &str) -> Sms {
        Sms::new(
            SmsTemplate::TemporaryPlateRevoked,
            &[number, dealer, reason],
        )
    }

    pub fn learner_entry_code(school: &str, class: &str, code: &str, minutes: i64) -> Sms {
        Sms::new(
            SmsTemplate::LearnerEntryCode,
            &[school, class, code, &minutes.to_string()],
        )
    }

    pub fn learner_registered(school: &str) -> Sms {
        Sms::new(SmsTemplate::LearnerRegistered, &[school])
    }

    pub fn unit_driver_bound(unit: &str) -> Sms {
        Sms::new(SmsTemplate::UnitDriverBound, &[unit])
    }

    /// `driver` as shown to the unit (already masked by the caller).
    pub fn unit_driver_ended(driver: &str) -> Sms {
        Sms::new(SmsTemplate::UnitDriverEnded, &[driver])
    }

    pub fn named_driver_code(
        unit: &str,
        plate: &str,
        occurred: &str,
        violation: &str,
        points: &str,
        code: &str,
        minutes: i64,
    ) -> Sms {
        Sms::new(
            SmsTemplate::NamedDriverCode,
            &[
                unit,
                plate,
                occurred,
                violation,
                points,
                code,
                &minutes.to_string(),
            ],
        )
    }

    pub fn driver_took_points(
        plate: &str,
        occurred: &str,
        violation: &str,
        unit: &str,
        points: &str,
        decision_no: &str,
    ) -> Sms {
        Sms::new(
            SmsTemplate::DriverTookPoints,
            &[plate, occurred, violation, unit, points, decision_no],
        )
    }

    pub fn vehicle_bound(plate: &str) -> Sms {
        Sms::new(SmsTemplate::VehicleBound, &[plate])
    }

    pub fn vehicle_unbound(plate: &str) -> Sms {
        Sms::new(SmsTemplate::VehicleUnbound, &[plate])
    }

    pub fn licence_bound() -> Sms {
        Sms::new(SmsTemplate::LicenceBound, &[])
    }

    pub fn licence_photo_submitted() -> Sms {
        Sms::new(SmsTemplate::LicencePhotoSubmitted, &[])
    }

    pub fn plate_preselected(vin_suffix: &str, plate: &str) -> Sms {
        Sms::new(SmsTemplate::PlatePreselected, &[vin_suffix, plate])
    }

    /// `due`: the last day to pay; `yuan`: the fine in yuan as shown.
    pub fn violation_fined(plate: &str, decision_no: &str, due: &str, yuan: &str) -> Sms {
        Sms::new(
            SmsTemplate::ViolationFined,
            &[plate, decision_no, due, yuan],
        )
    }

    pub fn violation_warned(plate: &str, decision_no: &str) -> Sms {
        Sms::new(SmsTemplate::ViolationWarned, &[plate, decision_no])
    }

    pub fn fine_paid(yuan: &str, receipt_no: &str) -> Sms {
        Sms::new(SmsTemplate::FinePaid, &[yuan, receipt_no])
    }

    pub fn payment_refund_due(order_no: &str, yuan: &str) -> Sms {
        Sms::new(SmsTemplate::PaymentRefundDue, &[order_no, yuan])
    }

    pub fn payment_refunded(order_no: &str, yuan: &str, reference: &str) -> Sms {
        Sms::new(SmsTemplate::PaymentRefunded, &[order_no, yuan, reference])
    }

    /// Where an application stands, told to the applicant: `service` is
    /// the service's Chinese name, `reason` the clerk's note (退办 only),
    /// `deadline` and `address` for collection (待领取 only).
    pub fn application_status(
        status: crate::domain::application::ApplicationStatus,
        service: &str,
        application_no: &str,
        reason: &str,
        deadline: &str,
        address: &str,
    ) -> Sms {
        use crate::domain::application::ApplicationStatus as S;
        let (template, more): (SmsTemplate, Vec<&str>) = match status {
            S::Submitted => (SmsTemplate::ApplicationSubmitted, vec![]),
            S::Accepted => (SmsTemplate::ApplicationAccepted, vec![]),
            S::Rejected => (SmsTemplate::ApplicationRejected, vec![reason]),
            S::Completed => (SmsTemplate::ApplicationCompleted, vec![]),
            S::Produced => (SmsTemplate::ApplicationProduced, vec![]),
            S::Dispatched => (SmsTemplate::ApplicationDispatched, vec![]),
            S::DeliveryRefused => (SmsTemplate::ApplicationDeliveryRefused, vec![]),
            S::Delivered => (SmsTemplate::ApplicationDelivered, vec![]),
            S::ReadyForPickup => (
                SmsTemplate::ApplicationReadyForPickup,
                vec![deadline, address],
            ),
            S::Collected => (SmsTemplate::ApplicationCollected, vec![]),
            S::Uncollected => (SmsTemplate::ApplicationUncollected, vec![]),
        };
        let mut values = vec![service, application_no];
        values.extend(more);
        Sms::new(template, &values)
    }

    /// Put on the blacklist for refused postal deliveries (累计拒收):
    /// `count` refusals, the last for `application_no`.
    pub fn blacklisted_refused_deliveries(count: u32, application_no: &str, until: &str) -> Sms {
        Sms::new(
            SmsTemplate::BlacklistedRefusedDeliveries,
            &[&count.to_string(), application_no, until],
        )
    }

    /// Put on the blacklist for documents not collected in time (逾期未领).
    pub fn blacklisted_uncollected(application_no: &str, until: &str) -> Sms {
        Sms::new(
            SmsTemplate::BlacklistedUncollected,
            &[application_no, until],
        )
    }

    pub fn blacklist_lifted() -> Sms {
        Sms::new(SmsTemplate::BlacklistLifted, &[])
    }

    pub fn appeal_received(application_no: &str) -> Sms {
        Sms::new(SmsTemplate::AppealReceived, &[application_no])
    }

    pub fn appeal_granted(application_no: &str) -> Sms {
        Sms::new(SmsTemplate::AppealGranted, &[application_no])
    }

    pub fn appeal_upheld(application_no: &str, reason: &str) -> Sms {
        Sms::new(SmsTemplate::AppealUpheld, &[application_no, reason])
    }

    pub fn account_disabled(reason: &str) -> Sms {
        Sms::new(SmsTemplate::AccountDisabled, &[reason])
    }

    pub fn account_enabled() -> Sms {
        Sms::new(SmsTemplate::AccountEnabled, &[])
    }

    pub fn upgraded_at_window(window: &str) -> Sms {
        Sms::new(SmsTemplate::UpgradedAtWindow, &[window])
    }

    /// To the old number: the phone was changed to `new_phone_masked`.
    pub fn phone_changed_at_window(new_phone_masked: &str) -> Sms {
        Sms::new(SmsTemplate::PhoneChangedAtWindow, &[new_phone_masked])
    }

    pub fn exam_booked(subject: &str, day: &str, period: &str) -> Sms {
        Sms::new(SmsTemplate::ExamBooked, &[subject, day, period])
    }

    /// The result of the allocation: `rank` counts from 1.
    pub fn exam_result(allocated: bool, session_id: i64, rank: usize) -> Sms {
        let template = if allocated {
            SmsTemplate::ExamAllocated
        } else {
            SmsTemplate::ExamNotAllocated
        };
        Sms::new(template, &[&session_id.to_string(), &rank.to_string()])
    }

    /// `record`: whose record changed (e.g. "机动车冀A12345"); `phone`:
    /// the new number, masked.
    pub fn contact_changed(record: &str, phone: &str) -> Sms {
        Sms::new(SmsTemplate::ContactChanged, &[record, phone])
    }

    /// `time`: when, China Standard Time; `device`: [`crate::domain::device::device_label`].
    pub fn new_device_login(time: &str, device: &str) -> Sms {
        Sms::new(SmsTemplate::NewDeviceLogin, &[time, device])
    }

    pub fn password_reset() -> Sms {
        Sms::new(SmsTemplate::PasswordReset, &[])
    }
}
