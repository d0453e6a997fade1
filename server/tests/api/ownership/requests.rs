//! The requests of the ownership matrix: each entry's arguments, address
//! and form, filled with the owner's real objects, sent as a browser sends
//! them.

use super::setup::{self, Objects};
use super::O::{self, *};
use crate::helpers::*;
use server::http::routes::{RouteEntry, Via};

/// The arguments of a server function (the owner's objects).
fn args(path: &str, o: &Objects) -> Vec<(&'static str, String)> {
    let car = o.car.to_string();
    let pairs: &[(&str, &str)] = match path {
        "/api/request_contact_change" => &[("target", "v:{car}"), ("phone", "13912340001")],
        "/api/confirm_contact_change" => &[
            ("target", "v:{car}"),
            ("phone", "13912340001"),
            ("code", "000000"),
            ("password", "Demo@2026"),
        ],
        "/api/bind_own_vehicle" | "/api/unbind_vehicle" => &[("vehicle_id", "{car}")],
        "/api/unit/bind_vehicles" | "/api/unit/unbind_vehicles" => &[("vehicle_ids[]", "{car}")],
        "/api/request_other_vehicle" => &[("plate", "{plate}"), ("vin_suffix", "{vin_suffix}")],
        "/api/confirm_other_vehicle" => &[("plate", "{plate}"), ("code", "000000")],
        "/api/violation_detail" => &[("violation_id", "{v_open}")],
        "/api/handle_violation" => &[("violation_id", "{v_open}"), ("confirm", "yes")],
        "/api/unit/name_driver_request" => {
            &[("violation_id", "{v_open}"), ("id_number", "{id_number}")]
        }
        "/api/unit/name_driver_confirm" => &[
            ("violation_id", "{v_open}"),
            ("id_number", "{id_number}"),
            ("code", "000000"),
            ("confirm", "yes"),
        ],
        "/api/pay_fine" => &[("violation_id", "{v_order}")],
        "/api/pay_fines" => &[("violation_ids[]", "{v_order}")],
        "/api/fine_receipt" => &[("receipt_no", "{receipt}")],
        "/api/submit_application" => &[
            ("service", "V3"),
            ("subject", "v:{car}"),
            ("fulfilment", "self_pickup"),
        ],
        "/api/save_application_draft" => {
            // What it writes differs from the draft (the clock stands
            // still): an overwritten draft shows.
            &[
                ("service", "V3"),
                ("draft", "{draft}"),
                ("subject", "v:{car}"),
                ("fulfilment", "self_pickup"),
                ("address", "河北省石家庄市另一条路9号"),
            ]
        }
        "/api/delete_application_draft" => &[("draft", "{spare_draft}")],
        "/api/load_application_draft" | "/api/confirm_application" => &[("draft", "{draft}")],
        "/api/my_application" | "/api/staff/application" => &[("application_no", "{no}")],
        // Harmless for staff: no such event.
        "/api/staff/application_event" => &[("application_no", "{no}"), ("event", "nope")],
        // Harmless for staff: the reason is missing.
        "/api/staff/lift_blacklist" => &[
            ("entry_id", "{entry}"),
            ("reason", ""),
            ("application_no", "{no}"),
        ],
        "/api/appeal_blacklist" => &[("entry_id", "{entry}"), ("reason", "理由充分")],
        "/api/staff/decide_appeal" => {
            &[("appeal_id", "{appeal}"), ("decision", ""), ("reason", "")]
        }
        "/api/staff/accounts/open" | "/api/staff/admin/member" => &[("account_id", "{owner}")],
        // Enabling an enabled account changes nothing.
        "/api/staff/accounts/set_disabled" | "/api/staff/admin/set_disabled" => &[
            ("account_id", "{owner}"),
            ("disable", "0"),
            ("reason", "核实无误"),
        ],
        "/api/staff/admin/reset_password" => &[
            ("account_id", "{owner}"),
            ("password", ""),
            ("password_confirm", ""),
        ],
        "/api/staff/window/upgrade" | "/api/staff/window/send_reset_code" => {
            &[("account_id", "{owner}")]
        }
        "/api/staff/window/reset_password" => &[
            ("account_id", "{owner}"),
            ("code", "000000"),
            ("password", ""),
            ("password_confirm", ""),
        ],
        "/api/staff/window/send_phone_code" => {
            &[("account_id", "{owner}"), ("new_phone", "13912340002")]
        }
        "/api/staff/window/change_phone" => &[
            ("account_id", "{owner}"),
            ("new_phone", "13912340002"),
            ("code", "000000"),
        ],
        "/api/staff/record_refund" => &[("payment_id", "{payment}"), ("reference", "TK-0001")],
        "/api/plates/prepare" | "/api/plates/extend" | "/api/plates/confirm" => {
            &[("vin", "{new_vin}")]
        }
        "/api/plates/draw" => &[("batch_id", "{batch}"), ("client_nonce", "other")],
        "/api/plates/batch" => &[("batch_id", "{batch}")],
        "/api/plates/hold" => &[
            ("vin", "{new_vin}"),
            ("plate", "{held}"),
            ("batch_id", "{batch}"),
        ],
        "/api/plates/custom" => &[("vin", "{new_vin}"), ("serial", "{free_serial}")],
        "/api/exams/cancel" => &[("booking_id", "{booking}")],
        "/api/staff/exams/allocate" | "/api/staff/exams/session" => &[("session_id", "{session}")],
        _ => &[],
    };
    pairs.iter().map(|(k, v)| (*k, fill(v, o, &car))).collect()
}

