//! The templates: names, wording, parameters and their limits.

use super::*;
use crate::domain::application::ApplicationStatus;

#[test]
fn names_are_unique_and_found_again() {
    let mut names: Vec<&str> = SmsTemplate::ALL.iter().map(|t| t.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), SmsTemplate::ALL.len());
    for t in SmsTemplate::ALL {
        assert_eq!(SmsTemplate::from_name(t.name()), Some(*t));
        assert!(
            t.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{t}"
        );
    }
    assert_eq!(SmsTemplate::from_name("free_text"), None);
}

#[test]
fn every_variable_is_a_plain_name_used_once() {
    for t in SmsTemplate::ALL {
        let params = t.params();
        let mut unique = params.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), params.len(), "{t}: a variable twice");
        for p in params {
            assert!(
                !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{t}: variable {p:?}"
            );
        }
        assert!(!t.title().is_empty() && !t.pattern().contains("{}"), "{t}");
    }
    assert!(SmsTemplate::VerificationCode.carries_code());
    assert!(SmsTemplate::OwnerConsentCode.carries_code());
    assert!(!SmsTemplate::FinePaid.carries_code());
}

#[test]
fn rendered_texts_keep_the_wording_sent_before() {
    assert_eq!(
        Sms::verification_code("482483", 10).text(),
        "您的验证码为482483，10分钟内有效。请勿告诉他人。"
    );
    assert_eq!(
        Sms::vehicle_bound("冀A12345").text(),
        "您已成功绑定机动车冀A12345，可以在网上办理该车的相关业务。"
    );
    assert_eq!(
        Sms::fine_paid("200", "R2026").text(),
        "您已成功缴纳罚款200元，缴款凭证编号R2026。"
    );
    assert_eq!(
        Sms::application_status(
            ApplicationStatus::ReadyForPickup,
            "补领机动车号牌",
            "D1-20260101-0001",
            "",
            "2026-02-01",
            "石家庄市中华北大街1号",
        )
        .text(),
        "您申请的补领机动车号牌业务（D1-20260101-0001）的牌证已制好，请于2026-02-01前到互联网业务办理中心（石家庄市中华北大街1号）领取，逾期未领将被列入黑名单。"
    );
    assert_eq!(
        Sms::exam_result(false, 7, 3).text(),
        "您预约的考试（场次7）名额已满，排序第3名，未约上，请重新预约。"
    );
    assert_eq!(Sms::exam_result(true, 7, 1).title(), "考试预约成功");
    assert_eq!(
        Sms::blacklisted_refused_deliveries(3, "D1-1", "2027-01-01").text(),
        "因邮寄的牌证累计被拒收3次（最近一次为业务D1-1），您已被列入黑名单，2027-01-01前不能在网上申请补牌换证业务。"
    );
}

#[test]
fn every_status_has_its_template_and_title() {
    use ApplicationStatus as S;
    for status in [
        S::Submitted,
        S::Accepted,
        S::Rejected,
        S::Completed,
        S::Produced,
        S::Dispatched,
        S::DeliveryRefused,
        S::Delivered,
        S::ReadyForPickup,
        S::Collected,
        S::Uncollected,
    ] {
        let sms = Sms::application_status(
            status,
            "补领驾驶证",
            "D8-1",
            "材料不全",
            "2026-02-01",
            "某地",
        );
        assert!(!sms.text().contains("${"), "{status:?}: {}", sms.text());
        if status != S::Submitted {
            assert_eq!(
                sms.title(),
                format!("业务进度：{}", status.zh()),
                "{status:?}"
            );
        }
    }
}

#[test]
fn long_values_are_cut_to_the_providers_limit() {
    let reason = "材".repeat(80);
    let sms = Sms::application_status(
        ApplicationStatus::Rejected,
        "补领驾驶证",
        "D8-1",
        &reason,
        "",
        "",
    );
    let cut = sms.param("reason").unwrap();
    assert_eq!(cut.chars().count(), MAX_PARAM_CHARS);
    assert!(cut.ends_with('…'));
    for (_, v) in sms.params() {
        assert!(v.chars().count() <= MAX_PARAM_CHARS);
    }
}

#[test]
fn stored_parts_make_the_same_message_or_are_refused() {
    let sms = Sms::owner_consent_code("张**", "冀A12345", "482483", 10);
    let again = Sms::from_parts(sms.template().name(), sms.params().to_vec()).unwrap();
    assert_eq!(again, sms);
    // Order of the stored variables does not matter.
    let mut reversed = sms.params().to_vec();
    reversed.reverse();
    assert_eq!(
        Sms::from_parts("owner_consent_code", reversed).unwrap(),
        sms
    );
    assert_eq!(
        Sms::from_parts("nope", vec![]),
        Err(SmsPartsError::UnknownTemplate("nope".into()))
    );
    let wrong = Sms::from_parts("vehicle_bound", vec![("car".into(), "x".into())]);
    assert_eq!(
        wrong,
        Err(SmsPartsError::WrongParams(
            vec!["plate".into()],
            vec!["car".into()]
        ))
    );
}

#[test]
fn without_code_hides_only_the_code() {
    let sms = Sms::verification_code("482483", 10).without_code();
    assert_eq!(
        sms.text(),
        "您的验证码为******，10分钟内有效。请勿告诉他人。"
    );
    let plain = Sms::vehicle_unbound("冀A12345");
    assert_eq!(plain.without_code(), plain);
}
