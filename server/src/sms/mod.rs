//! SMS (短信): the settings, the two gateways behind the `SmsGateway` port
//! (the development log and Alibaba Cloud SMS) and the outbox worker that
//! delivers what the store queued. Messages are templates
//! (`app::domain::sms`); the store writes them to the outbox inside the
//! transaction of the change that caused them.

pub mod aliyun;
pub mod log;
pub mod outbox;
pub mod settings;

pub use outbox::Outbox;
pub use settings::{GatewayChoice, SmsSettings, DEV_SMS_CODE_SECRET};

use app::ports::{Clock, SmsGateway};
use std::sync::Arc;

/// The gateway the settings choose. Production never gets here with the
/// log gateway (`Config::production_problems` refuses it); `development`
/// decides whether the log gateway may write a message's text.
pub fn gateway(
    settings: &SmsSettings,
    development: bool,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn SmsGateway>, String> {
    let problems = settings.problems();
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    match settings.gateway {
        GatewayChoice::Aliyun => Ok(Arc::new(aliyun::AliyunGateway::new(
            &settings.aliyun,
            clock,
        )?)),
        GatewayChoice::Log => Ok(Arc::new(log::LogGateway::new(development))),
        GatewayChoice::Unset | GatewayChoice::Unknown(_) => {
            Err("no SMS gateway is configured (SMS_GATEWAY)".into())
        }
    }
}
