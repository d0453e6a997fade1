//! Staff roles (民警岗位) and what each may do (岗位权限). One table decides
//! every staff permission; the server checks it on each call and the
//! console only shows what the role may use.

use super::coded_enum;
use serde::{Deserialize, Serialize};

/// A staff member's role in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffRole {
    /// 注册窗口民警: works at one registration window (individual or unit)
    /// and serves the people who come to it.
    WindowClerk,
    /// 业务中心民警: processes online applications (网上业务受理), their
    /// fulfilment and the refunds owed.
    CentreClerk,
    /// 审核民警 (主管): decides appeals, lifts blacklist entries and
    /// disables accounts.
    Supervisor,
    /// 系统管理员: manages staff accounts, registration windows, exam
    /// sessions and plate pools; does not act as a clerk.
    Admin,
}

coded_enum!(StaffRole {
    WindowClerk => ("window_clerk", "注册窗口民警", "Registration-window clerk"),
    CentreClerk => ("centre_clerk", "业务中心民警", "Business-centre clerk"),
    Supervisor => ("supervisor", "审核民警", "Supervisor"),
    Admin => ("admin", "系统管理员", "Administrator"),
});

/// One thing a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffPower {
    /// 窗口业务: register people at the window, upgrade an online
    /// registration, reset a forgotten password, change a lost phone.
    ServeAtWindow,
    /// 网上业务受理: read and process online applications.
    ProcessApplications,
    /// 退款登记: record the refund of money owed back.
    RecordRefunds,
    /// 查阅申请: read an application and its applicant's record (the
    /// supervisor reads to decide).
    ReadApplications,
    /// 申诉审核: decide a blacklisted person's appeal.
    DecideAppeals,
    /// 解除黑名单.
    LiftBlacklist,
    /// 停用、启用账户.
    DisableAccounts,
    /// 民警账户管理: create, disable, reset the password of staff.
    ManageStaff,
    /// 注册窗口管理.
    ManageWindows,
    /// 考试场次管理: create and close sessions, see bookings and ranks,
    /// run the allocation.
    ManageExamSessions,
    /// 号牌号段管理: load a range, withhold a series.
    ManagePlatePools,
}

coded_enum!(StaffPower {
    ServeAtWindow => ("serve_at_window", "窗口业务", "Window services"),
    ProcessApplications => ("process_applications", "网上业务受理", "Processing online applications"),
    RecordRefunds => ("record_refunds", "退款登记", "Recording refunds"),
    ReadApplications => ("read_applications", "查阅网上业务", "Reading online applications"),
    DecideAppeals => ("decide_appeals", "申诉审核", "Deciding appeals"),
    LiftBlacklist => ("lift_blacklist", "解除黑名单", "Lifting blacklist entries"),
    DisableAccounts => ("disable_accounts", "停用和启用账户", "Disabling and enabling accounts"),
    ManageStaff => ("manage_staff", "民警账户管理", "Managing staff accounts"),
    ManageWindows => ("manage_windows", "注册窗口管理", "Managing registration windows"),
    ManageExamSessions => ("manage_exam_sessions", "考试场次管理", "Managing exam sessions"),
    ManagePlatePools => ("manage_plate_pools", "号牌号段管理", "Managing plate pools"),
});

impl StaffRole {
    /// Whether this role may do it: the one permission table.
    pub fn may(self, power: StaffPower) -> bool {
        use StaffPower::*;
        match self {
            StaffRole::WindowClerk => matches!(power, ServeAtWindow),
            StaffRole::CentreClerk => {
                matches!(
                    power,
                    ProcessApplications | RecordRefunds | ReadApplications
                )
            }
            StaffRole::Supervisor => matches!(
                power,
                ReadApplications | DecideAppeals | LiftBlacklist | DisableAccounts
            ),
            StaffRole::Admin => matches!(
                power,
                ManageStaff | ManageWindows | ManageExamSessions | ManagePlatePools
            ),
        }
    }

    /// Whether the role works at a registration window (and so must have
    /// one assigned).
    pub fn needs_window(self) -> bool {
        self == StaffRole::WindowClerk
    }
}

impl StaffPower {
    /// The roles that hold it, in display order.
    pub fn holders(self) -> Vec<StaffRole> {
        holders_of(&[self])
    }

    /// "该功能仅限…使用": the roles that may, joined for a refusal.
    pub fn holders_zh(self) -> String {
        roles_zh(&self.holders())
    }

    pub fn holders_en(self) -> String {
        roles_en(&self.holders())
    }
}

/// The roles that hold any of the powers, in display order.
pub fn holders_of(powers: &[StaffPower]) -> Vec<StaffRole> {
    StaffRole::ALL
        .iter()
        .copied()
        .filter(|r| powers.iter().any(|p| r.may(*p)))
        .collect()
}

/// Roles named for a refusal: 业务中心民警、审核民警.
pub fn roles_zh(roles: &[StaffRole]) -> String {
    roles.iter().map(|r| r.zh()).collect::<Vec<_>>().join("、")
}

/// Roles named for a refusal: business-centre clerk or supervisor.
pub fn roles_en(roles: &[StaffRole]) -> String {
    let names: Vec<_> = roles.iter().map(|r| r.en().to_ascii_lowercase()).collect();
    names.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffPower::*;
    use StaffRole::*;

    #[test]
    fn every_power_has_a_holder_and_codes_round_trip() {
        for p in StaffPower::ALL {
            assert!(!p.holders().is_empty(), "{p:?} has no holder");
            assert_eq!(StaffPower::from_code(p.code()), Some(*p));
        }
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::from_code(r.code()), Some(*r));
        }
        assert_eq!(StaffRole::from_code("clerk"), None);
    }

    #[test]
    fn an_administrator_does_not_act_as_a_clerk() {
        for p in [
            ServeAtWindow,
            ProcessApplications,
            RecordRefunds,
            ReadApplications,
            DecideAppeals,
            LiftBlacklist,
            DisableAccounts,
        ] {
            assert!(!Admin.may(p), "admin may {p:?}");
        }
        assert!(Admin.may(ManageStaff));
    }

    #[test]
    fn each_role_holds_only_its_work() {
        assert_eq!(ServeAtWindow.holders(), vec![WindowClerk]);
        assert_eq!(ProcessApplications.holders(), vec![CentreClerk]);
        assert_eq!(RecordRefunds.holders(), vec![CentreClerk]);
        assert_eq!(ReadApplications.holders(), vec![CentreClerk, Supervisor]);
        for p in [DecideAppeals, LiftBlacklist, DisableAccounts] {
            assert_eq!(p.holders(), vec![Supervisor]);
        }
        for p in [
            ManageStaff,
            ManageWindows,
            ManageExamSessions,
            ManagePlatePools,
        ] {
            assert_eq!(p.holders(), vec![Admin]);
        }
        assert!(WindowClerk.needs_window());
        assert!(!CentreClerk.needs_window());
    }

    #[test]
    fn refusals_name_the_roles_that_may() {
        assert_eq!(ReadApplications.holders_zh(), "业务中心民警、审核民警");
        assert_eq!(
            ReadApplications.holders_en(),
            "business-centre clerk or supervisor"
        );
    }
}
