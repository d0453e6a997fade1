//! Document applications on both databases (业务申请): eligibility and
//! renewal, the blacklist, drafts.

mod appeals;
mod blacklist;
mod drafts;
mod eligibility;
mod queue;

use crate::helpers::*;
use app::features::applications::api::{StaffApplicationEvent, SubmitApplication};
use app::features::bindings::api::{BindLicence, BindOwnVehicle, MyVehicles};

/// An application for `service` about `subject`, nothing else filled in:
/// `SubmitApplication { fulfilment: …, ..application("D1", "licence") }`.
fn application(service: impl Into<String>, subject: impl Into<String>) -> SubmitApplication {
    SubmitApplication {
        service: service.into(),
        subject: subject.into(),
        reason: None,
        new_date: None,
        fulfilment: None,
        recipient: None,
        recipient_phone: None,
        address: None,
    }
}

/// An application collected in person (自取).
fn picked_up(service: impl Into<String>, subject: impl Into<String>) -> SubmitApplication {
    SubmitApplication {
        fulfilment: Some("self_pickup".into()),
        ..application(service, subject)
    }
}

const WINDOW: &str = "Window-registered individual";

/// The window user with their car and licence bound.
async fn window_user_ready(app: &TestApp) -> (reqwest::Client, i64) {
    let client = logged_in(app, WINDOW).await;
    let overview = app.call_fn(&client, MyVehicles {}).await.unwrap();
    let car = overview["unbound_own"][0]["vehicle_id"].as_i64().unwrap();
    app.call_fn(&client, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap();
    app.call_fn(&client, BindLicence {}).await.unwrap();
    (client, car)
}

async fn clerk_event(app: &TestApp, clerk: &reqwest::Client, no: &str, event: &str) -> Answer {
    app.call_fn(
        clerk,
        StaffApplicationEvent {
            application_no: no.to_string(),
            event: event.to_string(),
            // Handing to the post needs the tracking number (邮件号).
            note: (event == "dispatch").then(|| "EA123456789CN".to_string()),
        },
    )
    .await
}

async fn apply_lost_licence_by_post(app: &TestApp, client: &reqwest::Client) -> String {
    app.call_fn(
        client,
        SubmitApplication {
            fulfilment: Some("post".into()),
            recipient: Some("张伟".into()),
            recipient_phone: Some("13803110001".into()),
            address: Some("河北省石家庄市长安区中山东路100号3单元502室".into()),
            ..application("D1", "licence")
        },
    )
    .await
    .expect("application accepted")
    .as_str()
    .unwrap()
    .to_string()
}
