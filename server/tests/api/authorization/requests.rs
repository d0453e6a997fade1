//! How the matrix asks: a concrete address for each entry, one request as
//! a browser sends it (a transport error fails the test), and what it got.

use super::O::{self, *};
use crate::helpers::*;
use server::http::routes::{RouteEntry, Via};

/// What one request got.
#[derive(Debug)]
pub struct Seen {
    pub status: u16,
    pub kind: Option<String>,
    pub location: Option<String>,
}

impl Seen {
    /// The outcome it shows, to print as a row.
    pub(crate) fn outcome(&self) -> String {
        if (300..400).contains(&self.status) {
            let to = self.location.clone().unwrap_or_default();
            let to = to.split(['?', '#']).next().unwrap_or_default().to_string();
            return format!("To({to:?})");
        }
        if (200..300).contains(&self.status) {
            return "Ok".into();
        }
        match &self.kind {
            // The open API's errors are `{"error": {...}}`: by status.
            Some(k) if k != "Internal" && k != "Transport" && k != "error" => k.clone(),
            _ => format!("S({})", self.status),
        }
    }

    pub(crate) fn is(&self, expected: O, via: Via) -> bool {
        match expected {
            Ok => (200..300).contains(&self.status),
            To(prefix) => {
                (300..400).contains(&self.status)
                    && self
                        .location
                        .as_deref()
                        .is_some_and(|l| l.starts_with(prefix))
            }
            S(status) => self.status == status,
            kind => {
                let (name, status) = kind.kind_and_status().expect("an error kind");
                self.status == status
                    && (via != Via::ServerFn || self.kind.as_deref() == Some(name))
            }
        }
    }
}

/// A concrete address for an entry (sample values for path parameters).
pub fn address(entry: &RouteEntry) -> String {
    match entry.path {
        "/lang/{code}" => "/lang/en".into(),
        "/text-size/{size}" => "/text-size/large".into(),
        "/payments/return" => {
            "/payments/return?order_no=NOPE&amount_fen=1&bank_ref=B&signature=00".into()
        }
        "/dev/bank/checkout" => "/dev/bank/checkout?order_no=NOPE".into(),
        "/payments/checkout" => "/payments/checkout?order_no=NOPE".into(),
        "/dev/sms-outbox" => "/dev/sms-outbox?phone=13800000000".into(),
        "/open/docs/{file}" => "/open/docs/start.js".into(),
        path => path
            .replace("{id}", "999999")
            .replace("{no}", "NOPE")
            .replace("{code}", "V1"),
    }
}

/// Sends one request as a browser would; a transport error fails the test.
pub async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    entry: &RouteEntry,
    form: &[(&str, &str)],
) -> Seen {
    let url = format!("{}{}", app.base, address(entry));
    let request = match (entry.via, entry.path) {
        (_, "/account/licence/photo/upload") => {
            let part = reqwest::multipart::Part::bytes(b"not a photo".to_vec())
                .file_name("x.jpg")
                .mime_str("image/jpeg")
                .unwrap();
            client
                .post(&url)
                .multipart(reqwest::multipart::Form::new().part("photo", part))
        }
        (Via::ServerFn, _) => client
            .post(&url)
            .header("accept", "application/json")
            .form(form),
        _ if entry.method == reqwest::Method::POST => client.post(&url).form(form),
        _ if entry.method == reqwest::Method::DELETE => client.delete(&url),
        _ => client.get(&url),
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {entry:?}: transport error {e}"));
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{app}: {entry:?}: reading the body: {e}"));
    let json = serde_json::from_str::<serde_json::Value>(&body).ok();
    let kind = json.filter(|_| status >= 400).map(|v| kind(&v));
    Seen {
        status,
        kind,
        location,
    }
}
