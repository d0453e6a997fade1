//! The development SMS gateway (开发环境短信网关): writes each message to the
//! server log instead of a phone. The phone is always masked; the text
//! (and so a one-time code) only in development, where the browser tests
//! and a developer read it. Production refuses this gateway at start.

use app::domain::{PhoneNumber, Sms};
use app::ports::{SmsAccepted, SmsGateway, SmsRefused};
use async_trait::async_trait;

pub struct LogGateway {
    development: bool,
}

impl LogGateway {
    /// `development`: whether the text itself may be logged.
    pub fn new(development: bool) -> LogGateway {
        LogGateway { development }
    }

    /// The log line for a message: the template and the masked phone, and
    /// in development the text.
    pub fn line(&self, phone: &PhoneNumber, sms: &Sms) -> String {
        if self.development {
            format!(
                "SMS {} to {}: {}",
                sms.template(),
                phone.masked(),
                sms.text()
            )
        } else {
            format!(
                "SMS {} to {} (text not logged outside development)",
                sms.template(),
                phone.masked()
            )
        }
    }
}

#[async_trait]
impl SmsGateway for LogGateway {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, phone: &PhoneNumber, sms: &Sms) -> Result<SmsAccepted, SmsRefused> {
        tracing::info!(gateway = "log", "{}", self.line(phone, sms));
        Ok(SmsAccepted {
            provider_message_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_and_the_full_number_stay_out_of_the_log_outside_development() {
        let phone = PhoneNumber::parse("13912345678").unwrap();
        let sms = Sms::verification_code("482483", 10);
        let production = LogGateway::new(false).line(&phone, &sms);
        assert!(!production.contains("482483"), "{production}");
        assert!(!production.contains("13912345678"), "{production}");
        assert!(production.contains("verification_code"), "{production}");
        let development = LogGateway::new(true).line(&phone, &sms);
        assert!(development.contains("482483"), "{development}");
        assert!(!development.contains("13912345678"), "{development}");
    }
}
