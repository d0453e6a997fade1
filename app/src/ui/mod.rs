//! The user interface: the HTML shell, the routes, components and pages.
//!
//! Pages render on the server. Only components marked `#[island]` are
//! hydrated in the browser, which keeps the WASM small for phones on weak
//! networks.

pub mod assets;
pub mod components;
pub mod form_error;
pub mod pages;

pub use form_error::{form_error_from_url, InitialError};

use crate::features::accounts::SessionAccount;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::SsrMode;

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = use_lang();
    let large_text = crate::i18n::use_text_size() == crate::i18n::TextSize::Large;
    #[cfg(feature = "ssr")]
    set_security_headers();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() class=large_text.then_some("text-large")>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="stylesheet" id="leptos" href=assets::stylesheet_href(&options) />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Content-Security-Policy with this response's nonce, so that only the
/// framework's own bootstrap script runs inline; WASM needs
/// 'wasm-unsafe-eval'.
#[cfg(feature = "ssr")]
fn set_security_headers() {
    use http::header::HeaderValue;
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    // A roaming agreement (/roam/authorize) posts here and is sent on to
    // the peer that asked: the trusted peers' origins may receive forms.
    let peers: String = profile()
        .peers
        .iter()
        .filter_map(|p| p.origin())
        .map(|o| format!(" {o}"))
        .collect();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'{peers}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&csp),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        // A page with someone's records is never kept by the browser: after
        // logging out, Back must not show it, and Back to a form that was
        // submitted asks the server again (which knows it was submitted).
        let cache = if session_account().is_some() {
            "private, no-store"
        } else {
            "no-cache"
        };
        response.insert_header(http::header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
}

/// The routes of the portal, the unit dashboard and the staff console.
/// Pages render completely before the response starts (`SsrMode::Async`),
/// so redirects and status codes set while rendering take effect and no
/// streaming scripts are needed.
#[component]
pub fn App() -> impl IntoView {
    use pages::*;
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=public::NotFound>
                <Route path=path!("/") view=public::Home ssr=SsrMode::Async />
                <Route path=path!("/windows") view=public::Windows ssr=SsrMode::Async />
                <Route path=path!("/verify") view=verify::VerifyPage ssr=SsrMode::Async />
                <Route path=path!("/licence-check") view=licence_check::LicenceCheckPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/roam/authorize") view=roaming_consent::RoamingConsentPage ssr=SsrMode::Async />
                <Route path=path!("/login/operator") view=operator_login::OperatorLoginPage ssr=SsrMode::Async />
                <Route path=path!("/login/operator/activate") view=operator_login::OperatorActivatePage ssr=SsrMode::Async />
                <Route path=path!("/password-reset") view=password_reset::PasswordResetPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=register::RegisterChoice ssr=SsrMode::Async />
                <Route path=path!("/register/unit") view=register::UnitRegistrationInfo ssr=SsrMode::Async />
                <Route path=path!("/register/online") view=register::OnlineRegistrationPage ssr=SsrMode::Async />
                <Route path=path!("/account") view=account::AccountHome ssr=SsrMode::Async />
                <Route path=path!("/unit") view=unit::UnitHome ssr=SsrMode::Async />
                <Route path=path!("/unit/vehicles") view=unit_vehicles::UnitVehiclesPage ssr=SsrMode::Async />
                <Route path=path!("/unit/violations") view=unit_violations::UnitViolationsPage ssr=SsrMode::Async />
                <Route path=path!("/unit/drivers") view=unit_drivers::UnitDriversPage ssr=SsrMode::Async />
                <Route path=path!("/unit/drivers/confirm") view=unit_drivers::UnitDriverConfirmPage ssr=SsrMode::Async />
                <Route path=path!("/exams/queue") view=exam_queue::ExamQueueListPage ssr=SsrMode::Async />
                <Route path=path!("/exams/queue/:id") view=exam_queue::ExamQueuePage ssr=SsrMode::Async />
                <Route path=path!("/unit/exams") view=unit_exams::UnitExamsPage ssr=SsrMode::Async />
                <Route path=path!("/unit/learners") view=unit_learners::UnitLearnersPage ssr=SsrMode::Async />
                <Route path=path!("/unit/temporary-plates") view=unit_temporary_plates::UnitTemporaryPlatesPage ssr=SsrMode::Async />
                <Route path=path!("/unit/temporary-plates/:id") view=temporary_plate_sheet::TemporaryPlateSheetPage ssr=SsrMode::Async />
                <Route path=path!("/temporary-plates/check") view=temporary_plates::TemporaryPlateCheckPage ssr=SsrMode::Async />
                <Route path=path!("/account/temporary-plates") view=temporary_plates::MyTemporaryPlatesPage ssr=SsrMode::Async />
                <Route path=path!("/unit/operators") view=unit_operators::UnitOperatorsPage ssr=SsrMode::Async />
                <Route path=path!("/unit/audit") view=unit_audit::UnitAuditPage ssr=SsrMode::Async />
                <Route path=path!("/unit/api-keys") view=unit_api_keys::UnitApiKeysPage ssr=SsrMode::Async />
                <Route path=path!("/account/vehicles") view=vehicles::VehiclesPage ssr=SsrMode::Async />
                <Route path=path!("/account/vehicles/confirm") view=vehicles::ConfirmOtherVehiclePage ssr=SsrMode::Async />
                <Route path=path!("/account/licence") view=licence::LicencePage ssr=SsrMode::Async />
                <Route path=path!("/account/licence/share") view=licence_share::LicenceSharePage ssr=SsrMode::Async />
                <Route path=path!("/account/licence/photo") view=photo::LicencePhotoPage ssr=SsrMode::Async />
                <Route path=path!("/account/violations") view=violations::ViolationsPage ssr=SsrMode::Async />
                <Route path=path!("/account/violations/:id") view=violations::ViolationPage ssr=SsrMode::Async />
                <Route path=path!("/account/receipts/:no") view=violations::ReceiptPage ssr=SsrMode::Async />
                <Route path=path!("/account/messages") view=violations::MessagesPage ssr=SsrMode::Async />
                <Route path=path!("/account/record-views") view=record_views::RecordViewsPage ssr=SsrMode::Async />
                <Route path=path!("/account/blacklist") view=blacklist::BlacklistPage ssr=SsrMode::Async />
                <Route path=path!("/account/contact") view=contact::ContactChangePage ssr=SsrMode::Async />
                <Route path=path!("/account/plates") view=plates::PlatesPage ssr=SsrMode::Async />
                <Route path=path!("/account/exams") view=exams::ExamsPage ssr=SsrMode::Async />
                <Route path=path!("/account/plates/draw") view=plates::PlateDrawPage ssr=SsrMode::Async />
                <Route path=path!("/account/plates/custom") view=plates::PlateCustomPage ssr=SsrMode::Async />
                <Route path=path!("/account/plates/hold") view=plates::PlateHoldPage ssr=SsrMode::Async />
                <Route path=path!("/account/applications") view=applications::ApplicationsPage ssr=SsrMode::Async />
                <Route path=path!("/account/applications/:no") view=applications::ApplicationPage ssr=SsrMode::Async />
                <Route path=path!("/account/apply/:code") view=apply::ApplyPage ssr=SsrMode::Async />
                <Route path=path!("/account/apply/:code/check") view=apply::CheckApplicationPage ssr=SsrMode::Async />
                <Route path=path!("/staff/applications") view=staff_queue::StaffApplicationsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/applications/:no") view=staff_applications::StaffApplicationPage ssr=SsrMode::Async />
                <Route path=path!("/login/second-factor") view=staff_login::SecondFactorPage ssr=SsrMode::Async />
                <Route path=path!("/staff") view=staff::StaffHome ssr=SsrMode::Async />
                <Route path=path!("/staff/admin/staff") view=staff_admin::StaffAccountsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/accounts") view=staff_supervision::AccountSearchPage ssr=SsrMode::Async />
                <Route path=path!("/staff/accounts/:id") view=staff_supervision::AccountFilePage ssr=SsrMode::Async />
                <Route path=path!("/staff/appeals") view=staff_supervision::AppealQueuePage ssr=SsrMode::Async />
                <Route path=path!("/staff/refunds") view=staff_refunds::RefundsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/exams") view=staff_exams::ExamSessionsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/plates") view=staff_plates::PlatePoolsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/windows") view=staff_windows::WindowsPage ssr=SsrMode::Async />
                <Route path=path!("/staff/windows/:id") view=staff_windows::WindowPage ssr=SsrMode::Async />
                <Route path=path!("/staff/exams/:id") view=staff_exams::ExamSessionPage ssr=SsrMode::Async />
                <Route path=path!("/staff/admin/staff/:id") view=staff_admin::StaffAccountPage ssr=SsrMode::Async />
                <Route path=path!("/staff/register/individual") view=staff_register::RegisterIndividualPage ssr=SsrMode::Async />
                <Route path=path!("/staff/register/unit") view=staff_register::RegisterUnitPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// This platform's configuration (province, cities, fees) while rendering
/// on the server; pages are not rendered in the browser, where it is empty.
pub fn profile() -> std::sync::Arc<crate::profile::PlatformProfile> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ports::Ports>()
            .map(|p| p.profile.clone())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Default::default()
    }
}

