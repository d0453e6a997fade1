//! The unit dashboard (单位用户工作台), the home of every unit account: who
//! the unit is, its numbers at a glance, what is waiting to be done, and the
//! services it may use; the unit's menu (`UnitNav`).

use crate::features::units::drivers::DriverCounts;
use crate::features::units::{unit_dashboard, FleetCounts, UnitOverview};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded};
use crate::ui::require_login_redirect;
use leptos::prelude::*;

/// The unit's menu, shown on every page a unit uses.
#[component]
pub fn UnitNav(lang: Lang, current: &'static str) -> impl IntoView {
    const ITEMS: [(&str, &str, &str); 13] = [
        ("/unit", "工作台", "Dashboard"),
        ("/unit/learners", "驾校学员", "Learners"),
        ("/unit/exams", "驾驶人体检", "Examinations"),
        ("/unit/temporary-plates", "临时号牌", "Temporary plates"),
        ("/unit/vehicles", "单位车辆", "Vehicles"),
        ("/unit/violations", "违法处理", "Violations"),
        ("/unit/drivers", "驾驶人", "Drivers"),
        ("/account/plates", "预选号牌", "Plate numbers"),
        ("/unit/operators", "经办人", "Operators"),
        ("/unit/audit", "操作记录", "Audit"),
        ("/unit/api-keys", "开放接口密钥", "API keys"),
        ("/account/messages", "消息中心", "Messages"),
        (
            "/account/record-views",
            "谁查看过本单位信息",
            "Who viewed our record",
        ),
    ];
    let pages = UnitPages::of_session();
    let items: Vec<_> = ITEMS
        .into_iter()
        .filter(|(href, ..)| pages.may_open(href))
        .collect();
    crate::ui::components::layout::subnav(lang, ("单位业务", "Unit services"), &items, current)
}

/// The unit pages this session may open: the unit's own account every
/// one; an operator (经办人) the dashboard and the pages of the services
/// granted (the server refuses the rest anyway). Read once per page.
pub struct UnitPages {
    /// An operator's services; None for the unit's own account.
    granted: Option<Vec<crate::domain::unit_operator::OperatorService>>,
    /// The unit is a hospital granted examinations or certificates.
    medical: bool,
    /// The unit is a car dealer granted temporary plates.
    dealer: bool,
    /// The unit is a driving school granted its learners' services.
    school: bool,
}

impl UnitPages {
    pub fn of_session() -> UnitPages {
        let account = crate::ui::session_account();
        let granted = |service: crate::domain::SpecialService| {
            account.as_ref().is_some_and(|a| match &a.role {
                crate::features::accounts::AccountRole::Unit { kind, granted, .. } => {
                    service.allowed_for(*kind) && granted.contains(&service)
                }
                _ => false,
            })
        };
        // The page lists the hospital's examinations: granted D8.
        let medical = granted(crate::domain::SpecialService::PhysicalExam);
        let dealer = granted(crate::domain::SpecialService::TemporaryPlates);
        let school = [
            crate::domain::SpecialService::LearnerAppointmentQuery,
            crate::domain::SpecialService::LearnerPreEntry,
            crate::domain::SpecialService::LearnerWindowRegistration,
        ]
        .into_iter()
        .any(granted);
        UnitPages {
            granted: account.and_then(|a| a.operator).map(|o| o.services),
            medical,
            dealer,
            school,
        }
    }

    pub fn may_open(&self, href: &str) -> bool {
        use crate::domain::unit_operator::OperatorService::*;
        let path = href.split('?').next().unwrap_or_default();
        if path == "/unit/exams" && !self.medical
            || path.starts_with("/unit/temporary-plates") && !self.dealer
            || path == "/unit/learners" && !self.school
            || path == "/unit/api-keys" && !(self.medical || self.dealer || self.school)
        {
            return false;
        }
        let Some(granted) = &self.granted else {
            return true;
        };
        // One plate's page is part of the plates' service.
        let path = if path.starts_with("/unit/temporary-plates/") {
            "/unit/temporary-plates"
        } else {
            path
        };
        let needs = match path {
            "/unit" => return true,
            "/unit/vehicles" => Vehicles,
            "/unit/violations" => Violations,
            "/unit/drivers" => Drivers,
            "/account/plates" => Plates,
            "/unit/exams" => Medical,
            "/unit/temporary-plates" => TemporaryPlates,
            "/unit/learners" => Learners,
            _ => return false,
        };
        granted.contains(&needs)
    }
}

