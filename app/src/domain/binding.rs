//! Binding vehicles and driving licences to an account (绑定机动车/驾驶证),
//! SPEC §3. The registry decides ownership; these rules decide who may bind
//! what.

use super::account::RegistrationChannel;
use super::services::{Refusal, MAX_NON_OWN_BINDINGS};
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

/// Normalises what was typed as the VIN's last six characters.
pub fn parse_vin_suffix(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    (s.chars().count() == VIN_SUFFIX_LEN && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(s)
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
    fn vin_suffix_is_six_letters_or_digits() {
        assert_eq!(parse_vin_suffix(" 12ab3c "), Some("12AB3C".into()));
        assert_eq!(parse_vin_suffix("12345"), None);
        assert_eq!(parse_vin_suffix("12345-"), None);
    }
}
