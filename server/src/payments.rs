//! The payment gateway (支付平台) adapters: Alipay (支付宝, [`alipay`]) for
//! real payments, and the simulated bank (模拟银行) in development. Their
//! HTTP side (the hand-off page, the notice, the return and the simulated
//! bank's pages) is in `http::payments`.
//!
//! The development adapter is a simulated bank: a checkout page where the
//! payer confirms, then a signed server-to-server notice (`/payments/notify`)
//! and a signed browser return (`/payments/return`). Notices are signed
//! with HMAC-SHA256 over `order_no|amount_fen|bank_ref` with the key shared
//! by the bank and every app server (`PAYMENT_SIGNING_KEY`). Settling is
//! idempotent, so the notice and the return — or a replayed notice, or two
//! tabs — record the payment once.

pub mod alipay;
pub mod rsa2;

use app::ports::{
    GatewayForm, GatewayMessage, NoticeChannel, NoticeRefusal, PayerDevice, PaymentGateway,
    PaymentNotice, PaymentOrder,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The simulated bank (模拟银行) used in development and tests.
#[derive(Clone)]
pub struct SimulatedBank {
    key: Vec<u8>,
}

impl SimulatedBank {
    pub fn new(key: &str) -> SimulatedBank {
        SimulatedBank {
            key: key.as_bytes().to_vec(),
        }
    }

    fn mac(&self, order_no: &str, amount_fen: i64, bank_ref: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{order_no}|{amount_fen}|{bank_ref}").as_bytes());
        mac
    }

    /// The bank's signature of a notice.
    pub fn sign(&self, order_no: &str, amount_fen: i64, bank_ref: &str) -> String {
        hex::encode(
            self.mac(order_no, amount_fen, bank_ref)
                .finalize()
                .into_bytes(),
        )
    }

    /// The bank pays each order once: its reference follows from the order.
    pub fn bank_ref(order_no: &str) -> String {
        format!(
            "BK{}",
            &crate::store::sha256_hex(order_no)[..16].to_uppercase()
        )
    }

    /// The notice as the bank sends it: the fields of [`PaymentNotice`].
    pub fn notice_fields(notice: &PaymentNotice) -> Vec<(String, String)> {
        vec![
            ("order_no".into(), notice.order_no.clone()),
            ("amount_fen".into(), notice.amount_fen.to_string()),
            ("bank_ref".into(), notice.bank_ref.clone()),
            ("signature".into(), notice.signature.clone()),
        ]
    }

    /// Whether the notice carries the bank's valid signature.
    pub fn verify(&self, notice: &PaymentNotice) -> bool {
        let Ok(signature) = hex::decode(&notice.signature) else {
            return false;
        };
        self.mac(&notice.order_no, notice.amount_fen, &notice.bank_ref)
            .verify_slice(&signature)
            .is_ok()
    }
}

impl PaymentGateway for SimulatedBank {
    fn checkout_url(&self, order: &PaymentOrder) -> String {
        format!("/dev/bank/checkout?order_no={}", order.order_no)
    }

    /// The bank's checkout page is on the platform itself: no hand-off.
    fn hand_off(&self, _order: &PaymentOrder, _device: PayerDevice) -> Option<GatewayForm> {
        None
    }

    /// The notice and the return carry the same signed fields; both pay.
    fn read_message(
        &self,
        _channel: NoticeChannel,
        fields: &[(String, String)],
    ) -> Result<GatewayMessage, NoticeRefusal> {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| NoticeRefusal::Malformed(format!("missing field `{name}`")))
        };
        let notice = PaymentNotice {
            order_no: field("order_no")?,
            amount_fen: field("amount_fen")?
                .parse()
                .map_err(|_| NoticeRefusal::Malformed("amount_fen is not a number".into()))?,
            bank_ref: field("bank_ref")?,
            signature: field("signature")?,
        };
        if !self.verify(&notice) {
            return Err(NoticeRefusal::NotAuthentic("bad signature".into()));
        }
        Ok(GatewayMessage::Paid(notice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let bank = SimulatedBank::new("k");
        let sig = bank.sign("FK1", 10000, "BK1");
        let mut notice = PaymentNotice {
            order_no: "FK1".into(),
            amount_fen: 10000,
            bank_ref: "BK1".into(),
            signature: sig,
        };
        assert!(bank.verify(&notice));
        let fields = SimulatedBank::notice_fields(&notice);
        for channel in [NoticeChannel::ServerNotice, NoticeChannel::BrowserReturn] {
            assert_eq!(
                bank.read_message(channel, &fields),
                Ok(GatewayMessage::Paid(notice.clone()))
            );
        }
        assert_eq!(
            bank.read_message(NoticeChannel::ServerNotice, &fields[..2]),
            Err(NoticeRefusal::Malformed("missing field `bank_ref`".into()))
        );
        notice.amount_fen = 1;
        assert_eq!(
            bank.read_message(
                NoticeChannel::ServerNotice,
                &SimulatedBank::notice_fields(&notice)
            ),
            Err(NoticeRefusal::NotAuthentic("bad signature".into()))
        );
        assert!(!bank.verify(&notice));
        notice.amount_fen = 10000;
        notice.signature = "zz".into();
        assert!(!bank.verify(&notice));
        assert!(!SimulatedBank::new("other").verify(&PaymentNotice {
            signature: bank.sign("FK1", 10000, "BK1"),
            ..notice
        }));
    }
}