#[component]
pub fn UnitHome() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| unit_dashboard());
    view! {
        <Page title_zh="单位用户工作台" title_en="Unit dashboard">
            <UnitNav lang current="/unit" />
            {when_loaded(lang, data, dashboard_view)}
        </Page>
    }
}

/// Sends an individual who opens a unit page to their own account page
/// (the server functions refuse them anyway).
pub fn require_unit_page() {
    #[cfg(feature = "ssr")]
    {
        use crate::features::accounts::AccountRole;
        let Some(account) = crate::ui::session_account() else {
            return;
        };
        let home = match account.role {
            AccountRole::Unit { .. } => return,
            AccountRole::Staff { .. } => "/staff",
            AccountRole::Individual { .. } => "/account",
        };
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::SEE_OTHER);
            response.insert_header(http::header::LOCATION, http::HeaderValue::from_static(home));
        }
    }
}

/// One number at a glance, linking to the table that lists it.
/// An operator not granted the table sees the number without the link.
fn figure(
    lang: Lang,
    pages: &UnitPages,
    value: i64,
    label: (String, String),
    href: &'static str,
) -> impl IntoView {
    let inner = view! {
        <span class="figure__value">{value}</span>
        <span class="figure__label">{lang.pick(&label.0, &label.1).to_string()}</span>
    };
    let body = if pages.may_open(href) {
        view! { <a class="figure__link" href=href>{inner}</a> }.into_any()
    } else {
        view! { <div class="figure__link">{inner}</div> }.into_any()
    };
    view! { <li class="figure">{body}</li> }
}

/// What is waiting to be done (待办事项), most pressing first.
fn tasks(lang: Lang, c: &FleetCounts) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut add = |n: i64, zh: String, en: String, href: &'static str| {
        if n > 0 {
            out.push((lang.pick(&zh, &en).to_string(), href));
        }
    };
    let elsewhere = c.violations_unhandled - c.violations_with_points - c.violations_online;
    add(
        c.fines_due,
        format!(
            "{}笔罚款待缴纳，共{}元（不含加处罚款）",
            c.fines_due, c.fines_due_yuan
        ),
        format!(
            "{} fines to pay, {} yuan before any late surcharge",
            c.fines_due, c.fines_due_yuan
        ),
        "/unit/violations?status=handled_unpaid",
    );
    add(
        c.violations_online,
        format!("{}起不记分的违法可由本单位网上处理", c.violations_online),
        format!(
            "{} violations without points the unit can handle here",
            c.violations_online
        ),
        "/unit/violations?status=unhandled&points=without",
    );
    add(
        c.violations_with_points,
        format!("{}起记分违法待指定驾驶人处理", c.violations_with_points),
        format!(
            "{} violations with points: name the driver for each",
            c.violations_with_points
        ),
        "/unit/violations?status=unhandled&points=with",
    );
    add(
        elsewhere,
        format!("{elsewhere}起不记分的违法需到窗口（非小型车）或违法发生地处理"),
        format!("{elsewhere} violations without points are handled at a counter (not small vehicles) or where they happened"),
        "/unit/violations?status=unhandled&points=without",
    );
    add(
        c.inspections_soon,
        format!("{}辆车检验有效期将在30日内届满或已过期", c.inspections_soon),
        format!(
            "{} vehicles are due for inspection within 30 days or overdue",
            c.inspections_soon
        ),
        "/unit/vehicles?binding=bound&due=1&sort=inspection",
    );
    add(
        c.bindable,
        format!("{}辆登记在本单位名下的机动车尚未绑定", c.bindable),
        format!(
            "{} vehicles registered to the unit are not bound yet",
            c.bindable
        ),
        "/unit/vehicles?binding=unbound",
    );
    out
}