/// The logged-in person's unread messages, counted when the request came
/// in (0 in the browser, where pages are not rendered).
pub fn unread_messages() -> i64 {
    #[cfg(feature = "ssr")]
    {
        crate::features::accounts::session::current_session()
            .map(|s| s.unread_messages)
            .unwrap_or(0)
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// True when the server runs in development mode (开发演示环境); pages
/// say so in a banner. Always false in the browser.
pub fn development_mode() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ports::Ports>().is_some_and(|p| p.development)
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The logged-in account while rendering on the server (pages are not
/// rendered in the browser, so there it is always None).
pub fn session_account() -> Option<SessionAccount> {
    #[cfg(feature = "ssr")]
    {
        crate::features::accounts::session::current_account()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Sends the visitor to the login page when nobody is logged in (server
/// side), with the page they asked for as `next` so that login brings them
/// back to it; sends staff from citizens' `/account` pages to the console.
pub fn require_login_redirect() {
    #[cfg(feature = "ssr")]
    {
        let asked_for = use_context::<http::request::Parts>()
            .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_string()));
        // Staff do not use citizens' pages under their own account (the
        // server functions refuse them too): they go to their console.
        let location = match session_account() {
            None => login_location(asked_for.as_deref()),
            Some(a)
                if a.is_staff()
                    && asked_for
                        .as_deref()
                        .is_some_and(|p| p.starts_with("/account")) =>
            {
                "/staff".to_string()
            }
            // Units have their own dashboard; a person's pages send them there.
            Some(a) if matches!(a.role, crate::features::accounts::AccountRole::Unit { .. }) => {
                match asked_for.as_deref().and_then(unit_page_for) {
                    Some(page) => page.to_string(),
                    None => return,
                }
            }
            Some(_) => return,
        };
        // A page request is always a navigation: answer 303 whatever it accepts.
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&location),
        ) {
            response.set_status(http::StatusCode::SEE_OTHER);
            response.insert_header(http::header::LOCATION, value);
        }
    }
}

/// Where an account's home is: the staff console, the unit dashboard, or
/// the person's account page.
pub fn home_of(account: &SessionAccount) -> &'static str {
    use crate::features::accounts::AccountRole;
    match account.role {
        AccountRole::Staff { .. } => "/staff",
        AccountRole::Unit { .. } => "/unit",
        AccountRole::Individual { .. } => "/account",
    }
}

/// The unit page that stands for a person's page a unit asked for (None:
/// a page units use too, such as messages, plates or one violation).
pub fn unit_page_for(asked_for: &str) -> Option<&'static str> {
    let path = asked_for.split(['?', '#']).next().unwrap_or_default();
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if path == "/account" {
        Some("/unit")
    } else if under("/account/vehicles") {
        Some("/unit/vehicles")
    } else if path == "/account/violations" {
        Some("/unit/violations")
    } else if under("/account/licence") {
        Some("/unit/drivers")
    } else if [
        "/account/exams",
        "/account/applications",
        "/account/apply",
        "/account/blacklist",
        "/account/temporary-plates",
    ]
    .iter()
    .any(|p| under(p))
    {
        Some("/unit")
    } else {
        None
    }
}