/// `{name}` → the object's id or number.
fn fill(template: &str, o: &Objects, car: &str) -> String {
    template
        .replace("{car}", car)
        .replace("{plate}", &o.plate)
        .replace("{id_number}", &o.owner_id_number)
        .replace("{vin_suffix}", &o.vin[o.vin.len() - 6..])
        .replace("{v_open}", &o.v_open.to_string())
        .replace("{v_order}", &o.v_order.to_string())
        .replace("{receipt}", &o.receipt_no)
        .replace("{spare_draft}", &o.spare_draft.to_string())
        .replace("{draft}", &o.draft.to_string())
        .replace("{no}", &o.application_no)
        .replace("{entry}", &o.blacklist_entry.to_string())
        .replace("{appeal}", &o.appeal.to_string())
        .replace("{owner}", &o.owners[0].to_string())
        .replace("{payment}", &o.payment_id.to_string())
        .replace("{new_vin}", &o.new_car_vin)
        .replace("{batch}", &o.batch.to_string())
        .replace("{held}", &o.drawn[0])
        .replace("{free_serial}", &o.free_serial)
        .replace("{booking}", &o.booking.to_string())
        .replace("{session}", &o.session.to_string())
}

/// The address of a page or route (the owner's objects in its path or
/// query), and what in it shows the object.
fn address(entry: &RouteEntry, o: &Objects) -> (String, Option<String>) {
    let (template, marker): (&str, Option<&str>) = match entry.path {
        "/account/vehicles/confirm" => ("/account/vehicles/confirm?plate={plate}", None),
        "/account/contact" => ("/account/contact?target=v:{car}", None),
        "/account/plates/custom" => ("/account/plates/custom?vin={new_vin}", None),
        "/account/violations/{id}" => ("/account/violations/{v_open}", Some(setup::PLACES[0])),
        "/account/receipts/{no}" => ("/account/receipts/{receipt}", Some("{plate}")),
        "/account/applications/{no}" => ("/account/applications/{no}", Some("权属测试路100号")),
        "/account/apply/{code}" => ("/account/apply/V3?draft={draft}", Some("{plate}")),
        "/account/apply/{code}/check" => ("/account/apply/V3/check?draft={draft}", Some("{plate}")),
        "/account/plates/draw" => ("/account/plates/draw?batch={batch}", Some("{drawn1}")),
        "/account/plates/hold" => ("/account/plates/hold?vin={new_vin}", Some("{held}")),
        "/staff/applications/{no}" => ("/staff/applications/{no}", Some("权属测试路100号")),
        "/staff/accounts/{id}" => ("/staff/accounts/{owner}", Some("{owner_name}")),
        "/staff/admin/staff/{id}" => ("/staff/admin/staff/{owner}", None),
        "/staff/exams/{id}" => ("/staff/exams/{session}", None),
        "/payments/checkout" => ("/payments/checkout?order_no={order}", None),
        "/payments/return" => ("/payments/return?{signed_return}", None),
        "/dev/bank/checkout" => ("/dev/bank/checkout?order_no={order}", None),
        path => (path, None),
    };
    let car = o.car.to_string();
    let fill = |t: &str| {
        fill(
            &t.replace("{drawn1}", &o.drawn[1])
                .replace("{owner_name}", &o.owner_name)
                .replace("{order}", &o.order_no)
                .replace("{signed_return}", &o.signed_return),
            o,
            &car,
        )
    };
    (fill(template), marker.map(fill))
}