/// What is waiting about the drivers: licences to renew, drivers to keep
/// off the road.
fn driver_tasks(lang: Lang, d: &DriverCounts) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if d.points_full > 0 {
        out.push((
            lang.pick(
                &format!("{}名驾驶人记满12分，须参加学习和考试后方可驾驶", d.points_full),
                &format!("{} drivers have 12 points and may not drive until they pass the study and test", d.points_full),
            )
            .to_string(),
            "/unit/drivers?show=points_full",
        ));
    }
    if d.expiring > 0 {
        out.push((
            lang.pick(
                &format!("{}名驾驶人的驾驶证将在90日内到期或已过期", d.expiring),
                &format!(
                    "{} drivers' licences expire within 90 days or have expired",
                    d.expiring
                ),
            )
            .to_string(),
            "/unit/drivers?show=expiring",
        ));
    }
    out
}

fn dashboard_view(lang: Lang, d: UnitOverview) -> impl IntoView {
    let row = summary_row(lang);
    let pages = UnitPages::of_session();
    let c = d.counts.clone();
    let figures = view! {
        <ul class="figures" aria-label=lang.pick("概况", "At a glance")>
            {figure(lang, &pages, c.bound, (format!("已绑定机动车（名下共{}辆）", c.registered), format!("vehicles bound (of {} registered)", c.registered)), "/unit/vehicles")}
            {figure(lang, &pages, c.violations_unhandled, ("待处理违法".into(), "violations to handle".into()), "/unit/violations?status=unhandled")}
            {figure(lang, &pages, c.fines_due, ("待缴罚款".into(), "fines to pay".into()), "/unit/violations?status=handled_unpaid")}
            {figure(lang, &pages, c.inspections_soon, ("30日内检验到期".into(), "inspections due in 30 days".into()), "/unit/vehicles?binding=bound&due=1&sort=inspection")}
            {figure(lang, &pages, d.drivers.bound, ("已绑定驾驶证".into(), "drivers' licences bound".into()), "/unit/drivers")}
            {figure(lang, &pages, d.drivers.expiring, ("驾驶证90日内到期".into(), "licences expiring in 90 days".into()), "/unit/drivers?show=expiring")}
            {figure(lang, &pages, d.drivers.points_full, ("驾驶人记满12分".into(), "drivers at 12 points".into()), "/unit/drivers?show=points_full")}
        </ul>
    };
    let mut todo = tasks(lang, &c);
    todo.extend(driver_tasks(lang, &d.drivers));
    // An operator's to-do list holds only what they may do.
    todo.retain(|(_, href)| pages.may_open(href));
    let todo = if todo.is_empty() {
        view! { <p>{lang.pick("暂无待办事项。", "Nothing is waiting.")}</p> }.into_any()
    } else {
        view! {
            <ul class="task-list" data-testid="tasks">
                {todo
                    .into_iter()
                    .map(|(text, href)| view! { <li><a href=href>{text}</a></li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let granted = if d.granted.is_empty() {
        lang.pick("无", "none").to_string()
    } else {
        d.granted
            .iter()
            .map(|s| lang.pick(s.zh(), s.en()))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "))
    };
    view! {
        <dl class="summary-list">
            {row("单位名称", "Unit", d.unit_name.clone())}
            {row("单位类别", "Kind of unit", lang.pick(d.kind.zh(), d.kind.en()).to_string())}
            {row("统一社会信用代码", "Unified social credit code", d.credit_code.clone())}
            {row("注册方式", "Registered", {
                let channel = crate::domain::RegistrationChannel::Window;
                let how = lang.pick(channel.zh(), channel.en()).to_string();
                match d.window.clone() {
                    Some(w) => format!("{how} · {w}"),
                    None => how,
                }
            })}
            {row("授权业务", "Services granted", granted)}
        </dl>
        <h2 class="heading-l">{lang.pick("概况", "At a glance")}</h2>
        {figures}
        <h2 class="heading-l">{lang.pick("待办事项", "Waiting to be done")}</h2>
        {todo}
        <h2 class="heading-l">{lang.pick("本单位可以办理的业务", "What the unit can do here")}</h2>
        <ul class="task-list">
            <li><a href="/unit/vehicles">{lang.pick("绑定、解绑本单位机动车，查询车辆状态和检验有效期", "Bind and unbind the unit's vehicles; see their status and inspection dates")}</a></li>
            <li><a href="/unit/violations">{lang.pick("查询绑定车辆的电子监控违法，处理不记分的违法并缴纳罚款", "See the camera-recorded violations of bound vehicles; handle those without points and pay the fines")}</a></li>
            <li><a href="/unit/drivers">{lang.pick("经驾驶人短信同意绑定其驾驶证，查询准驾车型、有效期、记分和状态；记分违法指定实际驾驶人处理", "Bind drivers' licences with their SMS consent and see class, validity, points and status; name the driver for a violation with points")}</a></li>
            <li><a href="/account/plates">{lang.pick("为本单位新车预选号牌", "Choose plate numbers for the unit's new vehicles")}</a></li>
            {pages.may_open("/unit/learners").then(|| view! {
                <li><a href="/unit/learners">{lang.pick("学员预录入，为学员注册平台账户，查询学员的考试预约、排序和成绩（经交管部门授权）", "Enter learners, register their platform accounts, and see their test bookings, ranks and results (granted by the traffic authority)")}</a></li>
            })}
            {pages.may_open("/unit/temporary-plates").then(|| view! {
                <li><a href="/unit/temporary-plates">{lang.pick("为本单位销售的新车核发临时行驶车号牌，打印、注销（经交管部门授权）", "Issue, print and revoke temporary plates for new vehicles the unit sold (granted by the traffic authority)")}</a></li>
            })}
            {pages.may_open("/unit/exams").then(|| view! {
                <li><a href="/unit/exams">{lang.pick("录入驾驶人体检结果，为驾驶人提交身体条件证明（经交管部门授权）", "Record drivers' examinations and submit their physical-condition certificates (granted by the traffic authority)")}</a></li>
            })}
        </ul>
        <p class="hint">{lang.pick(
            "记分的违法由实际驾驶人处理，记分记入驾驶人的驾驶证。单位信息变更、经办人变更和委托业务授权，请到单位用户注册窗口办理。",
            "Violations with points are handled by the driver who drove, on the driver's licence. Changes to the unit's details, its agent and its grants are made at the unit registration window.",
        )}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::UnitPages;
    use crate::domain::unit_operator::OperatorService;

    #[test]
    fn an_operator_opens_the_dashboard_and_the_pages_granted_only() {
        let agent = UnitPages {
            granted: None,
            medical: false,
            dealer: false,
            school: false,
        };
        assert!(agent.may_open("/unit/audit") && agent.may_open("/unit/drivers"));
        assert!(!agent.may_open("/unit/exams"), "only a hospital examines");
        let hospital = UnitPages {
            granted: Some(vec![OperatorService::Medical]),
            medical: true,
            dealer: false,
            school: false,
        };
        assert!(hospital.may_open("/unit/exams") && !hospital.may_open("/unit/drivers"));
        let operator = UnitPages {
            granted: Some(vec![OperatorService::Violations]),
            medical: true,
            dealer: false,
            school: false,
        };
        assert!(!operator.may_open("/unit/exams"));
        assert!(operator.may_open("/unit"));
        assert!(operator.may_open("/unit/violations?status=unhandled"));
        assert!(!operator.may_open("/unit/vehicles"));
        assert!(!operator.may_open("/unit/operators"));
        assert!(!operator.may_open("/account/messages"));
        assert!(
            !agent.may_open("/unit/temporary-plates"),
            "only a dealer issues plates"
        );
        let dealer = UnitPages {
            granted: Some(vec![OperatorService::TemporaryPlates]),
            medical: false,
            dealer: true,
            school: false,
        };
        assert!(
            dealer.may_open("/unit/temporary-plates")
                && dealer.may_open("/unit/temporary-plates/7")
        );
        assert!(!dealer.may_open("/unit/vehicles"));
    }
}