/// The login page's address for someone who asked for `asked_for`: with
/// `?next=` when that is a page on this site worth returning to.
pub fn login_location(asked_for: Option<&str>) -> String {
    match asked_for.and_then(crate::policy::safe_return_path) {
        Some(path) if path != "/" => format!("/login?next={}", encode_query_value(path)),
        _ => "/login".to_string(),
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Today's date in China Standard Time, from the server's clock.
pub fn today() -> crate::domain::Date {
    #[cfg(feature = "ssr")]
    {
        if let Some(ports) = use_context::<crate::ports::Ports>() {
            return ports.clock.today();
        }
    }
    crate::domain::Date::new(2026, 1, 1).expect("valid date")
}

#[cfg(test)]
mod tests {
    use super::unit_page_for;

    #[test]
    fn a_unit_asking_for_a_persons_page_goes_to_its_own() {
        assert_eq!(unit_page_for("/account"), Some("/unit"));
        assert_eq!(unit_page_for("/account?welcome=1"), Some("/unit"));
        assert_eq!(
            unit_page_for("/account/vehicles/confirm"),
            Some("/unit/vehicles")
        );
        assert_eq!(
            unit_page_for("/account/violations"),
            Some("/unit/violations")
        );
        assert_eq!(
            unit_page_for("/account/licence/photo"),
            Some("/unit/drivers")
        );
        assert_eq!(unit_page_for("/account/apply/V1"), Some("/unit"));
        for shared in [
            "/account/violations/12",
            "/account/receipts/R1",
            "/account/messages",
            "/account/plates/draw",
            "/account/contact",
            "/account/record-views",
            "/account/licensed",
        ] {
            assert_eq!(unit_page_for(shared), None, "{shared}");
        }
    }
}
