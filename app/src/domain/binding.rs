//! Binding vehicles and driving licences to an account (绑定机动车/驾驶证),
//! SPEC §3. The registry decides ownership; these rules decide who may bind
//! what.

use super::account::RegistrationChannel;
use super::services::{Refusal, MAX_NON_OWN_BINDINGS};
use super::sms::Sms;
use super::violation::BindingKind;

/// Who is binding, as far as the binding rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binder {
    Individual(RegistrationChannel),
    Unit,
}

/// May this account bind one more vehicle of this kind, holding
/// `non_own_bound` vehicles not in its name already?
///
/// Everyone binds their own vehicles (a unit: the unit's vehicles). Only a
/// window-registered individual binds vehicles not in their name, at most
/// three (本人名下以外的机动车最多3辆).
pub fn may_bind_vehicle(
    binder: Binder,
    kind: BindingKind,
    non_own_bound: usize,
) -> Result<(), Refusal> {
    match (binder, kind) {
        (_, BindingKind::Own) => Ok(()),
        (Binder::Unit, BindingKind::NonOwn) => Err(Refusal {
            rule_zh: "单位用户只能绑定登记在本单位名下的机动车。".into(),
            rule_en: "A unit can bind only the vehicles registered in its own name.".into(),
            remedy_zh: "请核对号牌号码是否为本单位车辆。".into(),
            remedy_en: "Check that the plate belongs to one of the unit's vehicles.".into(),
        }),
        (Binder::Individual(RegistrationChannel::Online), BindingKind::NonOwn) => Err(Refusal {
            rule_zh: "网上注册用户只能绑定本人名下的机动车；绑定他人机动车仅限窗口注册用户。".into(),
            rule_en: "Online-registered users can bind only their own vehicles; binding other people's vehicles is for window-registered users.".into(),
            remedy_zh: "请携带本人身份证明到任一个人用户注册窗口办理注册。".into(),
            remedy_en: "Register at any individual registration window with your identity document.".into(),
        }),
        (Binder::Individual(RegistrationChannel::Window), BindingKind::NonOwn) => {
            if non_own_bound >= MAX_NON_OWN_BINDINGS {
                Err(non_own_limit_reached())
            } else {
                Ok(())
            }
        }
    }
}

/// The refusal of a fourth vehicle not in the person's name.
pub fn non_own_limit_reached() -> Refusal {
    Refusal {
        rule_zh: format!("窗口注册用户最多可以绑定{MAX_NON_OWN_BINDINGS}辆非本人名下的机动车，您已绑定{MAX_NON_OWN_BINDINGS}辆。"),
        rule_en: format!("A window-registered user can bind at most {MAX_NON_OWN_BINDINGS} vehicles not in their name; you have bound {MAX_NON_OWN_BINDINGS}."),
        remedy_zh: "如需绑定其他车辆，请先解绑一辆非本人名下的机动车。".into(),
        remedy_en: "To bind another, first unbind one of the vehicles not in your name.".into(),
    }
}

/// How many characters of the VIN (车辆识别代号) the person types to show
/// they have the vehicle's papers when binding a vehicle not in their name.
pub const VIN_SUFFIX_LEN: usize = 6;

/// Normalises what was typed as the VIN's last six characters (full-width
/// forms folded, as every typed code).
pub fn parse_vin_suffix(input: &str) -> Option<String> {
    let s: String = super::text::fold_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    (s.chars().count() == VIN_SUFFIX_LEN && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(s)
}

/// A person's name as shown to someone else: the surname and one asterisk
/// for every other character (张三 → 张*, 欧阳明华 → 欧***).
pub fn masked_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => "*".into(),
    }
}

/// The SMS that asks a vehicle's owner to agree to a binding: who asks,
/// for which vehicle, what the binding allows, the code and its lifetime.
/// The code is the only run of six digits in it (phones offer to fill it in).
pub fn owner_consent_sms(binder: &str, plate: &str, code: &str, minutes: i64) -> Sms {
    Sms::owner_consent_code(&masked_name(binder), plate, code, minutes)
}

/// What the owner is told once someone bound their vehicle.
pub fn owner_told_of_binding(binder: &str, plate: &str) -> Sms {
    Sms::owner_told_of_binding(&masked_name(binder), plate)
}

/// What the owner is told when someone else handled a violation of their
/// vehicle.
pub fn owner_told_of_handling(
    handler: &str,
    plate: &str,
    occurred: &str,
    description: &str,
    decision_no: &str,
) -> Sms {
    Sms::owner_told_of_handling(
        plate,
        occurred,
        description,
        &masked_name(handler),
        decision_no,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_binds_their_own() {
        for binder in [
            Binder::Unit,
            Binder::Individual(RegistrationChannel::Online),
            Binder::Individual(RegistrationChannel::Window),
        ] {
            assert!(may_bind_vehicle(binder, BindingKind::Own, 3).is_ok());
        }
    }

    #[test]
    fn only_window_individuals_bind_three_vehicles_not_their_own() {
        let window = Binder::Individual(RegistrationChannel::Window);
        assert!(may_bind_vehicle(window, BindingKind::NonOwn, 0).is_ok());
        assert!(may_bind_vehicle(window, BindingKind::NonOwn, 2).is_ok());
        let fourth = may_bind_vehicle(window, BindingKind::NonOwn, 3).unwrap_err();
        assert!(fourth.rule_zh.contains('3'));
        assert!(may_bind_vehicle(
            Binder::Individual(RegistrationChannel::Online),
            BindingKind::NonOwn,
            0
        )
        .is_err());
        assert!(may_bind_vehicle(Binder::Unit, BindingKind::NonOwn, 0).is_err());
    }

    #[test]
    fn names_are_masked_after_the_first_character() {
        assert_eq!(masked_name("张三"), "张*");
        assert_eq!(masked_name(" 欧阳明华 "), "欧***");
        assert_eq!(masked_name("李"), "李");
        assert_eq!(masked_name(""), "*");
    }

    #[test]
    fn the_owner_is_told_who_binds_which_vehicle_and_why() {
        let sms = owner_consent_sms("张三丰", "冀A12345", "482483", 10).text();
        assert!(sms.starts_with("张**申请"), "{sms}");
        assert!(!sms.contains("三丰"), "{sms}");
        assert!(sms.contains("冀A12345") && sms.contains("绑定"), "{sms}");
        assert!(sms.contains("验证码482483，10分钟内有效"), "{sms}");
        // The only run of six digits is the code (phones offer to fill it in).
        let runs: Vec<&str> = sms
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| run.len() >= 6)
            .collect();
        assert_eq!(runs, vec!["482483"], "{sms}");
        let after = owner_told_of_binding("张三丰", "冀A12345").text();
        assert!(
            after.contains("张**已将") && after.contains("冀A12345"),
            "{after}"
        );
        let handled = owner_told_of_handling(
            "王五",
            "冀A12345",
            "2026-11-20 08:15",
            "机动车违反禁止标线指示的",
            "1301002026112600000042",
        )
        .text();
        assert!(
            handled.contains("王*") && handled.contains("机动车违反禁止标线指示的"),
            "{handled}"
        );
    }

    #[test]
    fn vin_suffix_is_six_letters_or_digits() {
        assert_eq!(parse_vin_suffix(" 12ab3c "), Some("12AB3C".into()));
        assert_eq!(parse_vin_suffix("12345"), None);
        assert_eq!(parse_vin_suffix("12345-"), None);
    }
}