/// The form a hand-added POST route gets.
fn route_form(path: &str, o: &Objects) -> Vec<(&'static str, String)> {
    match path {
        // The paid order: the bank says it was paid already.
        "/dev/bank/pay" => vec![("order_no", o.paid_order_no.clone())],
        _ => Vec::new(),
    }
}

/// What one request got.
#[derive(Debug)]
pub struct Seen {
    pub status: u16,
    pub kind: Option<String>,
    pub location: Option<String>,
    /// For a page with a marker: whether the page holds it.
    pub shows: Option<bool>,
    pub body: String,
}

impl Seen {
    pub fn outcome(&self) -> String {
        if (300..400).contains(&self.status) {
            let to = self.location.clone().unwrap_or_default();
            let to = to.split(['?', '#']).next().unwrap_or_default().to_string();
            return format!("To({to:?})");
        }
        if (200..300).contains(&self.status) {
            return match self.shows {
                Some(true) => "Shows",
                Some(false) => "Hides",
                None => "Ok",
            }
            .into();
        }
        match &self.kind {
            Some(k) if k != "Internal" && k != "Transport" => k.clone(),
            _ => format!("S({})", self.status),
        }
    }

    pub fn is(&self, expected: O, via: Via) -> bool {
        let ok = (200..300).contains(&self.status);
        match expected {
            Ok => ok && self.shows.is_none(),
            Shows => ok && self.shows == Some(true),
            Hides => ok && self.shows == Some(false),
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

/// One request as a browser sends it; a transport error fails the test.
/// Answers what came back, and the request's own text (its address and
/// form), which a secret found in the answer may merely echo.
pub async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    entry: &RouteEntry,
    o: &Objects,
) -> (Seen, String) {
    let (path, marker) = address(entry, o);
    let url = format!("{}{path}", app.base);
    let form = match entry.via {
        Via::ServerFn => args(entry.path, o),
        _ => route_form(entry.path, o),
    };
    let request = match entry.via {
        Via::ServerFn => client
            .post(&url)
            .header("accept", "application/json")
            .form(&form),
        _ if entry.method == reqwest::Method::POST => client.post(&url).form(&form),
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
    let shows = marker
        .filter(|_| entry.via != Via::ServerFn && (200..300).contains(&status))
        .map(|m| body.contains(&m));
    let asked = format!("{path} {form:?}");
    let seen = Seen {
        status,
        kind,
        location,
        shows,
        body,
    };
    (seen, asked)
}

/// A server function called with a hand-made form (the wrong-kind rows).
pub async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
) -> Seen {
    let response = client
        .post(format!("{}{path}", app.base))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{app}: {path}: transport error {e}"));
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{app}: {path}: reading the body: {e}"));
    let json = serde_json::from_str::<serde_json::Value>(&body).ok();
    Seen {
        status,
        kind: json.filter(|_| status >= 400).map(|v| kind(&v)),
        location: None,
        shows: None,
        body,
    }
}
